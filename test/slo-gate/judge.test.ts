// The pure decisions: thresholds on the canary's own value; ratios to the baseline need both the
// ratio broken and a significant Mann-Whitney U; no data follows on-no-data; the gate combines.
import { describe, expect, it } from 'vitest';
import { combineVerdicts, judgeObjective, perObjectiveAlpha } from '../../actions/metrics/judge.js';
import { parseObjective, parseObjectives } from '../../actions/metrics/slo.js';
import type { Observation } from '../../actions/metrics/provider.js';
import { renderGateSummary } from '../../actions/metrics/summary.js';
import type { GateResult } from '../../actions/metrics/types.js';

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

  it('fails a clear regression: beyond the ratio and significant', () => {
    const r = judgeObjective(parseObjective('p99 < 1.2x baseline'), v(300, seq(290, 2, 10)), v(200, seq(195, 1, 10)), opts);
    expect(r).toMatchObject({ verdict: 'fail', test: { name: 'mann-whitney-u', method: 'exact', alternative: 'greater', cliffsDelta: 1, ratio: 1.5, factor: 1.2 } });
    expect(r.test.p as number).toBeLessThan(1e-4);
    expect(r.reason).toMatch(/1\.5x the baseline's 200, beyond 1\.2x, and significantly higher/);
  });

  it('passes noise: beyond the ratio on the window value but not significant', () => {
    const canary = [100, 300, 120, 280, 110, 290, 105, 95, 310, 115];
    const baseline = [290, 100, 300, 110, 120, 98, 285, 125, 102, 295];
    const r = judgeObjective(parseObjective('p99 < 1.1x baseline'), v(260, canary), v(200, baseline), opts);
    expect(r.verdict).toBe('pass');
    expect(r.reason).toMatch(/not significantly \(p=[\d.]+ ≥ 0\.05\): within noise/);
  });

  it('passes within the ratio even when significantly higher (the effect is too small to matter)', () => {
    const r = judgeObjective(parseObjective('p99 < 1.2x baseline'), v(110, seq(108, 0.1, 10)), v(100, seq(99, 0.1, 10)), opts);
    expect(r.verdict).toBe('pass');
    expect(r.test.p as number).toBeLessThan(0.05);
  });

  it('for ">" objectives lower is worse', () => {
    const r = judgeObjective(parseObjective('request-rate > 0.8x baseline'), v(5, seq(4.9, 0.01, 10)), v(10, seq(9.9, 0.01, 10)), opts);
    expect(r).toMatchObject({ verdict: 'fail', test: { alternative: 'less' } });
  });

  it('too few periods for the test to ever be significant → inconclusive, not pass', () => {
    const r = judgeObjective(parseObjective('p99 < 1.2x baseline'), v(300, [300, 310]), v(200, [200, 190]), opts);
    expect(r.verdict).toBe('inconclusive');
    expect(r.reason).toMatch(/2 canary and 2 baseline periods are too few/);
  });

  it('without per-period samples (a k6 summary) compares the window values', () => {
    expect(judgeObjective(parseObjective('p95 < 1.2x baseline'), v(130), v(100), opts)).toMatchObject({ verdict: 'fail', test: { name: 'ratio', ratio: 1.3 } });
    expect(judgeObjective(parseObjective('p95 < 1.2x baseline'), v(110), v(100), opts).verdict).toBe('pass');
  });

  it('a rate with per-period counts is judged with the quasi-binomial test over every request', () => {
    const trials = Array(10).fill(500);
    const canary: Observation = { kind: 'value', value: 0.03, samples: trials.map(() => 0.03), counts: { events: trials.map(() => 15), trials } };
    const baseline: Observation = { kind: 'value', value: 0.01, samples: trials.map(() => 0.01), counts: { events: trials.map(() => 5), trials } };
    const r = judgeObjective(parseObjective('error-rate < 1.5x baseline'), canary, baseline, opts);
    expect(r).toMatchObject({ verdict: 'fail', test: { name: 'quasi-binomial-z', alternative: 'greater', phi: 1, riskDifference: 0.02, ratio: 3, factor: 1.5 } });
    expect(r.test.p as number).toBeLessThan(1e-6);
  });

  it('few errors in low traffic: 4 canary errors against none is not significant (exact p 0.0625), so it passes', () => {
    const counts = (events: number[]) => ({ events, trials: Array(10).fill(100) });
    const canary: Observation = { kind: 'value', value: 0.004, samples: Array(10).fill(0), counts: counts([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]) };
    const baseline: Observation = { kind: 'value', value: 0, samples: Array(10).fill(0), counts: counts(Array(10).fill(0)) };
    const r = judgeObjective(parseObjective('error-rate < 1.5x baseline'), canary, baseline, { ...opts, alpha: 0.025 });
    expect(r).toMatchObject({ verdict: 'pass', test: { name: 'quasi-binomial-z', p: 0.0625, exactP: 0.0625 } });
  });

  it('a baseline of zero errors: any canary errors break a ratio', () => {
    const r = judgeObjective(parseObjective('error-rate < 2x baseline'), v(0.05, seq(0.04, 0.002, 10)), v(0, Array(10).fill(0)), opts);
    expect(r).toMatchObject({ verdict: 'fail', test: { method: 'exact' } });
  });

  it('per-minute error rates without counts (Prometheus): 3 of 10 minutes with errors is noise, judged by the exact test with ties', () => {
    // The normal approximation gives p = 0.038 here and failed a canary that the exact
    // permutation test (p = 0.105) does not tell apart from its baseline.
    const canary = [0, 0, 0, 0.01, 0, 0, 0, 0.01, 0.01, 0];
    const r = judgeObjective(parseObjective('error-rate < 1.5x baseline'), v(0.003, canary), v(0, Array(10).fill(0)), opts);
    expect(r).toMatchObject({ verdict: 'pass', test: { name: 'mann-whitney-u', method: 'exact' } });
    expect(r.test.p as number).toBe(0.1053);
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
  it('splits the gate alpha over baseline objectives only', () => {
    expect(perObjectiveAlpha(0.05, parseObjectives(['p95 < 200ms', 'p95 < 1.2x baseline', 'error-rate < 2x baseline']))).toBe(0.025);
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
      { objective: 'p99 < 1.2x baseline', verdict: 'fail', canary: { value: 300, samples: 10 }, baseline: { value: 200, samples: 10 }, test: { name: 'mann-whitney-u', method: 'exact', p: 0.0001, cliffsDelta: 1, factor: 1.2 }, reason: 'too slow' },
      { objective: 'k6 threshold http_req_duration: p(95)<200', verdict: 'pass', canary: { value: null, samples: 0 }, test: { name: 'k6-threshold' }, reason: 'met' },
    ],
  };
  it('has a row per objective, escaped, and a chart of canary/limit', () => {
    const md = renderGateSummary(result);
    expect(md).toContain('### SLO gate: ❌ fail');
    expect(md).toContain('too slow \\| really');
    expect(md).toContain('| p95 < 200ms | 150 | — | 10/— | threshold 200ms | ✅ pass | ok |');
    expect(md).toContain('| error-rate < 1% | 0.005 | — | 10/— | threshold 1% | ✅ pass | ok |');
    expect(md).toContain("| p99 < 1.2x baseline | 300 | 200 | 10/10 | Mann-Whitney U (exact), p=0.0001, Cliff's δ=1 | ❌ fail | too slow |");
    expect(md).toContain('requests: canary 5000, baseline 5100');
    expect(md).toContain('x-axis ["p95 < 200ms", "error-rate < 1%", "p99 < 1.2x baseline"]');
    expect(md).toContain('bar [75, 50, 125]');
    expect(md).toContain('line [100, 100, 100]');
  });
});
