// Contract: real auth responses against the schemas consumers rely on (services/auth/src/contract.ts),
// and persona's own token check (its consumer code) accepting what auth issues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Service } from '../../kit/src/index.js';
import { startAuth } from '../src/app.js';
import { jwksSchema, tokenErrorSchema, tokenResponseSchema, verifyResponseSchema } from '../src/contract.js';
import { hashSecret } from '../src/credentials.js';

const ajv = new Ajv({ allErrors: true, strict: true });
const check = (schema: object, data: unknown) => {
  const validate = ajv.compile(schema);
  return validate(data) ? 'valid' : ajv.errorsText(validate.errors);
};

let service: Service;
let url: string;
const post = async (path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};
const grant = { grant_type: 'client_credentials', client_id: 'persona-reader', client_secret: 'reader-secret', audience: 'persona' };

beforeAll(async () => {
  const clients = JSON.stringify({ clients: [{ id: 'persona-reader', secretHash: await hashSecret('reader-secret'), audiences: ['persona'], scopes: ['persona:read'] }] });
  ({ service, url } = await startAuth({ logLevel: 'silent', writeEmf: () => {}, drainDelayMs: 0, port: 0, host: '127.0.0.1', env: { AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: clients } }));
});
afterAll(() => service.stop());

describe('auth contract', () => {
  it('token responses and errors match their schemas', async () => {
    const ok = await post('/oauth/token', grant);
    expect(check(tokenResponseSchema, ok.body)).toBe('valid');
    for (const bad of [{ ...grant, client_secret: 'nope' }, { ...grant, audience: 'other' }, { ...grant, grant_type: 'password' }, {}]) {
      expect(check(tokenErrorSchema, (await post('/oauth/token', bad)).body)).toBe('valid');
    }
  });

  it('verify answers match the schema, active or not', async () => {
    const token = ((await post('/oauth/token', grant)).body as { access_token: string }).access_token;
    expect(check(verifyResponseSchema, (await post('/verify', { token, audience: 'persona' })).body)).toBe('valid');
    expect(check(verifyResponseSchema, (await post('/verify', { token, audience: 'x' })).body)).toBe('valid');
    expect(check(verifyResponseSchema, (await post('/verify', { token: 'garbage', audience: 'x' })).body)).toBe('valid');
  });

  it('the JWKS matches its schema, which refuses a private key', async () => {
    const jwks = await (await fetch(`${url}/.well-known/jwks.json`)).json() as { keys: Record<string, unknown>[] };
    expect(check(jwksSchema, jwks)).toBe('valid');
    expect(check(jwksSchema, { keys: [{ ...jwks.keys[0], d: 'secret' }] })).not.toBe('valid');
  });

  it('a consumer verifying locally with the JWKS (as persona does) accepts the token', async () => {
    const token = ((await post('/oauth/token', grant)).body as { access_token: string }).access_token;
    const jwks = await (await fetch(`${url}/.well-known/jwks.json`)).json() as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'https://auth.mesh.internal', audience: 'persona', algorithms: ['ES256', 'EdDSA'] });
    expect(payload).toMatchObject({ sub: 'persona-reader', scope: 'persona:read' });
  });
});
