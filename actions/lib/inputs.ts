/**
 * Typed readers over the runner's INPUT_* variables. Every failure is an InputError that names the
 * input and the accepted form, so a bad workflow fails before anything touches AWS.
 */
import * as core from '@actions/core';
import { InputError } from './errors.js';
import { DURATION_FORM, tryParseDuration } from './duration.js';

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

export function getNumber(name: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
  const v = raw(name);
  if (!v) return fallback;
  const n = Number(v);
  const kind = range.integer ? 'a whole number' : 'a number';
  const bounds =
    range.min !== undefined && range.max !== undefined ? ` from ${range.min} to ${range.max}`
    : range.min !== undefined ? ` of at least ${range.min}`
    : range.max !== undefined ? ` of at most ${range.max}` : '';
  if (!Number.isFinite(n) || (range.integer && !Number.isInteger(n)) ||
      (range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
    throw new InputError(`Input "${name}": "${v}" is not valid; expected ${kind}${bounds}.`);
  }
  return n;
}

/** Milliseconds. Accepts s, m, h (and ms, d), combinable: 90s, 5m, 1h30m. */
export function getDuration(name: string, fallback: string): number {
  const v = raw(name) || fallback;
  const ms = tryParseDuration(v);
  if (ms === null) throw new InputError(`Input "${name}": "${v}" is not a duration; expected ${DURATION_FORM}.`);
  return ms;
}

/** Items separated by commas or new lines, blanks dropped. */
export function getList(name: string): string[] {
  return raw(name).split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
}

/** One item per line (commas kept), blanks and #-comments dropped. */
export function getLines(name: string): string[] {
  return core.getInput(name).split(/\r?\n/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
}
