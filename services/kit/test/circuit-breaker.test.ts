import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../common/clock.js';
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
  it('a late success from a call started before the circuit opened leaves it open (only a half-open probe closes it)', async () => {
    const clock = new FakeClock();
    const changes: string[] = [];
    const b = new CircuitBreaker('dep', {
      failureThreshold: 1, resetTimeoutMs: 1000, clock,
      onStateChange: (f: BreakerState, t: BreakerState) => changes.push(`${f}->${t}`),
    });
    const pending = () => {
      let finish!: (v: string) => void;
      const result = b.run(() => new Promise<string>((resolve) => { finish = resolve; }));
      return { result, finish };
    };
    const early = pending();
    const earlier = pending();
    await expect(b.run(fail)).rejects.toThrow('boom');
    expect(b.state).toBe('open');
    early.finish('late');
    expect(await early.result).toBe('late');
    expect(b.state).toBe('open');
    // Also after the timeout: the circuit is half-open, but a late call is not its probe.
    clock.advance(1000);
    expect(b.state).toBe('half-open');
    const probe = pending();
    earlier.finish('later');
    expect(await earlier.result).toBe('later');
    expect(b.state).toBe('half-open');
    expect(changes).toEqual(['closed->open', 'open->half-open']);
    probe.finish('probe');
    expect(await probe.result).toBe('probe');
    expect(b.state).toBe('closed');
  });

  it('a late excused error (isFailure false) from before the opening is neutral too', async () => {
    const clock = new FakeClock();
    const b = new CircuitBreaker('dep', { failureThreshold: 1, resetTimeoutMs: 1000, clock, isFailure: (e) => (e as Error).message !== 'caller' });
    let rejectSlow!: (e: Error) => void;
    const slow = b.run(() => new Promise<string>((_, reject) => { rejectSlow = reject; }));
    await expect(b.run(fail)).rejects.toThrow('boom');
    rejectSlow(new Error('caller'));
    await expect(slow).rejects.toThrow('caller');
    expect(b.state).toBe('open');
  });
});
