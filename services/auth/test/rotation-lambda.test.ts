// The signing-key rotation Lambda's four steps against Secrets Manager on moto (moto cannot run a
// rotation Lambda itself, so each step is called as Secrets Manager would), and the rotation seen
// from auth: tokens signed before, during and after it all verify on every task until they expire.
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsClient } from '../../../common/aws.js';
import { useMoto } from '../../../test/support/use-moto.js';
import { AwsSecretFetcher, SecretStore, type SecretRef } from '../../kit/src/index.js';
import { startAuth, UNKNOWN_KID_REFRESH_MS } from '../src/app.js';
import { hashSecret } from '../src/credentials.js';
import { parseSigningKey, type SigningAlgorithm } from '../src/keys.js';
import { parseRotationEvent, RotationError, ROTATION_STEPS, SigningKeyRotation, type RotationStep } from '../rotation/handler.js';

// secretStages: GetSecretValue follows AWSCURRENT when finishSecret moves it, as on AWS.
const moto = useMoto('eu-central-1', { secretStages: true });
let sm: SecretsManagerClient;
let rotation: SigningKeyRotation;
beforeAll(() => {
  sm = awsClient(SecretsManagerClient, { maxAttempts: 2, retryBaseMs: 1 });
  rotation = new SigningKeyRotation(sm);
});

async function privateJwk(alg: SigningAlgorithm, kid: string): Promise<string> {
  const { privateKey } = alg === 'ES256' ? await generateKeyPair('ES256', { extractable: true }) : await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg });
}

const step = (secret: string, token: string, s: RotationStep) => rotation.run({ SecretId: secret, ClientRequestToken: token, Step: s });

async function rotate(secret: string, token = randomUUID()): Promise<string> {
  for (const s of ROTATION_STEPS) await step(secret, token, s);
  return token;
}

async function stages(secret: string): Promise<Record<string, string[]>> {
  const d = await sm.send(new DescribeSecretCommand({ SecretId: secret }));
  return Object.fromEntries(Object.entries(d.VersionIdsToStages ?? {}).map(([v, s]) => [v, [...s].sort()]));
}

const valueAt = async (secret: string, stage: string) => (await sm.send(new GetSecretValueCommand({ SecretId: secret, VersionStage: stage }))).SecretString!;

describe('rotation Lambda steps on Secrets Manager (moto)', () => {
  it.each(['ES256', 'EdDSA'] as const)('%s: a new key of the same algorithm becomes AWSCURRENT; the old one AWSPREVIOUS; every step repeats safely', async (alg) => {
    const secret = `auth/rot-${alg}`;
    const created = await sm.send(new CreateSecretCommand({ Name: secret, SecretString: await privateJwk(alg, 'k1') }));
    const token = randomUUID();

    await step(secret, token, 'createSecret');
    const pending = (await sm.send(new GetSecretValueCommand({ SecretId: secret, VersionId: token, VersionStage: 'AWSPENDING' }))).SecretString!;
    const key = await parseSigningKey(pending, 'pending');
    expect({ kid: key.kid, alg: key.alg }).toEqual({ kid: token, alg });
    // Secrets Manager retries a step that timed out: the pending key is not replaced.
    await step(secret, token, 'createSecret');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: secret, VersionId: token }))).SecretString).toBe(pending);
    expect(await stages(secret)).toEqual({ [created.VersionId!]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
    expect(JSON.parse(await valueAt(secret, 'AWSCURRENT')).kid).toBe('k1');

    await step(secret, token, 'setSecret');
    await step(secret, token, 'testSecret');
    await step(secret, token, 'finishSecret');
    expect(await stages(secret)).toEqual({ [created.VersionId!]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
    expect(await valueAt(secret, 'AWSCURRENT')).toBe(pending);
    expect(JSON.parse(await valueAt(secret, 'AWSPREVIOUS')).kid).toBe('k1');
    // A repeated finish, or a late retry of any step, changes nothing.
    for (const s of ROTATION_STEPS) await step(secret, token, s);
    expect(await stages(secret)).toEqual({ [created.VersionId!]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });

    // The next rotation: the key from two rotations ago is no longer staged.
    const next = await rotate(secret);
    expect(await stages(secret)).toEqual({ [created.VersionId!]: [], [token]: ['AWSPREVIOUS'], [next]: ['AWSCURRENT'] });
  });

  it('testSecret refuses a pending key auth could not use or would never switch to; AWSCURRENT stays', async () => {
    const secret = 'auth/rot-refused';
    await sm.send(new CreateSecretCommand({ Name: secret, SecretString: await privateJwk('ES256', 'same') }));
    const current = await valueAt(secret, 'AWSCURRENT');
    const cases: [string, RegExp][] = [
      [await privateJwk('ES256', 'same'), /kid "same" is the current key's/],
      ['{"kty":"EC","kid":"k3"}', /not a usable signing key/],
      ['not json', /the value is not JSON/],
    ];
    for (const [value, why] of cases) {
      const token = randomUUID();
      await sm.send(new PutSecretValueCommand({ SecretId: secret, ClientRequestToken: token, SecretString: value, VersionStages: ['AWSPENDING'] }));
      await expect(step(secret, token, 'testSecret')).rejects.toThrow(why);
      expect(await valueAt(secret, 'AWSCURRENT')).toBe(current);
    }
  });

  it('a step after createSecret needs the version as AWSPENDING; a malformed event is refused before any call', async () => {
    const secret = 'auth/rot-order';
    await sm.send(new CreateSecretCommand({ Name: secret, SecretString: await privateJwk('EdDSA', 'k1') }));
    const token = randomUUID();
    for (const s of ['setSecret', 'testSecret', 'finishSecret'] as const) {
      await expect(step(secret, token, s)).rejects.toThrow(new RotationError(`${s}: version ${token} of ${secret} is not AWSPENDING; run createSecret first.`));
    }
    expect(JSON.parse(await valueAt(secret, 'AWSCURRENT')).kid).toBe('k1');
    expect(() => parseRotationEvent({ SecretId: secret, ClientRequestToken: token, Step: 'rotate' })).toThrow('event.Step: "rotate" is not one of createSecret | setSecret | testSecret | finishSecret.');
    expect(() => parseRotationEvent({ SecretId: secret, ClientRequestToken: 'short', Step: 'createSecret' })).toThrow(/event.ClientRequestToken/);
    expect(() => parseRotationEvent({ ClientRequestToken: token, Step: 'createSecret' })).toThrow(/event.SecretId/);
    expect(parseRotationEvent({ SecretId: secret, ClientRequestToken: token, Step: 'createSecret', RotationToken: 'x' })).toEqual({ SecretId: secret, ClientRequestToken: token, Step: 'createSecret' });
  });
});

describe("a rotation against auth's overlap rule", () => {
  it('no valid token is refused by any task from before the rotation until refresh + TTL + tolerance after it', async () => {
    const secret = 'auth/rot-overlap';
    await sm.send(new CreateSecretCommand({ Name: secret, SecretString: await privateJwk('ES256', 'k1') }));
    const refreshMs = 60_000;
    const ttlMs = 10 * 60_000;
    const toleranceMs = 30_000;
    const env = {
      ...moto.current.env,
      AUTH_SIGNING_KEY: `secretsmanager:${secret}`,
      AUTH_CLIENTS: JSON.stringify({ clients: [{ id: 'svc', secretHash: await hashSecret('a-client-secret-1'), audiences: ['persona'], scopes: ['persona:read'] }] }),
      AUTH_TOKEN_TTL: '10m', AUTH_CLOCK_TOLERANCE: '30s', AUTH_SECRET_REFRESH: '1m', AUTH_TOKEN_RATE_LIMIT: '100000',
    };
    // Versions carry Secrets Manager's real creation time, so the simulated clock starts at the real one.
    const rotatedAt = Date.now();
    let now = rotatedAt - 60_000;
    const quiet = { logLevel: 'silent' as const, writeEmf: () => {}, drainDelayMs: 0, port: 0, host: '127.0.0.1', env, now: () => now };
    const tasks: { name: string; url: string; stop: () => Promise<void> }[] = [];
    const start = async (name: string) => {
      const { service, url } = await startAuth(quiet);
      tasks.push({ name, url, stop: () => service.stop() });
      return service;
    };
    const post = async (url: string, path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      // A refreshes soon after the rotation, B a whole refresh interval later (the worst case: it signs
      // with the old key until then), C starts after the rotation and loads AWSPREVIOUS.
      const a = await start('A');
      const b = await start('B');
      const tokens: { token: string; exp: number; kid: string; by: string; at: number }[] = [];
      let verifications = 0;
      const refusals: string[] = [];
      let rotated = false;
      const stepMs = 20_000;
      for (; now <= rotatedAt + refreshMs + ttlMs + toleranceMs + stepMs; now += stepMs) {
        const t = now - rotatedAt;
        if (!rotated && t >= 0) {
          await rotate(secret);
          rotated = true;
        }
        if (t === 20_000) await a.secrets.refreshAll();
        if (t === refreshMs) await b.secrets.refreshAll();
        if (t === 2 * refreshMs) await start('C');
        // Every task issues a token now (each signs with the key it has).
        for (const task of tasks) {
          const r = await post(task.url, '/oauth/token', { grant_type: 'client_credentials', client_id: 'svc', client_secret: 'a-client-secret-1', audience: 'persona' });
          expect(r.status).toBe(200);
          const token = r.body.access_token as string;
          tokens.push({ token, exp: decodeJwt(token).exp! * 1000, kid: decodeProtectedHeader(token).kid!, by: task.name, at: t });
        }
        // Every token not yet expired is verified by every task.
        for (const tok of tokens.filter((x) => x.exp > now)) {
          for (const task of tasks) {
            verifications++;
            const r = await post(task.url, '/verify', { token: tok.token, audience: 'persona' });
            if (r.status !== 200) refusals.push(`${task.name} refused ${tok.by}'s token from t=${tok.at / 1000}s (kid ${tok.kid}) at t=${t / 1000}s: ${String(r.body.error)}`);
          }
        }
      }
      const newKid = JSON.parse(await valueAt(secret, 'AWSCURRENT')).kid as string;
      // Both directions of the overlap were exercised: A signed with the new key while B, not yet
      // refreshed, still signed with k1 (and had to verify A's new-key token).
      expect(tokens.filter((x) => x.at === 20_000).map((x) => [x.by, x.kid === newKid ? 'new' : x.kid])).toEqual([['A', 'new'], ['B', 'k1']]);
      console.log(`rotation overlap: ${tokens.length} tokens, ${verifications} verifications over ${(refreshMs + ttlMs + toleranceMs) / 60_000} min after the rotation, ${refusals.length} refusals`);
      expect(refusals).toEqual([]);
      expect(verifications).toBeGreaterThan(1000);
      // After its grace the old key leaves the JWKS (A rotated at t=20s; grace = refresh + TTL + tolerance).
      now = rotatedAt + 20_000 + refreshMs + ttlMs + toleranceMs + 1;
      const kids = ((await (await fetch(`${tasks[0].url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      expect(kids).toEqual([newKid]);
    } finally {
      for (const task of tasks) await task.stop();
    }
  }, 240_000);
});

describe('an unknown kid at /verify', () => {
  it('re-reads the signing key at most once per UNKNOWN_KID_REFRESH_MS, so made-up kids cannot drive Secrets Manager calls', async () => {
    const secret = 'auth/rot-unknown-kid';
    await sm.send(new CreateSecretCommand({ Name: secret, SecretString: await privateJwk('EdDSA', 'k1') }));
    // Counts reads of the signing key (AWSCURRENT; a start also tries AWSPREVIOUS once).
    let reads = 0;
    const aws = new AwsSecretFetcher();
    const fetcher = {
      fetch: (ref: SecretRef) => aws.fetch(ref),
      fetchVersion: (ref: SecretRef) => {
        if (ref.kind === 'secretsmanager' && !ref.stage) reads++;
        return aws.fetchVersion(ref);
      },
    };
    let now = Date.now();
    const { service, url } = await startAuth({
      logLevel: 'silent', writeEmf: () => {}, drainDelayMs: 0, port: 0, host: '127.0.0.1', now: () => now,
      secrets: new SecretStore({ fetcher }),
      env: { ...moto.current.env, AUTH_SIGNING_KEY: `secretsmanager:${secret}`, AUTH_SECRET_REFRESH: '5m' },
    });
    try {
      const forged = await new (await import('jose')).SignJWT({ scope: '' })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'made-up', typ: 'JWT' })
        .setIssuer('https://auth.mesh.internal').setSubject('x').setAudience('persona')
        .setIssuedAt(Math.floor(now / 1000)).setExpirationTime(Math.floor(now / 1000) + 60).setJti('j')
        .sign((await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey);
      const verify = () => fetch(`${url}/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: forged, audience: 'persona' }) }).then((r) => r.status);
      const before = reads;
      expect(await Promise.all(Array.from({ length: 5 }, verify))).toEqual([401, 401, 401, 401, 401]);
      expect(await verify()).toBe(401);
      expect(reads - before).toBe(1);
      now += UNKNOWN_KID_REFRESH_MS;
      expect(await verify()).toBe(401);
      expect(reads - before).toBe(2);
    } finally {
      await service.stop();
    }
  });
});
