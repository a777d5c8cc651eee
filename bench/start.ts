/**
 * Cold start of every bundle (`npm run bench:start`), side by side with `node -e 0`: the goal is at
 * most 2× in wall time and in CPU time (user + sys).
 *
 * Each action runs as the runner starts it (its runs file dist/<name>.js, INPUT_* with the action's
 * defaults, the GITHUB_* file commands) with no inputs of its own, so it ends at its first required
 * input: an InputError exit is exactly start-up plus input validation. The root action
 * (dist/index.js) runs with `command` set to each action. The size column is what a run loads from
 * dist/ (its entry, dist/index.js and the chunks it imports), recorded in the unmeasured warm-up run.
 * Nothing is called over the network (AWS_ENDPOINT_URL points at a closed loopback port).
 *
 * Runs are paired and interleaved: every round runs each bundle right next to its own `node -e 0`
 * (which one first alternating), so load from other work on a shared machine hits both alike. The
 * ratio is the geometric mean of the per-pair ratios with a 95 % confidence interval (Student t on
 * the log ratios). CPU and peak RSS come from /usr/bin/time (the kernel's rusage of the child; its
 * CPU resolution is 10 ms, so N matters), wall time from this process around spawn → exit.
 *
 * START_RUNS (default 20) sets the rounds; START_ONLY=slo-gate,root:canary-ramp picks rows.
 * Progress goes to stderr; the table to stdout and bench/start.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverActions } from '../scripts/build.mjs';
import { stepInputEnv } from '../test/support/harness.js';
import { loadedFiles, RECORD_LOADS_HOOK } from '../test/support/loads.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.START_RUNS ?? 20);
const ONLY = (process.env.START_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const GOAL = 2;
const TIME = '/usr/bin/time';
const ACTIONS = discoverActions();

if (!Number.isInteger(RUNS) || RUNS < 2 || RUNS > 10_000) {
  console.error(`START_RUNS: "${process.env.START_RUNS}" is not a whole number from 2 to 10000.`);
  process.exit(2);
}
if (!existsSync(TIME)) {
  console.error(`${TIME} is needed for CPU time and peak RSS (Debian/Ubuntu: apt-get install time).`);
  process.exit(2);
}

interface Target {
  name: string;
  /** The bundle, relative to the repository. */
  bundle: string;
  env: Record<string, string>;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMiB: number;
  code: number | null;
  firstError: string;
}

const targets: Target[] = [
  ...ACTIONS.map((name) => ({ name, bundle: `dist/${name}.js`, env: stepInputEnv(name) })),
  ...ACTIONS.map((name) => ({ name: `root:${name}`, bundle: 'dist/index.js', env: stepInputEnv('.', { command: name }) })),
].filter((t) => ONLY.length === 0 || ONLY.includes(t.name));

for (const t of targets) {
  if (!existsSync(join(root, t.bundle))) {
    console.error(`${t.bundle} does not exist: run \`npm run build\` first.`);
    process.exit(2);
  }
}

const work = mkdtempSync(join(tmpdir(), 'mesh-start-'));
const files = {
  GITHUB_OUTPUT: join(work, 'output'),
  GITHUB_STATE: join(work, 'state'),
  GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
  GITHUB_ENV: join(work, 'env'),
  GITHUB_PATH: join(work, 'path'),
};
const baseEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: work,
  RUNNER_TEMP: work,
  GITHUB_WORKSPACE: work,
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  ...files,
};

/** One run under /usr/bin/time: wall from here, user+sys and max RSS from the kernel via time. */
function once(args: string[], env: Record<string, string>): Promise<Sample> {
  for (const f of Object.values(files)) writeFileSync(f, '');
  const report = join(work, 'time');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%U %S %M', '-o', report, process.execPath, ...args], {
      cwd: work, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      // time writes "Command exited with non-zero status N" before its own line when the child fails.
      const line = readFileSync(report, 'utf8').trim().split('\n').at(-1) ?? '';
      const [user, sys, rssKiB] = line.split(' ').map(Number);
      if (![user, sys, rssKiB].every(Number.isFinite)) return reject(new Error(`unreadable ${TIME} report: ${line}`));
      const firstError = out.split('\n').find((l) => l.startsWith('::error'))?.replace(/%0A.*/, '') ?? '';
      resolve({ wallMs, cpuMs: (user + sys) * 1000, rssMiB: rssKiB / 1024, code, firstError });
    });
  });
}

const BASELINE = ['-e', '0'];

interface Row {
  target: Target;
  base: Sample[];
  run: Sample[];
}

const rows: Row[] = targets.map((target) => ({ target, base: [], run: [] }));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Two-sided 95 % Student t quantile for `df` degrees of freedom (table, then the normal limit). */
function t95(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  return df <= table.length ? table[df - 1] : df <= 60 ? 2.0 : 1.96;
}

/** Geometric mean of the paired ratios and its 95 % interval. */
function pairedRatio(run: number[], base: number[]): { ratio: number; low: number; high: number } {
  const logs = run.map((r, i) => Math.log(r / base[i])).filter(Number.isFinite);
  const n = logs.length;
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = t95(n - 1) * sd / Math.sqrt(n);
  return { ratio: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) };
}

/** What one start loads from dist/: file count and bytes. */
function loadedSize(list: string): string {
  const files = loadedFiles(list);
  const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
  return `${files.length} files, ${Math.round(bytes / 1024)} KiB`;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  console.error(`bench:start: ${targets.length} bundles × ${RUNS} paired runs with node -e 0 (${process.version}), load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  // One unmeasured run each: the page cache holds the bundle, as on a runner that just checked it out.
  const sizes = new Map<Row, string>();
  for (const row of rows) {
    const list = join(work, 'loaded');
    writeFileSync(list, '');
    // Preloaded in the warm-up run only: it lists the files a start loads (the size column).
    await once(['--import', RECORD_LOADS_HOOK, join(root, row.target.bundle)], { ...row.target.env, RECORD_LOADS: list });
    sizes.set(row, loadedSize(list));
  }
  await once(BASELINE, {});
  for (let round = 0; round < RUNS; round++) {
    for (const row of rows) {
      const pair = round % 2 === 0
        ? [await once(BASELINE, {}), await once([join(root, row.target.bundle)], row.target.env)]
        : [await once([join(root, row.target.bundle)], row.target.env), await once(BASELINE, {})].reverse();
      row.base.push(pair[0]);
      row.run.push(pair[1]);
    }
    const last = rows.map((r) => `${r.target.name} ${(r.run.at(-1)!.wallMs / r.base.at(-1)!.wallMs).toFixed(1)}×`).join(', ');
    console.error(`round ${round + 1}/${RUNS}: ${last}`);
  }
  const loadAfter = loadavg();
  rmSync(work, { recursive: true, force: true });

  const fmt = (r: { ratio: number; low: number; high: number }) => `${r.ratio.toFixed(2)}× [${r.low.toFixed(2)}–${r.high.toFixed(2)}]`;
  const lines = [
    `Cold start of each action (its runs file; root: dist/index.js with \`command\`) against \`node -e 0\`, ${RUNS} paired interleaved runs, ${process.version}, ` +
      `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after. ` +
      `Ratios: geometric mean of per-pair ratios [95 % CI]; times are medians. Goal: ≤ ${GOAL}× in wall and CPU.`,
    '',
    '| runs | loads from dist/ | wall ms | node -e 0 wall ms | wall ratio | CPU ms | node -e 0 CPU ms | CPU ratio | peak RSS MiB | goal | ends with |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  let allMet = true;
  for (const row of rows) {
    const { target, base, run } = row;
    const wall = pairedRatio(run.map((s) => s.wallMs), base.map((s) => s.wallMs));
    const cpu = pairedRatio(run.map((s) => s.cpuMs), base.map((s) => s.cpuMs));
    const met = wall.ratio <= GOAL && cpu.ratio <= GOAL;
    allMet &&= met;
    const codes = [...new Set(run.map((s) => s.code))].join(',');
    const ending = `exit ${codes}: ${run[0].firstError.replace(/^::error::/, '').replace(/\|/g, '\\|').slice(0, 60)}`;
    lines.push(`| ${target.name} | ${sizes.get(row)} | ${median(run.map((s) => s.wallMs)).toFixed(0)} | ${median(base.map((s) => s.wallMs)).toFixed(0)} | ${fmt(wall)} | ` +
      `${median(run.map((s) => s.cpuMs)).toFixed(0)} | ${median(base.map((s) => s.cpuMs)).toFixed(0)} | ${fmt(cpu)} | ${median(run.map((s) => s.rssMiB)).toFixed(0)} | ${met ? 'met' : 'missed'} | ${ending} |`);
  }
  lines.push('', `Peak RSS of node -e 0: ${median(rows.flatMap((r) => r.base.map((s) => s.rssMiB))).toFixed(0)} MiB. ${allMet ? 'Every bundle meets the goal.' : 'Not every bundle meets the goal.'}`);
  const table = lines.join('\n') + '\n';
  process.stdout.write(table);
  writeFileSync(join(root, 'bench/start.md'), `# Cold start (\`npm run bench:start\`)\n\n${table}`);
  console.error('bench:start: written to bench/start.md');
}

await main();
