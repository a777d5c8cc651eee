/**
 * Reads the slo-gate inputs (shared with canary-ramp, which accepts the same names) into a
 * GateConfig. Everything is checked here or in evaluateGate before the first request.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { InputError } from '../../common/errors.js';
import { resolveRegion } from '../../common/region.js';
import { maskUrlCredentials } from '../lib/secrets.js';
import { DURATION_FORM, formatRange, parseDuration, tryParseDuration, type DurationRange } from '../../common/duration.js';
import { findNonFinite, getBool, getEnum, getDuration, getLines, getNumber, getString, raw, type NumberRange } from '../lib/inputs.js';
import type { GateConfig, OnNoData } from './types.js';
import { parseObjectives } from './slo.js';
import {
  APPMESH_DEFAULTS, CLOUDWATCH_PRESETS, EMF_DEFAULTS, PROMETHEUS_DEFAULTS,
  type CloudWatchPreset, type CloudWatchSource, type K6Source, type PrometheusSource, type ProviderName, type ProviderSource, type RedMetricNames,
} from './providers/sources.js';
import { DEFAULT_ALPHA } from './judge.js';

export const PROVIDERS: readonly ProviderName[] = ['cloudwatch', 'prometheus', 'k6-summary'];
export const ON_NO_DATA: readonly OnNoData[] = ['inconclusive', 'fail', 'pass'];

const HOUR = 3_600_000;
/**
 * The accepted span of every numeric gate input (documented in action.yml and the README). A window
 * is at least one 60-second metric period and at most a day (1440 periods per series); warmup must
 * also be shorter than the window.
 */
export const GATE_RANGES = {
  window: { min: 60_000, max: 24 * HOUR },
  warmup: { min: 0, max: 24 * HOUR },
  /** One judged Prometheus period, at least twice the scrape interval: from 1 second to an hour. */
  'prometheus-step': { min: 1_000, max: HOUR },
} as const satisfies Record<string, DurationRange>;
export const GATE_NUMBERS = {
  'min-requests': { min: 0, max: 1_000_000_000, integer: true },
  significance: { min: 0.0001, max: 0.5 },
} as const satisfies Record<string, NumberRange>;
/** CloudWatch periods: high resolution 1, 5, 10, 20 or 30 s, else a multiple of 60 s; at most the longest window. */
const PERIOD_FORM = '1, 5, 10, 20, 30 or a multiple of 60 seconds, at most 86400';

function required(name: string, forWhat: string, form: string): string {
  const v = raw(name);
  if (!v) throw new InputError(`Input "${name}" is required for ${forWhat}: ${form}.`);
  return v;
}

/** `requests=RequestCount,errors=ErrorCount,latency=Latency`: override any of the three names. */
function metricNames(fallback: RedMetricNames): RedMetricNames {
  const out = { ...fallback };
  for (const pair of raw('metric-names').split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(requests|errors|latency)\s*=\s*(\S+)$/.exec(pair);
    if (!m) throw new InputError(`Input "metric-names": "${pair}" is not <requests|errors|latency>=<MetricName>.`);
    out[m[1] as keyof RedMetricNames] = m[2];
  }
  return out;
}

function validPeriod(period: unknown): boolean {
  return typeof period === 'number' && ([1, 5, 10, 20, 30].includes(period) || (Number.isInteger(period) && period > 0 && period % 60 === 0 && period <= 86_400));
}

function rawQueries(): { canary: MetricDataQuery[]; baseline?: MetricDataQuery[] } {
  const text = required('metric-queries', 'preset raw', 'a JSON array of MetricDataQuery, or {"canary": [...], "baseline": [...]}');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`Input "metric-queries": not JSON (${(err as Error).message}); expected a JSON array of MetricDataQuery, or {"canary": [...], "baseline": [...]}.`);
  }
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would send on as null.
  const nonFinite = findNonFinite(json);
  if (nonFinite) throw new InputError(`Input "metric-queries": the number at ${nonFinite} is not finite; every number must be finite (a Period is ${PERIOD_FORM}).`);
  const shape = Array.isArray(json) ? { canary: json } : (json as { canary?: unknown; baseline?: unknown });
  const check = (list: unknown, which: string): MetricDataQuery[] => {
    if (!Array.isArray(list) || list.length === 0) throw new InputError(`Input "metric-queries": "${which}" must be a non-empty array of MetricDataQuery.`);
    for (const q of list as MetricDataQuery[]) {
      if (!q || typeof q.Id !== 'string' || !/^[a-z][A-Za-z0-9_]*$/.test(q.Id)) throw new InputError(`Input "metric-queries": every query needs an Id matching [a-z][A-Za-z0-9_]* (got ${JSON.stringify(q?.Id)}).`);
      if (!q.MetricStat && !q.Expression) throw new InputError(`Input "metric-queries": query "${q.Id}" has neither MetricStat nor Expression.`);
      for (const [where, period] of [['MetricStat.Period', q.MetricStat?.Period], ['Period', q.Period]] as const) {
        if (period !== undefined && !validPeriod(period)) throw new InputError(`Input "metric-queries": query "${q.Id}" has ${where} ${JSON.stringify(period)}; expected ${PERIOD_FORM}.`);
      }
    }
    return list as MetricDataQuery[];
  };
  return { canary: check(shape.canary, 'canary'), ...(shape.baseline !== undefined ? { baseline: check(shape.baseline, 'baseline') } : {}) };
}

function cloudwatchSource(): CloudWatchSource {
  const preset = getEnum<CloudWatchPreset>('preset', CLOUDWATCH_PRESETS, 'alb');
  const opt = (n: string) => raw(n) || undefined;
  switch (preset) {
    case 'alb':
      // canary-ramp fills these from its router ARNs, so they are checked when the gate runs.
      return { preset, loadBalancer: opt('load-balancer'), canaryTargetGroup: opt('canary-target-group'), baselineTargetGroup: opt('baseline-target-group') };
    case 'service-connect':
      return {
        preset,
        cluster: required('cluster', 'preset service-connect', 'the ECS cluster name'),
        discoveryName: required('discovery-name', 'preset service-connect', 'the Service Connect discovery name'),
        canaryService: required('canary-service', 'preset service-connect', 'the canary ECS service name'),
        baselineService: opt('baseline-service'),
      };
    case 'emf':
      return {
        preset,
        namespace: getString('namespace', EMF_DEFAULTS.namespace),
        service: required('service', 'preset emf', 'the Service dimension value'),
        canaryVersion: required('canary-version', 'preset emf', 'the canary\'s Version dimension value'),
        baselineVersion: opt('baseline-version'),
        metricNames: metricNames(EMF_DEFAULTS.metricNames),
      };
    case 'appmesh':
      return {
        preset,
        namespace: getString('namespace', APPMESH_DEFAULTS.namespace),
        cluster: required('cluster', 'preset appmesh', 'the ECS cluster name'),
        canaryFamily: required('canary-task-family', 'preset appmesh', 'the canary task definition family'),
        baselineFamily: opt('baseline-task-family'),
        metricNames: metricNames(APPMESH_DEFAULTS.metricNames),
      };
    case 'raw':
      return { preset, queries: rawQueries() };
  }
}

const PROMETHEUS_URL_FORM = 'the Prometheus HTTP API base URL, http(s)://host[:port][/path] (for AMP: https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>)';

/** http(s) with a host, checked here so a missing scheme is named as this input, not an "Invalid URL" at the first query. */
function checkPrometheusUrl(url: string): void {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname) return;
  // Credentials in an unparseable URL cannot be masked reliably: then the value is not repeated.
  const shown = url.includes('@') ? '' : ` "${url}"`;
  throw new InputError(`Input "prometheus-url":${shown} is not an http(s) URL; expected ${PROMETHEUS_URL_FORM}.`);
}

function prometheusSource(): PrometheusSource {
  const queries: Record<string, string> = {};
  for (const line of getLines('prometheus-queries')) {
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(name)) throw new InputError(`Input "prometheus-queries": "${line}" is not <metric>=<PromQL> (PromQL may use {{selector}} and {{range}}).`);
    queries[name] = line.slice(eq + 1).trim();
  }
  const url = required('prometheus-url', 'provider prometheus', PROMETHEUS_URL_FORM);
  // A password in the URL must never reach a log line, in any of the forms it is sent in.
  maskUrlCredentials(url);
  checkPrometheusUrl(url);
  return {
    url,
    sigv4: getBool('prometheus-sigv4', false),
    preset: getEnum('prometheus-preset', ['http-histogram', 'raw'] as const, 'http-histogram'),
    canarySelector: required('canary-selector', 'provider prometheus', 'label matchers such as service="auth",version="2.1.0"'),
    baselineSelector: raw('baseline-selector') || undefined,
    histogram: getString('prometheus-histogram', PROMETHEUS_DEFAULTS.histogram),
    requestsMetric: getString('prometheus-requests-metric', PROMETHEUS_DEFAULTS.requestsMetric),
    errorsMetric: getString('prometheus-errors-metric', PROMETHEUS_DEFAULTS.errorsMetric),
    queries,
    stepSeconds: prometheusStep(),
  };
}

/** Whole seconds: PromQL ranges and steps take no fractions of a second. */
function prometheusStep(): number {
  const ms = getDuration('prometheus-step', '60s', GATE_RANGES['prometheus-step']);
  if (ms % 1000 !== 0) throw new InputError(`Input "prometheus-step": "${raw('prometheus-step')}" is not whole seconds; expected a duration ${formatRange(GATE_RANGES['prometheus-step'])} in whole seconds, at least twice the scrape interval (e.g. 60s, or 2s for a 1-second scrape).`);
  return ms / 1000;
}

function k6Source(): K6Source {
  return {
    canarySummary: required('k6-summary', 'provider k6-summary', 'the path of the k6 summary JSON (--summary-export or handleSummary)'),
    baselineSummary: raw('k6-baseline-summary') || undefined,
    latencyMetric: getString('k6-latency-metric', 'http_req_duration'),
  };
}

/** `window`: a duration (10m) or a start time (2026-01-01T10:00:00Z). */
function readWindow(): { windowMs: number; windowStart?: string } {
  const v = getString('window', '10m');
  // Anything that starts like a duration is judged as one, so `1<400 zeros>h` is out of range, not "not a time".
  if (/^\d+(?:\.\d+)?(?:ms|s|m|h|d)/.test(v)) {
    const ms = tryParseDuration(v);
    if (ms !== null && ms < GATE_RANGES.window.min) throw new InputError(`Input "window": "${v}" is shorter than one 60-second metric period; expected a duration ${formatRange(GATE_RANGES.window)}.`);
    return { windowMs: parseDuration(v, 'Input "window"', GATE_RANGES.window) };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v))) return { windowMs: 0, windowStart: new Date(v).toISOString() };
  throw new InputError(`Input "window": "${v}" is neither a duration (${DURATION_FORM}, ${formatRange(GATE_RANGES.window)}) nor an ISO 8601 start time (2026-01-01T10:00:00Z).`);
}

export function readGateConfig(): GateConfig {
  const provider = getEnum('provider', PROVIDERS, 'cloudwatch');
  const objectives = parseObjectives(getLines('slo'));
  const { windowMs, windowStart } = readWindow();
  const warmupMs = getDuration('warmup', '0s', GATE_RANGES.warmup);
  if (!windowStart && warmupMs >= windowMs) throw new InputError(`Input "warmup": it must be shorter than "window" (${getString('window', '10m')}).`);
  const region = raw('region') || undefined;
  if (region) resolveRegion(region);
  const backend: ProviderSource = provider === 'cloudwatch'
    ? { provider, source: cloudwatchSource() }
    : provider === 'prometheus' ? { provider, source: prometheusSource() } : { provider, source: k6Source() };
  return {
    ...backend,
    objectives,
    region,
    windowMs,
    ...(windowStart ? { windowStart } : {}),
    warmupMs,
    minRequests: getNumber('min-requests', 100, GATE_NUMBERS['min-requests']),
    onNoData: getEnum('on-no-data', ON_NO_DATA, 'inconclusive'),
    dryRun: getBool('dry-run', false),
    significance: getNumber('significance', DEFAULT_ALPHA, GATE_NUMBERS.significance),
  };
}
