import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { FakeClock } from '../../../actions/lib/clock.js';
import { CircuitOpenError } from '../src/circuit-breaker.js';
import { HttpClient, HttpStatusError, HttpTimeoutError } from '../src/http-client.js';
import { requestContext } from '../src/request-context.js';
import { setupTracing } from '../src/tracing.js';

// A dependency whose answers the test scripts: each request takes the next planned behaviour.
let plan: Array<{ status?: number; delayMs?: number; reset?: boolean }> = [];
let seen: Array<{ method: string; headers: IncomingHttpHeaders }> = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
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
beforeEach(() => {
  plan = [];
  seen = [];
});

const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ name: 'dep', baseUrl, clock: new FakeClock(), random: () => 0.5, timeoutMs: 500, ...extra });

describe('HttpClient', () => {
  it('retries an idempotent call on 503 and a reset, then succeeds', async () => {
    plan = [{ status: 503 }, { reset: true }, { status: 200 }];
    const res = await client().get('/x');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ n: 3 });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a POST unless told it is idempotent', async () => {
    plan = [{ status: 503 }, { status: 200 }];
    await expect(client().post('/x', { json: { a: 1 } })).rejects.toBeInstanceOf(HttpStatusError);
    expect(seen).toHaveLength(1);
    plan = [{ status: 503 }, { status: 201 }];
    seen = [];
    expect((await client().post('/x', { json: { a: 1 }, idempotent: true })).status).toBe(201);
    expect(seen).toHaveLength(2);
  });

  it('returns 4xx as an answer: no retry, no breaker failure', async () => {
    const c = client({ breaker: { failureThreshold: 1 } });
    plan = [{ status: 404 }, { status: 404 }];
    expect((await c.get('/missing')).status).toBe(404);
    expect((await c.get('/missing')).status).toBe(404);
    expect(seen).toHaveLength(2);
    expect(c.breaker.state).toBe('closed');
  });

  it('times out each attempt, retries, and reports a timeout naming the dependency', async () => {
    plan = [{ delayMs: 300 }, { delayMs: 300 }];
    const err = await client({ timeoutMs: 50, attempts: 2 }).get('/slow').catch((e) => e);
    expect(err).toBeInstanceOf(HttpTimeoutError);
    expect(err.message).toBe('dep did not answer within 50 ms');
    expect(seen).toHaveLength(2);
  });

  it('opens the breaker after repeated failures and then fails fast without a request', async () => {
    const c = client({ attempts: 1, breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 } });
    plan = [{ status: 500 }, { status: 500 }];
    await expect(c.get('/a')).rejects.toBeInstanceOf(HttpStatusError);
    await expect(c.get('/a')).rejects.toBeInstanceOf(HttpStatusError);
    await expect(c.get('/a')).rejects.toBeInstanceOf(CircuitOpenError);
    expect(seen).toHaveLength(2);
  });

  it('sleeps a full-jitter backoff between attempts on the injected clock', async () => {
    const clock = new FakeClock(0);
    plan = [{ status: 502 }, { status: 504 }, { status: 200 }];
    await client({ clock, random: () => 0.5, retryBaseMs: 100 }).get('/x');
    // attempt 0: U(0,100)·0.5 = 50; attempt 1: U(0,200)·0.5 = 100
    expect(clock.now()).toBe(150);
  });

  it('passes on the correlation id and the W3C trace context of the current request', async () => {
    const tracing = setupTracing({ serviceName: 'test', version: '1' });
    const parent = propagation.extract(context.active(), { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await context.with(parent, () =>
      requestContext.run({ correlationId: 'corr-123' }, () => client({ tracer: tracing.tracer }).get('/x')));
    const h = seen[0].headers;
    expect(h['x-correlation-id']).toBe('corr-123');
    expect(h.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(h.traceparent).not.toContain('00f067aa0ba902b7');
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
