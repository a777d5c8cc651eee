/**
 * Pure decisions: one objective's verdict from its observations, and the gate's verdict from its
 * objectives'. Absolute thresholds judge the canary's own window value. A ratio to the baseline
 * fails only when the canary's value breaks the ratio AND a one-sided test says the canary is worse
 * with p < alpha (Kayenta's approach: significance plus an effect-size bound), so noise alone does
 * not fail a healthy canary: Mann-Whitney U over the per-period samples, or, for a rate whose
 * per-period counts are known, a quasi-binomial z-test that uses every request.
 */
import type { Objective, ObjectiveResult, OnNoData, Verdict } from './types.js';
import type { Observation } from './provider.js';
import { satisfies, worseDirection } from './slo.js';
import { mannWhitneyU, quasiBinomialTest, smallestPossibleP } from './stats.js';

export interface JudgeOptions {
  /** Significance level of the baseline comparison. */
  alpha: number;
  onNoData: OnNoData;
}

export const DEFAULT_ALPHA = 0.05;

/**
 * The significance level of each baseline comparison: the gate's alpha split evenly over its
 * baseline objectives (Bonferroni), so noise fails a healthy canary at most alpha of the time
 * however many objectives it has.
 */
export function perObjectiveAlpha(gateAlpha: number, objectives: Objective[]): number {
  return gateAlpha / Math.max(1, objectives.filter((o) => o.threshold.kind === 'relative').length);
}

const round = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);

function valueOf(o: Observation | undefined): number | null {
  return o?.kind === 'value' ? o.value : null;
}
function samplesOf(o: Observation | undefined): number {
  return o?.kind === 'value' ? o.samples.length : 0;
}
function whyMissing(o: Observation | undefined, who: string): string {
  if (!o) return `no ${who} data`;
  if (o.kind === 'no-data') return `no ${who} data: ${o.reason}`;
  if (o.kind === 'error') return `${who} query failed: ${o.message}`;
  return '';
}

export function judgeObjective(obj: Objective, canary: Observation | undefined, baseline: Observation | undefined, opts: JudgeOptions): ObjectiveResult {
  const base = {
    objective: obj.text,
    canary: { value: valueOf(canary), samples: samplesOf(canary) },
    ...(obj.threshold.kind === 'relative' || baseline ? { baseline: { value: valueOf(baseline), samples: samplesOf(baseline) } } : {}),
  };
  // A failed query is not an idle target: on-no-data: pass must not let a refused or misconfigured
  // query (IAM, several series) pass the gate, so it is at best inconclusive.
  const missing = (o: Observation | undefined, who: string): ObjectiveResult => {
    const why = whyMissing(o, who);
    const verdict = o?.kind === 'error' && opts.onNoData === 'pass' ? 'inconclusive' : opts.onNoData;
    return {
      ...base,
      verdict,
      test: { name: 'none' },
      reason: opts.onNoData === 'inconclusive' ? why : verdict === opts.onNoData ? `${why} (on-no-data: ${opts.onNoData})` : `${why} (a failed query is not no data: on-no-data: pass does not apply)`,
    };
  };
  if (canary?.kind !== 'value') return missing(canary, 'canary');

  if (obj.threshold.kind === 'absolute') {
    const { value: limit, unit } = obj.threshold;
    const ok = satisfies(obj.comparator, canary.value, limit);
    return {
      ...base,
      verdict: ok ? 'pass' : 'fail',
      test: { name: 'threshold', threshold: limit, unit },
      reason: `canary ${obj.metric} ${fmt(canary.value, unit)} ${ok ? 'meets' : 'breaks'} ${obj.comparator} ${fmt(limit, unit)}`,
    };
  }

  if (baseline?.kind !== 'value') return missing(baseline, 'baseline');
  const factor = obj.threshold.factor;
  const bound = factor * baseline.value;
  const ratio = baseline.value === 0 ? (canary.value === 0 ? 1 : Infinity) : canary.value / baseline.value;
  const withinRatio = satisfies(obj.comparator, canary.value, bound);
  const direction = worseDirection(obj.comparator);
  const n = canary.samples.length;
  const m = baseline.samples.length;
  const describe = `canary ${obj.metric} ${round(canary.value)} is ${round(ratio, 3)}x the baseline's ${round(baseline.value)}`;

  if (n === 0 || m === 0) {
    // No per-period samples (e.g. a k6 summary): only the window values can be compared.
    return {
      ...base,
      verdict: withinRatio ? 'pass' : 'fail',
      test: { name: 'ratio', ratio: round(ratio), factor },
      reason: `${describe} (limit ${obj.comparator} ${factor}x; no per-period samples for a statistical test)`,
    };
  }

  const mw = mannWhitneyU(canary.samples, baseline.samples, direction);
  // Rates with their counts: the quasi-binomial test uses every request; otherwise ranks of the periods.
  const qb = canary.counts && baseline.counts ? quasiBinomialTest(canary.counts, baseline.counts, direction) : null;
  const p = qb ? qb.p : mw.p;
  const effect = { cliffsDelta: round(mw.cliffsDelta, 3), hodgesLehmann: round(mw.hodgesLehmann), ratio: round(ratio), factor };
  const test = qb
    ? { name: 'quasi-binomial-z', alternative: direction, z: round(qb.z), p: round(qb.p), phi: round(qb.phi, 3), exactP: round(qb.exactP), alpha: opts.alpha, riskDifference: round(qb.riskDifference), ...effect }
    : { name: 'mann-whitney-u', alternative: direction, u: mw.u, p: round(mw.p), method: mw.method, alpha: opts.alpha, ...effect };
  if (withinRatio) return { ...base, verdict: 'pass', test, reason: `${describe}, within ${obj.comparator} ${factor}x` };
  if (p < opts.alpha) {
    return { ...base, verdict: 'fail', test, reason: `${describe}, beyond ${factor}x, and significantly ${direction === 'greater' ? 'higher' : 'lower'} (p=${round(p, 3)} < ${opts.alpha}, Cliff's delta ${round(mw.cliffsDelta, 2)})` };
  }
  if (!qb && smallestPossibleP(n, m) >= opts.alpha) {
    return { ...base, verdict: 'inconclusive', test, reason: `${describe}, beyond ${factor}x, but ${n} canary and ${m} baseline periods are too few for the test to reach p < ${opts.alpha}` };
  }
  return { ...base, verdict: 'pass', test, reason: `${describe}, beyond ${factor}x but not significantly (p=${round(p, 3)} ≥ ${opts.alpha}): within noise` };
}

function fmt(v: number, unit: string): string {
  if (unit === 'ratio') return `${round(v * 100)}%`;
  if (unit === 'none') return String(round(v));
  return `${round(v)}${unit}`;
}

/** Any fail fails the gate; otherwise any inconclusive makes it inconclusive. */
export function combineVerdicts(results: ObjectiveResult[]): { result: Verdict; reason: string } {
  const failed = results.filter((r) => r.verdict === 'fail');
  if (failed.length) return { result: 'fail', reason: explain(failed) };
  const unsure = results.filter((r) => r.verdict === 'inconclusive');
  if (unsure.length) return { result: 'inconclusive', reason: explain(unsure) };
  return { result: 'pass', reason: `all ${results.length} objective(s) met` };
}

/** "a, b: why; c: other why": objectives that share a reason (no data, usually) are named together. */
function explain(results: ObjectiveResult[]): string {
  const byReason = new Map<string, string[]>();
  for (const r of results) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.objective]);
  return [...byReason].map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ');
}
