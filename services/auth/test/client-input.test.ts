/**
 * Arbitrary client input never gets a 5xx from auth (fast-check): bodies, headers and paths to every
 * endpoint, tokens mutated from a real one, and raw requests over a real socket.
 */
import fc from 'fast-check';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../kit/src/index.js';
import { startAuth } from '../src/app.js';
import { hashSecret } from '../src/credentials.js';
import { assertNo5xx, nastyString, rawCases, rawRequest, requestsTo, shapedBody, wireBody } from '../../../test/support/services/http-fuzz.js';

const SECRET = 'fuzz-secret-0123456789';
let service: Service;
let port: number;
let token: string;
const runsPerEndpoint: Record<string, number> = {};
const statusesSeen: Record<string, Record<string | number, number>> = {};

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const key = JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'fuzz', alg: 'ES256' });
  const clients = JSON.stringify({ clients: [{ id: 'billing', secretHash: await hashSecret(SECRET), audiences: ['persona'], scopes: ['persona:read', 'persona:write'] }] });
  // Limits out of the way, so requests reach credentials and token checks rather than a 429.
  const env = { AUTH_SIGNING_KEY: key, AUTH_CLIENTS: clients, AUTH_TOKEN_RATE_LIMIT: '100000', AUTH_TOKEN_RATE_LIMIT_PER_SOURCE: '1000000' };
  ({ service, port } = await startAuth({ env, logLevel: 'silent', writeEmf: () => undefined, drainDelayMs: 0, port: 0, host: '127.0.0.1' }));
  const res = await service.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'billing', client_secret: SECRET, audience: 'persona' } });
  token = res.json().access_token;
});
afterAll(async () => {
  await service?.stop();
  console.log(`auth property runs per endpoint: ${JSON.stringify(runsPerEndpoint)}; statuses: ${JSON.stringify(statusesSeen)}`);
});

/** A real token, or one cut, extended, with a character changed, or with a segment replaced. */
const tokenLike = fc.oneof(
  fc.constant(0).map(() => token),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => token.slice(0, a % token.length) + token.slice((a % token.length) + 1 + (b % 3))),
  fc.tuple(fc.nat(), nastyString).map(([a, s]) => token.slice(0, a % token.length) + s + token.slice(a % token.length)),
  fc.tuple(fc.integer({ min: 0, max: 2 }), nastyString).map(([i, s]) => token.split('.').map((p, j) => (j === i ? Buffer.from(s).toString('base64url') : p)).join('.')),
  nastyString,
);

const ENDPOINTS = [
  ['POST /oauth/token', 'POST', '/oauth/token', wireBody(shapedBody({
    grant_type: fc.constant('client_credentials'), client_id: fc.oneof(fc.constant('billing'), nastyString),
    client_secret: fc.oneof(fc.constant(SECRET), nastyString), audience: fc.oneof(fc.constant('persona'), nastyString), scope: fc.oneof(fc.constantFrom('persona:read', 'persona:read persona:write', ''), nastyString),
  })), 250],
  ['POST /verify', 'POST', '/verify', wireBody(shapedBody({ token: tokenLike, audience: fc.oneof(fc.constant('persona'), nastyString) })), 500],
  ['GET /.well-known/jwks.json', 'GET', '/.well-known/jwks.json', undefined, 100],
  ['GET /health', 'GET', '/health', undefined, 50],
  ['GET /ready', 'GET', '/ready', undefined, 50],
  ['GET /metrics', 'GET', '/metrics', undefined, 50],
  ['unrouted paths', 'POST', '/:a/:b', wireBody(shapedBody({ token: tokenLike })), 200],
] as const;

describe('auth: arbitrary client input never gets a 5xx', () => {
  it.each(ENDPOINTS)('%s', async (name, method, template, body, runs) => {
    const authorization = { authorization: fc.oneof(tokenLike.map((t) => `Bearer ${t}`), nastyString).filter((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v)) };
    statusesSeen[name] = await assertNo5xx(service.app, requestsTo(method, template, body, authorization), runs);
    runsPerEndpoint[name] = runs;
    expect((await service.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  }, 300_000);

  it('over a real socket: requests no client library would write get a 4xx (or a close), never a 5xx', async () => {
    const answers: Record<string, number | undefined> = {};
    for (const path of ['/oauth/token', '/verify']) {
      for (const [name, bytes, opts] of rawCases(path, `{"grant_type":"client_credentials","client_id":"X","client_secret":"x","audience":"persona","token":"${token}"}`)) {
        answers[`${path} ${name}`] = await rawRequest(port, bytes, opts);
      }
    }
    runsPerEndpoint['raw socket cases'] = Object.keys(answers).length;
    statusesSeen['raw socket cases'] = answers as Record<string, number>;
    expect(Object.entries(answers).filter(([, s]) => s !== undefined && s >= 500)).toEqual([]);
    expect(answers['/oauth/token a NUL byte in a header value']).toBe(400);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
  }, 120_000);
});
