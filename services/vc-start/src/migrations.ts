/**
 * vc-start's own schema. Migrations are append-only: an applied one is never edited (its checksum is
 * recorded and checked), a change is a new migration. They run at start, under an advisory lock, so
 * several tasks starting at once apply each migration exactly once.
 */
import { createHash } from 'node:crypto';
import type { Database } from './db.js';

export const SCHEMA = 'vc_start';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'verifications, idempotency keys, outbox, processed events',
    sql: `
CREATE TABLE vc_start.verifications (
  id          uuid PRIMARY KEY,
  subject     text NOT NULL,
  method      text NOT NULL CHECK (method IN ('email', 'sms', 'document')),
  reference   text,
  status      text NOT NULL CHECK (status IN ('pending', 'started')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz
);
-- A key is claimed and its response stored in the same transaction as the write it guards.
CREATE TABLE vc_start.idempotency_keys (
  key             text PRIMARY KEY,
  request_hash    text NOT NULL,
  response_status integer NOT NULL,
  response_body   jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL
);
-- Events written with the change that caused them; the relay publishes and marks them.
CREATE TABLE vc_start.outbox (
  id              uuid PRIMARY KEY,
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  detail_type     text NOT NULL,
  detail          jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text
);
CREATE INDEX outbox_pending ON vc_start.outbox (next_attempt_at, seq) WHERE published_at IS NULL;
-- Consumed event ids: SQS delivers at least once and the relay may publish twice.
CREATE TABLE vc_start.processed_events (
  event_id     text PRIMARY KEY,
  detail_type  text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    id: 2,
    name: 'indexes for expiry sweeps',
    sql: `
CREATE INDEX idempotency_keys_expires ON vc_start.idempotency_keys (expires_at);
CREATE INDEX outbox_published ON vc_start.outbox (published_at) WHERE published_at IS NOT NULL;`,
  },
  {
    id: 3,
    name: 'outbox: dead (parked) entries',
    sql: `
-- An entry EventBridge keeps refusing is parked: kept for inspection, no longer claimed or counted as backlog.
ALTER TABLE vc_start.outbox ADD COLUMN dead_at timestamptz;
DROP INDEX vc_start.outbox_pending;
CREATE INDEX outbox_pending ON vc_start.outbox (next_attempt_at, seq) WHERE published_at IS NULL AND dead_at IS NULL;`,
  },
  {
    id: 4,
    name: 'sagas: the verification-start saga state',
    sql: `
-- One row per saga: the step it waits for, its status and, when it compensated, what and why.
CREATE TABLE vc_start.sagas (
  id              uuid PRIMARY KEY,
  kind            text NOT NULL,
  verification_id uuid NOT NULL UNIQUE REFERENCES vc_start.verifications (id),
  step            text NOT NULL,
  status          text NOT NULL CHECK (status IN ('running', 'completed', 'compensating', 'compensated')),
  compensation    text,
  case_id         text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sagas_unfinished ON vc_start.sagas (updated_at) WHERE status IN ('running', 'compensating');`,
  },
];

export function checksum(sql: string): string {
  return createHash('sha256').update(sql.trim()).digest('hex');
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrationResult {
  applied: number[];
  /** Ids in the database that this build does not know: a newer build ran. Tolerated, because a
   * rollback runs the older build against the newer schema (migrations are expand-only for that). */
  ahead: number[];
}

/** Applies what is missing, in order, in one transaction. */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  return db.transaction(async (tx) => {
    // The lock comes first: even CREATE … IF NOT EXISTS races when two tasks run it at once.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('${SCHEMA}.schema_migrations'))`);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
  id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()
);`);
    const { rows } = await tx.query<{ id: number; checksum: string }>(`SELECT id, checksum FROM ${SCHEMA}.schema_migrations`);
    const applied = new Map(rows.map((r) => [Number(r.id), r.checksum]));
    const known = new Set(migrations.map((m) => m.id));
    const ahead = [...applied.keys()].filter((id) => !known.has(id)).sort((a, b) => a - b);
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
      const sum = checksum(m.sql);
      const prior = applied.get(m.id);
      if (prior !== undefined) {
        if (prior !== sum) throw new MigrationError(`migration ${m.id} (${m.name}) was changed after it was applied; add a new migration instead`);
        continue;
      }
      await tx.exec(m.sql);
      await tx.query(`INSERT INTO ${SCHEMA}.schema_migrations (id, name, checksum) VALUES ($1, $2, $3)`, [m.id, m.name, sum]);
      done.push(m.id);
    }
    return { applied: done, ahead };
  });
}
