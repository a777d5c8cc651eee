/** The job-summary markdown for a scan: counts, then the findings that matter most first. */
import type { GateDecision } from './gate.js';
import { SEVERITIES } from './report.js';

const MAX_ROWS = 50;
const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function scanSummaryMarkdown(decision: GateDecision, image: string, platforms: readonly string[]): string {
  const order = [...SEVERITIES].reverse();
  const lines = [
    `### Trivy scan of \`${image}\` ${decision.passed ? '✅ passed' : '❌ failed'}`,
    '',
    `Platforms: ${platforms.map((p) => `\`${p}\``).join(', ')}`,
    '',
    `| ${order.join(' | ')} |`,
    `| ${order.map(() => '---:').join(' | ')} |`,
    `| ${order.map((s) => decision.counts[s]).join(' | ')} |`,
    '',
  ];
  if (decision.reported.length === 0) return [...lines, 'No findings at the reported severities.', ''].join('\n');
  const rank = (s: string) => order.indexOf(s as (typeof order)[number]);
  const rows = [...decision.reported].sort((a, b) => rank(a.severity) - rank(b.severity) || a.id.localeCompare(b.id));
  lines.push('| Severity | ID | Package | Installed | Fixed | Platform | Title |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const f of rows.slice(0, MAX_ROWS)) {
    lines.push(`| ${f.severity} | ${cell(f.id)} | ${cell(f.pkg ?? f.kind)} | ${cell(f.installed)} | ${cell(f.fixed)} | ${f.platform} | ${cell(f.title)} |`);
  }
  if (rows.length > MAX_ROWS) lines.push('', `…and ${rows.length - MAX_ROWS} more in the SARIF file.`);
  lines.push('', decision.message, '');
  return lines.join('\n');
}
