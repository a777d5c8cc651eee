/**
 * Fault injection for chaos experiments (staging) and release rehearsals: a share of requests answered
 * with a server error, latency added to every request, or the process killed after N requests. Off
 * unless a FAULT_* variable is set. Probes (/health, /ready, /metrics) are never touched: a task whose
 * health checks pass while its traffic fails is exactly what a canary analysis has to catch, and the
 * kit's own RED metrics count what the caller saw, injected or not.
 */
import { InputError } from '../../../common/errors.js';
import { envDuration, envInt, type Env } from './config.js';

export interface FaultSettings {
  /** Share of requests (0..1) answered 500 (gRPC INTERNAL) instead of reaching the handler. */
  errorRate: number;
  /** Added to every request before its handler runs. */
  latencyMs: number;
  /** After this many requests the process is killed (SIGKILL, like an OOM kill): no drain, no response. */
  abortAfter?: number;
}

export const FAULT_VARIABLES = ['FAULT_ERROR_RATE', 'FAULT_LATENCY', 'FAULT_ABORT_AFTER'] as const;
const MAX_LATENCY_MS = 60_000;

/** `20%` or `0.2`, from 0 to 1. */
function envRate(env: Env, name: string): number {
  const text = env[name]?.trim();
  if (!text) return 0;
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  const n = percent ? Number(percent[1]) / 100 : /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new InputError(`${name}: "${text}" is not valid; expected a share of requests from 0 to 1 (0.2) or a percent from 0% to 100% (20%).`);
  }
  return n;
}

/** The settings from FAULT_ERROR_RATE, FAULT_LATENCY and FAULT_ABORT_AFTER; undefined when none is set (the default). */
export function faultSettingsFromEnv(env: Env): FaultSettings | undefined {
  if (!FAULT_VARIABLES.some((name) => env[name]?.trim())) return undefined;
  const latencyMs = envDuration(env, 'FAULT_LATENCY', '0ms');
  if (latencyMs > MAX_LATENCY_MS) throw new InputError(`FAULT_LATENCY: "${env.FAULT_LATENCY}" is too long; expected at most 60s (longer than any caller's timeout).`);
  const abortAfter = env.FAULT_ABORT_AFTER?.trim() ? envInt(env, 'FAULT_ABORT_AFTER', 0, { min: 1, max: 1_000_000_000 }) : undefined;
  return { errorRate: envRate(env, 'FAULT_ERROR_RATE'), latencyMs, ...(abortAfter !== undefined ? { abortAfter } : {}) };
}

export function describeFaults(s: FaultSettings): string {
  const parts = [];
  if (s.errorRate > 0) parts.push(`${+(s.errorRate * 100).toFixed(3)}% of requests fail`);
  if (s.latencyMs > 0) parts.push(`+${s.latencyMs} ms per request`);
  if (s.abortAfter !== undefined) parts.push(`killed after ${s.abortAfter} requests`);
  return parts.join(', ') || 'nothing injected';
}

/** What the kit does with one request: wait `delayMs`, then fail it or run the handler. */
export interface FaultDecision {
  delayMs: number;
  fail: boolean;
}

export interface FaultDeps {
  random?: () => number;
  /** Ends the process; SIGKILL to itself by default. */
  kill?: () => void;
}

export class FaultInjector {
  private requests = 0;
  private readonly random: () => number;
  private readonly kill: () => void;

  constructor(readonly settings: FaultSettings, deps: FaultDeps = {}) {
    this.random = deps.random ?? Math.random;
    this.kill = deps.kill ?? (() => process.kill(process.pid, 'SIGKILL'));
  }

  /** Counts one request of the service's traffic and decides its fate. */
  next(): FaultDecision {
    this.requests++;
    const { abortAfter } = this.settings;
    if (abortAfter !== undefined && this.requests > abortAfter) this.kill();
    return { delayMs: this.settings.latencyMs, fail: this.settings.errorRate > 0 && this.random() < this.settings.errorRate };
  }
}

export function faultsFromEnv(env: Env, deps?: FaultDeps): FaultInjector | undefined {
  const settings = faultSettingsFromEnv(env);
  return settings && new FaultInjector(settings, deps);
}
