// Signing-key rotation through Secrets Manager (moto): the new key signs at once, the old one keeps
// verifying its tokens until they expire, and a task started after the rotation still knows it.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { awsClient } from '../../../common/aws.js';
import { freePort } from '../../../test/support/moto.js';
import { useMoto } from '../../../test/support/use-moto.js';
import { repoRoot } from '../../../test/support/harness.js';
import { startAuth } from '../src/app.js';
import { hashSecret } from '../src/credentials.js';

async function privateJwk(kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' });
}

/** A token as auth issues it, signed with `jwk` at `atMs` (as another auth task would). */
async function signAs(jwk: string, atMs: number, ttlSeconds = 600): Promise<string> {
  const key = JSON.parse(jwk) as JWK;
  const at = Math.floor(atMs / 1000);
  return new SignJWT({ scope: '' })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid!, typ: 'JWT' })
    .setIssuer('https://auth.mesh.internal').setSubject('svc').setAudience('persona')
    .setIssuedAt(at).setNotBefore(at).setExpirationTime(at + ttlSeconds).setJti(`j-${at}`)
    .sign(await importJWK(key, 'ES256'));
}

const moto = useMoto();
let now = Date.UTC(2026, 5, 1);
const quiet = { logLevel: 'silent' as const, writeEmf: () => {}, drainDelayMs: 0, port: 0, host: '127.0.0.1' };


const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(json);

describe('auth key rotation', () => {
  it('signs with the new key at once; the old key verifies until its tokens expire, then leaves the JWKS', async () => {
    const sm = awsClient(SecretsManagerClient, {});
    const k1 = await privateJwk('k1');
    await sm.send(new CreateSecretCommand({ Name: 'auth/signing-key', SecretString: k1 }));
    await sm.send(new CreateSecretCommand({
      Name: 'auth/clients',
      SecretString: JSON.stringify({ clients: [{ id: 'svc', secretHash: await hashSecret('pw'), audiences: ['persona'], scopes: [] }] }),
    }));
    const env = {
      ...moto.current.env, AUTH_SIGNING_KEY: 'secretsmanager:auth/signing-key', AUTH_CLIENTS: 'secretsmanager:auth/clients',
      AUTH_TOKEN_TTL: '10m', AUTH_CLOCK_TOLERANCE: '0s', AUTH_SECRET_REFRESH: '1m',
    };
    const { service, url } = await startAuth({ ...quiet, env, now: () => now });
    const issue = async () => (await post(url, '/oauth/token', { grant_type: 'client_credentials', client_id: 'svc', client_secret: 'pw', audience: 'persona' })).body.access_token as string;
    const verify = (token: string) => post(url, '/verify', { token, audience: 'persona' });
    const kids = async () => ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    try {
      const oldToken = await issue();
      expect(decodeProtectedHeader(oldToken).kid).toBe('k1');

      now += 5 * 60_000;
      await sm.send(new PutSecretValueCommand({ SecretId: 'auth/signing-key', SecretString: await privateJwk('k2') }));
      await service.secrets.refreshAll();

      const newToken = await issue();
      expect(decodeProtectedHeader(newToken).kid).toBe('k2');
      expect(await kids()).toEqual(['k2', 'k1']);
      expect((await verify(oldToken)).status).toBe(200);
      expect((await verify(newToken)).status).toBe(200);

      // Another task started now (after the rotation) reads AWSPREVIOUS and verifies the old token too.
      const late = await startAuth({ ...quiet, env, now: () => now });
      expect((await post(late.url, '/verify', { token: oldToken, audience: 'persona' })).status).toBe(200);
      await late.service.stop();

      // Another task sees the rotation up to one refresh interval (1 m) later and signs with k1 until
      // then: its token verifies here until it expires, past this task's rotation + TTL.
      const otherTasks = await signAs(k1, now + 50_000);
      now += 10 * 60_000 + 30_000;
      expect((await verify(otherTasks)).status).toBe(200);

      // Past the rotation + refresh interval + token TTL, the old key is gone: its token no longer verifies and the JWKS drops it.
      now += 30_000 + 1;
      expect(await kids()).toEqual(['k2']);
      expect(await verify(oldToken)).toEqual({ status: 401, body: { active: false, error: 'unknown_key' } });
      expect((await verify(await issue())).status).toBe(200);

      // A broken new version is refused: the current key keeps signing.
      await sm.send(new PutSecretValueCommand({ SecretId: 'auth/signing-key', SecretString: '{"kty":"EC","kid":"k3"}' }));
      await service.secrets.refreshAll();
      expect(decodeProtectedHeader(await issue()).kid).toBe('k2');
    } finally {
      await service.stop();
    }
  });

  it('a task started long after a rotation does not trust AWSPREVIOUS again (its tokens have all expired)', async () => {
    const sm = awsClient(SecretsManagerClient, {});
    const oldJwk = await privateJwk('old');
    await sm.send(new CreateSecretCommand({ Name: 'auth/late-key', SecretString: oldJwk }));
    const rotatedAt = Date.now();
    await sm.send(new PutSecretValueCommand({ SecretId: 'auth/late-key', SecretString: await privateJwk('new') }));
    // Whoever holds the replaced key (the reason to rotate may be that it leaked) signs a fresh token with it.
    const forged = (at: number) => signAs(oldJwk, at);
    const env = { ...moto.current.env, AUTH_SIGNING_KEY: 'secretsmanager:auth/late-key', AUTH_TOKEN_TTL: '10m', AUTH_CLOCK_TOLERANCE: '0s', AUTH_SECRET_REFRESH: '5m' };
    const startAt = async (at: number) => {
      const { service, url } = await startAuth({ ...quiet, env, now: () => at });
      try {
        const kids = ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
        return { kids, verified: await post(url, '/verify', { token: await forged(at), audience: 'persona' }) };
      } finally {
        await service.stop();
      }
    };
    // Within rotation + refresh interval + TTL, old tokens may still be live: the old key verifies.
    expect(await startAt(rotatedAt + 14 * 60_000)).toMatchObject({ kids: ['new', 'old'], verified: { status: 200 } });
    // A day later every token the old key signed has expired: a new task must not bring it back.
    expect(await startAt(rotatedAt + 24 * 3_600_000)).toEqual({ kids: ['new'], verified: { status: 401, body: { active: false, error: 'unknown_key' } } });
  });

  it('the start command reads PORT, answers /health, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'services/auth/src/main.ts')], {
      env: { ...process.env, PORT: String(port), AUTH_SIGNING_KEY: 'generate', SHUTDOWN_DRAIN_DELAY: '0s' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      status = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status, out).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('"message":"shutdown: complete"');
  });
});
