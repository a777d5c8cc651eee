// The service-level objectives every load script gates on: 95 % of requests under 200 ms, under 1 % failed.
import type { Options } from 'k6/options';

export const P95_MS = 200;
export const MAX_FAILED_RATE = 0.01;

/** A ramp to `vus` virtual users over `rampUp`, held for `hold`, then down; overridable with VUS / HOLD. */
export function rampingOptions(thresholds: Options['thresholds'], vus = 20, rampUp = '30s', hold = '2m'): Options {
  const target = Number(__ENV.VUS ?? vus);
  return {
    scenarios: {
      main: {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: __ENV.RAMP_UP ?? rampUp, target },
          { duration: __ENV.HOLD ?? hold, target },
          { duration: '10s', target: 0 },
        ],
        gracefulRampDown: '10s',
      },
    },
    thresholds,
  };
}

/**
 * `RATE` requests per second for `DURATION` (constant-arrival-rate): VUs are added (up to MAX_VUS)
 * when responses slow down, so the offered load stays what the SLO was set for. The latency and
 * error thresholds abort the run once breached (after a short warm-up), as the gate would fail it.
 */
export function constantArrivalOptions(thresholds: Record<string, string[]>, rate = 20, duration = '5m'): Options {
  const perSecond = Number(__ENV.RATE ?? rate);
  return {
    scenarios: {
      canary: {
        executor: 'constant-arrival-rate',
        rate: perSecond,
        timeUnit: '1s',
        duration: __ENV.DURATION ?? duration,
        preAllocatedVUs: Number(__ENV.PRE_ALLOCATED_VUS ?? Math.max(1, Math.ceil(perSecond / 5))),
        maxVUs: Number(__ENV.MAX_VUS ?? Math.max(10, perSecond * 2)),
      },
    },
    thresholds: Object.fromEntries(Object.entries(thresholds).map(([metric, exprs]) => [
      metric, exprs.map((threshold) => ({ threshold, abortOnFail: true, delayAbortEval: __ENV.ABORT_DELAY ?? '30s' })),
    ])),
  };
}

/** The load balancer listener's URL (LISTENER_URL), else BASE_URL, else the fallback. */
export function listenerUrl(fallback: string): string {
  return (__ENV.LISTENER_URL ?? __ENV.BASE_URL ?? fallback).replace(/\/+$/, '');
}

export function baseUrl(fallback: string): string {
  return (__ENV.BASE_URL ?? fallback).replace(/\/+$/, '');
}
