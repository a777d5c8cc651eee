/**
 * Events end to end on moto: the relay publishes to an EventBridge bus, a rule delivers to SQS, the
 * consumer applies them once. Crashes at each step lose nothing, and duplicates change nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsClient } from '../../../common/aws.js';
import { freePort, startMoto, type Moto } from '../../../test/support/moto.js';
import { repoRoot } from '../../../test/support/harness.js';
import { createVcStart } from '../src/app.js';
import { SqsConsumer, type PollResult } from '../src/consumer.js';
import type { Database } from '../src/db.js';
import { migrate } from '../src/migrations.js';
import { eventBridgePutEvents, OutboxRelay, type PutEvents } from '../src/outbox.js';
import { getVerification, startVerification } from '../src/verifications.js';
import { useBackends } from '../../../test/support/services/vc-start-databases.js';

const backends = useBackends();
let moto: Moto;
let sqs: SQSClient;
let events: EventBridgeClient;
const BUS = 'mesh-bus';

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.env);
  sqs = awsClient(SQSClient, { maxAttempts: 2, retryBaseMs: 1 });
  events = awsClient(EventBridgeClient, { maxAttempts: 2, retryBaseMs: 1 });
});
// Children a test started; killed afterwards even when the test timed out.
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  await moto?.stop();
});

interface Wiring {
  queueUrl: string;
  dlqUrl: string;
}

/** The platform's wiring for vc-start (infra-templates create the same): bus → rule → queue → DLQ. */
async function wire(name: string): Promise<Wiring> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const q = await sqs.send(new CreateQueueCommand({
    QueueName: name,
    Attributes: { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
  }));
  const qArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new CreateEventBusCommand({ Name: BUS })).catch(() => undefined);
  await events.send(new PutRuleCommand({ Name: `${name}-rule`, EventBusName: BUS, EventPattern: JSON.stringify({ source: ['mesh.vc-start'] }) }));
  await events.send(new PutTargetsCommand({ Rule: `${name}-rule`, EventBusName: BUS, Targets: [{ Id: 'queue', Arn: qArn }] }));
  return { queueUrl: q.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}

async function drain(consumer: SqsConsumer, rounds = 10): Promise<PollResult['outcomes']> {
  const total = { applied: 0, duplicate: 0, ignored: 0, malformed: 0, failed: 0 };
  let empty = 0;
  for (let i = 0; i < rounds && empty < 2; i++) {
    const r = await consumer.pollOnce();
    for (const [k, v] of Object.entries(r.outcomes)) total[k as keyof typeof total] += v;
    empty = r.received === 0 ? empty + 1 : 0;
  }
  return total;
}

async function seed(db: Database, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await startVerification(db, { subject: `${prefix}${i}@example.com`, method: 'sms' }, `${prefix}-${i}`, { keyTtlMs: 3_600_000 });
    if (r.kind !== 'created') throw new Error('expected created');
    ids.push(r.body.id);
  }
  return ids;
}

async function statuses(db: Database): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM vc_start.verifications GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

const pgIt = backends.it('pg');

describe('vc-start events on moto', () => {
  beforeEach(async () => {
    await moto.reset();
  });

  pgIt('a verification started over HTTP is relayed, delivered through SQS and moved to started', async () => {
    const { queueUrl } = await wire('vc-flow');
    const db = await backends.fresh('pg');
    const vc = await createVcStart({
      env: {
        ...moto.env, DATABASE_URL: backends.url!.replace(/\/postgres$/, `/${await dbName(db)}`),
        EVENT_BUS_NAME: BUS, SQS_QUEUE_URL: queueUrl, SQS_WAIT_SECONDS: '1', OUTBOX_POLL_INTERVAL: '100ms',
        PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DRAIN_DELAY: '0s', LOG_LEVEL: 'warn', ACCESS_LOG: 'off',
      },
      writeEmf: () => undefined,
    });
    const { url } = await vc.start();
    try {
      const res = await fetch(`${url}/verifications`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'flow-1' },
        body: JSON.stringify({ subject: 'ada@example.com', method: 'document', reference: 'case-9' }),
      });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { id: string };
      let status = 'pending';
      for (let i = 0; i < 100 && status !== 'started'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = ((await (await fetch(`${url}/verifications/${created.id}`)).json()) as { status: string }).status;
      }
      expect(status).toBe('started');
      // Its own VerificationStarted event is published too (and the consumer records it as seen).
      for (let i = 0; i < 50; i++) {
        const { rows } = await vc.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.outbox WHERE published_at IS NULL');
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const { rows } = await vc.db.query<{ detail_type: string; published: boolean }>(
        'SELECT detail_type, published_at IS NOT NULL AS published FROM vc_start.outbox ORDER BY seq',
      );
      expect(rows).toEqual([{ detail_type: 'VerificationRequested', published: true }, { detail_type: 'VerificationStarted', published: true }]);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^vc_start_events_published_total\{[^}]*\} 2$/m);
      expect(metrics).toMatch(/^vc_start_events_consumed_total\{[^}]*outcome="applied"[^}]*\} 1$/m);
      expect(metrics).toMatch(/^vc_start_outbox_pending\{[^}]*\} 0$/m);
    } finally {
      await vc.service.stop('test');
    }
  });

  pgIt('crash between commit and publish: the next process publishes every committed event', async () => {
    const { queueUrl } = await wire('vc-crash');
    const db = await backends.fresh('pg');
    await migrate(db);
    const databaseUrl = backends.url!.replace(/\/postgres$/, `/${await dbName(db)}`);
    const port = await freePort();
    // The relay's first pass runs at start, before any write; the next would be an hour later.
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'services/vc-start/src/main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, ...moto.env, DATABASE_URL: databaseUrl, EVENT_BUS_NAME: BUS, OUTBOX_POLL_INTERVAL: '1h', PORT: String(port), HOST: '127.0.0.1', ACCESS_LOG: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    const exited = new Promise((r) => child.once('exit', r));
    for (let i = 0; i < 300 && !log.includes('"listening"'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(log).toContain('"listening"');
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/verifications`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `crash-${i}` },
        body: JSON.stringify({ subject: `c${i}@example.com`, method: 'email' }),
      });
      expect(res.status).toBe(201);
    }
    child.kill('SIGKILL');
    await exited;
    const pending = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.outbox WHERE published_at IS NULL');
    expect(pending.rows[0].n).toBe(5);

    // The replacement task: its relay finds the committed events and publishes them all.
    const relay = new OutboxRelay(db, eventBridgePutEvents(events), { eventBusName: BUS });
    expect(await relay.relayOnce()).toMatchObject({ published: 5, failed: 0 });
    const consumer = new SqsConsumer(sqs, db, { queueUrl, waitTimeSeconds: 0 });
    expect(await drain(consumer)).toMatchObject({ applied: 5, duplicate: 0, malformed: 0, failed: 0 });
    expect(await statuses(db)).toEqual({ started: 5 });
  });

  pgIt('crash between publish and mark, and a lost PutEvents response: events come twice and apply once', async () => {
    const { queueUrl } = await wire('vc-dup');
    const db = await backends.fresh('pg');
    await migrate(db);
    const ids = await seed(db, 6, 'dup');
    const put = eventBridgePutEvents(events);

    // (1) A relay claims 3 events, publishes them and dies before marking: its lease runs out.
    const dying = new OutboxRelay(db, put, { eventBusName: BUS, batchSize: 3, leaseMs: 200 });
    const claimed = await dying.claim();
    await put(claimed.map((r) => ({ EventBusName: BUS, Source: 'mesh.vc-start', DetailType: r.detail_type, Detail: JSON.stringify(r.detail) })));
    // (2) The next call's response is lost after EventBridge accepted it (a timeout): it is retried.
    let lost = false;
    const losing: PutEvents = async (entries, signal) => {
      const r = await put(entries, signal);
      if (!lost) {
        lost = true;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return r;
    };
    await new Promise((r) => setTimeout(r, 300));
    const relay = new OutboxRelay(db, losing, { eventBusName: BUS, random: () => 0 });
    const first = await relay.relayOnce();
    expect(first).toMatchObject({ claimed: 6, published: 0, failed: 6 });
    expect(await relay.relayOnce()).toMatchObject({ claimed: 6, published: 6, failed: 0 });

    // 3 (crash) + 6 (lost response) + 6 = 15 deliveries of 6 events.
    const consumer = new SqsConsumer(sqs, db, { queueUrl, waitTimeSeconds: 0 });
    const outcomes = await drain(consumer, 20);
    expect(outcomes).toMatchObject({ applied: 6, duplicate: 9, malformed: 0, failed: 0 });
    expect(await statuses(db)).toEqual({ started: 6 });
    const processed = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM vc_start.processed_events WHERE detail_type = 'VerificationRequested'");
    expect(processed.rows[0].n).toBe(6);
    for (const id of ids) expect((await getVerification(db, id))?.status).toBe('started');
    // Each verification produced exactly one VerificationStarted.
    const started = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM vc_start.outbox WHERE detail_type = 'VerificationStarted'");
    expect(started.rows[0].n).toBe(6);
  });

  it('a malformed message reaches the DLQ after maxReceiveCount receives, and changes nothing', async () => {
    const { queueUrl, dlqUrl } = await wire('vc-poison');
    const db = await backends.fresh('pglite');
    await migrate(db);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"source":"mesh.vc-start","detail-type":"VerificationRequested","id":"1","detail":{"event_id":"not-a-uuid"}}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not json' }));
    const seen: string[] = [];
    const consumer = new SqsConsumer(sqs, db, { queueUrl, waitTimeSeconds: 0, onOutcome: (o) => seen.push(o) });
    const outcomes = await drain(consumer, 8);
    expect(outcomes).toMatchObject({ applied: 0, malformed: 4 });
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    expect((dead.Messages ?? []).map((m) => m.Body).sort()).toEqual([
      'not json',
      '{"source":"mesh.vc-start","detail-type":"VerificationRequested","id":"1","detail":{"event_id":"not-a-uuid"}}',
    ]);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vc_start.processed_events');
    expect(rows[0].n).toBe(0);
  });

  it('a transient failure leaves the message for a retry, which then applies it', async () => {
    const { queueUrl } = await wire('vc-retry');
    const db = await backends.fresh('pglite');
    await migrate(db);
    const [id] = await seed(db, 1, 'retry');
    await new OutboxRelay(db, eventBridgePutEvents(events), { eventBusName: BUS }).relayOnce();
    let failures = 1;
    const flaky: Database = {
      ...db,
      transaction: (fn) => (failures-- > 0 ? Promise.reject(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' })) : db.transaction(fn)),
    };
    const consumer = new SqsConsumer(sqs, flaky, { queueUrl, waitTimeSeconds: 0, random: () => 0 });
    const first = await consumer.pollOnce();
    expect(first).toMatchObject({ received: 1, deleted: 0, outcomes: { failed: 1 } });
    expect((await getVerification(db, id))?.status).toBe('pending');
    expect(await drain(consumer)).toMatchObject({ applied: 1, failed: 0 });
    expect((await getVerification(db, id))?.status).toBe('started');
  });
});

async function dbName(db: Database): Promise<string> {
  const { rows } = await db.query<{ name: string }>('SELECT current_database() AS name');
  return rows[0].name;
}
