/**
 * One ramp from start to a known end, and the post entry's restore: the orchestration around the
 * loop (mark on the resource, baseline, state for post), with every edge injected so tests can run
 * it against moto or nock under a fake clock. main.ts only wires inputs, the runner and the summary.
 */
import type { Clock } from '../../common/clock.js';
import { abortAfter } from '../../common/deadline.js';
import { formatDuration } from '../../common/duration.js';
import { errorMessage } from '../../common/errors.js';
import { formatWeights, sameWeights, type Baseline, type RampMark, type TrafficRouter } from '../traffic/port.js';
import { RESTORE_BUDGET_MS, type LastRead } from '../traffic/recovery.js';
import type { SyntheticLoad } from './load.js';
import { HandedOverError, runRamp, type Judge, type RampSettings } from './ramp.js';
import { decideOnMark, platformPlan } from './session-plan.js';
import type { RampReport } from './summary.js';

export interface SessionState {
  phase: 'in-progress' | 'done';
  owner: string;
  baseline: Baseline;
}

export interface SessionDeps {
  router: TrafficRouter;
  judge: Judge;
  clock: Clock;
  signal: AbortSignal;
  owner: string;
  /** Synthetic load during every bake (`load-url`). */
  load?: SyntheticLoad;
  /** Persists what post needs (core.saveState in the action). */
  saveState(state: SessionState): void;
  log(message: string): void;
  warn(message: string): void;
}

export interface SessionOptions {
  settings: RampSettings;
  /** Bake of each ECS-chosen step. */
  bakeMs: number;
  dryRun: boolean;
  takeover: boolean;
}

export interface SessionResult extends RampReport {
  stepsCompleted: number;
  /** The weights read last (absent on a dry run). */
  lastRead?: LastRead | null;
  /** The ramp ended without getting the baseline back: the caller tells the operator how. */
  restoreFailed?: boolean;
}

/** Closing the mark after the ramp ended: one call and its retries. */
const CLOSE_MARK_BUDGET_MS = 15_000;

/** The baseline could not be put back: says where traffic was read last, for the operator's message. */
export class RestoreFailedError extends Error {
  constructor(message: string, readonly lastRead: LastRead | null) {
    super(message);
    this.name = 'RestoreFailedError';
  }
}

/** Thrown when another live ramp holds the resource. */
export class RampConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RampConflictError';
  }
}

export async function rampSession(opts: SessionOptions, deps: SessionDeps): Promise<SessionResult> {
  const { router, clock, owner, log, warn } = deps;
  // The timeout bounds the whole session, its first reads included: every call before the ramp's
  // end is aborted at the deadline or on cancellation.
  const endsAt = clock.now() + opts.settings.timeoutMs;
  const bounded = AbortSignal.any([deps.signal, abortAfter(opts.settings.timeoutMs)]);
  let lastRead: LastRead | undefined;
  const snapshot = async () => {
    const b = await router.snapshot(bounded);
    lastRead = { weights: b.weights, at: new Date(clock.now()).toISOString() };
    return b;
  };
  const platform = await router.platformSteps(bounded);
  const settings: RampSettings = platform ? { ...opts.settings, steps: platformPlan(platform, opts.bakeMs) } : opts.settings;
  if (platform) log(`ECS decides the steps from the service's deployment configuration: ${platform.join(', ')}%.`);

  const decision = decideOnMark(await router.readMark(bounded), owner, clock.now(), opts.takeover, router.resource);
  if (decision.kind === 'refuse') throw new RampConflictError(decision.message);
  let baseline: Baseline = decision.kind === 'resume' ? { weights: decision.mark.baseline } : await snapshot();
  log(`Baseline on ${router.resource}: ${formatWeights(baseline.weights)}.`);
  if (decision.kind === 'fresh' && baseline.weights.canary > 0) {
    warn(`The canary already has ${baseline.weights.canary}% before the ramp: a rollback returns to that, not to stable 100%. ` +
      'If the target groups have swapped roles since the last promotion, swap stable-target-group-arn and canary-target-group-arn.');
  }
  log(`Plan: ${settings.steps.map((s) => `${s.percent}%${s.bakeMs ? ` for ${formatDuration(s.bakeMs)}` : ''}`).join(' → ')}, checks every ${formatDuration(settings.intervalMs)}.`);

  if (opts.dryRun) {
    const current = await router.read(bounded);
    return { result: 'dry-run', reason: 'dry run: nothing was changed', resource: router.resource, baseline: baseline.weights, weights: current, steps: [], stepsCompleted: 0 };
  }

  // Recorded before the first write, so post can restore whatever happens from here on.
  deps.saveState({ phase: 'in-progress', owner, baseline });
  if (decision.kind === 'resume') {
    warn(`${decision.why}: starting again from its recorded baseline (${formatWeights(baseline.weights)}).`);
    // ECS keeps its own place (the deployment waits at its hook); the others go back to the baseline first.
    if (router.kind !== 'ecs') {
      await router.restore(baseline, bounded);
      const restored = await snapshot();
      if (!sameWeights(restored.weights, baseline.weights)) throw new Error(`restoring the recorded baseline read back ${formatWeights(restored.weights)}`);
      baseline = restored;
      deps.saveState({ phase: 'in-progress', owner, baseline });
    }
  }

  const deadline = Math.ceil(endsAt / 1000);
  const mark = (state: RampMark['state'], step: number): RampMark => ({ state, owner, baseline: baseline.weights, step, deadline });
  let lastStep = 0;
  // The rollback action (or a takeover) rewrites the mark: a live ramp stops at its next step, and
  // does not restore its baseline over theirs. Before our first mark there is nothing to compare.
  const confirmOwner = async (signal: AbortSignal) => {
    if (lastStep === 0) return;
    const current = await router.readMark(signal);
    if (!current || current.state !== 'in-progress' || current.owner !== owner) {
      throw new HandedOverError(`the ramp mark on ${router.resource} was changed (${current ? `${current.state} by run ${current.owner}` : 'removed'}): another run or the rollback action took over`);
    }
  };
  const outcome = await runRamp(settings, baseline, {
    router, judge: deps.judge, clock, signal: deps.signal, deadline: endsAt, lastRead, log, confirmOwner, load: deps.load,
    onStep: async (percent, signal) => {
      await confirmOwner(signal);
      await router.writeMark(mark('in-progress', percent), signal);
      lastStep = percent;
    },
  });

  if (outcome.handedOver) deps.saveState({ phase: 'done', owner, baseline });
  else if (outcome.result !== 'failed') {
    // Traffic is in a known state (promoted, or back at the baseline): post must leave it alone.
    deps.saveState({ phase: 'done', owner, baseline });
    await router.writeMark(mark('done', lastStep), abortAfter(CLOSE_MARK_BUDGET_MS)).catch((err) => warn(`could not close the ramp mark on ${router.resource}: ${errorMessage(err)}; post retries`));
  }
  return {
    ...outcome,
    resource: router.resource,
    baseline: baseline.weights,
    stepsCompleted: outcome.steps.filter((s) => s.outcome === 'advanced').length,
  };
}

export type PostOutcome = 'nothing-recorded' | 'left-alone' | 'taken-over' | 'restored';

/**
 * The post entry: restore the baseline only when main did not reach a known state. Every call is
 * bounded by `signal` (its own budget: the runner's signals must not cut a restore short); a restore
 * that fails throws RestoreFailedError with the weights read last.
 */
export async function restoreSession(
  state: SessionState | null, router: TrafficRouter | null, log: (m: string) => void, nowMs = Date.now(), signal = abortAfter(RESTORE_BUDGET_MS),
): Promise<PostOutcome> {
  if (!state || !router) return 'nothing-recorded';
  const mark = await router.readMark(signal).catch(() => null);
  const ours = !!mark && mark.state === 'in-progress' && mark.owner === state.owner;
  const closed = (m: RampMark): RampMark => ({ ...m, state: 'done' });
  if (state.phase === 'done') {
    if (ours) await router.writeMark(closed(mark), signal).catch((err) => log(`could not close the ramp mark: ${errorMessage(err)}`));
    return 'left-alone';
  }
  // Someone else owns the traffic now: another ramp's live mark (one main would have refused), or ours
  // closed by the rollback action (main closes its own mark only after recording `done`). A mark main
  // was resuming (an earlier attempt of this run, a stale ramp) is ours to restore: main may have died
  // between taking it over and writing its own. With no mark at all this run never moved traffic.
  const othersLive = !!mark && mark.state === 'in-progress' && decideOnMark(mark, state.owner, nowMs, false, router.resource).kind === 'refuse';
  if (mark && !ours && (othersLive || (mark.state === 'done' && mark.owner === state.owner))) return 'taken-over';
  let lastRead: LastRead | null = null;
  const read = async () => {
    const w = await router.read(signal);
    lastRead = { weights: w, at: new Date().toISOString() };
    return w;
  };
  const before = await read().catch(() => null);
  let after;
  try {
    await router.restore(state.baseline, signal);
    after = await read();
  } catch (err) {
    // One more look (on a short budget of its own: `signal` may be what ended) so the message says where traffic is.
    await router.read(abortAfter(10_000)).then((w) => (lastRead = { weights: w, at: new Date().toISOString() }), () => undefined);
    const cause = signal.aborted ? `not done within its budget: ${errorMessage(err)}` : errorMessage(err);
    throw new RestoreFailedError(`restoring the baseline (${formatWeights(state.baseline.weights)}) on ${router.resource} failed: ${cause}`, lastRead);
  }
  log(`Weights before: ${before ? formatWeights(before) : 'unknown'}; after: ${formatWeights(after)}.`);
  if (!sameWeights(after, state.baseline.weights)) {
    throw new RestoreFailedError(`restoring the baseline read back ${formatWeights(after)}, expected ${formatWeights(state.baseline.weights)}`, lastRead);
  }
  await router.writeMark(closed(mark ?? { state: 'done', owner: state.owner, baseline: state.baseline.weights, step: 0, deadline: 0 }), signal);
  return 'restored';
}
