/**
 * Trivy's JSON report (`--format json`, SchemaVersion 2) reduced to what the gate and the summary
 * need. Pure: no I/O, so it is tested against Trivy's own recorded reports.
 */
import { InputError } from '../../../common/errors.js';

export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type FindingKind = 'vulnerability' | 'secret' | 'misconfiguration';

export interface Finding {
  kind: FindingKind;
  id: string;
  severity: Severity;
  /** The file, package manager lock file or OS the finding is in. */
  target: string;
  title: string;
  pkg?: string;
  installed?: string;
  fixed?: string;
  /** Trivy's vulnerability status: fixed, affected, will_not_fix, ... */
  status?: string;
}

export interface TrivyReport {
  trivyVersion: string;
  artifactName: string;
  findings: Finding[];
}

export type SeverityCounts = Record<Severity, number>;

/** Parses `--severity`-style lists: `CRITICAL,HIGH` (any case, commas or spaces). */
export function parseSeverityList(text: string, what: string): Severity[] {
  const items = text.split(/[\s,]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
  if (items.length === 0) throw new InputError(`${what}: expected a comma-separated list of ${SEVERITIES.join(', ')}.`);
  for (const item of items) {
    if (!(SEVERITIES as readonly string[]).includes(item)) {
      throw new InputError(`${what}: "${item}" is not a Trivy severity; expected a comma-separated list of ${SEVERITIES.join(', ')}.`);
    }
  }
  return SEVERITIES.filter((s) => items.includes(s)).reverse();
}

function asSeverity(value: unknown): Severity {
  const s = String(value ?? 'UNKNOWN').toUpperCase();
  return (SEVERITIES as readonly string[]).includes(s) ? (s as Severity) : 'UNKNOWN';
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Throws when `data` is not a Trivy JSON report: a scan that wrote garbage must not pass the gate. */
export function parseTrivyReport(data: unknown, source: string): TrivyReport {
  const root = obj(data);
  if (root.SchemaVersion !== 2) {
    throw new Error(`${source} is not a Trivy JSON report (SchemaVersion ${JSON.stringify(root.SchemaVersion)}, expected 2).`);
  }
  const findings: Finding[] = [];
  for (const result of arr(root.Results).map(obj)) {
    const target = str(result.Target) ?? '';
    for (const v of arr(result.Vulnerabilities).map(obj)) {
      findings.push({
        kind: 'vulnerability',
        id: str(v.VulnerabilityID) ?? 'unknown',
        severity: asSeverity(v.Severity),
        target,
        title: str(v.Title) ?? str(v.Description)?.slice(0, 120) ?? '',
        pkg: str(v.PkgName),
        installed: str(v.InstalledVersion),
        fixed: str(v.FixedVersion),
        status: str(v.Status),
      });
    }
    for (const s of arr(result.Secrets).map(obj)) {
      findings.push({ kind: 'secret', id: str(s.RuleID) ?? 'secret', severity: asSeverity(s.Severity), target, title: str(s.Title) ?? '' });
    }
    for (const m of arr(result.Misconfigurations).map(obj)) {
      if (m.Status === 'PASS') continue;
      findings.push({
        kind: 'misconfiguration',
        id: str(m.AVDID) ?? str(m.ID) ?? 'misconfiguration',
        severity: asSeverity(m.Severity),
        target,
        title: str(m.Title) ?? '',
      });
    }
  }
  return {
    trivyVersion: str(obj(root.Trivy).Version) ?? 'unknown',
    artifactName: str(root.ArtifactName) ?? source,
    findings,
  };
}

/** A vulnerability Trivy knows a fix for; secrets and misconfigurations are always fixable. */
export function isFixable(f: Finding): boolean {
  if (f.kind !== 'vulnerability') return true;
  return !!f.fixed || f.status === 'fixed';
}

export interface FindingFilter {
  severities: readonly Severity[];
  ignoreUnfixed: boolean;
}

/**
 * Applies the same filter Trivy was asked for. Trivy already applied it; doing it again keeps the
 * gate honest when a trivy.yaml in the workspace widened what Trivy wrote.
 */
export function filterFindings(findings: readonly Finding[], filter: FindingFilter): Finding[] {
  return findings.filter((f) => filter.severities.includes(f.severity) && (!filter.ignoreUnfixed || isFixable(f)));
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function addCounts(a: SeverityCounts, b: SeverityCounts): SeverityCounts {
  return Object.fromEntries(SEVERITIES.map((s) => [s, a[s] + b[s]])) as SeverityCounts;
}
