/**
 * Runs a built action bundle the way the GitHub runner does: INPUT_* env (hyphens kept, spaces to
 * underscores, upper-cased), GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY / GITHUB_ENV files,
 * and the post entry with STATE_* env from what main saved. Tests go through this, not only modules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface RunOptions {
  inputs?: Record<string, string | number | boolean | undefined>;
  /** Extra environment (AWS_ENDPOINT_URL_*, credentials, ...). */
  env?: Record<string, string | undefined>;
  /** STATE_* values, for a post run; `runPost` fills these from a main run. */
  state?: Record<string, string>;
  /** A working folder to reuse (so post sees main's files); a fresh one by default. */
  workdir?: string;
  cwd?: string;
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Lines the runner would show as annotations (::error::, ::warning::, ::notice::). */
  errors: string[];
  warnings: string[];
  workdir: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<RunResult>;
  /** Resolves once stdout contains the text (or rejects when the process ends first). */
  waitFor(text: string | RegExp): Promise<void>;
}

/** The file the runner starts for an action: its entry dist/<name>.js, or dist/index.js for the root action ('.'). */
export function bundlePath(action: string): string {
  return join(repoRoot, 'dist', action === '.' ? 'index.js' : `${action}.js`);
}

/** Parses the runner's file-command format: `name=value` lines or `name<<DELIM ... DELIM` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) body.push(lines[i]);
      out[name] = body.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

/** The action's metadata file, as the runner finds it for the bundle. */
export function actionYmlPath(action: string): string {
  return action === '.' ? join(repoRoot, 'action.yml') : join(repoRoot, 'actions', action, 'action.yml');
}

/**
 * What the runner does with `inputs.<name>.default`: every input the step does not set gets its
 * default as INPUT_*; an input set to '' stays ''. Inputs without a default are not set at all.
 */
export function actionDefaults(action: string): Record<string, string> {
  const meta = parseYaml(readFileSync(actionYmlPath(action), 'utf8')) as { inputs?: Record<string, { default?: unknown }> };
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    if (spec?.default !== undefined && spec.default !== null) out[name] = String(spec.default);
  }
  return out;
}

export function inputEnv(inputs: RunOptions['inputs'] = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined) continue;
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
  }
  return env;
}

/** The INPUT_* a step of `action` gets: its `with:` values over the action's defaults. */
export function stepInputEnv(action: string, inputs: RunOptions['inputs'] = {}): Record<string, string> {
  const given = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined));
  return inputEnv({ ...actionDefaults(action), ...given });
}

function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'SYSTEMROOT', 'TMPDIR'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k]) env[k] = process.env[k]!;
  return env;
}

export function startBundle(action: string, opts: RunOptions = {}, phase: 'main' | 'post' = 'main'): Running {
  const workdir = opts.workdir ?? mkdtempSync(join(tmpdir(), 'mesh-run-'));
  const files = {
    GITHUB_OUTPUT: join(workdir, `${phase}-output`),
    GITHUB_STATE: join(workdir, `${phase}-state`),
    GITHUB_STEP_SUMMARY: join(workdir, `${phase}-summary.md`),
    GITHUB_ENV: join(workdir, `${phase}-env`),
    GITHUB_PATH: join(workdir, `${phase}-path`),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const stateEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.state ?? {})) stateEnv[`STATE_${k}`] = v;
  const env: Record<string, string> = {
    ...baseEnv(),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: workdir,
    RUNNER_OS: 'Linux',
    GITHUB_WORKSPACE: opts.cwd ?? repoRoot,
    GITHUB_REPOSITORY: 'example-org/example-service',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'eu-central-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...files,
    ...stepInputEnv(action, opts.inputs),
    ...stateEnv,
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [bundlePath(action)], { cwd: opts.cwd ?? workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: string | RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const matches = (p: string | RegExp) => (typeof p === 'string' ? stdout.includes(p) : p.test(stdout));
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of [...waiters]) if (matches(w.pattern)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  const done = new Promise<RunResult>((resolveDone) => {
    // 'exit' can come before the pipes are read to the end on a busy machine: settle on 'close',
    // or 2 s after 'exit' if something the action started still holds its output open.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const settle = () => settled(code, signal);
      child.once('close', settle);
      setTimeout(settle, 2_000);
    });
    let finished = false;
    const settled = (code: number | null, signal: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      for (const w of waiters.splice(0)) w.reject(new Error(`process ended (code ${code}, signal ${signal}) before output matched ${w.pattern}\n${stdout}\n${stderr}`));
      const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
      const annotations = (kind: string) =>
        stdout.split('\n').filter((l) => l.startsWith(`::${kind}`)).map((l) => l.replace(/^::[a-z]+[^:]*::/, ''));
      resolveDone({
        code, signal, stdout, stderr,
        outputs: parseFileCommands(read(files.GITHUB_OUTPUT)),
        state: parseFileCommands(read(files.GITHUB_STATE)),
        summary: read(files.GITHUB_STEP_SUMMARY),
        errors: annotations('error'),
        warnings: annotations('warning'),
        workdir,
      });
    };
  });
  return {
    child,
    done,
    waitFor: (pattern) =>
      matches(pattern) ? Promise.resolve() : new Promise<void>((res, rej) => waiters.push({ pattern, resolve: res, reject: rej })),
  };
}

/** Runs the main entry to completion. */
export function runBundle(action: string, opts: RunOptions = {}): Promise<RunResult> {
  return startBundle(action, opts, 'main').done;
}

/** Runs the post entry with the state a main run saved (as the runner does for `runs.post`). */
export function runPost(action: string, main: Pick<RunResult, 'state' | 'workdir'>, opts: RunOptions = {}): Promise<RunResult> {
  return startBundle(action, { ...opts, workdir: main.workdir, state: { ...main.state, ...opts.state } }, 'post').done;
}
