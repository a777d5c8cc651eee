/**
 * The judge every promotion and rollback depends on: one evaluation of the objectives over a window.
 * slo-gate's entry and canary-ramp both call this; it reads, never writes, and checks its whole
 * configuration before the first request.
 */
import { InputError } from '../../common/errors.js';
import { type Clock, systemClock } from '../../common/clock.js';
import { formatDuration } from '../../common/duration.js';
import type { EvaluateOptions, GateConfig, GateOverrides, GateResult, Objective, ObjectiveResult } from './types.js';
import type { MetricsProvider, Observations, Target } from './providers/port.js';
import { noData } from './providers/port.js';
import { openProvider, type ProviderDeps } from './providers/factory.js';
import { combineVerdicts, DEFAULT_ALPHA, judgeObjective, perObjectiveAlpha } from './judge.js';

export { readGateConfig } from './config.js';
export { renderGateSummary } from './summary.js';

export interface GateDeps extends ProviderDeps {
  /** A ready provider (tests, simulations); otherwise the configuration's is opened. */
  provider?: MetricsProvider;
}

/** Every check that needs no request: the provider's own (dimensions, queries), and a baseline for ratio objectives. */
export function validateGate(config: GateConfig, provider: MetricsProvider): void {
  provider.validate(config.objectives);
  const relative = config.objectives.filter((o) => o.threshold.kind === 'relative');
  if (relative.length && !provider.hasBaseline) {
    throw new InputError(`Input "slo": "${relative[0].text}" compares with the baseline, but no baseline is given; set ${provider.baselineInputs}.`);
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
  const provider = deps.provider ?? (await openProvider(config, overrides, deps));
  validateGate(config, provider);
  const clock = deps.clock ?? systemClock;
  const window = resolveWindow(config, opts, clock.now());
  // The baseline costs a query per metric: asked for only when an objective compares with it.
  const compares = config.objectives.some((o) => o.threshold.kind === 'relative');
  const targets: Target[] = compares && provider.hasBaseline ? ['canary', 'baseline'] : ['canary'];
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
