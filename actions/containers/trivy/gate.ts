/** The decision that stands between a built image and the registry. Pure. */
import { countBySeverity, filterFindings, type Finding, type FindingFilter, type Severity, type SeverityCounts } from './report.js';

export interface PlatformScan {
  platform: string;
  findings: Finding[];
}

export interface GateDecision {
  passed: boolean;
  /** Findings within `severity` (and `ignore-unfixed`), all platforms. */
  reported: (Finding & { platform: string })[];
  /** The reported findings whose severity is in `fail-on`. */
  failing: (Finding & { platform: string })[];
  counts: SeverityCounts;
  message: string;
}

export function decideGate(scans: readonly PlatformScan[], filter: FindingFilter, failOn: readonly Severity[]): GateDecision {
  const reported = scans.flatMap((s) => filterFindings(s.findings, filter).map((f) => ({ ...f, platform: s.platform })));
  const failing = reported.filter((f) => failOn.includes(f.severity));
  // The same CVE in the same package on two platforms is one problem for the counts.
  const key = (f: Finding) => `${f.kind}|${f.id}|${f.pkg ?? ''}|${f.installed ?? ''}|${f.target.replace(/\s*\(.*\)$/, '')}`;
  const unique = new Map<string, Finding>();
  for (const f of reported) unique.set(key(f), f);
  const counts = countBySeverity([...unique.values()]);
  const failingCount = new Set(failing.map(key)).size;
  const summary = Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).reverse().join(', ') || 'no findings';
  const message = failing.length === 0
    ? `Scan gate passed (${summary}; fail-on: ${failOn.length ? failOn.join(',') : 'none'}).`
    : `Scan gate failed: ${failingCount} finding(s) at ${[...new Set(failing.map((f) => f.severity))].join('/')} ` +
      `(fail-on: ${failOn.join(',')}), e.g. ${failing.slice(0, 3).map((f) => `${f.id}${f.pkg ? ` in ${f.pkg}` : ''} [${f.platform}]`).join('; ')}. Nothing was pushed.`;
  return { passed: failing.length === 0, reported, failing, counts, message };
}
