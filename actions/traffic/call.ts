/**
 * Every AWS call a router makes goes through one of these: full-jitter retries of throttling, 5xx and
 * resets on an injectable clock, so tests drive faults without waiting and logs say what was retried.
 */
import { withRetry, type RetryOptions } from '../lib/retry.js';
import { errorMessage } from '../lib/errors.js';

export type AwsCall = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

export interface CallOptions extends Omit<RetryOptions, 'onRetry'> {
  log?: (message: string) => void;
}

export function retryingCall(opts: CallOptions = {}): AwsCall {
  return (what, fn) =>
    withRetry(() => fn(), {
      attempts: 6,
      baseMs: 250,
      capMs: 10_000,
      ...opts,
      onRetry: (err, attempt, delay) => opts.log?.(`${what}: ${errorMessage(err)}; retry ${attempt} in ${delay} ms`),
    });
}
