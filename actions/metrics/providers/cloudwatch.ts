/**
 * CloudWatch provider: every metric of one evaluation, for canary and baseline, in ONE GetMetricData
 * request (paged by NextToken only when CloudWatch pages it): CloudWatch bills per metric requested.
 * Presets turn a target (ALB target group, Service Connect service, EMF Service/Version, App Mesh
 * task family) into dimensions; `raw` takes MetricDataQuery JSON as is.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult, type Dimension } from '@aws-sdk/client-cloudwatch';
import { awsClient } from '../../../common/aws.js';
import { InputError } from '../../../common/errors.js';
import { loadBalancerDimension, targetGroupDimension } from '../../lib/arn.js';
import type { Objective } from '../types.js';
import { metricKind, percentileOf } from '../slo.js';
import type { MetricsProvider, MetricsQuery, Observation, Observations, Target, TargetObservations } from './port.js';
import { noData } from './port.js';
import { CLOUDWATCH_PERIOD_S, type CloudWatchSource } from './sources.js';
import { alignWindow, type AlignedWindow } from './window.js';

/** One target's RED metrics: where they live and how their latency converts to ms. */
interface RedSpec {
  namespace: string;
  dimensions: Dimension[];
  requests: string;
  errors: { name: string; extraDimensions?: Dimension[] };
  latency: { name: string; toMs: number };
}

function redSpecs(source: Exclude<CloudWatchSource, { preset: 'raw' }>): { canary: RedSpec; baseline?: RedSpec } {
  switch (source.preset) {
    case 'alb': {
      if (!source.loadBalancer) throw new InputError('Input "load-balancer" is required for preset alb (app/<name>/<id> or its ARN).');
      if (!source.canaryTargetGroup) throw new InputError('Input "canary-target-group" is required for preset alb (targetgroup/<name>/<id> or its ARN).');
      const lb = loadBalancerDimension(source.loadBalancer, 'load-balancer');
      const spec = (tg: string): RedSpec => ({
        namespace: 'AWS/ApplicationELB',
        dimensions: [{ Name: 'TargetGroup', Value: tg }, { Name: 'LoadBalancer', Value: lb }],
        requests: 'RequestCount',
        errors: { name: 'HTTPCode_Target_5XX_Count' },
        latency: { name: 'TargetResponseTime', toMs: 1000 },
      });
      return {
        canary: spec(targetGroupDimension(source.canaryTargetGroup, 'canary-target-group')),
        baseline: source.baselineTargetGroup ? spec(targetGroupDimension(source.baselineTargetGroup, 'baseline-target-group')) : undefined,
      };
    }
    case 'service-connect': {
      const spec = (service: string): RedSpec => ({
        namespace: 'AWS/ECS',
        dimensions: [{ Name: 'ClusterName', Value: source.cluster }, { Name: 'ServiceName', Value: service }, { Name: 'DiscoveryName', Value: source.discoveryName }],
        requests: 'RequestCount',
        errors: { name: 'HTTPCode_Target_5XX_Count' },
        latency: { name: 'TargetResponseTime', toMs: 1 },
      });
      return { canary: spec(source.canaryService), baseline: source.baselineService ? spec(source.baselineService) : undefined };
    }
    case 'emf': {
      const spec = (version: string): RedSpec => ({
        namespace: source.namespace,
        dimensions: [{ Name: 'Service', Value: source.service }, { Name: 'Version', Value: version }],
        requests: source.metricNames.requests,
        errors: { name: source.metricNames.errors },
        latency: { name: source.metricNames.latency, toMs: 1 },
      });
      return { canary: spec(source.canaryVersion), baseline: source.baselineVersion ? spec(source.baselineVersion) : undefined };
    }
    case 'appmesh': {
      const spec = (family: string): RedSpec => ({
        namespace: source.namespace,
        dimensions: [{ Name: 'ClusterName', Value: source.cluster }, { Name: 'TaskDefinitionFamily', Value: family }],
        requests: source.metricNames.requests,
        errors: { name: source.metricNames.errors, extraDimensions: [{ Name: 'envoy_response_code_class', Value: '5' }] },
        latency: { name: source.metricNames.latency, toMs: 1 },
      });
      return { canary: spec(source.canaryFamily), baseline: source.baselineFamily ? spec(source.baselineFamily) : undefined };
    }
  }
}

const idPart = (metric: string) => metric.replace(/[^A-Za-z0-9]/g, '_');

/** What we asked for per target and metric, so results can be read back by id. */
interface Plan {
  queries: MetricDataQuery[];
  read(results: Map<string, MetricDataResult>, window: AlignedWindow): Observations;
}

function redPlan(objectives: Objective[], specs: { canary: RedSpec; baseline?: RedSpec }, targets: Target[], windowSeconds: number): Plan {
  const queries: MetricDataQuery[] = [];
  const stat = (id: string, ns: string, name: string, dims: Dimension[], s: string, period = CLOUDWATCH_PERIOD_S) =>
    queries.push({ Id: id, MetricStat: { Metric: { Namespace: ns, MetricName: name, Dimensions: dims }, Period: period, Stat: s }, ReturnData: true });
  const percentiles = new Set<string>();
  const customs = new Set<string>();
  for (const o of objectives) {
    const kind = metricKind(o.metric);
    if (kind === 'latency') percentiles.add(o.metric);
    if (kind === 'custom') customs.add(o.metric);
  }
  const active = targets.filter((t) => specs[t]);
  for (const t of active) {
    const s = specs[t]!;
    stat(`${t}_req`, s.namespace, s.requests, s.dimensions, 'Sum');
    stat(`${t}_err`, s.namespace, s.errors.name, [...s.dimensions, ...(s.errors.extraDimensions ?? [])], 'Sum');
    for (const p of percentiles) {
      stat(`${t}_${idPart(p)}`, s.namespace, s.latency.name, s.dimensions, p);
      stat(`${t}_${idPart(p)}_window`, s.namespace, s.latency.name, s.dimensions, p, windowSeconds);
    }
    for (const c of customs) {
      stat(`${t}_x_${idPart(c)}`, s.namespace, c, s.dimensions, 'Average');
      stat(`${t}_x_${idPart(c)}_window`, s.namespace, c, s.dimensions, 'Average', windowSeconds);
    }
  }
  return {
    queries,
    read(results, window) {
      const readTarget = (t: Target): TargetObservations => {
        const s = specs[t]!;
        const req = seriesOf(results.get(`${t}_req`));
        const err = seriesOf(results.get(`${t}_err`));
        const failed = [`${t}_req`, `${t}_err`].map((id) => results.get(id)).find(hasError);
        const requests = [...req.values()].reduce((a, b) => a + b, 0);
        const metrics = new Map<string, Observation>();
        for (const o of objectives) {
          const kind = metricKind(o.metric);
          if (kind === 'latency') {
            const id = `${t}_${idPart(o.metric)}`;
            metrics.set(o.metric, latencyObservation(results.get(id), results.get(`${id}_window`), req, s.latency.toMs));
          } else if (kind === 'custom') {
            const id = `${t}_x_${idPart(o.metric)}`;
            metrics.set(o.metric, latencyObservation(results.get(id), results.get(`${id}_window`), req, 1));
          } else if (failed) {
            metrics.set(o.metric, { kind: 'error', message: errorText(failed) });
          } else if (kind === 'error-rate') {
            metrics.set(o.metric, errorRate(req, err));
          } else {
            metrics.set(o.metric, requestRate(req, window));
          }
        }
        return { requests: failed ? null : requests, metrics };
      };
      return { canary: readTarget('canary'), baseline: active.includes('baseline') ? readTarget('baseline') : undefined };
    },
  };
}

function seriesOf(r: MetricDataResult | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (!r?.Timestamps || !r.Values) return out;
  r.Timestamps.forEach((ts, i) => out.set(new Date(ts).getTime(), r.Values![i]));
  return out;
}

function hasError(r: MetricDataResult | undefined): boolean {
  return !!r && (r.StatusCode === 'Forbidden' || r.StatusCode === 'InternalError');
}
function errorText(r: MetricDataResult): string {
  return `${r.Id}: ${r.StatusCode}${r.Messages?.length ? ` (${r.Messages.map((m) => m.Value ?? m.Code).join('; ')})` : ''}`;
}

/**
 * ALB publishes nothing for a count that is zero: a period with requests but no 5XX datapoint had
 * zero errors. Periods without requests carry no information and are left out.
 */
export function errorRate(req: Map<number, number>, err: Map<number, number>): Observation {
  let total = 0;
  let errors = 0;
  const samples: number[] = [];
  const times: number[] = [];
  const counts = { events: [] as number[], trials: [] as number[] };
  for (const [ts, r] of [...req].sort((a, b) => a[0] - b[0])) {
    if (!(r > 0)) continue;
    const e = err.get(ts) ?? 0;
    total += r;
    errors += e;
    samples.push(e / r);
    times.push(ts);
    counts.events.push(e);
    counts.trials.push(r);
  }
  if (total === 0) return noData('no requests in the window');
  return { kind: 'value', value: errors / total, samples, counts, times };
}

/**
 * Requests per second over the window, and per period. A period without a RequestCount datapoint
 * served nothing (ALB publishes no zero counts): it is a 0 sample, or a canary that drops out of
 * the target group half the time would rank like one that never did.
 */
export function requestRate(req: Map<number, number>, window: AlignedWindow): Observation {
  if (req.size === 0) return noData('no RequestCount datapoints in the window');
  const samples: number[] = [];
  for (let ts = window.start.getTime(); ts < window.end.getTime(); ts += CLOUDWATCH_PERIOD_S * 1000) samples.push((req.get(ts) ?? 0) / CLOUDWATCH_PERIOD_S);
  const total = [...req.values()].reduce((a, b) => a + b, 0);
  return { kind: 'value', value: total / window.seconds, samples };
}

/**
 * Per-period values as samples; the window value from the whole-window datapoint, or, when
 * CloudWatch gave none, the request-weighted mean of the periods (an approximation, said so).
 */
function latencyObservation(series: MetricDataResult | undefined, window: MetricDataResult | undefined, req: Map<number, number>, toMs: number): Observation {
  if (hasError(series)) return { kind: 'error', message: errorText(series!) };
  const s = [...seriesOf(series).entries()].sort((a, b) => a[0] - b[0]);
  if (s.length === 0) return noData('no datapoints in the window');
  const samples = s.map(([, v]) => v * toMs);
  const times = s.map(([ts]) => ts);
  const w = window?.Values?.[0];
  if (w !== undefined && !hasError(window)) return { kind: 'value', value: w * toMs, samples, times };
  let weight = 0;
  let sum = 0;
  for (const [ts, v] of s) {
    const r = req.get(ts) ?? 1;
    weight += r;
    sum += r * v * toMs;
  }
  return { kind: 'value', value: sum / weight, samples, times };
}

/** Metric names map to query Ids: p95 → p95, error-rate → error_rate, others as written with non-word characters as _. */
export function rawIdFor(metric: string): string {
  return idPart(metric);
}

function rawPlan(objectives: Objective[], queries: { canary: MetricDataQuery[]; baseline?: MetricDataQuery[] }, targets: Target[]): Plan {
  const all: MetricDataQuery[] = [];
  const active = targets.filter((t) => queries[t]?.length);
  for (const t of active) {
    const ids = queries[t]!.map((q) => q.Id!);
    const rename = (expr: string) => expr.replace(/\b[a-z][A-Za-z0-9_]*\b/g, (w) => (ids.includes(w) ? `${t}_${w}` : w));
    for (const q of queries[t]!) all.push({ ...q, Id: `${t}_${q.Id}`, ...(q.Expression ? { Expression: rename(q.Expression) } : {}) });
  }
  return {
    queries: all,
    read(results) {
      const readTarget = (t: Target): TargetObservations => {
        const req = results.get(`${t}_requests`);
        const requests = req ? [...seriesOf(req).values()].reduce((a, b) => a + b, 0) : null;
        const metrics = new Map<string, Observation>();
        for (const o of objectives) {
          const r = results.get(`${t}_${rawIdFor(o.metric)}`);
          if (hasError(r)) metrics.set(o.metric, { kind: 'error', message: errorText(r!) });
          else {
            const samples = [...seriesOf(r).entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
            // The window value of a raw series is the mean of its periods: give Period = the window for an exact one.
            metrics.set(o.metric, samples.length ? { kind: 'value', value: samples.reduce((a, b) => a + b, 0) / samples.length, samples } : noData('no datapoints in the window'));
          }
        }
        return { requests, metrics };
      };
      return { canary: readTarget('canary'), baseline: active.includes('baseline') ? readTarget('baseline') : undefined };
    },
  };
}

/** Checks a raw source against the objectives before any call: every metric needs a query Id. */
export function validateRawQueries(objectives: Objective[], queries: { canary: MetricDataQuery[]; baseline?: MetricDataQuery[] }): void {
  for (const [t, list] of Object.entries(queries) as [Target, MetricDataQuery[] | undefined][]) {
    if (!list) continue;
    const ids = new Set(list.map((q) => q.Id));
    for (const o of objectives) {
      if (t === 'baseline' && o.threshold.kind !== 'relative') continue;
      if (!ids.has(rawIdFor(o.metric))) {
        throw new InputError(`Input "metric-queries": the ${t} queries have no Id "${rawIdFor(o.metric)}" for objective "${o.text}" (Ids: ${[...ids].join(', ') || 'none'}).`);
      }
    }
  }
}

export function buildPlan(source: CloudWatchSource, objectives: Objective[], targets: Target[], windowSeconds: number): Plan {
  if (source.preset === 'raw') {
    validateRawQueries(objectives, source.queries);
    return rawPlan(objectives, source.queries, targets);
  }
  return redPlan(objectives, redSpecs(source), targets, windowSeconds);
}

/** True when the source names a baseline (so relative objectives can be judged). */
function namesBaseline(source: CloudWatchSource): boolean {
  switch (source.preset) {
    case 'alb': return !!source.baselineTargetGroup;
    case 'service-connect': return !!source.baselineService;
    case 'emf': return !!source.baselineVersion;
    case 'appmesh': return !!source.baselineFamily;
    case 'raw': return !!source.queries.baseline?.length;
  }
}

/** GetMetricData takes at most 500 queries per request. */
export const MAX_QUERIES_PER_REQUEST = 500;

/**
 * The plan's queries in requests of at most 500. A target's queries stay together when its metric
 * math refers to other Ids (raw queries); plain stats split anywhere.
 */
export function splitQueries(queries: MetricDataQuery[], max = MAX_QUERIES_PER_REQUEST): MetricDataQuery[][] {
  if (queries.length <= max) return [queries];
  const units: MetricDataQuery[][] = [];
  for (const t of ['canary', 'baseline']) {
    const own = queries.filter((q) => q.Id!.startsWith(`${t}_`));
    if (own.length === 0) continue;
    if (own.some((q) => q.Expression)) {
      if (own.length > max) throw new InputError(`Input "metric-queries": the ${t} has ${own.length} queries with metric math among them; GetMetricData takes at most ${max} in one request.`);
      units.push(own);
    } else {
      for (let i = 0; i < own.length; i += max) units.push(own.slice(i, i + max));
    }
  }
  const requests: MetricDataQuery[][] = [];
  for (const u of units) {
    const last = requests.at(-1);
    if (last && last.length + u.length <= max) last.push(...u);
    else requests.push([...u]);
  }
  return requests;
}

export interface CloudWatchDeps {
  client?: CloudWatchClient;
  region?: string;
}

export class CloudWatchProvider implements MetricsProvider {
  readonly name = 'cloudwatch';
  readonly hasBaseline: boolean;
  readonly baselineInputs = 'baseline-target-group (alb), baseline-service, baseline-version, baseline-task-family, or "baseline" queries';
  private client?: CloudWatchClient;

  constructor(private readonly source: CloudWatchSource, private readonly deps: CloudWatchDeps = {}) {
    this.hasBaseline = namesBaseline(source);
  }

  /** Checks the source fully (dimensions, ARNs, query Ids) without calling AWS. */
  validate(objectives: Objective[]): void {
    buildPlan(this.source, objectives, ['canary', 'baseline'], CLOUDWATCH_PERIOD_S);
  }

  async query(q: MetricsQuery): Promise<Observations> {
    const w = alignWindow(q.window, CLOUDWATCH_PERIOD_S);
    const plan = buildPlan(this.source, q.objectives, q.targets, w.seconds);
    this.client ??= this.deps.client ?? awsClient(CloudWatchClient, { region: this.deps.region });
    const client = this.client;
    const results = new Map<string, MetricDataResult>();
    for (const batch of splitQueries(plan.queries)) {
      let nextToken: string | undefined;
      do {
        const out = await client.send(
          new GetMetricDataCommand({ MetricDataQueries: batch, StartTime: w.start, EndTime: w.end, ScanBy: 'TimestampAscending', NextToken: nextToken }),
          { abortSignal: q.signal },
        );
        for (const r of out.MetricDataResults ?? []) {
          const prev = results.get(r.Id!);
          // Pages continue the same series: append rather than replace.
          if (prev) results.set(r.Id!, { ...r, Timestamps: [...(prev.Timestamps ?? []), ...(r.Timestamps ?? [])], Values: [...(prev.Values ?? []), ...(r.Values ?? [])] });
          else results.set(r.Id!, r);
        }
        nextToken = out.NextToken;
      } while (nextToken);
    }
    return { ...plan.read(results, w), window: { start: w.start, end: w.end } };
  }
}
