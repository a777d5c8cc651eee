import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { FakeClock } from '../../../common/clock.js';
import { CircuitOpenError } from '../src/circuit-breaker.js';
import { HttpClient, HttpStatusError, HttpTimeoutError } from '../src/http-client.js';
import { requestContext } from '../src/request-context.js';
import { setupTracing } from '../src/tracing.js';

// A dependency whose answers the test scripts: each request takes the next planned behaviour. Each test
// uses its own path, so a late request of one test (a busy machine) cannot eat another's plan.
type Step = { status?: number; delayMs?: number; reset?: boolean };
let plan: Step[] = [];
let seen: Array<{ method: string; headers: IncomingHttpHeaders }> = [];
let currentPath = '';
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== currentPath) return void res.writeHead(410).end();
    seen.push({ method: req.method!, headers: req.headers });
    const step = plan.shift() ?? { status: 200 };
    if (step.reset) return req.socket.destroy();
    setTimeout(() => {
      res.writeHead(step.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ n: seen.length }));
    }, step.delayMs ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
let testNo = 0;
beforeEach(() => {
  plan = [];
  seen = [];
  currentPath = `/t${++testNo}`;
});

const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ name: 'dep', baseUrl, clock: new FakeClock(), random: () => 0.5, timeoutMs: 500, ...extra });

describe('HttpClient', () => {
  it('retries an idempotent call on 503 and a reset, then succeeds', async () => {
    plan = [{ status: 503 }, { reset: true }, { status: 200 }];
    const res = await client().get(currentPath);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ n: 3 });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a POST unless told it is idempotent', async () => {
    plan = [{ status: 503 }, { status: 200 }];
    await expect(client().post(currentPath, { json: { a: 1 } })).rejects.toBeInstanceOf(HttpStatusError);
    expect(seen).toHaveLength(1);
    plan = [{ status: 503 }, { status: 201 }];
    seen = [];
    expect((await client().post(currentPath, { json: { a: 1 }, idempotent: true })).status).toBe(201);
    expect(seen).toHaveLength(2);
  });

  it('returns 4xx as an answer: no retry, no breaker failure', async () => {
    const c = client({ breaker: { failureThreshold: 1 } });
    plan = [{ status: 404 }, { status: 404 }];
    expect((await c.get(currentPath)).status).toBe(404);
    expect((await c.get(currentPath)).status).toBe(404);
    expect(seen).toHaveLength(2);
    expect(c.breaker.state).toBe('closed');
  });

  it('times out each attempt, retries, and reports a timeout naming the dependency', async () => {
    plan = [{ delayMs: 2000 }, { delayMs: 2000 }];
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const err = await client({ timeoutMs: 100, attempts: 2, fetch: counting }).get(currentPath).catch((e) => e);
    expect(err).toBeInstanceOf(HttpTimeoutError);
    expect(err.message).toBe('dep did not answer within 100 ms');
    expect(attempts).toBe(2);
  });

  it('opens the breaker after repeated failures and then fails fast without a request', async () => {
    const c = client({ attempts: 1, breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 } });
    plan = [{ status: 500 }, { status: 500 }];
    await expect(c.get(currentPath)).rejects.toBeInstanceOf(HttpStatusError);
    await expect(c.get(currentPath)).rejects.toBeInstanceOf(HttpStatusError);
    await expect(c.get(currentPath)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(seen).toHaveLength(2);
  });

  it("a call the caller cancels neither counts against the dependency nor closes a half-open breaker", async () => {
    const clock = new FakeClock(0);
    const c = client({ clock, attempts: 1, breaker: { failureThreshold: 2, resetTimeoutMs: 1000 } });
    const cancelled = async (reason?: unknown) => {
      plan.push({ delayMs: 2000 });
      const caller = new AbortController();
      setTimeout(() => caller.abort(reason), 30);
      await expect(c.get(currentPath, { signal: caller.signal })).rejects.toBeDefined();
    };
    plan = [{ status: 500 }];
    await expect(c.get(currentPath)).rejects.toBeInstanceOf(HttpStatusError);
    // One real failure, then cancellations (a shutdown's reason, or a plain abort): still one failure short of opening.
    await cancelled(new Error('shutdown'));
    await cancelled();
    expect(c.breaker.state).toBe('closed');
    plan = [{ status: 500 }];
    await expect(c.get(currentPath)).rejects.toBeInstanceOf(HttpStatusError);
    expect(c.breaker.state).toBe('open');
    clock.advance(1000);
    expect(c.breaker.state).toBe('half-open');
    // The trial call is cancelled: no evidence of recovery, so the breaker stays half-open (not closed).
    await cancelled();
    expect(c.breaker.state).toBe('half-open');
  });

  it('sleeps a full-jitter backoff between attempts on the injected clock', async () => {
    const clock = new FakeClock(0);
    plan = [{ status: 502 }, { status: 504 }, { status: 200 }];
    await client({ clock, random: () => 0.5, retryBaseMs: 100 }).get(currentPath);
    // attempt 0: U(0,100)·0.5 = 50; attempt 1: U(0,200)·0.5 = 100
    expect(clock.now()).toBe(150);
  });

  it('passes on the correlation id and the W3C trace context of the current request', async () => {
    const tracing = setupTracing({ serviceName: 'test', version: '1' });
    const parent = propagation.extract(context.active(), { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await context.with(parent, () =>
      requestContext.run({ correlationId: 'corr-123' }, () => client({ tracer: tracing.tracer }).get(currentPath)));
    const h = seen[0].headers;
    expect(h['x-correlation-id']).toBe('corr-123');
    expect(h.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(h.traceparent).not.toContain('00f067aa0ba902b7');
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('PassThroughTracer (no exporter configured)', () => {
  it('keeps the caller trace id and sampled flag, with a new span id; a root follows the ratio', async () => {
    const { PassThroughTracer } = await import('../src/tracing.js');
    const parent = propagation.extract(context.active(), { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' });
    const child = new PassThroughTracer(1).startSpan('x', {}, parent).spanContext();
    expect(child.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe('00f067aa0ba902b7');
    expect(child.traceFlags).toBe(0);
    expect(new PassThroughTracer(0.5, () => 0.2).startSpan('root').spanContext().traceFlags).toBe(1);
    expect(new PassThroughTracer(0.5, () => 0.7).startSpan('root').spanContext().traceFlags).toBe(0);
    const root = new PassThroughTracer(1).startSpan('root', { root: true }, parent).spanContext();
    expect(root.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(new PassThroughTracer(1).startActiveSpan('a', (span: Span) => trace.getActiveSpan() === span)).toBe(true);
  });
});
