/** Input parsing as tables over INPUT_* env, and the pure decisions made from inputs and marks. */
import { afterEach, describe, expect, it } from 'vitest';
import { inputEnv } from '../../test/support/harness.js';
import { intervalWarning, parseSteps, readRampInputs, timeoutWarning } from './plan.js';
import { decideOnMark } from './session-plan.js';
import { chartSeries, renderRampSummary } from './summary.js';
import { readRollbackInputs, targetWeights } from '../rollback/plan.js';
import { weightsFor, type RampMark } from '../traffic/port.js';
import { decodeMark, encodeMark } from '../traffic/tags.js';

const L = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const R = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const S = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/stable/73e2d6bc24d8a067';
const C = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/canary/83e2d6bc24d8a067';
const MIN = 60_000;

const saved = { ...process.env };
function withInputs(inputs: Record<string, string>) {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  Object.assign(process.env, { AWS_REGION: 'eu-central-1' }, inputEnv(inputs));
}
afterEach(() => {
  process.env = { ...saved };
});

describe('readRampInputs (INPUT_* env)', () => {
  it.each([
    [
      'alb listener, every default',
      { router: 'alb', 'listener-arn': L, 'stable-target-group-arn': S, 'canary-target-group-arn': C },
      {
        router: { kind: 'alb', region: 'eu-central-1', listenerArn: L, stableTargetGroupArn: S, canaryTargetGroupArn: C },
        bakeMs: 5 * MIN,
        settings: {
          steps: [{ percent: 1, bakeMs: 5 * MIN }, { percent: 5, bakeMs: 5 * MIN }, { percent: 25, bakeMs: 5 * MIN }, { percent: 50, bakeMs: 5 * MIN }, { percent: 100, bakeMs: 0 }],
          intervalMs: MIN, timeoutMs: 330 * MIN, maxFailedChecks: 2, onInconclusive: 'hold', maxInconclusive: 5,
        },
        dryRun: false, takeover: false,
      },
    ],
    [
      'alb rule with overrides',
      {
        router: 'alb', 'rule-arn': R, 'stable-target-group-arn': S, 'canary-target-group-arn': C, steps: '10, 50:1h30m, 100:90s', 'bake-time': '2m',
        'analysis-interval': '30s', timeout: '2h', 'max-failed-checks': '3', 'on-inconclusive': 'fail', 'max-inconclusive': '0', 'dry-run': 'true', takeover: 'True', region: 'us-west-2',
      },
      {
        router: { kind: 'alb', region: 'us-west-2', ruleArn: R, stableTargetGroupArn: S, canaryTargetGroupArn: C },
        bakeMs: 2 * MIN,
        settings: { steps: [{ percent: 10, bakeMs: 2 * MIN }, { percent: 50, bakeMs: 90 * MIN }, { percent: 100, bakeMs: 90_000 }], intervalMs: 30_000, timeoutMs: 120 * MIN, maxFailedChecks: 3, onInconclusive: 'fail', maxInconclusive: 0 },
        dryRun: true, takeover: true,
      },
    ],
    [
      'ecs',
      { router: 'ecs', cluster: 'prod', service: 'orders' },
      { router: { kind: 'ecs', region: 'eu-central-1', cluster: 'prod', service: 'orders' } },
    ],
    [
      'appmesh with a shared mesh',
      { router: 'appmesh', mesh: 'prod-mesh', 'virtual-router': 'orders-router', route: 'orders-route', 'stable-node': 'orders-v1', 'canary-node': 'orders-v2', 'mesh-owner': '210987654321' },
      { router: { kind: 'appmesh', region: 'eu-central-1', mesh: 'prod-mesh', virtualRouter: 'orders-router', route: 'orders-route', stableNode: 'orders-v1', canaryNode: 'orders-v2', meshOwner: '210987654321' } },
    ],
  ])('%s', (_name, inputs, expected) => {
    withInputs(inputs);
    expect(readRampInputs()).toMatchObject(expected);
  });

  it.each([
    [{ router: 'alb', 'listener-arn': L, 'stable-target-group-arn': S, 'canary-target-group-arn': C, region: 'Frankfurt' }, /Input "region": "Frankfurt" is not an AWS region name/],
    [{ router: 'alb', 'listener-arn': L, 'rule-arn': R, 'stable-target-group-arn': S, 'canary-target-group-arn': C }, /"listener-arn" and "rule-arn" are exclusive/],
    [{ router: 'alb', 'listener-arn': R, 'stable-target-group-arn': S, 'canary-target-group-arn': C }, /Input "listener-arn": ".*listener-rule.*" is not valid; expected an ARN like/],
    // What the inputs let through, the gate maps to its CloudWatch dimensions mid-ramp: no form it would refuse.
    [{ router: 'alb', 'listener-arn': L.replace('/app/', '/net/'), 'stable-target-group-arn': S, 'canary-target-group-arn': C }, /Input "listener-arn": ".*listener\/net\/.*" is not valid; expected an ARN like/],
    [{ router: 'alb', 'listener-arn': L, 'stable-target-group-arn': S, 'canary-target-group-arn': C.replace(/\/[0-9a-f]+$/, '/not-hex') }, /Input "canary-target-group-arn": ".*not-hex" is not valid; expected an ARN like/],
    [{ router: 'appmesh', mesh: 'm', 'virtual-router': 'v', route: 'r', 'stable-node': 'a', 'canary-node': 'b', 'mesh-owner': 'me' }, /Input "mesh-owner": "me" is not valid; expected a 12-digit AWS account ID/],
    [{ router: 'appmesh', mesh: 'm', 'virtual-router': 'v', route: 'r', 'stable-node': 'a' }, /Input "canary-node" is required for router "appmesh"/],
    [{ router: 'ecs', cluster: 'prod', service: 'orders', timeout: '0s' }, /Input "timeout": "0s" is out of range; expected a duration from 1s to 120h/],
    [{ router: 'ecs', cluster: 'prod', service: 'orders', 'dry-run': 'yes' }, /Input "dry-run": "yes" is not a boolean/],
  ])('refuses %o', (inputs, message) => {
    withInputs(inputs);
    expect(() => readRampInputs()).toThrow(message);
  });

  it('rollback inputs: to defaults to stable, and baseline needs a recorded ramp', () => {
    withInputs({ router: 'ecs', cluster: 'prod', service: 'orders' });
    expect(readRollbackInputs().to).toBe('stable');
    withInputs({ router: 'ecs', cluster: 'prod', service: 'orders', to: 'baseline' });
    expect(readRollbackInputs().to).toBe('baseline');
    expect(targetWeights('stable', null, 'x')).toMatchObject({ weights: weightsFor(0) });
    expect(() => targetWeights('baseline', null, 'listener x')).toThrow(/no canary ramp is recorded on listener x/);
    const mark: RampMark = { state: 'done', owner: '4/2', baseline: { stable: 70, canary: 30 }, step: 100, deadline: 1 };
    expect(targetWeights('baseline', mark, 'x').weights).toEqual({ stable: 70, canary: 30 });
  });
});

describe('parseSteps', () => {
  it('accepts a percent sign and new lines; the 100 step bakes only when told', () => {
    expect(parseSteps('5%\n20%\n100%', MIN)).toEqual([{ percent: 5, bakeMs: MIN }, { percent: 20, bakeMs: MIN }, { percent: 100, bakeMs: 0 }]);
    expect(parseSteps('100', MIN)).toEqual([{ percent: 100, bakeMs: 0 }]);
  });
  it.each([
    ['', /Input "steps" is empty/],
    ['0,100', /0 is out of range/],
    ['1.5,100', /"1.5" is not a step/],
    ['5,5,100', /5 after 5 is not increasing/],
    ['-1,100', /"-1" is not a step/],
  ])('refuses %j', (text, message) => {
    expect(() => parseSteps(text, MIN)).toThrow(message);
  });
});

describe('decideOnMark', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  const mark = (owner: string, deadlineMs: number, state: RampMark['state'] = 'in-progress'): RampMark =>
    ({ state, owner, baseline: weightsFor(0), step: 25, deadline: deadlineMs / 1000 });
  it.each([
    ['no mark', null, false, 'fresh'],
    ['a finished ramp', mark('9/1', now + MIN, 'done'), false, 'fresh'],
    ['an earlier attempt of this run', mark('7/1', now + MIN), false, 'resume'],
    ['a stale mark of another run', mark('9/1', now - MIN), false, 'resume'],
    ['a live ramp of another run', mark('9/1', now + MIN), false, 'refuse'],
    ['a live ramp of another run, takeover', mark('9/1', now + MIN), true, 'resume'],
    ['a live ramp of this same attempt (another job of this run)', mark('7/2', now + MIN), false, 'refuse'],
    ['a live ramp of a later attempt', mark('7/3', now + MIN), false, 'refuse'],
    ['a stale ramp of this same attempt', mark('7/2', now - MIN), false, 'resume'],
  ] as const)('%s → %s', (_name, m, takeover, kind) => {
    expect(decideOnMark(m, '7/2', now, takeover, 'listener x').kind).toBe(kind);
  });

  it('round-trips the tag form and ignores a hand-edited tag', () => {
    const m = mark('12/3', now);
    expect(decodeMark(encodeMark(m))).toEqual(m);
    expect(decodeMark('state=in-progress owner=1/1 stable=abc canary=0 step=1 deadline=1')).toBeNull();
    expect(decodeMark('please do not ramp')).toBeNull();
  });
});

describe('intervalWarning and the summary', () => {
  it('warns (never refuses: self-hosted runners allow longer jobs) when the timeout is not below GitHub\'s 6-hour job limit', () => {
    expect(timeoutWarning(330 * MIN)).toBeNull();
    expect(timeoutWarning(6 * 60 * MIN - 1000)).toBeNull();
    expect(timeoutWarning(6 * 60 * MIN)).toMatch(/timeout 6h is not below GitHub's 6-hour job limit/);
    expect(timeoutWarning(8 * 60 * MIN)).toMatch(/timeout 8h .*post still restores the baseline.*timeout-minutes/);
  });

  it('warns (never refuses) when checks come faster than the metric period', () => {
    expect(intervalWarning(30_000, 60_000)).toMatch(/analysis-interval 30s is shorter than the metric period 1m/);
    expect(intervalWarning(60_000, 60_000)).toBeNull();
    expect(intervalWarning(1000, undefined)).toBeNull();
  });

  it('charts the weight and each objective per check, carrying values over checks without data', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const at = (m: number) => new Date(t0 + m * MIN).toISOString();
    const obj = (v: number | null) => [{ objective: 'p95 < 200ms', verdict: 'pass' as const, canary: { value: v, samples: 5 }, test: { name: 'threshold' }, reason: '' }];
    const steps = [
      { percent: 10, weights: weightsFor(10), startedAt: at(0), endedAt: at(2), outcome: 'advanced' as const, checks: [{ at: at(1), verdict: 'pass' as const, reason: 'ok', objectives: obj(120) }, { at: at(2), verdict: 'inconclusive' as const, reason: 'few requests', objectives: obj(null) }] },
      { percent: 100, weights: weightsFor(100), startedAt: at(2), outcome: 'advanced' as const, checks: [] },
    ];
    const series = chartSeries(steps);
    expect(series.labels).toEqual(['0.0m', '1.0m', '2.0m', '2.0m']);
    expect(series.weight).toEqual([10, 10, 10, 100]);
    expect(series.metrics.get('p95 < 200ms')).toEqual([null, 120, null, null]);
    const md = renderRampSummary({ result: 'promoted', reason: 'every step passed', resource: 'listener x', baseline: weightsFor(0), weights: weightsFor(100), steps });
    expect(md).toContain('| 10% | 90 / 10 |');
    expect(md).toContain('✅ 1 ⏸️ 1');
    expect(md).toContain('line [10, 10, 10, 100]');
    expect(md).toContain('line [120, 120, 120, 120]');
    expect(md.trim().split('\n').at(-1)).toBe('**Promoted**: every step passed');
  });

  it('draws the stable version beside the canary: its weight, and its value of each objective when measured', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const at = (m: number) => new Date(t0 + m * MIN).toISOString();
    const obj = (canary: number, stable: number | null) => [{ objective: 'error-rate < 5%', verdict: 'pass' as const, canary: { value: canary, samples: 1 }, ...(stable === null ? {} : { baseline: { value: stable, samples: 1 } }), test: { name: 'threshold' }, reason: '' }];
    const steps = [
      { percent: 10, weights: weightsFor(10), startedAt: at(0), endedAt: at(2), outcome: 'advanced' as const, checks: [{ at: at(1), verdict: 'pass' as const, reason: 'ok', objectives: obj(0.02, 0.01) }, { at: at(2), verdict: 'pass' as const, reason: 'ok', objectives: obj(0.03, null) }] },
      { percent: 100, weights: weightsFor(100), startedAt: at(2), outcome: 'advanced' as const, checks: [] },
    ];
    const series = chartSeries(steps);
    expect(series.stableWeight).toEqual([90, 90, 90, 0]);
    expect(series.baseline.get('error-rate < 5%')).toEqual([null, 0.01, null, null]);
    const md = renderRampSummary({ result: 'promoted', reason: 'every step passed', resource: 'listener x', baseline: weightsFor(0), weights: weightsFor(100), steps });
    expect(md).toContain('title "Weight (%): canary, stable"');
    expect(md).toContain('line [10, 10, 10, 100]\n  line [90, 90, 90, 0]');
    expect(md).toContain('title "error-rate < 5%: canary, stable"');
    expect(md).toContain('line [0.02, 0.02, 0.03, 0.03]\n  line [0.01, 0.01, 0.01, 0.01]');
    // Without a baseline there is no stable line to draw.
    const alone = renderRampSummary({ result: 'promoted', reason: 'ok', resource: 'x', baseline: weightsFor(0), weights: weightsFor(100), steps: steps.map((s) => ({ ...s, checks: s.checks.map((c) => ({ ...c, objectives: obj(0.02, null) })) })) });
    expect(alone).toContain('title "error-rate < 5%: canary"\n');
  });
});
