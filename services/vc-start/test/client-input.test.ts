/**
 * Client input never gets a 5xx: text PostgreSQL refuses (NUL, unpaired surrogates) is a 400 at the
 * edge, a data exception the edge missed is a 400 too, and arbitrary bodies, headers and paths to
 * every endpoint (fast-check) never get a 5xx, on PGlite and on PostgreSQL.
 */
import fc from 'fast-check';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createVcStart, type VcStart } from '../src/app.js';
import { isDataException } from '../src/db.js';
import { verificationRoutes } from '../src/http.js';
import { migrate } from '../src/migrations.js';
import { assertNo5xx, nastyString, rawCases, rawRequest, requestsTo, shapedBody, wireBody } from '../../../test/support/services/http-fuzz.js';
import { BACKENDS, useBackends, type Backend } from '../../../test/support/services/vc-start-databases.js';

const backends = useBackends();
const quiet = { logDestination: { write: () => undefined }, writeEmf: () => undefined, accessLog: 'off' as const };
const runsPerEndpoint: Record<string, number> = {};
const statusesSeen: Record<string, Record<string | number, number>> = {};

const started = new Map<Backend, Promise<VcStart>>();
afterAll(async () => {
  for (const vc of started.values()) await (await vc).service.stop('test');
  console.log(`vc-start property runs per endpoint: ${JSON.stringify(runsPerEndpoint)}; statuses: ${JSON.stringify(statusesSeen)}`);
});

/** One service per backend for the file (PGlite in memory; PostgreSQL on the file's server). */
function vcStartOn(kind: Backend): Promise<VcStart> {
  const env: Record<string, string> = { SHUTDOWN_DRAIN_DELAY: '0s' };
  if (kind === 'pg') env.DATABASE_URL = backends.url!;
  if (!started.has(kind)) started.set(kind, createVcStart({ env, port: 0, host: '127.0.0.1', ...quiet }));
  return started.get(kind)!;
}

const post = (vc: VcStart, body: string, key = `k-${Math.random()}`) => vc.service.app.inject({
  method: 'POST', url: '/verifications', headers: { 'content-type': 'application/json', 'idempotency-key': key }, payload: body,
});

describe.each(BACKENDS)('vc-start on %s: text PostgreSQL refuses is the caller\'s 400', (kind) => {
  backends.it(kind).each([
    ['a NUL in subject', '{"subject":"a\\u0000b","method":"email"}', 'body.subject'],
    ['a NUL in reference', '{"subject":"ok","method":"sms","reference":"\\u0000"}', 'body.reference'],
    ['an unpaired high surrogate', '{"subject":"a\\ud800b","method":"email"}', 'body.subject'],
    ['an unpaired low surrogate', '{"subject":"ok","method":"email","reference":"\\udc00"}', 'body.reference'],
  ])('%s: 400 invalid_request naming the field', async (_name, body, field) => {
    const vc = await vcStartOn(kind);
    const res = await post(vc, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', message: expect.stringContaining(`${field} holds a NUL character or an unpaired UTF-16 surrogate`) });
  });

  backends.it(kind)('a paired surrogate (an emoji) and other Unicode are stored as sent', async () => {
    const vc = await vcStartOn(kind);
    const res = await post(vc, JSON.stringify({ subject: 'ann 😀 é \u2028 \ufffe', method: 'email' }));
    expect(res.statusCode).toBe(201);
    expect(res.json().subject).toBe('ann 😀 é \u2028 \ufffe');
  });

  backends.it(kind)('a data exception the edge did not catch is a 400, not a 500 (the backstop)', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    // A bare Fastify with validation off: the database sees the NUL itself (SQLSTATE 22021).
    const app = Fastify();
    app.setValidatorCompiler(() => () => true);
    await verificationRoutes(app, { db, keyTtlMs: 60_000 });
    const res = await app.inject({
      method: 'POST', url: '/verifications', headers: { 'content-type': 'application/json', 'idempotency-key': 'backstop-1' },
      payload: '{"subject":"a\\u0000b","method":"email"}',
    });
    await app.close();
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', message: expect.stringMatching(/^The request holds a value PostgreSQL cannot store \(SQLSTATE 22021\)/) });
    // Nothing half-applied: the key, the row and the event rolled back together.
    expect((await db.query('SELECT count(*)::int AS n FROM vc_start.idempotency_keys')).rows).toEqual([{ n: 0 }]);
    expect((await db.query('SELECT count(*)::int AS n FROM vc_start.outbox')).rows).toEqual([{ n: 0 }]);
  });
});

describe('isDataException', () => {
  it.each([
    [{ code: '22021' }, true], [{ code: '22P05' }, true], [{ code: '22001' }, true], [{ code: '22P02' }, true],
    [{ code: '23505' }, false], [{ code: '57P01' }, false], [{ code: 'ECONNRESET' }, false], [{ code: 22021 }, false], [new Error('x'), false], [null, false],
  ])('%o → %s', (err, expected) => {
    expect(isDataException(err)).toBe(expected);
  });
});

const METHODS = fc.constantFrom('email', 'sms', 'document');
// Unique, so a request reaches the insert rather than replaying (or refusing) an earlier one's key.
let keyCount = 0;
const goodKey = fc.stringMatching(/^[A-Za-z0-9\-_.:]{1,64}$/).map((k) => `${k}.${++keyCount}`);
const startBody = wireBody(shapedBody({ subject: nastyString, method: METHODS, reference: nastyString }));
const keyHeader = { 'idempotency-key': fc.oneof(goodKey, goodKey, goodKey, nastyString.filter((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v))) };

// Per backend: [endpoint, method, path template, body, extra headers, runs]. PostgreSQL is the slower
// of the two (a server round trip per statement), so it gets fewer runs.
const ENDPOINTS = (scale: number) => [
  ['POST /verifications', 'POST', '/verifications', startBody, keyHeader, 400 * scale],
  ['GET /verifications/:id', 'GET', '/verifications/:id', undefined, {}, 200 * scale],
  ['GET /health', 'GET', '/health', undefined, {}, 50 * scale],
  ['GET /ready', 'GET', '/ready', undefined, {}, 50 * scale],
  ['GET /metrics', 'GET', '/metrics', undefined, {}, 50 * scale],
  ['unrouted paths', 'GET', '/:a/:b', startBody, keyHeader, 150 * scale],
] as const;

describe.each(BACKENDS)('vc-start on %s: arbitrary client input never gets a 5xx', (kind) => {
  backends.it(kind).each(ENDPOINTS(kind === 'pg' ? 0.5 : 1))('%s', async (name, method, template, body, headers, runs) => {
    const vc = await vcStartOn(kind);
    statusesSeen[`${kind} ${name}`] = await assertNo5xx(vc.service.app, requestsTo(method, template, body, headers), runs);
    runsPerEndpoint[`${kind} ${name}`] = runs;
    // Still serving: no fault left the service or its pool broken.
    expect((await vc.service.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  }, 300_000);

  backends.it(kind)('over a real socket: requests no client library would write get a 4xx (or a close), never a 5xx', async () => {
    const vc = await vcStartOn(kind);
    const { port } = await vc.start();
    const answers: Record<string, number | undefined> = {};
    for (const [name, bytes, opts] of rawCases('/verifications', '{"subject":"X","method":"email"}')) {
      const withKey = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1');
      const keyed = Buffer.from(withKey.toString('latin1').replace('host: 127.0.0.1\r\n', `host: 127.0.0.1\r\nidempotency-key: raw-${kind}-${Object.keys(answers).length}\r\n`), 'latin1');
      answers[name] = await rawRequest(port, keyed, opts);
    }
    runsPerEndpoint[`${kind} raw socket cases`] = Object.keys(answers).length;
    statusesSeen[`${kind} raw socket cases`] = answers as Record<string, number>;
    const fives = Object.entries(answers).filter(([, s]) => s !== undefined && s >= 500);
    expect(fives).toEqual([]);
    // The invalid UTF-8 is decoded as U+FFFD by the JSON parser: stored text, a 201.
    expect(answers['bytes that are not UTF-8 inside a JSON string']).toBe(201);
    expect(answers['a NUL byte in a header value']).toBe(400);
    expect(answers['an escaped NUL and an unpaired surrogate']).toBe(400);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
  }, 120_000);
});
