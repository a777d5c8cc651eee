/**
 * The rollback itself, with the router injected: idempotent (a second run finds nothing to change),
 * weights read before and after. ECS rolls its in-flight deployment back, or, with none in flight,
 * returns the service to the task definition it ran before its last successful deployment.
 */
import { AlbRouter } from '../traffic/alb.js';
import { EcsRouter, isRollingBack } from '../traffic/ecs.js';
import { RouterStateError, formatWeights, sameWeights, type TrafficRouter, type Weights } from '../traffic/port.js';
import { targetWeights, type RollbackTo } from './plan.js';

export interface RollbackResult {
  changed: boolean;
  /** Weights, or for an ECS task-definition rollback the task definitions. */
  before: Weights | { taskDefinition: string } | null;
  after: Weights | { taskDefinition: string } | null;
  message: string;
}

/** Every call is bounded by `signal` (the action's restore budget). */
export async function rollBack(router: TrafficRouter, to: RollbackTo, signal?: AbortSignal): Promise<RollbackResult> {
  if (router instanceof EcsRouter) return rollBackEcs(router, signal);
  const mark = await router.readMark(signal);
  // Before anything is written: a canary the listener does not route to is a wrong input, not "already at stable".
  const before = router instanceof AlbRouter ? await router.readRequiringCanary(signal) : await router.read(signal);
  const target = targetWeights(to, mark, router.resource);
  // A live ramp checks its mark before each step and before restoring: closing it first makes the ramp
  // stop and leave traffic be, instead of shifting its next step over the weights written below.
  if (mark?.state === 'in-progress') await router.writeMark({ ...mark, state: 'done' }, signal);
  let changed = false;
  if (!sameWeights(before, target.weights)) {
    await router.restore({ weights: target.weights }, signal);
    changed = true;
  }
  const after = await router.read(signal);
  if (!sameWeights(after, target.weights)) throw new RouterStateError(`read back ${formatWeights(after)} after setting ${formatWeights(target.weights)}`);
  return {
    changed, before, after,
    message: changed
      ? `${router.resource}: ${formatWeights(before)} → ${formatWeights(after)} (${target.why}).`
      : `${router.resource} is already at ${formatWeights(after)} (${target.why}); nothing to change.`,
  };
}

async function rollBackEcs(router: EcsRouter, signal?: AbortSignal): Promise<RollbackResult> {
  const d = await router.inFlight(signal);
  if (d) {
    const before = await router.read(signal);
    if (isRollingBack(d)) {
      return { changed: false, before, after: before, message: `${router.resource}: deployment ${d.serviceDeploymentArn} is already ${d.status}; nothing to change.` };
    }
    await router.restore(undefined, signal);
    const after = await router.read(signal);
    return { changed: true, before, after, message: `${router.resource}: rolled back in-flight deployment ${d.serviceDeploymentArn} (${formatWeights(before)} → ${formatWeights(after)}).` };
  }
  const done = await router.rollbackToPrevious(signal);
  if (!done) throw new RouterStateError(`${router.resource} has no deployment in flight and no earlier task definition to roll back to`);
  return {
    changed: done.changed,
    before: { taskDefinition: done.changed ? done.from : done.to },
    after: { taskDefinition: done.to },
    message: done.changed
      ? `${router.resource}: task definition ${done.from} → ${done.to} (the one before its last successful deployment).`
      : `${router.resource} already runs ${done.to} (rolled back from ${done.from} earlier); nothing to change.`,
  };
}
