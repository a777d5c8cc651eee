/**
 * Prometheus provider: PromQL over any Prometheus HTTP API (`/api/v1/query_range` for per-period
 * samples, `/api/v1/query` for the whole window), SigV4-signed (service `aps`) for Amazon Managed
 * Service for Prometheus. The `http-histogram` preset reads our services' duration histogram with
 * histogram_quantile; `raw` takes one PromQL template per metric.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { timedRequestHandler } from '../../../common/aws.js';
import { InputError } from '../../../common/errors.js';
import { resolveRegion } from '../../../common/region.js';
import { isTransientError, withRetry } from '../../../common/retry.js';
import { maskUrlCredentials, redactServerText } from '../../lib/secrets.js';
import type { Clock } from '../../../common/clock.js';
import type { Objective } from '../types.js';
import { metricKind, percentileOf } from '../slo.js';
import type { MetricsProvider, MetricsQuery, Observation, Observations, Target, TargetObservations } from './port.js';
import { noData } from './port.js';
import type { PrometheusSource } from './sources.js';
import { alignWindow, type AlignedWindow } from './window.js';

/** The PromQL template (with {{selector}} and {{range}}) for one metric, and the factor to its base unit. */
export function promTemplate(src: PrometheusSource, metric: string): { query: string; scale: number } | null {
  if (src.queries[metric]) return { query: src.queries[metric], scale: 1 };
  if (src.preset !== 'http-histogram') return null;
  const h = src.histogram;
  const kind = metricKind(metric);
  if (kind === 'latency') {
    const q = percentileOf(metric)! / 100;
    return { query: `histogram_quantile(${q}, sum by (le) (rate(${h}_bucket{{{selector}}}[{{range}}])))`, scale: 1000 };
  }
  const all = `sum(rate(${src.requestsMetric}{{{selector}}}[{{range}}]))`;
  if (kind === 'error-rate') {
    // A counter that never incremented may not exist yet: no errors, not no data.
    return { query: `(sum(rate(${src.errorsMetric}{{{selector}}}[{{range}}])) or vector(0)) / ${all}`, scale: 1 };
  }
  if (kind === 'request-rate') return { query: all, scale: 1 };
  return null;
}

export function fillTemplate(template: string, selector: string, range: string): string {
  return template.replaceAll('{{selector}}', selector).replaceAll('{{range}}', range);
}

/** Checks the URL and that every objective has a query, before any request. */
function validatePrometheusSource(src: PrometheusSource, objectives: Objective[]): void {
  try {
    new URL(src.url);
  } catch {
    throw new InputError(`Input "prometheus-url": "${src.url}" is not a URL; expected e.g. http://prometheus:9090 or https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>.`);
  }
  if (!src.canarySelector) throw new InputError('Input "canary-selector" is required for provider prometheus: label matchers such as service="auth",version="2.1.0".');
  for (const o of objectives) {
    if (!promTemplate(src, o.metric)) {
      throw new InputError(`Input "prometheus-queries": no PromQL for "${o.metric}" (objective "${o.text}"); add a line "${o.metric}=<PromQL with {{selector}} and {{range}}>".`);
    }
  }
}

interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  errorType?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] };
}

class PromHttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'PromHttpError';
    (this as { $metadata?: { httpStatusCode: number } }).$metadata = { httpStatusCode: status };
  }
}

/** An AMP workspace URL names its region (aps-workspaces.<region>.amazonaws.com): sign for that one unless told otherwise. */
export function ampRegion(url: string): string | undefined {
  return /^aps-workspaces\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com$/.exec(URL.canParse(url) ? new URL(url).hostname : '')?.[1];
}

/** Percent-encodes all but RFC 3986's unreserved characters, as SigV4's canonical query does. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface PrometheusDeps {
  fetch?: typeof fetch;
  clock?: Clock;
  region?: string;
  random?: () => number;
  /** Longest one HTTP request may take (to Prometheus, or to STS for SigV4 credentials); a hung server is retried, then reported. */
  requestTimeoutMs?: number;
}

/** A range query over a window of an hour answers in well under a second on a healthy server. */
export const PROMETHEUS_REQUEST_TIMEOUT_MS = 30_000;

export class PrometheusProvider implements MetricsProvider {
  readonly name = 'prometheus';
  readonly hasBaseline: boolean;
  readonly baselineInputs = 'baseline-selector';
  private signer?: SignatureV4;

  constructor(private readonly src: PrometheusSource, private readonly deps: PrometheusDeps = {}) {
    this.hasBaseline = !!src.baselineSelector;
    // Before any request: the password, and the Basic header built from it, may come back in an error body.
    maskUrlCredentials(src.url);
    if (src.sigv4) {
      // The credentials may come from STS (a web identity role): its calls get every AWS client's
      // timeouts (requestTimeoutMs, when set, bounds them too), not the SDK's default of minutes.
      const credentials = fromNodeProviderChain({ clientConfig: { requestHandler: timedRequestHandler({ requestTimeoutMs: deps.requestTimeoutMs }) } });
      this.signer = new SignatureV4({ service: 'aps', region: resolveRegion(deps.region ?? ampRegion(src.url)), credentials, sha256: Sha256 });
    }
  }

  private async get(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<PromResponse> {
    const base = new URL(this.src.url);
    // fetch refuses credentials in a URL: send them as Basic auth instead.
    const basic = base.username || base.password ? Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64') : undefined;
    base.username = '';
    base.password = '';
    const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
    // RFC 3986 encoding (space as %20), not URLSearchParams' form encoding (space as +): AWS
    // rebuilds the SigV4 canonical query from the query as sent and reads "+" as a plus sign.
    url.search = Object.entries(params).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
    let headers: Record<string, string> = { accept: 'application/json', ...(basic ? { authorization: `Basic ${basic}` } : {}) };
    if (this.signer) {
      const req = new HttpRequest({ method: 'GET', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query: { ...params }, headers: { host: url.host, ...headers } });
      headers = (await this.signer.sign(req)).headers as Record<string, string>;
    }
    const doFetch = this.deps.fetch ?? fetch;
    return withRetry(
      async () => {
        const timeoutMs = this.deps.requestTimeoutMs ?? PROMETHEUS_REQUEST_TIMEOUT_MS;
        const timeout = AbortSignal.timeout(timeoutMs);
        let res: Response;
        let text: string;
        try {
          // The timeout covers the body too: a server that sends headers and stalls is as hung.
          res = await doFetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
          text = await res.text();
        } catch (err) {
          if (timeout.aborted && !signal?.aborted) throw new PromHttpError(504, `Prometheus ${url.pathname} gave no answer within ${timeoutMs} ms`);
          throw err;
        }
        let body: PromResponse;
        try {
          body = JSON.parse(text) as PromResponse;
        } catch {
          throw new PromHttpError(res.status, `Prometheus ${url.pathname} answered ${res.status} with non-JSON: ${redactServerText(text)}`);
        }
        if (!res.ok || body?.status !== 'success') {
          // Prometheus's own error fields when it sent them, else the body: a proxy in front of it may
          // quote the request, its Authorization header included, so both go through redaction.
          const said = body?.error !== undefined ? `${body.errorType ?? ''} ${body.error}`.trim() : text;
          throw new PromHttpError(res.status, `Prometheus ${url.pathname} answered ${res.status}: ${redactServerText(said)}`);
        }
        return body;
      },
      { clock: this.deps.clock, random: this.deps.random, signal, retryable: (e) => isTransientError(e) || (e instanceof TypeError && /fetch failed/.test(e.message)) },
    );
  }

  validate(objectives: Objective[]): void {
    validatePrometheusSource(this.src, objectives);
  }

  private async observe(template: { query: string; scale: number }, selector: string, w: AlignedWindow, signal?: AbortSignal): Promise<Observation> {
    const step = this.src.stepSeconds;
    const [range, instant] = await Promise.all([
      this.get('/api/v1/query_range', {
        query: fillTemplate(template.query, selector, `${step}s`),
        start: String(w.start.getTime() / 1000 + step),
        end: String(w.end.getTime() / 1000),
        step: `${step}s`,
      }, signal),
      this.get('/api/v1/query', { query: fillTemplate(template.query, selector, `${w.seconds}s`), time: String(w.end.getTime() / 1000) }, signal),
    ]);
    const series = range.data?.result ?? [];
    if (series.length > 1) return { kind: 'error', message: `the query returns ${series.length} series; aggregate it to one (sum, histogram_quantile over sum by (le))` };
    const samples = (series[0]?.values ?? []).map(([, v]) => Number(v) * template.scale).filter(Number.isFinite);
    const v = Number(instant.data?.result?.[0]?.value?.[1]);
    if (!Number.isFinite(v)) return samples.length ? { kind: 'value', value: samples.reduce((a, b) => a + b, 0) / samples.length, samples } : noData('the query returned no finite values');
    return { kind: 'value', value: v * template.scale, samples };
  }

  async query(q: MetricsQuery): Promise<Observations> {
    validatePrometheusSource(this.src, q.objectives);
    const w = alignWindow(q.window, this.src.stepSeconds);
    const selectors: Partial<Record<Target, string>> = { canary: this.src.canarySelector, baseline: this.src.baselineSelector };
    const readTarget = async (t: Target): Promise<TargetObservations> => {
      const selector = selectors[t]!;
      const metrics = new Map<string, Observation>();
      for (const o of q.objectives) metrics.set(o.metric, await this.observe(promTemplate(this.src, o.metric)!, selector, w, q.signal));
      let requests: number | null = null;
      if (this.src.preset === 'http-histogram') {
        const r = await this.get('/api/v1/query', { query: `sum(increase(${this.src.requestsMetric}{${selector}}[${w.seconds}s]))`, time: String(w.end.getTime() / 1000) }, q.signal);
        const v = Number(r.data?.result?.[0]?.value?.[1]);
        requests = Number.isFinite(v) ? Math.round(v) : 0;
      }
      return { requests, metrics };
    };
    const canary = await readTarget('canary');
    const baseline = q.targets.includes('baseline') && this.src.baselineSelector ? await readTarget('baseline') : undefined;
    return { canary, baseline, window: { start: w.start, end: w.end } };
  }
}
