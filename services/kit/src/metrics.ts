/**
 * RED metrics (requests, errors, duration) per route and Version, two ways: a Prometheus registry for
 * `/metrics`, and CloudWatch Embedded Metric Format lines on stdout, aggregated per interval so a
 * busy service writes one line per route a minute instead of one per request (ECS awslogs ships it;
 * no agent needed). Duration goes out as Values/Counts so CloudWatch can compute percentiles.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

export class RedMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status_code' | 'version'>;
  private readonly errors: Counter<'route' | 'method' | 'version'>;
  private readonly duration: Histogram<'route' | 'method' | 'version'>;
  private aggregates = new Map<string, Aggregate>();
  private readonly namespace: string;
  private readonly writeEmf: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly opts: MetricsOptions) {
    this.namespace = opts.namespace ?? 'MeshServices';
    this.writeEmf = opts.writeEmf ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = opts.now ?? Date.now;
    this.registry.setDefaultLabels({ service: opts.service });
    this.requests = new Counter({ name: 'http_requests_total', help: 'Requests handled, by route and status.', labelNames: ['route', 'method', 'status_code', 'version'], registers: [this.registry] });
    this.errors = new Counter({ name: 'http_request_errors_total', help: 'Requests that ended in a server error (5xx).', labelNames: ['route', 'method', 'version'], registers: [this.registry] });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds', help: 'Time to respond, by route.', labelNames: ['route', 'method', 'version'], registers: [this.registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5],
    });
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  observe(o: RedObservation): void {
    const version = this.opts.version;
    const error = isServerError(o.status);
    this.requests.inc({ route: o.route, method: o.method, status_code: String(o.status), version });
    if (error) this.errors.inc({ route: o.route, method: o.method, version });
    this.duration.observe({ route: o.route, method: o.method, version }, o.durationMs / 1000);

    const route = `${o.method} ${o.route}`;
    let agg = this.aggregates.get(route);
    if (!agg) {
      agg = { route, requests: 0, errors: 0, durations: new Map(), min: Infinity, max: 0, sum: 0 };
      this.aggregates.set(route, agg);
    }
    agg.requests++;
    if (error) agg.errors++;
    const bucket = Math.round(o.durationMs * 10) / 10;
    agg.durations.set(bucket, (agg.durations.get(bucket) ?? 0) + 1);
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

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
