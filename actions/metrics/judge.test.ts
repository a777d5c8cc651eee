// The pure decisions: thresholds on the canary's own value; ratios to the baseline and error rates
// fail on anytime-valid evidence against the limit; no data follows on-no-data; the gate combines.
import { describe, expect, it } from 'vitest';
import { combineVerdicts, judgeObjective, perObjectiveAlpha } from './judge.js';
import { parseObjective, parseObjectives } from './slo.js';
import type { Observation } from './providers/port.js';
import { renderGateSummary } from './summary.js';
import { pairedStats, poolStats, statsLogE, type EvidenceStats } from './sequential.js';
import type { GateResult } from './types.js';

const opts = { alpha: 0.05, onNoData: 'inconclusive' as const };
const v = (value: number, samples: number[] = []): Observation => ({ kind: 'value', value, samples });
const seq = (from: number, step: number, n: number) => Array.from({ length: n }, (_, i) => from + step * i);

describe('judgeObjective', () => {
  it.each([
    ['p95 < 200ms', 150, 'pass'], ['p95 < 200ms', 200, 'fail'], ['p95 <= 200ms', 200, 'pass'],
    ['error-rate < 1%', 0.0099, 'pass'], ['error-rate < 1%', 0.012, 'fail'],
    ['request-rate > 10/s', 9, 'fail'], ['request-rate >= 10/s', 10, 'pass'],
  ] as const)('%s with canary %d → %s', (line, value, verdict) => {
    const r = judgeObjective(parseObjective(line), v(value, [value]), undefined, opts);
    expect(r.verdict).toBe(verdict);
    expect(r.test.name).toBe('threshold');
    expect(r.baseline).toBeUndefined();
  });

  it('fails a clear regression: evidence that the canary is beyond factor × baseline, period by period', () => {
    const r = judgeObjective(parseObjective('p99 < 1.2x baseline'), v(300, seq(290, 2, 10)), v(200, seq(195, 1, 10)), opts);
    expect(r).toMatchObject({ verdict: 'fail', test: { name: 'paired-t-mixture', scale: 'log', alternative: 'greater', periods: 10, ratio: 1.5, factor: 1.2 } });
    expect(r.evidence!.eValue).toBeGreaterThanOrEqual(r.evidence!.threshold);
    expect(r.evidence!.threshold).toBe(20);
    expect(r.reason).toMatch(/1\.5x the baseline's 200; evidence that it is above 1\.2x the baseline: e-value [\d.e+]+ ≥ 20 \(1\/α\) over the window/);
  });

  it('passes noise: beyond the ratio on the window value but not beyond noise', () => {
    const canary = [100, 300, 120, 280, 110, 290, 105, 95, 310, 115];
    const baseline = [290, 100, 300, 110, 120, 98, 285, 125, 102, 295];
    const r = judgeObjective(parseObjective('p99 < 1.1x baseline'), v(260, canary), v(200, baseline), opts);
    expect(r.verdict).toBe('pass');
    expect(r.reason).toMatch(/beyond < 1\.1x on the window value but not beyond noise \(e-value [\d.]+ < 20/);
  });

  it('tests the margin, not equality: a canary consistently 8 % slower passes `< 1.2x baseline` even when noise lifts its window ratio over 1.2', () => {
    const baseline = seq(100, 0, 12).map((b, i) => b * (1 + 0.15 * Math.sin(i)));
    const canary = baseline.map((b, i) => b * 1.08 * (1 + 0.04 * Math.cos(3 * i)));
    const r = judgeObjective(parseObjective('p95 < 1.2x baseline'), v(125, canary), v(100, baseline), opts);
    expect(r.verdict).toBe('pass');
    expect(r.evidence!.eValue).toBeLessThan(1);
    // The same canary against "no slower than the baseline" is caught.
    expect(judgeObjective(parseObjective('p95 < 1x baseline'), v(125, canary), v(100, baseline), opts).verdict).toBe('fail');
  });

  it('for ">" objectives lower is worse', () => {
    const r = judgeObjective(parseObjective('request-rate > 0.8x baseline'), v(5, seq(4.9, 0.01, 10)), v(10, seq(9.9, 0.01, 10)), opts);
    expect(r).toMatchObject({ verdict: 'fail', test: { alternative: 'less' } });
    expect(judgeObjective(parseObjective('request-rate > 0.8x baseline'), v(10, seq(9.9, 0.01, 10)), v(5, seq(4.9, 0.01, 10)), opts).verdict).toBe('pass');
  });

  it('two periods are not evidence, however far apart: the verdict waits (pass) for more', () => {
    const r = judgeObjective(parseObjective('p99 < 1.2x baseline'), v(300, [300, 310]), v(200, [200, 190]), opts);
    expect(r.verdict).toBe('pass');
    // With two periods the variance is barely known: the e-value is capped far below 1/α.
    expect(r.evidence!.eValue).toBeLessThan(r.evidence!.threshold);
  });

  it('pairs periods by their start time when both sides carry times (a period missing on one side is left out)', () => {
    const canary: Observation = { kind: 'value', value: 150, samples: [150, 150, 150, 900], times: [0, 60, 120, 180] };
    const baseline: Observation = { kind: 'value', value: 100, samples: [100, 100, 100], times: [0, 60, 120] };
    const r = judgeObjective(parseObjective('p95 < 1.2x baseline'), canary, baseline, opts);
    expect(r.test.periods).toBe(3);
  });

  it('without per-period samples (a k6 summary) compares the window values', () => {
    expect(judgeObjective(parseObjective('p95 < 1.2x baseline'), v(130), v(100), opts)).toMatchObject({ verdict: 'fail', test: { name: 'ratio', ratio: 1.3 } });
    expect(judgeObjective(parseObjective('p95 < 1.2x baseline'), v(110), v(100), opts).verdict).toBe('pass');
  });

  it('a rate with per-period counts is judged over every request, conditioned on each period\'s failures', () => {
    const trials = Array(10).fill(500);
    const canary: Observation = { kind: 'value', value: 0.03, samples: trials.map(() => 0.03), counts: { events: trials.map(() => 15), trials } };
    const baseline: Observation = { kind: 'value', value: 0.01, samples: trials.map(() => 0.01), counts: { events: trials.map(() => 5), trials } };
    const r = judgeObjective(parseObjective('error-rate < 1.5x baseline'), canary, baseline, opts);
    expect(r).toMatchObject({ verdict: 'fail', test: { name: 'rate-ratio-mixture', alternative: 'greater', phi: 1, ratio: 3, factor: 1.5, periods: 10 } });
    expect(r.evidence!.eValue).toBeGreaterThan(1000);
    // Twice the baseline's rate is within `< 3x baseline`: no evidence against it.
    expect(judgeObjective(parseObjective('error-rate < 3x baseline'), canary, baseline, opts).evidence!.eValue).toBeLessThan(1);
  });

  it('few errors in low traffic: 4 canary errors against none is not yet evidence, so it passes', () => {
    const counts = (events: number[]) => ({ events, trials: Array(10).fill(100) });
    const canary: Observation = { kind: 'value', value: 0.004, samples: Array(10).fill(0), counts: counts([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]) };
    const baseline: Observation = { kind: 'value', value: 0, samples: Array(10).fill(0), counts: counts(Array(10).fill(0)) };
    const r = judgeObjective(parseObjective('error-rate < 1.5x baseline'), canary, baseline, { ...opts, alpha: 0.025 });
    expect(r).toMatchObject({ verdict: 'pass', test: { name: 'rate-ratio-mixture' } });
  });

  it('an absolute error rate with counts is tested against its threshold: 2 failures in 100 requests is not a breach of < 1%, 40 in 1000 is', () => {
    const obs = (events: number[], trials: number[]): Observation => ({ kind: 'value', value: events.reduce((a, b) => a + b) / trials.reduce((a, b) => a + b), samples: [], counts: { events, trials } });
    const few = judgeObjective(parseObjective('error-rate < 1%'), obs([1, 1], [50, 50]), undefined, opts);
    expect(few).toMatchObject({ verdict: 'pass', test: { name: 'binomial-mixture', failures: 2, requests: 100 } });
    expect(few.reason).toMatch(/above 1% but not yet beyond noise/);
    const many = judgeObjective(parseObjective('error-rate < 1%'), obs([20, 20], [500, 500]), undefined, opts);
    expect(many.verdict).toBe('fail');
  });

  it('a ramp\'s earlier steps count: each start step\'s pooled evidence, weighted over the steps planned (half on the first)', () => {
    const canary = v(140, seq(138, 1, 6));
    const baseline = v(100, seq(100, 0.5, 6));
    const alone = judgeObjective(parseObjective('p95 < 1.2x baseline'), canary, baseline, opts);
    const earlier = [pairedStats([0.1, 0.2, 0.15]), pairedStats([0.12, 0.18])];
    const after = judgeObjective(parseObjective('p95 < 1.2x baseline'), canary, baseline, { ...opts, ramp: { plannedSteps: 4, earlier } });
    expect(after.evidence!.step).toEqual(alone.evidence!.step);
    const now = alone.evidence!.step;
    const e = (parts: EvidenceStats[]) => Math.exp(statsLogE(poolStats(parts)!));
    expect(after.evidence!.eValue / (e([...earlier, now]) / 2 + (e([earlier[1], now]) + e([now]) + 1) / 6)).toBeCloseTo(1, 3);
    expect(after.reason).toMatch(/over the ramp \(step 3 of 4\)/);
  });

  it('a baseline of zero errors: canary errors are evidence quickly', () => {
    const r = judgeObjective(parseObjective('error-rate < 2x baseline'), v(0.05, seq(0.04, 0.002, 10)), v(0, Array(10).fill(0)), opts);
    expect(r).toMatchObject({ verdict: 'fail', test: { name: 'paired-t-mixture', scale: 'linear' } });
  });

  it('per-minute error rates without counts (Prometheus): 3 of 10 minutes with errors is noise', () => {
    const canary = [0, 0, 0, 0.01, 0, 0, 0, 0.01, 0.01, 0];
    const r = judgeObjective(parseObjective('error-rate < 1.5x baseline'), v(0.003, canary), v(0, Array(10).fill(0)), opts);
    expect(r).toMatchObject({ verdict: 'pass', test: { name: 'paired-t-mixture' } });
  });

  it.each(['inconclusive', 'fail', 'pass'] as const)('no data follows on-no-data: %s', (onNoData) => {
    const r = judgeObjective(parseObjective('p95 < 200ms'), { kind: 'no-data', reason: 'idle' }, undefined, { ...opts, onNoData });
    expect(r.verdict).toBe(onNoData);
    expect(r.reason).toContain('no canary data: idle');
    const missingBaseline = judgeObjective(parseObjective('p95 < 1.2x baseline'), v(100, [100]), undefined, { ...opts, onNoData });
    expect(missingBaseline.verdict).toBe(onNoData);
    expect(missingBaseline.reason).toContain('no baseline data');
  });

  it('a failed query is reported as such', () => {
    expect(judgeObjective(parseObjective('p95 < 200ms'), { kind: 'error', message: 'denied' }, undefined, opts).reason).toBe('canary query failed: denied');
  });

  it.each([['pass', 'inconclusive'], ['fail', 'fail'], ['inconclusive', 'inconclusive']] as const)('a failed query with on-no-data: %s is %s: never a pass', (onNoData, verdict) => {
    const canary = judgeObjective(parseObjective('p95 < 200ms'), { kind: 'error', message: 'denied' }, undefined, { ...opts, onNoData });
    expect(canary.verdict).toBe(verdict);
    const baseline = judgeObjective(parseObjective('p95 < 1.2x baseline'), v(100, [100]), { kind: 'error', message: 'denied' }, { ...opts, onNoData });
    expect(baseline.verdict).toBe(verdict);
    if (onNoData === 'pass') expect(canary.reason).toBe('canary query failed: denied (a failed query is not no data: on-no-data: pass does not apply)');
  });
});

describe('combineVerdicts and alpha', () => {
  const r = (objective: string, verdict: 'pass' | 'fail' | 'inconclusive', reason = 'x') => ({ objective, verdict, reason, canary: { value: 1, samples: 1 }, test: { name: 'threshold' } });
  it('any fail fails; then any inconclusive; else pass', () => {
    expect(combineVerdicts([r('a', 'pass'), r('b', 'inconclusive'), r('c', 'fail', 'slow')])).toEqual({ result: 'fail', reason: 'c: slow' });
    expect(combineVerdicts([r('a', 'pass'), r('b', 'inconclusive', 'idle'), r('c', 'inconclusive', 'idle')])).toEqual({ result: 'inconclusive', reason: 'b, c: idle' });
    expect(combineVerdicts([r('a', 'pass'), r('b', 'pass')])).toEqual({ result: 'pass', reason: 'all 2 objective(s) met' });
  });
  it('splits the gate alpha over the objectives judged by evidence only (ratios and error rates)', () => {
    expect(perObjectiveAlpha(0.05, parseObjectives(['p95 < 200ms', 'p95 < 1.2x baseline', 'error-rate < 2x baseline']))).toBe(0.025);
    expect(perObjectiveAlpha(0.06, parseObjectives(['p95 < 200ms', 'error-rate < 1%', 'p99 < 1.2x baseline', 'error-rate < 2x baseline']))).toBeCloseTo(0.02, 12);
    expect(perObjectiveAlpha(0.05, parseObjectives(['p95 < 200ms']))).toBe(0.05);
  });
});

describe('renderGateSummary', () => {
  const result: GateResult = {
    result: 'fail',
    reason: 'p99 < 1.2x baseline: too slow | really',
    window: { start: '2026-03-01T12:00:00.000Z', end: '2026-03-01T12:10:00.000Z' },
    requests: { canary: 5000, baseline: 5100 },
    objectives: [
      { objective: 'p95 < 200ms', verdict: 'pass', canary: { value: 150, samples: 10 }, test: { name: 'threshold', threshold: 200, unit: 'ms' }, reason: 'ok' },
      { objective: 'error-rate < 1%', verdict: 'pass', canary: { value: 0.005, samples: 10 }, test: { name: 'threshold', threshold: 0.01, unit: 'ratio' }, reason: 'ok' },
      { objective: 'p99 < 1.2x baseline', verdict: 'fail', canary: { value: 300, samples: 10 }, baseline: { value: 200, samples: 10 }, test: { name: 'paired-t-mixture', periods: 10, t: 9.1, factor: 1.2 }, evidence: { step: { kind: 't', n: 10, sum: 3, sumSq: 1 }, stepLogE: 7, eValue: 1097, threshold: 20 }, reason: 'too slow' },
      { objective: 'k6 threshold http_req_duration: p(95)<200', verdict: 'pass', canary: { value: null, samples: 0 }, test: { name: 'k6-threshold' }, reason: 'met' },
    ],
  };
  it('has a row per objective, escaped, and a chart of canary/limit', () => {
    const md = renderGateSummary(result);
    expect(md).toContain('### SLO gate: ❌ fail');
    expect(md).toContain('too slow \\| really');
    expect(md).toContain('| p95 < 200ms | 150 | — | 10/— | threshold 200ms | ✅ pass | ok |');
    expect(md).toContain('| error-rate < 1% | 0.005 | — | 10/— | threshold 1% | ✅ pass | ok |');
    expect(md).toContain('| p99 < 1.2x baseline | 300 | 200 | 10/10 | paired t mixture over 10 period(s), t=9.1, e=1097 (fails at 20) | ❌ fail | too slow |');
    expect(md).toContain('requests: canary 5000, baseline 5100');
    expect(md).toContain('x-axis ["p95 < 200ms", "error-rate < 1%", "p99 < 1.2x baseline"]');
    expect(md).toContain('bar [75, 50, 125]');
    expect(md).toContain('line [100, 100, 100]');
  });
});
