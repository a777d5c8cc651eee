/**
 * A consecutive-failure circuit breaker: after `failureThreshold` failures in a row it opens and
 * fails fast for `resetTimeoutMs`, then lets `halfOpenMax` trial calls through; one success closes it,
 * one failure opens it again. Time comes from an injectable Clock so tests never wait.
 */
import type { Clock } from '../../../common/clock.js';
import { systemClock } from '../../../common/clock.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long the circuit stays open before trial calls are allowed. */
  resetTimeoutMs?: number;
  /** Trial calls allowed at once while half-open. */
  halfOpenMax?: number;
  /** Which errors count as a failure of the dependency (a 4xx from the caller's own mistake should not). */
  isFailure?: (err: unknown) => boolean;
  clock?: Clock;
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

export class CircuitOpenError extends Error {
  constructor(readonly breaker: string, readonly retryAfterMs: number) {
    super(`circuit "${breaker}" is open; failing fast for another ${retryAfterMs} ms`);
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  private state_: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trials = 0;
  /** Counts openings, so a call can tell whether the circuit opened again while it ran. */
  private openings = 0;
  private readonly failureThreshold: number;
  private readonly resetTimeoutMs: number;
  private readonly halfOpenMax: number;
  private readonly clock: Clock;

  constructor(readonly name: string, private readonly opts: CircuitBreakerOptions = {}) {
    this.failureThreshold = opts.failureThreshold ?? 5;
    this.resetTimeoutMs = opts.resetTimeoutMs ?? 10_000;
    this.halfOpenMax = opts.halfOpenMax ?? 1;
    this.clock = opts.clock ?? systemClock;
  }

  /** The state as of now: an open circuit whose timeout has passed reads as half-open. */
  get state(): BreakerState {
    if (this.state_ === 'open' && this.clock.now() - this.openedAt >= this.resetTimeoutMs) this.transition('half-open');
    return this.state_;
  }

  /**
   * Runs `fn` through the breaker. A call that fails after the caller's `signal` aborted says nothing
   * of the dependency: it neither counts as a failure nor closes the circuit.
   */
  async run<T>(fn: () => Promise<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
    const state = this.state;
    const opening = this.openings;
    if (state === 'open') throw new CircuitOpenError(this.name, this.resetTimeoutMs - (this.clock.now() - this.openedAt));
    if (state === 'half-open') {
      if (this.trials >= this.halfOpenMax) throw new CircuitOpenError(this.name, 0);
      this.trials++;
    }
    try {
      const result = await fn();
      this.onSuccess(state, opening);
      return result;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (this.opts.isFailure?.(err) ?? true) this.onFailure();
      else this.onSuccess(state, opening);
      throw err;
    } finally {
      if (state === 'half-open') this.trials = Math.max(0, this.trials - 1);
    }
  }

  /**
   * A success says the dependency is well only when it is current: while closed it resets the count,
   * and a half-open probe from this same opening closes the circuit. A success from a call started
   * before the circuit (re)opened is old news and changes nothing.
   */
  private onSuccess(startedIn: BreakerState, opening: number): void {
    if (this.state_ === 'closed') this.failures = 0;
    else if (this.state_ === 'half-open' && startedIn === 'half-open' && opening === this.openings) this.transition('closed');
  }

  private onFailure(): void {
    this.failures++;
    if (this.state_ === 'half-open' || this.failures >= this.failureThreshold) {
      this.openedAt = this.clock.now();
      this.transition('open');
    }
  }

  private transition(to: BreakerState): void {
    const from = this.state_;
    if (from === to) return;
    this.state_ = to;
    if (to === 'open') this.openings++;
    if (to === 'half-open') this.trials = 0;
    if (to === 'closed') this.failures = 0;
    this.opts.onStateChange?.(from, to);
  }
}
