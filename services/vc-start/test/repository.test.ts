import { describe, expect, it } from 'vitest';
import { MIGRATIONS, MigrationError, migrate } from '../src/migrations.js';
import { getVerification, markStarted, requestHash, startVerification } from '../src/verifications.js';
import { BACKENDS, useBackends } from '../../../test/support/services/vc-start-databases.js';

const backends = useBackends();
const HOUR = 3_600_000;
const req = { subject: 'ada@example.com', method: 'email' as const, reference: 'order-17' };

describe.each(BACKENDS)('vc-start repository on %s', (kind) => {
  const run = backends.it(kind);

  run('applies the migrations once, and again applies nothing', async () => {
    const db = await backends.fresh(kind);
    expect(await migrate(db)).toEqual({ applied: [1, 2, 3, 4], ahead: [] });
    expect(await migrate(db)).toEqual({ applied: [], ahead: [] });
    const { rows } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'vc_start' ORDER BY table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual(['idempotency_keys', 'outbox', 'processed_events', 'sagas', 'schema_migrations', 'verifications']);
  });

  run('refuses an edited migration and tolerates a newer schema (a rollback runs the older build)', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    const edited = MIGRATIONS.map((m) => (m.id === 2 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    await expect(migrate(db, edited)).rejects.toThrow(MigrationError);
    await expect(migrate(db, edited)).rejects.toThrow(/migration 2 .* was changed after it was applied/);
    expect(await migrate(db, MIGRATIONS.slice(0, 1))).toEqual({ applied: [], ahead: [2, 3, 4] });
  });

  run('a retried start with the same key replays the first response and writes nothing more', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    const first = await startVerification(db, req, 'key-1', { keyTtlMs: HOUR });
    expect(first).toMatchObject({ kind: 'created', status: 201, body: { status: 'pending', subject: req.subject, method: 'email', reference: 'order-17', started_at: null } });
    // Same request, other key order and an absent optional field made explicit the same way: same hash.
    expect(requestHash({ method: 'email', reference: 'order-17', subject: 'ada@example.com' })).toBe(requestHash(req));
    const again = await startVerification(db, { ...req }, 'key-1', { keyTtlMs: HOUR });
    expect(again).toEqual({ ...first, kind: 'replayed' });
    const counts = await db.query<{ v: number; o: number }>(
      'SELECT (SELECT count(*) FROM vc_start.verifications)::int AS v, (SELECT count(*) FROM vc_start.outbox)::int AS o',
    );
    expect(counts.rows[0]).toEqual({ v: 1, o: 1 });
  });

  run('the same key with another body is refused, and changes nothing', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    await startVerification(db, req, 'key-2', { keyTtlMs: HOUR });
    const other = await startVerification(db, { ...req, subject: 'bob@example.com' }, 'key-2', { keyTtlMs: HOUR });
    expect(other).toEqual({ kind: 'key_reused', storedHash: requestHash(req) });
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.verifications');
    expect(rows[0].n).toBe(1);
  });

  run('an expired key starts a new verification', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    const first = await startVerification(db, req, 'key-3', { keyTtlMs: HOUR });
    await db.query("UPDATE vc_start.idempotency_keys SET expires_at = now() - interval '1 second'");
    const second = await startVerification(db, req, 'key-3', { keyTtlMs: HOUR });
    expect(second.kind).toBe('created');
    if (first.kind !== 'key_reused' && second.kind !== 'key_reused') expect(second.body.id).not.toBe(first.body.id);
  });

  run('concurrent starts with one key create exactly one verification', async () => {
    const db = await backends.fresh(kind, 10);
    await migrate(db);
    const results = await Promise.all(Array.from({ length: 10 }, () => startVerification(db, req, 'key-race', { keyTtlMs: HOUR })));
    const kinds = results.map((r) => r.kind).sort();
    expect(kinds.filter((k) => k === 'created')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'replayed')).toHaveLength(9);
    const ids = new Set(results.map((r) => (r.kind === 'key_reused' ? null : r.body.id)));
    expect(ids.size).toBe(1);
    const { rows } = await db.query<{ v: number; o: number }>(
      'SELECT (SELECT count(*) FROM vc_start.verifications)::int AS v, (SELECT count(*) FROM vc_start.outbox)::int AS o',
    );
    expect(rows[0]).toEqual({ v: 1, o: 1 });
  });

  run('markStarted moves pending to started once, with its event', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    const created = await startVerification(db, req, 'key-4', { keyTtlMs: HOUR });
    if (created.kind !== 'created') throw new Error('expected created');
    const started = await db.transaction((tx) => markStarted(tx, created.body.id));
    expect(started).toMatchObject({ id: created.body.id, status: 'started' });
    expect(started!.started_at).not.toBeNull();
    expect(await db.transaction((tx) => markStarted(tx, created.body.id))).toBeNull();
    const { rows } = await db.query<{ detail_type: string }>('SELECT detail_type FROM vc_start.outbox ORDER BY seq');
    expect(rows.map((r) => r.detail_type)).toEqual(['VerificationRequested', 'VerificationStarted']);
    expect(await getVerification(db, created.body.id)).toEqual(started);
  });

  run('a failed transaction leaves nothing behind', async () => {
    const db = await backends.fresh(kind);
    await migrate(db);
    await expect(db.transaction(async (tx) => {
      await tx.query("INSERT INTO vc_start.processed_events (event_id, detail_type) VALUES ('e1', 'X')");
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.processed_events');
    expect(rows[0].n).toBe(0);
  });
});

describe('migrations on a shared PostgreSQL', () => {
  const run = backends.it('pg');
  run('tasks starting at once apply each migration exactly once', async () => {
    const db = await backends.fresh('pg', 10);
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(db)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2, 3, 4]);
  });
});
