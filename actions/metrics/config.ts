/**
 * Reads the slo-gate inputs (shared with canary-ramp, which accepts the same names) into a
 * GateConfig. Everything is checked here or in evaluateGate before the first request.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { InputError } from '../lib/errors.js';
import { resolveRegion } from '../lib/aws.js';
import { maskUrlCredentials } from '../lib/secrets.js';
import { tryParseDuration, DURATION_FORM } from '../lib/duration.js';
import { getBool, getEnum, getDuration, getLines, getNumber, getString, raw } from '../lib/inputs.js';
import type { GateConfig, OnNoData, ProviderName } from './types.js';
import { parseObjectives } from './slo.js';
import { APPMESH_DEFAULTS, CLOUDWATCH_PRESETS, EMF_DEFAULTS, type CloudWatchPreset, type CloudWatchSource, type RedMetricNames } from './cloudwatch.js';
import { PROMETHEUS_DEFAULTS, type PrometheusSource } from './prometheus.js';
import type { K6Source } from './k6.js';
import { DEFAULT_ALPHA } from './judge.js';

export const PROVIDERS: readonly ProviderName[] = ['cloudwatch', 'prometheus', 'k6-summary'];
export const ON_NO_DATA: readonly OnNoData[] = ['inconclusive', 'fail', 'pass'];

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

function rawQueries(): { canary: MetricDataQuery[]; baseline?: MetricDataQuery[] } {
  const text = required('metric-queries', 'preset raw', 'a JSON array of MetricDataQuery, or {"canary": [...], "baseline": [...]}');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`Input "metric-queries": not JSON (${(err as Error).message}); expected a JSON array of MetricDataQuery, or {"canary": [...], "baseline": [...]}.`);
  }
  const shape = Array.isArray(json) ? { canary: json } : (json as { canary?: unknown; baseline?: unknown });
  const check = (list: unknown, which: string): MetricDataQuery[] => {
    if (!Array.isArray(list) || list.length === 0) throw new InputError(`Input "metric-queries": "${which}" must be a non-empty array of MetricDataQuery.`);
    for (const q of list as MetricDataQuery[]) {
      if (!q || typeof q.Id !== 'string' || !/^[a-z][A-Za-z0-9_]*$/.test(q.Id)) throw new InputError(`Input "metric-queries": every query needs an Id matching [a-z][A-Za-z0-9_]* (got ${JSON.stringify(q?.Id)}).`);
      if (!q.MetricStat && !q.Expression) throw new InputError(`Input "metric-queries": query "${q.Id}" has neither MetricStat nor Expression.`);
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

function prometheusSource(): PrometheusSource {
  const queries: Record<string, string> = {};
  for (const line of getLines('prometheus-queries')) {
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(name)) throw new InputError(`Input "prometheus-queries": "${line}" is not <metric>=<PromQL> (PromQL may use {{selector}} and {{range}}).`);
    queries[name] = line.slice(eq + 1).trim();
  }
  const url = required('prometheus-url', 'provider prometheus', 'the Prometheus HTTP API base URL (for AMP: https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>)');
  // A password in the URL must never reach a log line, in any of the forms it is sent in.
  maskUrlCredentials(url);
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
  };
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
  const ms = tryParseDuration(v);
  if (ms !== null) {
    if (ms < 60_000) throw new InputError(`Input "window": "${v}" is shorter than one 60-second metric period.`);
    return { windowMs: ms };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))) return { windowMs: 0, windowStart: new Date(v).toISOString() };
  throw new InputError(`Input "window": "${v}" is neither a duration (${DURATION_FORM}) nor an ISO 8601 start time (2026-01-01T10:00:00Z).`);
}

export function readGateConfig(): GateConfig {
  const provider = getEnum('provider', PROVIDERS, 'cloudwatch');
  const objectives = parseObjectives(getLines('slo'));
  const { windowMs, windowStart } = readWindow();
  const warmupMs = getDuration('warmup', '0s');
  if (!windowStart && warmupMs >= windowMs) throw new InputError(`Input "warmup": it must be shorter than "window" (${getString('window', '10m')}).`);
  const region = raw('region') || undefined;
  if (region) resolveRegion(region);
  const source = provider === 'cloudwatch' ? cloudwatchSource() : provider === 'prometheus' ? prometheusSource() : k6Source();
  return {
    provider,
    objectives,
    region,
    windowMs,
    ...(windowStart ? { windowStart } : {}),
    warmupMs,
    minRequests: getNumber('min-requests', 100, { min: 0, integer: true }),
    onNoData: getEnum('on-no-data', ON_NO_DATA, 'inconclusive'),
    dryRun: getBool('dry-run', false),
    significance: getNumber('significance', DEFAULT_ALPHA, { min: 0.0001, max: 0.5 }),
    source: source as unknown as Record<string, unknown>,
  };
}
