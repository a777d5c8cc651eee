/** How the rehearsal runs and reports its stages: one at a time with a progress line, or in lanes at once. */
import { errorMessage } from '../../common/errors.js';
import { formatDuration } from '../../common/duration.js';
import type { RunResult } from '../../test/support/harness.js';
import type { StageReport } from './report.js';

const tty = process.stdout.isTTY;
/** Every stage's report, in the order the table shows them. */
export const stages: StageReport[] = [];

export type StageRun = (progress: (line: string) => void) => Promise<Omit<StageReport, 'name' | 'expected' | 'ms'> & { result?: RunResult }>;

const mark = (r: StageReport) => (r.got === r.expected ? '✔' : '✘');
const resultLine = (r: StageReport) => `${mark(r)} ${r.got} (${formatDuration(r.ms)})${r.detail ? ` — ${r.detail}` : ''}`;
/** A failed stage's bundle output, for the reader to see why. */
const failureOutput = (result: RunResult) => [...result.stdout.split('\n').slice(-25), ...(result.stderr.trim() ? result.stderr.split('\n').slice(-10) : [])];

/** Runs one stage with progress: a ticking line on a terminal, a line every 5 s elsewhere. */
export async function stage(name: string, expected: string, run: StageRun): Promise<StageReport> {
  const t0 = Date.now();
  let open = true;
  const head = `▶ ${name} …`;
  process.stdout.write(head);
  const progress = (line: string) => {
    if (open) process.stdout.write('\n');
    open = false;
    console.log(`    ${line}`);
  };
  const ticker = setInterval(() => {
    const s = Math.round((Date.now() - t0) / 1000);
    if (tty && open) process.stdout.write(`\r${head} ${s}s`);
    else if (!tty && s % 5 === 0) progress(`… ${s}s`);
  }, 1000);
  let out;
  try {
    out = await run(progress);
  } finally {
    clearInterval(ticker);
  }
  const { result, ...rest } = out;
  const report: StageReport = { name, expected, ms: Date.now() - t0, ...rest };
  stages.push(report);
  if (open && tty) process.stdout.write(`\r${head} ${resultLine(report)}\n`);
  else if (open) process.stdout.write(` ${resultLine(report)}\n`);
  else console.log(`  ${resultLine(report)}`);
  if (report.got !== expected && result) console.log(failureOutput(result).join('\n'));
  return report;
}

/** One of several stage sequences running at once: its lines carry its label; its reports are its own. */
export interface Lane {
  label: string;
  reports: StageReport[];
  /** What it is doing now, for the group's progress line. */
  status: string;
}

/** A stage inside a lane: no ticking line of its own (the group has one), every line labelled. */
export async function laneStage(lane: Lane, name: string, expected: string, run: StageRun): Promise<StageReport> {
  const t0 = Date.now();
  const say = (line: string) => console.log(`    [${lane.label}] ${line}`);
  say(`▶ ${name}`);
  const { result, ...rest } = await run(say);
  const report: StageReport = { name, expected, ms: Date.now() - t0, ...rest };
  lane.reports.push(report);
  say(resultLine(report));
  if (report.got !== expected && result) for (const l of failureOutput(result)) say(l);
  return report;
}

/**
 * Runs lanes at once under one heading, with a progress line every 5 s saying where each lane is.
 * Their stages join the report in lane order, so the table reads the same whichever ends first.
 */
export async function concurrently(title: string, lanes: Lane[], run: (lane: Lane) => Promise<void>): Promise<void> {
  const t0 = Date.now();
  console.log(`▶ ${title}`);
  const ticker = setInterval(() => console.log(`  … ${Math.round((Date.now() - t0) / 1000)}s: ${lanes.map((l) => `${l.label} ${l.status}`).join('; ')}`), 5000);
  try {
    await Promise.all(lanes.map((lane) => run(lane).catch((err) => {
      lane.status = `failed: ${errorMessage(err)}`;
      throw err;
    })));
  } finally {
    clearInterval(ticker);
  }
  for (const lane of lanes) stages.push(...lane.reports);
  console.log(`  ${lanes.map((l) => `${l.label} ${l.status}`).join('; ')} (${formatDuration(Date.now() - t0)})`);
}

export function skip(name: string, expected: string, why: string): void {
  stages.push({ name, expected, got: 'skipped', ms: 0, detail: '', skipped: why });
  console.log(`▶ ${name} … skipped: ${why}`);
}
