/**
 * k6 provider: reads a k6 end-of-test summary, in either shape k6 writes:
 *  - `--summary-export` (legacy): `metrics.<name>.{avg,med,p(95),value,rate,...}`, and `thresholds`
 *    as `{ "<expr>": true }` where TRUE MEANS THE THRESHOLD FAILED;
 *  - `handleSummary(data)` JSON: `metrics.<name>.values.{...}` and `thresholds` as `{ "<expr>": { ok } }`.
 * A summary has window values only (no per-period samples), so baseline ratios are plain ratios.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../../common/errors.js';
import type { ObjectiveResult } from '../types.js';
import { metricKind, percentileOf } from '../slo.js';
import type { MetricsProvider, MetricsQuery, Observation, Observations, TargetObservations } from './port.js';
import { noData } from './port.js';
import type { K6Source } from './sources.js';

type Stats = Record<string, number>;
interface K6Metric {
  stats: Stats;
  /** Threshold expression → passed? (already inverted for the export shape). */
  thresholds: Record<string, boolean>;
}
export type K6Summary = { shape: 'summary-export' | 'handle-summary'; metrics: Map<string, K6Metric> };

/** Normalises both shapes; throws a clear error when the JSON is neither. */
export function parseK6Summary(json: unknown, what: string): K6Summary {
  const metrics = (json as { metrics?: unknown })?.metrics;
  if (!metrics || typeof metrics !== 'object') throw new InputError(`${what}: not a k6 summary (no "metrics" object); expected the JSON of --summary-export or of handleSummary(data).`);
  const entries = Object.entries(metrics as Record<string, Record<string, unknown>>);
  const handle = entries.some(([, m]) => m && typeof m === 'object' && 'values' in m);
  const out = new Map<string, K6Metric>();
  for (const [name, m] of entries) {
    const raw = (handle ? m.values : m) as Record<string, unknown> | undefined;
    const stats: Stats = {};
    for (const [k, v] of Object.entries(raw ?? {})) if (typeof v === 'number') stats[k] = v;
    const thresholds: Record<string, boolean> = {};
    for (const [expr, t] of Object.entries((m.thresholds ?? {}) as Record<string, unknown>)) {
      // Export shape: `true` = failed. handleSummary shape: `{ ok: true }` = passed.
      thresholds[expr] = handle ? (t as { ok?: boolean })?.ok === true : t === false;
    }
    out.set(name, { stats, thresholds });
  }
  return { shape: handle ? 'handle-summary' : 'summary-export', metrics: out };
}

/** `p95` → `p(95)`; p50 also answers from `med`. */
function percentileStat(stats: Stats, q: number): number | undefined {
  return stats[`p(${q})`] ?? (q === 50 ? stats.med : undefined);
}

/** The value one objective's metric reads from a summary. Custom metrics: `name` or `name.stat` (avg, med, max, p95, rate, count, value). */
export function k6Value(summary: K6Summary, metric: string, latencyMetric: string): Observation {
  const kind = metricKind(metric);
  if (kind === 'latency') {
    const m = summary.metrics.get(latencyMetric);
    if (!m) return noData(`the summary has no ${latencyMetric} metric`);
    const q = percentileOf(metric)!;
    const v = percentileStat(m.stats, q);
    return v === undefined ? noData(`${latencyMetric} has no p(${q}) in the summary (add it to summaryTrendStats)`) : { kind: 'value', value: v, samples: [] };
  }
  if (kind === 'error-rate') {
    const m = summary.metrics.get('http_req_failed');
    const v = m?.stats.rate ?? m?.stats.value;
    return v === undefined ? noData('the summary has no http_req_failed rate') : { kind: 'value', value: v, samples: [] };
  }
  if (kind === 'request-rate') {
    const v = summary.metrics.get('http_reqs')?.stats.rate;
    return v === undefined ? noData('the summary has no http_reqs rate') : { kind: 'value', value: v, samples: [] };
  }
  const [name, stat] = splitCustom(summary, metric);
  const m = summary.metrics.get(name);
  if (!m) return noData(`the summary has no metric ${name}`);
  const key = stat ?? ['rate', 'value', 'avg', 'count'].find((k) => k in m.stats);
  const pq = key ? /^p(\d+(?:\.\d+)?)$/.exec(key) : null;
  const v = key === undefined ? undefined : pq ? percentileStat(m.stats, Number(pq[1])) : m.stats[key];
  return v === undefined ? noData(`${name} has no ${key ?? 'value'} in the summary`) : { kind: 'value', value: v, samples: [] };
}

/** `http_req_waiting.p95` → [http_req_waiting, p95]; a name that itself has dots is matched whole first. */
function splitCustom(summary: K6Summary, metric: string): [string, string | undefined] {
  if (summary.metrics.has(metric)) return [metric, undefined];
  // The longest known metric name before a dot wins: `http_req_waiting.p99.9` → http_req_waiting + p99.9.
  for (let dot = metric.lastIndexOf('.'); dot > 0; dot = metric.lastIndexOf('.', dot - 1)) {
    if (summary.metrics.has(metric.slice(0, dot))) return [metric.slice(0, dot), metric.slice(dot + 1)];
  }
  return [metric, undefined];
}

/** Every threshold k6 itself evaluated, as one more objective each. */
export function k6ThresholdResults(summary: K6Summary): ObjectiveResult[] {
  const out: ObjectiveResult[] = [];
  for (const [name, m] of summary.metrics) {
    for (const [expr, ok] of Object.entries(m.thresholds)) {
      out.push({
        objective: `k6 threshold ${name}: ${expr}`,
        verdict: ok ? 'pass' : 'fail',
        canary: { value: null, samples: 0 },
        test: { name: 'k6-threshold', shape: summary.shape },
        reason: ok ? 'k6 reported the threshold as met' : 'k6 reported the threshold as crossed',
      });
    }
  }
  return out;
}

async function load(path: string, input: string): Promise<K6Summary> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`Input "${input}": cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? err}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`Input "${input}": "${path}" is not JSON; expected a k6 summary (--summary-export or handleSummary).`);
  }
  return parseK6Summary(json, `Input "${input}" ("${path}")`);
}

export class K6Provider implements MetricsProvider {
  readonly name = 'k6-summary';
  readonly hasBaseline: boolean;
  readonly baselineInputs = 'k6-baseline-summary';
  constructor(private readonly source: K6Source) {
    this.hasBaseline = !!source.baselineSummary;
  }

  /** A summary answers for any metric it has; which it has is known only once it is read. */
  validate(): void {}

  async query(q: MetricsQuery): Promise<Observations> {
    const read = (s: K6Summary): TargetObservations => ({
      requests: s.metrics.get('http_reqs')?.stats.count ?? null,
      metrics: new Map(q.objectives.map((o) => [o.metric, k6Value(s, o.metric, this.source.latencyMetric)])),
    });
    const canary = await load(this.source.canarySummary, 'k6-summary');
    const baseline = q.targets.includes('baseline') && this.source.baselineSummary ? await load(this.source.baselineSummary, 'k6-baseline-summary') : undefined;
    return { canary: read(canary), baseline: baseline && read(baseline), checks: k6ThresholdResults(canary) };
  }
}
