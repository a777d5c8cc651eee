/**
 * The judge every promotion and rollback depends on: one evaluation of the objectives over a window.
 * slo-gate's entry and canary-ramp both call this; it reads, never writes, and checks its whole
 * configuration before the first request.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { InputError } from '../lib/errors.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { formatDuration } from '../lib/duration.js';
import type { EvaluateOptions, GateConfig, GateOverrides, GateResult, Objective, ObjectiveResult } from './types.js';
import type { MetricsProvider, Observations, Target } from './provider.js';
import { CloudWatchProvider, hasBaseline, validateCloudWatchSource, type CloudWatchSource } from './cloudwatch.js';
import { PrometheusProvider, validatePrometheusSource, type PrometheusSource } from './prometheus.js';
import { K6Provider, type K6Source } from './k6.js';
import { combineVerdicts, DEFAULT_ALPHA, judgeObjective, perObjectiveAlpha } from './judge.js';
import { noData } from './provider.js';

export { readGateConfig } from './config.js';
export { renderGateSummary } from './summary.js';

export interface GateDeps {
  /** A ready provider (tests); otherwise one is made from the config. */
  provider?: MetricsProvider;
  clock?: Clock;
  /** Injected CloudWatch client (tests that stub at the SDK level). */
  cloudwatch?: CloudWatchClient;
  fetch?: typeof fetch;
}

/** The source after the caller's overrides (canary-ramp's ALB dimensions). */
export function resolveSource(config: GateConfig, overrides: GateOverrides = {}): GateConfig['source'] {
  if (config.provider !== 'cloudwatch' || !overrides.alb) return config.source;
  const src = config.source as unknown as CloudWatchSource;
  if (src.preset !== 'alb') return config.source;
  return { ...src, ...overrides.alb } as unknown as GateConfig['source'];
}

function sourceHasBaseline(config: GateConfig, source: GateConfig['source']): boolean {
  switch (config.provider) {
    case 'cloudwatch': return hasBaseline(source as unknown as CloudWatchSource);
    case 'prometheus': return !!(source as unknown as PrometheusSource).baselineSelector;
    case 'k6-summary': return !!(source as unknown as K6Source).baselineSummary;
  }
}

/** Every check that needs no network: dimensions, queries, baseline for ratio objectives. */
export function validateGate(config: GateConfig, source: GateConfig['source']): void {
  if (config.provider === 'cloudwatch') validateCloudWatchSource(source as unknown as CloudWatchSource, config.objectives);
  if (config.provider === 'prometheus') validatePrometheusSource(source as unknown as PrometheusSource, config.objectives);
  const relative = config.objectives.filter((o) => o.threshold.kind === 'relative');
  if (relative.length && !sourceHasBaseline(config, source)) {
    const which = { cloudwatch: 'baseline-target-group (alb), baseline-service, baseline-version, baseline-task-family, or "baseline" queries', prometheus: 'baseline-selector', 'k6-summary': 'k6-baseline-summary' }[config.provider];
    throw new InputError(`Input "slo": "${relative[0].text}" compares with the baseline, but no baseline is given; set ${which}.`);
  }
}

function makeProvider(config: GateConfig, source: GateConfig['source'], deps: GateDeps): MetricsProvider {
  switch (config.provider) {
    case 'cloudwatch': return new CloudWatchProvider(source as unknown as CloudWatchSource, { client: deps.cloudwatch, region: config.region });
    case 'prometheus': return new PrometheusProvider(source as unknown as PrometheusSource, { fetch: deps.fetch, clock: deps.clock, region: config.region });
    case 'k6-summary': return new K6Provider(source as unknown as K6Source);
  }
}

/** [now − window (or the given start) + warmup, now], unless the caller passes its own window. */
export function resolveWindow(config: GateConfig, opts: EvaluateOptions, now: number): { start: Date; end: Date } {
  if (opts.window) {
    if (opts.window.start.getTime() >= opts.window.end.getTime()) throw new InputError(`The evaluation window is empty (${opts.window.start.toISOString()} … ${opts.window.end.toISOString()}).`);
    return opts.window;
  }
  const from = config.windowStart ? Date.parse(config.windowStart) : now - config.windowMs;
  const start = from + config.warmupMs;
  if (start >= now) {
    throw new InputError(config.windowStart
      ? `Input "window": the start ${config.windowStart} plus warmup ${formatDuration(config.warmupMs)} is not in the past.`
      : `Input "warmup": ${formatDuration(config.warmupMs)} leaves nothing of the ${formatDuration(config.windowMs)} window.`);
  }
  return { start: new Date(start), end: new Date(now) };
}

/** Applies min-requests: a target with fewer requests has no data for any objective. */
function starve(obs: Observations['canary'], objectives: Objective[], minRequests: number, who: string): Observations['canary'] {
  if (obs.requests === null || obs.requests >= minRequests) return obs;
  const why = `the ${who} served ${obs.requests} request(s) in the window, fewer than min-requests (${minRequests})`;
  return { ...obs, metrics: new Map(objectives.map((o) => [o.metric, noData(why, true)])) };
}

export async function evaluateGate(config: GateConfig, overrides: GateOverrides = {}, opts: EvaluateOptions = {}, deps: GateDeps = {}): Promise<GateResult> {
  const source = resolveSource(config, overrides);
  validateGate(config, source);
  const clock = deps.clock ?? systemClock;
  const window = resolveWindow(config, opts, clock.now());
  const provider = deps.provider ?? makeProvider(config, source, deps);
  // The baseline costs a query per metric: asked for only when an objective compares with it.
  const compares = config.objectives.some((o) => o.threshold.kind === 'relative');
  const targets: Target[] = compares && sourceHasBaseline(config, source) ? ['canary', 'baseline'] : ['canary'];
  const obs = await provider.query({ objectives: config.objectives, window, targets, signal: opts.signal });

  const canary = starve(obs.canary, config.objectives, config.minRequests, 'canary');
  const baseline = obs.baseline && starve(obs.baseline, config.objectives, config.minRequests, 'baseline');
  const alpha = perObjectiveAlpha(config.significance ?? DEFAULT_ALPHA, config.objectives);
  const results: ObjectiveResult[] = config.objectives.map((o) => judgeObjective(o, canary.metrics.get(o.metric), baseline?.metrics.get(o.metric), {
    alpha,
    onNoData: config.onNoData,
    ...(opts.ramp ? { ramp: { plannedSteps: opts.ramp.plannedSteps, earlier: opts.ramp.finished.flatMap((step) => (step[o.text] ? [step[o.text]] : [])) } } : {}),
  }));
  results.push(...(obs.checks ?? []));
  const { result, reason, awaitingData } = combineVerdicts(results);
  return {
    result,
    reason,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    ...(obs.window ? { dataWindow: { start: obs.window.start.toISOString(), end: obs.window.end.toISOString() } } : {}),
    objectives: results,
    requests: { canary: obs.canary.requests, ...(obs.baseline ? { baseline: obs.baseline.requests } : {}) },
    provider: provider.name,
    ...(awaitingData ? { awaitingData } : {}),
  };
}
