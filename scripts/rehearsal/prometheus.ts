/**
 * A real Prometheus server (Debian's 2.42) scraping every version's /metrics every second, with its
 * query log on: the report counts the judge's own PromQL queries from it, so "the judge used
 * Prometheus" is what the server saw, not what the rehearsal assumes. Ramps run side by side, each
 * on its own pair of versions: a target group's labels (e.g. `ramp="errors"`) keep their series apart.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProc, waitForHttp } from './processes.js';

/** Scrape targets (host:port) that share labels. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

export function prometheusConfig(o: { groups: TargetGroup[]; queryLog: string }): string {
  const labels = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    `  query_log_file: ${JSON.stringify(o.queryLog)}`,
    'scrape_configs:',
    '  - job_name: release',
    '    static_configs:',
    ...o.groups.flatMap((g) => [`      - targets: [${g.targets.map((t) => JSON.stringify(t)).join(', ')}]`, `        labels: { ${labels(g.labels)} }`]),
    '',
  ].join('\n');
}

export interface Prometheus {
  url: string;
  /** Every series of an instant query: its labels and its value (null when not finite). */
  series(promql: string): Promise<{ labels: Record<string, string>; value: number | null }[]>;
  /** PromQL queries the server has answered so far (from its query log). */
  loggedQueries(): string[];
  stop(): Promise<void>;
}

export async function startPrometheus(binary: string, o: { dir: string; port: number; groups: TargetGroup[] }): Promise<Prometheus> {
  mkdirSync(join(o.dir, 'data'), { recursive: true });
  const queryLog = join(o.dir, 'queries.log');
  const config = join(o.dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig({ groups: o.groups, queryLog }));
  const proc = startProc('prometheus', binary, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(o.dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${o.port}`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${o.port}`;
  await waitForHttp(`${url}/-/ready`, proc);
  const instant = async (promql: string) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { data?: { result?: { metric?: Record<string, string>; value?: [number, string] }[] } };
    return (body.data?.result ?? []).map((r) => {
      const v = Number(r.value?.[1]);
      return { labels: r.metric ?? {}, value: Number.isFinite(v) ? v : null };
    });
  };
  return {
    url,
    series: instant,
    loggedQueries() {
      if (!existsSync(queryLog)) return [];
      return readFileSync(queryLog, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
        try {
          const q = (JSON.parse(line) as { params?: { query?: string } }).params?.query;
          return q ? [q] : [];
        } catch {
          return [];
        }
      });
    },
    stop: () => proc.stop(),
  };
}
