// The k6-summary provider on real recorded summaries (test/fixtures/k6: one per shape), the
// export shape's inverted thresholds, and the bundle judging a k6 run.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { k6ThresholdResults, k6Value, parseK6Summary } from './k6.js';
import { evaluateGate } from '../gate.js';
import { parseObjectives } from '../slo.js';
import type { GateConfig } from '../types.js';
import { repoRoot, runBundle } from '../../../test/support/harness.js';

const FIXTURES = resolve(repoRoot, 'test/fixtures/k6');
const EXPORT = join(FIXTURES, 'summary-export.json');
const HANDLE = join(FIXTURES, 'handle-summary.json');
const load = (f: string) => parseK6Summary(JSON.parse(readFileSync(f, 'utf8')), f);

describe('k6 summaries', () => {
  it('reads the --summary-export shape', () => {
    const s = load(EXPORT);
    expect(s.shape).toBe('summary-export');
    expect(k6Value(s, 'p99', 'http_req_duration')).toEqual({ kind: 'value', value: 348.6492700000003, samples: [] });
    expect(k6Value(s, 'p50', 'http_req_duration')).toMatchObject({ value: 3.12 });
    expect(k6Value(s, 'p95', 'http_req_duration')).toEqual({ kind: 'no-data', reason: 'http_req_duration has no p(95) in the summary (add it to summaryTrendStats)' });
    expect(k6Value(s, 'error-rate', 'http_req_duration')).toMatchObject({ value: 0 });
    expect(k6Value(s, 'request-rate', 'http_req_duration')).toMatchObject({ value: 4288.100370179589 });
    expect(k6Value(s, 'http_req_waiting.p99.9', 'http_req_duration')).toMatchObject({ value: 787.0613250000223 });
    expect(k6Value(s, 'checks', 'http_req_duration')).toMatchObject({ value: 1 });
  });

  it('reads the handleSummary shape', () => {
    const s = load(HANDLE);
    expect(s.shape).toBe('handle-summary');
    expect(k6Value(s, 'p95', 'http_req_duration')).toMatchObject({ value: 130.64669999999998 });
    expect(k6Value(s, 'error-rate', 'http_req_duration')).toMatchObject({ value: 0.011321679178259577 });
    expect(k6Value(s, 'case_success_rate', 'http_req_duration')).toMatchObject({ value: 0.9886781227032513 });
    expect(k6Value(s, 'case_duration_ms.med', 'http_req_duration')).toMatchObject({ value: 70.681 });
    expect(k6Value(s, 'nope', 'http_req_duration')).toEqual({ kind: 'no-data', reason: 'the summary has no metric nope' });
    expect(k6ThresholdResults(s).map((r) => `${r.objective} ${r.verdict}`)).toEqual([
      'k6 threshold http_req_failed: rate<0.05 pass',
      'k6 threshold case_success_rate: rate>0.95 pass',
      'k6 threshold http_req_duration: p(95)<3000 pass',
      'k6 threshold http_req_duration: p(99)<8000 pass',
    ]);
  });

  it('export shape: a threshold `true` means it FAILED; handleSummary: ok false means failed', () => {
    const exported = parseK6Summary({ metrics: { http_req_duration: { 'p(95)': 250, thresholds: { 'p(95)<200': true, 'p(95)<500': false } } } }, 'x');
    expect(k6ThresholdResults(exported).map((r) => r.verdict)).toEqual(['fail', 'pass']);
    const handled = parseK6Summary({ metrics: { http_req_duration: { type: 'trend', values: { 'p(95)': 250 }, thresholds: { 'p(95)<200': { ok: false } } } } }, 'x');
    expect(k6ThresholdResults(handled).map((r) => r.verdict)).toEqual(['fail']);
  });

  it('refuses what is not a k6 summary', () => {
    expect(() => parseK6Summary({ root_group: {} }, 'Input "k6-summary" ("a.json")')).toThrow(/Input "k6-summary" \("a.json"\): not a k6 summary \(no "metrics" object\)/);
  });

  it('judges a canary run against a baseline run (window values only: a plain ratio)', async () => {
    const config: GateConfig = {
      provider: 'k6-summary', objectives: parseObjectives(['p95 < 200ms', 'error-rate < 5%', 'p95 < 1.2x baseline']),
      windowMs: 600_000, warmupMs: 0, minRequests: 100, onNoData: 'inconclusive', dryRun: false,
      source: { canarySummary: HANDLE, baselineSummary: HANDLE, latencyMetric: 'http_req_duration' },
    };
    const r = await evaluateGate(config);
    expect(r.result).toBe('pass');
    expect(r.requests).toEqual({ canary: 57147, baseline: 57147 });
    expect(r.objectives[2]).toMatchObject({ test: { name: 'ratio', ratio: 1 }, verdict: 'pass' });
    expect(r.objectives).toHaveLength(3 + 4);
  });
});

describe('slo-gate bundle with provider k6-summary', () => {
  const run = (slo: string, file: string, extra: Record<string, string> = {}) =>
    runBundle('slo-gate', { inputs: { provider: 'k6-summary', slo, 'k6-summary': file, 'min-requests': '100', 'on-no-data': 'inconclusive', 'on-inconclusive': 'fail', window: '10m', warmup: '0s', 'dry-run': 'false', ...extra } });

  it('passes the recorded handleSummary run against p95 < 200ms and error-rate < 5%', async () => {
    const r = await run('p95 < 200ms\nerror-rate < 5%', HANDLE);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.result).toBe('pass');
  });

  it('fails it against error-rate < 1% (it had 1.13 %)', async () => {
    const r = await run('error-rate < 1%', HANDLE);
    expect(r.code).toBe(1);
    expect(r.outputs.reason).toContain('canary error-rate 1.132% breaks < 1%');
  });

  it('fails on a threshold k6 itself crossed (export shape, `true` = failed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-'));
    const file = join(dir, 'summary.json');
    writeFileSync(file, JSON.stringify({ metrics: { http_reqs: { count: 1000, rate: 10 }, http_req_duration: { med: 50, 'p(95)': 120, thresholds: { 'p(95)<100': true } } } }));
    const r = await run('p95 < 200ms', file);
    expect(r.code).toBe(1);
    expect(r.outputs.reason).toContain('k6 threshold http_req_duration: p(95)<100: k6 reported the threshold as crossed');
  });

  it('names a missing file', async () => {
    const r = await run('p95 < 200ms', '/nonexistent/summary.json');
    expect(r.code).toBe(1);
    expect(r.errors.join('\n')).toContain('Input "k6-summary": cannot read "/nonexistent/summary.json" (ENOENT).');
  });
});
