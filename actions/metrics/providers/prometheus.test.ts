// The Prometheus provider at the HTTP layer: the PromQL it sends (our services' histogram preset
// and raw templates), SigV4 for Amazon Managed Service for Prometheus, retries, no data, errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import nock from 'nock';
import { evaluateGate } from '../gate.js';
import { parseObjectives } from '../slo.js';
import { ampRegion, PrometheusProvider, promTemplate } from './prometheus.js';
import { PROMETHEUS_DEFAULTS, type PrometheusSource } from './sources.js';
import type { GateConfig } from '../types.js';
import { FakeClock } from '../../../common/clock.js';
import { useNockedAws } from '../../../test/support/nock-aws.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SERVER_TEXT_LIMIT } from '../../lib/secrets.js';
import { captureStdout } from '../../../test/support/stdout.js';

const PROM = 'http://prometheus.test:9090';
const AMP = 'https://aps-workspaces.eu-central-1.amazonaws.com';
const END = new Date('2026-03-01T12:10:00Z');
const START = new Date('2026-03-01T12:00:00Z');
const window = { window: { start: START, end: END } };

useNockedAws('PROMETHEUS');

function source(extra: Partial<PrometheusSource> = {}): PrometheusSource {
  return { url: PROM, sigv4: false, preset: 'http-histogram', canarySelector: 'service="auth",version="2"', baselineSelector: 'service="auth",version="1"', queries: {}, stepSeconds: 60, ...PROMETHEUS_DEFAULTS, ...extra };
}
function config(slo: string[], src: PrometheusSource = source()): GateConfig {
  return { provider: 'prometheus', objectives: parseObjectives(slo), windowMs: 600_000, warmupMs: 0, minRequests: 100, onNoData: 'inconclusive', dryRun: false, source: src };
}

interface Seen { path: string; query: Record<string, string>; headers: Record<string, string | string[] | undefined> }

/** Answers every query from `values(promql)`: a matrix over the window's minutes for ranges, a vector for instants. */
function serve(host: string, values: (promql: string, instant: boolean) => number | null | number[], seen: Seen[] = []) {
  const times = Array.from({ length: 10 }, (_, i) => START.getTime() / 1000 + 60 * (i + 1));
  return nock(host)
    .persist()
    .get(/\/api\/v1\/query(_range)?$/)
    .query(true)
    .reply(function (uri) {
      const url = new URL(uri, host);
      const query = Object.fromEntries(url.searchParams);
      seen.push({ path: url.pathname, query, headers: this.req.headers });
      const instant = url.pathname.endsWith('/query');
      const v = values(query.query, instant);
      const series = v === null ? [] : Array.isArray(v) ? v.map((x) => ({ metric: {}, x })) : [{ metric: {}, x: v }];
      const result = series.map(({ metric, x }) => (instant ? { metric, value: [END.getTime() / 1000, String(x)] } : { metric, values: times.map((t) => [t, String(x)]) }));
      return [200, { status: 'success', data: { resultType: instant ? 'vector' : 'matrix', result } }];
    });
}

const healthy = (q: string) => (q.includes('histogram_quantile(0.95') ? 0.12 : q.includes('increase(') ? 6000 : q.includes('errors_total') ? 0.001 : q.startsWith('sum(rate(http_requests_total') ? 10 : null);

describe('Prometheus provider', () => {
  it('sends our services\' histogram PromQL for each target, per minute and for the window', async () => {
    const seen: Seen[] = [];
    serve(PROM, healthy, seen);
    const r = await evaluateGate(config(['p95 < 200ms', 'error-rate < 1%', 'p95 < 1.2x baseline']), {}, window);
    expect(r.result).toBe('pass');
    const canaryP95 = seen.filter((s) => s.query.query.includes('histogram_quantile') && s.query.query.includes('version="2"'));
    expect(canaryP95.map((s) => [s.path, s.query.query])).toEqual(expect.arrayContaining([
      ['/api/v1/query_range', 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="auth",version="2"}[60s])))'],
      ['/api/v1/query', 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="auth",version="2"}[600s])))'],
    ]));
    const range = seen.find((s) => s.path === '/api/v1/query_range')!;
    expect(range.query).toMatchObject({ start: String(START.getTime() / 1000 + 60), end: String(END.getTime() / 1000), step: '60s' });
    expect(seen.some((s) => s.query.query === '(sum(rate(http_request_errors_total{service="auth",version="2"}[600s])) or vector(0)) / sum(rate(http_requests_total{service="auth",version="2"}[600s]))')).toBe(true);
    expect(seen.some((s) => s.query.query === 'sum(increase(http_requests_total{service="auth",version="1"}[600s]))')).toBe(true);
    expect(r.objectives[0].canary).toEqual({ value: 120, samples: 10 });
    expect(r.requests).toEqual({ canary: 6000, baseline: 6000 });
    expect(seen.every((s) => s.headers.authorization === undefined)).toBe(true);
  });

  it('judges per its own step (prometheus-step), not CloudWatch\'s minute: 2-second periods over a 1-second scrape', async () => {
    const seen: Seen[] = [];
    serve(PROM, healthy, seen);
    const end = new Date('2026-03-01T12:00:31.500Z');
    await evaluateGate(config(['p95 < 200ms'], source({ stepSeconds: 2 })), {}, { window: { start: new Date('2026-03-01T12:00:01Z'), end } });
    const range = seen.find((s) => s.path === '/api/v1/query_range')!;
    // The window in whole 2-second periods: 12:00:00 … 12:00:30, the first sample at the end of the first period.
    expect(range.query).toMatchObject({ start: String(Date.parse('2026-03-01T12:00:02Z') / 1000), end: String(Date.parse('2026-03-01T12:00:30Z') / 1000), step: '2s' });
    expect(range.query.query).toContain('[2s]');
    expect(seen.find((s) => s.path === '/api/v1/query' && s.query.query.includes('histogram_quantile'))!.query.query).toContain('[30s]');
  });

  it('SigV4-signs requests (service aps) for Amazon Managed Service for Prometheus, keeping the workspace path', async () => {
    const seen: Seen[] = [];
    serve(AMP, healthy, seen);
    const r = await evaluateGate(config(['p95 < 200ms'], source({ url: `${AMP}/workspaces/ws-1234`, sigv4: true, baselineSelector: undefined })), {}, window);
    expect(r.result).toBe('pass');
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      expect(s.path).toMatch(/^\/workspaces\/ws-1234\/api\/v1\/query(_range)?$/);
      expect(String(s.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/eu-central-1\/aps\/aws4_request, SignedHeaders=accept;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
      expect(s.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    }
  });

  it('SigV4: the query as sent is the one signed (spaces as %20, not +), so AWS computes the same signature', async () => {
    // AWS rebuilds the canonical query from the raw query string, percent-decoding only: a "+" is a
    // plus sign to it, not a space. PromQL always has spaces, so a "+"-encoded query never verifies.
    const verdicts: { raw: string; ok: boolean }[] = [];
    nock(AMP).persist().get(/\/api\/v1\/query(_range)?/).query(true).reply(async function (uri) {
      const [path, raw = ''] = uri.split('?');
      const query: Record<string, string> = {};
      for (const pair of raw.split('&').filter(Boolean)) {
        const [k, v = ''] = pair.split('=');
        query[decodeURIComponent(k)] = decodeURIComponent(v);
      }
      const h = this.req.headers as Record<string, string>;
      const signer = new SignatureV4({ service: 'aps', region: 'eu-central-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, sha256: Sha256 });
      const amzDate = h['x-amz-date'];
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const expected = await signer.sign(new HttpRequest({ method: 'GET', protocol: 'https:', hostname: new URL(AMP).hostname, path, query, headers: { host: h.host, accept: h.accept } }), { signingDate });
      verdicts.push({ raw, ok: expected.headers.authorization === h.authorization });
      const instant = path.endsWith('/query');
      return [200, { status: 'success', data: instant ? { resultType: 'vector', result: [{ metric: {}, value: [END.getTime() / 1000, '0.12'] }] } : { resultType: 'matrix', result: [] } }];
    });
    const r = await evaluateGate(config(['p95 < 200ms'], source({ url: `${AMP}/workspaces/ws-1234`, sigv4: true, baselineSelector: undefined, preset: 'raw', queries: { p95: 'histogram_quantile(0.95, sum by (le) (rate(x_bucket{{{selector}}}[{{range}}])))' } })), {}, window);
    expect(r.result).toBe('pass');
    expect(verdicts.length).toBeGreaterThan(0);
    for (const v of verdicts) {
      expect(v.raw).toContain('%20');
      expect(v.raw).not.toContain('+');
      expect(v.ok).toBe(true);
    }
  });

  it('signs for the region an AMP workspace URL names', async () => {
    expect(ampRegion('https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1')).toBe('us-west-2');
    expect(ampRegion('http://prometheus.test:9090')).toBeUndefined();
    const seen: Seen[] = [];
    const host = 'https://aps-workspaces.us-west-2.amazonaws.com';
    serve(host, healthy, seen);
    await evaluateGate(config(['p95 < 200ms'], source({ url: `${host}/workspaces/ws-1`, sigv4: true, baselineSelector: undefined })), {}, window);
    expect(String(seen[0].headers.authorization)).toContain('/us-west-2/aps/aws4_request');
  });

  it('sends credentials from the URL as Basic auth, never in the URL', async () => {
    const seen: Seen[] = [];
    serve(PROM, healthy, seen);
    await evaluateGate(config(['p95 < 200ms'], source({ url: 'http://reader:s%3Acret@prometheus.test:9090', baselineSelector: undefined })), {}, window);
    expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from('reader:s:cret').toString('base64')}`);
  });

  it('retries a 503 with full-jitter backoff on an injected clock, then judges', async () => {
    let failures = 2;
    nock(PROM).get(/.*/).query(true).times(2).reply(() => (failures-- > 0 ? [503, { status: 'error', errorType: 'unavailable', error: 'overloaded' }] : [200, {}]));
    serve(PROM, healthy);
    const clock = new FakeClock(END.getTime());
    const src = source({ baselineSelector: undefined });
    const provider = new PrometheusProvider(src, { clock, random: () => 0.5 });
    const r = await evaluateGate(config(['p95 < 200ms'], src), {}, window, { provider, clock });
    expect(r.result).toBe('pass');
    expect(clock.now()).toBeGreaterThan(END.getTime()); // it slept, on the fake clock only
  });

  it('a query Prometheus rejects fails the evaluation with Prometheus\'s own message', async () => {
    nock(PROM).persist().get(/.*/).query(true).reply(400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 5' });
    await expect(evaluateGate(config(['p95 < 200ms']), {}, window)).rejects.toThrow(/answered 400: bad_data parse error at char 5/);
  });

  it('no series: no data; several series: an error naming the fix', async () => {
    serve(PROM, (q) => (q.includes('increase(') ? 6000 : q.includes('histogram_quantile') ? null : [0.001, 0.002]));
    const r = await evaluateGate(config(['p95 < 200ms', 'error-rate < 1%'], source({ baselineSelector: undefined })), {}, window);
    expect(r.result).toBe('inconclusive');
    expect(r.objectives[0].reason).toBe('no canary data: the query returned no finite values');
    expect(r.objectives[1].reason).toMatch(/the query returns 2 series; aggregate it to one/);
  });

  it('raw templates: {{selector}} and {{range}} filled per target and query; min-requests not applied', async () => {
    const seen: Seen[] = [];
    serve(PROM, () => 3, seen);
    const src = source({ preset: 'raw', baselineSelector: undefined, queries: { queue_depth: 'max(max_over_time(queue_depth{{{selector}}}[{{range}}]))' } });
    const r = await evaluateGate(config(['queue_depth < 10'], src), {}, window);
    expect(r.result).toBe('pass');
    expect(seen.map((s) => s.query.query).sort()).toEqual([
      'max(max_over_time(queue_depth{service="auth",version="2"}[600s]))',
      'max(max_over_time(queue_depth{service="auth",version="2"}[60s]))',
    ]);
    expect(r.requests!.canary).toBeNull();
  });

  it('refuses an objective it has no query for, before any request', async () => {
    await expect(evaluateGate(config(['queue_depth < 10']), {}, window)).rejects.toThrow(/Input "prometheus-queries": no PromQL for "queue_depth"/);
    expect(promTemplate(source({ preset: 'raw' }), 'p95')).toBeNull();
  });
});

describe('slo-gate bundle with provider prometheus', () => {
  it('judges against a local Prometheus HTTP API and masks the URL password', async () => {
    const { createServer } = await import('node:http');
    const { runBundle } = await import('../../../test/support/harness.js');
    const auth: string[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      auth.push(String(req.headers.authorization));
      const q = url.searchParams.get('query')!;
      const instant = url.pathname.endsWith('/query');
      const slow = q.includes('version="2"') && q.includes('histogram_quantile');
      const v = q.includes('increase(') ? 6000 : q.includes('histogram_quantile') ? (slow ? 0.4 : 0.1) : q.includes('errors_total') ? 0 : 10;
      const now = Math.floor(Date.now() / 1000);
      const result = instant ? [{ metric: {}, value: [now, String(v)] }] : [{ metric: {}, values: Array.from({ length: 10 }, (_, i) => [now - 60 * (10 - i), String(v * (1 + i / 100))]) }];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: instant ? 'vector' : 'matrix', result } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    nock.enableNetConnect('127.0.0.1');
    try {
      const run = await runBundle('slo-gate', {
        inputs: {
          provider: 'prometheus', slo: 'p95 < 200ms\np95 < 1.2x baseline', 'prometheus-url': `http://reader:TopSecret42@127.0.0.1:${port}`,
          'canary-selector': 'service="auth",version="2"', 'baseline-selector': 'service="auth",version="1"',
          'prometheus-preset': 'http-histogram', 'prometheus-sigv4': 'false', window: '10m', warmup: '0s', 'min-requests': '100', 'on-no-data': 'inconclusive', 'on-inconclusive': 'fail', 'dry-run': 'false',
        },
      });
      expect(run.outputs.result, run.stdout + run.stderr).toBe('fail');
      expect(run.code).toBe(1);
      const report = JSON.parse(run.outputs.report);
      expect(report.objectives.map((o: { verdict: string }) => o.verdict)).toEqual(['fail', 'fail']);
      expect(report.objectives[1].test).toMatchObject({ name: 'paired-t-mixture' });
      expect(run.stdout).toContain('::add-mask::TopSecret42');
      expect(run.stdout.split('TopSecret42')).toHaveLength(2); // only in the mask command
      expect(auth[0]).toBe(`Basic ${Buffer.from('reader:TopSecret42').toString('base64')}`);
    } finally {
      nock.disableNetConnect();
      await new Promise((r) => server.close(r));
    }
  });
});

/** A Prometheus (or the proxy in front of it) that refuses every query and quotes the request's Authorization header. */
async function echoingServer(status: number, body: (authorization: string) => string, events: string[] = []): Promise<{ url: (userinfo: string) => string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    events.push(`request ${req.headers.authorization}`);
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body(String(req.headers.authorization)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  nock.enableNetConnect('127.0.0.1');
  return {
    url: (userinfo) => `http://${userinfo}@127.0.0.1:${port}`,
    close: async () => {
      nock.disableNetConnect();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const PADDING = ' while talking to upstream'.repeat(40);
/** The password and every form it is sent or echoed in. */
function credentialForms(user: string, password: string): string[] {
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  return [password, encodeURIComponent(password), b64(password), b64(`${user}:${password}`), `Basic ${b64(`${user}:${password}`)}`];
}
/** ::add-mask:: values as the runner reads them (workflow commands escape %, CR and LF). */
const unescapeCommand = (v: string) => v.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

describe('credentials a Prometheus server echoes back', () => {
  it.each([
    [401, 'a proxy\'s plain-text refusal', (auth: string) => `401 Unauthorized: rejected Authorization: ${auth}${PADDING}`],
    [500, 'a JSON error (retried, then reported)', (auth: string) => JSON.stringify({ status: 'error', errorType: 'internal', error: `upstream said no to "${auth}"${PADDING}` })],
  ])('HTTP %i, %s: every form is masked before the first request, and the error quotes none of them, cut to the limit', async (status, _name, body) => {
    const user = 'reader';
    const password = `Top$ecret/${status}`; // one per case: a form masked once is not announced again
    const events: string[] = [];
    const server = await echoingServer(status, body, events);
    const out = captureStdout((chunk) => events.push(`stdout ${chunk}`));
    let error: Error;
    try {
      const src = source({ url: server.url(`${user}:${encodeURIComponent(password)}`), baselineSelector: undefined });
      const clock = new FakeClock(END.getTime());
      const provider = new PrometheusProvider(src, { clock, random: () => 0 });
      error = await evaluateGate(config(['p95 < 200ms'], src), {}, window, { provider, clock }).then(() => { throw new Error('expected the gate to fail'); }, (e: Error) => e);
    } finally {
      out.restore();
      await server.close();
    }
    const forms = credentialForms(user, password);
    // The server really was sent, and echoed, the Basic credential.
    const firstRequest = events.findIndex((e) => e.startsWith('request '));
    expect(events[firstRequest]).toBe(`request ${forms[4]}`);
    const masked = events.slice(0, firstRequest).filter((e) => e.startsWith('stdout ::add-mask::')).map((e) => unescapeCommand(e.slice('stdout ::add-mask::'.length).trim()));
    expect(masked).toEqual(expect.arrayContaining(forms));
    // What the action prints on failure: the message (::error::) and the stack (::debug::).
    for (const printed of [error.message, error.stack!]) for (const form of forms) expect(printed).not.toContain(form);
    expect(error.message).toContain('***');
    const quoted = /answered \d+(?: with non-JSON)?: ([\s\S]*)$/.exec(error.message)![1];
    expect(quoted).toMatch(new RegExp(`^[\\s\\S]{${SERVER_TEXT_LIMIT}}… \\(\\d+ more characters\\)$`));
  });
});

describe('slo-gate bundle against a server that echoes the credentials', () => {
  it('prints the failure (::error::, ::debug:: stack) without any form of the password, after masking them all', async () => {
    const { runBundle } = await import('../../../test/support/harness.js');
    const user = 'gate';
    const password = 'Bundle:Secret%7';
    const server = await echoingServer(401, (auth) => `{"message":"bad credentials","authorization":"${auth}","padding":"${PADDING}"}`);
    let run;
    try {
      run = await runBundle('slo-gate', {
        inputs: {
          provider: 'prometheus', slo: 'p95 < 200ms', 'prometheus-url': server.url(`${user}:${encodeURIComponent(password)}`),
          'canary-selector': 'service="auth",version="2"', window: '10m', warmup: '0s',
        },
      });
    } finally {
      await server.close();
    }
    expect(run.code).toBe(1);
    const forms = credentialForms(user, password);
    const lines = run.stdout.split('\n');
    const masks = lines.filter((l) => l.startsWith('::add-mask::')).map((l) => unescapeCommand(l.slice('::add-mask::'.length)));
    expect(masks).toEqual(expect.arrayContaining(forms));
    // As the runner shows them: a raw "%" would otherwise hide behind its "%25" escape.
    const printed = lines.filter((l) => !l.startsWith('::add-mask::')).map(unescapeCommand);
    const failure = printed.filter((l) => l.startsWith('::error::'));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatch(/Prometheus \/api\/v1\/query(_range)? answered 401: .*"authorization":"\*\*\*".*… \(\d+ more characters\)$/);
    expect(printed.some((l) => l.startsWith('::debug::'))).toBe(true);
    for (const form of forms) expect(printed.filter((l) => l.includes(form))).toEqual([]);
  });
});

describe('a Prometheus server that never answers', () => {
  it('each request ends at its timeout, is retried, then the query fails naming the timeout', async () => {
    const { createServer } = await import('node:http');
    let requests = 0;
    const hung = createServer(() => { requests++; /* never answers */ });
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const port = (hung.address() as import('node:net').AddressInfo).port;
    nock.enableNetConnect('127.0.0.1');
    try {
      const src = source({ url: `http://127.0.0.1:${port}`, baselineSelector: undefined });
      const clock = new FakeClock(END.getTime());
      const provider = new PrometheusProvider(src, { clock, random: () => 0, requestTimeoutMs: 200 });
      const started = Date.now();
      const error = await evaluateGate(config(['p95 < 200ms'], src), {}, window, { provider, clock }).then(() => null, (e: Error) => e);
      expect(error?.message).toMatch(/gave no answer within 200 ms/);
      expect(requests).toBeGreaterThan(1);
      // Retries sleep on the fake clock: the real time is the attempts' timeouts, not minutes.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      nock.disableNetConnect();
      hung.closeAllConnections();
      await new Promise((r) => hung.close(r));
    }
  });
});

describe('SigV4 credentials from an STS that never answers', () => {
  it('the web identity role\'s STS call ends at the request timeout: the query fails, it does not wait minutes', async () => {
    let requests = 0;
    const hung = createServer(() => { requests++; /* never answers */ });
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const port = (hung.address() as import('node:net').AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'web-identity-'));
    writeFileSync(join(dir, 'token'), 'eyJhbGciOiJub25lIn0.e30.');
    const saved = { ...process.env };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];
    Object.assign(process.env, {
      AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/reader',
      AWS_CONFIG_FILE: join(dir, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'), AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`,
    });
    nock.enableNetConnect('127.0.0.1');
    try {
      const src = source({ url: `${AMP}/workspaces/ws-1`, sigv4: true, baselineSelector: undefined });
      const clock = new FakeClock(END.getTime());
      const provider = new PrometheusProvider(src, { clock, random: () => 0, requestTimeoutMs: 200 });
      const error = await evaluateGate(config(['p95 < 200ms'], src), {}, window, { provider, clock }).then(() => null, (e: Error) => e);
      expect(error?.name).toBe('TimeoutError');
      expect(requests).toBeGreaterThan(0);
    } finally {
      process.env = saved;
      nock.disableNetConnect();
      hung.closeAllConnections();
      await new Promise((r) => hung.close(r));
    }
  });
});
