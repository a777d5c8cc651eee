/**
 * The autocannon driver: constant-rate HTTP/1.1 load from this process (no worker threads), counted
 * from autocannon's own events. Imported only when `load-url` is set with load-tool autocannon.
 */
import autocannon from 'autocannon';
import { errorMessage } from '../../common/errors.js';
import { describeLoad, type LoadPlan } from './load-plan.js';
import { emptyStats, failedRun, secondsUntil, settlesWithin, type LoadOptions, type LoadRun, type LoadStats, type SyntheticLoad } from './load.js';

/**
 * autocannon ends a stopped run at its next sample tick: at 100 ms instead of the default second,
 * stop() returns promptly and no request leaves after it.
 */
const SAMPLE_MS = 100;
/** The longest stop() waits for autocannon to close its connections before reporting anyway. */
const STOP_BUDGET_MS = 5_000;
/** autocannon keeps its end in a timer: beyond this Node would fire it at once. */
const MAX_DURATION_S = Math.floor((2 ** 31 - 1) / 1000);

export function autocannonLoad(plan: LoadPlan, opts: Pick<LoadOptions, 'deadline'>): SyntheticLoad {
  return {
    description: describeLoad(plan),
    start: () => startRun(plan, opts.deadline),
  };
}

function startRun(plan: LoadPlan, deadline: number): LoadRun {
  const stats: LoadStats = emptyStats(plan);
  const startedAt = Date.now();
  let endedAt: number | null = null;
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const finish = (err?: unknown) => {
    endedAt ??= Date.now();
    if (err) stats.note = `autocannon stopped: ${errorMessage(err)}`;
    ended();
  };
  // The run ends by itself at the deadline: a ramp that never gets to stop it cannot leave it running.
  const duration = Math.min(MAX_DURATION_S, secondsUntil(deadline, startedAt));
  let instance: autocannon.Instance;
  try {
    instance = autocannon({
      url: plan.url,
      method: plan.method,
      headers: plan.headers,
      ...(plan.body !== undefined ? { body: plan.body } : {}),
      connections: plan.connections,
      overallRate: plan.rate,
      timeout: plan.timeoutMs / 1000,
      duration,
      sampleInt: SAMPLE_MS,
    }, (err) => finish(err));
  } catch (err) {
    return failedRun(plan, `autocannon could not start: ${errorMessage(err)}`);
  }
  instance.on('response', (_client: unknown, status: number) => {
    stats.requests++;
    if (status < 200 || status > 299) stats.non2xx++;
  });
  // A timeout or a connection error: no answer. (autocannon reconnects and carries on.)
  instance.on('reqError', () => {
    stats.requests++;
    stats.errors++;
  });

  function snapshot(): LoadStats {
    return { ...stats, durationMs: (endedAt ?? Date.now()) - startedAt };
  }
  let stopping: Promise<LoadStats> | null = null;
  return {
    stats: snapshot,
    stop() {
      stopping ??= (async () => {
        instance.stop();
        await settlesWithin(done, STOP_BUDGET_MS);
        if (endedAt === null) {
          endedAt = Date.now();
          stats.note = `autocannon did not confirm its stop within ${STOP_BUDGET_MS / 1000}s`;
        }
        return snapshot();
      })();
      return stopping;
    },
  };
}
