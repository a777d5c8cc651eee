/**
 * ECS backend: ECS native canary/linear deployments, which shift production traffic themselves. The
 * service's deploymentConfiguration has a PAUSE lifecycle hook at PRE_PRODUCTION_TRAFFIC_SHIFT, so
 * before every traffic step the deployment waits for ContinueServiceDeployment: the ramp bakes and
 * judges the current step, then answers CONTINUE (shift on) or ROLLBACK. ECS decides the step sizes.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTagsForResourceCommand,
  StopServiceDeploymentCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type ServiceDeployment,
  type ServiceDeploymentStatus,
} from '@aws-sdk/client-ecs';
import type { Clock } from '../../common/clock.js';
import { formatDuration } from '../../common/duration.js';
import type { AwsCall } from './call.js';
import {
  RouterStateError, formatWeights, weightsFor,
  type Baseline, type RollbackResult, type TrafficRouter, type Weights,
} from './port.js';
import { MarkedRouter, arnTagStore, type TagStore } from './tags.js';

export interface EcsTarget {
  cluster: string;
  service: string;
}

export interface EcsDeps {
  call: AwsCall;
  clock: Clock;
  log: (message: string) => void;
  /** How often to look at the deployment while waiting for ECS. */
  pollMs?: number;
  /** The longest a single wait for ECS may take. */
  maxWaitMs?: number;
  /** Epoch ms no wait may run past (canary-ramp's timeout), whatever maxWaitMs allows. */
  deadline?: number;
}

const IN_FLIGHT: readonly ServiceDeploymentStatus[] = ['PENDING', 'IN_PROGRESS'];
const ROLLED_BACK = new Set(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'STOP_REQUESTED', 'STOPPED']);
const PAUSE_STAGE = 'PRE_PRODUCTION_TRAFFIC_SHIFT';
/** What the rollback action last did to the service's task definition. */
export const ROLLBACK_TAG = 'mesh-actions:rollback';

function decodeRollback(value: string | undefined): { from: string; to: string } | null {
  const m = value ? /^from=(\S+) to=(\S+)$/.exec(value) : null;
  return m ? { from: m[1], to: m[2] } : null;
}

/** The traffic steps ECS will take; also checks the PAUSE hook the ramp answers is configured. */
export function ecsSteps(cfg: DeploymentConfiguration | undefined): number[] {
  const paused = cfg?.lifecycleHooks?.some((h) => h.targetType === 'PAUSE' && h.lifecycleStages?.includes(PAUSE_STAGE));
  if (!paused) {
    throw new RouterStateError(
      `the deployment has no PAUSE lifecycle hook at ${PAUSE_STAGE}, so ECS would shift traffic without waiting for a verdict; add one (see the canary-ramp README, "ECS service settings")`,
    );
  }
  // The ramp answers every paused hook as a traffic step: a pause at another stage would be CONTINUEd
  // unjudged, and the ramp would then wait for a traffic shift that does not come.
  const elsewhere = [...new Set(cfg!.lifecycleHooks!.filter((h) => h.targetType === 'PAUSE').flatMap((h) => h.lifecycleStages ?? []))].filter((s) => s !== PAUSE_STAGE);
  if (elsewhere.length) {
    throw new RouterStateError(
      `the deployment also has PAUSE lifecycle hooks at ${elsewhere.join(', ')}; canary-ramp answers every pause as a traffic step, so pause only at ${PAUSE_STAGE} (an AWS_LAMBDA hook can check the other stages)`,
    );
  }
  switch (cfg?.strategy) {
    case 'CANARY':
      return [cfg.canaryConfiguration?.canaryPercent ?? 5, 100];
    case 'LINEAR': {
      const step = cfg.linearConfiguration?.stepPercent ?? 10;
      const steps: number[] = [];
      for (let p = step; p < 100 - 1e-9; p = Math.round((p + step) * 10) / 10) steps.push(p);
      return [...steps, 100];
    }
    case 'BLUE_GREEN':
      return [100];
    default:
      throw new RouterStateError(`deployment strategy "${cfg?.strategy ?? 'ROLLING'}" does not shift traffic in steps; use CANARY, LINEAR or BLUE_GREEN`);
  }
}

/** Production traffic on the new revision, as ECS reports it. */
export function deploymentWeights(d: ServiceDeployment): Weights {
  if (d.status && ROLLED_BACK.has(d.status)) return weightsFor(0);
  if (d.status === 'SUCCESSFUL') return weightsFor(100);
  return weightsFor(Math.round((d.targetServiceRevision?.requestedProductionTrafficWeight ?? 0) * 10) / 10);
}

export function isRollingBack(d: ServiceDeployment): boolean {
  return !!d.status && ROLLED_BACK.has(d.status);
}

function awaitingPause(d: ServiceDeployment) {
  return d.lifecycleHookDetails?.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');
}

export class EcsRouter extends MarkedRouter implements TrafficRouter {
  readonly kind = 'ecs' as const;
  readonly resource: string;
  private deploymentArn?: string;
  private serviceArn?: string;
  /** The service's tags: the ramp mark and the rollback action's record. */
  protected readonly tags: TagStore;

  constructor(
    private readonly client: ECSClient,
    private readonly target: EcsTarget,
    private readonly deps: EcsDeps,
  ) {
    super();
    this.resource = `service ${target.service} in cluster ${target.cluster}`;
    this.tags = arnTagStore(deps.call, (signal) => this.service(signal), {
      list: (resourceArn, abortSignal) => client.send(new ListTagsForResourceCommand({ resourceArn }), { abortSignal }),
      tag: (resourceArn, tags, abortSignal) => client.send(new TagResourceCommand({ resourceArn, tags }), { abortSignal }),
      untag: (resourceArn, tagKeys, abortSignal) => client.send(new UntagResourceCommand({ resourceArn, tagKeys }), { abortSignal }),
    });
  }

  private get call(): AwsCall {
    return this.deps.call;
  }

  /** The in-flight deployment found first; later calls follow that one, not whatever starts next. */
  private async deployment(statuses: readonly ServiceDeploymentStatus[] = IN_FLIGHT, signal?: AbortSignal): Promise<ServiceDeployment> {
    if (!this.deploymentArn) {
      const list = await this.call('ListServiceDeployments', (abortSignal) =>
        this.client.send(new ListServiceDeploymentsCommand({ cluster: this.target.cluster, service: this.target.service, status: [...statuses] }), { abortSignal }), signal);
      const arn = list.serviceDeployments?.[0]?.serviceDeploymentArn;
      if (!arn) throw new RouterStateError(`${this.resource} has no deployment in progress to ramp; start one (e.g. with the deploy action) first`);
      this.deploymentArn = arn;
    }
    const out = await this.call('DescribeServiceDeployments', (abortSignal) =>
      this.client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [this.deploymentArn!] }), { abortSignal }), signal);
    const d = out.serviceDeployments?.[0];
    if (!d) throw new RouterStateError(`service deployment ${this.deploymentArn} not found`);
    return d;
  }

  private async service(signal?: AbortSignal): Promise<string> {
    if (!this.serviceArn) {
      const out = await this.call('DescribeServices', (abortSignal) =>
        this.client.send(new DescribeServicesCommand({ cluster: this.target.cluster, services: [this.target.service] }), { abortSignal }), signal);
      const arn = out.services?.[0]?.serviceArn;
      if (!arn) throw new RouterStateError(`${this.resource} not found`);
      this.serviceArn = arn;
    }
    return this.serviceArn;
  }

  /** Polls until `done` returns a value; bounded by maxWaitMs and the deadline so a stuck deployment cannot hold the job. */
  private async waitFor<T>(what: string, done: (d: ServiceDeployment) => T | undefined, signal?: AbortSignal): Promise<T> {
    const { clock } = this.deps;
    const pollMs = this.deps.pollMs ?? 15_000;
    const start = clock.now();
    const until = Math.min(start + (this.deps.maxWaitMs ?? 3_600_000), this.deps.deadline ?? Infinity);
    for (;;) {
      const d = await this.deployment(IN_FLIGHT, signal);
      const value = done(d);
      if (value !== undefined) return value;
      if (d.status && !IN_FLIGHT.includes(d.status)) {
        throw new RouterStateError(`deployment ${d.serviceDeploymentArn} is ${d.status}${d.statusReason ? ` (${d.statusReason})` : ''} while waiting for ${what}`);
      }
      if (clock.now() + pollMs > until) throw new RouterStateError(`gave up waiting ${formatDuration(Math.max(0, until - start))} for ${what}`);
      await clock.sleep(pollMs, signal);
    }
  }

  async snapshot(signal?: AbortSignal): Promise<Baseline> {
    const d = await this.deployment(IN_FLIGHT, signal);
    return { weights: deploymentWeights(d), detail: { deploymentArn: d.serviceDeploymentArn } };
  }

  async read(signal?: AbortSignal): Promise<Weights> {
    return deploymentWeights(await this.deployment(IN_FLIGHT, signal));
  }

  async platformSteps(signal?: AbortSignal): Promise<number[]> {
    return ecsSteps((await this.deployment(IN_FLIGHT, signal)).deploymentConfiguration);
  }

  async shift(percent: number, signal?: AbortSignal): Promise<void> {
    const reached = (d: ServiceDeployment) => deploymentWeights(d).canary >= percent - 0.05;
    const hook = await this.waitFor(`the PAUSE hook before the shift to ${percent}%`, (d) => (reached(d) ? null : awaitingPause(d)), signal);
    if (hook === null) return; // already there (a resumed ramp)
    this.deps.log(`ECS: CONTINUE at hook ${hook.hookId} (shift to ${percent}%)`);
    await this.call('ContinueServiceDeployment', (abortSignal) =>
      this.client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: this.deploymentArn, hookId: hook.hookId, action: 'CONTINUE' }), { abortSignal }), signal);
    await this.waitFor(`production traffic at ${percent}%`, (d) => (reached(d) ? true : undefined), signal);
  }

  /** Rolls the in-flight deployment back: through its paused hook when there is one, else by stopping it with rollback. */
  async restore(_baseline?: Baseline, signal?: AbortSignal): Promise<void> {
    const d = await this.deployment(IN_FLIGHT, signal);
    if (d.status && ROLLED_BACK.has(d.status)) return;
    const hook = awaitingPause(d);
    if (hook) {
      this.deps.log(`ECS: ROLLBACK at hook ${hook.hookId}`);
      await this.call('ContinueServiceDeployment', (abortSignal) =>
        this.client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: this.deploymentArn, hookId: hook.hookId, action: 'ROLLBACK' }), { abortSignal }), signal);
    } else {
      this.deps.log(`ECS: StopServiceDeployment ${this.deploymentArn} with ROLLBACK`);
      await this.call('StopServiceDeployment', (abortSignal) =>
        this.client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: this.deploymentArn, stopType: 'ROLLBACK' }), { abortSignal }), signal);
    }
  }

  /**
   * The rollback action on ECS: rolls the in-flight deployment back, or, with none in flight, returns
   * the service to the task definition it ran before its last successful deployment.
   */
  async rollBackDeployment(signal?: AbortSignal): Promise<RollbackResult> {
    const d = await this.inFlight(signal);
    if (d) {
      const before = await this.read(signal);
      if (isRollingBack(d)) {
        return { changed: false, before, after: before, message: `${this.resource}: deployment ${d.serviceDeploymentArn} is already ${d.status}; nothing to change.` };
      }
      await this.restore(undefined, signal);
      const after = await this.read(signal);
      return { changed: true, before, after, message: `${this.resource}: rolled back in-flight deployment ${d.serviceDeploymentArn} (${formatWeights(before)} → ${formatWeights(after)}).` };
    }
    const done = await this.rollbackToPrevious(signal);
    if (!done) throw new RouterStateError(`${this.resource} has no deployment in flight and no earlier task definition to roll back to`);
    return {
      changed: done.changed,
      before: { taskDefinition: done.changed ? done.from : done.to },
      after: { taskDefinition: done.to },
      message: done.changed
        ? `${this.resource}: task definition ${done.from} → ${done.to} (the one before its last successful deployment).`
        : `${this.resource} already runs ${done.to} (rolled back from ${done.from} earlier); nothing to change.`,
    };
  }

  /** The service's in-flight deployment, one already rolling back included, or null (the rollback action's first question). */
  private async inFlight(signal?: AbortSignal): Promise<ServiceDeployment | null> {
    try {
      return await this.deployment([...IN_FLIGHT, 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'], signal);
    } catch (err) {
      if (err instanceof RouterStateError && !this.deploymentArn) return null;
      throw err;
    }
  }

  /**
   * With no deployment in flight: points the service back at the task definition it ran before its
   * last successful deployment. A tag records what it did, so running it again changes nothing
   * instead of rolling forward again.
   */
  private async rollbackToPrevious(signal?: AbortSignal): Promise<{ from: string; to: string; changed: boolean } | null> {
    const t = this.target;
    const described = await this.call('DescribeServices', (abortSignal) =>
      this.client.send(new DescribeServicesCommand({ cluster: t.cluster, services: [t.service] }), { abortSignal }), signal);
    const svc = described.services?.[0];
    if (!svc?.serviceArn) throw new RouterStateError(`${this.resource} not found`);
    this.serviceArn = svc.serviceArn;
    const done = decodeRollback(await this.tags.get(ROLLBACK_TAG, signal));
    if (done && svc.taskDefinition === done.to) return { ...done, changed: false };

    const list = await this.call('ListServiceDeployments', (abortSignal) =>
      this.client.send(new ListServiceDeploymentsCommand({ cluster: t.cluster, service: t.service, status: ['SUCCESSFUL'], maxResults: 1 }), { abortSignal }), signal);
    const last = list.serviceDeployments?.[0]?.serviceDeploymentArn;
    if (!last) return null;
    const deps = await this.call('DescribeServiceDeployments', (abortSignal) =>
      this.client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [last] }), { abortSignal }), signal);
    const dep = deps.serviceDeployments?.[0];
    const revisions = [dep?.targetServiceRevision?.arn, dep?.sourceServiceRevisions?.[0]?.arn];
    if (!revisions[0] || !revisions[1]) return null;
    const out = await this.call('DescribeServiceRevisions', (abortSignal) =>
      this.client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisions as string[] }), { abortSignal }), signal);
    const byArn = new Map(out.serviceRevisions?.map((r) => [r.serviceRevisionArn, r.taskDefinition]));
    const from = byArn.get(revisions[0]);
    const to = byArn.get(revisions[1]);
    if (!from || !to || from === to) return null;
    if (svc.taskDefinition !== from) {
      throw new RouterStateError(`${this.resource} runs ${svc.taskDefinition}, not ${from} from its last successful deployment; roll back by deploying the task definition you want`);
    }
    // Recorded first: if UpdateService then fails, a re-run still knows where it was going.
    await this.tags.set(ROLLBACK_TAG, `from=${from} to=${to}`, signal);
    await this.call('UpdateService', (abortSignal) => this.client.send(new UpdateServiceCommand({ cluster: t.cluster, service: t.service, taskDefinition: to }), { abortSignal }), signal);
    return { from, to, changed: true };
  }

  /** Stops the deployment the ramp followed, with rollback (what restore does when no hook is waiting). */
  restoreCommand(): string | null {
    if (!this.deploymentArn) return null;
    return `aws ecs stop-service-deployment --service-deployment-arn ${this.deploymentArn} --stop-type ROLLBACK`;
  }

  metricsScope(): undefined {
    return undefined;
  }
}
