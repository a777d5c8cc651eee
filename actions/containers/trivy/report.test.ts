import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideGate } from './gate.js';
import { countBySeverity, filterFindings, parseSeverityList, parseTrivyReport } from './report.js';
import { mergeSarif } from './sarif.js';
import { scanSummaryMarkdown } from './summary.js';
import { trivyImageArgs } from './scan.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/trivy');
const load = (name: string) => parseTrivyReport(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')), name);
const ALL = parseSeverityList('UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL', 'severity');

describe('Trivy JSON reports (recorded by Trivy itself)', () => {
  it.each([
    ['alpine-310.json', { MEDIUM: 4 }, 'dev'],
    ['alpine-39-high-critical.json', { CRITICAL: 2 }, 'dev'],
    ['debian-buster-ignore-unfixed.json', { CRITICAL: 1 }, 'dev'],
    ['distroless-base.json', { MEDIUM: 2, LOW: 2 }, 'dev'],
    ['secret-scan-v0.72.json', { CRITICAL: 1 }, '0.72.0'],
  ])('%s → counts %o', (file, expected, version) => {
    const report = load(file);
    expect(report.trivyVersion).toBe(version);
    const counts = countBySeverity(report.findings);
    expect(counts).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0, ...expected });
  });

  it('reads package, versions and status of a vulnerability', () => {
    const f = load('alpine-39-high-critical.json').findings[0];
    expect(f).toMatchObject({ kind: 'vulnerability', severity: 'CRITICAL', pkg: 'musl', id: 'CVE-2019-14697', fixed: '1.1.20-r5', status: 'fixed' });
  });

  it('reads secrets as findings (a leaked token fails the gate like a CVE)', () => {
    const [f] = load('secret-scan-v0.72.json').findings;
    expect(f).toMatchObject({ kind: 'secret', id: 'github-pat', severity: 'CRITICAL', target: 'env' });
  });

  it('ignore-unfixed drops vulnerabilities without a fix (distroless: 2 affected, 2 fixed)', () => {
    const { findings } = load('distroless-base.json');
    expect(filterFindings(findings, { severities: ALL, ignoreUnfixed: true }).map((f) => f.status)).toEqual(['fixed', 'fixed']);
    expect(filterFindings(findings, { severities: ALL, ignoreUnfixed: false })).toHaveLength(4);
  });

  it('refuses what is not a Trivy report, so garbage never passes the gate', () => {
    expect(() => parseTrivyReport({ Results: [] }, 'x.json')).toThrow(/x\.json is not a Trivy JSON report/);
    expect(() => parseTrivyReport(JSON.parse(readFileSync(join(FIXTURES, 'alpine-310.sarif'), 'utf8')), 'a.sarif')).toThrow(/not a Trivy JSON report/);
  });
});

describe('severity lists', () => {
  it.each([
    ['CRITICAL,HIGH', ['CRITICAL', 'HIGH']],
    ['high, critical', ['CRITICAL', 'HIGH']],
    ['LOW MEDIUM', ['MEDIUM', 'LOW']],
  ])('%s', (text, expected) => expect(parseSeverityList(text, 'Input "severity"')).toEqual(expected));

  it('names the input and the accepted values for an unknown severity', () => {
    expect(() => parseSeverityList('CRITICAL,SEVERE', 'Input "severity"')).toThrow('Input "severity": "SEVERE" is not a Trivy severity; expected a comma-separated list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL.');
  });
});

describe('the gate', () => {
  const scan = (file: string, platform = 'linux/amd64') => ({ platform, findings: load(file).findings });

  it('fails on CRITICAL with the default policy and names what failed', () => {
    const d = decideGate([scan('alpine-39-high-critical.json')], { severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: false }, ['CRITICAL', 'HIGH']);
    expect(d.passed).toBe(false);
    expect(d.counts.CRITICAL).toBe(2);
    expect(d.message).toMatch(/^Scan gate failed: 2 finding\(s\) at CRITICAL \(fail-on: CRITICAL,HIGH\), e\.g\. CVE-2019-14697 in musl \[linux\/amd64\].*Nothing was pushed\.$/);
  });

  it('passes when findings are below fail-on, and reports them', () => {
    const d = decideGate([scan('alpine-310.json')], { severities: ALL, ignoreUnfixed: false }, ['CRITICAL']);
    expect(d.passed).toBe(true);
    expect(d.reported).toHaveLength(4);
    expect(d.message).toBe('Scan gate passed (4 MEDIUM; fail-on: CRITICAL).');
  });

  it('counts one CVE once across platforms but keeps each platform in the failing list', () => {
    const d = decideGate([scan('alpine-39-high-critical.json', 'linux/amd64'), scan('alpine-39-high-critical.json', 'linux/arm64')], { severities: ALL, ignoreUnfixed: false }, ['CRITICAL']);
    expect(d.counts.CRITICAL).toBe(2);
    expect(d.failing).toHaveLength(4);
  });

  it('ignore-unfixed can turn a failing scan into a passing one', () => {
    const policy = { severities: ALL, ignoreUnfixed: true };
    expect(decideGate([scan('distroless-base.json')], policy, ['MEDIUM']).passed).toBe(true);
    expect(decideGate([scan('distroless-base.json')], { ...policy, ignoreUnfixed: false }, ['MEDIUM']).passed).toBe(false);
  });

  it('writes a job summary with counts and a findings table', () => {
    const d = decideGate([scan('alpine-39-high-critical.json')], { severities: ALL, ignoreUnfixed: false }, ['CRITICAL']);
    const md = scanSummaryMarkdown(d, 'r/app@sha256:abc', ['linux/amd64']);
    expect(md).toContain('| CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN |');
    expect(md).toContain('| 2 | 0 | 0 | 0 | 0 |');
    expect(md).toContain('| CRITICAL | CVE-2019-14697 | musl | 1.1.20-r4 | 1.1.20-r5 | linux/amd64 |');
  });
});

describe('SARIF', () => {
  const sarif = JSON.parse(readFileSync(join(FIXTURES, 'alpine-310.sarif'), 'utf8'));

  it('merges per-platform files into one run without duplicating identical results', () => {
    const merged = mergeSarif([sarif, sarif]);
    expect(merged.runs).toHaveLength(1);
    expect(merged.runs[0].results).toHaveLength(sarif.runs[0].results.length);
  });

  it('adds results and rules only another platform has, with ruleIndex re-pointed', () => {
    const other = structuredClone(sarif);
    other.runs[0].tool.driver.rules = [{ id: 'CVE-2099-0001', name: 'OsPackageVulnerability', shortDescription: { text: 'x' } }];
    other.runs[0].results = [{ ruleId: 'CVE-2099-0001', ruleIndex: 0, level: 'error', message: { text: 'arm only' }, locations: [] }];
    const merged = mergeSarif([sarif, other]);
    const added = merged.runs[0].results.at(-1);
    expect(added.ruleId).toBe('CVE-2099-0001');
    expect(merged.runs[0].tool.driver.rules[added.ruleIndex].id).toBe('CVE-2099-0001');
  });
});

describe('the Trivy 0.75 command line', () => {
  it('scans a layout with JSON output, exit code 0 (the gate decides), and the policy flags', () => {
    expect(trivyImageArgs({ severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: true, trivyignore: '/w/.trivyignore' }, '/l', '/r.json')).toEqual([
      'image', '--input', '/l', '--format', 'json', '--output', '/r.json', '--severity', 'CRITICAL,HIGH', '--scanners', 'vuln,secret',
      '--exit-code', '0', '--no-progress', '--skip-version-check', '--disable-telemetry', '--ignore-unfixed', '--ignorefile', '/w/.trivyignore',
    ]);
  });
});
