/**
 * Pure decisions: one objective's verdict from its observations, and the gate's verdict from its
 * objectives'. Ratios to the baseline and error rates with request counts are judged by
 * anytime-valid evidence (sequential.ts): the objective fails only when the evidence says the
 * canary is beyond its limit, the limit itself being the null hypothesis (`p95 < 1.2x baseline`
 * fails on evidence that the canary is slower than 1.2 × the baseline, not merely slower), and the
 * evidence may be looked at every interval of a whole ramp at the configured error rate. Other
 * absolute thresholds judge the canary's own window value, a hard line.
 */
import type { Objective, ObjectiveEvidence, ObjectiveResult, OnNoData, Verdict } from './types.js';
import type { Observation } from './providers/port.js';
import { metricKind, satisfies, worseDirection } from './slo.js';
import { median } from './stats.js';
import { pairedStats, rampLogE, rateRatioLogE, rateVsThresholdLogE, statsLogE, tMixtureLogE, type Counts, type EvidenceStats } from './sequential.js';

export interface JudgeOptions {
  /** Error rate of this objective's evidence (1/α is the e-value that fails it). */
  alpha: number;
  onNoData: OnNoData;
  /** A ramp's earlier steps: this objective's evidence per finished step, and the steps planned. */
  ramp?: { plannedSteps: number; earlier: readonly EvidenceStats[] };
}

export const DEFAULT_ALPHA = 0.05;

/** Objectives judged by evidence (and so given a share of alpha): ratios to the baseline and error rates. */
export function isSequential(o: Objective): boolean {
  return o.threshold.kind === 'relative' || metricKind(o.metric) === 'error-rate';
}

/**
 * The error rate of each objective's evidence: the gate's alpha split evenly over the objectives
 * judged by evidence (Bonferroni), so noise fails a healthy canary at most alpha of the time
 * however many objectives it has.
 */
export function perObjectiveAlpha(gateAlpha: number, objectives: Objective[]): number {
  return gateAlpha / Math.max(1, objectives.filter(isSequential).length);
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

type Valued = Extract<Observation, { kind: 'value' }>;

/**
 * Indexes of the periods both targets have: by period start when both carry times (both ascending:
 * one merge pass), otherwise the last periods of each (both series end with the window).
 */
export function pairPeriods(canary: Valued, baseline: Valued): { c: number[]; b: number[] } {
  const c: number[] = [];
  const b: number[] = [];
  if (canary.times && baseline.times) {
    const [tc, tb] = [canary.times, baseline.times];
    for (let i = 0, j = 0; i < tc.length && j < tb.length; ) {
      if (tc[i] === tb[j]) {
        c.push(i++);
        b.push(j++);
      } else if (tc[i] < tb[j]) i++;
      else j++;
    }
    return { c, b };
  }
  const k = Math.min(canary.samples.length, baseline.samples.length);
  const [dn, dm] = [canary.samples.length - k, baseline.samples.length - k];
  for (let i = 0; i < k; i++) {
    c.push(dn + i);
    b.push(dm + i);
  }
  return { c, b };
}

function pick(c: Counts, idx: number[]): Counts {
  return { events: idx.map((i) => c.events[i]), trials: idx.map((i) => c.trials[i]) };
}

/** The e-value the verdict compares (over the ramp's steps when given) against 1/alpha. */
function weigh(step: EvidenceStats, opts: JudgeOptions): ObjectiveEvidence & { scope: string } {
  const earlier = opts.ramp?.earlier ?? [];
  const planned = opts.ramp?.plannedSteps ?? 1;
  const logE = rampLogE([...earlier, step], planned);
  const scope = opts.ramp ? `over the ramp (step ${earlier.length + 1} of ${Math.max(planned, earlier.length + 1)})` : 'over the window';
  return { step, stepLogE: round(statsLogE(step), 6), eValue: round(Math.exp(logE)), threshold: round(1 / opts.alpha), scope };
}

type Base = Pick<ObjectiveResult, 'objective' | 'canary' | 'baseline'>;

export function judgeObjective(obj: Objective, canary: Observation | undefined, baseline: Observation | undefined, opts: JudgeOptions): ObjectiveResult {
  const base: Base = {
    objective: obj.text,
    canary: { value: valueOf(canary), samples: samplesOf(canary) },
    ...(obj.threshold.kind === 'relative' || baseline ? { baseline: { value: valueOf(baseline), samples: samplesOf(baseline) } } : {}),
  };
  if (canary?.kind !== 'value') return missing(base, canary, 'canary', opts);
  if (obj.threshold.kind === 'absolute') return judgeAbsolute(obj, obj.threshold, canary, base, opts);
  if (baseline?.kind !== 'value') return missing(base, baseline, 'baseline', opts);
  return judgeRelative(obj, obj.threshold.factor, canary, baseline, base, opts);
}

/**
 * No value to judge. A failed query is not an idle target: on-no-data: pass must not let a refused
 * or misconfigured query (IAM, several series) pass the gate, so it is at best inconclusive.
 */
function missing(base: Base, o: Observation | undefined, who: string, opts: JudgeOptions): ObjectiveResult {
  const why = whyMissing(o, who);
  const verdict = o?.kind === 'error' && opts.onNoData === 'pass' ? 'inconclusive' : opts.onNoData;
  return {
    ...base,
    verdict,
    test: { name: 'none' },
    reason: opts.onNoData === 'inconclusive' ? why : verdict === opts.onNoData ? `${why} (on-no-data: ${opts.onNoData})` : `${why} (a failed query is not no data: on-no-data: pass does not apply)`,
    ...(verdict === 'inconclusive' && o?.kind === 'no-data' && o.tooFewRequests ? { awaitingData: true } : {}),
  };
}

/** `error-rate < 1%`, `p95 < 300ms`: an error rate with counts by evidence, anything else by its value. */
function judgeAbsolute(obj: Objective, threshold: Extract<Objective['threshold'], { kind: 'absolute' }>, canary: Valued, base: Base, opts: JudgeOptions): ObjectiveResult {
  const { value: limit, unit } = threshold;
  const direction = worseDirection(obj.comparator);
  const beyond = direction === 'greater' ? 'above' : 'below';
  const ok = satisfies(obj.comparator, canary.value, limit);
  const describe = `canary ${obj.metric} ${fmt(canary.value, unit)}`;
  if (metricKind(obj.metric) === 'error-rate' && canary.counts && limit > 0 && limit < 1) {
    const r = rateVsThresholdLogE(canary.counts, limit, direction);
    const { scope, ...evidence } = weigh(r.stats, opts);
    const test = { name: 'binomial-mixture', alternative: direction, threshold: limit, unit, requests: sum(canary.counts.trials), failures: sum(canary.counts.events), phi: round(r.phi, 3), eValue: evidence.eValue, alpha: opts.alpha };
    const against = `e-value ${evidence.eValue} ${evidence.eValue >= evidence.threshold ? '≥' : '<'} ${evidence.threshold}`;
    if (evidence.eValue >= evidence.threshold) {
      return { ...base, verdict: 'fail', decisive: true, test, evidence, reason: `${describe} is ${beyond} ${fmt(limit, unit)}, and the evidence says so: ${against} (1/α) ${scope}` };
    }
    return {
      ...base, verdict: 'pass', test, evidence,
      reason: ok ? `${describe} meets ${obj.comparator} ${fmt(limit, unit)} (${against})` : `${describe} is ${beyond} ${fmt(limit, unit)} but not yet beyond noise (${against} ${scope})`,
    };
  }
  // Twice over the limit (half of it for `>`) is no noise: it needs no second check.
  const gross = !ok && (direction === 'greater' ? canary.value >= 2 * limit : canary.value <= limit / 2);
  return {
    ...base,
    verdict: ok ? 'pass' : 'fail',
    ...(gross ? { decisive: true } : {}),
    test: { name: 'threshold', threshold: limit, unit },
    reason: `${describe} ${ok ? 'meets' : gross ? 'breaks twice over' : 'breaks'} ${obj.comparator} ${fmt(limit, unit)}`,
  };
}

/** `p95 < 1.2x baseline`: fails only on evidence that the canary is beyond factor × the baseline. */
function judgeRelative(obj: Objective, factor: number, canary: Valued, baseline: Valued, base: Base, opts: JudgeOptions): ObjectiveResult {
  const direction = worseDirection(obj.comparator);
  const beyond = direction === 'greater' ? 'above' : 'below';
  const ratio = baseline.value === 0 ? (canary.value === 0 ? 1 : Infinity) : canary.value / baseline.value;
  const withinRatio = satisfies(obj.comparator, canary.value, factor * baseline.value);
  const describe = `canary ${obj.metric} ${round(canary.value)} is ${round(ratio, 3)}x the baseline's ${round(baseline.value)}`;

  if (canary.samples.length === 0 || baseline.samples.length === 0) {
    // No per-period samples (e.g. a k6 summary): only the window values can be compared.
    return {
      ...base,
      verdict: withinRatio ? 'pass' : 'fail',
      test: { name: 'ratio', ratio: round(ratio), factor },
      reason: `${describe} (limit ${obj.comparator} ${factor}x; no per-period samples for a statistical test)`,
    };
  }

  const { test: stepTest, step } = relativeEvidence(canary, baseline, factor, direction);
  const { scope, ...evidence } = weigh(step, opts);
  const test = { ...stepTest, ratio: round(ratio), factor, eValue: evidence.eValue, alpha: opts.alpha };
  const limit = `${obj.comparator} ${factor}x`;
  if (evidence.eValue >= evidence.threshold) {
    return { ...base, verdict: 'fail', decisive: true, test, evidence, reason: `${describe}; evidence that it is ${beyond} ${factor}x the baseline: e-value ${evidence.eValue} ≥ ${evidence.threshold} (1/α) ${scope}` };
  }
  return {
    ...base, verdict: 'pass', test, evidence,
    reason: withinRatio ? `${describe}, within ${limit} (e-value ${evidence.eValue} < ${evidence.threshold})` : `${describe}, beyond ${limit} on the window value but not beyond noise (e-value ${evidence.eValue} < ${evidence.threshold} ${scope})`,
  };
}

/** This step's evidence against factor × the baseline, period by period. */
function relativeEvidence(canary: Valued, baseline: Valued, factor: number, direction: 'greater' | 'less'): { test: ObjectiveResult['test']; step: EvidenceStats } {
  const pairs = pairPeriods(canary, baseline);
  if (canary.counts && baseline.counts) {
    // Rates with their counts: every request counts, conditioned on each period's failures.
    const r = rateRatioLogE(pick(canary.counts, pairs.c), pick(baseline.counts, pairs.b), factor, direction);
    return { step: r.stats, test: { name: 'rate-ratio-mixture', alternative: direction, periods: pairs.c.length, phi: round(r.phi, 3) } };
  }
  // Per-period values: paired by period (shared load cancels), compared with factor × baseline.
  const c = pairs.c.map((i) => canary.samples[i]);
  const b = pairs.b.map((j) => baseline.samples[j]);
  const logScale = c.every((x) => x > 0) && b.every((x) => x > 0);
  const sign = direction === 'greater' ? 1 : -1;
  const d = c.map((x, k) => sign * (logScale ? Math.log(x) - Math.log(factor * b[k]) : x - factor * b[k]));
  const t = tMixtureLogE(d);
  return {
    step: pairedStats(d),
    test: { name: 'paired-t-mixture', alternative: direction, scale: logScale ? 'log' : 'linear', periods: t.n, t: round(t.t), ratioOfMedians: round(median(c) / median(b)) },
  };
}

const sum = (a: readonly number[]) => a.reduce((s, v) => s + v, 0);

function fmt(v: number, unit: string): string {
  if (unit === 'ratio') return `${round(v * 100)}%`;
  if (unit === 'none') return String(round(v));
  return `${round(v)}${unit}`;
}

/**
 * Any fail fails the gate; otherwise any inconclusive makes it inconclusive, `awaitingData` when
 * every inconclusive objective only waits for min-requests.
 */
export function combineVerdicts(results: ObjectiveResult[]): { result: Verdict; reason: string; awaitingData?: boolean } {
  const failed = results.filter((r) => r.verdict === 'fail');
  if (failed.length) return { result: 'fail', reason: explain(failed) };
  const unsure = results.filter((r) => r.verdict === 'inconclusive');
  if (unsure.length) return { result: 'inconclusive', reason: explain(unsure), ...(unsure.every((r) => r.awaitingData) ? { awaitingData: true } : {}) };
  return { result: 'pass', reason: `all ${results.length} objective(s) met` };
}

/** "a, b: why; c: other why": objectives that share a reason (no data, usually) are named together. */
function explain(results: ObjectiveResult[]): string {
  const byReason = new Map<string, string[]>();
  for (const r of results) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.objective]);
  return [...byReason].map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ');
}
