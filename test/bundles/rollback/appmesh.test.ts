/**
 * canary-ramp and rollback with router appmesh through their bundles: the route answered by a local
 * restJson1 server, CloudWatch by the local fake (the judge reads the canary's target group).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '@aws-sdk/client-app-mesh';
import { startFakeCloudWatch, type FakeCloudWatch } from '../../support/fake-cloudwatch.js';
import { runBundle } from '../../support/harness.js';
import { createMeshFake, serveMeshFake, type FakeMesh } from '../../support/traffic/appmesh-fake.js';

const LB = 'app/mesh-ingress/0123456789abcdef';
const CANARY = 'targetgroup/orders-v2/0123456789abcdef';
const STABLE = 'targetgroup/orders-v1/fedcba9876543210';
const SPEC: RouteSpec = {
  priority: 5,
  httpRoute: {
    match: { prefix: '/orders' },
    action: { weightedTargets: [{ virtualNode: 'orders-v1', weight: 100, port: 8080 }] },
    retryPolicy: { maxRetries: 2, perRetryTimeout: { unit: 'ms', value: 300 }, httpRetryEvents: ['gateway-error'] },
  },
};

let cw: FakeCloudWatch;
let mesh: FakeMesh;
let server: { endpoint: string; stop(): Promise<void> };

beforeAll(async () => {
  cw = await startFakeCloudWatch({ now: () => Date.now() + 5 * 60_000, scenarios: { [STABLE]: 'healthy', [CANARY]: 'healthy' } });
  mesh = createMeshFake(SPEC);
  server = await serveMeshFake(mesh);
});
afterAll(async () => {
  await server?.stop();
  await cw?.stop();
});

const env = () => ({ AWS_ENDPOINT_URL_APP_MESH: server.endpoint, AWS_ENDPOINT_URL_CLOUDWATCH: cw.endpoint });
const route = { router: 'appmesh', mesh: 'prod-mesh', 'virtual-router': 'orders-router', route: 'orders-route', 'stable-node': 'orders-v1', 'canary-node': 'orders-v2' };
const weights = () => Object.fromEntries(mesh.spec.httpRoute!.action!.weightedTargets!.map((t) => [t.virtualNode, t.weight]));

describe('App Mesh through the bundles', () => {
  it('ramps a route to promotion keeping its other fields, then rollback to: baseline and to: stable', async () => {
    const ramp = await runBundle('canary-ramp', {
      inputs: { ...route, steps: '10,100', 'bake-time': '2s', 'analysis-interval': '1s', slo: 'p95 < 200ms', 'load-balancer': LB, 'canary-target-group': CANARY, 'baseline-target-group': STABLE },
      env: env(),
    });
    expect(ramp.code, ramp.stdout + ramp.stderr).toBe(0);
    expect(ramp.outputs.result).toBe('promoted');
    expect(weights()).toEqual({ 'orders-v1': 0, 'orders-v2': 100 });
    expect(mesh.spec.priority).toBe(5);
    expect(mesh.spec.httpRoute!.retryPolicy).toEqual(SPEC.httpRoute!.retryPolicy);
    expect(mesh.spec.httpRoute!.action!.weightedTargets!.find((t) => t.virtualNode === 'orders-v2')!.port).toBe(8080);

    const back = await runBundle('rollback', { inputs: { ...route, to: 'baseline' }, env: env() });
    expect(back.code, back.stdout).toBe(0);
    expect(JSON.parse(back.outputs.before)).toEqual({ stable: 0, canary: 100 });
    expect(JSON.parse(back.outputs.after)).toEqual({ stable: 100, canary: 0 });
    expect(weights()).toEqual({ 'orders-v1': 100, 'orders-v2': 0 });

    const again = await runBundle('rollback', { inputs: route, env: env() });
    expect(again.outputs.changed).toBe('false');
  });
});
