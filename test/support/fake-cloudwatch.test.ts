// The fake CloudWatch server itself (canary-ramp's tests rely on it too), driven through the real
// SDK and the real gate: each scenario is judged as it should be, in ONE GetMetricData call.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { startFakeCloudWatch, type FakeCloudWatch } from './fake-cloudwatch.js';
import { evaluateGate } from '../../actions/metrics/gate.js';
import { parseObjectives } from '../../actions/metrics/slo.js';
import type { GateConfig, GateSettings } from '../../actions/metrics/types.js';
import { awsClient } from '../../common/aws.js';

const LB = 'app/web/0123456789abcdef';
const CANARY = 'targetgroup/canary/0123456789abcdef';
const STABLE = 'targetgroup/stable/fedcba9876543210';

let cw: FakeCloudWatch;
const saved = { ...process.env };

beforeAll(async () => {
  cw = await startFakeCloudWatch({ scenarios: { [STABLE]: 'healthy' } });
  Object.assign(process.env, cw.env, { AWS_REGION: 'eu-central-1' });
});
afterAll(async () => {
  await cw.stop();
  process.env = saved;
});
beforeEach(() => {
  cw.calls.length = 0;
});

function config(slo: string[], extra: Partial<GateSettings> = {}): GateConfig {
  return {
    provider: 'cloudwatch',
    objectives: parseObjectives(slo),
    windowMs: 10 * 60_000,
    warmupMs: 0,
    minRequests: 100,
    onNoData: 'inconclusive',
    dryRun: false,
    source: { preset: 'alb', loadBalancer: LB, canaryTargetGroup: CANARY, baselineTargetGroup: STABLE },
    ...extra,
  };
}

const SLO = ['p95 < 200ms', 'error-rate < 1%', 'p99 < 1.5x baseline'];

describe('fake CloudWatch + gate', () => {
  it.each([
    ['healthy', 'pass'],
    ['slow', 'fail'],
    ['failing', 'fail'],
    ['quiet', 'inconclusive'],
    ['idle', 'inconclusive'],
  ] as const)('%s canary → %s, in one GetMetricData call', async (scenario, expected) => {
    cw.setScenario(CANARY, scenario);
    const result = await evaluateGate(config(SLO));
    expect(result.result, JSON.stringify(result, null, 2)).toBe(expected);
    expect(cw.calls).toHaveLength(1);
    expect(cw.calls[0].operation).toBe('GetMetricData');
    // canary + baseline: requests, 5xx, p95 and p99 (per minute and whole window) each.
    expect(cw.calls[0].queries).toBe(2 * 6);
  });

  it('reports why a slow canary fails: the threshold and the baseline test', async () => {
    cw.setScenario(CANARY, 'slow');
    const result = await evaluateGate(config(SLO));
    const [p95, errors, p99] = result.objectives;
    expect(p95).toMatchObject({ verdict: 'fail', test: { name: 'threshold', threshold: 200 } });
    expect(p95.canary.value).toBeGreaterThan(300);
    expect(p95.canary.samples).toBe(10);
    expect(errors.verdict).toBe('pass');
    expect(p99).toMatchObject({ verdict: 'fail', test: { name: 'paired-t-mixture', periods: 10 } });
    expect(p99.evidence!.eValue).toBeGreaterThanOrEqual(p99.evidence!.threshold);
    expect(result.requests!.canary).toBeGreaterThan(5000);
  });

  it('a quiet canary is no data: fewer requests than min-requests', async () => {
    cw.setScenario(CANARY, 'quiet');
    const result = await evaluateGate(config(SLO));
    expect(result.reason).toMatch(/fewer than min-requests \(100\)/);
    expect(result.objectives.every((o) => o.verdict === 'inconclusive')).toBe(true);
    const lenient = await evaluateGate(config(SLO, { minRequests: 10 }));
    expect(lenient.result).toBe('pass');
  });

  it('on-no-data decides for an idle canary', async () => {
    cw.setScenario(CANARY, 'idle');
    expect((await evaluateGate(config(SLO, { onNoData: 'fail' }))).result).toBe('fail');
    expect((await evaluateGate(config(SLO, { onNoData: 'pass' }))).result).toBe('pass');
  });

  it('switches scenario while running', async () => {
    cw.setScenario(CANARY, 'healthy');
    expect((await evaluateGate(config(SLO))).result).toBe('pass');
    cw.setScenario(CANARY, 'failing');
    expect((await evaluateGate(config(SLO))).result).toBe('fail');
  });

  it('retries injected throttling and a 500, then judges', async () => {
    cw.setScenario(CANARY, 'healthy');
    cw.failNext(1, 'throttle');
    cw.failNext(1, 'server-error');
    const result = await evaluateGate(config(SLO));
    expect(result.result).toBe('pass');
    expect(cw.calls.map((c) => c.fault ?? 'ok')).toEqual(['throttle', 'server-error', 'ok']);
  });

  it('refuses other operations by name', async () => {
    const client = awsClient(CloudWatchClient, { maxAttempts: 1 });
    await expect(client.send(new GetMetricStatisticsCommand({ Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', StartTime: new Date(0), EndTime: new Date(60_000), Period: 60, Statistics: ['Sum'] })))
      .rejects.toThrow(/serves only awsJson1_0 GetMetricData.*GetMetricStatistics/);
    expect(cw.calls.at(-1)!.operation).toBe('GetMetricStatistics');
  });
});
