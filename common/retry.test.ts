import { describe, it, expect } from 'vitest';
import { FakeClock } from './clock.js';
import { fullJitterDelay, isTransientError, withRetry } from './retry.js';

const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('retries', () => {
  it('full jitter stays within [0, min(cap, base * 2^n))', () => {
    expect(fullJitterDelay(0, 100, 1000, () => 0.999)).toBe(99);
    expect(fullJitterDelay(3, 100, 1000, () => 0.5)).toBe(400);
    expect(fullJitterDelay(10, 100, 1000, () => 0.999)).toBe(999);
    expect(fullJitterDelay(5, 100, 1000, () => 0)).toBe(0);
  });

  it.each([
    [awsError('ThrottlingException', 400), true],
    [awsError('Throttling', 400), true],
    [awsError('InternalFailure', 500), true],
    [awsError('ServiceUnavailable', 503), true],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    [new Error('socket hang up'), true],
    [Object.assign(new Error('x'), { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }), true],
    [awsError('ValidationError', 400), false],
    [awsError('AccessDeniedException', 403), false],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), false],
    ['text', false],
  ])('classifies %s as transient=%s', (err, transient) => expect(isTransientError(err)).toBe(transient));

  it('retries transient faults with jittered sleeps on the injected clock, then succeeds', async () => {
    const clock = new FakeClock(0);
    const delays: number[] = [];
    let calls = 0;
    const value = await withRetry(async () => {
      calls++;
      if (calls < 3) throw awsError('ThrottlingException', 400);
      return 'ok';
    }, { clock, random: () => 0.5, baseMs: 100, onRetry: (_e, _n, d) => delays.push(d) });
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([50, 100]);
    expect(clock.now()).toBe(150);
  });

  it('gives up after the attempts and rethrows the last error', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw awsError('InternalFailure', 500); }, { attempts: 4, clock: new FakeClock() }))
      .rejects.toThrow('InternalFailure');
    expect(calls).toBe(4);
  });

  it('does not retry errors that will not change', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw awsError('ValidationError', 400); }, { clock: new FakeClock() })).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('stops sleeping as soon as it is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(withRetry(async () => { throw awsError('Throttling', 400); }, { signal: controller.signal })).rejects.toThrow('Throttling');
  });
});
