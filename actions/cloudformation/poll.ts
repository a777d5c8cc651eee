/**
 * The pacing of every CloudFormation wait: jittered sleeps that slow down while nothing happens and
 * back off further when AWS throttles ("Rate exceeded", aws-cloudformation-github-deploy#126 and
 * cdk-pipelines-github#1460). A throttled read is not a failed wait: only the deadline ends it.
 */
import type { Clock } from '../../common/clock.js';
import { systemClock } from '../../common/clock.js';
import { formatDuration } from '../../common/duration.js';
import { errorMessage } from '../../common/errors.js';
import { isTransientError } from '../../common/retry.js';

export interface PollPolicy {
  /** The interval while things happen. */
  minMs: number;
  /** The longest interval while nothing happens. */
  maxMs: number;
  /** The longest interval after repeated throttling. */
  throttledMaxMs: number;
}

export const DEFAULT_POLL: PollPolicy = { minMs: 2_000, maxMs: 15_000, throttledMaxMs: 60_000 };

export class WaitTimeoutError extends Error {
  constructor(what: string, waitedMs: number) {
    super(`Timed out after ${formatDuration(waitedMs)} waiting for ${what}.`);
    this.name = 'WaitTimeoutError';
  }
}

export interface PollerOptions {
  policy?: Partial<PollPolicy>;
  clock?: Clock;
  random?: () => number;
  signal?: AbortSignal;
  /** Epoch ms after which waiting fails. */
  deadline: number;
  /** Named in timeout errors. */
  what: string;
  onTransient?: (err: unknown, nextDelayMs: number) => void;
}

export class Poller {
  readonly policy: PollPolicy;
  private interval: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly started: number;

  constructor(private readonly opts: PollerOptions) {
    this.policy = { ...DEFAULT_POLL, ...opts.policy };
    this.interval = this.policy.minMs;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.started = this.clock.now();
  }

  /** Equal jitter (half fixed, half random): parallel deploys do not poll in lockstep, and none polls too eagerly. */
  nextDelay(): number {
    return Math.round(this.interval / 2 + (this.random() * this.interval) / 2);
  }

  /** Sleeps one interval, never past the deadline; throws WaitTimeoutError once the deadline is reached. */
  async sleep(): Promise<void> {
    const left = this.opts.deadline - this.clock.now();
    if (left <= 0) throw new WaitTimeoutError(this.opts.what, this.clock.now() - this.started);
    await this.clock.sleep(Math.min(this.nextDelay(), left), this.opts.signal);
  }

  /** Something changed: look again soon. */
  busy(): void {
    this.interval = this.policy.minMs;
  }

  /** Nothing changed: look a little later next time. */
  idle(): void {
    this.interval = Math.min(this.policy.maxMs, Math.max(this.interval, Math.round(this.interval * 1.5)));
  }

  throttled(): void {
    this.interval = Math.min(this.policy.throttledMaxMs, this.interval * 2);
  }

  /** One read: a transient fault (throttling, 5xx, reset) slows the poller and gives undefined; others throw. */
  async read<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (this.opts.signal?.aborted || !isTransientError(err)) throw err;
      this.throttled();
      this.opts.onTransient?.(err, this.interval);
      return undefined;
    }
  }

  describeTransient(err: unknown): string {
    return `${(err as { name?: string }).name ?? 'Error'}: ${errorMessage(err)}`;
  }
}
