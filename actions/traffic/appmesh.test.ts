/**
 * App Mesh routes answered at the HTTP layer with nock (moto's App Mesh responses break the JS SDK):
 * real restJson1 serialization; HTTP, HTTP2, gRPC and TCP routes keep every other field on update.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { useNockedAws } from '../../test/support/nock-aws.js';
import type { RouteSpec } from '@aws-sdk/client-app-mesh';
import { FakeClock } from '../../common/clock.js';
import { retryingCall } from './call.js';
import { makeRouter } from './config.js';
import type { AppMeshRouter } from './appmesh.js';
import { RouterStateError, weightsFor } from './port.js';
import { MARK_TAG } from './tags.js';
import { rampSession, type SessionState } from '../canary-ramp/session.js';
import type { Judge } from '../canary-ramp/ramp.js';
import { rollBack } from '../rollback/rollback.js';
import { createMeshFake, type FakeMesh } from '../../test/support/traffic/appmesh-fake.js';

const HOST = 'https://appmesh.eu-central-1.amazonaws.com';

const SPECS: Record<string, RouteSpec> = {
  http: {
    priority: 10,
    httpRoute: {
      match: { prefix: '/orders', method: 'GET', headers: [{ name: 'x-canary', invert: true, match: { exact: 'no' } }] },
      action: { weightedTargets: [{ virtualNode: 'orders-v1', weight: 100, port: 8080 }] },
      retryPolicy: { maxRetries: 2, perRetryTimeout: { unit: 'ms', value: 500 }, httpRetryEvents: ['server-error'] },
      timeout: { perRequest: { unit: 's', value: 5 } },
    },
  },
  http2: {
    http2Route: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'orders-v1', weight: 1 }] } },
  },
  grpc: {
    grpcRoute: {
      match: { serviceName: 'orders.v1.Orders', methodName: 'Get' },
      action: { weightedTargets: [{ virtualNode: 'orders-v1', weight: 90 }, { virtualNode: 'orders-v2', weight: 10 }, { virtualNode: 'orders-legacy', weight: 0 }] },
      retryPolicy: { maxRetries: 1, perRetryTimeout: { unit: 'ms', value: 200 }, grpcRetryEvents: ['unavailable'] },
    },
  },
  tcp: {
    tcpRoute: { action: { weightedTargets: [{ virtualNode: 'orders-v1', weight: 100 }] }, timeout: { idle: { unit: 's', value: 60 } } },
  },
};

/** The fake's state machine behind nock: real SDK requests, answered in-process. */
function fakeMesh(spec: RouteSpec): FakeMesh {
  const fake = createMeshFake(spec);
  const reply = function (this: { req: { method?: string; path: string } }, _uri: string, body: unknown) {
    return fake.handle(this.req.method ?? 'GET', this.req.path, body as Record<string, unknown>);
  };
  nock(HOST).persist().get(() => true).reply(reply).put(() => true).reply(reply);
  return fake;
}

useNockedAws('APP_MESH');

function router(meshOwner?: string, clock = new FakeClock()): AppMeshRouter {
  return makeRouter(
    { kind: 'appmesh', region: 'eu-central-1', mesh: 'prod-mesh', virtualRouter: 'orders-router', route: 'orders-route', stableNode: 'orders-v1', canaryNode: 'orders-v2', ...(meshOwner ? { meshOwner } : {}) },
    { call: retryingCall({ clock }), clock, log: () => {} },
  ) as AppMeshRouter;
}

/** The spec without the weighted targets: everything that must survive an update untouched. */
function rest(spec: RouteSpec): unknown {
  const copy = structuredClone(spec) as Record<string, { action?: unknown }>;
  for (const k of Object.keys(copy)) if (copy[k] && typeof copy[k] === 'object') delete copy[k].action;
  return copy;
}

describe('App Mesh router (nock)', () => {
  it.each(Object.keys(SPECS))('%s route: shifts the weights, keeps every other field, restores the exact targets', async (kind) => {
    const mesh = fakeMesh(SPECS[kind]);
    const r = router();
    const baseline = await r.snapshot();
    await r.shift(25);
    const updated = mesh.updates[0];
    expect(rest(updated)).toEqual(rest(SPECS[kind]));
    const section = Object.values(updated).find((v) => v && typeof v === 'object' && 'action' in v) as { action: { weightedTargets: { virtualNode: string; weight: number; port?: number }[] } };
    const byNode = Object.fromEntries(section.action.weightedTargets.map((t) => [t.virtualNode, t]));
    expect(byNode['orders-v1'].weight).toBe(75);
    expect(byNode['orders-v2'].weight).toBe(25);
    if (kind === 'http') expect(byNode['orders-v2'].port).toBe(8080); // the canary inherits the stable listener port
    if (kind === 'grpc') expect(byNode['orders-legacy'].weight).toBe(0);
    expect(await r.read()).toEqual(weightsFor(25));
    await r.restore(baseline);
    expect(mesh.spec).toEqual(SPECS[kind]);
  });

  it('passes mesh-owner for a shared mesh and tags the route ARN with the ramp mark', async () => {
    const mesh = fakeMesh(SPECS.tcp);
    const r = router('210987654321');
    await r.shift(5);
    expect(mesh.queries.every((q) => q.includes('meshOwner=210987654321'))).toBe(true);
    const mark = { state: 'in-progress' as const, owner: '3/1', baseline: weightsFor(0), step: 5, deadline: 1767229200 };
    await r.writeMark(mark);
    expect(mesh.tags.get(MARK_TAG)).toBe('state=in-progress owner=3/1 stable=100 canary=0 step=5 deadline=1767229200');
    expect(await r.readMark()).toEqual(mark);
    await r.writeMark(null);
    expect(mesh.tags.has(MARK_TAG)).toBe(false);
  });

  it('refuses a route that sends traffic to a third node, without updating', async () => {
    const mesh = fakeMesh({ httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'orders-v1', weight: 50 }, { virtualNode: 'orders-legacy', weight: 50 }] } } });
    await expect(router().shift(10)).rejects.toThrow(RouterStateError);
    await expect(router().shift(10)).rejects.toThrow(/also sends traffic to virtual node orders-legacy/);
    expect(mesh.updates).toHaveLength(0);
  });

  it('ramps a route to promotion through throttled updates, and rollback to: baseline puts the recorded weights back', async () => {
    const mesh = fakeMesh(SPECS.grpc);
    mesh.throttleUpdates = 2;
    const pass: Judge = async () => ({ result: 'pass', reason: 'ok', window: { start: '', end: '' }, objectives: [] });
    const clock = new FakeClock();
    let state: SessionState | null = null;
    const out = await rampSession(
      {
        settings: { steps: [{ percent: 20, bakeMs: 120_000 }, { percent: 100, bakeMs: 0 }], intervalMs: 60_000, warmupMs: 0, maxFailedChecks: 2, onInconclusive: 'hold', maxInconclusive: 3, timeoutMs: 3_600_000 },
        bakeMs: 120_000, dryRun: false, takeover: false,
      },
      { router: router(undefined, clock), judge: pass, clock, signal: new AbortController().signal, owner: '8/1', saveState: (s) => (state = s), log: () => {}, warn: () => {} },
    );
    expect(out.result).toBe('promoted');
    expect(out.baseline).toEqual({ stable: 90, canary: 10 });
    expect(state!.phase).toBe('done');
    expect(mesh.updates.map((u) => u.grpcRoute!.action!.weightedTargets!.map((t) => t.weight))).toEqual([[0, 80, 20], [0, 0, 100]]);

    const back = await rollBack(router(), 'baseline');
    expect(back).toMatchObject({ changed: true, before: { stable: 0, canary: 100 }, after: { stable: 90, canary: 10 } });
    expect((await rollBack(router(), 'baseline')).changed).toBe(false);
  });
});
