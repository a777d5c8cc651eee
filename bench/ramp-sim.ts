/**
 * A simulated service behind a canary ramp, minute by minute, for the judgement bench and the tests
 * that hold the error rates. Each one-minute period, per version: requests split by the weight
 * (Poisson), failures Binomial(requests, rate), and a p95 that is the version's p95 times a
 * lognormal factor whose σ is the period-to-period noise plus the sampling noise of a p95 over that
 * many requests (lognormal request latency, σ 0.5: Var ln p95 ≈ 1.1 / requests). Seeded
 * (mulberry32), so every figure is reproducible.
 *
 * `runSloGate` runs the real loop (canary-ramp's runRamp under a FakeClock) with the real gate
 * (evaluateGate, min-requests and all) over a provider that reads the simulated periods; the other
 * runners are the reference judgements the bench compares with.
 */
import { FakeClock } from '../common/clock.js';
import { evaluateGate } from '../actions/metrics/gate.js';
import { parseObjectives } from '../actions/metrics/slo.js';
import { mannWhitneyU } from '../actions/metrics/stats.js';
import type { MetricsProvider, MetricsQuery, Observation, Observations, TargetObservations } from '../actions/metrics/providers/port.js';
import type { GateConfig, Objective } from '../actions/metrics/types.js';
import type { CloudWatchSource } from '../actions/metrics/providers/sources.js';
import { InputError } from '../common/errors.js';
import { runRamp, type RampSettings } from '../actions/canary-ramp/ramp.js';
import { weightsFor, type Baseline, type RampMark, type TrafficRouter, type Weights } from '../actions/traffic/port.js';

export function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  /** Poisson by inversion for small means, normal approximation above 200. */
  const poisson = (mean: number) => {
    if (mean > 200) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = uniform();
    while (p > l) {
      k++;
      p *= uniform();
    }
    return k;
  };
  /** Binomial: exact for few trials or a small mean, normal approximation otherwise. */
  const binomial = (n: number, p: number) => {
    if (n * p < 30 || n < 60) {
      if (n < 60) {
        let k = 0;
        for (let i = 0; i < n; i++) if (uniform() < p) k++;
        return k;
      }
      return Math.min(n, poisson(n * p));
    }
    return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal())));
  };
  return { uniform, normal, poisson, binomial };
}
export type Rng = ReturnType<typeof rng>;

export interface Version {
  /** p95 as a multiple of the baseline's. */
  latency: number;
  errorRate: number;
}

export interface World {
  /** Requests per minute over both versions (Poisson); `perSide` instead fixes each side's requests per period. */
  trafficPerMin: number;
  perSide?: number;
  baseP95Ms: number;
  /** Period-to-period σ of ln p95, on top of the sampling noise. */
  p95Sigma: number;
  baseline: Version;
  /** The canary at a canary weight (percent). */
  canary(percent: number): Version;
}

export interface Period {
  t: number;
  requests: number;
  errors: number;
  /** null when the period had no requests. */
  p95: number | null;
}

const SAMPLING = 1.1;

/** σ of ln p95 in a period of that many requests: the period-to-period noise plus the sampling noise. */
const p95Sd = (w: World, requests: number) => Math.sqrt(w.p95Sigma ** 2 + SAMPLING / requests);

export function period(r: Rng, w: World, v: Version, requests: number, t: number): Period {
  if (requests <= 0) return { t, requests: 0, errors: 0, p95: null };
  const sigma = p95Sd(w, requests);
  return { t, requests, errors: r.binomial(requests, v.errorRate), p95: w.baseP95Ms * v.latency * Math.exp(sigma * r.normal()) };
}

/** Both versions' periods at a canary weight. */
export function minute(r: Rng, w: World, percent: number, t: number): { canary: Period; baseline: Period } {
  const [nc, nb] = w.perSide !== undefined
    ? [w.perSide, w.perSide]
    : [r.poisson((w.trafficPerMin * percent) / 100), r.poisson((w.trafficPerMin * (100 - percent)) / 100)];
  return { canary: period(r, w, w.canary(percent), nc, t), baseline: period(r, w, w.baseline, nb, t) };
}

function observe(periods: Period[]): TargetObservations {
  const live = periods.filter((p) => p.requests > 0);
  const requests = live.reduce((s, p) => s + p.requests, 0);
  const metrics = new Map<string, Observation>();
  if (requests === 0) return { requests: 0, metrics: new Map([['p95', { kind: 'no-data', reason: 'no datapoints in the window' }], ['error-rate', { kind: 'no-data', reason: 'no requests in the window' }]]) };
  const errors = live.reduce((s, p) => s + p.errors, 0);
  // The window's p95 as the request-weighted mean of the periods' (what the provider falls back to).
  const p95 = live.reduce((s, p) => s + p.requests * p.p95!, 0) / requests;
  const times = live.map((p) => p.t);
  metrics.set('p95', { kind: 'value', value: p95, samples: live.map((p) => p.p95!), times });
  metrics.set('error-rate', { kind: 'value', value: errors / requests, samples: live.map((p) => p.errors / p.requests), counts: { events: live.map((p) => p.errors), trials: live.map((p) => p.requests) }, times });
  return { requests, metrics };
}

/** A router that keeps its weight in memory. */
class SimRouter implements TrafficRouter {
  readonly kind = 'alb' as const;
  readonly resource = 'simulated listener';
  weights: Weights = weightsFor(0);
  async snapshot(): Promise<Baseline> {
    return { weights: { ...this.weights } };
  }
  async read(): Promise<Weights> {
    return { ...this.weights };
  }
  async shift(percent: number): Promise<void> {
    this.weights = weightsFor(percent);
  }
  async restore(b: Baseline): Promise<void> {
    this.weights = { ...b.weights };
  }
  async platformSteps(): Promise<null> {
    return null;
  }
  async readMark(): Promise<RampMark | null> {
    return null;
  }
  async writeMark(): Promise<void> {}
  metricsScope(): undefined {
    return undefined;
  }
}

const MIN = 60_000;

/** What the configuration would read; the simulated provider stands in for it, so it is never opened. */
const simQuery = (id: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'Simulation', MetricName: id }, Period: 60, Stat: 'Average' } });
const SIM_SOURCE: CloudWatchSource = { preset: 'raw', queries: { canary: ['p95', 'error_rate'].map(simQuery), baseline: ['p95', 'error_rate'].map(simQuery) } };
const SIMULATED = ['p95', 'error-rate'];

/** The simulated backend: periods are generated up to each query's end at the router's current weight. */
class SimProvider implements MetricsProvider {
  readonly name = 'simulation';
  readonly hasBaseline = true;
  readonly baselineInputs = 'the simulated baseline';
  readonly periods: { canary: Period; baseline: Period }[] = [];
  constructor(private readonly r: Rng, private readonly w: World, private readonly router: SimRouter, private readonly t0: number) {}
  validate(objectives: Objective[]): void {
    const other = objectives.find((o) => !SIMULATED.includes(o.metric));
    if (other) throw new InputError(`Input "slo": the simulation has no ${other.metric} (objective "${other.text}"); it simulates ${SIMULATED.join(' and ')}.`);
  }
  async query(q: MetricsQuery): Promise<Observations> {
    const end = Math.floor((q.window.end.getTime() - this.t0) / MIN);
    while (this.periods.length < end) this.periods.push(minute(this.r, this.w, this.router.weights.canary, this.periods.length));
    const from = Math.ceil((q.window.start.getTime() - this.t0) / MIN);
    const inWindow = this.periods.slice(from, end);
    const times = (p: Period) => ({ ...p, t: this.t0 + p.t * MIN });
    return {
      canary: observe(inWindow.map((p) => times(p.canary))),
      ...(q.targets.includes('baseline') ? { baseline: observe(inWindow.map((p) => times(p.baseline))) } : {}),
    };
  }
}

export interface Plan {
  /** Canary percents of the baked steps, then the promotion at 100. */
  steps: number[];
  bakeMin: number;
  timeoutMin: number;
  slo: string[];
  /** The configured false-rollback rate. */
  alpha: number;
  minRequests: number;
}

export const DEFAULT_PLAN: Plan = { steps: [1, 5, 25, 50], bakeMin: 5, timeoutMin: 330, slo: ['p95 < 1.2x baseline', 'error-rate < 2x baseline'], alpha: 0.01, minRequests: 100 };

export interface Run {
  rolledBack: boolean;
  /** Checks (analysis intervals) from the first bad check (`badFrom` percent reached) to the rollback. */
  delay: number | null;
  /**
   * Analysis intervals from the first bad check whose window had min-requests from the canary to
   * the rollback: 0 when that very check rolled back. What the early-detection targets count.
   */
  delayAfterEvidence: number | null;
  /** Judge calls and the time they took (ms). */
  judgeCalls: number;
  judgeMs: number;
  reason: string;
  /** Minutes the ramp held steps beyond their bake, waiting for min-requests. */
  waitedMin: number;
}

/** The canary is bad from the first check at a weight ≥ badFrom (Infinity: never). */
export async function runSloGate(seed: number, w: World, plan: Plan, badFrom = Infinity): Promise<Run> {
  const r = rng(seed);
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const t0 = clock.now();
  const router = new SimRouter();
  const provider = new SimProvider(r, w, router, t0);
  const config: GateConfig = {
    provider: 'cloudwatch', objectives: parseObjectives(plan.slo), windowMs: 10 * MIN, warmupMs: 0, minRequests: plan.minRequests,
    onNoData: 'inconclusive', dryRun: false, source: SIM_SOURCE, significance: plan.alpha,
  };
  const settings: RampSettings = {
    steps: [...plan.steps.map((percent) => ({ percent, bakeMs: plan.bakeMin * MIN })), { percent: 100, bakeMs: 0 }],
    intervalMs: MIN, warmupMs: 0, maxFailedChecks: 2, onInconclusive: 'hold', maxInconclusive: 5, timeoutMs: plan.timeoutMin * MIN, onTimeout: 'rollback',
  };
  let judgeMs = 0;
  let judgeCalls = 0;
  let badSince: number | null = null;
  let evidencedSince: number | null = null;
  let checks = 0;
  const out = await runRamp(settings, await router.snapshot(), {
    router, clock, signal: new AbortController().signal, onStep: async () => undefined, log: () => undefined,
    judge: async (window, signal, ramp) => {
      checks++;
      if (badSince === null && router.weights.canary >= badFrom) badSince = checks;
      const started = performance.now();
      const result = await evaluateGate(config, {}, { window, signal, ramp }, { provider, clock });
      judgeMs += performance.now() - started;
      judgeCalls++;
      if (badSince !== null && evidencedSince === null && (result.requests?.canary ?? 0) >= plan.minRequests) evidencedSince = checks;
      return result;
    },
  });
  const rolledBack = out.result === 'rolled-back';
  const waitedMin = out.steps.reduce((s, st) => s + (st.waited?.ms ?? 0), 0) / MIN;
  return {
    rolledBack, delay: rolledBack && badSince !== null ? checks - badSince + 1 : null,
    delayAfterEvidence: rolledBack && evidencedSince !== null ? checks - evidencedSince : null,
    judgeCalls, judgeMs, reason: out.reason, waitedMin,
  };
}

/** runSloGate over `trials` seeds from `seed`, one ramp after another. */
export async function runSloGates(trials: number, seed: number, w: World, plan: Plan, badFrom = Infinity): Promise<Run[]> {
  const runs: Run[] = [];
  for (let i = 0; i < trials; i++) runs.push(await runSloGate(seed + i, w, plan, badFrom));
  return runs;
}

/** A reference judgement: a check per interval over a fixed schedule, rollback by its own rule. */
export interface Reference {
  name: string;
  /** Verdict of one check: does it fail? `window` = the periods it looks at. */
  check(step: { canary: Period[]; baseline: Period[] }, last: { canary: Period[]; baseline: Period[] }, slo: ReturnType<typeof parseObjectives>): boolean;
  /** Failed checks that roll back. */
  limit: number;
}

function ratioBreak(c: Period[], b: Period[], slo: ReturnType<typeof parseObjectives>): boolean {
  const live = (ps: Period[]) => ps.filter((p) => p.requests > 0);
  const [lc, lb] = [live(c), live(b)];
  if (!lc.length || !lb.length) return false;
  const n = (ps: Period[]) => ps.reduce((s, p) => s + p.requests, 0);
  return slo.some((o) => {
    if (o.threshold.kind !== 'relative') return false;
    const f = o.threshold.factor;
    if (o.metric === 'error-rate') {
      const rc = lc.reduce((s, p) => s + p.errors, 0) / n(lc);
      const rb = lb.reduce((s, p) => s + p.errors, 0) / n(lb);
      return rc > f * rb && rc > 0;
    }
    const wp = (ps: Period[]) => ps.reduce((s, p) => s + p.requests * p.p95!, 0) / n(ps);
    return wp(lc) > f * wp(lb);
  });
}

export const REFERENCES: Reference[] = [
  {
    // Kayenta: Mann-Whitney U per metric over the analysis window's periods, 98 % confidence
    // (one-sided 1 %), the canary scaled down by the allowed factor; a metric judged High fails the
    // interval's score, and a failing score ends the canary.
    name: 'Kayenta-style MWU (98 % CI) per interval',
    limit: 1,
    check(step, _last, slo) {
      const live = (ps: Period[]) => ps.filter((p) => p.requests > 0);
      const [c, b] = [live(step.canary), live(step.baseline)];
      if (c.length < 2 || b.length < 2) return false;
      return slo.some((o) => {
        if (o.threshold.kind !== 'relative') return false;
        const f = o.threshold.factor;
        const cv = c.map((p) => (o.metric === 'error-rate' ? p.errors / p.requests : p.p95!) / f);
        const bv = b.map((p) => (o.metric === 'error-rate' ? p.errors / p.requests : p.p95!));
        return mannWhitneyU(cv, bv, 'greater').p < 0.01;
      });
    },
  },
  {
    // Flagger: each interval's metric (the last minute) against its threshold; rollback after
    // `threshold` (5) failed checks.
    name: 'Flagger-style threshold, 5 failed checks',
    limit: 5,
    check: (_step, last, slo) => ratioBreak(last.canary, last.baseline, slo),
  },
  {
    // Argo Rollouts: a measurement per interval over a 5-minute query window; the AnalysisRun
    // fails after failureLimit (3) failed measurements, i.e. on the 4th.
    name: 'Argo-style 5m window, failureLimit 3',
    limit: 4,
    check: (step, _last, slo) => ratioBreak(step.canary.slice(-5), step.baseline.slice(-5), slo),
  },
];

/**
 * The bounds below judge each minute's paired d = ln(canary p95 / (factor × baseline p95)) of the
 * `p95 < factor x baseline` objective, where the bad canary's d has mean `effect` = ln(latency /
 * factor) and variance `variance` (what the simulation draws it with). `evidence` takes a minute's d
 * and returns the log evidence so far; one bound per trial, as it keeps its evidence.
 */
function pairedBound(w: World, name: string, alpha: number, latency: number, evidence: (d: number, variance: number, effect: number) => number): Reference {
  return {
    name,
    limit: 1,
    check(_step, last, slo) {
      const o = slo.find((x) => x.metric === 'p95' && x.threshold.kind === 'relative');
      const [c, b] = [last.canary[0], last.baseline[0]];
      if (!o || o.threshold.kind !== 'relative' || !c?.requests || !b?.requests) return false;
      const factor = o.threshold.factor;
      const d = Math.log(c.p95! / b.p95!) - Math.log(factor);
      return evidence(d, p95Sd(w, c.requests) ** 2 + p95Sd(w, b.requests) ** 2, Math.log(latency / factor)) >= Math.log(1 / alpha);
    },
  };
}

/**
 * A bound, not a judgement: the likelihood ratio of "the canary's p95 is `latency` × the
 * baseline's" against "it is at the margin", told what no judge can know (that exact effect and
 * every period's σ) and given the whole α on its one objective (slo-gate splits α over two). Under
 * that alternative it is the log-optimal e-value (Grünwald, de Heide & Koolen, Safe testing, JRSS B
 * 2024): no valid test's evidence grows faster in expectation, so its delay is the floor for any
 * anytime-valid judge of these data.
 */
export function likelihoodRatioOracle(w: World, latency: number, alpha: number): Reference {
  let logLr = 0;
  return pairedBound(w, `*bound:* likelihood ratio told p95 ×${latency} and every σ (${alpha * 100} %)`, alpha, latency, (d, variance, effect) => (logLr += (effect * d - (effect * effect) / 2) / variance));
}

/**
 * A bound with σ unknown: the Bayes factor for the effect size δ = effect / σ at the first step
 * (its paired σ at the step's expected traffic) against δ = 0, σ integrated out under the
 * right-Haar prior dσ/σ (Lai 1976; Pérez-Ortiz, Lardy, de Heide & Grünwald 2024). It is the best a
 * scale-invariant anytime-valid test can do for that δ, as slo-gate's t mixture is one: what is left
 * between the two is the cost of not knowing the effect.
 */
export function scaleInvariantOracle(w: World, latency: number, alpha: number, firstPercent: number): Reference {
  const share = firstPercent / 100;
  const perMin = (f: number) => w.perSide ?? w.trafficPerMin * f;
  const firstStepSd = Math.sqrt(p95Sd(w, perMin(share)) ** 2 + p95Sd(w, perMin(1 - share)) ** 2);
  let [n, sum, sumSq] = [0, 0, 0];
  return pairedBound(w, `*bound:* Bayes factor told p95 ×${latency}'s effect size, σ unknown (${alpha * 100} %)`, alpha, latency, (d, _variance, effect) => {
    [n, sum, sumSq] = [n + 1, sum + d, sumSq + d * d];
    return logPointBayesFactor(n, sum, sumSq, effect / firstStepSd);
  });
}

/**
 * ln of the right-Haar Bayes factor for δ = δ0 > 0 against δ = 0 from n, Σd and Σd²: with
 * a = δ0 Σd / √Σd², it is e^(−nδ0²/2) Σ_k (√2 a)^k / k! · Γ((n+k)/2) / Γ(n/2), a series whose terms
 * fall once k passes a². For a ≤ 0 it is below e^(−nδ0²/2), which is returned (it never decides there).
 */
export function logPointBayesFactor(n: number, sum: number, sumSq: number, delta0: number): number {
  if (n === 0 || sumSq <= 0) return 0;
  const a = (delta0 * sum) / Math.sqrt(sumSq);
  const prior = (-n * delta0 * delta0) / 2;
  // a ≤ δ0 √n (Cauchy-Schwarz), so the series needs at most ~2δ0²n terms.
  if (!(a > 0)) return prior;
  // q = Γ((m+1)/2) / Γ(m/2), from q(1) = 1/√π and q(m+1) = (m/2) / q(m).
  let q = 1 / Math.sqrt(Math.PI);
  for (let m = 1; m < n; m++) q = m / 2 / q;
  let [logTerm, logSum] = [0, 0];
  for (let k = 0; ; k++) {
    logTerm += Math.log((Math.SQRT2 * a) / (k + 1)) + Math.log(q);
    q = (n + k) / 2 / q;
    logSum = Math.max(logSum, logTerm) + Math.log1p(Math.exp(-Math.abs(logSum - logTerm)));
    if (k > 2 * a * a + n && logTerm < logSum - 40) return prior + logSum;
  }
}

/**
 * A reference judgement over `trials` seeds from `seed`. A function builds a fresh one per trial,
 * for the references that keep state from check to check (the bounds keep their evidence).
 */
export function runReferences(ref: Reference | ((w: World) => Reference), trials: number, seed: number, w: World, plan: Plan, badFrom = Infinity): Run[] {
  const make = typeof ref === 'function' ? ref : () => ref;
  return Array.from({ length: trials }, (_, i) => runReference(make(w), seed + i, w, plan, badFrom));
}

/** A reference judgement over the same schedule (no waiting for data: a step advances after its bake). */
function runReference(ref: Reference, seed: number, w: World, plan: Plan, badFrom = Infinity): Run {
  const r = rng(seed);
  const slo = parseObjectives(plan.slo);
  let failed = 0;
  let checks = 0;
  let badSince: number | null = null;
  let evidencedSince: number | null = null;
  let judgeMs = 0;
  for (const percent of plan.steps) {
    const step = { canary: [] as Period[], baseline: [] as Period[] };
    for (let m = 0; m < plan.bakeMin; m++) {
      const p = minute(r, w, percent, checks);
      step.canary.push(p.canary);
      step.baseline.push(p.baseline);
      checks++;
      if (badSince === null && percent >= badFrom) badSince = checks;
      if (badSince !== null && evidencedSince === null && step.canary.reduce((n, c) => n + c.requests, 0) >= plan.minRequests) evidencedSince = checks;
      const started = performance.now();
      const fails = ref.check(step, { canary: [p.canary], baseline: [p.baseline] }, slo);
      judgeMs += performance.now() - started;
      if (fails && ++failed >= ref.limit) {
        return { rolledBack: true, delay: badSince === null ? null : checks - badSince + 1, delayAfterEvidence: evidencedSince === null ? null : checks - evidencedSince, judgeCalls: checks, judgeMs, reason: `${failed} failed check(s) at ${percent}%`, waitedMin: 0 };
      }
    }
  }
  return { rolledBack: false, delay: null, delayAfterEvidence: null, judgeCalls: checks, judgeMs, reason: 'promoted', waitedMin: 0 };
}

export interface Summary {
  rollbackRate: number;
  medianDelay: number | null;
  /** Median and 90th percentile of delayAfterEvidence over the rolled-back runs. */
  medianDelayAfterEvidence: number | null;
  p90DelayAfterEvidence: number | null;
  meanJudgeUs: number;
  medianWaitMin: number;
}

export function summarise(runs: Run[]): Summary {
  const delays = runs.map((x) => x.delay).filter((d): d is number => d !== null).sort((a, b) => a - b);
  const afterEvidence = runs.map((x) => x.delayAfterEvidence).filter((d): d is number => d !== null).sort((a, b) => a - b);
  const waits = runs.map((x) => x.waitedMin).sort((a, b) => a - b);
  const calls = runs.reduce((s, x) => s + x.judgeCalls, 0);
  return {
    rollbackRate: runs.filter((x) => x.rolledBack).length / runs.length,
    medianDelay: delays.length ? delays[(delays.length - 1) >> 1] : null,
    medianDelayAfterEvidence: afterEvidence.length ? afterEvidence[(afterEvidence.length - 1) >> 1] : null,
    p90DelayAfterEvidence: afterEvidence.length ? afterEvidence[Math.ceil(0.9 * afterEvidence.length) - 1] : null,
    meanJudgeUs: calls ? (1000 * runs.reduce((s, x) => s + x.judgeMs, 0)) / calls : 0,
    medianWaitMin: waits[(waits.length - 1) >> 1] ?? 0,
  };
}

/** The worlds the bench and the tests judge: base p95 120 ms, errors 0.2 % unless said otherwise. */
export const healthy = (trafficPerMin: number, p95Sigma = 0.1): World => ({
  trafficPerMin, baseP95Ms: 120, p95Sigma, baseline: { latency: 1, errorRate: 0.002 }, canary: () => ({ latency: 1, errorRate: 0.002 }),
});
export const withCanary = (w: World, bad: Version, from = 0): World => ({ ...w, canary: (percent) => (percent >= from ? bad : w.baseline) });
