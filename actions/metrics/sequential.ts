/**
 * Anytime-valid evidence for the judge: e-values that may be looked at after every period, for as
 * long as a step (or a whole ramp) lasts, without the false-fail rate growing with the number of
 * looks. Under the null hypothesis ("the canary is within its limit") each e-value is a
 * nonnegative supermartingale with mean at most 1, so by Ville's inequality the chance that it
 * EVER reaches 1/α is at most α (Ramdas, Grünwald, Vovk & Shafer, "Game-theoretic statistics and
 * safe anytime-valid inference", Statistical Science 2023).
 *
 * - Ratios of per-period values (p95 < 1.2x baseline): the paired log-ratios d = ln(canary) −
 *   ln(factor × baseline) of the same periods, tested for a positive mean with unknown variance by
 *   the scale-invariant Bayes factor (right-Haar prior on σ, normal prior on δ = μ/σ: Rouder et al.
 *   2009 with a fixed scale, mixed over a few scales), a test martingale on the scale-invariant
 *   filtration (Lai 1976; Pérez-Ortiz, Lardy, de Heide & Grünwald 2024). Only a positive mean counts
 *   (the value is taken at max(t, 0)), which is non-decreasing in every t, so a canary inside its
 *   margin is dominated, path by path, by one exactly at it.
 * - Error rates from request counts: a mixture likelihood ratio (mixture SPRT; Robbins 1970,
 *   Johari et al. 2017) over alternatives beyond the limit only, a supermartingale under every rate
 *   at or inside the limit. Against a threshold: binomial in the requests. Against the baseline:
 *   each failure is the canary's with probability ρs / (ρs + 1 − s) (s the canary's share of the
 *   period's requests, ρ its rate ratio), so the test holds `ρ ≤ factor` at any traffic split.
 *   Per-period drift beyond binomial noise (overdispersion φ, Pearson χ²/df) tempers the
 *   likelihood to the power 1/φ, as a quasi-likelihood does.
 *
 * Early detection comes from where the mixtures put their weight. Any mixing distribution keeps the
 * e-value valid; it only decides which alternatives are found fast. A mixture pays ln(1/w) nats for
 * the alternative w it finds, and a clearly bad canary must be found within two analysis intervals
 * of its step having min-requests, when it has shown only a handful of failures (errors 3 % against
 * 0.2 % at the 1 % step: about 7 in 4 minutes), so the weight sits on the effects a rollback is for
 * (1.5x to 90x beyond the limit) and little on subtle ones, which need hours of data whatever the
 * prior. Likewise the t mixture's scales match the per-period effect sizes δ = 1 to 6 of a canary
 * 1.3x to 2x beyond its margin (Grünwald, de Heide & Koolen, "Safe testing", JRSS B 2024, on
 * choosing the prior for growth under the alternatives that matter).
 */

export type Direction = 'greater' | 'less';

function logSumExp(xs: readonly number[]): number {
  return logMeanExp(xs) + Math.log(xs.length);
}

function logMeanExp(xs: readonly number[]): number {
  const top = Math.max(...xs);
  if (top === -Infinity) return -Infinity;
  if (top === Infinity) return Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - top);
  return top + Math.log(s / xs.length);
}

/**
 * Prior scales g of δ² for the t mixture, equally weighted: per-period effects from δ ≈ 1.4 (a p95
 * 1.3x beyond its margin at low traffic) to δ ≈ 6 (a gross regression over many requests).
 */
export const T_SCALES = [2, 8, 32] as const;

/**
 * What a step's evidence needs to be pooled with other steps': sums of the paired differences for
 * the t mixture, or the log likelihood ratio of each alternative of a rate mixture (already
 * tempered by that step's overdispersion). Plain numbers, so a ramp can carry them.
 */
export type EvidenceStats =
  | { kind: 't'; n: number; sum: number; sumSq: number }
  | { kind: 'lr'; logLR: number[] };

export function pairedStats(d: readonly number[]): EvidenceStats {
  let sum = 0;
  let sumSq = 0;
  for (const v of d) {
    sum += v;
    sumSq += v * v;
  }
  return { kind: 't', n: d.length, sum, sumSq };
}

export interface PairedEvidence {
  /** Log e-value that the mean of d is above 0. */
  logE: number;
  n: number;
  mean: number;
  sd: number;
  t: number;
}

/** The one-sided t-mixture e-value for "mean of d > 0" from the sums of d; needs two values for any evidence. */
export function tMixture(st: { n: number; sum: number; sumSq: number }): PairedEvidence {
  const { n } = st;
  const mean = n > 0 ? st.sum / n : 0;
  if (n < 2) return { logE: 0, n, mean, sd: NaN, t: NaN };
  const nu = n - 1;
  const ss = Math.max(0, st.sumSq - n * mean * mean);
  const sd = Math.sqrt(ss / nu);
  // Below rounding noise the differences are constant.
  const t = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? (mean * Math.sqrt(n)) / sd : mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
  // Only evidence of a positive mean counts: the value at max(t, 0).
  const r = Math.max(t, 0) ** 2 / nu;
  const logs = T_SCALES.map((g) => {
    const spread = Math.log1p(n * g);
    const gain = Number.isFinite(r) ? Math.log1p(r) - Math.log1p(r / (1 + n * g)) : spread;
    return -0.5 * spread + ((nu + 1) / 2) * gain;
  });
  return { logE: logMeanExp(logs), n, mean, sd, t };
}

/** tMixture of the values themselves. O(n). */
export function tMixtureLogE(d: readonly number[]): PairedEvidence {
  return tMixture(pairedStats(d) as { n: number; sum: number; sumSq: number });
}

/** Several steps' evidence as one: the same test over all their data. */
export function poolStats(parts: readonly EvidenceStats[]): EvidenceStats | null {
  if (parts.length === 0) return null;
  if (parts.every((p) => p.kind === 't')) {
    return parts.reduce((a, b) => ({ kind: 't', n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq }), { kind: 't', n: 0, sum: 0, sumSq: 0 });
  }
  if (parts.every((p) => p.kind === 'lr' && p.logLR.length === RATE_STEPS.length)) {
    return { kind: 'lr', logLR: RATE_STEPS.map((_, k) => parts.reduce((a, p) => a + (p as { logLR: number[] }).logLR[k], 0)) };
  }
  return null;
}

export function statsLogE(st: EvidenceStats): number {
  return st.kind === 't' ? tMixture(st).logE : rateMixture(st.logLR);
}

/**
 * Alternatives of the rate mixtures: how far beyond the limit, in log odds (threshold) or log rate
 * ratio (baseline), and their prior weights (sum 1). 80 % of the weight is on 3.3x to 90x beyond
 * the limit (steps 1.2 to 4.5), what a rollback is for; 20 % on 1.1x to 2x, which needs many
 * thousands of requests to show anyway and so loses little to its small weight.
 */
const RATE_STEPS = [0.1, 0.3, 0.7, 1.2, 1.8, 2.5, 3.5, 4.5] as const;
const RATE_WEIGHTS = [0.05, 0.05, 0.1, 0.15, 0.15, 0.2, 0.15, 0.15] as const;

/** The rate mixture's log e-value from the log likelihood ratio of each alternative. */
function rateMixture(logLR: readonly number[]): number {
  return logSumExp(logLR.map((l, k) => l + Math.log(RATE_WEIGHTS[k])));
}

export interface Counts {
  /** Per period: failed requests, and all requests. */
  events: readonly number[];
  trials: readonly number[];
}

export interface RateEvidence {
  logE: number;
  /** Overdispersion the likelihood was tempered by (1 = binomial). */
  phi: number;
  stats: EvidenceStats;
}

const NO_RATE_EVIDENCE = (phi: number): RateEvidence => ({ logE: 0, phi, stats: { kind: 'lr', logLR: RATE_STEPS.map(() => 0) } });

const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The overdispersion the periods show beyond binomial noise: Pearson's χ² of the failures around
 * each side's own rate, over its one-sided 90 % lower confidence bound's divisor (χ²/φ is χ² with df
 * degrees of freedom; Wilson-Hilferty quantile), at least 1. The point estimate χ²/df is above 1
 * half the time on binomial data and, with the few periods of a step's first minutes, often 1.5 or
 * more: it would throw away half the evidence of a canary that is plainly failing. The bound is 1
 * on binomial data 90 % of the time and close to χ²/df once there are tens of periods. Periods
 * where fewer than one failure is expected say little about dispersion and are left out; under
 * three degrees of freedom the binomial variance is taken as is.
 */
export function overdispersion(sides: readonly Counts[]): number {
  let chi = 0;
  let df = 0;
  for (const c of sides) {
    let e = 0;
    let n = 0;
    c.events.forEach((v, i) => ((e += v), (n += c.trials[i])));
    if (n === 0 || e === 0 || e === n) continue;
    const p = e / n;
    let used = 0;
    c.events.forEach((v, i) => {
      const expected = c.trials[i] * p;
      if (expected < 1) return;
      chi += (v - expected) ** 2 / (expected * (1 - p));
      used++;
    });
    if (used > 1) df += used - 1;
  }
  if (df < 3) return 1;
  const z = 1.2816; // the standard normal's 90 % quantile
  const upper = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return Math.max(1, chi / upper);
}

/** Log e-value that the failure rate is beyond `limit` (above it for 'greater'), from per-period counts. */
export function rateVsThresholdLogE(c: Counts, limit: number, direction: Direction): RateEvidence {
  let e = 0;
  let n = 0;
  c.events.forEach((v, i) => ((e += v), (n += c.trials[i])));
  const phi = overdispersion([c]);
  if (n === 0 || !(limit > 0 && limit < 1)) return NO_RATE_EVIDENCE(phi);
  const sign = direction === 'greater' ? 1 : -1;
  const logs = RATE_STEPS.map((step) => {
    const p = expit(logit(limit) + sign * step);
    return (e * Math.log(p / limit) + (n - e) * Math.log((1 - p) / (1 - limit))) / phi;
  });
  return { logE: rateMixture(logs), phi, stats: { kind: 'lr', logLR: logs } };
}

/**
 * Log e-value that the canary's failure rate is beyond `factor` × the baseline's, from counts of
 * the same periods (index i of canary and baseline is one period). Each failure of a period is the
 * canary's with probability ρs / (ρs + 1 − s): conditioning on the period's failures removes the
 * unknown baseline rate, and the per-period share s follows the traffic split as the ramp moves it.
 */
export function rateRatioLogE(canary: Counts, baseline: Counts, factor: number, direction: Direction): RateEvidence {
  const phi = overdispersion([canary, baseline]);
  const periods: { s: number; k: number; b: number }[] = [];
  for (let i = 0; i < Math.min(canary.events.length, baseline.events.length); i++) {
    const [n, m, k, b] = [canary.trials[i], baseline.trials[i], canary.events[i], baseline.events[i]];
    if (n > 0 && m > 0 && k + b > 0) periods.push({ s: n / (n + m), k, b });
  }
  if (periods.length === 0 || !(factor > 0)) return NO_RATE_EVIDENCE(phi);
  const sign = direction === 'greater' ? 1 : -1;
  // In odds: q/q0 = ρ(1 − s + fs) / (f(1 − s + ρs)) and (1 − q)/(1 − q0) = (1 − s + fs) / (1 − s + ρs).
  const logs = RATE_STEPS.map((step) => {
    const rho = factor * Math.exp(sign * step);
    const logRatio = Math.log(rho / factor);
    let l = 0;
    for (const { s, k, b } of periods) {
      const lift = Math.log((1 - s + factor * s) / (1 - s + rho * s));
      l += k * (logRatio + lift) + b * lift;
    }
    return l / phi;
  });
  return { logE: rateMixture(logs), phi, stats: { kind: 'lr', logLR: logs } };
}

/**
 * The ramp-level e-value of one objective from its steps' evidence (the finished steps', then the
 * current one's): a weighted average, over the steps the canary could have turned bad at, of one
 * mixture over all the data from that step on, Σ_s w_s E(pool(step s … now)), steps not reached
 * yet counting 1. Each term is a test supermartingale over the whole ramp (a mixture martingale
 * started at step s), so the average is one too: reaching 1/α anywhere in the ramp has probability
 * at most α. Evidence accumulates over the ramp, and a canary that turns bad only at a later step
 * is not held back by the healthy data of the earlier ones. Half the weight is on the first step
 * (a bad release is usually bad at every weight), the rest shared by the later ones.
 */
export function rampLogE(steps: readonly EvidenceStats[], plannedSteps: number): number {
  const total = Math.max(plannedSteps, steps.length, 1);
  const weight = (s: number) => (total === 1 ? 1 : s === 0 ? 0.5 : 0.5 / (total - 1));
  const terms: number[] = [];
  for (let s = 0; s < total; s++) {
    const pooled = s < steps.length ? poolStats(steps.slice(s)) : null;
    terms.push(Math.log(weight(s)) + (pooled ? statsLogE(pooled) : 0));
  }
  return logSumExp(terms);
}
