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

export function baseUrl(fallback: string): string {
  return (__ENV.BASE_URL ?? fallback).replace(/\/+$/, '');
}
