/**
 * What each metrics backend reads, as the inputs give it: plain data, so the gate's configuration
 * can name every backend while only the selected one's code (and SDK) is loaded.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';

export type CloudWatchSource =
  | { preset: 'alb'; loadBalancer?: string; canaryTargetGroup?: string; baselineTargetGroup?: string }
  | { preset: 'service-connect'; cluster: string; discoveryName: string; canaryService: string; baselineService?: string }
  | { preset: 'emf'; namespace: string; service: string; canaryVersion: string; baselineVersion?: string; metricNames: RedMetricNames }
  | { preset: 'appmesh'; namespace: string; cluster: string; canaryFamily: string; baselineFamily?: string; metricNames: RedMetricNames }
  | { preset: 'raw'; queries: { canary: MetricDataQuery[]; baseline?: MetricDataQuery[] } };

export type CloudWatchPreset = CloudWatchSource['preset'];

/** ALB, Service Connect and ECS publish 60-second data; the CloudWatch provider reads every series at this period. */
export const CLOUDWATCH_PERIOD_S = 60;
export const CLOUDWATCH_PRESETS: readonly CloudWatchPreset[] = ['alb', 'service-connect', 'emf', 'appmesh', 'raw'];

export interface RedMetricNames {
  requests: string;
  errors: string;
  latency: string;
}

/** What our reference services emit as CloudWatch EMF (services/kit): RED metrics with dimensions Service and Version. */
export const EMF_DEFAULTS = { namespace: 'MeshServices', metricNames: { requests: 'Requests', errors: 'Errors', latency: 'Duration' } };
/** Envoy stats the CloudWatch agent's Prometheus scraping publishes for App Mesh on ECS. */
export const APPMESH_DEFAULTS = {
  namespace: 'ECS/ContainerInsights/Prometheus',
  metricNames: { requests: 'envoy_http_downstream_rq_total', errors: 'envoy_http_downstream_rq_xx', latency: 'envoy_http_downstream_rq_time' },
};

export interface PrometheusSource {
  url: string;
  /** Sign requests with SigV4 for Amazon Managed Service for Prometheus. */
  sigv4: boolean;
  preset: 'http-histogram' | 'raw';
  /** Label matchers without braces, e.g. `service="auth",version="2.1.0"`. */
  canarySelector: string;
  baselineSelector?: string;
  /** The duration histogram's base name (seconds), e.g. `http_request_duration_seconds`. */
  histogram: string;
  /** Counter of all requests and counter of failed (5xx) ones, as services/kit exports them. */
  requestsMetric: string;
  errorsMetric: string;
  /** Raw PromQL per metric name; `{{selector}}` and `{{range}}` are filled per target and query. */
  queries: Record<string, string>;
  /**
   * Seconds per judged period (`prometheus-step`): the range query's step and the range of its
   * rate()s. At least twice the scrape interval, so every rate() has two samples.
   */
  stepSeconds: number;
}

/** What services/kit exports on /metrics (labels service, version, route, method). */
export const PROMETHEUS_DEFAULTS = { histogram: 'http_request_duration_seconds', requestsMetric: 'http_requests_total', errorsMetric: 'http_request_errors_total' };

export interface K6Source {
  canarySummary: string;
  baselineSummary?: string;
  /** The trend that latency percentiles read; `http_req_duration` unless the script names another. */
  latencyMetric: string;
}

export type ProviderName = 'cloudwatch' | 'prometheus' | 'k6-summary';

/** A backend and its source, one shape per backend. */
export type ProviderSource =
  | { provider: 'cloudwatch'; source: CloudWatchSource }
  | { provider: 'prometheus'; source: PrometheusSource }
  | { provider: 'k6-summary'; source: K6Source };

/** One judged period (ms) of the backend, where it has one: checks more often than this see the same data points. */
export function metricPeriodMs(backend: ProviderSource): number | undefined {
  switch (backend.provider) {
    case 'cloudwatch': return CLOUDWATCH_PERIOD_S * 1000;
    case 'prometheus': return backend.source.stepSeconds * 1000;
    case 'k6-summary': return undefined;
  }
}
