/**
 * The one way this project makes AWS clients: region resolution, full-jitter retries, our user agent.
 * Endpoints are never set here, so AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> keep working.
 */
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import pkg from '../../package.json' with { type: 'json' };
import { InputError } from './errors.js';
import { fullJitterDelay } from './retry.js';

export const USER_AGENT = `mesh-actions/${pkg.version}`;

export interface AwsClientOptions {
  region?: string;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  /** Base of the exponential backoff in ms. */
  retryBaseMs?: number;
  random?: () => number;
}

export function resolveRegion(input?: string): string {
  const region = input?.trim() || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) throw new InputError('Input "region" is required when neither AWS_REGION nor AWS_DEFAULT_REGION is set (e.g. eu-central-1).');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new InputError(`Input "region": "${region}" is not an AWS region name (e.g. eu-central-1).`);
  return region;
}

interface BaseConfig {
  region?: string;
  maxAttempts?: number;
  retryStrategy?: ConfiguredRetryStrategy;
  customUserAgent?: string;
}

export function awsClient<C, Cfg extends BaseConfig>(Client: new (config: Cfg) => C, opts: AwsClientOptions = {}, extra: Partial<Cfg> = {}): C {
  const attempts = opts.maxAttempts ?? 5;
  const base = opts.retryBaseMs ?? 200;
  const random = opts.random ?? Math.random;
  return new Client({
    region: resolveRegion(opts.region),
    retryStrategy: new ConfiguredRetryStrategy(attempts, (attempt: number) => fullJitterDelay(attempt, base, 20_000, random)),
    customUserAgent: USER_AGENT,
    ...extra,
  } as Cfg);
}
