import { describe, expect, it } from 'vitest';
import { RedMetrics, compactDistribution } from '../src/metrics.js';

describe('compactDistribution', () => {
  it('keeps exact values when there are at most 100', () => {
    expect(compactDistribution(new Map([[2.5, 3], [1.2, 1]]))).toEqual({ Values: [1.2, 2.5], Counts: [1, 3] });
  });

  it('coarsens to at most 100 values without losing a count (CloudWatch EMF limit)', () => {
    const m = new Map<number, number>();
    for (let i = 0; i < 5000; i++) m.set(Math.round(i * 0.7 * 10) / 10, 1);
    const d = compactDistribution(m);
    expect(d.Values.length).toBeLessThanOrEqual(100);
    expect(d.Counts.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(d.Values).toEqual([...d.Values].sort((a, b) => a - b));
  });
});

describe('RedMetrics', () => {
  it('aggregates per route into one EMF document with min/max/sum/count, 5xx as errors', () => {
    const lines: string[] = [];
    const m = new RedMetrics({ service: 'svc', version: 'v7', writeEmf: (l) => lines.push(l), now: () => 1_700_000_000_000 });
    m.observe({ route: '/a', method: 'GET', status: 200, durationMs: 10 });
    m.observe({ route: '/a', method: 'GET', status: 404, durationMs: 20 });
    m.observe({ route: '/a', method: 'GET', status: 503, durationMs: 30 });
    expect(m.flushEmf()).toBe(1);
    const doc = JSON.parse(lines[0]);
    expect(doc).toMatchObject({
      _aws: { Timestamp: 1_700_000_000_000, CloudWatchMetrics: [{ Namespace: 'MeshServices' }] },
      Service: 'svc', Route: 'GET /a', Version: 'v7', Requests: 3, Errors: 1,
      Duration: { Values: [10, 20, 30], Counts: [1, 1, 1], Min: 10, Max: 30, Sum: 60, Count: 3 },
    });
  });
});

describe('RedMetrics Prometheus exposition', () => {
  it('renders requests by status, 5xx errors and a cumulative duration histogram per route, then process metrics', async () => {
    const m = new RedMetrics({ service: 'svc', version: 'v7', writeEmf: () => {}, processMetrics: true });
    m.observe({ route: '/a', method: 'GET', status: 200, durationMs: 3 });
    m.observe({ route: '/a', method: 'GET', status: 200, durationMs: 40 });
    m.observe({ route: '/a', method: 'GET', status: 503, durationMs: 7000 });
    const text = await m.render();
    const l = 'route="/a",method="GET"';
    const t = 'version="v7",service="svc"';
    for (const line of [
      `http_requests_total{${l},status_code="200",${t}} 2`,
      `http_requests_total{${l},status_code="503",${t}} 1`,
      `http_request_errors_total{${l},${t}} 1`,
      `http_request_duration_seconds_bucket{le="0.005",${l},${t}} 1`,
      `http_request_duration_seconds_bucket{le="0.025",${l},${t}} 1`,
      `http_request_duration_seconds_bucket{le="0.05",${l},${t}} 2`,
      `http_request_duration_seconds_bucket{le="5",${l},${t}} 2`,
      `http_request_duration_seconds_bucket{le="+Inf",${l},${t}} 3`,
      `http_request_duration_seconds_sum{${l},${t}} 7.043`,
      `http_request_duration_seconds_count{${l},${t}} 3`,
      '# TYPE http_request_duration_seconds histogram',
    ]) expect(text.split('\n')).toContain(line);
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="svc"\} /m);
  });

  it('escapes label values', async () => {
    const m = new RedMetrics({ service: 's', version: 'v', writeEmf: () => {} });
    m.observe({ route: '/a"b\\c\nd', method: 'GET', status: 200, durationMs: 1 });
    expect(await m.render()).toContain('route="/a\\"b\\\\c\\nd"');
  });
});
