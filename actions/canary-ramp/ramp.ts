/**
 * The control loop: for each step set the weight, read it back, bake while the judge looks at the
 * step's own window every interval, then advance, hold or roll back. The judge's evidence is
 * anytime-valid and carried from step to step, so one verdict backed by evidence covers every check
 * of the ramp: it rolls back at once, and a step without enough traffic yet waits for it. It knows the traffic port and
 * the judge port only, so it runs the same on ALB, ECS and App Mesh and under a fake clock in tests.
 * Every exit that is not a promotion puts the exact baseline back before returning.
 */
import type { Clock } from '../../common/clock.js';
import { abortAfter } from '../../common/deadline.js';
import { formatDuration } from '../../common/duration.js';
import { errorMessage } from '../../common/errors.js';
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
  return new Ramp(settings, baseline, deps).run();
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One ramp's state; run() walks the steps and ends every way through rollBack, handedOver or promoteNow. */
class Ramp {
  private readonly steps: StepReport[] = [];
  private readonly deadline: number;
  /** Aborts at the deadline. */
  private readonly timeUp: AbortSignal;
  /** Every call of the ramp: cancelled, or out of time. */
  private readonly bounded: AbortSignal;
  private failedChecks = 0;
  private readonly evidence: RampEvidence;
  /** The step being shifted to, for a timeout's message. */
  private pending: number;
  private lastRead: LastRead | null;

  constructor(private readonly settings: RampSettings, private readonly baseline: Baseline, private readonly deps: RampDeps) {
    const { clock } = deps;
    this.deadline = deps.deadline ?? clock.now() + settings.timeoutMs;
    // Every call of the ramp (router reads and writes, the mark, the judge's queries) ends at the
    // deadline or on cancellation, even one that hangs; the restore after it has its own budget.
    this.timeUp = abortAfter(this.deadline - clock.now());
    this.bounded = AbortSignal.any([deps.signal, this.timeUp]);
    this.evidence = { plannedSteps: settings.steps.filter((s) => s.bakeMs > 0).length, finished: [] };
    this.pending = settings.steps[0]?.percent ?? 0;
    this.lastRead = deps.lastRead ?? null;
  }

  async run(): Promise<RampOutcome> {
    const { settings, deps, steps } = this;
    const { clock, signal } = deps;
    try {
      for (const step of settings.steps) {
        this.pending = step.percent;
        if (signal.aborted) throw signal.reason;
        if (clock.now() > this.deadline) throw new StepFailed(`timeout ${formatDuration(settings.timeoutMs)} reached before ${step.percent}%`);
        const { report, stepStart } = await this.shiftTo(step);
        await this.bakeUnderLoad(step, report, stepStart);
        if (step.bakeMs > 0) this.evidence.finished.push(stepEvidence(report.checks));
        report.outcome = 'advanced';
        report.endedAt = iso(clock.now());
      }
      const last = steps.at(-1)?.weights ?? null;
      return { result: 'promoted', reason: `every step passed; the canary has ${last?.canary ?? 100}% of the traffic`, steps, weights: last, lastRead: this.lastRead };
    } catch (err) {
      return this.ended(err);
    }
  }

  /** Records the step, moves the weight and reads it back; the step's report, and its start (now). */
  private async shiftTo(step: Step): Promise<{ report: StepReport; stepStart: number }> {
    const { deps, bounded } = this;
    await deps.onStep(step.percent, bounded);
    deps.log(`Step ${step.percent}%: shifting ${deps.router.resource}`);
    await deps.router.shift(step.percent, bounded);
    const expected = weightsFor(step.percent);
    const actual = await this.readWeights(bounded);
    if (!sameWeights(actual, expected)) throw new StepFailed(`read back ${formatWeights(actual)} after setting ${formatWeights(expected)}`);
    const stepStart = deps.clock.now();
    const report: StepReport = { percent: step.percent, weights: actual, startedAt: iso(stepStart), checks: [], outcome: 'in-progress' };
    this.steps.push(report);
    return { report, stepStart };
  }

  /** How the ramp ends after a throw: promoted on timeout, rolled back, or left to whoever took over. */
  private ended(err: unknown): Promise<RampOutcome> {
    const { settings, deps: { signal } } = this;
    if (err instanceof PromoteOnTimeout) return this.promoteNow(err.message).catch((e) => this.rollBack(`fault while promoting on timeout: ${errorMessage(e)}`));
    if (err instanceof StepFailed) return this.rollBack(err.message);
    if (err instanceof HandedOverError) return this.handedOver(err);
    if (signal.aborted || err instanceof CancelledError) return this.rollBack(`cancelled (${errorMessage(signal.reason ?? err)})`);
    if (this.timeUp.aborted) {
      const open = this.steps.at(-1);
      const where = open?.outcome === 'in-progress' ? `at ${open.percent}%` : `before ${this.pending}%`;
      return this.rollBack(`timeout ${formatDuration(settings.timeoutMs)} reached ${where} (a call was cut short: ${errorMessage(err)})`);
    }
    return this.rollBack(`fault: ${errorMessage(err)}`);
  }

  private async readWeights(sig: AbortSignal): Promise<Weights> {
    const w = await this.deps.router.read(sig);
    this.lastRead = { weights: w, at: iso(this.deps.clock.now()) };
    return w;
  }

  /** The end's last look at the weights, on its own short budget; null when they cannot be read. */
  private finalRead(): Promise<Weights | null> {
    return this.readWeights(abortAfter(FINAL_READ_BUDGET_MS)).catch(() => null);
  }

  /** A bake with the synthetic load on: started with the bake, stopped once the step is decided, whatever ends it. */
  private async bakeUnderLoad(step: Step, report: StepReport, stepStart: number): Promise<void> {
    const { load, log } = this.deps;
    if (!load || step.bakeMs <= 0) return this.bake(step, report, stepStart);
    const run = load.start();
    try {
      await this.bake(step, report, stepStart);
    } finally {
      report.load = await run.stop();
      log(`  ${step.percent}% synthetic load: ${formatLoadStats(report.load)}`);
    }
  }

  /** Bakes one step; resolves when it may advance, throws StepFailed when it must roll back. */
  private async bake(step: Step, report: StepReport, stepStart: number): Promise<void> {
    if (step.bakeMs <= 0) return;
    const { settings, deps: { clock, signal, log } } = this;
    const windowStart = stepStart + settings.warmupMs;
    let next = windowStart + settings.intervalMs;
    const run = { inconclusive: 0 };
    for (;;) {
      if (next > this.deadline) this.timedOut(step, report);
      const wait = next - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
      const check = await this.judgeOnce(windowStart);
      report.checks.push(check);
      log(`  ${step.percent}% check ${report.checks.length}: ${check.verdict}: ${check.reason}`);
      next += settings.intervalMs;
      if (this.decide(check, step, report, stepStart, run) === 'advance') return;
    }
  }

  /** The deadline came during a bake: throws what on-timeout says to do. */
  private timedOut(step: Step, report: StepReport): never {
    const { settings } = this;
    const last = report.checks.at(-1);
    if (last?.awaitingData) {
      const why = `timeout ${formatDuration(settings.timeoutMs)} reached at ${step.percent}% while waiting for min-requests (${last.reason})`;
      if (settings.onTimeout === 'promote') throw new PromoteOnTimeout(`${why}; promoted without that evidence (on-timeout: promote)`);
      throw new StepFailed(`${why}; rolled back (on-timeout: rollback): more traffic on the step, a lower min-requests or a longer timeout would let the evidence decide`);
    }
    throw new StepFailed(`timeout ${formatDuration(settings.timeoutMs)} reached at ${step.percent}%`);
  }

  /** One check's consequence: advance, or go on baking; throws StepFailed when the step must roll back. */
  private decide(check: Check, step: Step, report: StepReport, stepStart: number, run: { inconclusive: number }): 'advance' | 'bake' {
    const { settings, deps: { clock } } = this;
    // Evidence is error-controlled over the whole ramp, and a threshold broken twice over is no
    // noise: one such verdict is enough.
    if (check.verdict === 'fail' && check.objectives.some((o) => o.verdict === 'fail' && o.decisive)) {
      throw new StepFailed(`decisive failure at ${step.percent}%: ${check.reason}`);
    }
    if (check.verdict === 'inconclusive' && check.awaitingData && settings.onInconclusive === 'hold') {
      // Not enough traffic yet: the step holds its weight until it has (bounded by the timeout).
      const overBake = Math.min(settings.intervalMs, clock.now() - stepStart - step.bakeMs);
      if (overBake > 0) report.waited = { ms: (report.waited?.ms ?? 0) + overBake, reason: check.reason };
      return 'bake';
    }
    const verdict = check.verdict === 'inconclusive' && settings.onInconclusive !== 'hold' ? settings.onInconclusive : check.verdict;
    if (verdict === 'fail' || verdict === 'error') {
      this.failedChecks++;
      run.inconclusive = 0;
      if (this.failedChecks >= settings.maxFailedChecks) {
        throw new StepFailed(`${this.failedChecks} failed check(s) (max-failed-checks ${settings.maxFailedChecks}) at ${step.percent}%: ${check.reason}`);
      }
    } else if (verdict === 'inconclusive') {
      run.inconclusive++;
      if (run.inconclusive > settings.maxInconclusive) {
        throw new StepFailed(`${run.inconclusive} inconclusive checks in a row (max-inconclusive ${settings.maxInconclusive}) at ${step.percent}%: ${check.reason}`);
      }
    } else {
      run.inconclusive = 0;
      // Advance only on a pass after the full bake: a held or failed check needs a pass to follow.
      if (clock.now() - stepStart >= step.bakeMs) return 'advance';
    }
    return 'bake';
  }

  private async judgeOnce(windowStart: number): Promise<Check> {
    const { deps: { clock, signal, judge }, timeUp } = this;
    const now = clock.now();
    try {
      const r = await judge({ start: new Date(Math.min(windowStart, now)), end: new Date(now) }, this.bounded, this.evidence);
      return { at: iso(now), verdict: r.result, reason: r.reason, objectives: r.objectives, ...(r.awaitingData ? { awaitingData: true } : {}) };
    } catch (err) {
      if (signal.aborted) throw signal.reason ?? err;
      if (timeUp.aborted) throw err; // the deadline cut the query short: the ramp's timeout, not a verdict
      // A judge that cannot measure counts against the canary: a persisting fault ends in rollback.
      return { at: iso(now), verdict: 'error', reason: `the judge failed: ${errorMessage(err)}`, objectives: [] };
    }
  }

  private async handedOver(err: HandedOverError): Promise<RampOutcome> {
    const open = this.steps.at(-1);
    if (open?.outcome === 'in-progress') open.endedAt = iso(this.deps.clock.now());
    const weights = await this.finalRead();
    return { result: 'failed', reason: `${err.message}; traffic left as they set it`, steps: this.steps, weights, lastRead: this.lastRead, handedOver: true };
  }

  private async rollBack(reason: string): Promise<RampOutcome> {
    const { baseline, steps, deps } = this;
    const budget = abortAfter(RESTORE_BUDGET_MS);
    try {
      await deps.confirmOwner?.(budget);
    } catch (err) {
      // Restoring now would undo the new owner's weights. A mark that cannot be read is no such proof.
      if (err instanceof HandedOverError) return this.handedOver(new HandedOverError(`${reason}; but ${err.message}`));
    }
    const open = steps.at(-1);
    if (open && open.outcome === 'in-progress') {
      open.outcome = 'rolled-back';
      open.endedAt = iso(deps.clock.now());
    }
    deps.log(`Rolling back to the baseline (${formatWeights(baseline.weights)}): ${reason}`);
    try {
      await deps.router.restore(baseline, budget);
      const now = await this.readWeights(budget);
      if (!sameWeights(now, baseline.weights)) throw new Error(`read back ${formatWeights(now)} after restoring`);
      return { result: 'rolled-back', reason, steps, weights: now, lastRead: this.lastRead };
    } catch (err) {
      const cause = budget.aborted ? `not done within ${formatDuration(RESTORE_BUDGET_MS)}: ${errorMessage(err)}` : errorMessage(err);
      const weights = await this.finalRead();
      return {
        result: 'failed',
        reason: `${reason}; restoring the baseline failed too (${cause}): the post step and the rollback action retry it`,
        steps,
        weights,
        lastRead: this.lastRead,
        restoreFailed: true,
      };
    }
  }

  /** on-timeout: promote: the canary takes all traffic at once, said so in the reason. */
  private async promoteNow(reason: string): Promise<RampOutcome> {
    const { steps, deps } = this;
    const now = () => iso(deps.clock.now());
    const open = steps.at(-1);
    if (open?.outcome === 'in-progress') {
      open.outcome = 'advanced';
      open.endedAt = now();
    }
    // After the deadline: the promotion, like a restore, has its own budget.
    const budget = abortAfter(RESTORE_BUDGET_MS);
    await deps.onStep(100, budget);
    await deps.router.shift(100, budget);
    const actual = await this.readWeights(budget);
    if (!sameWeights(actual, weightsFor(100))) throw new Error(`read back ${formatWeights(actual)} after setting ${formatWeights(weightsFor(100))}`);
    steps.push({ percent: 100, weights: actual, startedAt: now(), endedAt: now(), checks: [], outcome: 'advanced' });
    deps.log(reason);
    return { result: 'promoted', reason, steps, weights: actual, lastRead: this.lastRead };
  }
}
