import type { Clock } from './clock.js';
import { systemClock } from './clock.js';

export interface RetryOptions {
  /** Total attempts, the first one included. */
  attempts?: number;
  baseMs?: number;
  capMs?: number;
  clock?: Clock;
  random?: () => number;
  signal?: AbortSignal;
  /** Which errors are worth another try; by default AWS throttling, 5xx and network resets. */
  retryable?: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): sleep U(0, min(cap, base·2^n)). */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);
const THROTTLING_NAMES = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'ProvisionedThroughputExceededException', 'TransactionInProgressException', 'RequestLimitExceeded',
  'BandwidthLimitExceeded', 'LimitExceededException', 'RequestThrottled', 'SlowDown', 'PriorRequestNotComplete',
  'EC2ThrottledException', 'Rate exceeded',
]);

/** True for faults that a later identical call may not meet: throttling, 5xx, resets, timeouts. */
export function isTransientError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown };
  if (e.name === 'AbortError') return false;
  if (e.$retryable) return true;
  if (e.name && THROTTLING_NAMES.has(e.name)) return true;
  if (e.code && (TRANSIENT_CODES.has(e.code) || THROTTLING_NAMES.has(e.code))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (typeof e.message === 'string' && /rate exceeded|socket hang up|ECONNRESET/i.test(e.message)) return true;
  if (e.cause) return isTransientError(e.cause);
  return false;
}

/** Runs `fn` until it succeeds, a non-retryable error occurs, or attempts run out (then the last error is thrown). */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const baseMs = opts.baseMs ?? 500;
  const capMs = opts.capMs ?? 20_000;
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const retryable = opts.retryable ?? isTransientError;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt + 1 >= attempts || !retryable(err) || opts.signal?.aborted) throw err;
      const delay = fullJitterDelay(attempt, baseMs, capMs, random);
      opts.onRetry?.(err, attempt + 1, delay);
      await clock.sleep(delay, opts.signal);
    }
  }
}
