/**
 * ECS native canary/linear deployments with a PAUSE hook, answered at the HTTP layer with nock (moto
 * predates ContinueServiceDeployment and lifecycle hooks): real SDK serialization (awsJson1_1), a
 * small stateful deployment that moves one step per CONTINUE and goes back on ROLLBACK.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../actions/lib/clock.js';
import { retryingCall } from '../../actions/traffic/call.js';
import { makeRouter } from '../../actions/traffic/config.js';
import { EcsRouter, ecsSteps } from '../../actions/traffic/ecs.js';
import { RouterStateError } from '../../actions/traffic/port.js';
import { rampSession, restoreSession, type SessionState } from '../../actions/canary-ramp/session.js';
import type { Judge, RampSettings } from '../../actions/canary-ramp/ramp.js';
import { rollBack } from '../../actions/rollback/rollback.js';

const HOST = 'https://ecs.eu-central-1.amazonaws.com';
const CLUSTER_ARN = 'arn:aws:ecs:eu-central-1:123456789012:cluster/prod';
const SERVICE_ARN = 'arn:aws:ecs:eu-central-1:123456789012:service/prod/orders';
const DEPLOYMENT_ARN = 'arn:aws:ecs:eu-central-1:123456789012:service-deployment/prod/orders/r9i43YFjvgF';
const TD = (n: number) => `arn:aws:ecs:eu-central-1:123456789012:task-definition/orders:${n}`;

interface FakeEcs {
  calls: { op: string; body: Record<string, unknown> }[];
  weight: number;
  status: string;
  taskDefinition: string;
  tags: Map<string, string>;
  /** Fail the next n calls of an operation with a throttle. */
  throttle: Map<string, number>;
}

function fakeEcs(opts: { strategy?: string; canaryPercent?: number; stepPercent?: number; pause?: boolean; inFlight?: boolean; paused?: boolean } = {}): FakeEcs {
  const steps = ecsStepsFor(opts);
  const state: FakeEcs = { calls: [], weight: 0, status: opts.inFlight === false ? 'SUCCESSFUL' : 'IN_PROGRESS', taskDefinition: TD(7), tags: new Map(), throttle: new Map() };
  let hook = 1;
  const deploymentConfiguration = {
    strategy: opts.strategy ?? 'CANARY',
    canaryConfiguration: { canaryPercent: opts.canaryPercent ?? 10, canaryBakeTimeInMinutes: 0 },
    linearConfiguration: { stepPercent: opts.stepPercent ?? 25, stepBakeTimeInMinutes: 0 },
    lifecycleHooks: opts.pause === false ? [] : [{ targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 360, action: 'ROLLBACK' } }],
  };
  const describe = () => ({
    serviceDeploymentArn: DEPLOYMENT_ARN, serviceArn: SERVICE_ARN, clusterArn: CLUSTER_ARN, status: state.status,
    lifecycleStage: state.status === 'IN_PROGRESS' ? 'PRE_PRODUCTION_TRAFFIC_SHIFT' : 'CLEAN_UP',
    targetServiceRevision: { arn: 'rev-8', requestedProductionTrafficWeight: state.weight },
    sourceServiceRevisions: [{ arn: 'rev-7', requestedProductionTrafficWeight: 100 - state.weight }],
    lifecycleHookDetails: state.status === 'IN_PROGRESS' && opts.paused !== false ? [{ hookId: `ecs-pause-${hook}`, targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' }] : [],
    deploymentConfiguration,
  });
  const handlers: Record<string, (b: Record<string, unknown>) => unknown> = {
    ListServiceDeployments: (b) => {
      const wanted = (b.status as string[]) ?? [];
      if (wanted.includes('SUCCESSFUL')) return { serviceDeployments: [{ serviceDeploymentArn: 'dep-successful', status: 'SUCCESSFUL' }] };
      return { serviceDeployments: wanted.includes(state.status) ? [{ serviceDeploymentArn: DEPLOYMENT_ARN, status: state.status }] : [] };
    },
    DescribeServiceDeployments: (b) => {
      if ((b.serviceDeploymentArns as string[])[0] === 'dep-successful') {
        return { serviceDeployments: [{ serviceDeploymentArn: 'dep-successful', status: 'SUCCESSFUL', targetServiceRevision: { arn: 'rev-7' }, sourceServiceRevisions: [{ arn: 'rev-6' }] }] };
      }
      return { serviceDeployments: [describe()] };
    },
    DescribeServiceRevisions: () => ({ serviceRevisions: [{ serviceRevisionArn: 'rev-7', taskDefinition: TD(7) }, { serviceRevisionArn: 'rev-6', taskDefinition: TD(6) }] }),
    DescribeServices: () => ({ services: [{ serviceArn: SERVICE_ARN, serviceName: 'orders', taskDefinition: state.taskDefinition }] }),
    ContinueServiceDeployment: (b) => {
      if (b.hookId !== `ecs-pause-${hook}`) throw new Error(`unexpected hook ${b.hookId}`);
      if (b.action === 'ROLLBACK') {
        state.status = 'ROLLBACK_IN_PROGRESS';
        state.weight = 0;
      } else {
        state.weight = steps.find((s) => s > state.weight) ?? 100;
        if (state.weight >= 100) state.status = 'SUCCESSFUL';
        hook++;
      }
      return { serviceDeploymentArn: DEPLOYMENT_ARN };
    },
    StopServiceDeployment: () => {
      state.status = 'ROLLBACK_REQUESTED';
      state.weight = 0;
      return { serviceDeploymentArn: DEPLOYMENT_ARN };
    },
    UpdateService: (b) => {
      state.taskDefinition = b.taskDefinition as string;
      return { service: { serviceArn: SERVICE_ARN, taskDefinition: state.taskDefinition } };
    },
    ListTagsForResource: () => ({ tags: [...state.tags].map(([key, value]) => ({ key, value })) }),
    TagResource: (b) => {
      for (const t of b.tags as { key: string; value: string }[]) state.tags.set(t.key, t.value);
      return {};
    },
    UntagResource: (b) => {
      for (const k of b.tagKeys as string[]) state.tags.delete(k);
      return {};
    },
  };
  nock(HOST)
    .persist()
    .post('/')
    .reply(function (_uri, body) {
      const op = String(this.req.headers['x-amz-target']).split('.').pop()!;
      const b = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
      state.calls.push({ op, body: b });
      const left = state.throttle.get(op) ?? 0;
      if (left > 0) {
        state.throttle.set(op, left - 1);
        return [400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' }];
      }
      const handler = handlers[op];
      if (!handler) return [400, { __type: 'InvalidParameterException', message: `fake ECS: ${op} not expected` }];
      return [200, handler(b), { 'content-type': 'application/x-amz-json-1.1' }];
    });
  return state;
}

function ecsStepsFor(opts: { strategy?: string; canaryPercent?: number; stepPercent?: number }): number[] {
  if ((opts.strategy ?? 'CANARY') === 'CANARY') return [opts.canaryPercent ?? 10, 100];
  const out: number[] = [];
  for (let p = opts.stepPercent ?? 25; p < 100; p += opts.stepPercent ?? 25) out.push(p);
  return [...out, 100];
}

const saved = { ...process.env };
beforeAll(() => {
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_ECS;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-central-1', AWS_EC2_METADATA_DISABLED: 'true' });
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  process.env = saved;
});

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
