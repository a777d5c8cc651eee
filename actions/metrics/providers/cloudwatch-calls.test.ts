// Fewer and valid GetMetricData calls, at the HTTP layer (nock; the real SDK serialises): the
// baseline is asked for only when an objective compares with it, and a plan above CloudWatch's
// 500 queries per request is split (a target's metric math stays in one request).
import { describe, expect, it } from 'vitest';
import nock from 'nock';
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { evaluateGate } from '../gate.js';
import { parseObjectives } from '../slo.js';
import { MAX_QUERIES_PER_REQUEST, splitQueries } from './cloudwatch.js';
import type { GateConfig } from '../types.js';
import type { CloudWatchSource } from './sources.js';
import { InputError } from '../../../common/errors.js';
import { useNockedAws } from '../../../test/support/nock-aws.js';

const HOST = 'https://monitoring.eu-central-1.amazonaws.com';
const WINDOW = { window: { start: new Date('2026-03-01T12:00:00Z'), end: new Date('2026-03-01T12:10:00Z') } };
const MINUTES = Array.from({ length: 10 }, (_, i) => Date.parse('2026-03-01T12:00:00Z') / 1000 + 60 * i);

useNockedAws('CLOUDWATCH');

interface Body { MetricDataQueries: { Id: string; Expression?: string }[] }

/** Answers every GetMetricData with 10 minutes of `value` per query; records the bodies. */
function cloudwatch(value: (id: string) => number, seen: Body[]) {
  return nock(HOST)
    .persist()
    .post('/', (b) => (seen.push(b as Body), true))
    .matchHeader('x-amz-target', 'GraniteServiceVersion20100801.GetMetricData')
    .reply(200, (_uri, body) => {
      const b = (typeof body === 'string' ? JSON.parse(body) : body) as Body;
      return { MetricDataResults: b.MetricDataQueries.map((q) => ({ Id: q.Id, Timestamps: MINUTES, Values: MINUTES.map(() => value(q.Id)), StatusCode: 'Complete' })), Messages: [] };
    });
}

function config(slo: string[], source: CloudWatchSource): GateConfig {
  return { provider: 'cloudwatch', objectives: parseObjectives(slo), windowMs: 600_000, warmupMs: 0, minRequests: 100, onNoData: 'inconclusive', dryRun: false, source, region: 'eu-central-1' };
}

const ALB: CloudWatchSource = { preset: 'alb', loadBalancer: 'app/web/0123456789abcdef', canaryTargetGroup: 'targetgroup/canary/0123456789abcdef', baselineTargetGroup: 'targetgroup/stable/fedcba9876543210' };

describe('GetMetricData calls', () => {
  it('absolute objectives only: the baseline is not queried even when one is configured', async () => {
    const seen: Body[] = [];
    cloudwatch((id) => (id.endsWith('_req') ? 500 : id.endsWith('_err') ? 0 : 0.1), seen);
    const result = await evaluateGate(config(['p95 < 200ms', 'error-rate < 1%'], ALB), {}, WINDOW);
    expect(result.result).toBe('pass');
    expect(seen).toHaveLength(1);
    expect(seen[0].MetricDataQueries.map((q) => q.Id)).toEqual(['canary_req', 'canary_err', 'canary_p95', 'canary_p95_window']);
    expect(result.requests).toEqual({ canary: 5000 });
  });

  it('a ratio objective asks for both targets in one request', async () => {
    const seen: Body[] = [];
    cloudwatch((id) => (id.endsWith('_req') ? 500 : id.endsWith('_err') ? 0 : 0.1), seen);
    await evaluateGate(config(['p95 < 1.2x baseline'], ALB), {}, WINDOW);
    expect(seen).toHaveLength(1);
    expect(seen[0].MetricDataQueries.filter((q) => q.Id.startsWith('baseline_'))).toHaveLength(4);
  });

  it('raw queries above 500 go out in requests of at most 500, every query exactly once, and are judged together', async () => {
    const extra = (n: number): MetricDataQuery[] => Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MetricStat: { Metric: { Namespace: 'App', MetricName: `M${i}` }, Period: 60, Stat: 'Sum' }, ReturnData: false }));
    const queries = { canary: [{ Id: 'q', MetricStat: { Metric: { Namespace: 'App', MetricName: 'Q' }, Period: 60, Stat: 'Average' } }, ...extra(349)], baseline: [{ Id: 'q', MetricStat: { Metric: { Namespace: 'App', MetricName: 'Q' }, Period: 60, Stat: 'Average' } }, ...extra(349)] };
    const seen: Body[] = [];
    cloudwatch((id) => (id.startsWith('canary_') ? 10 : 10), seen);
    const result = await evaluateGate(config(['q < 1.2x baseline'], { preset: 'raw', queries }), {}, WINDOW);
    expect(seen).toHaveLength(2);
    expect(seen.every((b) => b.MetricDataQueries.length <= MAX_QUERIES_PER_REQUEST)).toBe(true);
    const ids = seen.flatMap((b) => b.MetricDataQueries.map((q) => q.Id));
    expect(ids).toHaveLength(700);
    expect(new Set(ids).size).toBe(700);
    expect(result.objectives[0]).toMatchObject({ verdict: 'pass', canary: { value: 10, samples: 10 }, baseline: { value: 10, samples: 10 } });
  });
});

describe('splitQueries', () => {
  const stat = (id: string): MetricDataQuery => ({ Id: id, MetricStat: { Metric: { Namespace: 'A', MetricName: id }, Period: 60, Stat: 'Sum' } });
  it('keeps one request up to 500 and packs plain stats anywhere above', () => {
    expect(splitQueries(Array.from({ length: 500 }, (_, i) => stat(`canary_${i}`)))).toHaveLength(1);
    const parts = splitQueries(Array.from({ length: 1200 }, (_, i) => stat(`canary_${i}`)));
    expect(parts.map((p) => p.length)).toEqual([500, 500, 200]);
  });
  it('keeps a target with metric math in one request, and refuses one that cannot fit', () => {
    const math = (t: string, n: number) => [...Array.from({ length: n - 1 }, (_, i) => stat(`${t}_${i}`)), { Id: `${t}_e`, Expression: `${t}_0 * 2` }];
    const parts = splitQueries([...math('canary', 300), ...math('baseline', 300)]);
    expect(parts.map((p) => p.length)).toEqual([300, 300]);
    expect(parts[0].every((q) => q.Id!.startsWith('canary_'))).toBe(true);
    expect(() => splitQueries(math('canary', 501))).toThrow(InputError);
  });
});
