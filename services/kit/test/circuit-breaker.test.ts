import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../actions/lib/clock.js';
import { CircuitBreaker, CircuitOpenError, type BreakerState } from '../src/circuit-breaker.js';

const fail = () => Promise.reject(new Error('boom'));
const ok = () => Promise.resolve('ok');

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and fails fast without calling', async () => {
    const clock = new FakeClock();
    const b = new CircuitBreaker('dep', { failureThreshold: 3, resetTimeoutMs: 1000, clock });
    for (let i = 0; i < 3; i++) await expect(b.run(fail)).rejects.toThrow('boom');
    expect(b.state).toBe('open');
    let called = false;
    await expect(b.run(async () => { called = true; })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
  });

  it('a success resets the failure count', async () => {
    const b = new CircuitBreaker('dep', { failureThreshold: 2, clock: new FakeClock() });
    await expect(b.run(fail)).rejects.toThrow();
    await b.run(ok);
    await expect(b.run(fail)).rejects.toThrow();
    expect(b.state).toBe('closed');
  });

  it('half-opens after the reset timeout: one trial success closes it, one failure re-opens it', async () => {
    const clock = new FakeClock();
    const changes: string[] = [];
    const b = new CircuitBreaker('dep', {
      failureThreshold: 1, resetTimeoutMs: 1000, clock,
      onStateChange: (f: BreakerState, t: BreakerState) => changes.push(`${f}->${t}`),
    });
    await expect(b.run(fail)).rejects.toThrow();
    clock.advance(999);
    expect(b.state).toBe('open');
    clock.advance(1);
    expect(b.state).toBe('half-open');
    await expect(b.run(fail)).rejects.toThrow('boom');
    expect(b.state).toBe('open');
    clock.advance(1000);
    expect(await b.run(ok)).toBe('ok');
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->open', 'open->half-open', 'half-open->closed']);
  });

  it('lets only halfOpenMax trial calls through at once', async () => {
    const clock = new FakeClock();
    const b = new CircuitBreaker('dep', { failureThreshold: 1, resetTimeoutMs: 10, halfOpenMax: 1, clock });
    await expect(b.run(fail)).rejects.toThrow();
    clock.advance(10);
    let release!: () => void;
    const trial = b.run(() => new Promise<string>((r) => (release = () => r('done'))));
    await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    expect(await trial).toBe('done');
    expect(b.state).toBe('closed');
  });

  it('errors the isFailure predicate excuses do not count', async () => {
    const b = new CircuitBreaker('dep', { failureThreshold: 1, isFailure: (e) => (e as Error).message !== 'caller mistake', clock: new FakeClock() });
    await expect(b.run(() => Promise.reject(new Error('caller mistake')))).rejects.toThrow();
    expect(b.state).toBe('closed');
  });
});
