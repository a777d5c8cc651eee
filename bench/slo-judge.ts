/**
 * Judgement quality of the slo-gate judge over whole ramps (`npm run bench`): how often a healthy
 * canary is rolled back (every check of every step counted), how often a bad one is caught and
 * after how many checks, and how long one judgement takes, next to three reference judgements on
 * the same simulated service (bench/ramp-sim.ts):
 *
 * - Kayenta-style: Mann-Whitney U per interval over the step's periods, 98 % confidence (one-sided
 *   1 %), the canary scaled by the allowed factor; a failing interval ends the canary.
 * - Flagger-style: each interval's last-minute value against the limit; rollback after 5 failed checks.
 * - Argo-style: each interval's 5-minute value against the limit; rollback after failureLimit 3.
 * - slo-gate: the real loop (runRamp) and gate (evaluateGate) with anytime-valid evidence at a
 *   false-rollback rate of 1 %, min-requests 100, waiting for data where traffic is low.
 * - Two bounds where only the canary's p95 is bad (bench/ramp-sim.ts): the fastest any valid test,
 *   and any scale-invariant one, could be if told the effect.
 *
 * Then the judge's cost at 10,000 and 100,000 periods a side. Progress goes to stderr; the table to
 * stdout and bench/slo-judge.md. BENCH_TRIALS overrides the trials per cell (2000).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeObjective } from '../actions/metrics/judge.js';
import { parseObjective } from '../actions/metrics/slo.js';
import type { Observation } from '../actions/metrics/providers/port.js';
import { DEFAULT_PLAN, healthy, likelihoodRatioOracle, REFERENCES, rng, runReferences, runSloGates, scaleInvariantOracle, summarise, withCanary, type Plan, type Run, type World } from './ramp-sim.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 2000);

interface Scenario {
  name: string;
  plan: Plan;
  healthy: World;
  bad: World;
  /** Canary percent from which the bad canary is bad. */
  badFrom: number;
  /** The bad canary's p95 ratio, where only its p95 is bad: the two bounds (likelihood ratio and Bayes factor) are shown too. */
  oracle?: number;
}

const NORMAL = healthy(6000);
const LOW = healthy(1200);
const ONE_STEP: Plan = { ...DEFAULT_PLAN, steps: [50], bakeMin: 10, slo: ['p95 < 1.1x baseline', 'error-rate < 2x baseline'] };
const fixed = (perSide: number, p95Sigma: number, errorRate: number): World => ({ ...healthy(0, p95Sigma), perSide, baseline: { latency: 1, errorRate }, canary: () => ({ latency: 1, errorRate }) });

const SCENARIOS: Scenario[] = [
  {
    name: 'one step of 10 periods, p95 +20 % (σ 0.20, 1000 req/period a side), `p95 < 1.1x baseline`',
    plan: ONE_STEP, healthy: fixed(1000, 0.2, 0.005), bad: withCanary(fixed(1000, 0.2, 0.005), { latency: 1.2, errorRate: 0.005 }), badFrom: 0,
  },
  {
    name: 'one step of 10 periods, errors 0.5 % → 2.5 % (20 req/period a side), `error-rate < 2x baseline`',
    plan: ONE_STEP, healthy: fixed(20, 0.2, 0.005), bad: withCanary(fixed(20, 0.2, 0.005), { latency: 1, errorRate: 0.025 }), badFrom: 0,
  },
  { name: '5-step ramp, 100 req/s: errors 3 % vs 0.2 % from the start', plan: DEFAULT_PLAN, healthy: NORMAL, bad: withCanary(NORMAL, { latency: 1, errorRate: 0.03 }), badFrom: 0 },
  { name: '5-step ramp, 100 req/s: p95 +60 % from the start', plan: DEFAULT_PLAN, healthy: NORMAL, bad: withCanary(NORMAL, { latency: 1.6, errorRate: 0.002 }), badFrom: 0, oracle: 1.6 },
  {
    name: '5-step ramp, 100 req/s: healthy = inside the margins (p95 +8 %, errors 1.5x); bad only from 25 % (p95 +60 %, errors 3 %)',
    plan: DEFAULT_PLAN, healthy: withCanary(NORMAL, { latency: 1.08, errorRate: 0.003 }), bad: withCanary(NORMAL, { latency: 1.6, errorRate: 0.03 }, 25), badFrom: 25,
  },
  { name: '5-step ramp, low traffic 20 req/s: errors 3 % vs 0.2 %', plan: DEFAULT_PLAN, healthy: LOW, bad: withCanary(LOW, { latency: 1, errorRate: 0.03 }), badFrom: 0 },
  // The worst healthy canary: exactly at its margins. Per-look tests pay here for every look.
  {
    name: '5-step ramp, 100 req/s: healthy = exactly at the margins (p95 1.2x, errors 2x); bad = p95 +60 %',
    plan: DEFAULT_PLAN, healthy: withCanary(NORMAL, { latency: 1.2, errorRate: 0.004 }), bad: withCanary(NORMAL, { latency: 1.6, errorRate: 0.002 }), badFrom: 0, oracle: 1.6,
  },
  // Longer steps mean more looks at larger windows: per-look tests pay for every one of them.
  { name: '5-step ramp with 15-minute steps, 100 req/s: p95 +60 % from the start', plan: { ...DEFAULT_PLAN, bakeMin: 15 }, healthy: NORMAL, bad: withCanary(NORMAL, { latency: 1.6, errorRate: 0.002 }), badFrom: 0, oracle: 1.6 },
];

const SEED = 20_000;
const fmtRate = (x: number) => x.toFixed(3);
const fmtDelay = (d: number | null) => (d === null ? '—' : String(d));

const started = Date.now();
const rows: string[] = [];
const meets: string[] = [];
for (const [si, sc] of SCENARIOS.entries()) {
  type Method = { name: string; run: (w: World, badFrom: number) => Promise<Run[]> | Run[]; bound?: true };
  const methods: Method[] = [
    ...REFERENCES.map((ref): Method => ({ name: ref.name, run: (w, badFrom) => runReferences(ref, TRIALS, SEED, w, sc.plan, badFrom) })),
    { name: '**slo-gate** (anytime-valid, 1 %)', run: (w, badFrom) => runSloGates(TRIALS, SEED, w, sc.plan, badFrom) },
  ];
  if (sc.oracle !== undefined) {
    const latency = sc.oracle;
    for (const bound of [(w: World) => likelihoodRatioOracle(w, latency, sc.plan.alpha), (w: World) => scaleInvariantOracle(w, latency, sc.plan.alpha, sc.plan.steps[0])]) {
      methods.push({ name: bound(sc.bad).name, run: (w, badFrom) => runReferences(bound, TRIALS, SEED, w, sc.plan, badFrom), bound: true });
    }
  }
  for (const { name, run, bound } of methods) {
    const h = summarise(await run(sc.healthy, Infinity));
    const b = summarise(await run(sc.bad, sc.badFrom));
    const ok = h.rollbackRate <= 0.01 && b.rollbackRate >= 0.95;
    if (ok && !bound) meets.push(`${si + 1}: ${name}`);
    const us = (h.meanJudgeUs + b.meanJudgeUs) / 2;
    rows.push(`| ${si + 1}. ${sc.name} | ${name} | ${fmtRate(h.rollbackRate)} | ${fmtRate(b.rollbackRate)} | ${fmtDelay(b.medianDelay)} | ${fmtDelay(b.medianDelayAfterEvidence)} | ${h.medianWaitMin > 0 ? `${h.medianWaitMin} m` : '—'} | ${us.toFixed(0)} µs | ${bound ? 'a bound' : ok ? '✅' : '—'} |`);
    console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] scenario ${si + 1}/${SCENARIOS.length} ${name}: false ${fmtRate(h.rollbackRate)}, power ${fmtRate(b.rollbackRate)}, delay ${fmtDelay(b.medianDelay)} (${fmtDelay(b.medianDelayAfterEvidence)} after min-requests)`);
  }
}

/** The judge alone on n periods a side: a ratio of p95s and a ratio of error rates. */
function scale(n: number): string {
  const r = rng(n);
  const times = Array.from({ length: n }, (_, i) => i * 60_000);
  const side = (factor: number, rate: number): Map<string, Observation> => {
    const trials = times.map(() => 100);
    const events = trials.map((t) => r.binomial(t, rate));
    const p95 = times.map(() => 120 * factor * Math.exp(0.2 * r.normal()));
    return new Map<string, Observation>([
      ['p95', { kind: 'value', value: 120 * factor, samples: p95, times }],
      ['error-rate', { kind: 'value', value: rate, samples: events.map((e) => e / 100), counts: { events, trials }, times }],
    ]);
  };
  const canary = side(1.05, 0.002);
  const baseline = side(1, 0.002);
  const cells = ['p95 < 1.2x baseline', 'error-rate < 2x baseline'].map((line) => {
    const o = parseObjective(line);
    // The best of three: the machine is shared, and a judgement is short.
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      judgeObjective(o, canary.get(o.metric), baseline.get(o.metric), { alpha: 0.005, onNoData: 'inconclusive' });
      best = Math.min(best, performance.now() - t0);
    }
    return `${best.toFixed(1)} ms`;
  });
  return `| ${n.toLocaleString('en')} | ${cells.join(' | ')} |`;
}
// One warm-up so the first row does not pay for compilation.
scale(1000);
const scaleRows = [scale(10_000), scale(100_000)];
console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] scale rows done`);

const table = [
  `Ramp-level judgement, ${TRIALS} seeded trials per cell (bench/ramp-sim.ts): a check every minute; the 5-step ramp is 1, 5, 25, 50 % for 5 minutes each, then 100 %; objectives \`p95 < 1.2x baseline\` and \`error-rate < 2x baseline\` unless the scenario says otherwise. Per period and version: Poisson requests by weight, Binomial failures, a p95 of 120 ms × a lognormal factor (σ 0.1 period to period, plus the sampling noise of a p95 over that many requests). *False rollback*: share of healthy canaries rolled back anywhere in the ramp; *power*: share of bad canaries rolled back; *delay*: median checks (analysis intervals) from the first check of the bad canary to its rollback, and from the first check whose step had min-requests (100) from the canary, the early-detection targets' count (0: that check rolled back; the targets are 2 for a clearly bad canary, 1 for an absolute threshold broken twice over); *wait*: median minutes a healthy ramp held a step beyond its bake for min-requests; *judge*: mean time of one judgement. Rows marked *bound* are not judgements: they are told what no judge can know, on the same data, to show how fast any valid one could be. The likelihood ratio told the bad canary's effect and every σ is the log-optimal e-value, the floor for every valid test; the Bayes factor told only its effect size (σ integrated out, right-Haar) is the floor for a scale-invariant one, as slo-gate's t mixture is.`,
  '',
  '| scenario | judgement | false rollback | power | median delay (checks) | after min-requests | wait | judge | ≤ 1 % false and ≥ 0.95 power |',
  '|---|---|---:|---:|---:|---:|---:|---:|:---:|',
  ...rows,
  '',
  'The judge alone (one judgement of each objective, n one-minute periods a side, times and counts included):',
  '',
  '| periods a side | `p95 < 1.2x baseline` (paired t mixture) | `error-rate < 2x baseline` (rate-ratio mixture) |',
  '|---:|---:|---:|',
  ...scaleRows,
  '',
].join('\n');
console.log(table);
const out = join(dirname(fileURLToPath(import.meta.url)), 'slo-judge.md');
writeFileSync(out, `<!-- Generated by \`npm run bench\` (bench/slo-judge.ts): do not edit. -->\n${table}`);
console.error(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s; rows at ≤ 1 % false rollback and ≥ 0.95 power: ${meets.join('; ') || 'none'}`);
