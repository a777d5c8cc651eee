/**
 * For tests that answer AWS with nock at the HTTP layer: the SDK's real endpoints (no endpoint
 * override of any kind), fake credentials, no real network, interceptors cleared after each test.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';

export function useNockedAws(...services: string[]): void {
  const saved = { ...process.env };
  beforeAll(() => {
    delete process.env.AWS_ENDPOINT_URL;
    for (const service of services) delete process.env[`AWS_ENDPOINT_URL_${service}`];
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-central-1', AWS_EC2_METADATA_DISABLED: 'true' });
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    process.env = saved;
  });
}
