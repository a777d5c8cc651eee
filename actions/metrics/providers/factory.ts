/**
 * The one place that turns a gate configuration into a metrics provider. Each backend is imported
 * when it is selected, so a run loads one backend's code and SDK (the bundles carry each backend as
 * its own chunk).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Clock } from '../../../common/clock.js';
import type { GateConfig, GateOverrides } from '../types.js';
import type { MetricsProvider } from './port.js';
import type { CloudWatchSource } from './sources.js';

export interface ProviderDeps {
  clock?: Clock;
  /** Injected CloudWatch client (tests that stub at the SDK level). */
  cloudwatch?: CloudWatchClient;
  fetch?: typeof fetch;
}

/** canary-ramp's ALB dimensions, from its router's ARNs, fill an `alb` preset. */
function withOverrides(source: CloudWatchSource, overrides: GateOverrides): CloudWatchSource {
  return source.preset === 'alb' && overrides.alb ? { ...source, ...overrides.alb } : source;
}

/** Opens the provider the configuration selects. No request is made until it is queried. */
export async function openProvider(config: GateConfig, overrides: GateOverrides = {}, deps: ProviderDeps = {}): Promise<MetricsProvider> {
  switch (config.provider) {
    case 'cloudwatch': {
      const { CloudWatchProvider } = await import('./cloudwatch.js');
      return new CloudWatchProvider(withOverrides(config.source, overrides), { client: deps.cloudwatch, region: config.region });
    }
    case 'prometheus': {
      const { PrometheusProvider } = await import('./prometheus.js');
      return new PrometheusProvider(config.source, { fetch: deps.fetch, clock: deps.clock, region: config.region });
    }
    case 'k6-summary': {
      const { K6Provider } = await import('./k6.js');
      return new K6Provider(config.source);
    }
  }
}
