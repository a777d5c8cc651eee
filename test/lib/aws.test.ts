import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import nock from 'nock';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { awsClient, resolveRegion, USER_AGENT } from '../../actions/lib/aws.js';
import pkg from '../../package.json' with { type: 'json' };

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
