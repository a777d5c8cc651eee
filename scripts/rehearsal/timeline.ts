/**
 * The ramps' timelines, for the charts and the JSON report: every second, for each ramp being
 * sampled, its canary's weight in the data plane and each version's request rate, error rate and
 * p95 over 3 s, from Prometheus. One round of three queries (grouped by ramp and version) serves
 * every ramp running at once.
 */
import type { Prometheus } from './prometheus.js';
import type { TimelinePoint, VersionPoint } from './report.js';

interface Sampled {
  ramp: string;
  versions: { stable: string; canary: string };
  canaryWeight: () => number;
  t0: number;
  points: TimelinePoint[];
}

/** PromQL over every ramp and version of `service`, 3 s windows (the scrape is every second). */
export function timelineQueries(service: string): Record<keyof VersionPoint, string> {
  const sel = `{service="${service}"}`;
  const by = 'sum by (ramp, version)';
  return {
    rps: `${by} (rate(http_requests_total${sel}[3s]))`,
    errorRate: `${by} (rate(http_request_errors_total${sel}[3s])) / ${by} (rate(http_requests_total${sel}[3s]))`,
    p95Ms: `histogram_quantile(0.95, sum by (ramp, version, le) (rate(http_request_duration_seconds_bucket${sel}[3s])))`,
  };
}

export class TimelineSampler {
  private readonly sampled = new Set<Sampled>();
  private timer?: NodeJS.Timeout;
  private readonly queries: Record<keyof VersionPoint, string>;

  constructor(private readonly prometheus: Prometheus, service: string) {
    this.queries = timelineQueries(service);
  }

  /** Samples `ramp` every second from now until stopped; its points are seconds since `t0`. */
  sample(ramp: string, versions: Sampled['versions'], canaryWeight: () => number, t0: number): { stop(): TimelinePoint[] } {
    const s: Sampled = { ramp, versions, canaryWeight, t0, points: [] };
    this.sampled.add(s);
    this.timer ??= setInterval(() => void this.tick(), 1000);
    return {
      stop: () => {
        this.sampled.delete(s);
        if (!this.sampled.size && this.timer) {
          clearInterval(this.timer);
          this.timer = undefined;
        }
        return s.points.sort((a, b) => a.s - b.s);
      },
    };
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    const due = [...this.sampled].map((s) => ({ s, at: Math.round((now - s.t0) / 100) / 10, canaryWeight: s.canaryWeight() }));
    const keys = Object.keys(this.queries) as (keyof VersionPoint)[];
    const results = await Promise.all(keys.map((k) => this.prometheus.series(this.queries[k]))).catch(() => keys.map(() => []));
    const read = (ramp: string, version: string): VersionPoint => {
      const value = (i: number) => results[i].find((r) => r.labels.ramp === ramp && r.labels.version === version)?.value ?? null;
      const p95 = value(keys.indexOf('p95Ms'));
      return { rps: value(keys.indexOf('rps')), errorRate: value(keys.indexOf('errorRate')), p95Ms: p95 === null ? null : p95 * 1000 };
    };
    for (const d of due) if (this.sampled.has(d.s)) d.s.points.push({ s: d.at, canaryWeight: d.canaryWeight, stable: read(d.s.ramp, d.s.versions.stable), canary: read(d.s.ramp, d.s.versions.canary) });
  }
}
