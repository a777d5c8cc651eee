/**
 * A real HTTP proxy in front of moto (or any AWS endpoint) that injects faults into chosen operations:
 * throttling, 500, connection resets and slow answers, as AWS and the network produce them. It names each call by
 * its operation (awsQuery `Action=`, JSON `x-amz-target`) and records every one.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback.js';

/** `delay` forwards the call after `delayMs`: a slow answer, not an error (e.g. to signal a process mid-call). */
export type Fault = 'throttle' | '500' | 'reset' | 'delay';

export interface FaultRule {
  op: string;
  fault: Fault;
  /** How many matching calls fail (Infinity = until cleared). */
  times: number;
  /** Matching calls to let through before the first fault (0 by default). */
  after?: number;
  /** `delay`: how long the call is held before it is forwarded (1 s by default). */
  delayMs?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Operation names in the order they arrived (faulted ones included). */
  calls: string[];
  inject(rule: FaultRule): void;
  clear(): void;
  stop(): Promise<void>;
}

function operationOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop()!;
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body);
  if (action) return action[1];
  return `${req.method} ${req.url?.split('?')[0]}`;
}

function sendFault(req: IncomingMessage, res: ServerResponse, fault: Fault): void {
  if (fault === 'reset') {
    req.socket.destroy();
    return;
  }
  const json = typeof req.headers['x-amz-target'] === 'string' || /json/.test(String(req.headers['content-type']));
  const [status, code, message] = fault === 'throttle' ? [400, 'Throttling', 'Rate exceeded'] : [500, 'InternalFailure', 'We encountered an internal error. Please try again.'];
  if (json) {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': fault === 'throttle' ? 'ThrottlingException' : 'ServerException' });
    res.end(JSON.stringify({ __type: fault === 'throttle' ? 'ThrottlingException' : 'ServerException', message }));
  } else {
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(`<ErrorResponse><Error><Type>${status === 400 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`);
  }
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const rules: FaultRule[] = [];
  const calls: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req, body.toString());
      calls.push(op);
      const rule = rules.find((r) => r.op === op && r.times > 0);
      if (rule && (rule.after ?? 0) > 0) rule.after!--;
      else if (rule) {
        rule.times--;
        if (rule.fault === 'delay') return void setTimeout(() => forward(body), rule.delayMs ?? 1000);
        return sendFault(req, res, rule.fault);
      }
      forward(body);
    });
    function forward(body: Buffer) {
      const up = request(
        { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      up.end(body);
    }
  });
  const { url: endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    calls,
    inject: (rule) => rules.push({ ...rule }),
    clear: () => void rules.splice(0),
    stop,
  };
}
