/** Deadlines as AbortSignals: what bounds a call that might otherwise hang. */

/** Node clamps timers past 2^31-1 ms to 1 ms, which would abort at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** An AbortSignal that aborts (with a TimeoutError) after `ms`; one further away than a timer can wait never does. */
export function abortAfter(ms: number): AbortSignal {
  return ms > MAX_TIMER_MS ? new AbortController().signal : AbortSignal.timeout(Math.max(0, ms));
}
