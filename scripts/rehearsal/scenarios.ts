/** What each rehearsed ramp is: its canary, its traffic, its objectives and what it must end in. */
import type { Scenario } from './args.js';

export const REGION = 'eu-central-1';
/**
 * Clear objectives: a healthy auth answers /verify in a few ms with no errors (on a machine busy
 * with other work, still well under 450 ms at p95 over a window); +300 ms puts every canary request
 * at or above the 0.3–0.5 s histogram bucket, so its p95 reads at least 490 ms.
 */
export const SLO = 'p95 < 450ms\nerror-rate < 5%';
export const STEPS = '10,50,100';
const FIRST_STEP = 0.1;
export const STABLE_VERSION = '1.0.0';
/**
 * Requests per second through a lane's data plane: 10 % of it gives the canary's first step its
 * min-requests in 2 s. Three lanes at this rate (300 requests/s in all, served by small services)
 * leave the 2-core machine room for the judges running beside them.
 */
const RATE = 100;
export const MIN_REQUESTS = 20;
/**
 * Low traffic: 10 requests/s in all, so the canary's first step sees 1 request/s — a twentieth of
 * min-requests per analysis interval, one tenth of what the other ramps' canaries see (10/s): the
 * step holds ~20 s for its evidence (the 50 % step ~4 s), where a judge without that rule would
 * have rolled a healthy canary back.
 */
const LOW_RATE = 10;

export interface ScenarioPlan {
  title: string;
  version: string;
  faults: Record<string, string>;
  rate: number;
  expected: string;
  /** The ramp's timeout: a quiet canary's steps wait for evidence up to it. */
  timeout: string;
  /** The prefix of this ramp's listener and target group outputs in ramp-stack.yaml. */
  outputs: string;
}

/**
 * The Prometheus provider's period (`prometheus-step`): two scrapes, so a step's evidence counts
 * within 2 s of being served, and a check's window is that step's own.
 */
export const PROMETHEUS_STEP = '2s';

export const SCENARIO_PLANS: Record<Scenario, ScenarioPlan> = {
  healthy: { title: 'healthy canary', version: '1.1.0-healthy', faults: {}, rate: RATE, expected: 'promoted', timeout: '60s', outputs: 'Healthy' },
  errors: { title: 'errors canary (20 % 5xx)', version: '1.1.0-errors', faults: { FAULT_ERROR_RATE: '20%' }, rate: RATE, expected: 'rolled-back at 10% (error-rate)', timeout: '60s', outputs: 'Errors' },
  latency: { title: 'latency canary (+300 ms)', version: '1.1.0-latency', faults: { FAULT_LATENCY: '300ms' }, rate: RATE, expected: 'rolled-back at 10% (p95)', timeout: '60s', outputs: 'Latency' },
  'low-traffic': { title: `healthy canary on low traffic (${LOW_RATE} req/s, ${LOW_RATE * FIRST_STEP} req/s at 10 %)`, version: '1.1.0-low-traffic', faults: {}, rate: LOW_RATE, expected: 'promoted', timeout: '2m', outputs: 'LowTraffic' },
};

/** A version's series: the ramp label (Prometheus adds it per lane) keeps the lanes' stables apart. */
export const selector = (scenario: Scenario, version: string) => `service="auth",version="${version}",ramp="${scenario}"`;
