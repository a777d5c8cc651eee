/**
 * The outbox relay: publishes committed events to EventBridge, at least once.
 *
 * Rows are claimed with a lease (a short transaction pushes next_attempt_at forward), published with
 * no transaction open, then marked. A relay that dies anywhere in between leaves rows whose lease
 * runs out and that the next pass publishes again: no event is lost, some may be published twice,
 * and consumers deduplicate on detail.event_id. Several relays (one per task) share the table
 * through FOR UPDATE SKIP LOCKED.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Clock } from '../../../common/clock.js';
import { systemClock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import { fullJitterDelay, isTransientError } from '../../../common/retry.js';
import type { Database } from './db.js';
import { EVENT_SOURCE, type EventDetail } from './contract.js';

/** PutEvents takes at most 10 entries and 256 KiB per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

export interface OutboxRow {
  id: string;
  seq: number;
  detail_type: string;
  detail: EventDetail;
  attempts: number;
}

export interface EntryResult {
  ok: boolean;
  error?: string;
  /** EventBridge's error code (or the SDK error's name), for logs: never carries the payload. */
  code?: string;
  /** The failure may pass on its own (throttling, an internal error, a 5xx): such failures never park an entry. */
  transient?: boolean;
}

/**
 * Per-entry codes that are not about the entry: "try again later" (throttling, internal failure) or
 * our own setup (IAM, a missing bus), which a fix makes pass. Such entries are never parked.
 */
const NOT_THE_ENTRY = /Internal|Throttl|NotAuthorized|AccessDenied|NotFound/;

/** Failed attempts after which an entry EventBridge keeps refusing is parked (OUTBOX_MAX_ATTEMPTS). */
export const DEFAULT_MAX_ATTEMPTS = 20;

/** Sends one PutEvents call; returns one result per entry, in order. */
export type PutEvents = (entries: PutEventsRequestEntry[], signal?: AbortSignal) => Promise<EntryResult[]>;

export function eventBridgePutEvents(client: EventBridgeClient): PutEvents {
  return async (entries, signal) => {
    const out = await client.send(new PutEventsCommand({ Entries: entries }), { abortSignal: signal });
    // The response lists one entry per request entry, in request order; an ErrorCode marks a failure.
    return entries.map((_, i) => {
      const r = out.Entries?.[i];
      if (!r) return { ok: false, error: 'no result for this entry', code: 'NoResult', transient: true };
      if (!r.ErrorCode) return { ok: true };
      return { ok: false, error: `${r.ErrorCode}: ${r.ErrorMessage ?? ''}`.trim(), code: r.ErrorCode, transient: NOT_THE_ENTRY.test(r.ErrorCode) };
    });
  };
}

export function toEntry(row: OutboxRow, eventBusName: string): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: row.detail_type,
    Detail: JSON.stringify(row.detail),
    Time: new Date(row.detail.occurred_at),
  };
}

/** The size EventBridge counts for an entry (UTF-8 bytes of its strings, 14 for Time). */
export function entrySize(e: PutEventsRequestEntry): number {
  const bytes = (s?: string) => (s ? Buffer.byteLength(s, 'utf8') : 0);
  return 14 + bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail) + (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0);
}

/** Splits items into calls of ≤ 10 entries and ≤ 256 KiB. An entry too large alone gets a call of its own (and EventBridge's error). */
export function chunkEntries<T>(items: T[], entryOf: (item: T) => PutEventsRequestEntry): T[][] {
  const chunks: T[][] = [];
  let cur: T[] = [];
  let size = 0;
  for (const e of items) {
    const s = entrySize(entryOf(e));
    if (cur.length && (cur.length === PUT_EVENTS_MAX_ENTRIES || size + s > PUT_EVENTS_MAX_BYTES)) {
      chunks.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(e);
    size += s;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/**
 * Whether a failed call says something about its entry rather than about the bus, the network or
 * our own setup: only a ValidationException on a call of one entry (the 256 KiB case: chunkEntries
 * gives an oversized entry a call of its own). Access denied, a missing bus, bad credentials, an
 * abort or an outage are not the entry's fault and must never park events.
 */
export function refusesTheEntry(err: unknown, entries: number, signal?: AbortSignal): boolean {
  if (signal?.aborted || entries !== 1 || isTransientError(err)) return false;
  return err instanceof Error && err.name === 'ValidationException';
}

export interface RelayOptions {
  eventBusName: string;
  /** Rows claimed per pass. */
  batchSize?: number;
  /** How long a claim holds before another relay may take the row. */
  leaseMs?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /**
   * Attempts after which an entry whose latest failure is permanent (not throttling, not a 5xx) is
   * parked as dead instead of retried forever. Default DEFAULT_MAX_ATTEMPTS.
   */
  maxAttempts?: number;
  /** An entry was parked; `code` is the error code (the payload is never passed). */
  onDead?: (dead: DeadEntry) => void;
  /** Idle wait between passes that found nothing. */
  pollMs?: number;
  clock?: Clock;
  random?: () => number;
  onError?: (err: unknown) => void;
  /** After each pass that claimed something. */
  onPass?: (pass: RelayPass) => void;
}

export interface RelayPass {
  claimed: number;
  published: number;
  /** Failed and left for a later pass. */
  failed: number;
  /** Failed for good and parked (dead_at set); not counted in `failed`. */
  dead: number;
}

export interface DeadEntry {
  outboxId: string;
  eventId: string;
  detailType: string;
  attempts: number;
  code: string;
}

export class OutboxRelay {
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxAttempts: number;

  constructor(private readonly db: Database, private readonly putEvents: PutEvents, private readonly opts: RelayOptions) {
    this.batchSize = opts.batchSize ?? 50;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async claim(): Promise<OutboxRow[]> {
    const { rows } = await this.db.query<OutboxRow>(
      `UPDATE vc_start.outbox SET next_attempt_at = now() + make_interval(secs => $2::double precision), attempts = attempts + 1
       WHERE id IN (SELECT id FROM vc_start.outbox WHERE published_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now()
                    ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, seq::float8 AS seq, detail_type, detail, attempts`,
      [this.batchSize, this.leaseMs / 1000],
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq), attempts: Number(r.attempts) })).sort((a, b) => a.seq - b.seq);
  }

  /** Publishes what is due once. Only the entries that failed are tried again, on a later pass. */
  async relayOnce(signal?: AbortSignal): Promise<RelayPass> {
    const rows = await this.claim();
    if (rows.length === 0) return { claimed: 0, published: 0, failed: 0, dead: 0 };
    const entries = rows.map((row) => ({ row, entry: toEntry(row, this.opts.eventBusName) }));
    const published: string[] = [];
    const failed: { row: OutboxRow; result: EntryResult }[] = [];
    for (const chunk of chunkEntries(entries, (e) => e.entry)) {
      let results: EntryResult[];
      try {
        results = await this.putEvents(chunk.map((e) => e.entry), signal);
      } catch (err) {
        // The whole call failed (after the SDK's own retries): every entry in it is retried later.
        const code = err instanceof Error ? err.name : 'Error';
        const permanent = refusesTheEntry(err, chunk.length, signal);
        results = chunk.map(() => ({ ok: false, error: errorMessage(err), code, transient: !permanent }));
        this.opts.onError?.(err);
      }
      chunk.forEach((e, i) => (results[i]?.ok ? published.push(e.row.id) : failed.push({ row: e.row, result: results[i] ?? { ok: false, error: 'unknown', transient: true } })));
    }
    if (published.length) {
      await this.db.query('UPDATE vc_start.outbox SET published_at = now(), last_error = NULL WHERE id = ANY($1::uuid[])', [published]);
    }
    let dead = 0;
    for (const f of failed) {
      const error = (f.result.error ?? 'unknown').slice(0, 1000);
      // Only a permanent refusal parks an entry: an outage (5xx, throttling, resets) may outlast any count.
      if (!f.result.transient && f.row.attempts >= this.maxAttempts) {
        await this.db.query('UPDATE vc_start.outbox SET dead_at = now(), last_error = $2 WHERE id = $1', [f.row.id, error]);
        dead++;
        this.opts.onDead?.({ outboxId: f.row.id, eventId: f.row.detail.event_id, detailType: f.row.detail_type, attempts: f.row.attempts, code: f.result.code ?? 'unknown' });
        continue;
      }
      const delay = fullJitterDelay(f.row.attempts, this.opts.retryBaseMs ?? 1000, this.opts.retryCapMs ?? 300_000, this.random);
      await this.db.query(
        'UPDATE vc_start.outbox SET next_attempt_at = now() + make_interval(secs => $2::double precision), last_error = $3 WHERE id = $1',
        [f.row.id, delay / 1000, error],
      );
    }
    const pass = { claimed: rows.length, published: published.length, failed: failed.length - dead, dead };
    this.opts.onPass?.(pass);
    return pass;
  }

  /** Relays until the signal aborts; a full batch is followed at once by another pass. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let pass: RelayPass = { claimed: 0, published: 0, failed: 0, dead: 0 };
      try {
        pass = await this.relayOnce(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.opts.onError?.(err);
      }
      if (pass.claimed < this.batchSize) await this.clock.sleep(this.opts.pollMs ?? 1000, signal).catch(() => undefined);
    }
  }
}

/** How many events wait to be published, and the age of the oldest: the relay's health. Parked entries are not waiting. */
export async function outboxBacklog(db: Database): Promise<{ pending: number; oldestAgeSeconds: number }> {
  const { rows } = await db.query<{ pending: string | number; age: number | null }>(
    `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float8 AS age
     FROM vc_start.outbox WHERE published_at IS NULL AND dead_at IS NULL`,
  );
  return { pending: Number(rows[0].pending), oldestAgeSeconds: rows[0].age ?? 0 };
}

/** Entries parked as dead: each needs a person (fix and requeue by clearing dead_at, or delete). */
export async function outboxDeadCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ dead: string | number }>('SELECT count(*)::int AS dead FROM vc_start.outbox WHERE dead_at IS NOT NULL');
  return Number(rows[0].dead);
}
