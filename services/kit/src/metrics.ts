/**
 * RED metrics (requests, errors, duration) per route and Version, two ways: a Prometheus registry for
 * `/metrics`, and CloudWatch Embedded Metric Format lines on stdout, aggregated per interval so a
 * busy service writes one line per route a minute instead of one per request (ECS awslogs ships it;
 * no agent needed). Duration goes out as Values/Counts so CloudWatch can compute percentiles.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';

export interface RedObservation {
  route: string;
  method: string;
  status: number;
  durationMs: number;
}

export interface MetricsOptions {
  service: string;
  version: string;
  /** CloudWatch namespace of the EMF metrics. */
  namespace?: string;
  /** Writes one EMF JSON document (a line); stdout by default. */
  writeEmf?: (line: string) => void;
  /** Process metrics (heap, event loop lag) in /metrics. */
  processMetrics?: boolean;
  now?: () => number;
}

interface Aggregate {
  route: string;
  requests: number;
  errors: number;
  /** Duration in ms rounded to 0.1 ms → count; EMF Values/Counts. */
  durations: Map<number, number>;
  min: number;
  max: number;
  sum: number;
}

/** A 5xx is the service's failure; 4xx are the caller's and count as requests only. */
export function isServerError(status: number): boolean {
  return status >= 500;
}

// CloudWatch accepts at most 100 distinct values per EMF metric: coarsen until it fits.
export function compactDistribution(durations: Map<number, number>, maxValues = 100): { Values: number[]; Counts: number[] } {
  let entries = [...durations.entries()].sort((a, b) => a[0] - b[0]);
  let step = 0.1;
  while (entries.length > maxValues) {
    step *= 2;
    const merged = new Map<number, number>();
    for (const [v, c] of entries) {
      const key = Math.round(Math.round(v / step) * step * 10) / 10;
      merged.set(key, (merged.get(key) ?? 0) + c);
    }
    entries = [...merged.entries()].sort((a, b) => a[0] - b[0]);
  }
  return { Values: entries.map(([v]) => v), Counts: entries.map(([, c]) => c) };
}

/** Cumulative per route, for Prometheus. */
interface Series {
  labels: string;
  byStatus: Map<number, number>;
  errors: number;
  /** Counts per bucket (not cumulative; summed at render). */
  buckets: number[];
  sum: number;
  count: number;
}

export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5];

/** Prometheus label value escaping: backslash, double quote, new line. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The RED series are kept in plain maps and written out at scrape time, rather than through
 * prom-client's labelled metrics: three labelled updates per request cost a few µs each (measured),
 * a map lookup and two increments cost well under one. `registry` still serves process metrics and
 * anything a service adds.
 */
export class RedMetrics {
  readonly registry = new Registry();
  private readonly series = new Map<string, Series>();
  private aggregates = new Map<string, Aggregate>();
  private readonly namespace: string;
  private readonly writeEmf: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly opts: MetricsOptions) {
    this.namespace = opts.namespace ?? 'MeshServices';
    this.writeEmf = opts.writeEmf ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = opts.now ?? Date.now;
    this.registry.setDefaultLabels({ service: opts.service });
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  observe(o: RedObservation): void {
    const error = isServerError(o.status);
    const key = `${o.method} ${o.route}`;

    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: `route="${escapeLabel(o.route)}",method="${escapeLabel(o.method)}"`,
        byStatus: new Map(), errors: 0, buckets: DURATION_BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0,
      };
      this.series.set(key, series);
    }
    series.byStatus.set(o.status, (series.byStatus.get(o.status) ?? 0) + 1);
    if (error) series.errors++;
    const seconds = o.durationMs / 1000;
    const bucket = DURATION_BUCKETS_SECONDS.findIndex((le) => seconds <= le);
    if (bucket >= 0) series.buckets[bucket]++;
    series.sum += seconds;
    series.count++;

    let agg = this.aggregates.get(key);
    if (!agg) {
      agg = { route: key, requests: 0, errors: 0, durations: new Map(), min: Infinity, max: 0, sum: 0 };
      this.aggregates.set(key, agg);
    }
    agg.requests++;
    if (error) agg.errors++;
    const rounded = Math.round(o.durationMs * 10) / 10;
    agg.durations.set(rounded, (agg.durations.get(rounded) ?? 0) + 1);
    agg.min = Math.min(agg.min, o.durationMs);
    agg.max = Math.max(agg.max, o.durationMs);
    agg.sum += o.durationMs;
  }

  /** Writes one EMF document per route seen since the last flush, and starts a new interval. */
  flushEmf(): number {
    const aggregates = [...this.aggregates.values()];
    this.aggregates = new Map();
    const timestamp = this.now();
    for (const agg of aggregates) {
      const doc = {
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [{
            Namespace: this.namespace,
            Dimensions: [['Service', 'Route', 'Version'], ['Service', 'Version']],
            Metrics: [
              { Name: 'Requests', Unit: 'Count' },
              { Name: 'Errors', Unit: 'Count' },
              { Name: 'Duration', Unit: 'Milliseconds' },
            ],
          }],
        },
        Service: this.opts.service,
        Route: agg.route,
        Version: this.opts.version,
        Requests: agg.requests,
        Errors: agg.errors,
        Duration: { ...compactDistribution(agg.durations), Min: round(agg.min), Max: round(agg.max), Sum: round(agg.sum), Count: agg.requests },
      };
      this.writeEmf(JSON.stringify(doc));
    }
    return aggregates.length;
  }

  contentType(): string {
    return this.registry.contentType;
  }

  /** Prometheus text format: the RED series, then the registry (process metrics, service additions). */
  async render(): Promise<string> {
    const tail = `version="${escapeLabel(this.opts.version)}",service="${escapeLabel(this.opts.service)}"`;
    const requests = ['# HELP http_requests_total Requests handled, by route and status.', '# TYPE http_requests_total counter'];
    const errors = ['# HELP http_request_errors_total Requests that ended in a server error (5xx).', '# TYPE http_request_errors_total counter'];
    const duration = ['# HELP http_request_duration_seconds Time to respond, by route.', '# TYPE http_request_duration_seconds histogram'];
    for (const s of this.series.values()) {
      for (const [status, n] of s.byStatus) requests.push(`http_requests_total{${s.labels},status_code="${status}",${tail}} ${n}`);
      errors.push(`http_request_errors_total{${s.labels},${tail}} ${s.errors}`);
      let cumulative = 0;
      DURATION_BUCKETS_SECONDS.forEach((le, i) => {
        cumulative += s.buckets[i];
        duration.push(`http_request_duration_seconds_bucket{le="${le}",${s.labels},${tail}} ${cumulative}`);
      });
      duration.push(`http_request_duration_seconds_bucket{le="+Inf",${s.labels},${tail}} ${s.count}`);
      duration.push(`http_request_duration_seconds_sum{${s.labels},${tail}} ${s.sum}`);
      duration.push(`http_request_duration_seconds_count{${s.labels},${tail}} ${s.count}`);
    }
    return `${[...requests, ...errors, ...duration].join('\n')}\n\n${await this.registry.metrics()}`;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
