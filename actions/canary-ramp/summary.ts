/** The job summary and the JSON report of a ramp: pure functions of its outcome. */
import { formatWeights, type Weights } from '../traffic/port.js';
import type { RampOutcome, StepReport } from './ramp.js';

export interface RampReport {
  result: RampOutcome['result'] | 'dry-run';
  reason: string;
  resource: string;
  baseline: Weights;
  weights: Weights | null;
  steps: StepReport[];
}

const ICON: Record<string, string> = { pass: '✅', fail: '❌', inconclusive: '⏸️', error: '⚠️' };

function stepRow(s: StepReport): string {
  const counts = ['pass', 'fail', 'inconclusive', 'error']
    .map((v) => [v, s.checks.filter((c) => c.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${ICON[v]} ${n}`)
    .join(' ');
  const last = s.checks.at(-1);
  return `| ${s.percent}% | ${s.weights.stable} / ${s.weights.canary} | ${s.startedAt} | ${s.endedAt ?? ''} | ${counts || 'not analysed'} | ${s.outcome} | ${last ? `${last.verdict}: ${last.reason}`.replace(/\|/g, '\\|') : ''} |`;
}

/** One point per check (and per weight change): the canary weight and each objective's canary value over time. */
export function chartSeries(steps: StepReport[]): { labels: string[]; weight: number[]; metrics: Map<string, (number | null)[]> } {
  const t0 = steps.length ? Date.parse(steps[0].startedAt) : 0;
  const labels: string[] = [];
  const weight: number[] = [];
  const metrics = new Map<string, (number | null)[]>();
  const point = (at: string, w: number, values: Map<string, number | null>) => {
    labels.push(`${((Date.parse(at) - t0) / 60_000).toFixed(1)}m`);
    weight.push(w);
    for (const key of new Set([...metrics.keys(), ...values.keys()])) {
      if (!metrics.has(key)) metrics.set(key, Array(labels.length - 1).fill(null));
      metrics.get(key)!.push(values.get(key) ?? null);
    }
  };
  for (const s of steps) {
    point(s.startedAt, s.weights.canary, new Map());
    for (const c of s.checks) point(c.at, s.weights.canary, new Map(c.objectives.map((o) => [o.objective, o.canary.value])));
  }
  return { labels, weight, metrics };
}

function mermaid(steps: StepReport[]): string {
  const { labels, weight, metrics } = chartSeries(steps);
  if (labels.length < 2) return '';
  const xs = labels.map((l) => `"${l}"`).join(', ');
  const charts = [
    ['xychart-beta', '  title "Canary weight (%)"', `  x-axis [${xs}]`, '  y-axis "canary %" 0 --> 100', `  line [${weight.join(', ')}]`].join('\n'),
  ];
  for (const [name, values] of metrics) {
    const known = values.filter((v): v is number => v !== null);
    if (!known.length) continue;
    // Mermaid lines cannot have gaps: carry the last known value over a check without data.
    let last = known[0];
    const filled = values.map((v) => (v === null ? last : (last = v)));
    charts.push(['xychart-beta', `  title "${name.replace(/"/g, "'")} (canary)"`, `  x-axis [${xs}]`, `  line [${filled.map((v) => +v.toPrecision(4)).join(', ')}]`].join('\n'));
  }
  return charts.map((c) => '```mermaid\n' + c + '\n```').join('\n\n');
}

export function renderRampSummary(r: RampReport): string {
  const lines = [
    `## canary-ramp: ${r.result}`,
    '',
    `Resource: ${r.resource}. Baseline: ${formatWeights(r.baseline)}. Now: ${r.weights ? formatWeights(r.weights) : 'unknown'}.`,
    '',
  ];
  if (r.steps.length) {
    lines.push('| step | stable / canary | started | ended | checks | outcome | last verdict |', '|---|---|---|---|---|---|---|');
    lines.push(...r.steps.map(stepRow), '');
    const chart = mermaid(r.steps);
    if (chart) lines.push(chart, '');
  }
  const verb = r.result === 'promoted' ? '**Promoted**' : r.result === 'rolled-back' ? '**Rolled back**' : r.result === 'dry-run' ? '**Dry run**' : '**Failed**';
  lines.push(`${verb}: ${r.reason}`);
  return lines.join('\n') + '\n';
}
