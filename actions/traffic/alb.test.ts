/**
 * The ALB router against a real moto server (weighted ForwardConfig, tags on listeners and rules),
 * and the fault matrix: throttling, 500 and resets injected by a proxy at each AWS call of a whole
 * ramp session, then the post entry: the end state is always promoted or the exact baseline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '../../test/support/moto.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../../test/support/traffic/fault-proxy.js';
import { createAlbFixture, forward, type AlbFixture } from '../../test/support/traffic/alb-fixture.js';
import { FakeClock } from '../../common/clock.js';
import { retryingCall } from './call.js';
import { makeRouter } from './config.js';
import type { RouterConfig } from './router-inputs.js';
import { AlbRouter } from './alb.js';
import { RouterStateError, weightsFor } from './port.js';
import { MARK_TAG } from './tags.js';
import { gateOverrides } from '../canary-ramp/gate-scope.js';
import { rampSession, restoreSession, type SessionState } from '../canary-ramp/session.js';
import type { Judge, RampSettings } from '../canary-ramp/ramp.js';

let moto: Moto;
let proxy: FaultProxy;
let fx: AlbFixture;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  Object.assign(process.env, moto.env, { AWS_ENDPOINT_URL: proxy.endpoint });
  fx = await createAlbFixture();
});
afterAll(async () => {
  process.env = saved;
  await proxy?.stop();
  await moto?.stop();
});
beforeEach(() => {
  proxy.clear();
  proxy.calls.length = 0;
});

function router(target: { listenerArn?: string; ruleArn?: string }, clock = new FakeClock()): AlbRouter {
  const cfg: RouterConfig = { kind: 'alb', region: 'eu-central-1', stableTargetGroupArn: fx.stable, canaryTargetGroupArn: fx.canary, ...target };
  return makeRouter(cfg, { call: retryingCall({ clock }), clock, log: () => {} }) as AlbRouter;
}

describe('AlbRouter on moto', () => {
  it('shifts the default forward action, keeping stickiness and a zero-weight group, and restores it exactly', async () => {
    const original = forward([fx.stable, 100], [fx.spare, 0]);
    const listenerArn = await fx.listener([original]);
    const before = await fx.defaultActions(listenerArn);
    const r = router({ listenerArn });
    const baseline = await r.snapshot();
    expect(baseline.weights).toEqual(weightsFor(0));

    await r.shift(25);
    const [shifted] = await fx.defaultActions(listenerArn);
    expect(shifted.ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: fx.spare, Weight: 0 },
      { TargetGroupArn: fx.stable, Weight: 75 },
      { TargetGroupArn: fx.canary, Weight: 25 },
    ]);
    expect(shifted.ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 600 });
    expect(await r.read()).toEqual(weightsFor(25));

    await r.restore(baseline);
    expect(await fx.defaultActions(listenerArn)).toEqual(before);
  });

  it('turns a plain forward into a weighted one and back', async () => {
    const listenerArn = await fx.listener([{ Type: 'forward', TargetGroupArn: fx.stable }]);
    const before = await fx.defaultActions(listenerArn);
    const r = router({ listenerArn });
    const baseline = await r.snapshot();
    await r.shift(5);
    expect(await r.read()).toEqual(weightsFor(5));
    await r.restore(baseline);
    expect(await fx.defaultActions(listenerArn)).toEqual(before);
  });

  it('shifts a listener rule, keeping its conditions, priority and the listener default', async () => {
    const { listenerArn, ruleArn } = await fx.rule([forward([fx.stable, 1])]);
    const listenerBefore = await fx.defaultActions(listenerArn);
    const r = router({ ruleArn });
    const baseline = await r.snapshot();
    await r.shift(50);
    const rule = (await fx.elb.send(new (await import('@aws-sdk/client-elastic-load-balancing-v2')).DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules![0];
    expect(rule.Priority).toBe('10');
    expect(rule.Conditions?.map((c) => c.Field).sort()).toEqual(['host-header', 'path-pattern']);
    expect(rule.Actions?.[0].ForwardConfig?.TargetGroups?.map((g) => g.Weight)).toEqual([50, 50]);
    expect(await fx.defaultActions(listenerArn)).toEqual(listenerBefore);
    await r.restore(baseline);
    expect(await fx.ruleActions(ruleArn)).toEqual([baseline.detail]);
  });

  it("prints the AWS CLI command that restores the rule exactly, from what it read last", async () => {
    const { ruleArn } = await fx.rule([forward([fx.stable, 1])]);
    const r = router({ ruleArn });
    const baseline = await r.snapshot();
    await r.shift(50);
    const command = r.restoreCommand(baseline);
    const m = new RegExp(`^aws elbv2 modify-rule --rule-arn ${ruleArn} --actions '(.+)'$`).exec(command ?? '');
    expect(m, command ?? 'null').not.toBeNull();
    const { ModifyRuleCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    await fx.elb.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: JSON.parse(m![1]) }));
    expect(await fx.ruleActions(ruleArn)).toEqual([baseline.detail]);
  });

  it("ends a hung call when the caller's signal aborts, without retrying it", async () => {
    const listenerArn = await fx.listener([forward([fx.stable, 100])]);
    const r = router({ listenerArn });
    proxy.inject({ op: 'DescribeListeners', fault: 'delay', delayMs: 5_000, times: 1 });
    await expect(r.read(AbortSignal.timeout(200))).rejects.toMatchObject({ name: 'AbortError' });
    expect(proxy.calls.filter((c) => c === 'DescribeListeners')).toHaveLength(1);
  });

  it('refuses to touch a forward that sends traffic to a third target group, without writing', async () => {
    const listenerArn = await fx.listener([forward([fx.stable, 90], [fx.spare, 10])]);
    const r = router({ listenerArn });
    await expect(r.shift(10)).rejects.toThrow(RouterStateError);
    await expect(r.shift(10)).rejects.toThrow(/also sends traffic to .*spare.*set its weight to 0 first/);
    expect(proxy.calls).not.toContain('ModifyListener');
  });

  it('writes, reads and removes the ramp mark on the listener, and derives the CloudWatch dimensions', async () => {
    const listenerArn = await fx.listener([forward([fx.stable, 100])]);
    const r = router({ listenerArn });
    const mark = { state: 'in-progress' as const, owner: '42/1', baseline: weightsFor(0), step: 5, deadline: 1767225600 };
    await r.writeMark(mark);
    expect(await r.readMark()).toEqual(mark);
    expect((await fx.tags(listenerArn))[MARK_TAG]).toBe('state=in-progress owner=42/1 stable=100 canary=0 step=5 deadline=1767225600');
    await r.writeMark(null);
    expect(await r.readMark()).toBeNull();
    const dims = gateOverrides(r.metricsScope())!.alb!;
    expect(dims.loadBalancer).toMatch(/^app\/web-\d+\/[0-9a-f]+$/);
    expect(dims.canaryTargetGroup).toMatch(/^targetgroup\/canary-\d+\/[0-9a-f]+$/);
    expect(dims.baselineTargetGroup).toMatch(/^targetgroup\/stable-\d+\/[0-9a-f]+$/);
  });
});

describe('session on moto', () => {
  it('warns when the canary already carries traffic before the ramp, and rolls back to exactly that', async () => {
    const listenerArn = await fx.listener([forward([fx.stable, 70], [fx.canary, 30])]);
    const before = await fx.defaultActions(listenerArn);
    const warnings: string[] = [];
    const clock = new FakeClock();
    const fail: Judge = async () => ({ result: 'fail', reason: 'error-rate 8% ≥ 1%', window: { start: '', end: '' }, objectives: [] });
    const out = await rampSession(
      { settings: { steps: [{ percent: 50, bakeMs: 120_000 }, { percent: 100, bakeMs: 0 }], intervalMs: 60_000, warmupMs: 0, maxFailedChecks: 1, onInconclusive: 'hold', maxInconclusive: 3, timeoutMs: 3_600_000 }, bakeMs: 0, dryRun: false, takeover: false },
      { router: router({ listenerArn }, clock), judge: fail, clock, signal: new AbortController().signal, owner: '11/1', saveState: () => {}, log: () => {}, warn: (m) => void warnings.push(m) },
    );
    expect(warnings.join('\n')).toMatch(/The canary already has 30% before the ramp: a rollback returns to that/);
    expect(out.result).toBe('rolled-back');
    expect(await fx.defaultActions(listenerArn)).toEqual(before);
  });
});

describe('a ramp that was taken over while it baked', () => {
  it('does not restore over the new owner nor close its mark when its own checks then fail', async () => {
    const listenerArn = await fx.listener([forward([fx.stable, 100])]);
    const clock = new FakeClock();
    const r = router({ listenerArn }, clock);
    const newOwner = { state: 'in-progress' as const, owner: '12/1', baseline: weightsFor(0), step: 20, deadline: clock.now() / 1000 + 3600 };
    // Mid-bake, run 12 takes over (takeover: true): restores the baseline and shifts to its own first step.
    const takenOver: Judge = async () => {
      await r.writeMark(newOwner);
      await r.shift(20);
      return { result: 'fail', reason: 'error-rate 8% ≥ 1%', window: { start: '', end: '' }, objectives: [] };
    };
    const out = await rampSession(
      { settings: { steps: [{ percent: 50, bakeMs: 120_000 }, { percent: 100, bakeMs: 0 }], intervalMs: 60_000, warmupMs: 0, maxFailedChecks: 1, onInconclusive: 'hold', maxInconclusive: 3, timeoutMs: 3_600_000 }, bakeMs: 0, dryRun: false, takeover: false },
      { router: r, judge: takenOver, clock, signal: new AbortController().signal, owner: '11/1', saveState: () => {}, log: () => {}, warn: () => {} },
    );
    expect(out.result).toBe('failed');
    expect(out.reason).toMatch(/took over/);
    expect(await r.read()).toEqual(weightsFor(20));
    expect(await r.readMark()).toEqual(newOwner);
    await fx.drop(listenerArn);
  });
});

describe('post (restoreSession) on moto', () => {
  it('restores an interrupted ramp, but leaves traffic alone once the rollback action or another run owns it', async () => {
    const listenerArn = await fx.listener([forward([fx.stable, 100])]);
    const r = router({ listenerArn });
    const state = { phase: 'in-progress' as const, owner: '21/1', baseline: await r.snapshot() };
    const live = { state: 'in-progress' as const, owner: '21/1', baseline: weightsFor(0), step: 40, deadline: 1 };
    await r.shift(40);

    await r.writeMark({ ...live, state: 'done' }); // closed by the rollback action, which then set its own weights
    expect(await restoreSession(state, r, () => {})).toBe('taken-over');
    await r.writeMark({ ...live, owner: '22/1', deadline: Math.ceil(Date.now() / 1000) + 3600 }); // another run took over (its live mark)
    expect(await restoreSession(state, r, () => {})).toBe('taken-over');
    expect(await r.read()).toEqual(weightsFor(40));

    await r.writeMark(live); // ours, still in progress: main was killed
    expect(await restoreSession(state, r, () => {})).toBe('restored');
    expect(await r.read()).toEqual(weightsFor(0));
    expect((await r.readMark())?.state).toBe('done');
  });
});

describe('post after a resume that did not get to write its own mark', () => {
  it('restores the baseline over the mark it was resuming (an earlier attempt, a stale run), never leaving a half-shifted route', async () => {
    const listenerArn = await fx.listener([forward([fx.stable, 100])]);
    const r = router({ listenerArn });
    const baseline = await r.snapshot();
    // Attempt 2 resumed attempt 1's ramp at 40 % and recorded its state, then its restore kept failing (or it was killed).
    const state = { phase: 'in-progress' as const, owner: '31/2', baseline: { weights: baseline.weights } };
    const now = Date.UTC(2026, 0, 1, 12);
    for (const mark of [
      { state: 'in-progress' as const, owner: '31/1', baseline: weightsFor(0), step: 40, deadline: now / 1000 + 3600 },
      { state: 'in-progress' as const, owner: '32/1', baseline: weightsFor(0), step: 40, deadline: now / 1000 - 60 },
    ]) {
      await r.shift(40);
      await r.writeMark(mark);
      expect(await restoreSession(state, r, () => {}, now), mark.owner).toBe('restored');
      expect(await r.read()).toEqual(weightsFor(0));
      expect(await r.readMark()).toMatchObject({ state: 'done' });
    }
    // Another run's live ramp is still someone else's.
    await r.shift(40);
    await r.writeMark({ state: 'in-progress', owner: '33/1', baseline: weightsFor(0), step: 40, deadline: now / 1000 + 3600 });
    expect(await restoreSession(state, r, () => {}, now)).toBe('taken-over');
    expect(await r.read()).toEqual(weightsFor(40));
    await fx.drop(listenerArn);
  });
});

describe('fault matrix: a whole ramp session, then post, on moto', () => {
  const settings: RampSettings = {
    steps: [{ percent: 10, bakeMs: 60_000 }, { percent: 50, bakeMs: 60_000 }, { percent: 100, bakeMs: 0 }],
    intervalMs: 30_000, warmupMs: 0, maxFailedChecks: 2, onInconclusive: 'hold', maxInconclusive: 3, timeoutMs: 3_600_000,
  };
  const pass: Judge = async () => ({ result: 'pass', reason: 'all objectives met', window: { start: '', end: '' }, objectives: [] });
  const OPS = ['DescribeTags', 'DescribeListeners', 'AddTags', 'ModifyListener'];
  const FAULTS: Fault[] = ['throttle', '500', 'reset'];
  /** What main and post end with when the op keeps failing from its 2nd call on (DescribeTags: from its 1st). */
  const PERSISTENT_OUTCOME: Record<string, [string, string]> = {
    DescribeTags: ['threw', 'nothing-recorded'], // the mark cannot be read: nothing is written, nothing to restore
    DescribeListeners: ['failed', 'restored'], // cannot read the listener mid-ramp, nor to restore: post does it
    AddTags: ['rolled-back', 'left-alone'], // cannot record the 2nd step: rolls back before shifting; post closes the mark
    ModifyListener: ['failed', 'restored'], // cannot shift, cannot restore: post restores once healed
  };
  const cases = OPS.flatMap((op) => FAULTS.flatMap((fault) => [
    { op, fault, persistent: false },
    { op, fault, persistent: true },
  ]));

  it.each(cases)('$fault at $op (persistent: $persistent) ends promoted or at the exact baseline', async ({ op, fault, persistent }) => {
    const listenerArn = await fx.listener([forward([fx.stable, 100], [fx.spare, 0])]);
    const original = await fx.defaultActions(listenerArn);
    const clock = new FakeClock();
    const r = router({ listenerArn }, clock);
    // Transient: two failures, which the retries absorb. Persistent: until healed, mid-ramp where the op recurs.
    if (persistent) {
      proxy.inject({ op, fault, times: Infinity, after: op === 'DescribeTags' ? 0 : 1 });
      const [result, post] = await runSessionThenPost();
      expect([result, post]).toEqual(PERSISTENT_OUTCOME[op]);
    } else {
      proxy.inject({ op, fault, times: 2 });
      expect(await runSessionThenPost()).toEqual(['promoted', 'left-alone']);
    }

    async function runSessionThenPost(): Promise<[string, string]> {
      let state: SessionState | null = null;
      let result = 'threw';
      try {
        const out = await rampSession(
          { settings, bakeMs: 60_000, dryRun: false, takeover: false },
          { router: r, judge: pass, clock, signal: new AbortController().signal, owner: '7/1', saveState: (s) => (state = s), log: () => {}, warn: () => {} },
        );
        result = out.result;
      } catch {
        // Failed before the ramp could start (e.g. the mark could not be read): nothing was written.
      }
      proxy.clear(); // the fault heals; the runner then runs post
      return [result, await restoreSession(state, r, () => {})];
    }

    const end = await fx.defaultActions(listenerArn);
    const promoted = (await r.read()).canary === 100;
    if (promoted) {
      expect(end[0].ForwardConfig?.TargetGroups).toEqual([
        { TargetGroupArn: fx.spare, Weight: 0 },
        { TargetGroupArn: fx.stable, Weight: 0 },
        { TargetGroupArn: fx.canary, Weight: 100 },
      ]);
    } else {
      expect(end).toEqual(original);
    }
    expect((await fx.tags(listenerArn))[MARK_TAG] ?? 'none').not.toMatch(/in-progress/);
    await fx.drop(listenerArn);
  });
});
