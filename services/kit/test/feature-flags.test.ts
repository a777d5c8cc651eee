// Feature flags against AppConfig Data's wire format (nock at the HTTP layer, the SDK's own
// serialization; moto has no AppConfig Data): sessions, tokens, poll intervals, last-known-good.
import { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { awsClient } from '../../../common/aws.js';
import { FakeClock } from '../../../common/clock.js';
import { useNockedAws } from '../../../test/support/nock-aws.js';
import { FeatureFlags, flagSourceFromEnv, parseFlags } from '../src/feature-flags.js';

useNockedAws('APPCONFIGDATA');
const ENDPOINT = 'https://appconfigdata.eu-central-1.amazonaws.com';
const source = { application: 'vc-start', environment: 'prod', profile: 'flags', minPollSeconds: 30 };

function client() {
  return awsClient(AppConfigDataClient, { region: 'eu-central-1', maxAttempts: 1 });
}

/** One GetLatestConfiguration answer as AppConfig sends it: headers for the token and interval, the body raw. */
function latest(token: string, next: string, body: string, opts: { interval?: number; version?: string } = {}) {
  return nock(ENDPOINT)
    .get('/configuration')
    .query({ configuration_token: token })
    .reply(200, body, {
      'content-type': 'application/json',
      'next-poll-configuration-token': next,
      'next-poll-interval-in-seconds': String(opts.interval ?? 30),
      ...(opts.version ? { 'version-label': opts.version } : {}),
    });
}

function session(token = 't0') {
  let request: Record<string, unknown> = {};
  const scope = nock(ENDPOINT)
    .post('/configurationsessions', (body: Record<string, unknown>) => ((request = body), true))
    .reply(201, { InitialConfigurationToken: token });
  return { scope, request: () => request };
}

describe('FeatureFlags (AppConfig Data over HTTP)', () => {
  it('serves defaults until the first configuration, then the configuration; an empty answer changes nothing', async () => {
    const s = session();
    const flags = new FeatureFlags({ ...source, defaults: { saga: false, other: true }, client: client() });
    expect([flags.isEnabled('saga'), flags.isEnabled('other'), flags.isEnabled('unknown'), flags.loaded]).toEqual([false, true, false, false]);

    latest('t0', 't1', JSON.stringify({ saga: { enabled: true, rollout: 'all' } }), { interval: 45, version: '3' });
    await flags.poll();
    expect(s.request()).toEqual({ ApplicationIdentifier: 'vc-start', EnvironmentIdentifier: 'prod', ConfigurationProfileIdentifier: 'flags', RequiredMinimumPollIntervalInSeconds: 30 });
    expect([flags.isEnabled('saga'), flags.isEnabled('other'), flags.loaded, flags.pollIntervalMs]).toEqual([true, true, true, 45_000]);

    // "No change since your token": an empty body; the next token is still the one to use.
    latest('t1', 't2', '', { interval: 60 });
    await flags.poll();
    expect([flags.isEnabled('saga'), flags.pollIntervalMs]).toEqual([true, 60_000]);
    latest('t2', 't3', JSON.stringify({ saga: { enabled: false } }));
    await flags.poll();
    expect(flags.isEnabled('saga')).toBe(false);
    expect(nock.isDone()).toBe(true);
  });

  it('keeps the last good flags when a poll fails or a configuration does not parse', async () => {
    session();
    const flags = new FeatureFlags({ ...source, defaults: { saga: false }, client: client() });
    latest('t0', 't1', JSON.stringify({ saga: { enabled: true } }));
    await flags.poll();

    nock(ENDPOINT).get('/configuration').query({ configuration_token: 't1' }).reply(500, { message: 'internal' }, { 'x-amzn-errortype': 'InternalServerException' });
    await expect(flags.poll()).rejects.toThrow();
    expect(flags.isEnabled('saga')).toBe(true);

    // The failed call used no token: the same one is tried again. A bad document is not applied.
    latest('t1', 't2', '{"saga": {"enabled": "yes"}}');
    await expect(flags.poll()).rejects.toThrow('AppConfig flag "saga" has no boolean "enabled"; expected {"saga": {"enabled": true | false}}.');
    expect(flags.isEnabled('saga')).toBe(true);
    latest('t2', 't3', '');
    await flags.poll();
    expect(flags.isEnabled('saga')).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('an expired or refused token starts a new session on the next poll', async () => {
    session('t0');
    const flags = new FeatureFlags({ ...source, defaults: {}, client: client() });
    latest('t0', 't1', JSON.stringify({ saga: { enabled: true } }));
    await flags.poll();
    nock(ENDPOINT).get('/configuration').query({ configuration_token: 't1' })
      .reply(400, { Message: 'Token expired', Reason: 'InvalidParameters' }, { 'x-amzn-errortype': 'BadRequestException' });
    await expect(flags.poll()).rejects.toMatchObject({ name: 'BadRequestException' });
    session('s1');
    latest('s1', 's2', JSON.stringify({ saga: { enabled: false } }));
    await flags.poll();
    expect(flags.isEnabled('saga')).toBe(false);
    expect(nock.isDone()).toBe(true);
  });

  it('run() polls at the interval AppConfig asks for and reports failures while serving the defaults', async () => {
    session();
    const clock = new FakeClock();
    const errors: string[] = [];
    const ac = new AbortController();
    const polledAt: number[] = [];
    const flags = new FeatureFlags({ ...source, defaults: { saga: true }, client: client(), clock, onError: (e) => errors.push((e as Error).message) });
    latest('t0', 't1', '', { interval: 20 }).on('request', () => polledAt.push(clock.now()));
    nock(ENDPOINT).get('/configuration').query({ configuration_token: 't1' }).reply(503, 'unavailable').on('request', () => polledAt.push(clock.now()));
    latest('t1', 't2', JSON.stringify({ saga: { enabled: false } }), { interval: 90 }).on('request', () => {
      polledAt.push(clock.now());
    });
    nock(ENDPOINT).get('/configuration').query({ configuration_token: 't2' }).reply(200, '', { 'next-poll-configuration-token': 't3', 'next-poll-interval-in-seconds': '90' }).on('request', () => {
      polledAt.push(clock.now());
      ac.abort();
    });
    const start = clock.now();
    await flags.run(ac.signal);
    expect(polledAt.map((t) => (t - start) / 1000)).toEqual([0, 20, 40, 130]);
    expect(errors).toEqual([expect.stringMatching(/^feature flags: poll failed, serving the defaults: /)]);
    expect(flags.isEnabled('saga')).toBe(false);
  });
});

describe('flag configuration', () => {
  it('reads all three AppConfig names or none, and a poll interval within AppConfig’s range', () => {
    expect(flagSourceFromEnv({})).toBeUndefined();
    expect(flagSourceFromEnv({ APPCONFIG_APPLICATION: 'vc-start', APPCONFIG_ENVIRONMENT: 'prod', APPCONFIG_PROFILE: 'flags' }))
      .toEqual({ application: 'vc-start', environment: 'prod', profile: 'flags', minPollSeconds: 60 });
    expect(() => flagSourceFromEnv({ APPCONFIG_APPLICATION: 'vc-start' })).toThrow('APPCONFIG_ENVIRONMENT, APPCONFIG_PROFILE: required with APPCONFIG_APPLICATION');
    expect(() => flagSourceFromEnv({ APPCONFIG_APPLICATION: 'a', APPCONFIG_ENVIRONMENT: 'b', APPCONFIG_PROFILE: 'c', APPCONFIG_MIN_POLL_INTERVAL: '5s' })).toThrow(/APPCONFIG_MIN_POLL_INTERVAL: "5s" is too short/);
    expect(() => flagSourceFromEnv({ APPCONFIG_APPLICATION: 'a', APPCONFIG_ENVIRONMENT: 'b', APPCONFIG_PROFILE: 'c', APPCONFIG_MIN_POLL_INTERVAL: '2d' })).toThrow(/at most 24h/);
    expect(() => parseFlags(Buffer.from('[1]'))).toThrow(/not an object of flags/);
    expect(() => parseFlags(Buffer.from('nope'))).toThrow(/not JSON/);
  });
});
