import { afterEach, describe, it, expect } from 'vitest';
import { getBool, getDuration, getEnum, getLines, getList, getNumber, getRequired, getString } from './inputs.js';
import { inputEnv } from '../../test/support/harness.js';

const DAY = { min: 0, max: 86_400_000 };
const COUNT = { min: 0, max: 1000, integer: true };
const set = (inputs: Record<string, string>) => Object.assign(process.env, inputEnv(inputs));
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
});

describe('input readers', () => {
  it('reads hyphenated names the way the runner sets them (hyphens kept)', () => {
    set({ 'bake-time': '90s', 'min-requests': '50' });
    expect(process.env['INPUT_BAKE-TIME']).toBe('90s');
    expect(getDuration('bake-time', '5m', DAY)).toBe(90_000);
    expect(getNumber('min-requests', 100, COUNT)).toBe(50);
  });

  it('falls back to defaults for empty values (the root action passes every input)', () => {
    set({ 'bake-time': '', region: '  ' });
    expect(getDuration('bake-time', '5m', DAY)).toBe(300_000);
    expect(getString('region', 'eu-west-1')).toBe('eu-west-1');
  });

  it.each([
    [{ 'dry-run': 'yes' }, () => getBool('dry-run', false), /Input "dry-run": "yes" is not a boolean; expected true or false/],
    [{ provider: 'datadog' }, () => getEnum('provider', ['cloudwatch', 'prometheus'] as const, 'cloudwatch'), /Input "provider": "datadog" is not one of cloudwatch \| prometheus/],
    [{ 'min-requests': '1.5' }, () => getNumber('min-requests', 100, COUNT), /Input "min-requests": "1.5" is not valid; expected a whole number from 0 to 1000/],
    [{ weight: '101' }, () => getNumber('weight', 0, { min: 0, max: 100 }), /expected a number from 0 to 100/],
    [{ 'bake-time': '5 minutes' }, () => getDuration('bake-time', '5m', DAY), /Input "bake-time": "5 minutes" is not a duration; expected .* from 0s to 24h/],
    [{}, () => getRequired('listener-arn', 'when router is alb'), /Input "listener-arn" is required when router is alb/],
  ])('rejects %j with a message naming the input and the form', (inputs, read, message) => {
    set(inputs as Record<string, string>);
    expect(read).toThrow(message);
  });

  it('accepts the YAML booleans the runner accepts', () => {
    for (const v of ['true', 'True', 'TRUE']) { set({ x: v }); expect(getBool('x', false)).toBe(true); }
    for (const v of ['false', 'False', 'FALSE']) { set({ x: v }); expect(getBool('x', true)).toBe(false); }
  });

  it('splits lists on commas and new lines; lines keep commas and drop comments', () => {
    set({ platforms: 'linux/amd64, linux/arm64\n\nlinux/arm/v7', slo: 'p95 < 200ms\n# note\n error-rate < 1% \n\n' });
    expect(getList('platforms')).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    expect(getLines('slo')).toEqual(['p95 < 200ms', 'error-rate < 1%']);
  });
});
