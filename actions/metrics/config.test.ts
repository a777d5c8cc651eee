// readGateConfig over INPUT_* env, as the runner sets it: every accepted form, every bad one named
// with the accepted form. canary-ramp reads the same inputs through the same function.
import { afterEach, describe, expect, it } from 'vitest';
import { readGateConfig } from './gate.js';
import { metricPeriodMs } from './providers/sources.js';
import { InputError } from '../../common/errors.js';
import { inputEnv } from '../../test/support/harness.js';

const ALB = { slo: 'p95 < 200ms', 'load-balancer': 'app/web/0123456789abcdef', 'canary-target-group': 'targetgroup/c/0123456789abcdef' };

function withInputs<T>(inputs: Record<string, string>, fn: () => T): T {
  const env = inputEnv(inputs);
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
  }
}
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
});

describe('readGateConfig', () => {
  it('defaults', () => {
    const c = withInputs(ALB, readGateConfig);
    expect(c).toMatchObject({ provider: 'cloudwatch', windowMs: 600_000, warmupMs: 0, minRequests: 100, onNoData: 'inconclusive', dryRun: false, significance: 0.05 });
    expect(c.source).toEqual({ preset: 'alb', loadBalancer: ALB['load-balancer'], canaryTargetGroup: ALB['canary-target-group'], baselineTargetGroup: undefined });
    expect(c.objectives.map((o) => o.text)).toEqual(['p95 < 200ms']);
  });

  it.each([
    [{ window: '1h30m', warmup: '2m' }, { windowMs: 5_400_000, warmupMs: 120_000 }],
    [{ window: '2026-03-01T12:00:00Z' }, { windowStart: '2026-03-01T12:00:00.000Z' }],
    [{ 'min-requests': '0' }, { minRequests: 0 }],
    [{ 'on-no-data': 'fail' }, { onNoData: 'fail' }],
    [{ 'dry-run': 'true' }, { dryRun: true }],
    [{ significance: '0.01' }, { significance: 0.01 }],
    [{ region: 'us-east-2' }, { region: 'us-east-2' }],
    [{ slo: 'p95 < 200ms\n\n# comment\nerror-rate < 1%' }, { objectives: [expect.objectContaining({ metric: 'p95' }), expect.objectContaining({ metric: 'error-rate' })] }],
  ])('%j', (inputs, expected) => {
    expect(withInputs({ ...ALB, ...inputs }, readGateConfig)).toMatchObject(expected);
  });

  it.each([
    [{ provider: 'datadog' }, 'Input "provider": "datadog" is not one of cloudwatch | prometheus | k6-summary.'],
    [{ slo: '' }, 'Input "slo" is required'],
    [{ slo: 'p95 <' }, 'Input "slo": line "p95 <" does not parse'],
    [{ window: '30s' }, 'Input "window": "30s" is shorter than one 60-second metric period; expected a duration from 1m to 24h.'],
    [{ window: 'ten minutes' }, 'Input "window": "ten minutes" is neither a duration'],
    [{ window: '5m', warmup: '5m' }, 'Input "warmup": it must be shorter than "window" (5m).'],
    [{ warmup: 'soon' }, 'Input "warmup": "soon" is not a duration'],
    [{ 'min-requests': '-1' }, 'Input "min-requests": "-1" is not valid; expected a whole number from 0 to 1000000000.'],
    [{ 'min-requests': '1.5' }, 'Input "min-requests": "1.5" is not valid; expected a whole number'],
    [{ 'on-no-data': 'skip' }, 'Input "on-no-data": "skip" is not one of inconclusive | fail | pass.'],
    [{ 'dry-run': 'yes' }, 'Input "dry-run": "yes" is not a boolean; expected true or false.'],
    [{ significance: '0.9' }, 'Input "significance": "0.9" is not valid; expected a number from 0.0001 to 0.5.'],
    [{ region: 'Frankfurt' }, 'Input "region": "Frankfurt" is not an AWS region name'],
    [{ preset: 'nlb' }, 'Input "preset": "nlb" is not one of alb | service-connect | emf | appmesh | raw.'],
    [{ preset: 'service-connect' }, 'Input "cluster" is required for preset service-connect'],
    [{ preset: 'service-connect', cluster: 'prod' }, 'Input "discovery-name" is required for preset service-connect'],
    [{ preset: 'emf' }, 'Input "service" is required for preset emf'],
    [{ preset: 'emf', service: 'auth' }, 'Input "canary-version" is required for preset emf'],
    [{ preset: 'emf', service: 'auth', 'canary-version': '2', 'metric-names': 'latency:Duration' }, 'Input "metric-names": "latency:Duration" is not <requests|errors|latency>=<MetricName>.'],
    [{ preset: 'appmesh', cluster: 'prod' }, 'Input "canary-task-family" is required for preset appmesh'],
    [{ preset: 'raw' }, 'Input "metric-queries" is required for preset raw'],
    [{ preset: 'raw', 'metric-queries': '{' }, 'Input "metric-queries": not JSON'],
    [{ preset: 'raw', 'metric-queries': '[]' }, 'Input "metric-queries": "canary" must be a non-empty array of MetricDataQuery.'],
    [{ preset: 'raw', 'metric-queries': '[{"Id":"P95"}]' }, 'Input "metric-queries": every query needs an Id matching [a-z][A-Za-z0-9_]* (got "P95").'],
    [{ preset: 'raw', 'metric-queries': '[{"Id":"p95"}]' }, 'Input "metric-queries": query "p95" has neither MetricStat nor Expression.'],
    [{ provider: 'prometheus' }, 'Input "prometheus-url" is required for provider prometheus'],
    [{ provider: 'prometheus', 'prometheus-url': 'http://p:9090' }, 'Input "canary-selector" is required for provider prometheus'],
    [{ provider: 'prometheus', 'prometheus-url': 'http://p:9090', 'canary-selector': 'a="b"', 'prometheus-queries': 'just promql' }, 'Input "prometheus-queries": "just promql" is not <metric>=<PromQL>'],
    [{ provider: 'prometheus', 'prometheus-url': 'http://p:9090', 'canary-selector': 'a="b"', 'prometheus-sigv4': 'maybe' }, 'Input "prometheus-sigv4": "maybe" is not a boolean'],
    [{ provider: 'prometheus', 'prometheus-url': 'http://p:9090', 'canary-selector': 'a="b"', 'prometheus-step': '1500ms' }, 'Input "prometheus-step": "1500ms" is not whole seconds; expected a duration from 1s to 1h in whole seconds'],
    [{ provider: 'prometheus', 'prometheus-url': 'http://p:9090', 'canary-selector': 'a="b"', 'prometheus-step': '500ms' }, 'Input "prometheus-step"'],
    [{ provider: 'prometheus', 'prometheus-url': 'http://p:9090', 'canary-selector': 'a="b"', 'prometheus-step': '2h' }, 'Input "prometheus-step"'],
    [{ provider: 'k6-summary' }, 'Input "k6-summary" is required for provider k6-summary'],
  ])('refuses %j', (inputs, message) => {
    let err: unknown;
    try {
      withInputs({ ...ALB, ...inputs }, readGateConfig);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(message);
  });

  it('reads each provider\'s source', () => {
    expect(withInputs({ ...ALB, preset: 'emf', service: 'auth', 'canary-version': '2.0.0', 'baseline-version': '1.9.0', 'metric-names': 'latency=LatencyMs' }, readGateConfig).source)
      .toEqual({ preset: 'emf', namespace: 'MeshServices', service: 'auth', canaryVersion: '2.0.0', baselineVersion: '1.9.0', metricNames: { requests: 'Requests', errors: 'Errors', latency: 'LatencyMs' } });
    expect(withInputs({ ...ALB, provider: 'prometheus', 'prometheus-url': 'http://p:9090', 'canary-selector': 'version="2"', 'prometheus-queries': 'queue=sum(q{{{selector}}})' }, readGateConfig).source)
      .toMatchObject({ url: 'http://p:9090', sigv4: false, preset: 'http-histogram', canarySelector: 'version="2"', queries: { queue: 'sum(q{{{selector}}})' }, histogram: 'http_request_duration_seconds', stepSeconds: 60 });
    expect(withInputs({ ...ALB, provider: 'prometheus', 'prometheus-url': 'http://p:9090', 'canary-selector': 'version="2"', 'prometheus-step': '2s' }, readGateConfig).source).toMatchObject({ stepSeconds: 2 });
    expect(withInputs({ ...ALB, provider: 'k6-summary', 'k6-summary': 'out.json' }, readGateConfig).source)
      .toEqual({ canarySummary: 'out.json', baselineSummary: undefined, latencyMetric: 'http_req_duration' });
    expect(withInputs({ ...ALB, preset: 'raw', 'metric-queries': '{"canary":[{"Id":"p95","Expression":"m1"}],"baseline":[{"Id":"p95","Expression":"m2"}]}' }, readGateConfig).source)
      .toEqual({ preset: 'raw', queries: { canary: [{ Id: 'p95', Expression: 'm1' }], baseline: [{ Id: 'p95', Expression: 'm2' }] } });
  });

  it('says the period each backend judges, for the ramp\'s interval warning: CloudWatch 60 s, Prometheus its step, a k6 summary none', () => {
    const prometheus = { provider: 'prometheus', 'prometheus-url': 'http://p:9090', 'canary-selector': 'version="2"' };
    expect(metricPeriodMs(withInputs(ALB, readGateConfig))).toBe(60_000);
    expect(metricPeriodMs(withInputs({ ...ALB, ...prometheus }, readGateConfig))).toBe(60_000);
    expect(metricPeriodMs(withInputs({ ...ALB, ...prometheus, 'prometheus-step': '5m' }, readGateConfig))).toBe(300_000);
    expect(metricPeriodMs(withInputs({ ...ALB, provider: 'k6-summary', 'k6-summary': 'out.json' }, readGateConfig))).toBeUndefined();
  });
});

describe('the evaluation window', () => {
  const now = Date.parse('2026-03-01T12:30:00Z');
  const base = () => withInputs({ ...ALB, 'baseline-target-group': 'targetgroup/b/0123456789abcdef' }, readGateConfig);
  async function windowOf(config: ReturnType<typeof readGateConfig>, opts = {}) {
    const { evaluateGate } = await import('./gate.js');
    const { FakeClock } = await import('../../common/clock.js');
    let seen: { start: Date; end: Date } | undefined;
    const provider = { name: 'scripted', hasBaseline: true, baselineInputs: 'baseline-target-group', validate: () => undefined, query: async (q: { window: { start: Date; end: Date } }) => { seen = q.window; return { canary: { requests: 0, metrics: new Map() } }; } };
    await evaluateGate(config, {}, opts, { provider, clock: new FakeClock(now) });
    return [seen!.start.toISOString(), seen!.end.toISOString()];
  }

  it('a duration ends now and starts after the warmup', async () => {
    expect(await windowOf({ ...base(), windowMs: 600_000, warmupMs: 120_000 })).toEqual(['2026-03-01T12:22:00.000Z', '2026-03-01T12:30:00.000Z']);
  });
  it('a start time runs from that time plus warmup to now', async () => {
    expect(await windowOf({ ...base(), windowStart: '2026-03-01T12:00:00.000Z', warmupMs: 60_000 })).toEqual(['2026-03-01T12:01:00.000Z', '2026-03-01T12:30:00.000Z']);
  });
  it('a caller\'s window (canary-ramp\'s step) is used as given', async () => {
    const window = { start: new Date('2026-03-01T12:10:00Z'), end: new Date('2026-03-01T12:12:00Z') };
    expect(await windowOf({ ...base(), warmupMs: 60_000 }, { window })).toEqual(['2026-03-01T12:10:00.000Z', '2026-03-01T12:12:00.000Z']);
  });
  it('refuses a start time in the future and an empty window', async () => {
    await expect(windowOf({ ...base(), windowStart: '2026-03-01T13:00:00.000Z' })).rejects.toThrow(/Input "window": the start 2026-03-01T13:00:00.000Z plus warmup 0ms is not in the past/);
    const empty = { start: new Date(now), end: new Date(now) };
    await expect(windowOf(base(), { window: empty })).rejects.toThrow(/The evaluation window is empty/);
  });
});
