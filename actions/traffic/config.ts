/**
 * Builds the traffic router a RouterConfig (./router-inputs.ts) describes. Loads every backend's
 * client: the actions import this module only once their inputs are valid.
 */
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { awsClient } from '../../common/aws.js';
import type { Clock } from '../../common/clock.js';
import { AlbRouter } from './alb.js';
import { AppMeshRouter } from './appmesh.js';
import type { AwsCall } from './call.js';
import { EcsRouter } from './ecs.js';
import type { TrafficRouter } from './port.js';
import type { RouterConfig } from './router-inputs.js';


export interface RouterDeps {
  call: AwsCall;
  clock: Clock;
  log: (message: string) => void;
  /** ECS: the longest one wait for the deployment may take (canary-ramp passes its timeout). */
  maxWaitMs?: number;
  /** ECS: epoch ms no wait may run past (canary-ramp passes the end of its timeout). */
  deadline?: number;
}

/** Builds the router; clients make one attempt per call, `call` owns the retries. */
export function makeRouter(cfg: RouterConfig, deps: RouterDeps): TrafficRouter {
  const opts = { region: cfg.region, maxAttempts: 1 };
  switch (cfg.kind) {
    case 'alb':
      return new AlbRouter(awsClient(ElasticLoadBalancingV2Client, opts), cfg, deps.call);
    case 'ecs':
      return new EcsRouter(awsClient(ECSClient, opts), cfg, deps);
    case 'appmesh':
      return new AppMeshRouter(awsClient(AppMeshClient, opts), cfg, deps.call);
  }
}
