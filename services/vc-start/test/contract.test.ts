/**
 * Contract: what vc-start's consumers rely on, checked with ajv against the schemas in
 * src/contract.ts: the HTTP resource and errors, and the detail of every event it publishes.
 * Also the request rules (idempotency key, body) as a table over the real routes.
 */
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVcStart, readConfig, type VcStart } from '../src/app.js';
import { errorSchema, eventDetailSchema, verificationSchema } from '../src/contract.js';
import { addContractFormats } from '../src/formats.js';
import type { PutEvents } from '../src/outbox.js';

const ajv = addContractFormats(new Ajv({ allErrors: true, strict: true }));
const isVerification = ajv.compile(verificationSchema);
const isError = ajv.compile(errorSchema);
const isEventDetail = ajv.compile(eventDetailSchema);

function expectValid(validate: ReturnType<typeof ajv.compile>, value: unknown): void {
  const ok = validate(value);
  expect(ok, `${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`).toBe(true);
}

let vc: VcStart;
const silent = { write: () => undefined };

beforeAll(async () => {
  // PGlite, the embedded default: no DATABASE_URL, no AWS (no relay, no consumer).
  vc = await createVcStart({ env: { SHUTDOWN_DRAIN_DELAY: '0s' }, logDestination: silent, writeEmf: () => undefined, accessLog: 'off' });
});
afterAll(async () => {
  await vc?.service.stop('test');
});

function post(body: unknown, key?: string) {
  return vc.service.app.inject({
    method: 'POST', url: '/verifications',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('vc-start HTTP contract', () => {
  it('201 with a verification, a Location, and the same body on a replay', async () => {
    const res = await post({ subject: 'ada@example.com', method: 'email', reference: 'r-1' }, 'contract-1');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expectValid(isVerification, body);
    expect(body).toMatchObject({ subject: 'ada@example.com', method: 'email', reference: 'r-1', status: 'pending', started_at: null });
    expect(res.headers.location).toBe(`/verifications/${body.id}`);

    const replay = await post({ reference: 'r-1', method: 'email', subject: 'ada@example.com' }, 'contract-1');
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(body);

    const got = await vc.service.app.inject({ method: 'GET', url: `/verifications/${body.id}` });
    expect(got.statusCode).toBe(200);
    expectValid(isVerification, got.json());
    expect(got.json()).toEqual(body);
  });

  it.each([
    ['no key', { subject: 'a', method: 'email' }, undefined, 400, 'invalid_idempotency_key', /Idempotency-Key.*required/],
    ['a key with spaces', { subject: 'a', method: 'email' }, 'has spaces', 400, 'invalid_idempotency_key', /1 to 255 characters/],
    ['a key too long', { subject: 'a', method: 'email' }, 'k'.repeat(256), 400, 'invalid_idempotency_key', /1 to 255 characters/],
    ['an unknown method', { subject: 'a', method: 'fax' }, 'bad-1', 400, 'invalid_request', /method.*"email" \| "sms" \| "document"/],
    ['no subject', { method: 'sms' }, 'bad-2', 400, 'invalid_request', /subject/],
    ['an empty subject', { subject: '', method: 'sms' }, 'bad-3', 400, 'invalid_request', /subject/],
    ['a body that is not JSON', '{"subject":', 'bad-5', 400, null, /JSON|Unexpected|Body/],
  ] as const)('%s is refused', async (_name, body, key, status, code, message) => {
    const res = await post(body, key);
    expect(res.statusCode).toBe(status);
    if (code) {
      expectValid(isError, res.json());
      expect(res.json().error).toBe(code);
      expect(res.json().message).toMatch(message);
    } else {
      expect(res.body).toMatch(message);
    }
  });

  it('ignores fields it does not know (a tolerant reader), and neither stores nor hashes them', async () => {
    const res = await post({ subject: 'dan@example.com', method: 'sms', extra: 1 }, 'contract-4');
    expect(res.statusCode).toBe(201);
    expectValid(isVerification, res.json());
    const again = await post({ subject: 'dan@example.com', method: 'sms' }, 'contract-4');
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('422 when a key comes back with a different body, and nothing is written', async () => {
    await post({ subject: 'bob@example.com', method: 'sms' }, 'contract-2');
    const before = await vc.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.verifications');
    const res = await post({ subject: 'eve@example.com', method: 'sms' }, 'contract-2');
    expect(res.statusCode).toBe(422);
    expectValid(isError, res.json());
    expect(res.json().error).toBe('idempotency_key_reused');
    const after = await vc.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.verifications');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it.each([['an unknown id', '3f1e0c55-1c9b-4c3e-9a57-0d6f2b7c9e10'], ['an id that is not a UUID', 'nope']])('404 for %s', async (_name, id) => {
    const res = await vc.service.app.inject({ method: 'GET', url: `/verifications/${id}` });
    expect(res.statusCode).toBe(404);
    expectValid(isError, res.json());
    expect(res.json().error).toBe('not_found');
  });
});

describe('vc-start event contract', () => {
  it('every event in the outbox has a detail consumers can rely on, and no subject', async () => {
    await post({ subject: 'carol@example.com', method: 'document' }, 'contract-3');
    const { rows } = await vc.db.query<{ detail_type: string; detail: Record<string, unknown> }>('SELECT detail_type, detail FROM vc_start.outbox');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.detail_type).toMatch(/^Verification(Requested|Started)$/);
      expectValid(isEventDetail, r.detail);
      expect(JSON.stringify(r.detail)).not.toContain('@example.com');
    }
  });

  it('the schema refuses what would break a consumer', () => {
    const good = { schema_version: 1, event_id: '3f1e0c55-1c9b-4c3e-9a57-0d6f2b7c9e10', verification_id: '3f1e0c55-1c9b-4c3e-9a57-0d6f2b7c9e11', method: 'email', status: 'pending', reference: null, occurred_at: '2026-01-01T00:00:00.000Z' };
    expectValid(isEventDetail, good);
    for (const bad of [{ ...good, schema_version: 2 }, { ...good, status: 'done' }, { ...good, event_id: 'x' }, { ...good, occurred_at: 'yesterday' }, { ...good, subject: 'a@b.c' }]) {
      expect(isEventDetail(bad)).toBe(false);
    }
  });
});

describe('vc-start metrics', () => {
  it('/metrics reports the outbox backlog beside the kit\'s RED series', async () => {
    const { rows } = await vc.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.outbox WHERE published_at IS NULL');
    expect(rows[0].n).toBeGreaterThan(0);
    const res = await vc.service.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(new RegExp(`^vc_start_outbox_pending\\{[^}]*\\} ${rows[0].n}$`, 'm'));
    expect(res.body).toMatch(/^vc_start_outbox_oldest_age_seconds\{[^}]*\} \d/m);
  });
});

describe('vc-start configuration', () => {
  it.each([
    [{ EVENT_BUS_NAME: 'bad bus' }, /EVENT_BUS_NAME: "bad bus" is not an event bus name/],
    [{ SQS_QUEUE_URL: 'queue' }, /SQS_QUEUE_URL: "queue" is not a queue URL; expected https:\/\/sqs/],
    [{ DATABASE_POOL_MAX: '0' }, /DATABASE_POOL_MAX/],
    [{ IDEMPOTENCY_KEY_TTL: 'forever' }, /IDEMPOTENCY_KEY_TTL: "forever" is not a duration/],
    // A key forgotten at once makes every retry a new verification: idempotency silently off.
    [{ IDEMPOTENCY_KEY_TTL: '0s' }, /IDEMPOTENCY_KEY_TTL: "0s" is too short; expected .* of at least 1m/],
    // 0 is a busy loop of outbox queries while idle.
    [{ OUTBOX_POLL_INTERVAL: '0ms' }, /OUTBOX_POLL_INTERVAL: "0ms" is too short; expected .* of at least 10ms/],
    [{ SQS_WAIT_SECONDS: '30' }, /SQS_WAIT_SECONDS/],
    // 0 would park an event before it was ever tried.
    [{ OUTBOX_MAX_ATTEMPTS: '0' }, /OUTBOX_MAX_ATTEMPTS/],
    [{ OUTBOX_MAX_ATTEMPTS: 'forever' }, /OUTBOX_MAX_ATTEMPTS/],
    [{ OUTBOX_MAX_ATTEMPTS: '2.5' }, /OUTBOX_MAX_ATTEMPTS/],
  ])('%j is refused with the variable and the accepted form', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });

  it('a DATABASE_URL that is not PostgreSQL fails before anything starts', async () => {
    await expect(createVcStart({ env: { DATABASE_URL: 'mysql://x' }, logDestination: silent })).rejects.toThrow(/DATABASE_URL: not a PostgreSQL URL/);
  });

  it('defaults: PGlite in memory, keys kept 24 h, no relay or consumer without their variables', () => {
    expect(readConfig({})).toEqual({
      databaseUrlSet: false, poolMax: 10, pgliteDataDir: undefined, keyTtlMs: 86_400_000, eventBusName: undefined,
      relayPollMs: 1000, relayMaxAttempts: 20, queueUrl: undefined, queueWaitSeconds: 20,
    });
  });
});

describe('vc-start parks an event EventBridge refuses for good', () => {
  it('after OUTBOX_MAX_ATTEMPTS: an error log with the event id and the code (never the payload), and /metrics counts it', async () => {
    const lines: Record<string, unknown>[] = [];
    const raw: string[] = [];
    const logDestination = { write: (s: string) => void (raw.push(s), lines.push(JSON.parse(s) as Record<string, unknown>)) };
    const refuse: PutEvents = async (entries) => entries.map(() => ({ ok: false, error: 'MalformedDetail: Detail is malformed.', code: 'MalformedDetail', transient: false }));
    const app = await createVcStart({
      env: { SHUTDOWN_DRAIN_DELAY: '0s', EVENT_BUS_NAME: 'mesh-bus', OUTBOX_MAX_ATTEMPTS: '2', LOG_LEVEL: 'warn' },
      logDestination, writeEmf: () => undefined, accessLog: 'off', putEvents: refuse,
    });
    try {
      const created = await app.service.app.inject({
        method: 'POST', url: '/verifications', headers: { 'content-type': 'application/json', 'idempotency-key': 'poison-1' },
        payload: JSON.stringify({ subject: 'secret-subject@example.com', method: 'email', reference: 'private-ref' }),
      });
      expect(created.statusCode).toBe(201);
      const { rows: [event] } = await app.db.query<{ event_id: string }>("SELECT detail->>'event_id' AS event_id FROM vc_start.outbox");
      // Make the refused entry due again at once rather than after its backoff.
      const dueNow = () => app.db.query('UPDATE vc_start.outbox SET next_attempt_at = now()');
      expect(await app.relay!.relayOnce()).toMatchObject({ failed: 1, dead: 0 });
      await dueNow();
      expect(await app.relay!.relayOnce()).toMatchObject({ failed: 0, dead: 1 });
      await dueNow();
      expect(await app.relay!.relayOnce()).toMatchObject({ claimed: 0 });

      const parked = lines.filter((l) => l.level === 'error' && String(l.message).startsWith('outbox: EventBridge refuses this event for good'));
      expect(parked).toHaveLength(1);
      expect(parked[0]).toMatchObject({ event_id: event.event_id, error_code: 'MalformedDetail', attempts: 2, detail_type: 'VerificationRequested' });
      expect(raw.join('')).not.toMatch(/secret-subject|private-ref/);
      const metrics = (await app.service.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/^vc_start_events_dead_total(\{[^}]*\})? 1$/m);
      expect(metrics).toMatch(/^vc_start_outbox_dead(\{[^}]*\})? 1$/m);
      expect(metrics).toMatch(/^vc_start_outbox_pending(\{[^}]*\})? 0$/m);
      const { rows } = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.outbox WHERE dead_at IS NOT NULL AND published_at IS NULL');
      expect(rows[0].n).toBe(1);
    } finally {
      await app.service.stop('test');
    }
  });
});
