/**
 * The verification-start saga end to end on moto: outbox → EventBridge → rule → SQS → consumer, one
 * event per step, the provider a real HTTP server keyed by idempotency keys. On PostgreSQL and
 * PGlite: the flag switches between the legacy path and the saga; a refused step compensates; a crash
 * between a step's provider call and its commit, and every event delivered twice, still end in one
 * case, one challenge, one VerificationStarted.
 */
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsClient } from '../../../common/aws.js';
import { serveJson } from '../../../test/support/json-server.js';
import { startMoto, type Moto } from '../../../test/support/moto.js';
import { HttpClient } from '../../kit/src/index.js';
import { SqsConsumer, type EventRouting } from '../src/consumer.js';
import type { Database } from '../src/db.js';
import { migrate } from '../src/migrations.js';
import { eventBridgePutEvents, OutboxRelay } from '../src/outbox.js';
import { httpVerificationProvider, SAGA_DETAIL_TYPE, type SagaStep } from '../src/saga.js';
import { getVerification, startVerification } from '../src/verifications.js';
import { BACKENDS, useBackends } from '../../../test/support/services/vc-start-databases.js';

const backends = useBackends();
let moto: Moto;
let sqs: SQSClient;
let events: EventBridgeClient;
const BUS = 'saga-bus';

/** A verification provider: each idempotency key has its effect once and gets the same answer again. */
async function startProvider(refuse: (method: string) => boolean) {
  const answers = new Map<string, [number, unknown]>();
  const calls: string[] = [];
  const effects = { opened: 0, challenges: 0, closed: 0 };
  const cases = new Map<string, { method: string; open: boolean }>();
  const server = await serveJson((req, body) => {
    const key = String(req.headers['idempotency-key'] ?? '');
    calls.push(`${req.method} ${req.url}`);
    const seen = answers.get(key);
    if (seen) return seen;
    let answer: [number, unknown];
    const m = /^\/cases\/([^/]+)(\/challenges)?$/.exec(req.url ?? '');
    if (req.method === 'POST' && req.url === '/cases') {
      const id = `case-${cases.size + 1}`;
      cases.set(id, { method: (body as { method: string }).method, open: true });
      effects.opened++;
      answer = [201, { case_id: id }];
    } else if (req.method === 'POST' && m?.[2]) {
      const c = cases.get(m[1]);
      if (!c?.open) answer = [404, { message: 'no such case' }];
      else if (refuse(c.method)) answer = [422, { message: `cannot deliver by ${c.method}` }];
      else {
        effects.challenges++;
        answer = [202, {}];
      }
    } else if (req.method === 'DELETE' && m) {
      const c = cases.get(m[1]);
      if (c?.open) {
        c.open = false;
        effects.closed++;
      }
      answer = [204, {}];
    } else answer = [400, { message: 'unexpected' }];
    answers.set(key, answer);
    return answer;
  });
  const provider = httpVerificationProvider(new HttpClient({ name: 'provider', baseUrl: server.endpoint, timeoutMs: 2000, retryBaseMs: 1 }));
  return { provider, effects, calls, stop: server.stop };
}

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.env);
  sqs = awsClient(SQSClient, { maxAttempts: 2, retryBaseMs: 1 });
  events = awsClient(EventBridgeClient, { maxAttempts: 2, retryBaseMs: 1 });
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

/** The platform's wiring: bus → rule (source mesh.vc-start) → queue. */
async function wire(name: string): Promise<string> {
  const q = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '30' } }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new CreateEventBusCommand({ Name: BUS }));
  await events.send(new PutRuleCommand({ Name: `${name}-rule`, EventBusName: BUS, EventPattern: JSON.stringify({ source: ['mesh.vc-start'] }) }));
  await events.send(new PutTargetsCommand({ Rule: `${name}-rule`, EventBusName: BUS, Targets: [{ Id: 'queue', Arn: arn }] }));
  return q.QueueUrl!;
}

/** Relays and consumes until nothing is left on either side; returns the consumer's outcomes. */
async function settle(db: Database, consumer: SqsConsumer) {
  const relay = new OutboxRelay(db, eventBridgePutEvents(events), { eventBusName: BUS, random: () => 0 });
  const total = { applied: 0, duplicate: 0, ignored: 0, malformed: 0, failed: 0 };
  for (let quiet = 0, i = 0; quiet < 2 && i < 60; i++) {
    const pass = await relay.relayOnce();
    const polled = await consumer.pollOnce();
    for (const [k, v] of Object.entries(polled.outcomes)) total[k as keyof typeof total] += v;
    quiet = pass.claimed === 0 && polled.received === 0 ? quiet + 1 : 0;
  }
  return total;
}

async function seed(db: Database, method: 'email' | 'sms', key: string): Promise<string> {
  const r = await startVerification(db, { subject: `${key}@example.com`, method }, key, { keyTtlMs: 3_600_000 });
  if (r.kind !== 'created') throw new Error('expected created');
  return r.body.id;
}

async function sagaOf(db: Database, verificationId: string) {
  const { rows } = await db.query<{ step: string; status: string; compensation: string | null }>(
    'SELECT step, status, compensation FROM vc_start.sagas WHERE verification_id = $1', [verificationId],
  );
  return rows;
}

async function outboxTypes(db: Database): Promise<Record<string, number>> {
  const { rows } = await db.query<{ t: string; n: number }>('SELECT detail_type AS t, count(*)::int AS n FROM vc_start.outbox GROUP BY detail_type');
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

describe.each(BACKENDS)('verification-start saga on moto and %s', (kind) => {
  // PGlite's first start and a pass over moto per step: well past the default timeout on a busy machine.
  const run = (name: string, fn: () => Promise<void>) => (backends.available(kind) ? it : it.skip)(name, fn, 180_000);

  run('the flag routes VerificationRequested: off → the legacy path, on → the saga, which completes', async () => {
    const queueUrl = await wire(`saga-flag-${kind}`);
    const db = await backends.fresh(kind);
    await migrate(db);
    const provider = await startProvider(() => false);
    let sagaOn = false;
    const routing: EventRouting = { provider: provider.provider, useSaga: () => sagaOn };
    const consumer = new SqsConsumer(sqs, db, { queueUrl, waitTimeSeconds: 0, random: () => 0, routing });
    try {
      const legacy = await seed(db, 'email', `legacy-${kind}`);
      await settle(db, consumer);
      expect((await getVerification(db, legacy))?.status).toBe('started');
      expect(await sagaOf(db, legacy)).toEqual([]);
      expect(provider.effects).toEqual({ opened: 0, challenges: 0, closed: 0 });

      sagaOn = true;
      const viaSaga = await seed(db, 'email', `saga-${kind}`);
      await settle(db, consumer);
      expect(await sagaOf(db, viaSaga)).toEqual([{ step: 'done', status: 'completed', compensation: null }]);
      expect((await getVerification(db, viaSaga))?.status).toBe('started');
      expect(provider.effects).toEqual({ opened: 1, challenges: 1, closed: 0 });
      // Two verifications, two VerificationStarted; the saga's three steps each went over the bus.
      expect(await outboxTypes(db)).toEqual({ VerificationRequested: 2, VerificationStarted: 2, [SAGA_DETAIL_TYPE]: 3 });
      const unpublished = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.outbox WHERE published_at IS NULL');
      expect(unpublished.rows[0].n).toBe(0);
    } finally {
      await provider.stop();
    }
  });

  run('a refused challenge compensates: the case opened in the first step is closed, the verification is not started', async () => {
    const queueUrl = await wire(`saga-comp-${kind}`);
    const db = await backends.fresh(kind);
    await migrate(db);
    const provider = await startProvider((method) => method === 'sms');
    const consumer = new SqsConsumer(sqs, db, { queueUrl, waitTimeSeconds: 0, random: () => 0, routing: { provider: provider.provider, useSaga: () => true } });
    try {
      const id = await seed(db, 'sms', `comp-${kind}`);
      const outcomes = await settle(db, consumer);
      expect(outcomes).toMatchObject({ failed: 0, malformed: 0 });
      expect(await sagaOf(db, id)).toEqual([{ step: 'done', status: 'compensated', compensation: 'close_case after send_challenge failed: challenge refused: cannot deliver by sms' }]);
      expect((await getVerification(db, id))?.status).toBe('pending');
      expect(provider.effects).toEqual({ opened: 1, challenges: 0, closed: 1 });
      expect(await outboxTypes(db)).toEqual({ VerificationRequested: 1, [SAGA_DETAIL_TYPE]: 3 });
    } finally {
      await provider.stop();
    }
  });

  run('a crash between a step\'s provider call and its commit, then every event delivered again: each effect happens once', async () => {
    const queueUrl = await wire(`saga-crash-${kind}`);
    const db = await backends.fresh(kind);
    await migrate(db);
    const provider = await startProvider((method) => method === 'sms');
    // The process dies after the provider answered and before the step's transaction commits: the
    // message is not deleted and comes back (visibility 0 here, its timeout in production).
    const crashes: SagaStep[] = [];
    const crashOnce = new Set<SagaStep>(['open_case', 'send_challenge', 'close_case']);
    const routing: EventRouting = {
      provider: provider.provider,
      useSaga: () => true,
      sagaHooks: {
        beforeCommit: (step) => {
          if (crashOnce.delete(step)) {
            crashes.push(step);
            throw new Error(`crash before committing ${step}`);
          }
        },
      },
    };
    const consumer = new SqsConsumer(sqs, db, { queueUrl, waitTimeSeconds: 0, random: () => 0, routing });
    try {
      const completes = await seed(db, 'email', `crash-ok-${kind}`);
      const compensates = await seed(db, 'sms', `crash-comp-${kind}`);
      const first = await settle(db, consumer);
      expect(crashes.sort()).toEqual(['close_case', 'open_case', 'send_challenge']);
      expect(first.failed).toBe(3);

      // Every event (saga steps included) published and delivered a second time: nothing changes.
      const again = await db.query('UPDATE vc_start.outbox SET published_at = NULL, next_attempt_at = now()');
      expect(again.rowCount).toBe(9);
      const second = await settle(db, consumer);
      expect(second).toMatchObject({ applied: 0, duplicate: 9, failed: 0, malformed: 0 });

      expect(await sagaOf(db, completes)).toEqual([{ step: 'done', status: 'completed', compensation: null }]);
      expect(await sagaOf(db, compensates)).toEqual([{ step: 'done', status: 'compensated', compensation: 'close_case after send_challenge failed: challenge refused: cannot deliver by sms' }]);
      expect((await getVerification(db, completes))?.status).toBe('started');
      expect((await getVerification(db, compensates))?.status).toBe('pending');
      // Provider calls were repeated after each crash; their effects were not.
      expect(provider.calls.length).toBeGreaterThan(6);
      expect(provider.effects).toEqual({ opened: 2, challenges: 1, closed: 1 });
      expect(await outboxTypes(db)).toEqual({ VerificationRequested: 2, VerificationStarted: 1, [SAGA_DETAIL_TYPE]: 6 });
      console.log(`saga crash test (${kind}): ${crashes.length} crashes between a provider call and its commit, ${provider.calls.length} provider calls, effects ${JSON.stringify(provider.effects)}, 1 completed + 1 compensated, ${second.duplicate} redeliveries ignored`);
    } finally {
      await provider.stop();
    }
  });
});
