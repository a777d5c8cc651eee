/**
 * The synthetic load port: the ramp starts a run when a step begins baking and stops it when the
 * step is decided, and knows nothing else (start, stop, stats). The drivers (autocannon in this
 * process, k6 as a child process) are loaded only when `load-url` is set, so a ramp without load
 * pays nothing for them at start.
 */
import { InputError } from '../../common/errors.js';
import type { LoadPlan } from './load-plan.js';

/** What one run sent and got back. Every request counts: they are real traffic the judge sees. */
export interface LoadStats {
  tool: LoadPlan['tool'];
  /** The target without credentials or query. */
  url: string;
  /** Requests per second asked for. */
  rate: number;
  /** Requests that completed: answered, timed out or failed on the connection. */
  requests: number;
  /** Answers outside 200-299. */
  non2xx: number;
  /** Requests that got no answer: connection errors and timeouts. */
  errors: number;
  /** How long the run lasted. */
  durationMs: number;
  /** Something the operator should know: the driver failed, k6 exited early, counts are missing. */
  note?: string;
}

export interface LoadRun {
  /** The counts so far (k6: known only once it has stopped). */
  stats(): LoadStats;
  /** Stops sending; resolves with the final counts once no further request can leave. Never rejects. */
  stop(): Promise<LoadStats>;
}

export interface SyntheticLoad {
  /** `autocannon GET https://… at 20 requests/s …`, for the log. */
  readonly description: string;
  /** Starts sending at once. */
  start(): LoadRun;
}

export interface LoadOptions {
  /** Epoch ms after which no run may still be sending: the ramp's deadline. */
  deadline: number;
  warn(message: string): void;
  /** Finds a tool on PATH ('' when absent): @actions/io's which by default. */
  which?(tool: string): Promise<string>;
}

/** The install hint for a missing k6, in the one place that says it. */
const K6_INSTALL = 'install it before this step (grafana/setup-k6-action, or https://grafana.com/docs/k6/latest/set-up/install-k6/) or use load-tool: autocannon';

/**
 * The driver for `plan.tool`, imported on demand. k6 must be on PATH: found before anything else runs,
 * so an absent k6 fails the step like any bad input, before a single AWS call.
 */
export async function openLoad(plan: LoadPlan, opts: LoadOptions): Promise<SyntheticLoad> {
  if (plan.tool === 'k6') {
    const which = opts.which ?? (async (tool: string) => (await import('@actions/io')).which(tool, false));
    const k6Path = await which('k6');
    if (!k6Path) throw new InputError(`Input "load-tool": k6 is not on PATH; ${K6_INSTALL}.`);
    const { k6Load } = await import('./load-k6.js');
    return k6Load(plan, { ...opts, k6Path });
  }
  const { autocannonLoad } = await import('./load-autocannon.js');
  if (plan.url.startsWith('https:') && Object.keys(plan.headers).length) {
    // autocannon does not verify the server's certificate (it connects with rejectUnauthorized: false).
    opts.warn(`load-url is https and load-headers are set: autocannon does not verify the server's certificate, so use headers you would send over plain http, or load-tool: k6 (which verifies it).`);
  }
  return autocannonLoad(plan, opts);
}

/** Zero counts for a run of `plan`. */
export function emptyStats(plan: LoadPlan): LoadStats {
  return { tool: plan.tool, url: plan.display, rate: plan.rate, requests: 0, non2xx: 0, errors: 0, durationMs: 0 };
}

/** A run that could not start: nothing is sent, and the why is in its stats (the ramp goes on without load). */
export function failedRun(plan: LoadPlan, note: string): LoadRun {
  const stats = { ...emptyStats(plan), note };
  return { stats: () => stats, stop: async () => stats };
}

/** Whole seconds from `now` to `deadline`, at least 1: how long a run sends before it ends by itself. */
export function secondsUntil(deadline: number, now: number): number {
  return Math.max(1, Math.ceil((deadline - now) / 1000));
}

/** Waits for `done` at most `ms`: true when it settled in time. How a driver's stop() bounds its wait. */
export async function settlesWithin(done: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([done.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `1,204 requests (3 non-2xx, 0 errors) in 5m at 20/s`: one line per run for the log and the summary. */
export function formatLoadStats(s: LoadStats): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const secs = Math.round(s.durationMs / 1000);
  return `${n(s.requests)} requests (${n(s.non2xx)} non-2xx, ${n(s.errors)} errors) in ${secs}s at ${s.rate}/s${s.note ? `; ${s.note}` : ''}`;
}
