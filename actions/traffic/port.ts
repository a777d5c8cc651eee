/**
 * The traffic port (after Flagger's Router interface): what the ramp and rollback know about a
 * backend. One adapter per backend (alb.ts, ecs.ts, appmesh.ts); the control loop sees only this.
 */
/** Percent of traffic to each side; they sum to 100. */
export interface Weights {
  stable: number;
  canary: number;
}

/** What a router restores to: the weights, plus (when known) the backend's exact original form. */
export interface Baseline {
  weights: Weights;
  /** Backend-specific original (e.g. the ALB forward action as it was); absent when recovered from a tag. */
  detail?: unknown;
}

export type RouterKind = 'alb' | 'ecs' | 'appmesh';
export const ROUTER_KINDS: readonly RouterKind[] = ['alb', 'ecs', 'appmesh'];

/**
 * Every method takes the signal that bounds it (a ramp's deadline and cancellation, or a restore's
 * own budget): each AWS call it makes is aborted when the signal is.
 */
export interface TrafficRouter {
  readonly kind: RouterKind;
  /** The resource that carries the weights and the ramp mark (listener, rule, service, route), for messages. */
  readonly resource: string;
  /** The current weights and the exact form to restore them to. */
  snapshot(signal?: AbortSignal): Promise<Baseline>;
  read(signal?: AbortSignal): Promise<Weights>;
  /**
   * Moves the canary to `percent`. ALB and App Mesh write it; ECS answers its paused lifecycle hook
   * with CONTINUE and waits until the deployment reports the new weight.
   */
  shift(percent: number, signal?: AbortSignal): Promise<void>;
  /** Puts the baseline back (ECS: rolls the deployment back). Idempotent. */
  restore(baseline: Baseline, signal?: AbortSignal): Promise<void>;
  /** The steps the backend imposes (ECS), or null when the ramp chooses them. */
  platformSteps(signal?: AbortSignal): Promise<number[] | null>;
  readMark(signal?: AbortSignal): Promise<RampMark | null>;
  /** Writes the mark, or removes it with null. */
  writeMark(mark: RampMark | null, signal?: AbortSignal): Promise<void>;
  /** What the backend routes between, for whoever looks up its metrics; undefined where the judge's own inputs name them (ECS, App Mesh). */
  metricsScope(): MetricsScope | undefined;
  /**
   * The backend's own AWS CLI command (without --region) that writes `baseline`, for an operator
   * when the action could not; built from what was read last, no call. Null before anything was read.
   */
  restoreCommand?(baseline: Baseline): string | null;
  /**
   * read() for the rollback action, where the backend also checks that the inputs name what it routes
   * (ALB: a canary target group the forward does not route to), so a wrong input is not taken for
   * "already at stable". Absent when read() is all there is to check.
   */
  readForRollback?(signal?: AbortSignal): Promise<Weights>;
  /**
   * The rollback action's whole work on a backend that rolls back a deployment rather than writing
   * weights (ECS). Absent when rolling back means writing the stable or recorded baseline weights.
   */
  rollBackDeployment?(signal?: AbortSignal): Promise<RollbackResult>;
}

/**
 * An ALB's weighted forward, by ARNs: the listener or the listener rule that carries it (either
 * names the load balancer) and its two target groups.
 */
export interface MetricsScope {
  kind: 'alb';
  listenerArn?: string;
  ruleArn?: string;
  stableTargetGroupArn: string;
  canaryTargetGroupArn: string;
}

/** What a rollback did. */
export interface RollbackResult {
  changed: boolean;
  /** Weights, or for an ECS task-definition rollback the task definitions. */
  before: Weights | { taskDefinition: string } | null;
  after: Weights | { taskDefinition: string } | null;
  message: string;
}

/**
 * The ramp's record on the resource itself (a tag, see tags.ts), so a re-run after a lost runner and
 * a second ramp can see it.
 */
export interface RampMark {
  /** `done` marks stay after a ramp ends: they keep the baseline for `rollback to: baseline`. */
  state: 'in-progress' | 'done';
  /** `<run id>/<attempt>` of the workflow run that owns the ramp. */
  owner: string;
  baseline: Weights;
  /** The canary percent of the current step. */
  step: number;
  /** Epoch seconds after which the owner has given up (its timeout), so the mark is stale. */
  deadline: number;
}

export function weightsFor(canaryPercent: number): Weights {
  return { stable: 100 - canaryPercent, canary: canaryPercent };
}

export function sameWeights(a: Weights, b: Weights): boolean {
  return a.stable === b.stable && a.canary === b.canary;
}

export function formatWeights(w: Weights): string {
  return `stable ${w.stable}% / canary ${w.canary}%`;
}

/** The backend is not in a shape the router can drive (e.g. a third target group carrying traffic). */
export class RouterStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterStateError';
  }
}
