/** One request per check, each bounded by its own timeout and the step's signal. */
import * as grpc from '@grpc/grpc-js';
import { errorMessage } from '../../common/errors.js';
import { describeStatus, statusMatches, type Check } from './plan.js';

export interface Probe {
  ok: boolean;
  /** What came back: "200", "SERVING", or the error. */
  got: string;
  ms: number;
}

export interface ProbeOptions {
  headers: Record<string, string>;
  body: string;
  grpcTls: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Body text kept for a "contains" check and for the report; a smoke endpoint has no business sending more. */
const BODY_LIMIT = 64 * 1024;

export async function probe(check: Check, opts: ProbeOptions): Promise<Probe> {
  const started = performance.now();
  const result = check.kind === 'http' ? await probeHttp(check, opts) : await probeGrpc(check, opts);
  return { ...result, ms: Math.round(performance.now() - started) };
}

function expectation(check: Extract<Check, { kind: 'http' }>): string {
  return `${describeStatus(check.expect)}${check.contains ? ` containing "${check.contains}"` : ''}`;
}

async function probeHttp(check: Extract<Check, { kind: 'http' }>, opts: ProbeOptions): Promise<Omit<Probe, 'ms'>> {
  const withBody = opts.body !== '' && !['GET', 'HEAD'].includes(check.method);
  let json = false;
  if (withBody) try { JSON.parse(opts.body); json = true; } catch { /* sent as text */ }
  try {
    const res = await fetch(check.url, {
      method: check.method,
      headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: withBody ? opts.body : undefined,
      redirect: 'manual',
      signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]),
    });
    const text = (await res.text()).slice(0, BODY_LIMIT);
    const statusOk = statusMatches(check.expect, res.status);
    const bodyOk = !check.contains || text.includes(check.contains);
    const got = `${res.status}${statusOk && !bodyOk ? ` without "${check.contains}"` : ''}`;
    return { ok: statusOk && bodyOk, got: statusOk && bodyOk ? got : `${got} (expected ${expectation(check)})` };
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : errorMessage(err instanceof Error && err.cause instanceof Error ? err.cause : err);
    return { ok: false, got: why };
  }
}

// grpc.health.v1 Check, encoded by hand: one string field in, one enum field out. grpc-health-check
// loads its .proto from disk at import, which a single-file bundle does not carry.
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

export function encodeHealthRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  if (!name.length) return Buffer.alloc(0);
  const len: number[] = [];
  for (let n = name.length; ; n >>>= 7) {
    if (n < 0x80) { len.push(n); break; }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...len]), name]);
}

export function decodeHealthStatus(bytes: Buffer): string {
  // Field 1, varint: tag 0x08. An absent field is the default, UNKNOWN.
  for (let i = 0; i < bytes.length; ) {
    const tag = bytes[i++];
    let value = 0;
    for (let shift = 0; i < bytes.length; shift += 7) {
      const b = bytes[i++];
      value |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (tag === 0x08) return SERVING_STATUS[value] ?? `status ${value}`;
    if ((tag & 7) !== 0) break; // only varint fields are expected in this message
  }
  return 'UNKNOWN';
}

function probeGrpc(check: Extract<Check, { kind: 'grpc' }>, opts: ProbeOptions): Promise<Omit<Probe, 'ms'>> {
  const client = new grpc.Client(check.target, opts.grpcTls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure());
  const subject = check.service ? `service "${check.service}"` : 'the server';
  return new Promise((resolve, reject) => {
    const onAbort = () => call.cancel();
    const call = client.makeUnaryRequest<Buffer, string>(
      '/grpc.health.v1.Health/Check',
      (service: Buffer) => service,
      decodeHealthStatus,
      encodeHealthRequest(check.service),
      new grpc.Metadata(),
      { deadline: Date.now() + opts.timeoutMs },
      (err, status) => {
        opts.signal.removeEventListener('abort', onAbort);
        client.close();
        if (opts.signal.aborted) return reject(opts.signal.reason);
        if (err) return resolve({ ok: false, got: `${grpc.status[err.code] ?? err.code}: ${err.details}` });
        resolve({ ok: status === 'SERVING', got: status === 'SERVING' ? 'SERVING' : `${status} (expected SERVING for ${subject})` });
      },
    );
    opts.signal.addEventListener('abort', onAbort, { once: true });
  });
}
