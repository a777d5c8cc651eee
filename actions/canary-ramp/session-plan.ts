/**
 * The pure decisions the ramp session makes from what it reads on the resource, before it moves
 * traffic: the steps a platform imposes (ECS) and what a ramp mark left there means for this run.
 */
import type { RampMark } from '../traffic/port.js';
import type { Step } from './ramp.js';

/** ECS picks the step sizes; each step still bakes for `bake-time` (the last one, 100, does not). */
export function platformPlan(percents: number[], bakeMs: number): Step[] {
  return percents.map((percent) => ({ percent, bakeMs: percent >= 100 ? 0 : bakeMs }));
}

export type MarkDecision =
  | { kind: 'fresh' }
  | { kind: 'resume'; why: string; mark: RampMark }
  | { kind: 'refuse'; message: string };

/**
 * What a mark left on the resource means for this run: none → start fresh; an earlier attempt of this
 * run, stale (past its owner's deadline) or taken over → start from its recorded baseline;
 * another live ramp → refuse.
 */
export function decideOnMark(mark: RampMark | null, owner: string, nowMs: number, takeover: boolean, resource: string): MarkDecision {
  if (!mark || mark.state === 'done') return { kind: 'fresh' };
  // Only an earlier attempt is a lost runner of ours: the same attempt is another job of this run
  // (a matrix leg, a second job on the same route), as live as any other run's ramp.
  const [markRun, markAttempt] = mark.owner.split('/');
  const [run, attempt] = owner.split('/');
  const earlierAttempt = markRun === run && Number(markAttempt) < Number(attempt);
  const stale = mark.deadline * 1000 < nowMs;
  if (earlierAttempt) return { kind: 'resume', why: `run ${mark.owner} (an earlier attempt of this run) left a ramp at ${mark.step}%`, mark };
  if (stale) return { kind: 'resume', why: `run ${mark.owner} left a ramp at ${mark.step}% and its deadline has passed`, mark };
  if (takeover) return { kind: 'resume', why: `taking over the ramp of run ${mark.owner} at ${mark.step}% (takeover: true)`, mark };
  return {
    kind: 'refuse',
    message: `Another canary ramp (run ${mark.owner}, now at ${mark.step}%) is in progress on ${resource} until ${new Date(mark.deadline * 1000).toISOString()}. ` +
      'Wait for it, roll it back with the rollback action, or set takeover: true to take it over from its recorded baseline.',
  };
}
