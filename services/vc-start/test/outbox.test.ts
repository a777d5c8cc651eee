/**
 * The relay against EventBridge's real wire format (nock at the HTTP layer, the SDK's own
 * serialization): ≤ 10 entries a call, only failed entries sent again, whole-call failures kept.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { awsClient } from '../../../common/aws.js';
import type { Database } from '../src/db.js';
import { migrate } from '../src/migrations.js';
import { chunkEntries, eventBridgePutEvents, OutboxRelay, outboxBacklog, outboxDeadCount, PUT_EVENTS_MAX_BYTES, toEntry, type DeadEntry, type OutboxRow } from '../src/outbox.js';
import { startVerification } from '../src/verifications.js';
import { BACKENDS, useBackends } from '../../../test/support/services/vc-start-databases.js';

const ENDPOINT = 'https://events.eu-central-1.amazonaws.com';
const backends = useBackends();

interface PutEventsBody {
  Entries: { Source: string; DetailType: string; Detail: string; EventBusName: string }[];
}

beforeAll(() => {
  nock.disableNetConnect();
  // PostgreSQL runs on loopback.
  nock.enableNetConnect('127.0.0.1');
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function client(maxAttempts = 1) {
  return awsClient(EventBridgeClient, { region: 'eu-central-1', maxAttempts, retryBaseMs: 1 });
}

async function seed(db: Database, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await startVerification(db, { subject: `s${i}@example.com`, method: 'email' }, `seed-${i}`, { keyTtlMs: 3_600_000 });
}

/** nock hands over the body as text for AWS's own JSON media types. */
function parse(body: unknown): PutEventsBody {
  return (typeof body === 'string' ? JSON.parse(body) : body) as PutEventsBody;
}

function eventIds(body: PutEventsBody): string[] {
  return body.Entries.map((e) => (JSON.parse(e.Detail) as { event_id: string }).event_id);
}

describe('chunkEntries', () => {
  const row = (i: number, size = 10): OutboxRow => ({
    id: `id-${i}`, seq: i, detail_type: 'VerificationRequested', attempts: 1,
    detail: { schema_version: 1, event_id: `e${i}`, verification_id: 'v', method: 'email', status: 'pending', reference: 'x'.repeat(size), occurred_at: '2026-01-01T00:00:00.000Z' },
  });

  it('puts at most 10 entries in a call', () => {
    const rows = Array.from({ length: 25 }, (_, i) => row(i));
    expect(chunkEntries(rows, (r) => toEntry(r, 'bus')).map((c) => c.length)).toEqual([10, 10, 5]);
  });

  it('keeps each call under 256 KiB, and gives an entry too large alone a call of its own', () => {
    const rows = [row(0, 100_000), row(1, 100_000), row(2, 100_000), row(3, 300_000), row(4)];
    const chunks = chunkEntries(rows, (r) => toEntry(r, 'bus'));
    expect(chunks.map((c) => c.map((r) => r.seq))).toEqual([[0, 1], [2], [3], [4]]);
    expect(PUT_EVENTS_MAX_BYTES).toBe(262_144);
  });
});

describe.each(BACKENDS)('outbox relay on %s', (kind) => {
  const run = backends.it(kind);

  run('publishes in calls of ≤ 10 and resends only the entries EventBridge rejected', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    await seed(db, 12);
    const calls: PutEventsBody[] = [];
    nock(ENDPOINT)
      .post('/')
      .matchHeader('x-amz-target', 'AWSEvents.PutEvents')
      .times(10)
      .reply(200, (_uri, body) => {
        calls.push(parse(body));
        const n = parse(body).Entries.length;
        // The first call: entries 3 and 7 fail; every other call succeeds.
        const failing = calls.length === 1 ? new Set([3, 7]) : new Set<number>();
        return {
          FailedEntryCount: failing.size,
          Entries: Array.from({ length: n }, (_, i) => (failing.has(i) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `eb-${calls.length}-${i}` })),
        };
      }, { 'content-type': 'application/x-amz-json-1.1' });
    // random 0: a failed entry is due again at once, so the second pass can be observed now.
    const relay = new OutboxRelay(db, eventBridgePutEvents(client()), { eventBusName: 'mesh-bus', random: () => 0 });

    expect(await relay.relayOnce()).toEqual({ claimed: 12, published: 10, failed: 2, dead: 0 });
    expect(calls.map((c) => c.Entries.length)).toEqual([10, 2]);
    expect(calls[0].Entries[0]).toMatchObject({ Source: 'mesh.vc-start', DetailType: 'VerificationRequested', EventBusName: 'mesh-bus' });
    const failedIds = [eventIds(calls[0])[3], eventIds(calls[0])[7]];
    const { rows } = await db.query<{ id: string; last_error: string }>('SELECT id, last_error FROM vc_start.outbox WHERE published_at IS NULL ORDER BY seq');
    expect(rows.map((r) => r.id)).toEqual(failedIds);
    expect(rows[0].last_error).toBe('InternalFailure: try again');

    expect(await relay.relayOnce()).toEqual({ claimed: 2, published: 2, failed: 0, dead: 0 });
    expect(eventIds(calls[2])).toEqual(failedIds);
    expect(await relay.relayOnce()).toEqual({ claimed: 0, published: 0, failed: 0, dead: 0 });
    expect(calls).toHaveLength(3);
    expect(await outboxBacklog(db)).toEqual({ pending: 0, oldestAgeSeconds: 0 });
  });

  run('a call that fails whole leaves every entry in it for later, with the error', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    await seed(db, 3);
    nock(ENDPOINT).post('/').times(2).reply(503, { __type: 'ServiceUnavailable', message: 'slow down' }, { 'content-type': 'application/x-amz-json-1.1' });
    const errors: unknown[] = [];
    const relay = new OutboxRelay(db, eventBridgePutEvents(client(2)), { eventBusName: 'mesh-bus', random: () => 0.5, onError: (e) => errors.push(e) });
    expect(await relay.relayOnce()).toEqual({ claimed: 3, published: 0, failed: 3, dead: 0 });
    expect(errors).toHaveLength(1);
    const { rows } = await db.query<{ attempts: number; due_later: boolean; last_error: string }>(
      'SELECT attempts, next_attempt_at > now() AS due_later, last_error FROM vc_start.outbox ORDER BY seq',
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({ attempts: 1, due_later: true, last_error: expect.stringMatching(/slow down|ServiceUnavailable/) });
    // Nothing is due yet: the backoff holds the entries back.
    expect(await relay.relayOnce()).toEqual({ claimed: 0, published: 0, failed: 0, dead: 0 });
    expect((await outboxBacklog(db)).pending).toBe(3);
  });

  /** Replies to each PutEvents call, refusing for good the entries whose event id is in `refused`. */
  function eventBridgeRefusing(refused: Set<string>, calls: PutEventsBody[]) {
    nock(ENDPOINT).post('/').matchHeader('x-amz-target', 'AWSEvents.PutEvents').times(10).reply(200, (_uri, body) => {
      const call = parse(body);
      calls.push(call);
      const ids = eventIds(call);
      return {
        FailedEntryCount: ids.filter((id) => refused.has(id)).length,
        Entries: ids.map((id, i) => (refused.has(id) ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } : { EventId: `eb-${calls.length}-${i}` })),
      };
    }, { 'content-type': 'application/x-amz-json-1.1' });
  }

  run('parks an entry EventBridge refuses for good after maxAttempts (row kept, marked dead) and keeps relaying the others', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    await seed(db, 3);
    const { rows: seeded } = await db.query<{ id: string; event_id: string }>("SELECT id, detail->>'event_id' AS event_id FROM vc_start.outbox ORDER BY seq");
    const poison = seeded[1];
    const calls: PutEventsBody[] = [];
    eventBridgeRefusing(new Set([poison.event_id]), calls);
    const dead: DeadEntry[] = [];
    // random 0: the refused entry is due again at once, so every pass can be observed now.
    const relay = new OutboxRelay(db, eventBridgePutEvents(client()), { eventBusName: 'mesh-bus', random: () => 0, maxAttempts: 3, onDead: (d) => dead.push(d) });

    expect(await relay.relayOnce()).toEqual({ claimed: 3, published: 2, failed: 1, dead: 0 });
    expect(await relay.relayOnce()).toEqual({ claimed: 1, published: 0, failed: 1, dead: 0 });
    expect(dead).toEqual([]);
    expect(await relay.relayOnce()).toEqual({ claimed: 1, published: 0, failed: 0, dead: 1 });
    expect(dead).toEqual([{ outboxId: poison.id, eventId: poison.event_id, detailType: 'VerificationRequested', attempts: 3, code: 'MalformedDetail' }]);
    // Parked: no longer claimed nor sent, and no longer backlog; the row stays for a person to see.
    expect(await relay.relayOnce()).toEqual({ claimed: 0, published: 0, failed: 0, dead: 0 });
    expect(calls).toHaveLength(3);
    const { rows } = await db.query<{ id: string; dead: boolean; published: boolean; last_error: string }>(
      'SELECT id, dead_at IS NOT NULL AS dead, published_at IS NOT NULL AS published, last_error FROM vc_start.outbox ORDER BY seq',
    );
    expect(rows).toEqual([
      { id: seeded[0].id, dead: false, published: true, last_error: null },
      { id: poison.id, dead: true, published: false, last_error: 'MalformedDetail: Detail is malformed.' },
      { id: seeded[2].id, dead: false, published: true, last_error: null },
    ]);
    expect(await outboxBacklog(db)).toEqual({ pending: 0, oldestAgeSeconds: 0 });
    expect(await outboxDeadCount(db)).toBe(1);

    // New events still flow past the parked one.
    await startVerification(db, { subject: 'late@example.com', method: 'email' }, 'after-parking', { keyTtlMs: 3_600_000 });
    const { rows: [fresh] } = await db.query<{ event_id: string }>("SELECT detail->>'event_id' AS event_id FROM vc_start.outbox ORDER BY seq DESC LIMIT 1");
    expect(await relay.relayOnce()).toEqual({ claimed: 1, published: 1, failed: 0, dead: 0 });
    expect(eventIds(calls[3])).toEqual([fresh.event_id]);
  });

  run('never parks on a transient failure (an outage may outlast any count): throttling and 5xx keep retrying', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    await seed(db, 2);
    nock(ENDPOINT).post('/').reply(503, { __type: 'ServiceUnavailable', message: 'down' }, { 'content-type': 'application/x-amz-json-1.1' });
    nock(ENDPOINT).post('/').reply(200, { FailedEntryCount: 2, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] }, { 'content-type': 'application/x-amz-json-1.1' });
    nock(ENDPOINT).post('/').reply(200, { FailedEntryCount: 0, Entries: [{ EventId: 'a' }, { EventId: 'b' }] }, { 'content-type': 'application/x-amz-json-1.1' });
    const dead: DeadEntry[] = [];
    const relay = new OutboxRelay(db, eventBridgePutEvents(client()), { eventBusName: 'mesh-bus', random: () => 0, maxAttempts: 1, onDead: (d) => dead.push(d) });
    expect(await relay.relayOnce()).toEqual({ claimed: 2, published: 0, failed: 2, dead: 0 });
    expect(await relay.relayOnce()).toEqual({ claimed: 2, published: 0, failed: 2, dead: 0 });
    expect(await relay.relayOnce()).toEqual({ claimed: 2, published: 2, failed: 0, dead: 0 });
    expect(dead).toEqual([]);
    expect(await outboxDeadCount(db)).toBe(0);
  });

  run('a call refused whole for a permanent reason (an entry over 256 KiB: ValidationException) parks its entries at the limit', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    await seed(db, 1);
    nock(ENDPOINT).post('/').times(2).reply(400, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' }, { 'content-type': 'application/x-amz-json-1.1' });
    const dead: DeadEntry[] = [];
    const relay = new OutboxRelay(db, eventBridgePutEvents(client()), { eventBusName: 'mesh-bus', random: () => 0, maxAttempts: 2, onDead: (d) => dead.push(d), onError: () => undefined });
    expect(await relay.relayOnce()).toEqual({ claimed: 1, published: 0, failed: 1, dead: 0 });
    expect(await relay.relayOnce()).toEqual({ claimed: 1, published: 0, failed: 0, dead: 1 });
    expect(dead).toMatchObject([{ attempts: 2, code: 'ValidationException' }]);
    expect(await relay.relayOnce()).toEqual({ claimed: 0, published: 0, failed: 0, dead: 0 });
  });

  run('never parks on a refusal that is not about the entry (access denied, a missing bus, an unauthorized source)', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    await seed(db, 2);
    nock(ENDPOINT).post('/').reply(400, { __type: 'AccessDeniedException', message: 'not authorized to perform events:PutEvents' }, { 'content-type': 'application/x-amz-json-1.1' });
    nock(ENDPOINT).post('/').reply(400, { __type: 'ResourceNotFoundException', message: 'Event bus mesh-bus does not exist.' }, { 'content-type': 'application/x-amz-json-1.1' });
    // A ValidationException on a call of several entries does not say which one is wrong.
    nock(ENDPOINT).post('/').reply(400, { __type: 'ValidationException', message: 'invalid' }, { 'content-type': 'application/x-amz-json-1.1' });
    nock(ENDPOINT).post('/').reply(200, { FailedEntryCount: 2, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'no' }, { ErrorCode: 'NotAuthorizedForDetailTypeException', ErrorMessage: 'no' }] }, { 'content-type': 'application/x-amz-json-1.1' });
    const dead: DeadEntry[] = [];
    const relay = new OutboxRelay(db, eventBridgePutEvents(client()), { eventBusName: 'mesh-bus', random: () => 0, maxAttempts: 1, onDead: (d) => dead.push(d), onError: () => undefined });
    for (let i = 0; i < 4; i++) expect(await relay.relayOnce()).toEqual({ claimed: 2, published: 0, failed: 2, dead: 0 });
    expect(dead).toEqual([]);
    expect((await outboxBacklog(db)).pending).toBe(2);
  });
});

describe('two relays on one PostgreSQL', () => {
  const run = backends.it('pg');
  run('share the outbox without publishing any event twice', async () => {
    const db = await backends.fresh('pg', 10);
    await migrate(db);
    await seed(db, 40);
    const published: string[] = [];
    nock(ENDPOINT).post('/').times(50).delay(20).reply(200, (_uri, body) => {
      published.push(...eventIds(parse(body)));
      return { FailedEntryCount: 0, Entries: parse(body).Entries.map((_, i) => ({ EventId: `x${i}` })) };
    }, { 'content-type': 'application/x-amz-json-1.1' });
    const a = new OutboxRelay(db, eventBridgePutEvents(client()), { eventBusName: 'b', batchSize: 5 });
    const b = new OutboxRelay(db, eventBridgePutEvents(client()), { eventBusName: 'b', batchSize: 5 });
    const drain = async (r: OutboxRelay) => {
      for (let pass = 0; pass < 20; pass++) if ((await r.relayOnce()).claimed === 0) return;
    };
    await Promise.all([drain(a), drain(b)]);
    expect(published).toHaveLength(40);
    expect(new Set(published).size).toBe(40);
  });
});
