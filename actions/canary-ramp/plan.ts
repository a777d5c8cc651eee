/**
 * canary-ramp's inputs, typed and validated before the first AWS call, and the pure decisions made
 * from them (the step plan, the metric-period and timeout warnings).
 */
import { formatDuration, formatRange, parseDuration, type DurationRange } from '../../common/duration.js';
import { InputError } from '../../common/errors.js';
import { getBool, getDuration, getEnum, getNumber, getString, type NumberRange } from '../lib/inputs.js';
import { readRouterConfig, type RouterConfig } from '../traffic/router-inputs.js';
import { readLoadPlan, type LoadPlan } from './load-plan.js';
import type { OnInconclusive, OnTimeout, RampSettings, Step } from './ramp.js';

export const DEFAULT_STEPS = '1,5,25,50,100';

const HOUR = 3_600_000;
/**
 * The accepted span of every numeric input (documented in action.yml and the README). A bake is at
 * most a day; the timeout at most 5 days, the longest a self-hosted runner keeps a job (the warning
 * about GitHub-hosted runners' 6 h stays a warning).
 */
export const RAMP_RANGES = {
  'bake-time': { min: 0, max: 24 * HOUR },
  'analysis-interval': { min: 1000, max: HOUR },
  timeout: { min: 1000, max: 120 * HOUR },
} as const satisfies Record<string, DurationRange>;
export const RAMP_COUNTS = {
  'max-failed-checks': { min: 1, max: 1000, integer: true },
  'max-inconclusive': { min: 0, max: 1000, integer: true },
} as const satisfies Record<string, NumberRange>;

const STEPS_FORM = `increasing whole percents from 1 to 100 separated by commas, ending at 100, each optionally with a bake time ${formatRange(RAMP_RANGES['bake-time'])} (e.g. 1,5,25:15m,50,100)`;

/**
 * `1,5,25:15m,50,100` → steps. A step below 100 bakes for `bake-time` unless it says otherwise; the
 * final 100 is the promotion and bakes only when given a time (`100:10m`).
 */
export function parseSteps(text: string, bakeMs: number): Step[] {
  const items = text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new InputError(`Input "steps" is empty; expected ${STEPS_FORM}.`);
  const steps = items.map((item): Step => {
    const m = /^(\d+)%?(?::(.+))?$/.exec(item);
    if (!m) throw new InputError(`Input "steps": "${item}" is not a step; expected ${STEPS_FORM}.`);
    const percent = Number(m[1]);
    if (!(percent >= 1 && percent <= 100)) throw new InputError(`Input "steps": ${m[1]} is out of range; weights are percents from 1 to 100 (whole numbers).`);
    const stepBake = m[2] === undefined ? (percent === 100 ? 0 : bakeMs) : parseDuration(m[2], `Input "steps": the bake time in "${item}"`, RAMP_RANGES['bake-time']);
    return { percent, bakeMs: stepBake };
  });
  for (let i = 1; i < steps.length; i++) {
    if (steps[i].percent <= steps[i - 1].percent) {
      throw new InputError(`Input "steps": ${steps[i].percent} after ${steps[i - 1].percent} is not increasing; expected ${STEPS_FORM}.`);
    }
  }
  if (steps.at(-1)!.percent !== 100) throw new InputError(`Input "steps" must end at 100 (a promotion leaves the canary with all traffic); got ${text}.`);
  return steps;
}

export interface RampInputs {
  router: RouterConfig;
  /** `bake-time`: also the bake of each step ECS chooses. */
  bakeMs: number;
  settings: Omit<RampSettings, 'warmupMs'>;
  dryRun: boolean;
  takeover: boolean;
  /** Synthetic load during every bake (`load-*` inputs); null when `load-url` is unset. */
  load: LoadPlan | null;
}

export function readRampInputs(): RampInputs {
  const router = readRouterConfig();
  // A k6 summary is one finished run: every check of every step would judge the same numbers.
  if (getString('provider') === 'k6-summary') {
    throw new InputError('Input "provider": k6-summary is not available to canary-ramp (a summary file does not change from step to step); use cloudwatch or prometheus.');
  }
  const bakeMs = getDuration('bake-time', '5m', RAMP_RANGES['bake-time']);
  const steps = parseSteps(getString('steps', DEFAULT_STEPS), bakeMs);
  const intervalMs = getDuration('analysis-interval', '1m', RAMP_RANGES['analysis-interval']);
  const timeoutMs = getDuration('timeout', '5h30m', RAMP_RANGES.timeout);
  return {
    router,
    bakeMs,
    settings: {
      steps,
      intervalMs,
      timeoutMs,
      maxFailedChecks: getNumber('max-failed-checks', 2, RAMP_COUNTS['max-failed-checks']),
      onInconclusive: getEnum<OnInconclusive>('on-inconclusive', ['hold', 'fail', 'pass'], 'hold'),
      maxInconclusive: getNumber('max-inconclusive', 5, RAMP_COUNTS['max-inconclusive']),
      onTimeout: getEnum<OnTimeout>('on-timeout', ['rollback', 'promote'], 'rollback'),
    },
    dryRun: getBool('dry-run', false),
    takeover: getBool('takeover', false),
    load: readLoadPlan(),
  };
}

/** A warning (never a refusal) when checks come faster than the metrics can change. */
export function intervalWarning(intervalMs: number, metricPeriodMs: number | undefined): string | null {
  if (!metricPeriodMs || intervalMs >= metricPeriodMs) return null;
  return `analysis-interval ${formatDuration(intervalMs)} is shorter than the metric period ${formatDuration(metricPeriodMs)}: consecutive checks may see the same data points.`;
}

/** GitHub-hosted runners stop a job after 6 h; self-hosted ones allow more, hence a warning. */
export const GITHUB_JOB_LIMIT_MS = 6 * 3_600_000;

/** A warning when the ramp's own rollback could never run before GitHub stops the job. */
export function timeoutWarning(timeoutMs: number): string | null {
  if (timeoutMs < GITHUB_JOB_LIMIT_MS) return null;
  return `timeout ${formatDuration(timeoutMs)} is not below GitHub's 6-hour job limit: on a GitHub-hosted runner the job is stopped first ` +
    '(post still restores the baseline, but the ramp cannot roll back by itself or report why). Keep it below the job\'s timeout-minutes, e.g. 5h30m.';
}
