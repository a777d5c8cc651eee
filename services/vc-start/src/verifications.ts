/**
 * The verification resource and its writes. Every write runs in one transaction that also claims the
 * idempotency key, stores the response for replays, and appends the event to the outbox: the change,
 * its replay record and its event commit together or not at all.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Database, Queryable } from './db.js';
import { DETAIL_TYPES, type DetailType, type EventDetail, type StartRequest, type Verification } from './contract.js';

export const IDEMPOTENCY_KEY_FORM = '1 to 255 characters of A-Z a-z 0-9 and - _ . : (a UUID is a good key)';
const KEY = /^[A-Za-z0-9\-_.:]{1,255}$/;

export function isValidIdempotencyKey(key: string): boolean {
  return KEY.test(key);
}

/** The same request always hashes the same, whatever the key order or absent optional fields. */
export function requestHash(req: StartRequest): string {
  return createHash('sha256').update(JSON.stringify([req.subject, req.method, req.reference ?? null])).digest('hex');
}

export type StartOutcome =
  | { kind: 'created' | 'replayed'; status: number; body: Verification }
  | { kind: 'key_reused'; storedHash: string };

interface VerificationRow {
  id: string;
  subject: string;
  method: Verification['method'];
  reference: string | null;
  status: Verification['status'];
  created_at: Date | string;
  updated_at: Date | string;
  started_at: Date | string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

export function toVerification(r: VerificationRow): Verification {
  return {
    id: r.id,
    subject: r.subject,
    method: r.method,
    reference: r.reference,
    status: r.status,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    started_at: r.started_at === null ? null : iso(r.started_at),
  };
}

const COLUMNS = 'id, subject, method, reference, status, created_at, updated_at, started_at';

export function eventFor(v: Verification, occurredAt: string): EventDetail {
  return {
    schema_version: 1,
    event_id: randomUUID(),
    verification_id: v.id,
    method: v.method,
    status: v.status,
    reference: v.reference,
    occurred_at: occurredAt,
  };
}

export async function appendOutbox(tx: Queryable, detailType: DetailType, detail: EventDetail): Promise<void> {
  await tx.query('INSERT INTO vc_start.outbox (id, detail_type, detail) VALUES ($1, $2, $3)', [detail.event_id, detailType, JSON.stringify(detail)]);
}

export interface StartOptions {
  /** How long a key is remembered; after that the same key starts a new verification. */
  keyTtlMs: number;
}

/**
 * Starts a verification under an idempotency key. Concurrent requests with one key serialize on the
 * key's primary-key index: the second waits for the first to commit, then replays its response.
 */
export async function startVerification(db: Database, req: StartRequest, key: string, opts: StartOptions): Promise<StartOutcome> {
  const hash = requestHash(req);
  return db.transaction(async (tx) => {
    // Claim the key, or take over one that expired.
    const claimed = await tx.query(
      `INSERT INTO vc_start.idempotency_keys (key, request_hash, response_status, response_body, expires_at)
       VALUES ($1, $2, 0, 'null'::jsonb, now() + make_interval(secs => $3::double precision))
       ON CONFLICT (key) DO UPDATE SET request_hash = EXCLUDED.request_hash, response_status = 0,
         response_body = 'null'::jsonb, created_at = now(), expires_at = EXCLUDED.expires_at
       WHERE vc_start.idempotency_keys.expires_at <= now()
       RETURNING key`,
      [key, hash, opts.keyTtlMs / 1000],
    );
    if (claimed.rowCount === 0) {
      const { rows } = await tx.query<{ request_hash: string; response_status: number; response_body: Verification }>(
        'SELECT request_hash, response_status, response_body FROM vc_start.idempotency_keys WHERE key = $1',
        [key],
      );
      const stored = rows[0];
      if (stored.request_hash !== hash) return { kind: 'key_reused', storedHash: stored.request_hash };
      return { kind: 'replayed', status: stored.response_status, body: stored.response_body };
    }
    const { rows } = await tx.query<VerificationRow>(
      `INSERT INTO vc_start.verifications (id, subject, method, reference, status)
       VALUES ($1, $2, $3, $4, 'pending') RETURNING ${COLUMNS}`,
      [randomUUID(), req.subject, req.method, req.reference ?? null],
    );
    const body = toVerification(rows[0]);
    await appendOutbox(tx, DETAIL_TYPES.requested, eventFor(body, body.created_at));
    await tx.query('UPDATE vc_start.idempotency_keys SET response_status = 201, response_body = $2 WHERE key = $1', [key, JSON.stringify(body)]);
    return { kind: 'created', status: 201, body };
  });
}

export async function getVerification(db: Queryable, id: string): Promise<Verification | null> {
  const { rows } = await db.query<VerificationRow>(`SELECT ${COLUMNS} FROM vc_start.verifications WHERE id = $1`, [id]);
  return rows[0] ? toVerification(rows[0]) : null;
}

/**
 * Moves a pending verification to started and records its event. Returns null when it was not
 * pending (already started, or unknown): applying the same request twice changes nothing.
 */
export async function markStarted(tx: Queryable, id: string): Promise<Verification | null> {
  const { rows } = await tx.query<VerificationRow>(
    `UPDATE vc_start.verifications SET status = 'started', started_at = now(), updated_at = now()
     WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
    [id],
  );
  if (!rows[0]) return null;
  const v = toVerification(rows[0]);
  await appendOutbox(tx, DETAIL_TYPES.started, eventFor(v, v.updated_at));
  return v;
}

/** Forgets keys past their expiry; run from the relay loop. */
export async function sweepExpiredKeys(db: Queryable): Promise<number> {
  const r = await db.query('DELETE FROM vc_start.idempotency_keys WHERE expires_at <= now()');
  return r.rowCount;
}
