/**
 * The rollback itself, with the router injected: idempotent (a second run finds nothing to change),
 * weights read before and after. A backend that rolls back a deployment rather than weights (ECS)
 * does its own rollback through the port.
 */
import { RouterStateError, formatWeights, sameWeights, type RollbackResult, type TrafficRouter } from '../traffic/port.js';
import { targetWeights, type RollbackTo } from './plan.js';

/** Every call is bounded by `signal` (the action's restore budget). */
export async function rollBack(router: TrafficRouter, to: RollbackTo, signal?: AbortSignal): Promise<RollbackResult> {
  if (router.rollBackDeployment) return router.rollBackDeployment(signal);
  const mark = await router.readMark(signal);
  // Before anything is written: a canary the listener does not route to is a wrong input, not "already at stable".
  const before = router.readForRollback ? await router.readForRollback(signal) : await router.read(signal);
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
