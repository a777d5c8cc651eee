/**
 * vc-start's Strangler Fig switch read from AppConfig (nock at the HTTP layer: moto has no AppConfig
 * Data): with APPCONFIG_* set, the service polls its flags and the saga switch follows them, without
 * a restart; a bad setting stops the start with the variable named.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVcStart } from '../src/app.js';
import { SAGA_FLAG, type VerificationProvider } from '../src/saga.js';

const APPCONFIG = 'https://appconfigdata.eu-central-1.amazonaws.com';
const saved = { ...process.env };
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_APPCONFIGDATA;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-central-1', AWS_EC2_METADATA_DISABLED: 'true' });
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  process.env = saved;
});

const provider: VerificationProvider = {
  openCase: async () => ({ caseId: 'c' }),
  sendChallenge: async () => undefined,
  closeCase: async () => undefined,
};
const env = {
  APPCONFIG_APPLICATION: 'vc-start', APPCONFIG_ENVIRONMENT: 'prod', APPCONFIG_PROFILE: 'flags', APPCONFIG_MIN_POLL_INTERVAL: '15s',
  PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DRAIN_DELAY: '0s', LOG_LEVEL: 'silent', ACCESS_LOG: 'off',
};

function answer(token: string, next: string, enabled: boolean | null, interval: number) {
  return nock(APPCONFIG).get('/configuration').query({ configuration_token: token })
    .reply(200, enabled === null ? '' : JSON.stringify({ [SAGA_FLAG]: { enabled } }), { 'next-poll-configuration-token': next, 'next-poll-interval-in-seconds': String(interval) });
}

describe('vc-start feature flags from AppConfig', () => {
  it('the saga switch is off until AppConfig says otherwise, then follows the configuration', async () => {
    let session: Record<string, unknown> = {};
    nock(APPCONFIG).post('/configurationsessions', (b: Record<string, unknown>) => ((session = b), true)).reply(201, { InitialConfigurationToken: 't0' });
    answer('t0', 't1', true, 1);
    const vc = await createVcStart({ env, provider, writeEmf: () => undefined });
    expect(vc.flags?.isEnabled(SAGA_FLAG)).toBe(false);
    await vc.start();
    try {
      for (let i = 0; i < 50 && !vc.flags?.isEnabled(SAGA_FLAG); i++) await new Promise((r) => setTimeout(r, 50));
      expect(vc.flags?.isEnabled(SAGA_FLAG)).toBe(true);
      expect(session).toMatchObject({ ApplicationIdentifier: 'vc-start', EnvironmentIdentifier: 'prod', ConfigurationProfileIdentifier: 'flags', RequiredMinimumPollIntervalInSeconds: 15 });
      // The next poll (after the 1 s AppConfig asked for) turns it off again: no restart.
      answer('t1', 't2', false, 60);
      for (let i = 0; i < 60 && vc.flags?.isEnabled(SAGA_FLAG); i++) await new Promise((r) => setTimeout(r, 50));
      expect(vc.flags?.isEnabled(SAGA_FLAG)).toBe(false);
    } finally {
      await vc.service.stop('test');
    }
  }, 120_000);

  it('refuses half an AppConfig setting and a provider URL that is not one, naming the variable', async () => {
    await expect(createVcStart({ env: { ...env, APPCONFIG_PROFILE: '' } })).rejects.toThrow('APPCONFIG_PROFILE: required with APPCONFIG_APPLICATION, APPCONFIG_ENVIRONMENT');
    await expect(createVcStart({ env: { ...env, VERIFICATION_PROVIDER_URL: 'provider.internal' } })).rejects.toThrow('VERIFICATION_PROVIDER_URL: "provider.internal" is not an http(s) URL');
  });
});
