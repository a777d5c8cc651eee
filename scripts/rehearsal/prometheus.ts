/**
 * A real Prometheus server (Debian's 2.42) scraping both versions' /metrics every second, with its
 * query log on: the report counts the judge's own PromQL queries from it, so "the judge used
 * Prometheus" is what the server saw, not what the rehearsal assumes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProc, waitForHttp } from './processes.js';

export function prometheusConfig(o: { targets: string[]; queryLog: string }): string {
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    `  query_log_file: ${JSON.stringify(o.queryLog)}`,
    'scrape_configs:',
    '  - job_name: release',
    '    static_configs:',
    `      - targets: [${o.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
}

export interface Prometheus {
  url: string;
  /** One instant value (the first series), or null when the query has none. */
  value(promql: string): Promise<number | null>;
  /** PromQL queries the server has answered so far (from its query log). */
  loggedQueries(): string[];
  stop(): Promise<void>;
}

export async function startPrometheus(binary: string, o: { dir: string; port: number; targets: string[] }): Promise<Prometheus> {
  mkdirSync(join(o.dir, 'data'), { recursive: true });
  const queryLog = join(o.dir, 'queries.log');
  const config = join(o.dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig({ targets: o.targets, queryLog }));
  const proc = startProc('prometheus', binary, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(o.dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${o.port}`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${o.port}`;
  await waitForHttp(`${url}/-/ready`, proc, 30_000);
  return {
    url,
    async value(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(3000) });
      const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
      const v = Number(body.data?.result?.[0]?.value?.[1]);
      return Number.isFinite(v) ? v : null;
    },
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
