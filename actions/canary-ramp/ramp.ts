/**
 * The control loop: for each step set the weight, read it back, bake while the judge looks at the
 * step's own window every interval, then advance, hold or roll back. The judge's evidence is
 * anytime-valid and carried from step to step, so one verdict backed by evidence covers every check
 * of the ramp: it rolls back at once, and a step without enough traffic yet waits for it. It knows the traffic port and
 * the judge port only, so it runs the same on ALB, ECS and App Mesh and under a fake clock in tests.
 * Every exit that is not a promotion puts the exact baseline back before returning.
 */
import type { Clock } from '../lib/clock.js';
import { abortAfter } from '../lib/deadline.js';
import { formatDuration } from '../lib/duration.js';
import { errorMessage } from '../lib/errors.js';
import { CancelledError } from '../lib/runner.js';
import type { GateResult, ObjectiveResult, RampEvidence, Verdict } from '../metrics/types.js';
import type { EvidenceStats } from '../metrics/sequential.js';
import { formatWeights, sameWeights, weightsFor, type Baseline, type TrafficRouter, type Weights } from '../traffic/port.js';
import { RESTORE_BUDGET_MS, type LastRead } from '../traffic/recovery.js';
import { formatLoadStats, type LoadStats, type SyntheticLoad } from './load.js';

/** The last read of the weights after an end that could not confirm them (for the report and the error). */
const FINAL_READ_BUDGET_MS = 10_000;

export interface Step {
  /** Percent of traffic on the canary. */
  percent: number;
  /** How long the step bakes (and is analysed) before the next one; 0 = no analysis. */
  bakeMs: number;
}

export type OnInconclusive = 'hold' | 'fail' | 'pass';
/** When the timeout comes while a step still waits for min-requests: roll back, or promote without that evidence. */
export type OnTimeout = 'rollback' | 'promote';

export interface RampSettings {
  steps: Step[];
  intervalMs: number;
  /** Metrics from the first part of a step are not judged (new targets warming up). */
  warmupMs: number;
  maxFailedChecks: number;
  onInconclusive: OnInconclusive;
  maxInconclusive: number;
  timeoutMs: number;
  /** Applies when the timeout comes while the step waits for data (otherwise a timeout rolls back); rollback when unset. */
  onTimeout?: OnTimeout;
}

/** The judge port: slo-gate's evaluateGate narrowed to one window, given the evidence of the finished steps. */
export type Judge = (window: { start: Date; end: Date }, signal: AbortSignal, ramp: RampEvidence) => Promise<GateResult>;

export interface Check {
  at: string;
  verdict: Verdict | 'error';
  reason: string;
  objectives: ObjectiveResult[];
  /** Inconclusive only because min-requests is not reached yet. */
  awaitingData?: boolean;
}

export interface StepReport {
  percent: number;
  weights: Weights;
  startedAt: string;
  endedAt?: string;
  checks: Check[];
  outcome: 'advanced' | 'rolled-back' | 'in-progress';
  /** Time the step held beyond its bake for min-requests, and the last reason. */
  waited?: { ms: number; reason: string };
  /** What the synthetic load sent during this step's bake (`load-url`). */
  load?: LoadStats;
}

export type RampResult = 'promoted' | 'rolled-back' | 'failed';

export interface RampOutcome {
  result: RampResult;
  reason: string;
  steps: StepReport[];
  /** The weights read back at the end (null when they could not be read). */
  weights: Weights | null;
  /** The weights read last and when: where traffic stands when the end could not read them. */
  lastRead: LastRead | null;
  /** The baseline could not be put back: traffic may be anywhere between it and the last step. */
  restoreFailed?: boolean;
  /** Someone else (the rollback action, a takeover) owns the traffic now: nothing was restored. */
  handedOver?: boolean;
}

/** Thrown by onStep when the ramp no longer owns the resource. */
export class HandedOverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandedOverError';
  }
}

export interface RampDeps {
  router: TrafficRouter;
  judge: Judge;
  clock: Clock;
  signal: AbortSignal;
  /** Clock ms when the ramp's time is up (its `timeout`); now + timeoutMs by default. */
  deadline?: number;
  /** What the caller read last (the baseline's snapshot), until the ramp reads for itself. */
  lastRead?: LastRead;
  /** Records progress (state + mark) before each step's weight change; bounded by `signal`. */
  onStep(percent: number, signal: AbortSignal): Promise<void>;
  /** Throws HandedOverError when another run or the rollback action owns the resource now; asked before restoring. */
  confirmOwner?(signal: AbortSignal): Promise<void>;
  /** Synthetic load, running during every bake (from the step's start until it is decided). */
  load?: SyntheticLoad;
  log(message: string): void;
}

class StepFailed extends Error {}
/** The timeout came while a step waited for data, and on-timeout is promote. */
class PromoteOnTimeout extends Error {}

/** The step's final evidence per objective: the last its checks reported. */
export function stepEvidence(checks: readonly Check[]): Record<string, EvidenceStats> {
  const out: Record<string, EvidenceStats> = {};
  for (const c of checks) for (const o of c.objectives) if (o.evidence) out[o.objective] = o.evidence.step;
  return out;
}

export async function runRamp(settings: RampSettings, baseline: Baseline, deps: RampDeps): Promise<RampOutcome> {
  const { router, clock, signal, log } = deps;
  const steps: StepReport[] = [];
  const deadline = deps.deadline ?? clock.now() + settings.timeoutMs;
  // Every call of the ramp (router reads and writes, the mark, the judge's queries) ends at the
  // deadline or on cancellation, even one that hangs; the restore after it has its own budget.
  const timeUp = abortAfter(deadline - clock.now());
  const bounded = AbortSignal.any([signal, timeUp]);
  let failedChecks = 0;
  const evidence: RampEvidence = { plannedSteps: settings.steps.filter((s) => s.bakeMs > 0).length, finished: [] };
  let pending = settings.steps[0]?.percent ?? 0;

  const iso = (ms: number) => new Date(ms).toISOString();
  let lastRead: LastRead | null = deps.lastRead ?? null;
  const readWeights = async (sig: AbortSignal): Promise<Weights> => {
    const w = await router.read(sig);
    lastRead = { weights: w, at: iso(clock.now()) };
    return w;
  };
  /** The end's last look at the weights, on its own short budget; null when they cannot be read. */
  const finalRead = () => readWeights(abortAfter(FINAL_READ_BUDGET_MS)).catch(() => null);

  /** Bakes one step; resolves when it may advance, throws StepFailed when it must roll back. */
  async function bake(step: Step, report: StepReport, stepStart: number): Promise<void> {
    if (step.bakeMs <= 0) return;
    const windowStart = stepStart + settings.warmupMs;
    let next = windowStart + settings.intervalMs;
    let inconclusiveRun = 0;
    for (;;) {
      if (next > deadline) {
        const last = report.checks.at(-1);
        if (last?.awaitingData) {
          const why = `timeout ${formatDuration(settings.timeoutMs)} reached at ${step.percent}% while waiting for min-requests (${last.reason})`;
          if (settings.onTimeout === 'promote') throw new PromoteOnTimeout(`${why}; promoted without that evidence (on-timeout: promote)`);
          throw new StepFailed(`${why}; rolled back (on-timeout: rollback): more traffic on the step, a lower min-requests or a longer timeout would let the evidence decide`);
        }
        throw new StepFailed(`timeout ${formatDuration(settings.timeoutMs)} reached at ${step.percent}%`);
      }
      const wait = next - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
      const check = await judgeOnce(windowStart);
      report.checks.push(check);
      log(`  ${step.percent}% check ${report.checks.length}: ${check.verdict}: ${check.reason}`);
      // Evidence is error-controlled over the whole ramp, and a threshold broken twice over is no
      // noise: one such verdict is enough.
      if (check.verdict === 'fail' && check.objectives.some((o) => o.verdict === 'fail' && o.decisive)) {
        throw new StepFailed(`decisive failure at ${step.percent}%: ${check.reason}`);
      }
      if (check.verdict === 'inconclusive' && check.awaitingData && settings.onInconclusive === 'hold') {
        // Not enough traffic yet: the step holds its weight until it has (bounded by the timeout).
        const overBake = Math.min(settings.intervalMs, clock.now() - stepStart - step.bakeMs);
        if (overBake > 0) report.waited = { ms: (report.waited?.ms ?? 0) + overBake, reason: check.reason };
        next += settings.intervalMs;
        continue;
      }
      const verdict = check.verdict === 'inconclusive' && settings.onInconclusive !== 'hold' ? settings.onInconclusive : check.verdict;
      if (verdict === 'fail' || verdict === 'error') {
        failedChecks++;
        inconclusiveRun = 0;
        if (failedChecks >= settings.maxFailedChecks) {
          throw new StepFailed(`${failedChecks} failed check(s) (max-failed-checks ${settings.maxFailedChecks}) at ${step.percent}%: ${check.reason}`);
        }
      } else if (verdict === 'inconclusive') {
        inconclusiveRun++;
        if (inconclusiveRun > settings.maxInconclusive) {
          throw new StepFailed(`${inconclusiveRun} inconclusive checks in a row (max-inconclusive ${settings.maxInconclusive}) at ${step.percent}%: ${check.reason}`);
        }
      } else {
        inconclusiveRun = 0;
        // Advance only on a pass after the full bake: a held or failed check needs a pass to follow.
        if (clock.now() - stepStart >= step.bakeMs) return;
      }
      next += settings.intervalMs;
    }
  }

  /** A bake with the synthetic load on: started with the bake, stopped once the step is decided, whatever ends it. */
  async function bakeUnderLoad(step: Step, report: StepReport, stepStart: number): Promise<void> {
    if (!deps.load || step.bakeMs <= 0) return bake(step, report, stepStart);
    const run = deps.load.start();
    try {
      await bake(step, report, stepStart);
    } finally {
      report.load = await run.stop();
      log(`  ${step.percent}% synthetic load: ${formatLoadStats(report.load)}`);
    }
  }

  async function judgeOnce(windowStart: number): Promise<Check> {
    const now = clock.now();
    try {
      const r = await deps.judge({ start: new Date(Math.min(windowStart, now)), end: new Date(now) }, bounded, evidence);
      return { at: iso(now), verdict: r.result, reason: r.reason, objectives: r.objectives, ...(r.awaitingData ? { awaitingData: true } : {}) };
    } catch (err) {
      if (signal.aborted) throw signal.reason ?? err;
      if (timeUp.aborted) throw err; // the deadline cut the query short: the ramp's timeout, not a verdict
      // A judge that cannot measure counts against the canary: a persisting fault ends in rollback.
      return { at: iso(now), verdict: 'error', reason: `the judge failed: ${errorMessage(err)}`, objectives: [] };
    }
  }

  async function handedOver(err: HandedOverError): Promise<RampOutcome> {
    const open = steps.at(-1);
    if (open?.outcome === 'in-progress') open.endedAt = iso(clock.now());
    const weights = await finalRead();
    return { result: 'failed', reason: `${err.message}; traffic left as they set it`, steps, weights, lastRead, handedOver: true };
  }

  async function rollBack(reason: string): Promise<RampOutcome> {
    const budget = abortAfter(RESTORE_BUDGET_MS);
    try {
      await deps.confirmOwner?.(budget);
    } catch (err) {
      // Restoring now would undo the new owner's weights. A mark that cannot be read is no such proof.
      if (err instanceof HandedOverError) return handedOver(new HandedOverError(`${reason}; but ${err.message}`));
    }
    const open = steps.at(-1);
    if (open && open.outcome === 'in-progress') {
      open.outcome = 'rolled-back';
      open.endedAt = iso(clock.now());
    }
    log(`Rolling back to the baseline (${formatWeights(baseline.weights)}): ${reason}`);
    try {
      await router.restore(baseline, budget);
      const now = await readWeights(budget);
      if (!sameWeights(now, baseline.weights)) throw new Error(`read back ${formatWeights(now)} after restoring`);
      return { result: 'rolled-back', reason, steps, weights: now, lastRead };
    } catch (err) {
      const cause = budget.aborted ? `not done within ${formatDuration(RESTORE_BUDGET_MS)}: ${errorMessage(err)}` : errorMessage(err);
      const weights = await finalRead();
      return {
        result: 'failed',
        reason: `${reason}; restoring the baseline failed too (${cause}): the post step and the rollback action retry it`,
        steps,
        weights,
        lastRead,
        restoreFailed: true,
      };
    }
  }

  /** on-timeout: promote: the canary takes all traffic at once, said so in the reason. */
  async function promoteNow(reason: string): Promise<RampOutcome> {
    const open = steps.at(-1);
    if (open?.outcome === 'in-progress') {
      open.outcome = 'advanced';
      open.endedAt = iso(clock.now());
    }
    // After the deadline: the promotion, like a restore, has its own budget.
    const budget = abortAfter(RESTORE_BUDGET_MS);
    await deps.onStep(100, budget);
    await router.shift(100, budget);
    const actual = await readWeights(budget);
    if (!sameWeights(actual, weightsFor(100))) throw new Error(`read back ${formatWeights(actual)} after setting ${formatWeights(weightsFor(100))}`);
    steps.push({ percent: 100, weights: actual, startedAt: iso(clock.now()), endedAt: iso(clock.now()), checks: [], outcome: 'advanced' });
    log(reason);
    return { result: 'promoted', reason, steps, weights: actual, lastRead };
  }

  try {
    for (const step of settings.steps) {
      pending = step.percent;
      if (signal.aborted) throw signal.reason;
      if (clock.now() > deadline) throw new StepFailed(`timeout ${formatDuration(settings.timeoutMs)} reached before ${step.percent}%`);
      await deps.onStep(step.percent, bounded);
      log(`Step ${step.percent}%: shifting ${router.resource}`);
      await router.shift(step.percent, bounded);
      const expected = weightsFor(step.percent);
      const actual = await readWeights(bounded);
      if (!sameWeights(actual, expected)) throw new StepFailed(`read back ${formatWeights(actual)} after setting ${formatWeights(expected)}`);
      const stepStart = clock.now();
      const report: StepReport = { percent: step.percent, weights: actual, startedAt: iso(stepStart), checks: [], outcome: 'in-progress' };
      steps.push(report);
      await bakeUnderLoad(step, report, stepStart);
      if (step.bakeMs > 0) evidence.finished.push(stepEvidence(report.checks));
      report.outcome = 'advanced';
      report.endedAt = iso(clock.now());
    }
    const last = steps.at(-1)?.weights ?? null;
    return { result: 'promoted', reason: `every step passed; the canary has ${last?.canary ?? 100}% of the traffic`, steps, weights: last, lastRead };
  } catch (err) {
    if (err instanceof PromoteOnTimeout) return promoteNow(err.message).catch((e) => rollBack(`fault while promoting on timeout: ${errorMessage(e)}`));
    if (err instanceof StepFailed) return rollBack(err.message);
    if (err instanceof HandedOverError) return handedOver(err);
    if (signal.aborted || err instanceof CancelledError) return rollBack(`cancelled (${errorMessage(signal.reason ?? err)})`);
    if (timeUp.aborted) {
      const open = steps.at(-1);
      const where = open?.outcome === 'in-progress' ? `at ${open.percent}%` : `before ${pending}%`;
      return rollBack(`timeout ${formatDuration(settings.timeoutMs)} reached ${where} (a call was cut short: ${errorMessage(err)})`);
    }
    return rollBack(`fault: ${errorMessage(err)}`);
  }
}
