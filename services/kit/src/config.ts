/**
 * Service configuration from the environment. A variable whose value is a secret reference
 * (`secretsmanager:...`, `ssm:...`) is resolved through the SecretStore, so the task definition holds
 * only references. Every bad value is an InputError naming the variable and the accepted form.
 */
import { DURATION_FORM, formatDuration, parseDuration } from '../../../common/duration.js';
import { InputError } from '../../../common/errors.js';
import { isSecretRef, parseSecretRef, type SecretStore } from './secrets.js';

export type Env = Record<string, string | undefined>;

export function envString(env: Env, name: string, fallback?: string): string {
  const v = env[name]?.trim();
  if (v) return v;
  if (fallback !== undefined) return fallback;
  throw new InputError(`${name} is required.`);
}

export function envInt(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const n = Number(text);
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(`${name}: "${text}" is not valid; expected a whole number from ${min} to ${max}.`);
  }
  return n;
}

export function envPort(env: Env, name: string, fallback: number): number {
  return envInt(env, name, fallback, { min: 0, max: 65535 });
}

export function envEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const text = env[name]?.trim();
  if (!text) return fallback;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new InputError(`${name}: "${text}" is not one of ${allowed.join(' | ')}.`);
}

/** A plain value, or the secret it references. The value is returned, never logged. */
export async function envSecret(env: Env, name: string, secrets: SecretStore, fallback?: string): Promise<string> {
  const v = envString(env, name, fallback);
  return isSecretRef(v) ? secrets.get(parseSecretRef(v, name)) : v;
}

/**
 * Milliseconds from `5s`, `250ms`, `1m30s`. `minMs` refuses values too short to mean anything (an
 * interval of 0 is a busy loop against a dependency; a key or token TTL of 0 switches the feature off).
 */
export function envDuration(env: Env, name: string, fallback: string, range: { minMs?: number } = {}): number {
  const text = env[name]?.trim() || fallback;
  const ms = parseDuration(text, name);
  if (range.minMs !== undefined && ms < range.minMs) {
    throw new InputError(`${name}: "${text}" is too short; expected ${DURATION_FORM} of at least ${formatDuration(range.minMs)}.`);
  }
  return ms;
}
