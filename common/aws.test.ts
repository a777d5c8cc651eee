import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import nock from 'nock';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsClient, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS, USER_AGENT } from './aws.js';
import { resolveRegion } from './region.js';
import pkg from '../package.json' with { type: 'json' };

const saved = { ...process.env };
beforeEach(() => {
  nock.disableNetConnect();
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  process.env = { ...saved };
});

describe('AWS client factory', () => {
  it('resolves the region from the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    expect(() => resolveRegion('')).toThrow(/Input "region" is required when neither AWS_REGION nor AWS_DEFAULT_REGION is set/);
    process.env.AWS_DEFAULT_REGION = 'eu-west-1';
    expect(resolveRegion('')).toBe('eu-west-1');
    process.env.AWS_REGION = 'eu-central-1';
    expect(resolveRegion(undefined)).toBe('eu-central-1');
    expect(resolveRegion('us-east-1')).toBe('us-east-1');
    expect(() => resolveRegion('frankfurt')).toThrow(/Input "region": "frankfurt" is not an AWS region name/);
  });

  it('sends our user agent and retries throttling, then succeeds', async () => {
    const seen: string[] = [];
    const scope = nock('https://monitoring.eu-central-1.amazonaws.com')
      .post('/')
      .reply(400, { __type: 'Throttling', message: 'Rate exceeded' }, { 'x-amzn-query-error': 'Throttling;Sender' })
      .post('/')
      .reply(function () {
        seen.push(String(this.req.headers['user-agent']), String(this.req.headers['x-amz-target']));
        return [200, { Metrics: [] }, { 'content-type': 'application/x-amz-json-1.0' }];
      });
    const cw = awsClient(CloudWatchClient, { region: 'eu-central-1', retryBaseMs: 1 });
    await cw.send(new ListMetricsCommand({}));
    expect(scope.isDone()).toBe(true);
    expect(seen[0]).toContain(USER_AGENT);
    expect(USER_AGENT).toBe(`mesh-actions/${pkg.version}`);
    expect(seen[1]).toBe('GraniteServiceVersion20100801.ListMetrics');
  });

  it('leaves endpoint resolution to the SDK: AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
    process.env.AWS_ENDPOINT_URL_ECS = 'http://ecs.local.test:4566';
    const scope = nock('http://ecs.local.test:4566').post('/').reply(200, { clusterArns: ['arn:aws:ecs:eu-central-1:1:cluster/a'] });
    const ecs = awsClient(ECSClient, { region: 'eu-central-1' });
    const out = await ecs.send(new ListClustersCommand({}));
    expect(out.clusterArns).toEqual(['arn:aws:ecs:eu-central-1:1:cluster/a']);
    expect(scope.isDone()).toBe(true);
  });

  it('gives up after maxAttempts on a persistent 5xx', async () => {
    const scope = nock('https://ecs.eu-central-1.amazonaws.com').post('/').times(3).reply(500, { __type: 'ServerException', message: 'boom' });
    const ecs = awsClient(ECSClient, { region: 'eu-central-1', maxAttempts: 3, retryBaseMs: 1 });
    await expect(ecs.send(new ListClustersCommand({}))).rejects.toThrow();
    expect(scope.isDone()).toBe(true);
  });
});

describe('AWS client timeouts', () => {
  let server: Server;
  let received: IncomingMessage[];
  /** Accepts every request and never answers: a hung AWS endpoint. */
  beforeEach(async () => {
    received = [];
    server = createServer((req) => void received.push(req));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    nock.enableNetConnect('127.0.0.1');
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  it('every client gets connection and request timeouts, which fail a hung attempt instead of waiting forever', async () => {
    const cw = awsClient(CloudWatchClient, { region: 'eu-central-1', maxAttempts: 2, retryBaseMs: 1, requestTimeoutMs: 300 });
    expect(cw.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
    const started = Date.now();
    await expect(cw.send(new ListMetricsCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
    // Both attempts were made (a timeout is transient) and each gave up at its timeout.
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);

    // The defaults: the SDK's own are 0, i.e. none.
    const byDefault = awsClient(CloudWatchClient, { region: 'eu-central-1' });
    const handler = byDefault.config.requestHandler as NodeHttpHandler;
    await byDefault.send(new ListMetricsCommand({}), { abortSignal: AbortSignal.timeout(50) }).catch(() => undefined);
    expect(handler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, socketTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true,
    });
  });

  it("a caller's abort signal ends a hung call at once, without further attempts", async () => {
    const cw = awsClient(CloudWatchClient, { region: 'eu-central-1', retryBaseMs: 1 });
    const started = Date.now();
    await expect(cw.send(new ListMetricsCommand({}), { abortSignal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS);
    expect(received).toHaveLength(1);
  });
});
