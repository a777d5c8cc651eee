/**
 * ECS native canary/linear deployments with a PAUSE hook, answered at the HTTP layer with nock (moto
 * predates ContinueServiceDeployment and lifecycle hooks): real SDK serialization (awsJson1_1), a
 * small stateful deployment that moves one step per CONTINUE and goes back on ROLLBACK.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { useNockedAws } from '../../test/support/nock-aws.js';
import { FakeClock } from '../../common/clock.js';
import { retryingCall } from './call.js';
import { makeRouter } from './config.js';
import { EcsRouter, ecsSteps } from './ecs.js';
import { RouterStateError } from './port.js';
import { rampSession, restoreSession, type SessionState } from '../canary-ramp/session.js';
import type { Judge, RampSettings } from '../canary-ramp/ramp.js';
import { rollBack } from '../rollback/rollback.js';
import { TD, createEcsFake, type EcsFakeOptions, type FakeEcs } from '../../test/support/traffic/ecs-fake.js';

const HOST = 'https://ecs.eu-central-1.amazonaws.com';

/** The fake's state machine behind nock: real SDK requests, answered in-process. */
function fakeEcs(opts: EcsFakeOptions = {}): FakeEcs {
  const fake = createEcsFake(opts);
  nock(HOST)
    .persist()
    .post('/')
    .reply(function (_uri, body) {
      const b = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
      const [status, out, headers] = fake.handle(String(this.req.headers['x-amz-target']), b);
      return [status, out, headers];
    });
  return fake;
}

useNockedAws('ECS');

function router(clock = new FakeClock()): EcsRouter {
  return makeRouter({ kind: 'ecs', region: 'eu-central-1', cluster: 'prod', service: 'orders' }, { call: retryingCall({ clock }), clock, log: () => {} }) as EcsRouter;
}

const gate = (result: 'pass' | 'fail'): Judge => async () => ({ result, reason: result === 'pass' ? 'all objectives met' : 'p95 412ms ≥ 200ms', window: { start: '', end: '' }, objectives: [] });
const settings: RampSettings = { steps: [], intervalMs: 60_000, warmupMs: 0, maxFailedChecks: 2, onInconclusive: 'hold', maxInconclusive: 3, timeoutMs: 3_600_000 };

async function session(judge: Judge, clock = new FakeClock()) {
  let state: SessionState | null = null;
  const r = router(clock);
  const out = await rampSession(
    { settings, bakeMs: 5 * 60_000, dryRun: false, takeover: false },
    { router: r, judge, clock, signal: new AbortController().signal, owner: '5/1', saveState: (s) => (state = s), log: () => {}, warn: () => {} },
  );
  return { out, state: state as SessionState | null, r };
}

describe('ECS router (nock)', () => {
  it('reads the steps ECS will take and insists on the PAUSE hook', () => {
    const hook = [{ targetType: 'PAUSE' as const, lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT' as const] }];
    expect(ecsSteps({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5 }, lifecycleHooks: hook })).toEqual([5, 100]);
    expect(ecsSteps({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 30 }, lifecycleHooks: hook })).toEqual([30, 60, 90, 100]);
    expect(ecsSteps({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 3.3 }, lifecycleHooks: hook }).slice(0, 3)).toEqual([3.3, 6.6, 9.9]);
    expect(() => ecsSteps({ strategy: 'CANARY', lifecycleHooks: [] })).toThrow(/no PAUSE lifecycle hook at PRE_PRODUCTION_TRAFFIC_SHIFT.*README/);
    expect(() => ecsSteps({ strategy: 'ROLLING', lifecycleHooks: hook })).toThrow(/"ROLLING" does not shift traffic in steps/);
    // A pause at another stage would be answered as if it were a traffic step.
    expect(() => ecsSteps({ strategy: 'CANARY', lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP', 'PRE_PRODUCTION_TRAFFIC_SHIFT'] }] }))
      .toThrow(/also has PAUSE lifecycle hooks at POST_SCALE_UP; .*pause only at PRE_PRODUCTION_TRAFFIC_SHIFT/);
    expect(() => ecsSteps({ strategy: 'LINEAR', lifecycleHooks: [...hook, { targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }] }))
      .toThrow(/also has PAUSE lifecycle hooks at POST_TEST_TRAFFIC_SHIFT/);
    expect(ecsSteps({ strategy: 'CANARY', lifecycleHooks: [...hook, { targetType: 'AWS_LAMBDA', hookTargetArn: 'arn:aws:lambda:eu-central-1:123456789012:function:check', lifecycleStages: ['POST_SCALE_UP'] }] })).toEqual([5, 100]);
  });

  it('promotes a healthy canary: CONTINUE at each paused hook, one bake per ECS step', async () => {
    const ecs = fakeEcs({ strategy: 'LINEAR', stepPercent: 25 });
    ecs.throttle.set('ContinueServiceDeployment', 1);
    const { out } = await session(gate('pass'));
    expect(out.result).toBe('promoted');
    expect(out.steps.map((s) => s.percent)).toEqual([25, 50, 75, 100]);
    expect(out.steps.map((s) => s.checks.length)).toEqual([5, 5, 5, 0]);
    const continues = ecs.calls.filter((c) => c.op === 'ContinueServiceDeployment').map((c) => `${c.body.hookId}:${c.body.action}`);
    // The first attempt was throttled and retried with the same hook.
    expect(continues).toEqual(['ecs-pause-1:CONTINUE', 'ecs-pause-1:CONTINUE', 'ecs-pause-2:CONTINUE', 'ecs-pause-3:CONTINUE', 'ecs-pause-4:CONTINUE']);
    expect(ecs.status).toBe('SUCCESSFUL');
    expect(ecs.tags.get('mesh-actions:canary-ramp')).toMatch(/^state=done owner=5\/1 stable=100 canary=0 step=100 /);
  });

  it('answers ROLLBACK at the next hook when the canary fails its step', async () => {
    const ecs = fakeEcs({ strategy: 'CANARY', canaryPercent: 10 });
    const { out } = await session(gate('fail'));
    expect(out.result).toBe('rolled-back');
    expect(out.steps).toHaveLength(1);
    expect(ecs.calls.filter((c) => c.op === 'ContinueServiceDeployment').map((c) => c.body.action)).toEqual(['CONTINUE', 'ROLLBACK']);
    expect(ecs.status).toBe('ROLLBACK_IN_PROGRESS');
    expect(out.weights).toEqual({ stable: 100, canary: 0 });
  });

  it('refuses a deployment without the PAUSE hook before answering anything', async () => {
    const ecs = fakeEcs({ pause: false });
    await expect(session(gate('pass'))).rejects.toThrow(RouterStateError);
    expect(ecs.calls.map((c) => c.op)).not.toContain('ContinueServiceDeployment');
  });

  it('post rolls an interrupted deployment back through its paused hook', async () => {
    const ecs = fakeEcs({ strategy: 'CANARY', canaryPercent: 10 });
    const controller = new AbortController();
    const r = router();
    let state: SessionState | null = null;
    // Main dies (abort without restore is what a SIGKILL leaves): simulate by aborting in the judge and failing restore.
    const judge: Judge = async () => {
      controller.abort(new Error('SIGKILL'));
      throw new Error('killed');
    };
    const restore = r.restore.bind(r);
    r.restore = async () => {
      throw new Error('process gone');
    };
    const out = await rampSession(
      { settings, bakeMs: 60_000, dryRun: false, takeover: false },
      { router: r, judge, clock: new FakeClock(), signal: controller.signal, owner: '5/1', saveState: (s) => (state = s), log: () => {}, warn: () => {} },
    );
    expect(out.result).toBe('failed');
    expect(state!.phase).toBe('in-progress');
    r.restore = restore;
    expect(await restoreSession(state, router(), () => {})).toBe('restored');
    expect(ecs.calls.filter((c) => c.op === 'ContinueServiceDeployment').map((c) => c.body.action)).toEqual(['CONTINUE', 'ROLLBACK']);
  });

  it.each([
    [true, 'ContinueServiceDeployment'],
    [false, 'StopServiceDeployment'],
  ])('rollback action: rolls an in-flight deployment back (paused at a hook: %s → %s), idempotently', async (paused, op) => {
    const ecs = fakeEcs({ strategy: 'CANARY', paused });
    ecs.weight = 10;
    const first = await rollBack(router(), 'stable');
    expect(first).toMatchObject({ changed: true, before: { stable: 90, canary: 10 }, after: { stable: 100, canary: 0 } });
    expect(first.message).toMatch(/rolled back in-flight deployment/);
    const writes = ecs.calls.filter((c) => c.op === 'ContinueServiceDeployment' || c.op === 'StopServiceDeployment');
    expect(writes.map((c) => c.op)).toEqual([op]);
    expect(writes[0].body).toMatchObject(paused ? { action: 'ROLLBACK', hookId: 'ecs-pause-1' } : { stopType: 'ROLLBACK' });
    const again = await rollBack(router(), 'stable');
    expect(again.changed).toBe(false);
    expect(again.message).toMatch(/is already ROLLBACK_/);
    expect(ecs.calls.filter((c) => c.op === 'UpdateService')).toHaveLength(0);
  });

  it('rollback action: with nothing in flight, returns the service to its previous task definition once', async () => {
    const ecs = fakeEcs({ inFlight: false });
    const first = await rollBack(router(), 'stable');
    expect(first).toMatchObject({ changed: true, before: { taskDefinition: TD(7) }, after: { taskDefinition: TD(6) } });
    expect(ecs.taskDefinition).toBe(TD(6));
    expect(ecs.tags.get('mesh-actions:rollback')).toBe(`from=${TD(7)} to=${TD(6)}`);
    const again = await rollBack(router(), 'stable');
    expect(again.changed).toBe(false);
    expect(ecs.calls.filter((c) => c.op === 'UpdateService')).toHaveLength(1);
  });
});
