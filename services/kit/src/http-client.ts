/**
 * Outbound HTTP for services: a timeout per attempt, retries with full-jitter backoff (idempotent calls
 * only, on network faults, timeouts, 429 and 502/503/504), a circuit breaker per dependency, and the
 * request's correlation id and W3C trace context passed on, under a client span.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace, type Tracer } from '@opentelemetry/api';
import type { Clock } from '../../../common/clock.js';
import { isTransientError, withRetry } from '../../../common/retry.js';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from './circuit-breaker.js';
import { CORRELATION_HEADER, currentCorrelationId } from './request-context.js';

export interface HttpClientOptions {
  /** Names the dependency in errors, spans and the breaker. */
  name: string;
  baseUrl: string;
  timeoutMs?: number;
  /** Attempts per call, the first included. */
  attempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  breaker?: CircuitBreakerOptions | CircuitBreaker;
  tracer?: Tracer;
  clock?: Clock;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  signal?: AbortSignal;
  /** Retry a non-idempotent method too (e.g. a POST carrying an idempotency key). */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  json<T = unknown>(): T;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export class HttpStatusError extends Error {
  constructor(readonly dependency: string, readonly status: number, readonly body: string) {
    super(`${dependency} answered HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

export class HttpTimeoutError extends Error {
  constructor(readonly dependency: string, readonly timeoutMs: number) {
    super(`${dependency} did not answer within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/** Faults a later identical call may not meet. A breaker that is open is not one: it is failing fast on purpose. */
export function isRetryableHttpError(err: unknown): boolean {
  if (err instanceof CircuitOpenError) return false;
  if (err instanceof HttpTimeoutError) return true;
  if (err instanceof HttpStatusError) return RETRYABLE_STATUS.has(err.status);
  return isTransientError(err);
}

/** What the dependency's health is judged on: its faults, not 4xx answers to our own requests (the caller's cancellations the breaker leaves aside). */
function countsAgainstDependency(err: unknown): boolean {
  if (err instanceof HttpStatusError) return err.status >= 500 || err.status === 429;
  return true;
}

export class HttpClient {
  readonly breaker: CircuitBreaker;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: HttpClientOptions) {
    this.breaker = opts.breaker instanceof CircuitBreaker
      ? opts.breaker
      : new CircuitBreaker(opts.name, { isFailure: countsAgainstDependency, clock: opts.clock, ...opts.breaker });
    this.fetchFn = opts.fetch ?? fetch;
  }

  get(path: string, o: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('GET', path, o);
  }

  post(path: string, o: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('POST', path, o);
  }

  /** Resolves with a 2xx–4xx response; throws HttpStatusError for 5xx/429 after retries, CircuitOpenError when open. */
  async request(method: string, path: string, o: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(path, this.opts.baseUrl).toString();
    const idempotent = o.idempotent ?? IDEMPOTENT.has(method);
    const run = (attempt: number) => this.breaker.run(() => this.attempt(method, url, attempt, o), { signal: o.signal });
    return withRetry(run, {
      attempts: idempotent ? (this.opts.attempts ?? 3) : 1,
      baseMs: this.opts.retryBaseMs ?? 100,
      capMs: this.opts.retryCapMs ?? 2000,
      clock: this.opts.clock,
      random: this.opts.random,
      signal: o.signal,
      retryable: isRetryableHttpError,
    });
  }

  private async attempt(method: string, url: string, attempt: number, o: RequestOptions): Promise<HttpResponse> {
    const tracer = this.opts.tracer ?? trace.getTracer('service-kit');
    const span = tracer.startSpan(`${method} ${this.opts.name}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': method, 'url.full': url, 'http.request.resend_count': attempt },
    });
    const ctx = trace.setSpan(context.active(), span);
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    propagation.inject(ctx, headers);
    const correlationId = currentCorrelationId();
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    if (o.json !== undefined) headers['content-type'] = 'application/json';

    const timeoutMs = this.opts.timeoutMs ?? 2000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
    try {
      const res = await this.fetchFn(url, { method, headers, signal, body: o.json === undefined ? undefined : JSON.stringify(o.json) });
      const body = await res.text();
      span.setAttribute('http.response.status_code', res.status);
      if (res.status >= 500 || res.status === 429) throw new HttpStatusError(this.opts.name, res.status, body);
      return { status: res.status, headers: res.headers, body, json: <T>() => JSON.parse(body) as T };
    } catch (err) {
      const e = timeout.aborted && !o.signal?.aborted ? new HttpTimeoutError(this.opts.name, timeoutMs) : err;
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      span.end();
    }
  }
}
