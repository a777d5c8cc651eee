import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createService, type Service } from '../src/service.js';
import { wantsAccessLog } from '../src/logger.js';
import { InputError } from '../../../common/errors.js';
import { repoRoot } from '../../../test/support/harness.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (s: string) => void lines.push(JSON.parse(s)) };
}

describe('createService', () => {
  const logs = capture();
  const emf: string[] = [];
  const exporter = new InMemorySpanExporter();
  let depReady = true;
  let service: Service;
  let url: string;
  let dep: Server;
  let depHeaders: Record<string, string | string[] | undefined> = {};

  beforeAll(async () => {
    dep = createServer((req, res) => {
      depHeaders = req.headers;
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => dep.listen(0, '127.0.0.1', r));
    const depUrl = `http://127.0.0.1:${(dep.address() as { port: number }).port}`;
    service = await createService({
      name: 'demo', version: '1.2.3', port: 0, host: '127.0.0.1', env: {},
      logDestination: logs, writeEmf: (l) => emf.push(l), drainDelayMs: 10, accessLog: 'all',
      tracing: { exporter },
      readiness: { database: () => depReady, cache: async () => { if (!depReady) throw new Error('cache unreachable'); } },
      routes: (app, kit) => {
        const client = kit.httpClient({ name: 'dep', baseUrl: depUrl });
        app.get('/hello/:name', async (req) => {
          req.log.info('handling');
          await client.get('/x');
          return { hello: (req.params as { name: string }).name };
        });
        app.get('/boom', async () => { throw new Error('secret internals'); });
      },
    });
    url = (await service.start()).url;
  });
  afterAll(async () => {
    await service.stop();
    dep.close();
  });

  it('/health is 200 and /ready reflects dependency checks', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    depReady = false;
    const res = await fetch(`${url}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', checks: { database: 'not ready', cache: 'cache unreachable' } });
    depReady = true;
  });

  it('logs carry correlation_id, trace_id and span_id; both pass on to outbound calls', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${url}/hello/ann`, { headers: { 'x-correlation-id': 'c-42', traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(await res.json()).toEqual({ hello: 'ann' });
    expect(res.headers.get('x-correlation-id')).toBe('c-42');
    const handling = logs.lines.find((l) => l.message === 'handling')!;
    expect(handling).toMatchObject({ correlation_id: 'c-42', trace_id: traceId, service: 'demo', version: '1.2.3', level: 'info' });
    expect(handling.span_id).toMatch(/^[0-9a-f]{16}$/);
    const access = logs.lines.find((l) => l.message === 'request' && l.route === '/hello/:name')!;
    expect(access).toMatchObject({ correlation_id: 'c-42', trace_id: traceId, status: 200 });
    expect(depHeaders['x-correlation-id']).toBe('c-42');
    expect(depHeaders.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    await service.tracing.flush();
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /hello/:name', 'GET dep']);
  });

  it.each([
    ['all', 200, 5, true], ['errors', 200, 5, false], ['errors', 404, 5, true], ['errors', 503, 5, true],
    ['errors', 200, 1500, true], ['off', 500, 5000, false],
  ] as const)('ACCESS_LOG=%s: a %i in %i ms is logged: %s', (mode, status, ms, logged) => {
    expect(wantsAccessLog(mode, status, ms, 1000)).toBe(logged);
  });

  it('generates a correlation id when none (or an unsafe one) is given', async () => {
    const res = await fetch(`${url}/health`, { headers: { 'x-correlation-id': 'bad id\nwith newline'.replace('\n', ' ') } });
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a handler error is a 500 that reveals nothing and counts as an error', async () => {
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/http_request_errors_total\{route="\/boom",method="GET",version="1.2.3",service="demo"\} 1/);
    expect(text).toMatch(/http_requests_total\{route="\/hello\/:name",method="GET",status_code="200",version="1.2.3",service="demo"\} 1/);
    expect(text).toContain('http_request_duration_seconds_bucket');
    // Probes and scrapes are not traffic: /health, /ready and /metrics were called above, none is counted.
    expect(text).not.toMatch(/route="\/(health|ready|metrics)"/);
  });

  it('flushes RED metrics as CloudWatch EMF documents per route', () => {
    emf.length = 0;
    expect(service.metrics.flushEmf()).toBeGreaterThan(0);
    const docs = emf.map((l) => JSON.parse(l));
    const boom = docs.find((d) => d.Route === 'GET /boom');
    expect(boom).toMatchObject({ Service: 'demo', Version: '1.2.3', Requests: 1, Errors: 1 });
    expect(boom._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(['Requests', 'Errors', 'Duration']);
    expect(boom._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(['Service', 'Route', 'Version']);
    expect(boom.Duration.Values).toHaveLength(1);
    expect(boom.Duration.Counts).toEqual([1]);
    expect(service.metrics.flushEmf()).toBe(0);
  });

  it.each([
    [{ PORT: '99999' }, 'PORT: "99999" is not valid; expected a whole number from 0 to 65535.'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: "loud" is not one of fatal | error | warn | info | debug | trace | silent.'],
    [{ ACCESS_LOG: 'true' }, 'ACCESS_LOG: "true" is not one of all | errors | off.'],
    [{ SHUTDOWN_DRAIN_DELAY: 'soon' }, 'SHUTDOWN_DRAIN_DELAY: "soon" is not a duration'],
    [{ EMF_INTERVAL: '0s' }, 'EMF_INTERVAL: "0s" is too short; expected a number with a unit: ms, s, m, h or d, combinable (e.g. 90s, 5m, 1h30m) of at least 1s.'],
    // A delay that uses up the whole timeout: every SIGTERM would end in exit 1 with requests cut and pools open.
    [{ SHUTDOWN_DRAIN_DELAY: '30s' }, 'SHUTDOWN_DRAIN_DELAY (30000 ms) must be shorter than SHUTDOWN_TIMEOUT (25000 ms)'],
    [{ SHUTDOWN_DRAIN_DELAY: '10s', SHUTDOWN_TIMEOUT: '10s' }, 'SHUTDOWN_DRAIN_DELAY (10000 ms) must be shorter than SHUTDOWN_TIMEOUT (10000 ms)'],
    [{ OTEL_TRACES_SAMPLER_ARG: '2' }, 'OTEL_TRACES_SAMPLER_ARG: "2" is not a sampling ratio; expected a number from 0 to 1.'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318/v1/traces" is not a URL'],
  ])('rejects bad configuration %o before listening', async (env, message) => {
    const err = await createService({ name: 'x', env }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(message);
  });
});

describe('tracing export', () => {
  it('sends spans over OTLP/HTTP to the collector endpoint on shutdown', async () => {
    const bodies: string[] = [];
    const collector = createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => { bodies.push(`${req.url} ${b}`); res.end('{}'); });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
    const s = await createService({
      name: 'otlp', port: 0, host: '127.0.0.1', drainDelayMs: 0, logLevel: 'silent',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER_ARG: '1' }, writeEmf: () => {},
      routes: (app) => void app.get('/ping', async () => 'pong'),
    });
    const { url } = await s.start();
    await fetch(`${url}/ping`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    await s.stop();
    collector.close();
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies[0]).toMatch(/^\/v1\/traces /);
    expect(bodies.join('')).toMatch(/0af7651916cd43dd8448eb211c80319c|CvdlGRbNQ92ESOshHIAxnA==/);
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM under load: readiness turns 503, in-flight requests finish, 0 failed requests, exit 0', async () => {
    // node with tsx's loader, not the tsx command: its signal relay re-sends SIGTERM, then SIGKILLs, a child busy for 30 ms.
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'services/kit/test/fixtures/slow-service.ts')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', WORK_MS: '150', SHUTDOWN_DRAIN_DELAY: '3s', EMF_INTERVAL: '1h' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /READY (\d+)/.exec(out);
        if (m) { clearInterval(t); resolve(Number(m[1])); }
        if (child.exitCode !== null) { clearInterval(t); reject(new Error(out)); }
      }, 20);
    });
    const base = `http://127.0.0.1:${port}`;

    // The load balancer's part: route while /ready is 200; stop routing new requests once it is not.
    // SHUTDOWN_DRAIN_DELAY (3 s, generous for a busy CI machine) covers this detection, as the deregistration delay does on an ALB.
    let routing = true;
    const poller = (async () => {
      while (routing) {
        const r = await fetch(`${base}/ready`).catch(() => null);
        if (!r || r.status !== 200) routing = false;
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    let ok = 0;
    const failures: string[] = [];
    const deadline = Date.now() + 10_000;
    const worker = async () => {
      while (routing && Date.now() < deadline) {
        try {
          const r = await fetch(`${base}/work`);
          if (r.status === 200) ok++;
          else failures.push(`HTTP ${r.status}`);
          await r.arrayBuffer();
        } catch (err) {
          failures.push(String((err as Error).cause ?? err));
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    // SIGTERM lands mid-load: once a good number of requests went through (bounded wait on a busy machine).
    while (ok < 48 && Date.now() < deadline - 5000) await new Promise((r) => setTimeout(r, 20));
    const okBeforeTerm = ok;
    child.kill('SIGTERM');
    await Promise.all([...workers, poller]);
    const code = await exited;

    expect(failures).toEqual([]);
    expect(okBeforeTerm).toBeGreaterThanOrEqual(48);
    expect(ok).toBeGreaterThan(okBeforeTerm);
    expect(code).toBe(0);
    expect(out).toContain('shutdown: in-flight requests drained');
    expect(out).toContain('shutdown: complete');
  });

  it('a request in flight when the listener closes finishes, and its keep-alive connection does not hold the shutdown', async () => {
    const service = await createService({
      name: 'in-flight', port: 0, host: '127.0.0.1', env: {}, logDestination: capture(), writeEmf: () => {}, drainDelayMs: 0,
      routes: (app) => {
        app.get('/slow', async () => {
          await new Promise((r) => setTimeout(r, 300));
          return { done: true };
        });
      },
    });
    const { url } = await service.start();
    // A keep-alive client, as a load balancer is: the connection stays open after the response unless told otherwise.
    const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, connection: r.headers.get('connection'), body: await r.json() }));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const outcome = await Promise.race([service.stop('test').then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5000))]);
    expect(outcome).toBe('stopped');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await inFlight).toEqual({ status: 200, connection: 'close', body: { done: true } });
  });

  it('a failing onDrain hook does not cut the shutdown short: requests in flight finish and pools still close', async () => {
    const logs = capture();
    const order: string[] = [];
    const service = await createService({
      name: 'drain-fault', port: 0, host: '127.0.0.1', env: {}, logDestination: logs, writeEmf: () => {}, drainDelayMs: 400,
      onDrain: [() => { throw new Error('consumer stop failed'); }, () => void order.push('second drain hook')],
      onClose: [() => void order.push('pool closed')],
      routes: (app) => {
        app.get('/slow', async () => {
          await new Promise((r) => setTimeout(r, 300));
          return { done: true };
        });
      },
    });
    const { url } = await service.start();
    const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((r) => setTimeout(r, 50));
    await service.stop('test');
    expect(await inFlight).toEqual({ status: 200, body: { done: true } });
    expect(order).toEqual(['second drain hook', 'pool closed']);
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'shutdown: a drain hook failed', err: 'consumer stop failed' }));
    expect(logs.lines.at(-1)).toMatchObject({ message: 'shutdown: complete' });
  });
});
