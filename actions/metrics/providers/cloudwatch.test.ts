// The CloudWatch provider at the HTTP layer (nock; the real SDK serialises awsJson1_0): one
// GetMetricData per evaluation, ALB's "no datapoint = zero errors", no data, partial data,
// pagination, per-query errors, throttling then success, and every preset's query shape.
import { describe, expect, it } from 'vitest';
import nock from 'nock';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { evaluateGate } from '../gate.js';
import { parseObjectives } from '../slo.js';
import { alignWindow } from './window.js';
import type { GateConfig, GateSettings } from '../types.js';
import type { CloudWatchSource } from './sources.js';
import { awsClient } from '../../../common/aws.js';
import { useNockedAws } from '../../../test/support/nock-aws.js';

const HOST = 'https://monitoring.eu-central-1.amazonaws.com';
const LB = 'app/web/0123456789abcdef';
const CANARY = 'targetgroup/canary/0123456789abcdef';
const STABLE = 'targetgroup/stable/fedcba9876543210';
const END = new Date('2026-03-01T12:10:30Z');
const START = new Date('2026-03-01T12:00:20Z');

useNockedAws('CLOUDWATCH');

interface Query { Id: string; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }; Period: number; Stat: string }; Expression?: string; ReturnData?: boolean }
interface Body { MetricDataQueries: Query[]; StartTime: number; EndTime: number; ScanBy?: string; NextToken?: string }

const minutes = (n: number) => Array.from({ length: n }, (_, i) => Date.parse('2026-03-01T12:00:00Z') / 1000 + 60 * i);

/** A series per query Id, answered in one page; records every request body. */
function answer(series: Record<string, number[] | ((ts: number[]) => number[])>, seen: Body[] = [], times = minutes(10)) {
  return nock(HOST)
    .post('/', (b) => {
      seen.push(b as Body);
      return true;
    })
    .matchHeader('x-amz-target', 'GraniteServiceVersion20100801.GetMetricData')
    .matchHeader('content-type', 'application/x-amz-json-1.0')
    .reply(200, (_uri, body) => {
      const b = (typeof body === 'string' ? JSON.parse(body) : body) as Body;
      return {
        MetricDataResults: b.MetricDataQueries.map((q) => {
          const s = series[q.Id];
          if (!s) return { Id: q.Id, Timestamps: [], Values: [], StatusCode: 'Complete' };
          const ts = q.MetricStat && q.MetricStat.Period > 60 ? [b.StartTime] : times.slice(0, Array.isArray(s) ? s.length : times.length);
          const values = typeof s === 'function' ? s(ts) : s;
          return { Id: q.Id, Timestamps: ts.slice(0, values.length), Values: values, StatusCode: 'Complete' };
        }),
        Messages: [],
      };
    });
}

function config(slo: string[], source: Record<string, unknown> = {}, extra: Partial<GateSettings> = {}): GateConfig {
  return {
    provider: 'cloudwatch',
    objectives: parseObjectives(slo),
    windowMs: 600_000,
    warmupMs: 0,
    minRequests: 100,
    onNoData: 'inconclusive',
    dryRun: false,
    source: { preset: 'alb', loadBalancer: LB, canaryTargetGroup: CANARY, baselineTargetGroup: STABLE, ...source } as CloudWatchSource,
    ...extra,
  };
}
const window = { window: { start: START, end: END } };
const fill = (n: number, v: number) => Array(n).fill(v);

describe('CloudWatch provider', () => {
  it('asks for every metric of canary and baseline in ONE GetMetricData call, aligned to whole minutes', async () => {
    const seen: Body[] = [];
    const scope = answer({
      canary_req: fill(10, 500), baseline_req: fill(10, 500),
      canary_err: [1, 2], baseline_err: [1],
      canary_p95: fill(10, 0.12), canary_p95_window: [0.125], baseline_p95: fill(10, 0.11), baseline_p95_window: [0.115],
    }, seen);
    const result = await evaluateGate(config(['p95 < 200ms', 'error-rate < 1%', 'p95 < 1.2x baseline', 'request-rate > 5/s']), {}, window);
    expect(scope.isDone()).toBe(true);
    expect(seen).toHaveLength(1);
    const body = seen[0];
    // 12:00:20 → 12:00:00 and 12:10:30 → 12:10:00: only complete periods.
    expect(body.StartTime).toBe(Date.parse('2026-03-01T12:00:00Z') / 1000);
    expect(body.EndTime).toBe(Date.parse('2026-03-01T12:10:00Z') / 1000);
    expect(body.ScanBy).toBe('TimestampAscending');
    expect(body.MetricDataQueries.map((q) => `${q.Id} ${q.MetricStat!.Metric.MetricName} ${q.MetricStat!.Stat} ${q.MetricStat!.Period}`)).toEqual([
      'canary_req RequestCount Sum 60',
      'canary_err HTTPCode_Target_5XX_Count Sum 60',
      'canary_p95 TargetResponseTime p95 60',
      'canary_p95_window TargetResponseTime p95 600',
      'baseline_req RequestCount Sum 60',
      'baseline_err HTTPCode_Target_5XX_Count Sum 60',
      'baseline_p95 TargetResponseTime p95 60',
      'baseline_p95_window TargetResponseTime p95 600',
    ]);
    expect(body.MetricDataQueries[0].MetricStat!.Metric).toEqual({
      Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount',
      Dimensions: [{ Name: 'TargetGroup', Value: CANARY }, { Name: 'LoadBalancer', Value: LB }],
    });
    expect(result.result).toBe('pass');
    const [p95, errors, ratio, rate] = result.objectives;
    expect(p95.canary).toEqual({ value: 125, samples: 10 }); // seconds → ms, from the whole-window query
    // Three 5XX datapoints over 5000 requests; minutes without one had zero errors, not missing data.
    expect(errors.canary.value).toBeCloseTo(3 / 5000, 12);
    expect(errors.canary.samples).toBe(10);
    expect(ratio).toMatchObject({ verdict: 'pass', baseline: { value: 115, samples: 10 }, test: { name: 'paired-t-mixture', periods: 10 } });
    expect(rate.canary.value).toBeCloseTo(5000 / 600, 9);
    expect(result.requests).toEqual({ canary: 5000, baseline: 5000 });
    expect(result.window).toEqual({ start: START.toISOString(), end: END.toISOString() });
    expect(result.dataWindow).toEqual({ start: '2026-03-01T12:00:00.000Z', end: '2026-03-01T12:10:00.000Z' });
  });

  it('no datapoints at all: no data, inconclusive (or what on-no-data says)', async () => {
    answer({});
    const result = await evaluateGate(config(['p95 < 200ms', 'error-rate < 1%']), {}, window);
    expect(result.result).toBe('inconclusive');
    expect(result.requests!.canary).toBe(0);
    expect(result.reason).toMatch(/served 0 request\(s\) in the window, fewer than min-requests \(100\)/);
    answer({});
    expect((await evaluateGate(config(['p95 < 200ms'], {}, { onNoData: 'fail' }), {}, window)).result).toBe('fail');
  });

  it('partial data: latency for only some minutes, no 5XX series at all', async () => {
    answer({ canary_req: fill(10, 50), canary_p95: [0.1, 0.1, 0.1], canary_p95_window: [0.1], baseline_req: fill(10, 50) });
    const result = await evaluateGate(config(['p95 < 200ms', 'error-rate < 1%']), {}, window);
    expect(result.result).toBe('pass');
    expect(result.objectives[0].canary).toEqual({ value: 100, samples: 3 });
    expect(result.objectives[1].canary).toEqual({ value: 0, samples: 10 });
  });

  it('request rate: a minute without a RequestCount datapoint served nothing, a 0 sample (a canary that dropped out is caught)', async () => {
    // The canary served the first 2 of the 10 minutes, then left the target group; ALB publishes no zero counts.
    answer({ canary_req: fill(2, 500), baseline_req: fill(10, 500) });
    const result = await evaluateGate(config(['request-rate > 0.8x baseline']), {}, window);
    const [rate] = result.objectives;
    expect(rate.canary).toEqual({ value: 1000 / 600, samples: 10 });
    expect(rate).toMatchObject({ verdict: 'fail', test: { name: 'paired-t-mixture', scale: 'linear', alternative: 'less', periods: 10 } });
  });

  it('without a whole-window datapoint, the window value is the request-weighted mean of the minutes', async () => {
    answer({ canary_req: [100, 300], canary_p95: [0.1, 0.2] }, [], minutes(2));
    const result = await evaluateGate(config(['p95 < 200ms'], { baselineTargetGroup: undefined }), {}, window);
    expect(result.objectives[0].canary.value).toBeCloseTo((100 * 100 + 300 * 200) / 400, 9);
  });

  it('a baseline with too few requests makes ratio objectives no data, thresholds still judged', async () => {
    answer({ canary_req: fill(10, 500), canary_p95: fill(10, 0.1), canary_p95_window: [0.1], baseline_req: fill(10, 5), baseline_p95: fill(10, 0.1), baseline_p95_window: [0.1] });
    const result = await evaluateGate(config(['p95 < 200ms', 'p95 < 1.2x baseline']), {}, window);
    expect(result.objectives.map((o) => o.verdict)).toEqual(['pass', 'inconclusive']);
    expect(result.objectives[1].reason).toMatch(/baseline served 50 request\(s\)/);
  });

  it('follows NextToken and joins the pages of a series', async () => {
    const seen: Body[] = [];
    nock(HOST).post('/', (b) => { seen.push(b as Body); return !(b as Body).NextToken; }).reply(200, {
      MetricDataResults: [{ Id: 'canary_req', Timestamps: minutes(5), Values: fill(5, 100), StatusCode: 'PartialData' }, { Id: 'canary_err', Timestamps: [], Values: [], StatusCode: 'Complete' }],
      NextToken: 'page-2',
    });
    nock(HOST).post('/', (b) => { seen.push(b as Body); return (b as Body).NextToken === 'page-2'; }).reply(200, {
      MetricDataResults: [{ Id: 'canary_req', Timestamps: minutes(10).slice(5), Values: fill(5, 100), StatusCode: 'Complete' }],
    });
    const result = await evaluateGate(config(['error-rate < 1%'], { baselineTargetGroup: undefined }), {}, window);
    expect(seen.map((b) => b.NextToken ?? null)).toEqual([null, 'page-2']);
    expect(result.requests!.canary).toBe(1000);
    expect(result.objectives[0].canary.samples).toBe(10);
  });

  it('a query CloudWatch refuses (Forbidden) is an error for that objective, not a verdict', async () => {
    nock(HOST).post('/').reply(200, {
      MetricDataResults: [
        { Id: 'canary_req', Timestamps: minutes(10), Values: fill(10, 500), StatusCode: 'Complete' },
        { Id: 'canary_p95', Timestamps: [], Values: [], StatusCode: 'Forbidden', Messages: [{ Code: 'Forbidden', Value: 'not authorized' }] },
      ],
    });
    const result = await evaluateGate(config(['p95 < 200ms', 'error-rate < 1%'], { baselineTargetGroup: undefined }), {}, window);
    expect(result.objectives.map((o) => o.verdict)).toEqual(['inconclusive', 'pass']);
    expect(result.objectives[0].reason).toBe('canary query failed: canary_p95: Forbidden (not authorized)');
  });

  it('a refused query never passes the gate, even with on-no-data: pass (that is for idle targets)', async () => {
    nock(HOST).post('/').reply(200, {
      MetricDataResults: [
        { Id: 'canary_req', Timestamps: minutes(10), Values: fill(10, 500), StatusCode: 'Complete' },
        { Id: 'canary_p95', Timestamps: [], Values: [], StatusCode: 'Forbidden', Messages: [{ Code: 'Forbidden', Value: 'not authorized' }] },
      ],
    });
    const result = await evaluateGate(config(['p95 < 200ms'], { baselineTargetGroup: undefined }, { onNoData: 'pass' }), {}, window);
    expect(result.result).toBe('inconclusive');
  });

  it('retries throttling with backoff, then succeeds', async () => {
    const throttle = () => nock(HOST).post('/').reply(400, { __type: 'com.amazonaws.cloudwatch#Throttling', message: 'Rate exceeded' }, { 'x-amzn-query-error': 'Throttling;Sender' });
    throttle();
    throttle();
    answer({ canary_req: fill(10, 500), canary_p95: fill(10, 0.1), canary_p95_window: [0.1] });
    const client = awsClient(CloudWatchClient, { retryBaseMs: 5 });
    const result = await evaluateGate(config(['p95 < 200ms'], { baselineTargetGroup: undefined }), {}, window, { cloudwatch: client });
    expect(result.result).toBe('pass');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a fault that persists ends the evaluation with the error (no verdict is made up)', async () => {
    nock(HOST).post('/').times(2).reply(500, { __type: 'InternalServiceFault', message: 'boom' }, { 'x-amzn-query-error': 'InternalServiceError;Receiver' });
    const client = awsClient(CloudWatchClient, { retryBaseMs: 5, maxAttempts: 2 });
    await expect(evaluateGate(config(['p95 < 200ms'], { baselineTargetGroup: undefined }), {}, window, { cloudwatch: client })).rejects.toThrow(/boom/);
  });

  it('canary-ramp overrides: ARNs from the router become the ALB dimensions', async () => {
    const seen: Body[] = [];
    answer({}, seen);
    await evaluateGate(config(['p95 < 1.2x baseline'], { loadBalancer: undefined, canaryTargetGroup: undefined, baselineTargetGroup: undefined }), {
      alb: {
        loadBalancer: 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/ramp/aaaaaaaaaaaaaaaa',
        canaryTargetGroup: 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/green/bbbbbbbbbbbbbbbb',
        baselineTargetGroup: 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/blue/cccccccccccccccc',
      },
    }, window);
    const dims = (id: string) => seen[0].MetricDataQueries.find((q) => q.Id === id)!.MetricStat!.Metric.Dimensions;
    expect(dims('canary_req')).toEqual([{ Name: 'TargetGroup', Value: 'targetgroup/green/bbbbbbbbbbbbbbbb' }, { Name: 'LoadBalancer', Value: 'app/ramp/aaaaaaaaaaaaaaaa' }]);
    expect(dims('baseline_req')[0].Value).toBe('targetgroup/blue/cccccccccccccccc');
  });

  it.each([
    ['service-connect', { preset: 'service-connect', cluster: 'prod', discoveryName: 'auth', canaryService: 'auth-canary', baselineService: 'auth' },
      'AWS/ECS', 'TargetResponseTime', [{ Name: 'ClusterName', Value: 'prod' }, { Name: 'ServiceName', Value: 'auth-canary' }, { Name: 'DiscoveryName', Value: 'auth' }]],
    ['emf', { preset: 'emf', namespace: 'MeshServices', service: 'auth', canaryVersion: '2.0.0', baselineVersion: '1.9.0', metricNames: { requests: 'Requests', errors: 'Errors', latency: 'Duration' } },
      'MeshServices', 'Duration', [{ Name: 'Service', Value: 'auth' }, { Name: 'Version', Value: '2.0.0' }]],
    ['appmesh', { preset: 'appmesh', namespace: 'ECS/ContainerInsights/Prometheus', cluster: 'prod', canaryFamily: 'auth-v2', baselineFamily: 'auth-v1', metricNames: { requests: 'envoy_http_downstream_rq_total', errors: 'envoy_http_downstream_rq_xx', latency: 'envoy_http_downstream_rq_time' } },
      'ECS/ContainerInsights/Prometheus', 'envoy_http_downstream_rq_time', [{ Name: 'ClusterName', Value: 'prod' }, { Name: 'TaskDefinitionFamily', Value: 'auth-v2' }]],
  ])('preset %s: namespace, dimensions, latency in ms', async (name, source, namespace, latency, dims) => {
    const seen: Body[] = [];
    const c: GateConfig = { ...config(['p99 < 200ms', 'p99 < 1.5x baseline']), provider: 'cloudwatch', source: source as CloudWatchSource };
    answer({ canary_req: fill(10, 500), canary_p99: fill(10, 150), canary_p99_window: [150], baseline_req: fill(10, 500), baseline_p99: fill(10, 140), baseline_p99_window: [140] }, seen);
    const r = await evaluateGate(c, {}, window);
    const q = seen[0].MetricDataQueries.find((x) => x.Id === 'canary_p99')!;
    expect(q.MetricStat!.Metric).toEqual({ Namespace: namespace, MetricName: latency, Dimensions: dims });
    expect(r.objectives[0].canary.value).toBe(150);
    expect(r.result).toBe('pass');
    if (name === 'appmesh') {
      const err = seen[0].MetricDataQueries.find((x) => x.Id === 'canary_err')!;
      expect(err.MetricStat!.Metric.Dimensions).toContainEqual({ Name: 'envoy_response_code_class', Value: '5' });
    }
  });

  it('raw queries: Ids per target, expressions renamed consistently, custom metrics by Id', async () => {
    const seen: Body[] = [];
    const q = (id: string, name: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'Shop', MetricName: name }, Period: 60, Stat: 'Sum' }, ReturnData: false });
    const queries = {
      canary: [q('requests', 'Orders'), q('failed', 'FailedOrders'), { Id: 'error_rate', Expression: 'failed / requests', ReturnData: true }, { ...q('queue_depth', 'Depth'), ReturnData: true }],
      baseline: [q('requests', 'OrdersB'), q('failed', 'FailedOrdersB'), { Id: 'error_rate', Expression: 'failed / requests', ReturnData: true }],
    };
    answer({ canary_requests: fill(10, 200), canary_error_rate: fill(10, 0.002), canary_queue_depth: fill(10, 3), baseline_requests: fill(10, 200), baseline_error_rate: fill(10, 0.002) }, seen);
    const r = await evaluateGate(config(['error-rate < 1.5x baseline', 'queue_depth < 10'], { preset: 'raw', queries }), {}, window);
    expect(seen[0].MetricDataQueries.map((x) => x.Id)).toEqual(['canary_requests', 'canary_failed', 'canary_error_rate', 'canary_queue_depth', 'baseline_requests', 'baseline_failed', 'baseline_error_rate']);
    expect(seen[0].MetricDataQueries[2].Expression).toBe('canary_failed / canary_requests');
    expect(seen[0].MetricDataQueries[6].Expression).toBe('baseline_failed / baseline_requests');
    expect(r.result).toBe('pass');
    expect(r.objectives[1].canary).toEqual({ value: 3, samples: 10 });
  });

  it('raw queries without an Id for an objective fail before any call', async () => {
    const c = config(['p95 < 200ms'], { preset: 'raw', queries: { canary: [{ Id: 'p99', MetricStat: { Metric: { Namespace: 'X', MetricName: 'Y' }, Period: 60, Stat: 'p99' } }] } });
    await expect(evaluateGate(c, {}, window)).rejects.toThrow(/Input "metric-queries": the canary queries have no Id "p95" for objective "p95 < 200ms" \(Ids: p99\)/);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('alignWindow keeps at least one period', () => {
    const w = alignWindow({ start: new Date('2026-03-01T12:00:10Z'), end: new Date('2026-03-01T12:00:50Z') }, 60);
    expect([w.start.toISOString(), w.end.toISOString(), w.seconds]).toEqual(['2026-03-01T12:00:00.000Z', '2026-03-01T12:01:00.000Z', 60]);
  });
});
