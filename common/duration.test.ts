import { describe, it, expect } from 'vitest';
import { formatDuration, parseDuration, tryParseDuration } from './duration.js';
import { InputError } from './errors.js';

describe('durations', () => {
  it.each([
    ['2s', 2000], ['90s', 90_000], ['5m', 300_000], ['1h30m', 5_400_000], ['250ms', 250], ['1.5s', 1500],
    ['1d', 86_400_000], [' 10m ', 600_000], ['1h0m30s', 3_630_000],
  ])('parses %s', (text, ms) => expect(tryParseDuration(text)).toBe(ms));

  it.each(['', '5', 'm', '5 m', '-5m', '5min', '1h 30m', 'abc', '5m!', '1e3s'])('refuses %j', (text) =>
    expect(tryParseDuration(text)).toBeNull());

  it('names the input and the accepted form', () => {
    expect(() => parseDuration('soon', 'Input "bake-time"')).toThrow(InputError);
    expect(() => parseDuration('soon', 'Input "bake-time"')).toThrow(/bake-time.*"soon".*90s, 5m, 1h30m/);
  });

  it.each([[500, '500ms'], [1500, '1.5s'], [90_000, '1m30s'], [5_400_000, '1h30m'], [3_600_000, '1h'], [0, '0ms']])(
    'formats %d as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
