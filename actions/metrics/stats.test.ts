// Mann-Whitney U against reference values computed with SciPy 1.17: scipy.stats.mannwhitneyu
// (use_continuity=True; "exact" without ties, "asymptotic" for large samples) and, for small samples
// with ties, scipy.stats.permutation_test(U, permutation_type='independent', n_resamples=inf): the
// exact permutation p-value, which the asymptotic one (in brackets) undercuts badly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { erfc, mannWhitneyU, normalCdf, percentile, smallestPossibleP } from './stats.js';

describe('mannWhitneyU', () => {
  it.each([
    ['no ties, exact, greater', [12, 15, 19, 22, 25], [8, 9, 11, 13, 14, 16], 'greater', 26, 0.025974025974025976, 'exact'],
    ['no ties, exact, less', [1.1, 2.2, 3.3], [4.4, 5.5, 6.6, 7.7], 'less', 0, 0.02857142857142857, 'exact'],
    ['no ties, exact, two-sided', [3, 7, 9, 14, 20, 21, 30], [1, 2, 4, 5, 6, 8, 10, 11], 'two-sided', 45, 0.054079254079254076, 'exact'],
    ['ties (zero error rates), exact, greater [asymptotic 0.0435]', [0, 0, 0.01, 0.02, 0.01, 0.03], [0, 0, 0, 0.01, 0, 0], 'greater', 28, 0.07575757575757576, 'exact'],
    ['ties, 3 of 10 minutes with errors vs none, exact, greater [asymptotic 0.0384]', [0, 0, 0, 1, 0, 0, 0, 1, 1, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'greater', 65, 0.10526315789473684, 'exact'],
    ['ties, 3 vs 3, exact, greater [asymptotic 0.0383]', [5, 5, 6], [1, 2, 3], 'greater', 9, 0.05, 'exact'],
    ['ties, exact, two-sided [asymptotic 0.0536]', [1, 2, 2, 4, 5], [3, 4, 5, 6, 7, 8], 'two-sided', 4, 0.05194805194805195, 'exact'],
    ['ties, exact, less [asymptotic 0.0330]', [1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8], 'less', 4.5, 0.03463203463203463, 'exact'],
    ['60 vs 55 periods, normal, less', [1.189, 1.508, 1.18, 0.521, 1.573, 1.25, 0.765, 1.337, 1.2, 1.158, 1.014, 1.314, 0.692, 0.922, 0.786, 1.349, 1.02, 0.864, 0.676, 0.879, 1.004, 0.871, 1.91, 1.654, 0.258, 0.389, 0.916, 0.81, 1.113, 1.115, 2.883, 0.573, 0.828, 2.777, 1.382, 1.393, 0.773, 0.439, 1.087, 1.056, 0.541, 0.711, 0.965, 0.624, 0.952, 1.049, 1.018, 0.776, 1.346, 1.561, 1.174, 0.664, 1.442, 0.778, 1.552, 0.585, 1.58, 0.99, 0.536, 0.855], [1.255, 1.4, 0.747, 0.702, 1.35, 0.967, 1.374, 1.786, 0.536, 1.387, 2.253, 1.053, 0.814, 1.779, 1.386, 1.912, 1.028, 0.582, 1.156, 0.977, 1.8, 1.346, 0.54, 0.672, 1.9, 1.716, 0.887, 1.221, 1.526, 1.544, 1.893, 1.389, 1.165, 1.073, 2.071, 0.396, 1.14, 1.242, 0.599, 1.443, 0.882, 1.88, 1.147, 1.707, 2.247, 1.479, 0.788, 0.573, 2.935, 1.155, 0.866, 1.313, 1.11, 1.87, 1.242], 'less', 1172.5, 0.003784569028395331, 'normal'],
  ] as const)('%s', (_name, x, y, alternative, u, p, method) => {
    const r = mannWhitneyU([...x], [...y], alternative);
    expect(r.u).toBe(u);
    expect(r.method).toBe(method);
    // erfc is accurate to ~1e-7 relative; exact p-values to double precision.
    expect(r.p).toBeCloseTo(p, method === 'exact' ? 12 : 6);
  });

  it('exact with ties equals brute-force enumeration of every relabelling (property, small tied samples)', () => {
    /** P-values by listing every way to pick which n of the pooled values are x. */
    const brute = (x: number[], y: number[]) => {
      const all = [...x, ...y];
      const uOf = (pick: Set<number>) => {
        let u = 0;
        for (const i of pick) for (let j = 0; j < all.length; j++) if (!pick.has(j)) u += all[i] > all[j] ? 1 : all[i] === all[j] ? 0.5 : 0;
        return u;
      };
      const u0 = uOf(new Set(x.map((_, i) => i)));
      let ge = 0;
      let le = 0;
      let total = 0;
      const walk = (from: number, pick: number[]) => {
        if (pick.length === x.length) {
          const u = uOf(new Set(pick));
          total++;
          if (u >= u0 - 1e-9) ge++;
          if (u <= u0 + 1e-9) le++;
          return;
        }
        for (let i = from; i < all.length; i++) walk(i + 1, [...pick, i]);
      };
      walk(0, []);
      return { greater: ge / total, less: le / total };
    };
    const sample = (max: number) => fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: max });
    fc.assert(fc.property(sample(6), sample(6), (x, y) => {
      const want = brute(x, y);
      expect(mannWhitneyU(x, y, 'greater').p).toBeCloseTo(want.greater, 12);
      expect(mannWhitneyU(x, y, 'less').p).toBeCloseTo(want.less, 12);
    }), { numRuns: 150, seed: 20261124 });
  });

  it('exact with ties at the largest size it enumerates (50 vs 50) agrees with the asymptotic p there', () => {
    const x = Array.from({ length: 50 }, (_, i) => i % 7);
    const y = Array.from({ length: 50 }, (_, i) => (i + 2) % 8);
    const r = mannWhitneyU(x, y, 'greater');
    expect(r.method).toBe('exact');
    // SciPy asymptotic (tie- and continuity-corrected): 0.8707555935453735.
    expect(Math.abs(r.p - 0.8707555935453735)).toBeLessThan(0.005);
  });

  it('gives effect sizes: probability of superiority and Cliff\'s delta', () => {
    const r = mannWhitneyU([12, 15, 19, 22, 25], [8, 9, 11, 13, 14, 16], 'greater');
    expect(r.probabilityOfSuperiority).toBeCloseTo(26 / 30, 12);
    expect(r.cliffsDelta).toBeCloseTo(2 * (26 / 30) - 1, 12);
  });

  it('identical samples: U at its mean, p = 1, no effect', () => {
    const r = mannWhitneyU([0, 0, 0], [0, 0, 0, 0], 'greater');
    expect(r).toMatchObject({ u: 6, p: 1, cliffsDelta: 0 });
  });

  it('the exact distribution sums to 1 and is symmetric', () => {
    for (const [n, m] of [[1, 1], [3, 4], [10, 10], [20, 30], [50, 50]]) {
      const lo = mannWhitneyU(Array.from({ length: n }, (_, i) => i), Array.from({ length: m }, (_, i) => n + i), 'less');
      const hi = mannWhitneyU(Array.from({ length: n }, (_, i) => m + i), Array.from({ length: m }, (_, i) => i), 'greater');
      expect(lo.p).toBeCloseTo(hi.p, 14);
      expect(lo.p).toBeCloseTo(smallestPossibleP(n, m), 14);
      expect(mannWhitneyU([0.5], [0, 1], 'greater').p).toBeCloseTo(2 / 3, 14);
    }
  });

  it('knows when samples are too few to ever be significant', () => {
    expect(smallestPossibleP(2, 2)).toBeCloseTo(1 / 6, 12);
    expect(smallestPossibleP(3, 3)).toBeCloseTo(1 / 20, 12);
    expect(smallestPossibleP(4, 4)).toBeCloseTo(1 / 70, 12);
  });

  it('refuses empty samples', () => {
    expect(() => mannWhitneyU([], [1], 'greater')).toThrow(/at least one value/);
  });
});

describe('numerics', () => {
  it.each([
    [0, 1], [0.5, 0.4795001221869535], [1, 0.15729920705028513], [2, 0.004677734981047266], [-1, 1.8427007929497148], [4, 1.541725790028002e-8],
  ])('erfc(%d)', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(2e-7);
  });
  it('normalCdf', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
  });
  it('percentile interpolates as numpy does', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48, 12);
  });
});
