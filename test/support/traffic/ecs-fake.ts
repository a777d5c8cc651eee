/**
 * A small stateful ECS for tests of native canary/linear deployments with a PAUSE hook: one step per
 * CONTINUE, back to the old revision on ROLLBACK, tags, and the calls the rollback action makes.
 * Answers awsJson1_1; used behind nock (module tests) and behind a real local server (bundle tests).
 */
import { serveJson } from '../json-server.js';

export const CLUSTER_ARN = 'arn:aws:ecs:eu-central-1:123456789012:cluster/prod';
export const SERVICE_ARN = 'arn:aws:ecs:eu-central-1:123456789012:service/prod/orders';
export const DEPLOYMENT_ARN = 'arn:aws:ecs:eu-central-1:123456789012:service-deployment/prod/orders/r9i43YFjvgF';
export const TD = (n: number) => `arn:aws:ecs:eu-central-1:123456789012:task-definition/orders:${n}`;

export interface FakeEcs {
  calls: { op: string; body: Record<string, unknown> }[];
  weight: number;
  status: string;
  taskDefinition: string;
  tags: Map<string, string>;
  /** Fail the next n calls of an operation with a throttle. */
  throttle: Map<string, number>;
  /** Answers one awsJson1_1 call: [status, body, headers]. */
  handle(target: string, body: Record<string, unknown>): [number, unknown, Record<string, string>];
}

export interface EcsFakeOptions {
  strategy?: string;
  canaryPercent?: number;
  stepPercent?: number;
  /** false: no PAUSE hook configured. */
  pause?: boolean;
  /** false: the last deployment already succeeded (nothing in flight). */
  inFlight?: boolean;
  /** false: in flight, but no hook is waiting right now. */
  paused?: boolean;
}

export function createEcsFake(opts: EcsFakeOptions = {}): FakeEcs {
  const steps = ecsStepsFor(opts);
  const state: FakeEcs = { calls: [], weight: 0, status: opts.inFlight === false ? 'SUCCESSFUL' : 'IN_PROGRESS', taskDefinition: TD(7), tags: new Map(), throttle: new Map(), handle: () => [500, {}, {}] };
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
  state.handle = (target, b) => {
    const op = target.split('.').pop()!;
    state.calls.push({ op, body: b });
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    const left = state.throttle.get(op) ?? 0;
    if (left > 0) {
      state.throttle.set(op, left - 1);
      return [400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { ...json, 'x-amzn-errortype': 'ThrottlingException' }];
    }
    const handler = handlers[op];
    if (!handler) return [400, { __type: 'InvalidParameterException', message: `fake ECS: ${op} not expected` }, json];
    return [200, handler(b), json];
  };
  return state;
}

function ecsStepsFor(opts: { strategy?: string; canaryPercent?: number; stepPercent?: number }): number[] {
  if ((opts.strategy ?? 'CANARY') === 'CANARY') return [opts.canaryPercent ?? 10, 100];
  const out: number[] = [];
  for (let p = opts.stepPercent ?? 25; p < 100; p += opts.stepPercent ?? 25) out.push(p);
  return [...out, 100];
}

/** The fake on a real loopback port, for bundles (AWS_ENDPOINT_URL_ECS=<endpoint>). */
export function serveEcsFake(fake: FakeEcs): ReturnType<typeof serveJson> {
  return serveJson((req, body) => fake.handle(String(req.headers['x-amz-target'] ?? ''), (body ?? {}) as Record<string, unknown>));
}
