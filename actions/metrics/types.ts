/**
 * The contract between the judge (slo-gate) and its users (slo-gate's own entry, canary-ramp).
 * canary-ramp knows only these names: it reads the same slo-gate inputs, narrows the window to the
 * current step and, for ALB ramps, fills the target dimensions from the router's ARNs.
 */

import type { EvidenceStats } from './sequential.js';
import type { ProviderSource } from './providers/sources.js';

export type Verdict = 'pass' | 'fail' | 'inconclusive';
export type OnNoData = 'inconclusive' | 'fail' | 'pass';

/** One parsed `slo` line, e.g. `p95 < 200ms`, `error-rate < 1%`, `p99 < 1.2x baseline`. */
export interface Objective {
  /** The line as written, for messages and the report. */
  text: string;
  /** `p95`, `p99.9`, `error-rate`, `request-rate`, or a custom metric name. */
  metric: string;
  comparator: '<' | '<=' | '>' | '>=';
  /** Absolute threshold in the metric's base unit (ms for latency, fraction for rates), or a ratio to the baseline. */
  threshold: { kind: 'absolute'; value: number; unit: string } | { kind: 'relative'; factor: number };
}

/**
 * Where the numbers come from, resolved from inputs: the backend (`provider`) and its `source`
 * (preset, ARNs, raw queries, PromQL, k6 file...), and how they are judged.
 */
export type GateConfig = GateSettings & ProviderSource;

export interface GateSettings {
  objectives: Objective[];
  region?: string;
  /** Analysis window length (ms) used when the caller does not pass an explicit window. */
  windowMs: number;
  warmupMs: number;
  minRequests: number;
  onNoData: OnNoData;
  dryRun: boolean;
  /** `window` given as a start time (ISO 8601) instead of a duration: the window is [windowStart + warmup, now]. */
  windowStart?: string;
  /**
   * The chance that noise alone fails a healthy canary, over everything the caller judges: one
   * slo-gate run, or every check of every step of a canary ramp. 0.05 when unset.
   */
  significance?: number;
}

/** Overrides a caller (canary-ramp) applies on top of the inputs. */
export interface GateOverrides {
  /** ALB: derived from listener/rule + target group ARNs. */
  alb?: { loadBalancer: string; canaryTargetGroup: string; baselineTargetGroup?: string };
}

export interface ObjectiveResult {
  objective: string;
  verdict: Verdict;
  canary: { value: number | null; samples: number };
  baseline?: { value: number | null; samples: number };
  /** The test used: `threshold`, `paired-t-mixture`, `binomial-mixture`, ... with its statistic, e-value and effect size when any. */
  test: { name: string; [k: string]: unknown };
  reason: string;
  /** Anytime-valid objectives: this step's log e-value (what a ramp carries into its next steps) and the decision's. */
  evidence?: ObjectiveEvidence;
  /** Inconclusive only because the target has not served min-requests yet: waiting helps. */
  awaitingData?: boolean;
  /** A fail that needs no second check: evidence beyond the limit, or an absolute threshold broken twice over. */
  decisive?: boolean;
}

export interface ObjectiveEvidence {
  /** This window's (step's) evidence in a form that pools with other steps'. */
  step: EvidenceStats;
  /** ln of this window's (step's) e-value. */
  stepLogE: number;
  /** The e-value the verdict compares: over the whole ramp when a ramp passes its earlier steps. */
  eValue: number;
  /** 1/α of this objective: reaching it fails the objective. */
  threshold: number;
}

/** What a ramp has learnt so far, so one check's verdict covers every check of every step. */
export interface RampEvidence {
  /** Steps the ramp will judge (the ramp-level e-value averages over them). */
  plannedSteps: number;
  /** Per finished step, the final evidence of each objective (by its text). */
  finished: Record<string, EvidenceStats>[];
}

export interface GateResult {
  result: Verdict;
  reason: string;
  window: { start: string; end: string };
  objectives: ObjectiveResult[];
  /** The window the metrics really cover when the backend aligns it (CloudWatch: whole minutes). */
  dataWindow?: { start: string; end: string };
  /** Requests each target served in the window (null when the backend cannot tell). */
  requests?: { canary: number | null; baseline?: number | null };
  provider?: string;
  /** Inconclusive only because a target has not served min-requests yet. */
  awaitingData?: boolean;
}

export interface EvaluateOptions {
  /** Explicit window; default is [now - windowMs, now]. canary-ramp passes [stepStart + warmup, now]. */
  window?: { start: Date; end: Date };
  signal?: AbortSignal;
  /** canary-ramp: the evidence of its finished steps. */
  ramp?: RampEvidence;
}
