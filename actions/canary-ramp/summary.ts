/** The job summary and the JSON report of a ramp: pure functions of its outcome. */
import { formatDuration } from '../../common/duration.js';
import { formatWeights, type Weights } from '../traffic/port.js';
import { formatLoadStats } from './load.js';
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

/**
 * One point per check (and per weight change): the canary's weight and each objective's canary value
 * over time, and beside them the stable version's weight and values (`baseline`: null where the
 * check measured no baseline).
 */
export function chartSeries(steps: StepReport[]): {
  labels: string[];
  weight: number[];
  stableWeight: number[];
  metrics: Map<string, (number | null)[]>;
  baseline: Map<string, (number | null)[]>;
} {
  const t0 = steps.length ? Date.parse(steps[0].startedAt) : 0;
  const labels: string[] = [];
  const weight: number[] = [];
  const stableWeight: number[] = [];
  const metrics = new Map<string, (number | null)[]>();
  const baseline = new Map<string, (number | null)[]>();
  const append = (into: Map<string, (number | null)[]>, values: Map<string, number | null>) => {
    for (const key of new Set([...metrics.keys(), ...values.keys()])) {
      if (!into.has(key)) into.set(key, Array(labels.length - 1).fill(null));
      into.get(key)!.push(values.get(key) ?? null);
    }
  };
  const point = (at: string, w: StepReport['weights'], checked: StepReport['checks'][number]['objectives']) => {
    labels.push(`${((Date.parse(at) - t0) / 60_000).toFixed(1)}m`);
    weight.push(w.canary);
    stableWeight.push(w.stable);
    append(metrics, new Map(checked.map((o) => [o.objective, o.canary.value])));
    append(baseline, new Map(checked.map((o) => [o.objective, o.baseline?.value ?? null])));
  };
  for (const s of steps) {
    point(s.startedAt, s.weights, []);
    for (const c of s.checks) point(c.at, s.weights, c.objectives);
  }
  return { labels, weight, stableWeight, metrics, baseline };
}

/** Mermaid lines cannot have gaps: the last known value carries over a check without data. */
function filled(values: (number | null)[]): number[] | null {
  const known = values.filter((v): v is number => v !== null);
  if (!known.length) return null;
  let last = known[0];
  return values.map((v) => +(v === null ? last : (last = v)).toPrecision(4));
}

function mermaid(steps: StepReport[]): string {
  const { labels, weight, stableWeight, metrics, baseline } = chartSeries(steps);
  if (labels.length < 2) return '';
  const xs = labels.map((l) => `"${l}"`).join(', ');
  // xychart-beta has no legend: the title names the lines in the order they are drawn.
  const charts = [
    ['xychart-beta', '  title "Weight (%): canary, stable"', `  x-axis [${xs}]`, '  y-axis "%" 0 --> 100', `  line [${weight.join(', ')}]`, `  line [${stableWeight.join(', ')}]`].join('\n'),
  ];
  for (const [name, values] of metrics) {
    const canary = filled(values);
    if (!canary) continue;
    const stable = filled(baseline.get(name) ?? []);
    const title = `${name.replace(/"/g, "'")}: canary${stable ? ', stable' : ''}`;
    charts.push(['xychart-beta', `  title "${title}"`, `  x-axis [${xs}]`, `  line [${canary.join(', ')}]`, ...(stable ? [`  line [${stable.join(', ')}]`] : [])].join('\n'));
  }
  return charts.map((c) => '```mermaid\n' + c + '\n```').join('\n\n');
}

/** The synthetic load of each baked step: where it went, at what rate, what it sent and what failed. */
function loadLines(steps: StepReport[]): string[] {
  const loaded = steps.filter((s) => s.load);
  if (!loaded.length) return [];
  const { tool, url, rate } = loaded[0].load!;
  const sum = (key: 'requests' | 'non2xx' | 'errors') => loaded.reduce((n, s) => n + s.load![key], 0).toLocaleString('en-US');
  return [
    `**Synthetic load** (${tool}) to ${url} at ${rate} requests/s during each bake, judged with the rest of the traffic: ${sum('requests')} requests, ${sum('non2xx')} non-2xx, ${sum('errors')} errors.`,
    '',
    ...loaded.map((s) => `- ${s.percent}%: ${formatLoadStats(s.load!)}`),
    '',
  ];
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
    // A step held for lack of traffic says how long and why.
    const waits = r.steps.filter((s) => s.waited);
    if (waits.length) lines.push(...waits.map((s) => `- ${s.percent}% waited ${formatDuration(s.waited!.ms)} beyond its bake for min-requests: ${s.waited!.reason}`), '');
    lines.push(...loadLines(r.steps));
    const chart = mermaid(r.steps);
    if (chart) lines.push(chart, '');
  }
  const verb = r.result === 'promoted' ? '**Promoted**' : r.result === 'rolled-back' ? '**Rolled back**' : r.result === 'dry-run' ? '**Dry run**' : '**Failed**';
  lines.push(`${verb}: ${r.reason}`);
  return lines.join('\n') + '\n';
}
