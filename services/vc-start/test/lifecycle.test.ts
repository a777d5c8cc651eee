/** PGlite as a kept database across restarts, key expiry sweeps, and which messages the consumer takes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVcStart } from '../src/app.js';
import { MalformedMessage, parseMessage } from '../src/consumer.js';
import { migrate } from '../src/migrations.js';
import { startVerification, sweepExpiredKeys } from '../src/verifications.js';
import { useBackends } from '../../../test/support/services/vc-start-databases.js';

const backends = useBackends({ postgres: false });
const quiet = { logDestination: { write: () => undefined }, writeEmf: () => undefined, accessLog: 'off' as const };

describe('vc-start on PGlite with a data folder', () => {
  it('keeps verifications and the schema across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vc-pglite-'));
    try {
      const env = { PGLITE_DATA_DIR: join(dir, 'db'), SHUTDOWN_DRAIN_DELAY: '0s' };
      const first = await createVcStart({ env, ...quiet });
      const res = await first.service.app.inject({
        method: 'POST', url: '/verifications', headers: { 'content-type': 'application/json', 'idempotency-key': 'keep-1' },
        payload: { subject: 'kept@example.com', method: 'email' },
      });
      expect(res.statusCode).toBe(201);
      await first.service.stop('restart');

      const second = await createVcStart({ env, ...quiet });
      try {
        const got = await second.service.app.inject({ method: 'GET', url: `/verifications/${res.json().id}` });
        expect(got.statusCode).toBe(200);
        expect(got.json()).toEqual(res.json());
        expect(await migrate(second.db)).toEqual({ applied: [], ahead: [] });
      } finally {
        await second.service.stop('test');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('idempotency key sweep', () => {
  it('forgets expired keys and keeps live ones', async () => {
    const db = await backends.fresh('pglite');
    await migrate(db);
    await startVerification(db, { subject: 'a', method: 'sms' }, 'old', { keyTtlMs: 3_600_000 });
    await startVerification(db, { subject: 'b', method: 'sms' }, 'live', { keyTtlMs: 3_600_000 });
    await db.query("UPDATE vc_start.idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = 'old'");
    expect(await sweepExpiredKeys(db)).toBe(1);
    const { rows } = await db.query<{ key: string }>('SELECT key FROM vc_start.idempotency_keys');
    expect(rows.map((r) => r.key)).toEqual(['live']);
  });
});

describe('parseMessage', () => {
  const detail = {
    schema_version: 1, event_id: '3f1e0c55-1c9b-4c3e-9a57-0d6f2b7c9e10', verification_id: '3f1e0c55-1c9b-4c3e-9a57-0d6f2b7c9e11',
    method: 'email', status: 'pending', reference: null, occurred_at: '2026-01-01T00:00:00.000Z',
  };
  const envelope = (over: Record<string, unknown>) => JSON.stringify({ version: '0', id: 'eb-1', source: 'mesh.vc-start', 'detail-type': 'VerificationRequested', detail, ...over });

  it('reads a vc-start event out of the EventBridge envelope', () => {
    expect(parseMessage(envelope({}))).toEqual({ detailType: 'VerificationRequested', detail });
  });
  it('passes over events from other sources (returns null: deleted, not applied)', () => {
    expect(parseMessage(envelope({ source: 'mesh.billing', detail: { anything: true } }))).toBeNull();
  });
  it.each([
    ['not JSON', 'hello', /not JSON/],
    ['no envelope', JSON.stringify({ detail }), /not an EventBridge event/],
    ['a detail off the schema', envelope({ detail: { ...detail, status: 'done' } }), /detail does not match/],
  ])('refuses %s as malformed (it goes to the DLQ)', (_name, body, message) => {
    expect(() => parseMessage(body)).toThrow(MalformedMessage);
    expect(() => parseMessage(body)).toThrow(message);
  });
});
