/**
 * smoke-test: the check grammar, the rounds against a fake clock, the probes against real loopback
 * HTTP and gRPC servers (grpc-js with grpc-health-check's own Health service), and the built bundle.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/clock.js';
import { InputError } from '../../common/errors.js';
import { action } from './main.js';
import { parseCheck, readPlan, type SmokePlan } from './plan.js';
import { decodeHealthStatus, encodeHealthRequest, probe, type ProbeOptions } from './probes.js';
import { runSmoke } from './smoke.js';
import { inputEnv, runBundle } from '../../test/support/harness.js';
import { captureStdout } from '../../test/support/stdout.js';

describe('check lines', () => {
  it.each([
    ['GET https://canary.internal/health', { kind: 'http', method: 'GET', url: 'https://canary.internal/health', expect: { kind: 'class', hundred: 2 } }],
    ['post http://127.0.0.1:8080/v1/token -> 400', { kind: 'http', method: 'POST', expect: { kind: 'codes', codes: [400] } }],
    ['GET http://x/ready -> 200,204 contains "ready"', { kind: 'http', expect: { kind: 'codes', codes: [200, 204] }, contains: '"ready"' }],
    ['grpc persona.svc.local:50051 persona.v1.PersonaService', { kind: 'grpc', target: 'persona.svc.local:50051', service: 'persona.v1.PersonaService' }],
    ['grpc 127.0.0.1:50051', { kind: 'grpc', target: '127.0.0.1:50051', service: '' }],
  ])('%s', (line, want) => {
    expect(parseCheck(line)).toMatchObject(want);
  });

  it.each([
    ['FETCH https://x/health', /method "FETCH"/],
    ['GET /health', /not absolute/],
    ['GET ftp://x/health', /not http\(s\)/],
    ['GET https://x/health -> 600', /status "600"/],
    ['GET https://x/health -> ok', /status "ok"/],
    ['grpc persona', /not host:port/],
    ['grpc persona:99999', /not host:port/],
    ['curl it', /method "curl"/],
    ['GET', /is not a check/],
  ])('refuses %s, naming the input and the form', (line, why) => {
    expect(() => parseCheck(line)).toThrow(InputError);
    expect(() => parseCheck(line)).toThrow(why);
    expect(() => parseCheck(line)).toThrow(/Input "checks".*expected "<METHOD>/);
  });
});

describe('headers', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('are read one "Name: value" per line; a bad line is named by its number, never repeated, as it may hold a credential', () => {
    Object.assign(process.env, inputEnv({ checks: 'GET http://127.0.0.1/health', headers: 'X-Canary: always\n# a comment\nAuthorization: Bearer ok' }));
    expect(readPlan().headers).toEqual({ 'X-Canary': 'always', Authorization: 'Bearer ok' });
    Object.assign(process.env, inputEnv({ checks: 'GET http://127.0.0.1/health', headers: 'X-Canary: always\nAuthorization Bearer hunter2' }));
    expect(() => readPlan()).toThrow(new InputError('Input "headers": line 2 is not a header; expected one "Name: value" per line.'));
  });

  it('credential-like values are masked in the forms they travel in before any input is read, so no error can print them', async () => {
    Object.assign(process.env, inputEnv({ checks: 'GET /relative', headers: 'Authorization: Bearer hunter2\nX-Canary: always' }));
    const out = captureStdout();
    try {
      await expect(action.main(new AbortController().signal)).rejects.toThrow(InputError);
    } finally {
      out.restore();
    }
    const masks = out.lines().filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length));
    expect(masks).toEqual(expect.arrayContaining(['Bearer hunter2', 'hunter2']));
    expect(masks).not.toContain('always');
  });
});

describe('health codec', () => {
  it('encodes the service name as field 1 and decodes every status', () => {
    expect(encodeHealthRequest('')).toEqual(Buffer.alloc(0));
    expect(encodeHealthRequest('a.B')).toEqual(Buffer.from([0x0a, 3, 0x61, 0x2e, 0x42]));
    const long = 'x'.repeat(300);
    expect(encodeHealthRequest(long).subarray(0, 3)).toEqual(Buffer.from([0x0a, 0xac, 0x02]));
    expect(decodeHealthStatus(Buffer.from([0x08, 1]))).toBe('SERVING');
    expect(decodeHealthStatus(Buffer.from([0x08, 2]))).toBe('NOT_SERVING');
    expect(decodeHealthStatus(Buffer.alloc(0))).toBe('UNKNOWN');
  });
});

function plan(over: Partial<SmokePlan> = {}): SmokePlan {
  return { checks: [parseCheck('GET http://a/health'), parseCheck('grpc b:1')], headers: {}, body: '', grpcTls: false, requestTimeoutMs: 1000, attempts: 5, intervalMs: 5000, timeoutMs: 60_000, ...over };
}

describe('rounds', () => {
  it('passes on the first round where every check passes, after waiting between rounds', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    let calls = 0;
    const report = await runSmoke(plan(), {
      clock, signal: new AbortController().signal, log: () => {},
      probe: async (check) => ({ ok: check.kind === 'grpc' || ++calls >= 3, got: 'x', ms: 1 }),
    });
    expect(report).toMatchObject({ result: 'pass', rounds: 3 });
    expect(clock.now() - start).toBe(10_000);
  });

  it('fails after the last attempt with every still-failing check and its answer', async () => {
    const report = await runSmoke(plan({ attempts: 2 }), {
      clock: new FakeClock(), signal: new AbortController().signal, log: () => {},
      probe: async (check) => ({ ok: check.kind === 'http', got: check.kind === 'grpc' ? 'NOT_SERVING (expected SERVING for the server)' : '200', ms: 1 }),
    });
    expect(report.result).toBe('fail');
    expect(report.rounds).toBe(2);
    expect(report.reason).toBe('1 of 2 check(s) still failing after 2 round(s): grpc b:1 → NOT_SERVING (expected SERVING for the server)');
  });

  it('stops at its timeout instead of sleeping past it', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const report = await runSmoke(plan({ attempts: 100, timeoutMs: 12_000 }), {
      clock, signal: new AbortController().signal, log: () => {},
      probe: async () => ({ ok: false, got: 'connect ECONNREFUSED', ms: 1 }),
    });
    expect(report.result).toBe('fail');
    expect(report.rounds).toBe(3);
    expect(clock.now() - start).toBeLessThanOrEqual(12_000);
    expect(report.reason).toMatch(/the timeout came after 3 round\(s\)/);
  });
});

describe('probes on loopback', () => {
  let http: Server;
  let base: string;
  let grpcServer: grpc.Server;
  let grpcTarget: string;
  const health = new HealthImplementation({ '': 'SERVING', 'persona.v1.PersonaService': 'SERVING', 'draining.v1.D': 'NOT_SERVING' });
  const seen: { headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    http = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (req.url === '/hang') return; // never answers
        if (req.url === '/health') return res.end('{"status":"ok"}');
        if (req.url === '/token') return res.writeHead(400).end('bad');
        res.writeHead(503).end('starting');
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    grpcServer = new grpc.Server();
    health.addToServer(grpcServer);
    const port = await new Promise<number>((r, j) => grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))));
    grpcTarget = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    grpcServer.forceShutdown();
  });

  const opts = (over: Partial<ProbeOptions> = {}): ProbeOptions => ({ headers: {}, body: '', grpcTls: false, timeoutMs: 2000, signal: new AbortController().signal, ...over });

  it('HTTP: status, class, body text, headers and a JSON body', async () => {
    expect(await probe(parseCheck(`GET ${base}/health -> 200 contains "ok"`), opts())).toMatchObject({ ok: true, got: '200' });
    expect(await probe(parseCheck(`GET ${base}/ready`), opts())).toMatchObject({ ok: false, got: '503 (expected 2xx)' });
    expect(await probe(parseCheck(`GET ${base}/health contains missing`), opts())).toMatchObject({ ok: false, got: '200 without "missing" (expected 2xx containing "missing")' });
    expect(await probe(parseCheck(`POST ${base}/token -> 400`), opts({ body: '{"a":1}', headers: { 'x-canary': 'true' } }))).toMatchObject({ ok: true });
    expect(seen.at(-1)).toMatchObject({ body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-canary': 'true' } });
  });

  it('HTTP: a hung endpoint ends at the request timeout; a closed port is a clear error', async () => {
    const hung = await probe(parseCheck(`GET ${base}/hang`), opts({ timeoutMs: 300 }));
    expect(hung).toMatchObject({ ok: false, got: 'no answer within 300 ms' });
    expect(hung.ms).toBeLessThan(2000);
    const spare = createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    const closedPort = (spare.address() as AddressInfo).port;
    await new Promise((r) => spare.close(r));
    const closed = await probe(parseCheck(`GET http://127.0.0.1:${closedPort}/health`), opts());
    expect(closed.ok).toBe(false);
    expect(closed.got).toMatch(/ECONNREFUSED/);
  });

  it('gRPC: SERVING passes; NOT_SERVING, an unknown service and no server fail with the answer', async () => {
    expect(await probe(parseCheck(`grpc ${grpcTarget}`), opts())).toMatchObject({ ok: true, got: 'SERVING' });
    expect(await probe(parseCheck(`grpc ${grpcTarget} persona.v1.PersonaService`), opts())).toMatchObject({ ok: true });
    expect(await probe(parseCheck(`grpc ${grpcTarget} draining.v1.D`), opts())).toMatchObject({ ok: false, got: 'NOT_SERVING (expected SERVING for service "draining.v1.D")' });
    expect((await probe(parseCheck(`grpc ${grpcTarget} nope.v1.X`), opts())).got).toMatch(/^NOT_FOUND/);
    expect((await probe(parseCheck('grpc 127.0.0.1:1'), opts({ timeoutMs: 1000 }))).got).toMatch(/^(UNAVAILABLE|DEADLINE_EXCEEDED)/);
  });

  it('the bundle passes a healthy release and fails one that is not ready, with the report and no retry past its attempts', async () => {
    const good = await runBundle('smoke-test', { inputs: { checks: `GET ${base}/health -> 200\ngrpc ${grpcTarget} persona.v1.PersonaService`, attempts: '1' } });
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.outputs.result).toBe('pass');
    expect(good.summary).toContain('## smoke-test: pass');

    const bad = await runBundle('smoke-test', { inputs: { checks: `GET ${base}/ready\ngrpc ${grpcTarget} draining.v1.D`, attempts: '2', interval: '100ms' } });
    expect(bad.code).toBe(1);
    expect(bad.outputs.result).toBe('fail');
    expect(JSON.parse(bad.outputs.report).rounds).toBe(2);
    expect(bad.errors.join('\n')).toMatch(/smoke-test failed: 2 of 2 check\(s\) still failing after 2 round\(s\).*503 \(expected 2xx\).*NOT_SERVING.*No traffic was moved\. Runbook: https:\/\/github\.com\/mesh-actions\/mesh-actions\/blob\/v1\/docs\/runbooks\/failed-or-stuck-ramp\.md#smoke-test-failed/);
    expect(bad.summary).toContain('| ❌ |');
  });

  it('the bundle refuses a bad check before any request', async () => {
    const before = seen.length;
    const run = await runBundle('smoke-test', { inputs: { checks: `GET ${base}/health\nGET /relative` } });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/Input "checks": "GET \/relative" has URL/);
    expect(seen.length).toBe(before);
  });
});
