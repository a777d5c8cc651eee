/**
 * vc-start: starts verification resources and owns their database. Writes are idempotent
 * (Idempotency-Key), their events leave through a transactional outbox relayed to EventBridge, and
 * the service consumes its own events from SQS (with a DLQ) to move verifications along.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { awsClient } from '../../../common/aws.js';
import { systemClock } from '../../../common/clock.js';
import { errorMessage, InputError } from '../../../common/errors.js';
import {
  createService, envDuration, envInt, envSecret, envString, FeatureFlags, flagSourceFromEnv, SecretStore, type Env, type FlagSource, type Service, type ServiceOptions,
} from '../../kit/src/index.js';
import { SqsConsumer } from './consumer.js';
import { pgDatabase, pgliteDatabase, type Database } from './db.js';
import { verificationRoutes } from './http.js';
import { registerMetrics } from './metrics.js';
import { migrate } from './migrations.js';
import { DEFAULT_MAX_ATTEMPTS, eventBridgePutEvents, OutboxRelay, type PutEvents } from './outbox.js';
import { httpVerificationProvider, SAGA_FLAG, type SagaHooks, type VerificationProvider } from './saga.js';
import { sweepExpiredKeys } from './verifications.js';

export interface VcStartConfig {
  /** postgres://… (or a secret reference to one); unset → PGlite. */
  databaseUrl?: string;
  poolMax: number;
  /** PGlite's data directory; unset → in memory. */
  pgliteDataDir?: string;
  keyTtlMs: number;
  /** Unset → the outbox is not relayed (local development: events wait in the table). */
  eventBusName?: string;
  relayPollMs: number;
  /** Failed attempts after which an entry EventBridge refuses for good is parked as dead. */
  relayMaxAttempts: number;
  /** Unset → no consumer. */
  queueUrl?: string;
  queueWaitSeconds: number;
  /** The verification provider the saga calls; unset → every VerificationRequested takes the legacy path. */
  providerUrl?: string;
  /** AppConfig feature flags (the saga switch); unset → the flags' defaults (saga off). */
  flags?: FlagSource;
}

export function readConfig(env: Env): Omit<VcStartConfig, 'databaseUrl'> & { databaseUrlSet: boolean } {
  const eventBusName = env.EVENT_BUS_NAME?.trim() || undefined;
  if (eventBusName && !/^[\w.\-/:]{1,1600}$/.test(eventBusName)) {
    throw new InputError(`EVENT_BUS_NAME: "${eventBusName}" is not an event bus name or ARN (letters, digits, . - _ / :).`);
  }
  const queueUrl = env.SQS_QUEUE_URL?.trim() || undefined;
  if (queueUrl && !/^https?:\/\/\S+\/\d{12}\/[\w-]{1,80}$/.test(queueUrl)) {
    throw new InputError(`SQS_QUEUE_URL: "${queueUrl}" is not a queue URL; expected https://sqs.<region>.amazonaws.com/<account-id>/<queue-name>.`);
  }
  const providerUrl = env.VERIFICATION_PROVIDER_URL?.trim() || undefined;
  if (providerUrl && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(providerUrl)) {
    throw new InputError(`VERIFICATION_PROVIDER_URL: "${providerUrl}" is not an http(s) URL; expected e.g. https://provider.internal.`);
  }
  return {
    providerUrl,
    flags: flagSourceFromEnv(env),
    databaseUrlSet: !!env.DATABASE_URL?.trim(),
    poolMax: envInt(env, 'DATABASE_POOL_MAX', 10, { min: 1, max: 200 }),
    pgliteDataDir: env.PGLITE_DATA_DIR?.trim() || undefined,
    keyTtlMs: envDuration(env, 'IDEMPOTENCY_KEY_TTL', '24h', { minMs: 60_000 }),
    eventBusName,
    relayPollMs: envDuration(env, 'OUTBOX_POLL_INTERVAL', '1s', { minMs: 10 }),
    relayMaxAttempts: envInt(env, 'OUTBOX_MAX_ATTEMPTS', DEFAULT_MAX_ATTEMPTS, { min: 1, max: 1000 }),
    queueUrl,
    queueWaitSeconds: envInt(env, 'SQS_WAIT_SECONDS', 20, { min: 0, max: 20 }),
  };
}

export interface VcStartOptions extends Partial<Omit<ServiceOptions, 'name' | 'routes'>> {
  env?: Env;
  /** Replaces EventBridge (tests of the relay's failure handling). */
  putEvents?: PutEvents;
  /** Replaces the HTTP verification provider (tests). */
  provider?: VerificationProvider;
  /** Replaces the AppConfig flags (tests). */
  flags?: Pick<FeatureFlags, 'isEnabled'>;
  sagaHooks?: SagaHooks;
}

export interface VcStart {
  service: Service;
  db: Database;
  relay?: OutboxRelay;
  consumer?: SqsConsumer;
  flags?: Pick<FeatureFlags, 'isEnabled'>;
  /** Listens, then starts the relay and the consumer. */
  start(): Promise<{ port: number; url: string }>;
}

async function openDatabase(env: Env, cfg: ReturnType<typeof readConfig>, secrets: SecretStore, onIdleError: (err: Error) => void): Promise<Database> {
  if (cfg.databaseUrlSet) {
    const url = await envSecret(env, 'DATABASE_URL', secrets);
    if (!/^postgres(ql)?:\/\//.test(url)) throw new InputError('DATABASE_URL: not a PostgreSQL URL; expected postgres://user:password@host:5432/database (or a secret reference to one).');
    return pgDatabase(new pg.Pool({ connectionString: url, max: cfg.poolMax, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 }), onIdleError);
  }
  return pgliteDatabase(new PGlite(cfg.pgliteDataDir));
}

/** What the background workers are built from. */
interface WorkerContext {
  cfg: ReturnType<typeof readConfig>;
  opts: VcStartOptions;
  metrics: ReturnType<typeof registerMetrics>;
  log: Service['log'];
}

/** The outbox relay to EventBridge (EVENT_BUS_NAME). */
function outboxRelay(db: Database, eventBusName: string, { cfg, opts, metrics, log }: WorkerContext): OutboxRelay {
  return new OutboxRelay(db, opts.putEvents ?? eventBridgePutEvents(awsClient(EventBridgeClient, {})), {
    eventBusName,
    pollMs: cfg.relayPollMs,
    maxAttempts: cfg.relayMaxAttempts,
    // Ids and the code only: the payload may hold personal data.
    onDead: (d) => {
      metrics.dead.inc();
      log.error({ event_id: d.eventId, outbox_id: d.outboxId, detail_type: d.detailType, attempts: d.attempts, error_code: d.code }, 'outbox: EventBridge refuses this event for good; parked as dead (row kept)');
    },
    onError: (err) => log.warn({ err: errorMessage(err) }, 'outbox: publish failed; the entries are retried'),
    onPass: (pass) => {
      metrics.published.inc(pass.published);
      metrics.publishFailures.inc(pass.failed);
    },
  });
}

/** The SQS consumer of verification requests (QUEUE_URL): the provider directly, or the saga behind its flag. */
function sqsConsumer(
  db: Database, queueUrl: string, { provider, flags }: { provider?: VerificationProvider; flags?: Pick<FeatureFlags, 'isEnabled'> }, { cfg, opts, metrics, log }: WorkerContext,
): SqsConsumer {
  return new SqsConsumer(awsClient(SQSClient, {}), db, {
    queueUrl,
    routing: { provider, useSaga: () => flags?.isEnabled(SAGA_FLAG) ?? false, sagaHooks: opts.sagaHooks },
    waitTimeSeconds: cfg.queueWaitSeconds,
    onOutcome: (outcome, m, err) => {
      metrics.consumed.inc({ outcome });
      if (err) log.warn({ outcome, message_id: m.MessageId, receive_count: m.Attributes?.ApproximateReceiveCount, err: errorMessage(err) }, 'consumer: message not handled; left for retry or the DLQ');
      else log.debug({ outcome, message_id: m.MessageId }, 'consumer: message handled');
    },
    onError: (err) => log.warn({ err: errorMessage(err) }, 'consumer: SQS call failed'),
  });
}

export async function createVcStart(opts: VcStartOptions = {}): Promise<VcStart> {
  const env = opts.env ?? process.env;
  const cfg = readConfig(env);
  const secrets = opts.secrets ?? new SecretStore();
  const loops = new AbortController();
  const running: Promise<void>[] = [];
  let service: Service | undefined;
  const db = await openDatabase(env, cfg, secrets, (err) => service?.log.warn({ err: errorMessage(err) }, 'database: an idle connection failed; the pool replaces it'));
  try {
    const migrated = await migrate(db);
    service = await createService({
      ...opts,
      name: 'vc-start',
      env,
      secrets,
      routes: (app) => verificationRoutes(app, { db, keyTtlMs: cfg.keyTtlMs }),
      readiness: { database: async () => void (await db.query('SELECT 1')), ...opts.readiness },
      // Stop taking new work as soon as draining starts; requests in flight still finish.
      onDrain: [() => loops.abort(new Error('shutdown')), ...(opts.onDrain ?? [])],
      onClose: [async () => void (await Promise.allSettled(running)), ...(opts.onClose ?? []), () => db.close()],
    });
    const log = service.log;
    const metrics = registerMetrics(service.metrics.registry, db);
    log.info({ database: db.kind, applied: migrated.applied, ahead: migrated.ahead }, 'database schema up to date');

    const appConfigFlags = !opts.flags && cfg.flags
      ? new FeatureFlags({
          ...cfg.flags,
          defaults: { [SAGA_FLAG]: false },
          onError: (err) => log.warn({ err: errorMessage(err) }, 'feature flags: poll failed'),
          onChange: (f, version) => log.info({ flags: f, version }, 'feature flags applied'),
        })
      : undefined;
    const flags = opts.flags ?? appConfigFlags;
    const provider = opts.provider ?? (cfg.providerUrl ? httpVerificationProvider(service.httpClient({ name: 'verification-provider', baseUrl: cfg.providerUrl, timeoutMs: 2000 })) : undefined);
    const relay = cfg.eventBusName ? outboxRelay(db, cfg.eventBusName, { cfg, opts, metrics, log }) : undefined;
    const consumer = cfg.queueUrl ? sqsConsumer(db, cfg.queueUrl, { provider, flags }, { cfg, opts, metrics, log }) : undefined;
    if (!relay) log.info('EVENT_BUS_NAME unset: events stay in the outbox until a relay runs');

    const svc = service;
    return {
      service: svc,
      db,
      relay,
      consumer,
      flags,
      async start() {
        const bound = await svc.start();
        if (appConfigFlags) running.push(appConfigFlags.run(loops.signal));
        if (relay) running.push(relay.run(loops.signal));
        if (consumer) running.push(consumer.run(loops.signal));
        running.push(housekeeping(db, loops.signal, (err) => log.warn({ err: errorMessage(err) }, 'housekeeping failed')));
        return bound;
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** Hourly: forget expired idempotency keys. */
async function housekeeping(db: Database, signal: AbortSignal, onError: (err: unknown) => void): Promise<void> {
  while (!signal.aborted) {
    await sweepExpiredKeys(db).catch(onError);
    await systemClock.sleep(3_600_000, signal).catch(() => undefined);
  }
}
