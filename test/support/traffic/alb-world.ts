/**
 * What the ALB bundle tests share: a moto server (ELBv2, EC2) with the ALB fixture, a fake CloudWatch
 * whose clock runs 5 minutes ahead (so the current minute already has data and seconds-long steps
 * see real numbers), both target groups healthy, and optionally a fault proxy in front of moto.
 */
import { afterAll, beforeAll } from 'vitest';
import { startMoto, type Moto } from '../moto.js';
import { startFakeCloudWatch, type FakeCloudWatch } from '../fake-cloudwatch.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { createAlbFixture, type AlbFixture } from './alb-fixture.js';
import { targetGroupDimension } from '../../../actions/lib/arn.js';

export interface AlbWorld {
  moto: Moto;
  cw: FakeCloudWatch;
  fx: AlbFixture;
  proxy?: FaultProxy;
  /** Env for a bundle: AWS through the proxy when there is one, CloudWatch at the fake. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

async function startAlbWorld(opts: { faults?: boolean } = {}): Promise<AlbWorld> {
  const saved = { ...process.env };
  const moto = await startMoto();
  const proxy = opts.faults ? await startFaultProxy(moto.endpoint) : undefined;
  const cw = await startFakeCloudWatch({ now: () => Date.now() + 5 * 60_000 });
  Object.assign(process.env, moto.env);
  const fx = await createAlbFixture();
  cw.setScenario(targetGroupDimension(fx.stable, 'stable-target-group-arn'), 'healthy');
  cw.setScenario(targetGroupDimension(fx.canary, 'canary-target-group-arn'), 'healthy');
  return {
    moto, cw, fx, proxy,
    env: () => ({ ...moto.env, ...(proxy ? { AWS_ENDPOINT_URL: proxy.endpoint } : {}), AWS_ENDPOINT_URL_CLOUDWATCH: cw.endpoint }),
    stop: async () => {
      process.env = saved;
      await cw.stop();
      await proxy?.stop();
      await moto.stop();
    },
  };
}

/** Annotation text as the user sees it (the runner's `%25` escape undone). */
export const shown = (lines: string[]) => lines.join('\n').replace(/%25/g, '%');

/**
 * One world for a test file: started before its tests, stopped after them. The returned object is
 * filled in by `beforeAll`, so read its fields inside tests and hooks only.
 */
export function useAlbWorld(opts: { faults?: boolean } = {}): Required<AlbWorld> {
  const world = {} as Required<AlbWorld>;
  beforeAll(async () => { Object.assign(world, await startAlbWorld(opts)); });
  afterAll(() => world.stop?.());
  return world;
}

/** The ALB router inputs (canary-ramp's and rollback's) on the world's fixture, with per-test additions. */
export const albRouterInputs = (fx: AlbFixture, listenerArn: string, over: Record<string, string> = {}) => ({
  router: 'alb', 'listener-arn': listenerArn, 'stable-target-group-arn': fx.stable, 'canary-target-group-arn': fx.canary, ...over,
});
