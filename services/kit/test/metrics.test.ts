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
