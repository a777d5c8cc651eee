/**
 * The metrics Provider port (as Flagger's): each backend (CloudWatch, Prometheus, k6 summary) answers
 * one query per evaluation with, for every objective's metric and every target, a value, "no data"
 * or an error. The judge knows only this port; factory.ts opens the one the inputs select.
 */
import type { Objective, ObjectiveResult } from '../types.js';
import type { Counts } from '../sequential.js';

export type Target = 'canary' | 'baseline';

export type Observation =
  /**
   * `value` is the whole window's figure; `samples` the per-period values the statistical test
   * uses; `counts` the per-period failures and requests behind a rate, when the backend has them;
   * `times` the start (epoch ms) of each sample's period, so canary and baseline pair by period.
   */
  | { kind: 'value'; value: number; samples: number[]; counts?: Counts; times?: number[] }
  /** `tooFewRequests`: the target is live but has not served min-requests yet. */
  | { kind: 'no-data'; reason: string; tooFewRequests?: boolean }
  | { kind: 'error'; message: string };

export interface TargetObservations {
  /** Requests the target served in the window; null when the backend cannot tell (min-requests then does not apply). */
  requests: number | null;
  /** Keyed by the objective's metric (`p95`, `error-rate`, a custom name). */
  metrics: Map<string, Observation>;
}

export interface MetricsQuery {
  objectives: Objective[];
  window: { start: Date; end: Date };
  /** `baseline` is asked for only when the source names one. */
  targets: Target[];
  signal?: AbortSignal;
}

export interface Observations {
  canary: TargetObservations;
  baseline?: TargetObservations;
  /** Verdicts the backend itself reached (k6 thresholds), reported as extra objectives. */
  checks?: ObjectiveResult[];
  /** The window the data really covers, when the backend aligns it (CloudWatch: whole minutes). */
  window?: { start: Date; end: Date };
}

export interface MetricsProvider {
  readonly name: string;
  /** Whether the source names a baseline, so objectives relative to it can be judged. */
  readonly hasBaseline: boolean;
  /** The inputs that name a baseline, for the error when a relative objective has none. */
  readonly baselineInputs: string;
  /**
   * Checks the source against the objectives (dimensions, ARNs, queries for every metric) without
   * any request: an InputError naming the input at fault.
   */
  validate(objectives: Objective[]): void;
  /** One round trip per evaluation where the backend allows it (CloudWatch bills per metric requested). */
  query(q: MetricsQuery): Promise<Observations>;
}

export function noData(reason: string, tooFewRequests = false): Observation {
  return tooFewRequests ? { kind: 'no-data', reason, tooFewRequests } : { kind: 'no-data', reason };
}
