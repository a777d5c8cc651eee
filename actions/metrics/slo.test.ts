// The `slo` grammar: every accepted form normalised to base units, every bad form refused with the
// line and the accepted forms.
import { describe, expect, it } from 'vitest';
import { parseObjective, parseObjectives, satisfies, SLO_FORMS } from './slo.js';
import { InputError } from '../../common/errors.js';

describe('parseObjective', () => {
  it.each([
    ['p95 < 200ms', 'p95', '<', { kind: 'absolute', value: 200, unit: 'ms' }],
    ['p99.9<=1.5s', 'p99.9', '<=', { kind: 'absolute', value: 1500, unit: 'ms' }],
    ['p99.99 < 2s', 'p99.99', '<', { kind: 'absolute', value: 2000, unit: 'ms' }],
    ['p0.5 < 5ms', 'p0.5', '<', { kind: 'absolute', value: 5, unit: 'ms' }],
    ['p50 < 0.25 s', 'p50', '<', { kind: 'absolute', value: 250, unit: 'ms' }],
    ['error-rate < 1%', 'error-rate', '<', { kind: 'absolute', value: 0.01, unit: 'ratio' }],
    ['error-rate <= 0.005', 'error-rate', '<=', { kind: 'absolute', value: 0.005, unit: 'ratio' }],
    ['request-rate > 50/s', 'request-rate', '>', { kind: 'absolute', value: 50, unit: '/s' }],
    ['request-rate >= 3000/min', 'request-rate', '>=', { kind: 'absolute', value: 50, unit: '/s' }],
    ['request-rate > 20rps', 'request-rate', '>', { kind: 'absolute', value: 20, unit: '/s' }],
    ['p99 < 1.2x baseline', 'p99', '<', { kind: 'relative', factor: 1.2 }],
    ['error-rate < 2 x baseline', 'error-rate', '<', { kind: 'relative', factor: 2 }],
    ['request-rate > 0.8× Baseline', 'request-rate', '>', { kind: 'relative', factor: 0.8 }],
    ['queue_depth < 40', 'queue_depth', '<', { kind: 'absolute', value: 40, unit: 'none' }],
    ['db.latency < 0.3s', 'db.latency', '<', { kind: 'absolute', value: 300, unit: 'ms' }],
    ['cache-hit-ratio > 90%', 'cache-hit-ratio', '>', { kind: 'absolute', value: 0.9, unit: 'ratio' }],
    ['checkout_p95 < 1.1x baseline', 'checkout_p95', '<', { kind: 'relative', factor: 1.1 }],
  ])('%s', (line, metric, comparator, threshold) => {
    expect(parseObjective(line)).toEqual({ text: line, metric, comparator, threshold });
  });

  it.each([
    ['p95 200ms', 'does not parse'],
    ['p95 = 200ms', 'does not parse'],
    ['< 200ms', 'does not parse'],
    ['p95 < 200', 'needs a latency unit (ms or s)'],
    ['p95 < 2%', 'needs a latency unit (ms or s)'],
    ['p100 < 200ms', 'not a percentile'],
    ['p0 < 200ms', 'not a percentile'],
    // CloudWatch's percentile statistic is pNN.NN (at most two decimals) and refuses the call otherwise.
    ['p99.999 < 1s', 'not a percentile'],
    ['p05 < 1s', 'not a percentile'],
    ['error-rate < 1ms', 'needs a rate'],
    ['error-rate < 150%', 'above 100%'],
    ['error-rate < 2', 'above 100%'],
    ['request-rate > 5s', 'needs a request rate'],
    ['p95 < fast', 'neither a number with a unit nor "<n>x baseline"'],
    ['p95 < 1.2x', 'neither a number with a unit nor "<n>x baseline"'],
    ['p95 < 1.2x stable', 'neither a number with a unit nor "<n>x baseline"'],
    ['p95 < 0x baseline', 'not above 0'],
    ['p95 < -5ms', 'neither a number with a unit'],
    ['custom < 5/s', 'cannot take'],
  ])('refuses %j: %s', (line, why) => {
    let err: unknown;
    try {
      parseObjective(line);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toContain(`Input "slo": line "${line}"`);
    expect(msg).toContain(why);
    expect(msg).toContain(SLO_FORMS);
  });
});

describe('parseObjectives', () => {
  it('requires at least one line', () => {
    expect(() => parseObjectives([])).toThrow(/Input "slo" is required/);
  });
  it('refuses a repeated objective', () => {
    expect(() => parseObjectives(['p95 < 200ms', 'p95 < 0.2s'])).toThrow(/repeats an earlier objective/);
  });
  it('keeps order', () => {
    expect(parseObjectives(['error-rate < 1%', 'p95 < 200ms']).map((o) => o.metric)).toEqual(['error-rate', 'p95']);
  });
});

describe('satisfies', () => {
  it.each([
    ['<', 1, 2, true], ['<', 2, 2, false], ['<=', 2, 2, true], ['>', 3, 2, true], ['>', 2, 2, false], ['>=', 2, 2, true],
  ] as const)('%d %s %d', (op, a, b, ok) => {
    expect(satisfies(op, a, b)).toBe(ok);
  });
});
