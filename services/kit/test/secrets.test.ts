import { describe, expect, it } from 'vitest';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsClient } from '../../../common/aws.js';
import { FakeClock } from '../../../common/clock.js';
import { InputError } from '../../../common/errors.js';
import { useMoto } from '../../../test/support/use-moto.js';
import { envSecret } from '../src/config.js';
import { SecretStore, SecretUnavailableError, parseSecretRef, type SecretFetcher, type SecretRef } from '../src/secrets.js';

describe('parseSecretRef', () => {
  it.each([
    ['secretsmanager:auth/signing-key', { kind: 'secretsmanager', id: 'auth/signing-key' }],
    ['secretsmanager:auth/signing-key#AWSPREVIOUS', { kind: 'secretsmanager', id: 'auth/signing-key', stage: 'AWSPREVIOUS' }],
    ['secretsmanager:arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf', { kind: 'secretsmanager', id: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf' }],
    ['ssm:/persona/db-url', { kind: 'ssm', name: '/persona/db-url' }],
  ])('%s', (text, ref) => expect(parseSecretRef(text)).toEqual(ref));

  it.each(['secretsmanager:', 'ssm:', 'vault:x', 'ssm:/a b'])('rejects %s naming the accepted form', (text) => {
    expect(() => parseSecretRef(text, 'DB_URL')).toThrow(InputError);
    expect(() => parseSecretRef(text, 'DB_URL')).toThrow(/^DB_URL: .* expected secretsmanager:<secret-id>\[#<version-stage>\] or ssm:<parameter-name>\.$/);
  });
});

/** A fetcher the test scripts: counts calls, fails on demand. */
class ScriptedFetcher implements SecretFetcher {
  calls = 0;
  value = 'v1';
  failing = false;
  async fetch(_ref: SecretRef): Promise<string> {
    this.calls++;
    if (this.failing) throw Object.assign(new Error('ThrottlingException'), { name: 'ThrottlingException' });
    return this.value;
  }
}

describe('SecretStore cache', () => {
  it('serves from cache within the TTL, shares concurrent reads, and fetches again after it', async () => {
    const clock = new FakeClock();
    const f = new ScriptedFetcher();
    const store = new SecretStore({ fetcher: f, ttlMs: 1000, clock });
    expect(await Promise.all([store.get('ssm:/a'), store.get('ssm:/a')])).toEqual(['v1', 'v1']);
    expect(f.calls).toBe(1);
    clock.advance(999);
    await store.get('ssm:/a');
    expect(f.calls).toBe(1);
    clock.advance(1);
    f.value = 'v2';
    expect(await store.get('ssm:/a')).toBe('v2');
    expect(f.calls).toBe(2);
  });

  it('keeps serving the last good value when a refresh fails, and tells listeners of a rotation', async () => {
    const f = new ScriptedFetcher();
    const warnings: unknown[] = [];
    const log = { warn: (o: unknown) => warnings.push(o), info: () => {} } as never;
    const store = new SecretStore({ fetcher: f, ttlMs: 0, log });
    const seen: string[] = [];
    store.onChange('secretsmanager:k', (v) => void seen.push(v));
    expect(await store.get('secretsmanager:k')).toBe('v1');
    f.failing = true;
    expect(await store.get('secretsmanager:k')).toBe('v1');
    expect(JSON.stringify(warnings)).not.toContain('v1');
    f.failing = false;
    f.value = 'v2';
    await store.refreshAll();
    expect(seen).toEqual(['v2']);
  });

  it('a secret never read successfully is an error naming it', async () => {
    const f = new ScriptedFetcher();
    f.failing = true;
    const err = await new SecretStore({ fetcher: f }).get('ssm:/missing').catch((e) => e);
    expect(err).toBeInstanceOf(SecretUnavailableError);
    expect(err.message).toBe('secret ssm:/missing could not be read: ThrottlingException');
  });
});

describe('SecretStore against moto (Secrets Manager, SSM)', () => {
  useMoto();

  it('reads AWSCURRENT and AWSPREVIOUS of a rotated secret, and a SecureString parameter', async () => {
    const sm = awsClient(SecretsManagerClient, {});
    await sm.send(new CreateSecretCommand({ Name: 'auth/key', SecretString: 'first' }));
    await sm.send(new PutSecretValueCommand({ SecretId: 'auth/key', SecretString: 'second' }));
    await awsClient(SSMClient, {}).send(new PutParameterCommand({ Name: '/svc/db-url', Value: 'postgres://x', Type: 'SecureString' }));
    const store = new SecretStore();
    expect(await store.get('secretsmanager:auth/key')).toBe('second');
    expect(await store.get('secretsmanager:auth/key#AWSPREVIOUS')).toBe('first');
    expect(await envSecret({ DB_URL: 'ssm:/svc/db-url' }, 'DB_URL', store)).toBe('postgres://x');
    expect(await envSecret({ PLAIN: 'value' }, 'PLAIN', store)).toBe('value');
    await expect(store.get('secretsmanager:does-not-exist')).rejects.toThrow(/secretsmanager:does-not-exist could not be read/);
  });
});
