/**
 * The verification-start saga: the new implementation of what VerificationRequested triggers
 * (the legacy path only marks the verification started). Three steps at the verification
 * provider and here, each one event on the bus, with a compensation when a later step is refused:
 *
 *   open_case → send_challenge → mark_started   (completed)
 *                     └─ refused → close_case   (compensated: the case opened in step 1 is closed)
 *
 * Every step is a `VerificationSagaStep` event written to the outbox with the state change that
 * calls for it, relayed to EventBridge, delivered through SQS and run by the consumer. State lives
 * in vc_start.sagas (id, step, status, compensation). Exactly once:
 * - a step's state change commits with its event id in processed_events and only while the saga is
 *   still at that step, so a redelivered or republished event changes nothing;
 * - a step's call to the provider runs before that commit and carries the idempotency key
 *   `<saga id>:<step>`, so a crash between the call and the commit (the message comes back) repeats
 *   the call and the provider answers it as the first time: one case, one challenge.
 */
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../../common/errors.js';
import type { HttpClient } from '../../kit/src/index.js';
import type { Database, Queryable } from './db.js';
import { type Method } from './contract.js';
import { markStarted } from './verifications.js';

export const SAGA_DETAIL_TYPE = 'VerificationSagaStep';
export const SAGA_KIND = 'verification-start';
/** The flag (AppConfig) that routes VerificationRequested to the saga instead of the legacy path. */
export const SAGA_FLAG = 'verification-start-saga';

export const SAGA_STEPS = ['open_case', 'send_challenge', 'mark_started', 'close_case'] as const;
export type SagaStep = (typeof SAGA_STEPS)[number];
export type SagaStatus = 'running' | 'completed' | 'compensating' | 'compensated';

export interface SagaStepDetail {
  schema_version: 1;
  event_id: string;
  saga_id: string;
  verification_id: string;
  step: SagaStep;
  occurred_at: string;
}

export const sagaStepDetailSchema = {
  $id: 'vc-start/saga-step-detail',
  type: 'object',
  additionalProperties: false,
  required: ['schema_version', 'event_id', 'saga_id', 'verification_id', 'step', 'occurred_at'],
  properties: {
    schema_version: { const: 1 },
    event_id: { type: 'string', format: 'uuid' },
    saga_id: { type: 'string', format: 'uuid' },
    verification_id: { type: 'string', format: 'uuid' },
    step: { type: 'string', enum: [...SAGA_STEPS] },
    occurred_at: { type: 'string', format: 'date-time' },
  },
} as const;

/** The provider refused for good (e.g. an undeliverable number): the saga compensates. */
export class ProviderRefusal extends Error {
  override name = 'ProviderRefusal';
}

/**
 * The verification provider. Every call carries an idempotency key: the same key twice has the
 * effect of one call and the same answer.
 */
export interface VerificationProvider {
  openCase(key: string, v: { verificationId: string; method: Method }): Promise<{ caseId: string }>;
  /** Throws ProviderRefusal when the challenge cannot be sent at all. */
  sendChallenge(key: string, caseId: string): Promise<void>;
  closeCase(key: string, caseId: string): Promise<void>;
}

/** The provider over HTTP (the kit's client: timeout, retries of keyed calls, breaker). */
export function httpVerificationProvider(http: HttpClient): VerificationProvider {
  const keyed = (key: string) => ({ headers: { 'idempotency-key': key }, idempotent: true });
  const expect = (status: number, what: string, ok: number[]) => {
    if (!ok.includes(status)) throw new Error(`verification provider: ${what} answered HTTP ${status}`);
  };
  return {
    async openCase(key, v) {
      const res = await http.post('/cases', { ...keyed(key), json: { verification_id: v.verificationId, method: v.method } });
      expect(res.status, 'open case', [200, 201]);
      const caseId = res.json<{ case_id?: unknown }>().case_id;
      if (typeof caseId !== 'string' || !caseId) throw new Error('verification provider: open case answered without a case_id');
      return { caseId };
    },
    async sendChallenge(key, caseId) {
      const res = await http.post(`/cases/${encodeURIComponent(caseId)}/challenges`, keyed(key));
      if (res.status === 422) throw new ProviderRefusal(`challenge refused: ${res.json<{ message?: string }>().message ?? 'no reason given'}`);
      expect(res.status, 'send challenge', [200, 201, 202]);
    },
    async closeCase(key, caseId) {
      const res = await http.request('DELETE', `/cases/${encodeURIComponent(caseId)}`, keyed(key));
      // Already closed or gone: the compensation's goal holds.
      expect(res.status, 'close case', [200, 204, 404]);
    },
  };
}

export interface SagaRow {
  id: string;
  verification_id: string;
  step: SagaStep | 'done';
  status: SagaStatus;
  compensation: string | null;
  case_id: string | null;
  method: Method;
}

function stepEvent(sagaId: string, verificationId: string, step: SagaStep): SagaStepDetail {
  return { schema_version: 1, event_id: randomUUID(), saga_id: sagaId, verification_id: verificationId, step, occurred_at: new Date().toISOString() };
}

async function emit(tx: Queryable, d: SagaStepDetail): Promise<void> {
  await tx.query('INSERT INTO vc_start.outbox (id, detail_type, detail) VALUES ($1, $2, $3)', [d.event_id, SAGA_DETAIL_TYPE, JSON.stringify(d)]);
}

/** Starts the saga for a verification, once: a second VerificationRequested for it starts nothing. */
export async function beginSaga(tx: Queryable, verificationId: string): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO vc_start.sagas (id, kind, verification_id, step, status) VALUES ($1, $2, $3, 'open_case', 'running')
     ON CONFLICT (verification_id) DO NOTHING RETURNING id`,
    [randomUUID(), SAGA_KIND, verificationId],
  );
  if (!rows[0]) return null;
  await emit(tx, stepEvent(rows[0].id, verificationId, 'open_case'));
  return rows[0].id;
}

export async function getSaga(db: Queryable, id: string): Promise<SagaRow | null> {
  const { rows } = await db.query<SagaRow>(
    `SELECT s.id, s.verification_id, s.step, s.status, s.compensation, s.case_id, v.method
     FROM vc_start.sagas s JOIN vc_start.verifications v ON v.id = s.verification_id WHERE s.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** What a step did at the provider, decided before the commit that records it. */
type StepResult =
  | { kind: 'case_opened'; caseId: string }
  | { kind: 'challenge_sent' }
  | { kind: 'challenge_refused'; reason: string }
  | { kind: 'local' }
  | { kind: 'case_closed' };

export type SagaOutcome = 'applied' | 'duplicate';

export interface SagaHooks {
  /** Called after the provider call and before the commit: tests crash here. */
  beforeCommit?: (step: SagaStep) => void | Promise<void>;
}

/**
 * Runs one step event. Returns 'duplicate' when the event was seen before or the saga has already
 * moved past that step (a republished or redelivered event); throws when the provider call fails
 * transiently (the message stays on the queue and comes back).
 */
export async function runSagaStep(db: Database, provider: VerificationProvider, d: SagaStepDetail, hooks: SagaHooks = {}): Promise<SagaOutcome> {
  const saga = await getSaga(db, d.saga_id);
  if (!saga || saga.step !== d.step) return recordSeen(db, d);
  const key = `${saga.id}:${d.step}`;
  let result: StepResult;
  switch (d.step) {
    case 'open_case':
      result = { kind: 'case_opened', caseId: (await provider.openCase(key, { verificationId: saga.verification_id, method: saga.method })).caseId };
      break;
    case 'send_challenge':
      try {
        await provider.sendChallenge(key, saga.case_id!);
        result = { kind: 'challenge_sent' };
      } catch (err) {
        if (!(err instanceof ProviderRefusal)) throw err;
        result = { kind: 'challenge_refused', reason: errorMessage(err).slice(0, 500) };
      }
      break;
    case 'mark_started':
      result = { kind: 'local' };
      break;
    case 'close_case':
      await provider.closeCase(key, saga.case_id!);
      result = { kind: 'case_closed' };
      break;
  }
  await hooks.beforeCommit?.(d.step);
  return db.transaction(async (tx) => {
    if (!(await claimEvent(tx, d))) return 'duplicate';
    const advance = async (set: { step: SagaRow['step']; status: SagaStatus; compensation?: string; caseId?: string }) => {
      const r = await tx.query(
        `UPDATE vc_start.sagas SET step = $3, status = $4, compensation = COALESCE($5, compensation), case_id = COALESCE($6, case_id), updated_at = now()
         WHERE id = $1 AND step = $2`,
        [saga.id, d.step, set.step, set.status, set.compensation ?? null, set.caseId ?? null],
      );
      return r.rowCount === 1;
    };
    switch (result.kind) {
      case 'case_opened':
        if (!(await advance({ step: 'send_challenge', status: 'running', caseId: result.caseId }))) return 'duplicate';
        await emit(tx, stepEvent(saga.id, saga.verification_id, 'send_challenge'));
        break;
      case 'challenge_sent':
        if (!(await advance({ step: 'mark_started', status: 'running' }))) return 'duplicate';
        await emit(tx, stepEvent(saga.id, saga.verification_id, 'mark_started'));
        break;
      case 'challenge_refused':
        if (!(await advance({ step: 'close_case', status: 'compensating', compensation: `close_case after send_challenge failed: ${result.reason}` }))) return 'duplicate';
        await emit(tx, stepEvent(saga.id, saga.verification_id, 'close_case'));
        break;
      case 'local':
        if (!(await advance({ step: 'done', status: 'completed' }))) return 'duplicate';
        await markStarted(tx, saga.verification_id);
        break;
      case 'case_closed':
        if (!(await advance({ step: 'done', status: 'compensated' }))) return 'duplicate';
        break;
    }
    return 'applied';
  });
}

async function claimEvent(tx: Queryable, d: SagaStepDetail): Promise<boolean> {
  const fresh = await tx.query(
    'INSERT INTO vc_start.processed_events (event_id, detail_type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
    [d.event_id, SAGA_DETAIL_TYPE],
  );
  return fresh.rowCount === 1;
}

async function recordSeen(db: Database, d: SagaStepDetail): Promise<SagaOutcome> {
  await db.transaction((tx) => claimEvent(tx, d));
  return 'duplicate';
}
