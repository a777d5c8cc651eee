/**
 * Consumes vc-start's own events from SQS (an EventBridge rule targets the queue; the queue's
 * redrive policy names the dead-letter queue and maxReceiveCount).
 *
 * At-least-once in, exactly-once effect: each event id is recorded in processed_events in the same
 * transaction as its effect, so a redelivery (SQS) or a republish (the outbox relay) changes nothing.
 * A message is deleted only after that transaction commits. A message that cannot be handled is left
 * on the queue: a malformed one becomes visible again at once, so it reaches the DLQ after
 * maxReceiveCount receives; a transient failure waits a jittered backoff first.
 */
import {
  ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import { Ajv } from 'ajv';
import { systemClock } from '../../../common/clock.js';
import { fullJitterDelay } from '../../../common/retry.js';
import { errorMessage } from '../../../common/errors.js';
import type { Database } from './db.js';
import { DETAIL_TYPES, EVENT_SOURCE, eventDetailSchema, eventEnvelopeSchema, type EventDetail } from './contract.js';
import { addContractFormats } from './formats.js';
import { markStarted } from './verifications.js';
import { beginSaga, runSagaStep, SAGA_DETAIL_TYPE, sagaStepDetailSchema, type SagaHooks, type SagaStepDetail, type VerificationProvider } from './saga.js';

export type Outcome = 'applied' | 'duplicate' | 'ignored' | 'malformed' | 'failed';

export type ParsedEvent =
  | { detailType: string; detail: EventDetail }
  | { detailType: typeof SAGA_DETAIL_TYPE; detail: SagaStepDetail };

/** Where VerificationRequested goes: the saga (when `useSaga()` says so) or the legacy path. */
export interface EventRouting {
  provider?: VerificationProvider;
  /** Read per event (a feature flag), so a switch takes effect without a restart. */
  useSaga?: () => boolean;
  sagaHooks?: SagaHooks;
}

const ajv = addContractFormats(new Ajv({ allErrors: true }));
const validEnvelope = ajv.compile(eventEnvelopeSchema);
const validDetail = ajv.compile<EventDetail>(eventDetailSchema);
const validSagaDetail = ajv.compile<SagaStepDetail>(sagaStepDetailSchema);

export class MalformedMessage extends Error {
  override name = 'MalformedMessage';
}

/** Reads an SQS body holding an EventBridge event. Returns null for events that are not vc-start's to handle. */
export function parseMessage(body: string | undefined): ParsedEvent | null {
  let event: unknown;
  try {
    event = JSON.parse(body ?? '');
  } catch {
    throw new MalformedMessage('body is not JSON');
  }
  if (!validEnvelope(event)) throw new MalformedMessage(`not an EventBridge event: ${ajv.errorsText(validEnvelope.errors)}`);
  const e = event as { source: string; 'detail-type': string; detail: unknown };
  if (e.source !== EVENT_SOURCE) return null;
  if (e['detail-type'] === SAGA_DETAIL_TYPE) {
    if (!validSagaDetail(e.detail)) throw new MalformedMessage(`detail does not match the saga step schema: ${ajv.errorsText(validSagaDetail.errors)}`);
    return { detailType: SAGA_DETAIL_TYPE, detail: e.detail };
  }
  if (!validDetail(e.detail)) throw new MalformedMessage(`detail does not match the vc-start event schema: ${ajv.errorsText(validDetail.errors)}`);
  return { detailType: e['detail-type'], detail: e.detail };
}

/** Applies one event exactly once. */
export async function handleEvent(db: Database, ev: ParsedEvent, routing: EventRouting = {}): Promise<Outcome> {
  if (ev.detailType === SAGA_DETAIL_TYPE) {
    // Steps of a saga started while the provider was configured; without it they wait (and retry).
    if (!routing.provider) throw new Error('a saga step arrived but VERIFICATION_PROVIDER_URL is not set');
    return runSagaStep(db, routing.provider, ev.detail as SagaStepDetail, routing.sagaHooks);
  }
  const saga = !!routing.provider && (routing.useSaga?.() ?? false);
  return db.transaction(async (tx) => {
    const fresh = await tx.query(
      'INSERT INTO vc_start.processed_events (event_id, detail_type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
      [ev.detail.event_id, ev.detailType],
    );
    if (fresh.rowCount === 0) return 'duplicate';
    if (ev.detailType === DETAIL_TYPES.requested) {
      // Strangler Fig: the flag moves this event from the legacy path to the saga, one event at a time.
      if (saga) await beginSaga(tx, ev.detail.verification_id);
      else await markStarted(tx, ev.detail.verification_id);
      return 'applied';
    }
    // Our other events are facts for other consumers; recorded so a replay is cheap.
    return 'ignored';
  });
}

export interface ConsumerOptions {
  queueUrl: string;
  /** Long-poll wait, 0–20 s. */
  waitTimeSeconds?: number;
  maxMessages?: number;
  retryBaseMs?: number;
  random?: () => number;
  onOutcome?: (outcome: Outcome, message: Message, err?: unknown) => void;
  onError?: (err: unknown) => void;
  routing?: EventRouting;
}

export interface PollResult {
  received: number;
  deleted: number;
  outcomes: Record<Outcome, number>;
}

export class SqsConsumer {
  constructor(private readonly sqs: SQSClient, private readonly db: Database, private readonly opts: ConsumerOptions) {}

  async pollOnce(signal?: AbortSignal): Promise<PollResult> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.opts.queueUrl,
        MaxNumberOfMessages: this.opts.maxMessages ?? 10,
        WaitTimeSeconds: this.opts.waitTimeSeconds ?? 20,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      { abortSignal: signal },
    );
    const messages = out.Messages ?? [];
    const outcomes: Record<Outcome, number> = { applied: 0, duplicate: 0, ignored: 0, malformed: 0, failed: 0 };
    const done: Message[] = [];
    for (const m of messages) {
      const outcome = await this.handle(m);
      outcomes[outcome]++;
      if (outcome !== 'malformed' && outcome !== 'failed') done.push(m);
    }
    const deleted = await this.delete(done);
    return { received: messages.length, deleted, outcomes };
  }

  private async handle(m: Message): Promise<Outcome> {
    let outcome: Outcome;
    let error: unknown;
    try {
      const ev = parseMessage(m.Body);
      outcome = ev ? await handleEvent(this.db, ev, this.opts.routing) : 'ignored';
    } catch (err) {
      error = err;
      outcome = err instanceof MalformedMessage ? 'malformed' : 'failed';
      await this.deferRetry(m, outcome === 'malformed' ? 0 : this.backoffSeconds(m));
    }
    this.opts.onOutcome?.(outcome, m, error);
    return outcome;
  }

  private backoffSeconds(m: Message): number {
    const receives = Number(m.Attributes?.ApproximateReceiveCount ?? '1');
    return Math.ceil(fullJitterDelay(receives, this.opts.retryBaseMs ?? 2000, 300_000, this.opts.random ?? Math.random) / 1000);
  }

  private async deferRetry(m: Message, seconds: number): Promise<void> {
    try {
      await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.opts.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: seconds }));
    } catch (err) {
      // The visibility timeout then applies as it is: still a retry, only later.
      this.opts.onError?.(err);
    }
  }

  /** Deletes handled messages; one that fails to delete comes back and is deduplicated. */
  private async delete(messages: Message[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      try {
        const r = await this.sqs.send(new DeleteMessageBatchCommand({
          QueueUrl: this.opts.queueUrl,
          Entries: batch.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
        }));
        deleted += r.Successful?.length ?? 0;
        for (const f of r.Failed ?? []) this.opts.onError?.(new Error(`delete of message ${batch[Number(f.Id)]?.MessageId} failed: ${f.Code} ${f.Message ?? ''}`));
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
    return deleted;
  }

  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        this.opts.onError?.(new Error(`receive failed: ${errorMessage(err)}`));
        // SQS unreachable: back off instead of spinning.
        const ms = fullJitterDelay(Math.min(failures++, 6), 500, 30_000, this.opts.random ?? Math.random);
        await systemClock.sleep(ms, signal).catch(() => undefined);
      }
    }
  }
}
