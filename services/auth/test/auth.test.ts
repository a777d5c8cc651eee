import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, base64url, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';
import { InputError } from '../../../common/errors.js';
import type { Service } from '../../kit/src/index.js';
import { createAuthService, startAuth } from '../src/app.js';
import { hashSecret } from '../src/credentials.js';

async function privateJwk(alg: 'ES256' | 'EdDSA', kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg });
}

const ISSUER = 'https://auth.test';
let clientsJson: string;
let now = Date.UTC(2026, 5, 1);
const quiet = { logLevel: 'silent' as const, writeEmf: () => {}, drainDelayMs: 0, port: 0, host: '127.0.0.1' };

beforeAll(async () => {
  clientsJson = JSON.stringify({
    clients: [{ id: 'billing', secretHash: await hashSecret('s3cret-billing'), audiences: ['persona'], scopes: ['persona:read', 'persona:write'] }],
  });
});

async function post(url: string, path: string, body: unknown, form = false) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

for (const alg of ['ES256', 'EdDSA'] as const) {
  describe(`auth with an ${alg} key: security cases`, () => {
    let service: Service;
    let url: string;
    let token: string;
    let keyJwk: string;
    const verify = (t: string, audience = 'persona') => post(url, '/verify', { token: t, audience });

    beforeAll(async () => {
      keyJwk = await privateJwk(alg, `k-${alg}`);
      const env = { AUTH_SIGNING_KEY: keyJwk, AUTH_CLIENTS: clientsJson, AUTH_ISSUER: ISSUER, AUTH_TOKEN_TTL: '10m' };
      ({ service, url } = await startAuth({ ...quiet, env, now: () => now }));
      const res = await post(url, '/oauth/token', { grant_type: 'client_credentials', client_id: 'billing', client_secret: 's3cret-billing', audience: 'persona' }, true);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'persona:read persona:write' });
      token = res.body.access_token as string;
    });
    afterAll(() => service.stop());

    it('issues a token that verifies, signed with the JWKS key', async () => {
      expect(decodeProtectedHeader(token)).toEqual({ alg, kid: `k-${alg}`, typ: 'JWT' });
      const res = await verify(token);
      expect(res).toMatchObject({ status: 200, body: { active: true, sub: 'billing', aud: 'persona', scope: 'persona:read persona:write' } });
      const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kid: `k-${alg}`, alg, use: 'sig' });
      expect(jwks.keys[0]).not.toHaveProperty('d');
    });

    it('rejects alg: none', async () => {
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      const unsigned = new UnsecuredJWT(claims).encode();
      expect(await verify(unsigned)).toMatchObject({ status: 401, body: { active: false } });
      // The same with the real kid in a hand-made header.
      const header = base64url.encode(JSON.stringify({ alg: 'none', kid: `k-${alg}`, typ: 'JWT' }));
      expect((await verify(`${header}.${token.split('.')[1]}.`)).status).toBe(401);
    });

    it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
      const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: Record<string, string>[] };
      const forged = await new SignJWT({ scope: 'admin' }).setProtectedHeader({ alg: 'HS256', kid: `k-${alg}`, typ: 'JWT' })
        .setIssuer(ISSUER).setAudience('persona').setSubject('mallory').setIssuedAt().setExpirationTime('5m').setJti('x')
        .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
      expect(await verify(forged)).toMatchObject({ status: 401, body: { error: 'algorithm' } });
    });

    it('rejects the wrong audience', async () => {
      expect(await verify(token, 'vc-start')).toMatchObject({ status: 401, body: { error: 'audience' } });
    });

    it('rejects a token signed with the right key but naming another issuer', async () => {
      const key = await importJWK(JSON.parse(keyJwk), alg);
      const foreign = await new SignJWT({ scope: 'persona:read' }).setProtectedHeader({ alg, kid: `k-${alg}`, typ: 'JWT' })
        .setIssuer('https://evil.test').setAudience('persona').setSubject('billing').setIssuedAt(now / 1000).setExpirationTime(now / 1000 + 60).setJti('j')
        .sign(key);
      expect(await verify(foreign)).toMatchObject({ status: 401, body: { error: 'issuer' } });
    });

    it('rejects a token whose kid is not in the key ring', async () => {
      const other = await importJWK(JSON.parse(await privateJwk(alg, 'stranger')), alg);
      const t = await new SignJWT({}).setProtectedHeader({ alg, kid: 'stranger', typ: 'JWT' })
        .setIssuer(ISSUER).setAudience('persona').setSubject('x').setIssuedAt(now / 1000).setExpirationTime(now / 1000 + 60).setJti('j').sign(other);
      expect(await verify(t)).toMatchObject({ status: 401, body: { error: 'unknown_key' } });
    });

    it('rejects an expired token (beyond the clock tolerance) and accepts it within', async () => {
      const saved = now;
      now += 10 * 60_000 + 20_000;
      expect((await verify(token)).status).toBe(200);
      now += 11_000;
      expect(await verify(token)).toMatchObject({ status: 401, body: { error: 'expired' } });
      now = saved;
    });

    it('rejects a tampered payload and a tampered signature', async () => {
      const [h, p, s] = token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const tamperedPayload = `${h}.${base64url.encode(JSON.stringify({ ...claims, scope: 'admin' }))}.${s}`;
      expect(await verify(tamperedPayload)).toMatchObject({ status: 401, body: { error: 'signature' } });
      const sig = Buffer.from(s, 'base64url');
      sig[5] ^= 0x01;
      expect(await verify(`${h}.${p}.${base64url.encode(sig)}`)).toMatchObject({ status: 401, body: { error: 'signature' } });
      expect(await verify('not.a.jwt')).toMatchObject({ status: 401, body: { error: 'malformed' } });
    });

    it('refuses a wrong secret, an unknown client, a foreign audience and an unheld scope', async () => {
      const base = { grant_type: 'client_credentials', client_id: 'billing', client_secret: 's3cret-billing', audience: 'persona' };
      expect(await post(url, '/oauth/token', { ...base, client_secret: 'guess' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(await post(url, '/oauth/token', { ...base, client_id: 'nobody' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(await post(url, '/oauth/token', { ...base, audience: 'vc-start' })).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
      expect(await post(url, '/oauth/token', { ...base, scope: 'admin' })).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
      expect(await post(url, '/oauth/token', { ...base, grant_type: 'password' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    });
  });
}

describe('token issuance rate limit', () => {
  it('answers 429 once a client exceeds AUTH_TOKEN_RATE_LIMIT in the window, per client', async () => {
    const env = { AUTH_SIGNING_KEY: await privateJwk('EdDSA', 'k'), AUTH_CLIENTS: clientsJson, AUTH_TOKEN_RATE_LIMIT: '3', AUTH_TOKEN_RATE_WINDOW: '1m' };
    const { service, url } = await startAuth({ ...quiet, env });
    const ask = (client_id: string, client_secret = 'wrong') => post(url, '/oauth/token', { grant_type: 'client_credentials', client_id, client_secret, audience: 'persona' });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await ask('billing')).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect((await ask('other')).status).toBe(401);
    } finally {
      await service.stop();
    }
  });
});

describe('token issuance rate limit per source', () => {
  it('a caller naming a new client_id each time is still limited (and known or unknown ids are counted alike)', async () => {
    const env = { AUTH_SIGNING_KEY: await privateJwk('EdDSA', 'k'), AUTH_CLIENTS: clientsJson, AUTH_TOKEN_RATE_LIMIT: '3', AUTH_TOKEN_RATE_LIMIT_PER_SOURCE: '5', AUTH_TOKEN_RATE_WINDOW: '1m' };
    const { service, url } = await startAuth({ ...quiet, env });
    const ask = (client_id: string) => post(url, '/oauth/token', { grant_type: 'client_credentials', client_id, client_secret: 'guess', audience: 'persona' });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await ask(`made-up-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const over = await ask('made-up-5');
      expect(over).toMatchObject({ status: 429, body: { error: 'too_many_requests' } });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // A real client id from the same source gets the same answer: nothing tells which ids exist.
      expect((await ask('billing')).status).toBe(429);
    } finally {
      await service.stop();
    }
  });
});

describe('configuration', () => {
  it.each([
    [{}, 'AUTH_SIGNING_KEY is required'],
    [{ AUTH_SIGNING_KEY: 'not json' }, 'AUTH_SIGNING_KEY: the value is not JSON; expected a private JWK'],
    [{ AUTH_SIGNING_KEY: '{"kty":"EC","crv":"P-256","kid":"k","alg":"ES256"}' }, 'AUTH_SIGNING_KEY: not a usable signing key'],
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: '{"clients":[{"id":"a","secretHash":"$2b$10$abcdefghijklmnopqrstuv"}]}' }, 'AUTH_CLIENTS: clients[0] (a): "secretHash" must be an Argon2id PHC string'],
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: '{"clients":[{"id":"a","secretHash":"plain-text"}]}' }, 'must be an Argon2id PHC string'],
    // Argon2id, but far below OWASP's cost (8 KiB, 1 pass): cheap to crack if the secret leaks.
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: '{"clients":[{"id":"a","secretHash":"$argon2id$v=19$m=8,t=1,p=1$yeFcafdnKxTyEFdqlqUmuw$917+PB4SHTjanZ06qiKZ3jcknJILghS9tJq7tw+AS1c"}]}' }, 'AUTH_CLIENTS: clients[0] (a): "secretHash" must be an Argon2id PHC string ($argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, as hash-secret prints) costing at least m=19456,t=2'],
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: '{"clients":[{"id":"a","secretHash":"$argon2id$v=19$m=19456,t=1,p=1$yeFcafdnKxTyEFdqlqUmuw$917+PB4SHTjanZ06qiKZ3jcknJILghS9tJq7tw+AS1c"}]}' }, 'costing at least m=19456,t=2'],
    // Only the prefix of a PHC string: it could never verify, so the client would silently never get a token.
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: '{"clients":[{"id":"a","secretHash":"$argon2id$"}]}' }, 'must be an Argon2id PHC string'],
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: '[]' }, 'AUTH_CLIENTS: no "clients" list'],
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_TOKEN_TTL: 'forever' }, 'AUTH_TOKEN_TTL: "forever" is not a duration'],
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_ISSUER: 'auth' }, 'AUTH_ISSUER: "auth" is not a URL'],
    // 0 would poll Secrets Manager in a busy loop (throttling, cost); a TTL of 0 issues tokens already expired.
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_SECRET_REFRESH: '0s' }, 'AUTH_SECRET_REFRESH: "0s" is too short; expected a number with a unit: ms, s, m, h or d, combinable (e.g. 90s, 5m, 1h30m) of at least 1s.'],
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_TOKEN_TTL: '0s' }, 'AUTH_TOKEN_TTL: "0s" is too short; expected a number with a unit: ms, s, m, h or d, combinable (e.g. 90s, 5m, 1h30m) of at least 1m.'],
    [{ AUTH_SIGNING_KEY: 'generate', AUTH_TOKEN_RATE_LIMIT_PER_SOURCE: '0' }, 'AUTH_TOKEN_RATE_LIMIT_PER_SOURCE: "0" is not valid; expected a whole number from 1 to 1000000.'],
    [{ AUTH_SIGNING_KEY: 'secretsmanager:' }, 'AUTH_SIGNING_KEY: "secretsmanager:" is not a secret reference'],
  ])('%o fails with an error naming the variable', async (env, message) => {
    const err = await createAuthService({ ...quiet, env }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(message);
  });
});

describe('client secret hashes', () => {
  it.each([
    ['$argon2id$v=19$m=19456,t=2,p=1', true],
    ['$argon2id$v=19$m=47104,t=1,p=1', true], // OWASP's equivalent: more memory, one pass
    ['$argon2id$v=19$m=65536,t=3,p=4', true],
    ['$argon2id$v=19$m=12288,t=2,p=1', false],
    ['$argon2id$v=19$m=7168,t=4,p=1', false],
    ['$argon2id$v=16$m=19456,t=2,p=1', false], // argon2 1.0, not 1.3
    ['$argon2i$v=19$m=19456,t=2,p=1', false],
  ])('%s is accepted: %s', async (params, accepted) => {
    const phc = `${params}$yeFcafdnKxTyEFdqlqUmuw$917+PB4SHTjanZ06qiKZ3jcknJILghS9tJq7tw+AS1c`;
    const env = { AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: JSON.stringify({ clients: [{ id: 'a', secretHash: phc }] }) };
    const made = await createAuthService({ ...quiet, env }).catch((e: unknown) => e);
    if (accepted) {
      expect(made).not.toBeInstanceOf(Error);
      await (made as Service).stop();
    } else {
      expect(made).toBeInstanceOf(InputError);
      expect((made as Error).message).toContain('"secretHash" must be an Argon2id PHC string');
    }
  });
});

describe('hash-secret', () => {
  it('prints an Argon2id hash of the secret on stdin that verifies; refuses a short secret', async () => {
    const { spawnSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const { verify } = await import('@node-rs/argon2');
    const { repoRoot } = await import('../../../test/support/harness.js');
    const run = (input: string) => spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'services/auth/src/hash-secret.ts')], { input, encoding: 'utf8' });
    const ok = run('a-long-enough-client-secret\n');
    expect(ok.status).toBe(0);
    const hash = ok.stdout.trim();
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verify(hash, 'a-long-enough-client-secret')).toBe(true);
    const short = run('short');
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('shorter than 16 characters');
  });
});

describe('bad-credentials warning', () => {
  it('logs a bounded client_id (a prefix and its length), whatever the caller sends', async () => {
    const lines: Record<string, unknown>[] = [];
    const logDestination = { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) };
    const env = { AUTH_SIGNING_KEY: await privateJwk('EdDSA', 'k'), AUTH_CLIENTS: clientsJson };
    const { service, url } = await startAuth({ ...quiet, logLevel: 'warn', logDestination, env });
    try {
      const huge = `${'a'.repeat(64)}${'X'.repeat(200_000)}`;
      const ask = (client_id: string) => post(url, '/oauth/token', { grant_type: 'client_credentials', client_id, client_secret: 'guess', audience: 'persona' });
      expect((await ask(huge)).status).toBe(401);
      expect((await ask('nobody')).status).toBe(401);
      const refused = lines.filter((l) => l.message === 'token refused: bad client credentials');
      expect(refused).toHaveLength(2);
      expect(refused[0]).toMatchObject({ client_id: 'a'.repeat(64), client_id_length: huge.length });
      expect(JSON.stringify(refused[0])).not.toContain('X');
      expect(refused[1]).toMatchObject({ client_id: 'nobody', client_id_length: 6 });
    } finally {
      await service.stop();
    }
  });
});
