/**
 * Every AWS call a router makes goes through one of these: full-jitter retries of throttling, 5xx and
 * resets on an injectable clock, so tests drive faults without waiting and logs say what was retried.
 * The caller's signal (a ramp's deadline and cancellation, a restore's own budget) reaches every
 * attempt as the SDK's abortSignal and stops the retries, so a hung call cannot outlast it.
 */
import { withRetry, type RetryOptions } from '../../common/retry.js';
import { errorMessage } from '../../common/errors.js';

/** `fn` sends one attempt with `abortSignal` (`client.send(command, { abortSignal })`). */
export type AwsCall = <T>(what: string, fn: (abortSignal: AbortSignal | undefined) => Promise<T>, signal?: AbortSignal) => Promise<T>;

export interface CallOptions extends Omit<RetryOptions, 'onRetry' | 'signal'> {
  log?: (message: string) => void;
}

export function retryingCall(opts: CallOptions = {}): AwsCall {
  return (what, fn, signal) =>
    withRetry(() => fn(signal), {
      attempts: 6,
      baseMs: 250,
      capMs: 10_000,
      ...opts,
      signal,
      onRetry: (err, attempt, delay) => opts.log?.(`${what}: ${errorMessage(err)}; retry ${attempt} in ${delay} ms`),
    });
}
