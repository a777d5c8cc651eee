/** The control loop under a FakeClock with a scripted judge and an in-memory backend: every decision path. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/clock.js';
import type { GateResult, RampEvidence } from '../metrics/types.js';
import { runRamp, type Judge, type RampSettings } from './ramp.js';
import { renderRampSummary } from './summary.js';
import { weightsFor, type Baseline, type Weights } from '../traffic/port.js';
import { MemoryRouter } from '../../test/support/memory-router.js';
import { cancelledAtCheck, gate, scripted } from '../../test/support/ramp-judge.js';

/** The in-memory backend, recording every write, with faults to inject. */
class FaultyRouter extends MemoryRouter {
  writes: number[] = [];
  failShiftAt?: number;
  failRestore = false;
  /** Reports a different weight than written (a backend that did not apply it). */
  lieAt?: number;
  /** A shift to this percent never answers until its signal aborts: a hung call. */
  hangShiftAt?: number;
  /** The signal each restore was given. */
  restoreSignals: (AbortSignal | undefined)[] = [];
  override async read(): Promise<Weights> {
    return this.lieAt !== undefined && this.weights.canary === this.lieAt ? weightsFor(0) : { ...this.weights };
  }
  override async shift(percent: number, signal?: AbortSignal): Promise<void> {
    if (percent === this.hangShiftAt) await untilAborted(signal);
    if (percent === this.failShiftAt) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    await super.shift(percent);
    this.writes.push(percent);
  }
  override async restore(b: Baseline, signal?: AbortSignal): Promise<void> {
    this.restoreSignals.push(signal);
    if (this.failRestore) throw new Error('connection reset');
    await super.restore(b);
    this.writes.push(b.weights.canary);
  }
}

/** Never settles until `signal` aborts, then rejects with its reason (what the SDK does with a hung request). */
function untilAborted(signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

const MIN = 60_000;
const settings = (over: Partial<RampSettings> = {}): RampSettings => ({
  steps: [1, 5, 25, 50].map((percent) => ({ percent, bakeMs: 5 * MIN })).concat({ percent: 100, bakeMs: 0 }),
  intervalMs: MIN,
  warmupMs: 0,
  maxFailedChecks: 2,
  onInconclusive: 'hold',
  maxInconclusive: 3,
  timeoutMs: 5 * 60 * MIN,
  ...over,
});

function deps(router: MemoryRouter, judge: Judge, clock = new FakeClock(), signal = new AbortController().signal) {
  const marks: number[] = [];
  const log: string[] = [];
  return { router, judge, clock, signal, onStep: async (p: number) => void marks.push(p), log: (m: string) => void log.push(m), marks, logs: log };
}

describe('runRamp', () => {
  it('promotes through every step when every check passes, baking each step for its bake time', async () => {
    const router = new FaultyRouter();
    const { judge, windows } = scripted('pass');
    const clock = new FakeClock();
    const t0 = clock.now();
    const d = deps(router, judge, clock);
    const out = await runRamp(settings(), await router.snapshot(), d);
    expect(out.result).toBe('promoted');
    expect(router.writes).toEqual([1, 5, 25, 50, 100]);
    expect(d.marks).toEqual([1, 5, 25, 50, 100]);
    expect(out.steps.map((s) => s.checks.length)).toEqual([5, 5, 5, 5, 0]);
    expect(out.weights).toEqual({ stable: 0, canary: 100 });
    expect(clock.now() - t0).toBe(20 * MIN);
    // Each window starts at its own step's weight change.
    expect(windows[5].start.getTime()).toBe(t0 + 5 * MIN);
    expect(windows[5].end.getTime()).toBe(t0 + 6 * MIN);
  });

  it('rolls back at the first step once failed checks reach max-failed-checks, never exceeding 1 %', async () => {
    const router = new FaultyRouter();
    const { judge } = scripted('fail');
    const out = await runRamp(settings(), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe('rolled-back');
    expect(out.reason).toMatch(/2 failed check\(s\).*at 1%/);
    expect(router.writes).toEqual([1, 0]);
    expect(router.weights).toEqual(weightsFor(0));
    expect(out.steps).toHaveLength(1);
    expect(out.steps[0].outcome).toBe('rolled-back');
  });

  it('needs a pass after the bake: a failed check below the limit keeps the step measuring', async () => {
    const router = new FaultyRouter();
    const { judge } = scripted('pass', 'pass', 'pass', 'pass', 'fail', 'pass');
    const out = await runRamp(settings({ steps: [{ percent: 10, bakeMs: 5 * MIN }, { percent: 100, bakeMs: 0 }] }), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe('promoted');
    expect(out.steps[0].checks.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass', 'pass', 'fail', 'pass']);
  });

  it('holds on inconclusive checks and advances once they pass', async () => {
    const router = new FaultyRouter();
    const { judge } = scripted('inconclusive', 'inconclusive', 'inconclusive', 'pass');
    const out = await runRamp(settings({ steps: [{ percent: 5, bakeMs: 2 * MIN }, { percent: 100, bakeMs: 0 }] }), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe('promoted');
    expect(out.steps[0].checks).toHaveLength(4);
  });

  it('rolls back after more than max-inconclusive inconclusive checks in a row', async () => {
    const router = new FaultyRouter();
    const { judge } = scripted('inconclusive');
    const out = await runRamp(settings({ maxInconclusive: 3 }), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe('rolled-back');
    expect(out.reason).toMatch(/4 inconclusive checks in a row \(max-inconclusive 3\)/);
    expect(router.weights).toEqual(weightsFor(0));
  });

  it.each([
    ['fail', 'rolled-back'],
    ['pass', 'promoted'],
  ] as const)('on-inconclusive %s treats an inconclusive check as %s', async (policy, result) => {
    const router = new FaultyRouter();
    const { judge } = scripted('inconclusive');
    const out = await runRamp(settings({ onInconclusive: policy }), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe(result);
  });

  it('counts a judge that keeps failing as failed checks and rolls back', async () => {
    const router = new FaultyRouter();
    const { judge } = scripted(new Error('GetMetricData: socket hang up'));
    const out = await runRamp(settings(), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe('rolled-back');
    expect(out.steps[0].checks[0].verdict).toBe('error');
    expect(out.reason).toMatch(/the judge failed: GetMetricData: socket hang up/);
  });

  it('skips the warm-up: the first check comes after warm-up + interval and its window starts after the warm-up', async () => {
    const router = new FaultyRouter();
    const { judge, windows } = scripted('pass');
    const clock = new FakeClock();
    const t0 = clock.now();
    await runRamp(settings({ warmupMs: 2 * MIN, steps: [{ percent: 50, bakeMs: 4 * MIN }, { percent: 100, bakeMs: 0 }] }), await router.snapshot(), deps(router, judge, clock));
    expect(windows.map((w) => (w.end.getTime() - t0) / MIN)).toEqual([3, 4]);
    expect(windows.every((w) => w.start.getTime() === t0 + 2 * MIN)).toBe(true);
  });

  it('rolls back when the timeout comes before the ramp ends', async () => {
    const router = new FaultyRouter();
    const { judge } = scripted('pass');
    const out = await runRamp(settings({ timeoutMs: 12 * MIN }), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe('rolled-back');
    expect(out.reason).toMatch(/timeout 12m reached at 25%/);
    expect(router.weights).toEqual(weightsFor(0));
  });

  it('restores the exact baseline when cancelled mid-bake', async () => {
    const router = new FaultyRouter();
    router.weights = { stable: 90, canary: 10 };
    const { judge, signal } = cancelledAtCheck(7);
    const out = await runRamp(settings(), await router.snapshot(), deps(router, judge, new FakeClock(), signal));
    expect(out.result).toBe('rolled-back');
    expect(out.reason).toMatch(/cancelled \(cancelled by SIGTERM\)/);
    expect(router.weights).toEqual({ stable: 90, canary: 10 });
    // The restore runs on a budget of its own: the cancellation must not cut it short.
    expect(router.restoreSignals).toHaveLength(1);
    expect(router.restoreSignals[0]?.aborted).toBe(false);
  });

  // The deadline is real time (a hung call never lets a fake clock move): these wait ~0.3 s.
  it('aborts a hung write at the deadline and restores the baseline on a budget of its own', async () => {
    const router = new FaultyRouter();
    router.hangShiftAt = 5;
    const out = await runRamp(settings({ timeoutMs: 300, steps: [{ percent: 1, bakeMs: 0 }, { percent: 5, bakeMs: 0 }, { percent: 100, bakeMs: 0 }] }), await router.snapshot(), deps(router, scripted('pass').judge));
    expect(out.result).toBe('rolled-back');
    expect(out.reason).toMatch(/^timeout .* reached before 5% \(a call was cut short: /);
    expect(router.weights).toEqual(weightsFor(0));
    expect(router.restoreSignals[0]?.aborted).toBe(false);
  });

  it('aborts a hung judge at the deadline: a timeout, not a failed check', async () => {
    const router = new FaultyRouter();
    const seen: AbortSignal[] = [];
    const judge: Judge = (_w, signal) => {
      seen.push(signal);
      return untilAborted(signal);
    };
    const out = await runRamp(settings({ timeoutMs: 300, intervalMs: 100 }), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe('rolled-back');
    expect(out.reason).toMatch(/^timeout .* reached at 1% \(a call was cut short: /);
    expect(out.steps[0].checks).toEqual([]);
    expect(seen[0].aborted).toBe(true);
    expect(router.weights).toEqual(weightsFor(0));
  });

  it('rolls back when a shift keeps failing, and when the weight read back differs from the one set', async () => {
    const a = new FaultyRouter();
    a.failShiftAt = 25;
    const outA = await runRamp(settings(), await a.snapshot(), deps(a, scripted('pass').judge));
    expect(outA.result).toBe('rolled-back');
    expect(outA.reason).toMatch(/^fault: Rate exceeded/);
    expect(a.weights).toEqual(weightsFor(0));

    const b = new FaultyRouter();
    b.lieAt = 5;
    const outB = await runRamp(settings(), await b.snapshot(), deps(b, scripted('pass').judge));
    expect(outB.result).toBe('rolled-back');
    expect(outB.reason).toMatch(/read back stable 100% \/ canary 0% after setting stable 95% \/ canary 5%/);
  });

  it('reports failed (not rolled back) when the baseline cannot be restored', async () => {
    const router = new FaultyRouter();
    router.failRestore = true;
    const out = await runRamp(settings(), await router.snapshot(), deps(router, scripted('fail').judge));
    expect(out.result).toBe('failed');
    expect(out.reason).toMatch(/restoring the baseline failed too \(connection reset\)/);
    expect(out.weights).toEqual(weightsFor(1));
    expect(out.restoreFailed).toBe(true);
    expect(out.lastRead?.weights).toEqual(weightsFor(1));
  });

  it('rolls back at the first decisive fail (evidence beyond the limit), without waiting for max-failed-checks', async () => {
    const router = new FaultyRouter();
    const decisive: Judge = async () => ({ ...gate('fail', 'p95 < 1.2x baseline: evidence'), objectives: [{ ...gate('fail').objectives[0], decisive: true }] });
    const out = await runRamp(settings(), await router.snapshot(), deps(router, decisive));
    expect(out.result).toBe('rolled-back');
    expect(out.steps[0].checks).toHaveLength(1);
    expect(out.reason).toMatch(/^decisive failure at 1%: p95 < 1.2x baseline: evidence/);
  });

  it('gives the judge the evidence of every finished step (and the steps planned)', async () => {
    const router = new FaultyRouter();
    const seen: RampEvidence[] = [];
    let n = 0;
    const judge: Judge = async (_w, _s, ramp) => {
      seen.push(structuredClone(ramp));
      n++;
      return { ...gate('pass'), objectives: [{ ...gate('pass').objectives[0], evidence: { step: { kind: 't', n, sum: n, sumSq: n }, stepLogE: 0, eValue: 1, threshold: 200 } }] };
    };
    await runRamp(settings({ steps: [{ percent: 5, bakeMs: 2 * MIN }, { percent: 50, bakeMs: 2 * MIN }, { percent: 100, bakeMs: 0 }] }), await router.snapshot(), deps(router, judge));
    expect(seen.map((r) => r.plannedSteps)).toEqual([2, 2, 2, 2]);
    expect(seen[2].finished).toEqual([{ 'p95 < 200ms': { kind: 't', n: 2, sum: 2, sumSq: 2 } }]);
  });

  it('low traffic: a step waiting for min-requests holds past its bake without counting towards max-inconclusive, says how long, then advances', async () => {
    const router = new FaultyRouter();
    const waiting: GateResult = { ...gate('inconclusive', 'the canary served 40 request(s) in the window, fewer than min-requests (100)'), awaitingData: true };
    let calls = 0;
    const judge: Judge = async () => (++calls <= 9 ? waiting : gate('pass'));
    const out = await runRamp(settings({ maxInconclusive: 2, steps: [{ percent: 1, bakeMs: 5 * MIN }, { percent: 100, bakeMs: 0 }] }), await router.snapshot(), deps(router, judge));
    expect(out.result).toBe('promoted');
    expect(out.steps[0].checks).toHaveLength(10);
    expect(out.steps[0].waited).toEqual({ ms: 4 * MIN, reason: 'the canary served 40 request(s) in the window, fewer than min-requests (100)' });
    const md = renderRampSummary({ ...out, resource: router.resource, baseline: weightsFor(0) });
    expect(md).toContain('- 1% waited 4m beyond its bake for min-requests: the canary served 40 request(s) in the window, fewer than min-requests (100)');
  });

  it.each([
    ['rollback', 'rolled-back', /timeout 30m reached at 1% while waiting for min-requests \(the canary served 3 request\(s\).*\); rolled back \(on-timeout: rollback\)/, 0],
    ['promote', 'promoted', /timeout 30m reached at 1% while waiting for min-requests .*; promoted without that evidence \(on-timeout: promote\)/, 100],
  ] as const)('the timeout while waiting for data follows on-timeout: %s', async (onTimeout, result, reason, canary) => {
    const router = new FaultyRouter();
    const waiting: GateResult = { ...gate('inconclusive', 'the canary served 3 request(s) in the window, fewer than min-requests (100)'), awaitingData: true };
    const out = await runRamp(settings({ timeoutMs: 30 * MIN, onTimeout }), await router.snapshot(), deps(router, async () => waiting));
    expect(out.result).toBe(result);
    expect(out.reason).toMatch(reason);
    expect(router.weights.canary).toBe(canary);
  });
});
