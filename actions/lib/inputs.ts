/**
 * Typed readers over the runner's INPUT_* variables. Every failure is an InputError that names the
 * input and the accepted form, so a bad workflow fails before anything touches AWS.
 */
import * as core from '@actions/core';
import { InputError } from '../../common/errors.js';
import { parseDuration, type DurationRange } from '../../common/duration.js';

/** The raw value, trimmed; '' when unset (the root action passes every input, set or not). */
export function raw(name: string): string {
  return core.getInput(name).trim();
}

export function getString(name: string, fallback = ''): string {
  return raw(name) || fallback;
}

export function getRequired(name: string, why = ''): string {
  const v = raw(name);
  if (!v) throw new InputError(`Input "${name}" is required${why ? ` ${why}` : ''}.`);
  return v;
}

const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

export function getBool(name: string, fallback: boolean): boolean {
  const v = raw(name);
  if (!v) return fallback;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new InputError(`Input "${name}": "${v}" is not a boolean; expected true or false.`);
}

export function getEnum<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const v = raw(name);
  if (!v) return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(`Input "${name}": "${v}" is not one of ${allowed.join(' | ')}.`);
}

/** The accepted span of a numeric input (both ends included); `integer` asks for a whole number. */
export interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
}

/** Plain decimal notation, optionally with an exponent: no hex, no Infinity, no digits other than 0-9. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `a whole number from 0 to 1000`: for messages and the documentation of each input. */
export function describeRange(range: NumberRange): string {
  return `${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}`;
}

/**
 * A number from `text`, or an InputError naming `what` and the range. Every number an input carries
 * goes through here (or getDuration), so none can be NaN, Infinity or outside its documented range.
 */
export function parseNumber(text: string, what: string, range: NumberRange): number {
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || (range.integer && !Number.isInteger(n)) || n < range.min || n > range.max) {
    throw new InputError(`${what}: "${text}" is not valid; expected ${describeRange(range)}.`);
  }
  return n;
}

export function getNumber(name: string, fallback: number, range: NumberRange): number {
  const v = raw(name);
  if (!v) return fallback;
  return parseNumber(v, `Input "${name}"`, range);
}

/** Milliseconds. Accepts s, m, h (and ms, d), combinable: 90s, 5m, 1h30m; refused outside `range`. */
export function getDuration(name: string, fallback: string, range: DurationRange): number {
  return parseDuration(raw(name) || fallback, `Input "${name}"`, range);
}

/** The JSON path of the first number that is not finite (JSON.parse turns 1e400 into Infinity), or null. */
export function findNonFinite(value: unknown, path = '$'): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = findNonFinite(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return null;
}

/** Items separated by commas or new lines, blanks dropped. */
export function getList(name: string): string[] {
  return raw(name).split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
}

/** One item per line (commas kept), blanks and #-comments dropped. */
export function getLines(name: string): string[] {
  return core.getInput(name).split(/\r?\n/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
}
