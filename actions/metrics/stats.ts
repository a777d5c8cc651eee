/**
 * Fixed-sample tests, kept as the reference the judge is measured against (bench/slo-judge.ts runs
 * Kayenta's per-interval judgement with it); the judge itself decides with the anytime-valid
 * evidence of sequential.ts. Mann-Whitney U (the test Kayenta's judge uses) with an effect size. Exact p-values when the
 * samples are small enough to enumerate, with ties too (the permutation distribution of the
 * mid-ranks: the normal approximation is far too eager there, e.g. p 0.038 against an exact 0.105
 * for 3 of 10 canary minutes with errors against none); otherwise the normal approximation with
 * the tie correction and a continuity correction. The one-sided alternative asks "is x
 * stochastically greater (or less) than y?".
 */

export type Alternative = 'greater' | 'less' | 'two-sided';

export interface MannWhitneyResult {
  /** U of x: pairs where x > y, plus half the ties. */
  u: number;
  p: number;
  method: 'exact' | 'normal';
  /** z of the normal approximation (with continuity correction), when used. */
  z?: number;
  /** Probability of superiority P(X > Y) + ½·P(X = Y) = U / (n·m); 0.5 means no difference. */
  probabilityOfSuperiority: number;
  /** Cliff's delta (= rank-biserial correlation) = 2·PS − 1, from −1 to 1. */
  cliffsDelta: number;
}

/** Largest n·m for which the exact null distribution is enumerated (cached per (n, m)). */
export const EXACT_MAX_PAIRS = 2500;

export function mannWhitneyU(x: readonly number[], y: readonly number[], alternative: Alternative): MannWhitneyResult {
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw new Error('mannWhitneyU needs at least one value in each sample');
  const all = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))].sort((a, b) => a.v - b.v);
  // Mid-ranks for ties; tie sizes feed the variance correction.
  let rankSumX = 0;
  let tieTerm = 0;
  const midRanks: number[] = [];
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].v === all[i].v) j++;
    const t = j - i + 1;
    const midRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      midRanks.push(midRank);
      if (all[k].fromX) rankSumX += midRank;
    }
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumX - (n * (n + 1)) / 2;
  const ps = u / (n * m);
  const effect = { u, probabilityOfSuperiority: ps, cliffsDelta: 2 * ps - 1 };
  if (n * m <= EXACT_MAX_PAIRS) {
    return { ...effect, method: 'exact', p: tieTerm === 0 ? exactP(u, n, m, alternative) : exactTiesP(midRanks, rankSumX, n, alternative) };
  }
  const N = n + m;
  const mean = (n * m) / 2;
  const variance = ((n * m) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return { ...effect, method: 'normal', z: 0, p: 1 };
  const sd = Math.sqrt(variance);
  const zOf = (d: number) => (d - Math.sign(d) * Math.min(0.5, Math.abs(d))) / sd;
  let z: number;
  let p: number;
  if (alternative === 'greater') {
    z = (u - mean - 0.5) / sd;
    p = normalSf(z);
  } else if (alternative === 'less') {
    z = (u - mean + 0.5) / sd;
    p = normalCdf(z);
  } else {
    z = zOf(u - mean);
    p = Math.min(1, 2 * normalSf(Math.abs(z)));
  }
  return { ...effect, method: 'normal', z, p };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  // A typed array sorts numerically without a comparator call per comparison.
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const exactCache = new Map<string, Float64Array>();

/**
 * Cumulative null distribution of U for sizes (n, m): cdf[u] = P(U ≤ u). The counts are the
 * coefficients of the Gaussian binomial [n+m choose n]_q, built exactly with BigInt as
 * Π_{i=1..n} (1 − q^{m+i}) / (1 − q^i).
 */
function exactCdf(n: number, m: number): Float64Array {
  const key = n <= m ? `${n},${m}` : `${m},${n}`;
  const cached = exactCache.get(key);
  if (cached) return cached;
  const [a, b] = n <= m ? [n, m] : [m, n];
  const deg = a * b;
  const c = new Array<bigint>(deg + 1).fill(0n);
  c[0] = 1n;
  for (let i = 1; i <= a; i++) {
    const k = b + i;
    for (let j = deg; j >= k; j--) c[j] -= c[j - k]; // × (1 − q^k)
    for (let j = i; j <= deg; j++) c[j] += c[j - i]; // ÷ (1 − q^i), exact at every step
  }
  let total = 0n;
  for (const v of c) total += v;
  const cdf = new Float64Array(deg + 1);
  let run = 0n;
  for (let j = 0; j <= deg; j++) {
    run += c[j];
    cdf[j] = Number((run * 10n ** 18n) / total) / 1e18;
  }
  exactCache.set(key, cdf);
  return cdf;
}

function exactP(u: number, n: number, m: number, alternative: Alternative): number {
  const cdf = exactCdf(n, m);
  const deg = n * m;
  const le = (k: number) => (k < 0 ? 0 : k >= deg ? 1 : cdf[k]);
  const pLess = le(Math.floor(u)); // P(U ≤ u)
  const pGreater = 1 - le(Math.ceil(u) - 1); // P(U ≥ u)
  if (alternative === 'greater') return pGreater;
  if (alternative === 'less') return pLess;
  return Math.min(1, 2 * Math.min(pLess, pGreater));
}

/**
 * Exact p-value with ties: the permutation distribution of the rank sum of x over every way to pick
 * n of the N mid-ranks. Doubled mid-ranks are integers, so the distribution is a subset-sum count
 * (in floating point: the counts outgrow 2^53, only their ratios matter), built over the smaller
 * side; O(k²·N²) with k = min(n, m), at most ~5·10⁷ steps within EXACT_MAX_PAIRS.
 */
function exactTiesP(midRanks: readonly number[], rankSumX: number, n: number, alternative: Alternative): number {
  const N = midRanks.length;
  const k = Math.min(n, N - n);
  const scores = midRanks.map((r) => Math.round(2 * r));
  const total = scores.reduce((a, b) => a + b, 0);
  const maxSum = [...scores].sort((a, b) => b - a).slice(0, k).reduce((a, b) => a + b, 0);
  // dp[j·(maxSum+1) + s]: number of j-subsets of the scores seen so far with sum s.
  const width = maxSum + 1;
  const dp = new Float64Array((k + 1) * width);
  dp[0] = 1;
  let reach = 0;
  for (const sc of scores) {
    reach = Math.min(maxSum, reach + sc);
    for (let j = k; j >= 1; j--) {
      const row = j * width;
      const prev = row - width;
      for (let s = reach; s >= sc; s--) dp[row + s] += dp[prev + s - sc];
    }
  }
  // The statistic as a sum over the side the distribution counts: x itself, or y (= total − x).
  const observed = n === k ? Math.round(2 * rankSumX) : total - Math.round(2 * rankSumX);
  let all = 0;
  let le = 0;
  let ge = 0;
  for (let s = 0; s <= maxSum; s++) {
    const c = dp[k * width + s];
    all += c;
    if (s <= observed) le += c;
    if (s >= observed) ge += c;
  }
  // A large x rank sum is a small y rank sum.
  const [pLess, pGreater] = n === k ? [le / all, ge / all] : [ge / all, le / all];
  if (alternative === 'greater') return pGreater;
  if (alternative === 'less') return pLess;
  return Math.min(1, 2 * Math.min(pLess, pGreater));
}

/** The smallest p-value the test can give at these sizes (one-sided): below alpha or the test can never reject. */
export function smallestPossibleP(n: number, m: number): number {
  if (n === 0 || m === 0) return 1;
  if (n * m <= EXACT_MAX_PAIRS) return exactCdf(n, m)[0];
  return 0;
}

export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** erfc with fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Percentile q (0..100) of raw values, linear interpolation between order statistics (as numpy's default). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
