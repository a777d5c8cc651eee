/** The rehearsal's report: what each stage expected and got, and for each ramp what really happened. */
import { formatDuration } from '../../common/duration.js';
import type { StepReport } from '../../actions/canary-ramp/ramp.js';
import type { Split } from './data-plane.js';
import { renderChart } from './chart.js';

export interface StageReport {
  name: string;
  expected: string;
  got: string;
  ms: number;
  detail: string;
  /** Why the stage did not run (a tool missing); the stage then counts as skipped, not passed. */
  skipped?: string;
  /** A part of a stage that ran without it (a tool missing), said in the last line. */
  partSkipped?: string;
  ramp?: RampRecord;
  gate?: { provider: string; result: string; reason: string; requests?: unknown };
}

/** Per second, from Prometheus (3 s rates): what each version did while the ramp ran. */
export interface TimelinePoint {
  s: number;
  canaryWeight: number;
  stable: VersionPoint;
  canary: VersionPoint;
}

export interface VersionPoint {
  rps: number | null;
  errorRate: number | null;
  p95Ms: number | null;
}

/** A period during which the data plane served one split, and what each version counted in it. */
export interface Period {
  split: Split;
  from: string;
  to: string;
  served: { stable: number | null; canary: number | null };
}

export interface RampRecord {
  scenario: string;
  canary: { version: string; faults: Record<string, string> };
  stable: { version: string };
  load: { rate: number; requests: number; statuses: Record<string, number> };
  judge: { provider: string; url: string; queries: number };
  result: string;
  reason: string;
  steps: (Omit<StepReport, 'checks'> & { served: Period['served'] | null; checks: CheckRecord[] })[];
  periods: Period[];
  timeline: TimelinePoint[];
}

export interface CheckRecord {
  at: string;
  verdict: string;
  reason: string;
  objectives: { objective: string; verdict: string; canary: number | null; baseline: number | null }[];
}

/**
 * Each ramp step gets the requests served in the data plane's period at that step's weight (the
 * periods come from the weight changes the data plane applied, in order).
 */
export function attachServed(steps: StepReport[], periods: Period[]): RampRecord['steps'] {
  let from = 0;
  return steps.map((s) => {
    const i = periods.findIndex((p, k) => k >= from && p.split.canary === s.weights.canary);
    if (i >= 0) from = i + 1;
    return {
      ...s,
      served: i >= 0 ? periods[i].served : null,
      checks: s.checks.map((c) => ({
        at: c.at,
        verdict: c.verdict,
        reason: c.reason,
        objectives: c.objectives.map((o) => ({ objective: o.objective, verdict: o.verdict, canary: o.canary.value, baseline: o.baseline?.value ?? null })),
      })),
    };
  });
}

/** `rolled-back at 10% (error-rate)`: where the ramp ended and which objectives failed its last check. */
export function rampOutcome(result: string, steps: StepReport[]): string {
  if (result !== 'rolled-back') return result;
  const last = steps.at(-1);
  const check = last?.checks.at(-1);
  const failing = check?.objectives.filter((o) => o.verdict === 'fail').map((o) => o.objective.split(/\s/)[0]) ?? [];
  const cause = failing.length ? failing.join(', ') : check?.verdict ?? 'no check';
  return `rolled-back at ${last?.percent ?? 0}% (${cause})`;
}

export function stageTable(stages: StageReport[]): string {
  const rows = stages.map((s) => `| ${s.name} | ${s.expected} | ${s.skipped ? `skipped: ${s.skipped}` : s.got} | ${s.skipped ? '' : formatDuration(s.ms)} |`);
  return ['| stage | expected | got | time |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function failedStages(stages: StageReport[]): StageReport[] {
  return stages.filter((s) => !s.skipped && s.got !== s.expected);
}

/** The last line: never a plain "passed" when anything was skipped; a part a stage ran without is named. */
export function verdictLine(stages: StageReport[], wallMs: number): string {
  const failed = failedStages(stages).length;
  const skipped = stages.filter((s) => s.skipped).length;
  const ran = stages.length - skipped;
  const parts = stages.filter((s) => s.partSkipped).map((s) => s.partSkipped);
  const notRun = parts.length ? ` Not run: ${parts.join('; ')}.` : '';
  if (failed) return `Rehearsal failed: ${failed} of ${ran} stage(s) did not end as expected${skipped ? `, ${skipped} skipped` : ''} (${formatDuration(wallMs)}).${notRun}`;
  if (skipped) return `Rehearsal passed with ${skipped} stage(s) skipped: ${ran} ran as expected (${formatDuration(wallMs)}).${notRun}`;
  return `Rehearsal passed: ${ran} stages (${formatDuration(wallMs)}).${notRun}`;
}

/** Served per version and step, e.g. `10%: stable 1,083 / canary 121`. */
export function servedLine(steps: RampRecord['steps']): string {
  const n = (v: number | null | undefined) => (v === null || v === undefined ? '?' : v.toLocaleString('en-US'));
  return steps.map((s) => `${s.percent}%: stable ${n(s.served?.stable)} / canary ${n(s.served?.canary)}`).join('; ');
}

/** Three panels over the ramp's time: canary weight, then error rate and p95 of both versions. */
export function rampCharts(r: RampRecord): string {
  const t = r.timeline;
  if (t.length < 2) return '';
  const seconds = t.map((p) => p.s);
  const pick = (v: 'stable' | 'canary', k: keyof VersionPoint, scale = 1) => t.map((p) => (p[v][k] === null ? null : p[v][k]! * scale));
  return [
    renderChart([{ name: 'canary', mark: '█', values: t.map((p) => p.canaryWeight) }], { title: 'canary weight', unit: '%', max: 100, height: 5, seconds }),
    renderChart([{ name: `stable ${r.stable.version}`, mark: '·', values: pick('stable', 'errorRate', 100) }, { name: `canary ${r.canary.version}`, mark: '●', values: pick('canary', 'errorRate', 100) }], { title: 'error rate', unit: '%', height: 5, seconds }),
    renderChart([{ name: `stable ${r.stable.version}`, mark: '·', values: pick('stable', 'p95Ms') }, { name: `canary ${r.canary.version}`, mark: '●', values: pick('canary', 'p95Ms') }], { title: 'p95', unit: 'ms', height: 6, seconds }),
  ].join('\n\n');
}
