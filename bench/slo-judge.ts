/**
 * Judgement quality of the slo-gate judge (`npm run bench`): how often it fails a healthy canary,
 * and how often it catches a 20 % p95 regression or +2 percentage points of errors, with 10, 20
 * and 50 one-minute periods per side, next to a plain threshold check (the same ratio limits on
 * the window values, no statistical test).
 *
 * The model: each period serves REQUESTS requests per side; latency is lognormal (median 80 ms,
 * σ 0.5) and every period drifts by a lognormal factor (σ 0.15) of its own, as real periods do
 * (load, GC, noisy neighbours), independently for canary and baseline; each request fails with
 * probability p, and p itself varies per period (lognormal, σ 0.4, mean kept). Objectives:
 * `p95 < 1.1x baseline` and `error-rate < 1.5x baseline`; the gate fails when either fails. The
 * judge is the real one (actions/metrics/judge.ts), fed what the CloudWatch provider gives it.
 * Window values are computed over all requests of the window, as CloudWatch's whole-window query.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeObjective, DEFAULT_ALPHA, perObjectiveAlpha } from '../actions/metrics/judge.js';
import { parseObjectives } from '../actions/metrics/slo.js';
import type { Observation } from '../actions/metrics/provider.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 1000);
const REQUESTS = 100;
const SAMPLES = [10, 20, 50];
const BASE = { medianMs: 80, sigma: 0.5, drift: 0.15, errorRate: 0.01, errorDrift: 0.4 };
const CASES = [
  { name: 'healthy canary (same as baseline)', measure: 'false-fail rate', latencyFactor: 1, errorRate: BASE.errorRate },
  { name: 'p95 +20 %', measure: 'detection rate', latencyFactor: 1.2, errorRate: BASE.errorRate },
  { name: 'errors +2 pp (1 % → 3 %)', measure: 'detection rate', latencyFactor: 1, errorRate: BASE.errorRate + 0.02 },
  { name: 'p95 +50 % (a clear regression)', measure: 'detection rate', latencyFactor: 1.5, errorRate: BASE.errorRate },
];
const objectives = parseObjectives(['p95 < 1.1x baseline', 'error-rate < 1.5x baseline']);

// Seeded, so the table is reproducible (mulberry32 + Box-Muller).
function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function p95(sorted: Float64Array): number {
  const pos = 0.95 * (sorted.length - 1);
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
}

/** One side's window: per-period p95 and error rate, and the whole-window values. */
function simulate(r: ReturnType<typeof rng>, periods: number, latencyFactor: number, errorRate: number) {
  const all = new Float64Array(periods * REQUESTS);
  const p95s: number[] = [];
  const rates: number[] = [];
  const events: number[] = [];
  let errors = 0;
  for (let i = 0; i < periods; i++) {
    const scale = BASE.medianMs * latencyFactor * Math.exp(BASE.drift * r.normal());
    const period = new Float64Array(REQUESTS);
    for (let j = 0; j < REQUESTS; j++) period[j] = scale * Math.exp(BASE.sigma * r.normal());
    all.set(period, i * REQUESTS);
    p95s.push(p95(period.sort()));
    const p = Math.min(1, errorRate * Math.exp(BASE.errorDrift * r.normal() - (BASE.errorDrift ** 2) / 2));
    let e = 0;
    for (let j = 0; j < REQUESTS; j++) if (r.uniform() < p) e++;
    errors += e;
    events.push(e);
    rates.push(e / REQUESTS);
  }
  const latency: Observation = { kind: 'value', value: p95(all.sort()), samples: p95s };
  // As the CloudWatch provider gives them: per-period rates and the counts behind them.
  const errorObs: Observation = { kind: 'value', value: errors / (periods * REQUESTS), samples: rates, counts: { events, trials: events.map(() => REQUESTS) } };
  return new Map([['p95', latency], ['error-rate', errorObs]]);
}

/** The plain check: the same ratio limits on the window values, nothing else. */
function plainFails(canary: Map<string, Observation>, baseline: Map<string, Observation>): boolean {
  return objectives.some((o) => {
    const c = canary.get(o.metric)!;
    const b = baseline.get(o.metric)!;
    if (c.kind !== 'value' || b.kind !== 'value' || o.threshold.kind !== 'relative') return false;
    return c.value >= o.threshold.factor * b.value;
  });
}

function gateFails(canary: Map<string, Observation>, baseline: Map<string, Observation>): boolean {
  return objectives.some((o) => judgeObjective(o, canary.get(o.metric), baseline.get(o.metric), { alpha: perObjectiveAlpha(DEFAULT_ALPHA, objectives), onNoData: 'inconclusive' }).verdict === 'fail');
}

const pct = (k: number) => `${((100 * k) / TRIALS).toFixed(1)} %`;
const started = Date.now();
const rows: string[] = [];
for (const periods of SAMPLES) {
  for (const [ci, c] of CASES.entries()) {
    const r = rng(1000 * periods + ci);
    let plain = 0;
    let gate = 0;
    for (let t = 0; t < TRIALS; t++) {
      const baseline = simulate(r, periods, 1, BASE.errorRate);
      const canary = simulate(r, periods, c.latencyFactor, c.errorRate);
      if (plainFails(canary, baseline)) plain++;
      if (gateFails(canary, baseline)) gate++;
    }
    rows.push(`| ${periods} | ${c.name} | ${c.measure} | ${pct(plain)} | ${pct(gate)} |`);
  }
}

const table = [
  `Judgement quality, ${TRIALS} trials per row (seeded): ${REQUESTS} requests per one-minute period per side, lognormal latency (median ${BASE.medianMs} ms, σ ${BASE.sigma}) with per-period drift (σ ${BASE.drift}), Bernoulli errors at ${BASE.errorRate * 100} % with per-period drift (σ ${BASE.errorDrift}). Objectives \`p95 < 1.1x baseline\` and \`error-rate < 1.5x baseline\`; the gate fails when either fails. Plain threshold = the same limits on the window values; slo-gate = the limit AND a one-sided test (p95: Mann-Whitney U over the periods; error rate: quasi-binomial z over the per-period counts) at α = ${DEFAULT_ALPHA} for the gate (Bonferroni: ${DEFAULT_ALPHA / 2} per objective), with Cliff's delta and the Hodges-Lehmann shift reported as effect sizes.`,
  '',
  '| periods per side | case | measure | plain threshold | slo-gate (test + effect size) |',
  '|---:|---|---|---:|---:|',
  ...rows,
  '',
].join('\n');
console.log(table);
const out = join(dirname(fileURLToPath(import.meta.url)), 'slo-judge.md');
writeFileSync(out, `<!-- Generated by \`npm run bench\` (bench/slo-judge.ts): do not edit. -->\n${table}`);
console.error(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
