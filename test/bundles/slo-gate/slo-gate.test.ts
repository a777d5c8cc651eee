// The built bundle, run the way the runner runs it (INPUT_* env, GITHUB_OUTPUT / STEP_SUMMARY files),
// against the fake CloudWatch endpoint given by AWS_ENDPOINT_URL_CLOUDWATCH: the "Done when" check.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCloudWatch, type FakeCloudWatch } from '../../support/fake-cloudwatch.js';
import { runBundle, startBundle } from '../../support/harness.js';

const LB = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/web/0123456789abcdef';
const STABLE = 'targetgroup/stable/fedcba9876543210';
const tg = (name: string) => `targetgroup/${name}/00000000000000${name.length}a`;

let cw: FakeCloudWatch;
beforeAll(async () => {
  cw = await startFakeCloudWatch({
    scenarios: { [STABLE]: 'healthy', [tg('healthy')]: 'healthy', [tg('slow')]: 'slow', [tg('failing')]: 'failing', [tg('quiet')]: 'quiet', [tg('idle')]: 'idle' },
  });
});
afterAll(() => cw.stop());
beforeEach(() => {
  cw.calls.length = 0;
});

const SLO = 'p95 < 200ms\nerror-rate < 1%\n# the ratio needs the baseline target group\np99 < 1.5x baseline';

function gate(canary: string, inputs: Record<string, string> = {}) {
  return runBundle('slo-gate', {
    inputs: {
      slo: SLO,
      'load-balancer': LB,
      'canary-target-group': `arn:aws:elasticloadbalancing:eu-central-1:123456789012:${tg(canary)}`,
      'baseline-target-group': STABLE,
      window: '10m',
      // The runner passes every declared input; defaults come from action.yml.
      provider: 'cloudwatch', preset: 'alb', warmup: '0s', 'min-requests': '100', 'on-no-data': 'inconclusive', 'on-inconclusive': 'fail', 'dry-run': 'false',
      ...inputs,
    },
    env: { AWS_ENDPOINT_URL_CLOUDWATCH: cw.endpoint },
  });
}

describe('slo-gate bundle against a CloudWatch endpoint', () => {
  it.each([
    ['healthy', 'pass', 0],
    ['slow', 'fail', 1],
    ['failing', 'fail', 1],
    ['quiet', 'inconclusive', 1],
    ['idle', 'inconclusive', 1],
  ] as const)('judges a %s canary: %s (exit %i)', async (canary, verdict, code) => {
    const run = await gate(canary);
    expect(run.outputs.result, run.stdout + run.stderr).toBe(verdict);
    expect(run.code).toBe(code);
    expect(cw.calls.filter((c) => c.operation === 'GetMetricData')).toHaveLength(1);
    const report = JSON.parse(run.outputs.report);
    expect(report.objectives).toHaveLength(3);
    expect(report.objectives.map((o: { objective: string }) => o.objective)).toEqual(['p95 < 200ms', 'error-rate < 1%', 'p99 < 1.5x baseline']);
    if (code) expect(run.errors.join('\n')).toContain(`SLO gate ${verdict}`);
    expect(run.summary).toContain('| p95 < 200ms |');
    // The chart shows canary values against their limits: there are none without canary data.
    if (verdict === 'inconclusive') expect(run.summary).not.toContain('```mermaid');
    else expect(run.summary).toContain('```mermaid');
  });

  it('says which objective failed and why', async () => {
    const run = await gate('failing');
    const report = JSON.parse(run.outputs.report);
    const errors = report.objectives.find((o: { objective: string }) => o.objective === 'error-rate < 1%');
    expect(errors.verdict).toBe('fail');
    expect(errors.canary.value).toBeGreaterThan(0.05);
    expect(errors.canary.samples).toBe(10);
    expect(run.outputs.reason).toMatch(/error-rate < 1%: canary error-rate [\d.]+% is above 1%, and the evidence says so: e-value [\d.e+]+ ≥ \d+ \(1\/α\)/);
    expect(report.requests.canary).toBeGreaterThan(5000);
  });

  it('on-inconclusive: pass lets a quiet canary through with a warning', async () => {
    const run = await gate('quiet', { 'on-inconclusive': 'pass' });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('inconclusive');
    expect(run.warnings.join('\n')).toMatch(/fewer than min-requests \(100\)/);
  });

  it('dry-run reports a failing canary without failing the step', async () => {
    const run = await gate('slow', { 'dry-run': 'true' });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('fail');
    expect(run.warnings.join('\n')).toContain('dry-run');
  });

  it('retries CloudWatch throttling, then judges', async () => {
    cw.failNext(2, 'throttle');
    const run = await gate('healthy');
    expect(run.outputs.result, run.stdout).toBe('pass');
    expect(cw.calls.map((c) => c.fault ?? 'ok')).toEqual(['throttle', 'throttle', 'ok']);
  });

  it('cancelled mid-query (SIGTERM from the runner): stops at once, fails, sets no verdict', async () => {
    cw.failNext(1, 'hang');
    const running = startBundle('slo-gate', {
      inputs: { slo: SLO, 'load-balancer': LB, 'canary-target-group': tg('healthy'), 'baseline-target-group': STABLE, window: '10m', provider: 'cloudwatch', preset: 'alb', warmup: '0s', 'min-requests': '100', 'on-no-data': 'inconclusive', 'on-inconclusive': 'fail', 'dry-run': 'false' },
      env: { AWS_ENDPOINT_URL_CLOUDWATCH: cw.endpoint },
    });
    const deadline = Date.now() + 10_000;
    while (!cw.calls.some((c) => c.fault === 'hang') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const sent = Date.now();
    running.child.kill('SIGTERM');
    const run = await running.done;
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBeUndefined();
    expect(run.stdout).toContain('Received SIGTERM: stopping.');
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/cancelled by SIGTERM|aborted/i);
  });

  it.each([
    [{ slo: 'p95 < 200' }, /Input "slo": line "p95 < 200" needs a latency unit \(ms or s\)/],
    [{ slo: 'latency is fine' }, /Input "slo": line "latency is fine" does not parse[\s\S]*Accepted form/],
    [{ 'load-balancer': 'web' }, /Input "load-balancer": "web" is not an application load balancer; expected app\/<name>\/<id>/],
    [{ 'baseline-target-group': '' }, /"p99 < 1.5x baseline" compares with the baseline, but no baseline is given/],
    [{ window: 'yesterday' }, /Input "window": "yesterday" is neither a duration/],
    [{ 'on-no-data': 'maybe' }, /Input "on-no-data": "maybe" is not one of inconclusive \| fail \| pass/],
  ])('bad input %j fails before any CloudWatch call', async (inputs, message) => {
    const run = await gate('healthy', inputs);
    expect(run.code).toBe(1);
    expect(run.errors.join('\n').replace(/%0A/g, '\n')).toMatch(message);
    expect(cw.calls).toHaveLength(0);
  });
});
