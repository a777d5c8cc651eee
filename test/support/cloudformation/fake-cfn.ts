/**
 * A scripted CloudFormation for what moto cannot show: per-resource failures with reasons,
 * throttling, rollbacks, ROLLBACK_COMPLETE stacks. It speaks the real awsQuery wire format (form
 * body in, XML out), so the SDK's own serialization is exercised. Served through nock for module
 * tests, or from a loopback HTTP server for the built bundle (AWS_ENDPOINT_URL_CLOUDFORMATION).
 */
import { createServer } from 'node:http';
import type { ResourceStatus, StackEvent } from '@aws-sdk/client-cloudformation';
import nock from 'nock';
import { listenOnLoopback, type Listening } from '../loopback.js';

export type Params = Record<string, string>;
export type Reply = { result: object } | { error: { code: string; message: string; status?: number } };
/** `n` counts calls of this action, from 1. */
export type Handler = (params: Params, n: number) => Reply;

export interface Call {
  action: string;
  params: Params;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((m) => `<member>${toXml(m)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escape(String(value));
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export function render(action: string, reply: Reply): { status: number; body: string } {
  if ('error' in reply) {
    const { code, message, status = 400 } = reply.error;
    return {
      status,
      body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
    };
  }
  return {
    status: 200,
    body: `<${action}Response xmlns="${NS}"><${action}Result>${toXml(reply.result)}</${action}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export const throttled: Reply = { error: { code: 'Throttling', message: 'Rate exceeded' } };
export const ok: Reply = { result: {} };

export const STACK_ID = 'arn:aws:cloudformation:eu-central-1:123456789012:stack/svc/11111111-1111-1111-1111-111111111111';
export const CHANGE_SET_ID = 'arn:aws:cloudformation:eu-central-1:123456789012:changeSet/cs/22222222-2222-2222-2222-222222222222';

let eventSeq = 0;
/** A stack event; `stack: true` makes it the stack's own. */
export function ev(logicalId: string, status: string, opts: { type?: string; reason?: string; stackName?: string; stackId?: string; t?: number } = {}): StackEvent {
  eventSeq++;
  const stackName = opts.stackName ?? 'svc';
  const isStack = logicalId === stackName;
  return {
    StackId: opts.stackId ?? STACK_ID,
    EventId: `event-${eventSeq}`,
    StackName: stackName,
    LogicalResourceId: logicalId,
    PhysicalResourceId: isStack ? (opts.stackId ?? STACK_ID) : `${logicalId}-phys`,
    ResourceType: opts.type ?? (isStack ? 'AWS::CloudFormation::Stack' : 'AWS::ECS::Service'),
    Timestamp: new Date(Date.UTC(2026, 0, 1, 12, 0, opts.t ?? eventSeq)),
    ResourceStatus: status as ResourceStatus,
    ResourceStatusReason: opts.reason,
  };
}

export function stack(status: string, extra: Record<string, unknown> = {}) {
  return {
    StackId: STACK_ID,
    StackName: 'svc',
    CreationTime: new Date(Date.UTC(2026, 0, 1)),
    StackStatus: status,
    ...extra,
  };
}

export class FakeCloudFormation {
  readonly calls: Call[] = [];
  private readonly handlers = new Map<string, Handler>();
  private listening?: Listening;

  on(action: string, handler: Handler | Reply): this {
    this.handlers.set(action, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  params(action: string, n = 1): Params {
    const found = this.calls.filter((c) => c.action === action)[n - 1];
    if (!found) throw new Error(`no call ${n} of ${action}; calls: ${this.calls.map((c) => c.action).join(', ')}`);
    return found.params;
  }

  handle(body: string): { status: number; body: string } {
    const params = Object.fromEntries(new URLSearchParams(body));
    const action = params.Action;
    this.calls.push({ action, params });
    const handler = this.handlers.get(action);
    if (!handler) return render(action, { error: { code: 'InvalidAction', message: `the fake has no handler for ${action}` } });
    return render(action, handler(params, this.count(action)));
  }

  /** Intercepts https://cloudformation.<region>.amazonaws.com in this process. */
  intercept(region = 'eu-central-1'): nock.Scope {
    return nock(`https://cloudformation.${region}.amazonaws.com`)
      .persist()
      .post('/')
      .reply((_uri, body) => {
        const res = this.handle(typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString());
        return [res.status, res.body, { 'content-type': 'text/xml' }];
      });
  }

  /** Serves on a loopback port, for a bundle run in another process. */
  async listen(): Promise<string> {
    this.listening = await listenOnLoopback(createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const out = this.handle(body);
        res.writeHead(out.status, { 'content-type': 'text/xml' });
        res.end(out.body);
      });
    }));
    return this.listening.url;
  }

  async close(): Promise<void> {
    await this.listening?.stop();
  }
}
