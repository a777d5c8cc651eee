/**
 * One App Mesh route, answered in restJson1 (DescribeRoute, UpdateRoute, tags): behind nock for module
 * tests and behind a real loopback server for bundles (moto's App Mesh responses break the JS SDK).
 */
import { serveJson } from '../json-server.js';
import type { RouteSpec } from '@aws-sdk/client-app-mesh';

const PATH = '/v20190125/meshes/prod-mesh/virtualRouter/orders-router/routes/orders-route';
export const ROUTE_ARN = 'arn:aws:appmesh:eu-central-1:123456789012:mesh/prod-mesh/virtualRouter/orders-router/route/orders-route';

export interface FakeMesh {
  spec: RouteSpec;
  updates: RouteSpec[];
  tags: Map<string, string>;
  /** Request paths (with query) of route calls. */
  queries: string[];
  /** Answer the next n UpdateRoute calls with 429 TooManyRequestsException. */
  throttleUpdates: number;
  handle(method: string, path: string, body: Record<string, unknown> | undefined): [number, unknown, Record<string, string>];
}

export function createMeshFake(spec: RouteSpec): FakeMesh {
  const json = { 'content-type': 'application/json' };
  const state: FakeMesh = {
    spec: structuredClone(spec), updates: [], tags: new Map(), queries: [], throttleUpdates: 0,
    handle: (method, path, body) => {
      if (path.startsWith(PATH)) {
        state.queries.push(path);
        if (method === 'PUT') {
          if (state.throttleUpdates > 0) {
            state.throttleUpdates--;
            return [429, { message: 'Rate exceeded' }, { ...json, 'x-amzn-errortype': 'TooManyRequestsException' }];
          }
          state.spec = (body as { spec: RouteSpec }).spec;
          state.updates.push(state.spec);
        }
        return [200, route(), json];
      }
      if (method === 'GET' && path.startsWith('/v20190125/tags')) return [200, { tags: [...state.tags].map(([key, value]) => ({ key, value })) }, json];
      if (method === 'PUT' && path.startsWith('/v20190125/tag?')) {
        for (const t of (body as { tags: { key: string; value: string }[] }).tags) state.tags.set(t.key, t.value);
        return [200, {}, json];
      }
      if (method === 'PUT' && path.startsWith('/v20190125/untag?')) {
        for (const k of (body as { tagKeys: string[] }).tagKeys) state.tags.delete(k);
        return [200, {}, json];
      }
      return [404, { message: `fake App Mesh: ${method} ${path} not expected` }, { ...json, 'x-amzn-errortype': 'NotFoundException' }];
    },
  };
  const route = () => ({
    meshName: 'prod-mesh', virtualRouterName: 'orders-router', routeName: 'orders-route', spec: state.spec,
    metadata: { arn: ROUTE_ARN, version: state.updates.length + 1, uid: 'u-1', createdAt: 1767225600, lastUpdatedAt: 1767225600, meshOwner: '123456789012', resourceOwner: '123456789012' },
    status: { status: 'ACTIVE' },
  });
  return state;
}

/** The fake on a real loopback port, for bundles (AWS_ENDPOINT_URL_APP_MESH=<endpoint>). */
export function serveMeshFake(fake: FakeMesh): ReturnType<typeof serveJson> {
  return serveJson((req, body) => fake.handle(req.method ?? 'GET', req.url ?? '/', body as Record<string, unknown> | undefined));
}
