/** The job summary of one evaluation: a table row per objective and a Mermaid chart of each canary value against its limit. */
import type { GateResult, ObjectiveResult } from './types.js';

const ICON = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive' } as const;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

function testCell(r: ObjectiveResult): string {
  const t = r.test;
  const e = r.evidence ? `e=${num(r.evidence.eValue)} (fails at ${num(r.evidence.threshold)})` : '';
  if (t.name === 'paired-t-mixture') return `paired t mixture over ${t.periods} period(s), t=${num(t.t as number)}, ${e}`;
  if (t.name === 'rate-ratio-mixture') return `rate-ratio mixture over ${t.periods} period(s), φ=${t.phi}, ${e}`;
  if (t.name === 'binomial-mixture') return `binomial mixture, ${t.failures}/${t.requests} failed, φ=${t.phi}, ${e}`;
  if (t.name === 'threshold') {
    const v = t.threshold as number;
    return `threshold ${t.unit === 'ratio' ? `${num(v * 100)}%` : t.unit === 'none' ? num(v) : `${num(v)}${String(t.unit)}`}`;
  }
  if (t.name === 'ratio') return `ratio ${t.ratio} vs ${t.factor}x`;
  return t.name;
}

/** The limit an objective's canary value is held to, when one is known. */
export function limitOf(r: ObjectiveResult): number | null {
  if (r.test.name === 'threshold' || r.test.name === 'binomial-mixture') return r.test.threshold as number;
  const factor = r.test.factor as number | undefined;
  if (factor !== undefined && r.baseline?.value !== null && r.baseline?.value !== undefined) return factor * r.baseline.value;
  return null;
}

function chart(result: GateResult): string[] {
  const rows = result.objectives
    .map((r) => ({ r, limit: limitOf(r) }))
    .filter(({ r, limit }) => r.canary.value !== null && limit !== null && limit > 0);
  if (rows.length === 0) return [];
  const pct = rows.map(({ r, limit }) => Math.round((r.canary.value! / limit!) * 1000) / 10);
  const top = Math.max(150, Math.ceil(Math.max(...pct) / 50) * 50);
  const label = (s: string) => JSON.stringify(s.replace(/"/g, "'"));
  return [
    '',
    '```mermaid',
    'xychart-beta',
    '  title "Canary value as % of its limit (100 = at the limit)"',
    `  x-axis [${rows.map(({ r }) => label(r.objective)).join(', ')}]`,
    `  y-axis "% of limit" 0 --> ${top}`,
    `  bar [${pct.join(', ')}]`,
    `  line [${rows.map(() => 100).join(', ')}]`,
    '```',
  ];
}

export function renderGateSummary(result: GateResult): string {
  const lines = [
    `### SLO gate: ${ICON[result.result]}`,
    '',
    `${cell(result.reason)}`,
    '',
    `Window ${result.window.start} → ${result.window.end}` +
      (result.dataWindow ? ` (data: ${result.dataWindow.start} → ${result.dataWindow.end})` : '') +
      (result.requests ? ` · requests: canary ${num(result.requests.canary)}${result.requests.baseline !== undefined ? `, baseline ${num(result.requests.baseline)}` : ''}` : ''),
    '',
    '| Objective | Canary | Baseline | Periods (canary/baseline) | Test | Verdict | Why |',
    '|---|---|---|---|---|---|---|',
    ...result.objectives.map((r) =>
      `| ${cell(r.objective)} | ${num(r.canary.value)} | ${num(r.baseline?.value)} | ${r.canary.samples}/${r.baseline?.samples ?? '—'} | ${cell(testCell(r))} | ${ICON[r.verdict]} | ${cell(r.reason)} |`),
    ...chart(result),
    '',
  ];
  return lines.join('\n');
}
