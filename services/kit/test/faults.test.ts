import { Metadata, status as GrpcStatus, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../common/errors.js';
import { FaultInjector, describeFaults, faultSettingsFromEnv, faultsFromEnv } from '../src/faults.js';
import { instrumentUnary } from '../src/grpc.js';
import { createService, type Service } from '../src/service.js';

const silent = { write: () => true };

describe('faultSettingsFromEnv', () => {
  it('is off unless a FAULT_* variable is set', () => {
    expect(faultSettingsFromEnv({})).toBeUndefined();
    expect(faultSettingsFromEnv({ FAULT_ERROR_RATE: ' ' })).toBeUndefined();
    expect(faultsFromEnv({ PORT: '8080' })).toBeUndefined();
  });

  it('reads a rate as a share or a percent, a duration, and a request count', () => {
    expect(faultSettingsFromEnv({ FAULT_ERROR_RATE: '20%' })).toEqual({ errorRate: 0.2, latencyMs: 0 });
    expect(faultSettingsFromEnv({ FAULT_ERROR_RATE: '0.05', FAULT_LATENCY: '300ms', FAULT_ABORT_AFTER: '500' }))
      .toEqual({ errorRate: 0.05, latencyMs: 300, abortAfter: 500 });
    expect(describeFaults({ errorRate: 0.2, latencyMs: 300, abortAfter: 10 })).toBe('20% of requests fail, +300 ms per request, killed after 10 requests');
  });

  it.each([
    [{ FAULT_ERROR_RATE: '1.5' }, /FAULT_ERROR_RATE: "1.5" is not valid; expected a share of requests from 0 to 1/],
    [{ FAULT_ERROR_RATE: '120%' }, /FAULT_ERROR_RATE: "120%"/],
    [{ FAULT_ERROR_RATE: '1e400' }, /FAULT_ERROR_RATE: "1e400"/],
    [{ FAULT_ERROR_RATE: '-0.1' }, /FAULT_ERROR_RATE/],
    [{ FAULT_LATENCY: 'slow' }, /FAULT_LATENCY: "slow" is not a duration/],
    [{ FAULT_LATENCY: '2m' }, /FAULT_LATENCY: "2m" is too long; expected at most 60s/],
    [{ FAULT_ABORT_AFTER: '0' }, /FAULT_ABORT_AFTER: "0" is not valid; expected a whole number from 1/],
    [{ FAULT_ABORT_AFTER: '2.5' }, /FAULT_ABORT_AFTER/],
  ])('refuses %j, naming the variable and the accepted form', (env, message) => {
    expect(() => faultSettingsFromEnv(env)).toThrow(InputError);
    expect(() => faultSettingsFromEnv(env)).toThrow(message);
  });
});

describe('FaultInjector', () => {
  it('fails the share of requests the random source puts under the rate', () => {
    const draws = [0.1, 0.3, 0.19999, 0.2, 0.9];
    const f = new FaultInjector({ errorRate: 0.2, latencyMs: 5 }, { random: () => draws.shift()! });
    expect([1, 2, 3, 4, 5].map(() => f.next())).toEqual([
      { delayMs: 5, fail: true }, { delayMs: 5, fail: false }, { delayMs: 5, fail: true }, { delayMs: 5, fail: false }, { delayMs: 5, fail: false },
    ]);
  });

  it('kills the process on the request after the Nth, and not before', () => {
    let kills = 0;
    const f = new FaultInjector({ errorRate: 0, latencyMs: 0, abortAfter: 3 }, { kill: () => kills++ });
    for (let i = 0; i < 3; i++) f.next();
    expect(kills).toBe(0);
    f.next();
    expect(kills).toBe(1);
  });
});

describe('createService with fault injection', () => {
  let service: Service;
  let url: string;
  let kills = 0;

  beforeAll(async () => {
    // Every request fails after 40 ms; the fourth one "kills" the process.
    const faults = new FaultInjector({ errorRate: 1, latencyMs: 40, abortAfter: 3 }, { kill: () => kills++ });
    service = await createService({
      name: 'demo', version: '9.9.9', port: 0, host: '127.0.0.1', env: {}, drainDelayMs: 0, logDestination: silent, writeEmf: () => undefined, faults,
      routes: (app) => {
        app.get('/hello', async () => ({ hello: 'world' }));
      },
    });
    url = (await service.start()).url;
  });
  afterAll(() => service.stop());

  it('answers traffic with injected 500s after the added latency, and the RED metrics count them', async () => {
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const res = await fetch(`${url}/hello`);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'injected fault' });
    }
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('http_requests_total{route="/hello",method="GET",status_code="500",version="9.9.9",service="demo"} 3');
    expect(metrics).toContain('http_request_errors_total{route="/hello",method="GET",version="9.9.9",service="demo"} 3');
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{le="0\.025",route="\/hello"[^}]*\} 0\n/);
    expect(kills).toBe(0);
    await fetch(`${url}/hello`);
    expect(kills).toBe(1);
  });

  it('never touches the probes', async () => {
    const before = kills;
    for (const probe of ['/health', '/ready', '/metrics']) expect((await fetch(`${url}${probe}`)).status).toBe(200);
    expect(kills).toBe(before);
  });

  it('is visible on the kit for gRPC handlers', () => {
    expect(service.faults?.settings).toEqual({ errorRate: 1, latencyMs: 40, abortAfter: 3 });
  });
});

describe('instrumentUnary with fault injection', () => {
  const kit = (faults: FaultInjector) =>
    createService({ name: 'rpc', version: '1', port: 0, env: {}, drainDelayMs: 0, logDestination: silent, writeEmf: () => undefined, faults });
  const call = (handler: ReturnType<typeof instrumentUnary<object, { ok: boolean }>>) =>
    new Promise<{ err: ServiceError | null; res?: { ok: boolean } }>((resolve) =>
      handler({ request: {}, metadata: new Metadata() } as unknown as ServerUnaryCall<object, { ok: boolean }>, (err, res) => resolve({ err: err as ServiceError | null, res: res ?? undefined })));

  it('fails an injected call with INTERNAL (a 5xx in RED metrics) and delays every call', async () => {
    const draws = [0, 0.99];
    const service = await kit(new FaultInjector({ errorRate: 0.5, latencyMs: 30 }, { random: () => draws.shift()! }));
    const handler = instrumentUnary<object, { ok: boolean }>(service, '/demo.v1.Demo/Do', async () => ({ ok: true }));
    const t0 = performance.now();
    const failed = await call(handler);
    expect(failed.err?.code).toBe(GrpcStatus.INTERNAL);
    expect(failed.err?.details).toBe('injected fault');
    const passed = await call(handler);
    expect(passed).toEqual({ err: null, res: { ok: true } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(59);
    const metrics = await service.metrics.render();
    expect(metrics).toContain('http_request_errors_total{route="/demo.v1.Demo/Do",method="grpc",version="1",service="rpc"} 1');
    await service.stop();
  });
});
