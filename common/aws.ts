/**
 * The one way this project makes AWS clients: region resolution, full-jitter retries, our user agent,
 * and connection and request timeouts on every call (the SDK's own default is to wait forever).
 * Endpoints are never set here, so AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> keep working.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import pkg from '../package.json' with { type: 'json' };
import { resolveRegion } from './region.js';
import { fullJitterDelay } from './retry.js';

export const USER_AGENT = `mesh-actions/${pkg.version}`;

/** TCP (and TLS) connect: AWS endpoints answer in well under a second; a black-holed route must not hang. */
export const CONNECTION_TIMEOUT_MS = 5_000;
/**
 * One attempt, from sending the request to the response headers, and the longest silence while
 * the body arrives. The control-plane calls and GetMetricData answer in seconds; a hung attempt
 * fails and is retried (or ends in the caller's deadline, through its abort signal).
 */
export const REQUEST_TIMEOUT_MS = 20_000;

export interface AwsClientOptions {
  region?: string;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  /** Base of the exponential backoff in ms. */
  retryBaseMs?: number;
  random?: () => number;
  /** Per attempt; CONNECTION_TIMEOUT_MS and REQUEST_TIMEOUT_MS by default. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

interface BaseConfig {
  region?: string;
  maxAttempts?: number;
  retryStrategy?: ConfiguredRetryStrategy;
  customUserAgent?: string;
  requestHandler?: NodeHttpHandler;
}

/** The HTTP handler every client gets: a hung connect, request or response body is an error, not a wait. */
export function timedRequestHandler(opts: Pick<AwsClientOptions, 'connectionTimeoutMs' | 'requestTimeoutMs'> = {}): NodeHttpHandler {
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  return new NodeHttpHandler({
    connectionTimeout: opts.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
    requestTimeout,
    // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
    throwOnRequestTimeout: true,
    // Idle socket while the body streams in (requestTimeout stops at the response headers).
    socketTimeout: requestTimeout,
  });
}

export function awsClient<C, Cfg extends BaseConfig>(Client: new (config: Cfg) => C, opts: AwsClientOptions = {}, extra: Partial<Cfg> = {}): C {
  const attempts = opts.maxAttempts ?? 5;
  const base = opts.retryBaseMs ?? 200;
  const random = opts.random ?? Math.random;
  return new Client({
    region: resolveRegion(opts.region),
    retryStrategy: new ConfiguredRetryStrategy(attempts, (attempt: number) => fullJitterDelay(attempt, base, 20_000, random)),
    customUserAgent: USER_AGENT,
    requestHandler: timedRequestHandler(opts),
    ...extra,
  } as Cfg);
}
