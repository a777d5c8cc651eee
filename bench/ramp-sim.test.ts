// The scale-invariant bound's Bayes factor (bench/ramp-sim.ts) is a series; here it is held to the
// integrals it stands for, computed the slow way: ∫ u^(n−1) exp(−(u²Σd² − 2δ u Σd + nδ²)/2) du
// for δ = δ0 over the same for δ = 0 (σ = 1/u under the right-Haar prior dσ/σ).
import { describe, expect, it } from 'vitest';
import { logPointBayesFactor } from './ramp-sim.js';

function byQuadrature(n: number, sum: number, sumSq: number, delta0: number): number {
  const logIntegral = (delta: number) => {
    // Trapezoid over v = ln u, wide enough around the peak for any of these cases.
    const centre = Math.log(Math.sqrt(n / sumSq));
    const values = Array.from({ length: 20_001 }, (_, i) => {
      const u = Math.exp(centre - 20 + (i * 30) / 20_000);
      return n * Math.log(u) - (u * u * sumSq - 2 * delta * u * sum + n * delta * delta) / 2;
    });
    const top = Math.max(...values);
    return top + Math.log(values.reduce((s, x) => s + Math.exp(x - top), 0));
  };
  return logIntegral(delta0) - logIntegral(0);
}

describe('logPointBayesFactor', () => {
  it.each([
    { n: 1, sum: 0.3, sumSq: 0.09, delta0: 1.47 },
    { n: 3, sum: 0.9, sumSq: 0.4, delta0: 1.47 },
    { n: 8, sum: 2.4, sumSq: 1, delta0: 1.47 },
    { n: 12, sum: 3.5, sumSq: 1.3, delta0: 2 },
    { n: 30, sum: 9, sumSq: 4, delta0: 1.47 },
    { n: 60, sum: 30, sumSq: 20, delta0: 3 },
  ])('n $n, Σd $sum, Σd² $sumSq, δ0 $delta0: the integrals it stands for', ({ n, sum, sumSq, delta0 }) => {
    expect(logPointBayesFactor(n, sum, sumSq, delta0)).toBeCloseTo(byQuadrature(n, sum, sumSq, delta0), 6);
  });

  it('where the mean is not positive it returns an upper bound below one, never evidence', () => {
    const [n, sum, sumSq, delta0] = [20, -1, 2, 1.47];
    const bound = logPointBayesFactor(n, sum, sumSq, delta0);
    expect(bound).toBeLessThan(0);
    expect(byQuadrature(n, sum, sumSq, delta0)).toBeLessThanOrEqual(bound);
  });
});
