/**
 * createService: a Fastify app with the platform's behaviour built in — correlation and trace ids on
 * every log line, a server span per request (W3C trace context in), RED metrics (Prometheus `/metrics`
 * and CloudWatch EMF), `/health` (liveness) and `/ready` (readiness from dependency checks), and a
 * graceful shutdown: readiness 503 → drain delay (the load balancer deregisters) → in-flight requests
 * finish → pools close → telemetry flushes → exit, all before ECS's stopTimeout.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Server as HttpServer } from 'node:http';
import { Server as NetServer } from 'node:net';
import { InputError, errorMessage } from '../../../common/errors.js';
import { envDuration, envEnum, envPort, envString, type Env } from './config.js';
import { describeFaults, faultsFromEnv, type FaultInjector } from './faults.js';
import { HttpClient, type HttpClientOptions } from './http-client.js';
import { ACCESS_LOG_MODES, LOG_LEVELS, createLogger, stdoutDestination, wantsAccessLog, type AccessLogMode, type Logger } from './logger.js';
import { RedMetrics } from './metrics.js';
import { CORRELATION_HEADER, correlationIdFrom, requestContext } from './request-context.js';
import { SecretStore } from './secrets.js';
import { setupTracing, tracingOptionsFromEnv, type Tracing, type TracingOptions } from './tracing.js';
import type { DestinationStream } from 'pino';

/** A dependency check: resolves (or returns true) when usable; false or a throw means not ready. */
export type ReadinessCheck = () => boolean | void | Promise<boolean | void>;

export interface ServiceOptions {
  name: string;
  /** Reported as the `Version` metric dimension and in logs; SERVICE_VERSION, else "dev". */
  version?: string;
  /** PORT, else 8080. 0 picks a free port (tests). */
  port?: number;
  host?: string;
  env?: Env;
  /** Registers the service's own routes. */
  routes?: (app: FastifyInstance, kit: ServiceKit) => void | Promise<void>;
  readiness?: Record<string, ReadinessCheck>;
  /** Run in order after HTTP has drained: close pools, gRPC servers, consumers. */
  onClose?: Array<() => Promise<void> | void>;
  /** Run as soon as shutdown starts (e.g. gRPC health NOT_SERVING). */
  onDrain?: Array<() => Promise<void> | void>;
  /** Time between readiness turning 503 and closing the listener (SHUTDOWN_DRAIN_DELAY, default 5s). */
  drainDelayMs?: number;
  /** Hard limit for the whole shutdown, under ECS stopTimeout (SHUTDOWN_TIMEOUT, default 25s). */
  shutdownTimeoutMs?: number;
  logLevel?: (typeof LOG_LEVELS)[number];
  logDestination?: DestinationStream;
  tracing?: Partial<TracingOptions>;
  /** EMF flush interval (EMF_INTERVAL, default 60s); EMF lines go to `writeEmf` (stdout). */
  emfIntervalMs?: number;
  writeEmf?: (line: string) => void;
  /** Which requests get a `request` log line (ACCESS_LOG: all | errors | off; default errors = 4xx/5xx and slow). */
  accessLog?: AccessLogMode | boolean;
  /** A request at least this long counts as slow for the access log (ACCESS_LOG_SLOW, default 1s). */
  accessLogSlowMs?: number;
  secrets?: SecretStore;
  /** Chaos experiments: injected errors, latency, a kill after N requests (FAULT_* variables; off by default). */
  faults?: FaultInjector;
}

export interface ServiceKit {
  name: string;
  version: string;
  log: Logger;
  metrics: RedMetrics;
  tracing: Tracing;
  secrets: SecretStore;
  /** An outbound client for one dependency (timeouts, retries, breaker, propagation). */
  httpClient(opts: Omit<HttpClientOptions, 'tracer'>): HttpClient;
  /** False once shutdown has begun. */
  isAccepting(): boolean;
  /** Which requests get a `request` log line (ACCESS_LOG), and what counts as slow. */
  accessLog: AccessLogMode;
  accessLogSlowMs: number;
  /** Set only when fault injection is on (FAULT_*): every handler, HTTP or gRPC, goes through it. */
  faults?: FaultInjector;
}

export interface Service extends ServiceKit {
  app: FastifyInstance;
  /** Listens; resolves with the bound port and base URL. */
  start(): Promise<{ port: number; url: string }>;
  /** The graceful shutdown; idempotent (a second call returns the same promise). */
  stop(reason?: string): Promise<void>;
  /** SIGTERM/SIGINT → stop() → exit 0 (1 when the deadline passes first). */
  handleSignals(exit?: (code: number) => void): void;
  /** Runs every readiness check: { ready, checks: { name: 'ok' | reason } }. */
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
}

/**
 * The kit's own probe routes: load balancer health checks and scrapes are not the service's traffic,
 * so they stay out of RED metrics (and the error rate a canary is judged on), spans and access logs.
 */
export const PROBE_ROUTES = new Set(['/health', '/ready', '/metrics']);

declare module 'fastify' {
  interface FastifyRequest {
    kitSpan?: Span;
    kitStart?: bigint;
  }
}

/** The service's settings from its options, else its environment; validated before the first socket opens. */
interface Settings {
  version: string;
  port: number;
  host: string;
  drainDelayMs: number;
  shutdownTimeoutMs: number;
  emfIntervalMs: number;
  accessLog: AccessLogMode;
  accessLogSlowMs: number;
  logLevel: (typeof LOG_LEVELS)[number];
}

/** Where the service is in its life: accepting, then draining, then with its listener closing. */
interface Lifecycle {
  accepting: boolean;
  listenerClosing: boolean;
}

export async function createService(opts: ServiceOptions): Promise<Service> {
  const env = opts.env ?? process.env;
  const settings = readSettings(opts, env);
  const lifecycle: Lifecycle = { accepting: true, listenerClosing: false };
  const kit = createKit(opts, env, settings, lifecycle);
  const app = createApp(kit.log);
  instrumentRequests(app, kit, lifecycle);
  const readiness = readinessOf(opts.readiness ?? {}, lifecycle);
  addProbeRoutes(app, kit.metrics, readiness);
  await opts.routes?.(app, kit);

  const emfTimer = setInterval(() => kit.metrics.flushEmf(), settings.emfIntervalMs);
  emfTimer.unref();
  // Buffered log lines reach stdout within a second even on a quiet service.
  const logFlushTimer = setInterval(() => kit.log.flush(), 1000);
  logFlushTimer.unref();
  const shutdown = (reason: string) => shutDown(reason, { opts, settings, kit, app, lifecycle, timers: { emfTimer, logFlushTimer } });

  let stopping: Promise<void> | undefined;
  const service: Service = {
    ...kit,
    app,
    readiness,
    async start() {
      const address = await app.listen({ port: settings.port, host: settings.host });
      const bound = (app.server.address() as { port: number }).port;
      kit.log.info({ port: bound }, 'listening');
      return { port: bound, url: address.replace('0.0.0.0', '127.0.0.1') };
    },
    stop(reason = 'stop') {
      stopping ??= shutdown(reason);
      return stopping;
    },
    handleSignals(exit = (code) => process.exit(code)) {
      onStopSignals(service, settings.shutdownTimeoutMs, exit);
    },
  };
  return service;
}

function readSettings(opts: ServiceOptions, env: Env): Settings {
  // Everything is validated before the first socket opens, so a bad variable fails fast with its name.
  const version = opts.version ?? envString(env, 'SERVICE_VERSION', 'dev');
  const port = opts.port ?? envPort(env, 'PORT', 8080);
  const host = opts.host ?? envString(env, 'HOST', '0.0.0.0');
  const drainDelayMs = opts.drainDelayMs ?? envDuration(env, 'SHUTDOWN_DRAIN_DELAY', '5s');
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? envDuration(env, 'SHUTDOWN_TIMEOUT', '25s');
  if (drainDelayMs >= shutdownTimeoutMs) {
    throw new InputError(`SHUTDOWN_DRAIN_DELAY (${drainDelayMs} ms) must be shorter than SHUTDOWN_TIMEOUT (${shutdownTimeoutMs} ms): `
      + 'after the delay the listener closes, requests drain, pools close and telemetry flushes, all within the timeout, which stays under ECS\'s stopTimeout (30 s by default).');
  }
  const emfIntervalMs = opts.emfIntervalMs ?? envDuration(env, 'EMF_INTERVAL', '60s', { minMs: 1000 });
  // true/false are kept from the first API (every request / none).
  const accessLog: AccessLogMode = typeof opts.accessLog === 'boolean' ? (opts.accessLog ? 'all' : 'off')
    : opts.accessLog ?? envEnum(env, 'ACCESS_LOG', ACCESS_LOG_MODES, 'errors');
  const accessLogSlowMs = opts.accessLogSlowMs ?? envDuration(env, 'ACCESS_LOG_SLOW', '1s');
  const logLevel = opts.logLevel ?? envEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
  return { version, port, host, drainDelayMs, shutdownTimeoutMs, emfIntervalMs, accessLog, accessLogSlowMs, logLevel };
}

/** Logs, traces, metrics, secrets and faults: what the service's routes get. */
function createKit(opts: ServiceOptions, env: Env, settings: Settings, lifecycle: Lifecycle): ServiceKit {
  const { version } = settings;
  const destination = opts.logDestination ?? stdoutDestination();
  const log = createLogger({ name: opts.name, version, level: settings.logLevel, destination });
  const tracing = setupTracing({ serviceName: opts.name, version, ...tracingOptionsFromEnv(env), ...opts.tracing });
  // EMF lines share the log stream, so the two never interleave mid-line.
  const writeEmf = opts.writeEmf ?? ((line: string) => void destination.write(`${line}\n`));
  const metrics = new RedMetrics({ service: opts.name, version, writeEmf, processMetrics: true });
  const secrets = opts.secrets ?? new SecretStore({ log });
  const faults = opts.faults ?? faultsFromEnv(env);
  if (faults) log.warn({ faults: faults.settings }, `fault injection on: ${describeFaults(faults.settings)}`);
  return {
    name: opts.name,
    version,
    log,
    metrics,
    tracing,
    secrets,
    httpClient: (o) => new HttpClient({ ...o, tracer: tracing.tracer }),
    isAccepting: () => lifecycle.accepting,
    accessLog: settings.accessLog,
    accessLogSlowMs: settings.accessLogSlowMs,
    ...(faults ? { faults } : {}),
  };
}

function createApp(log: Logger): FastifyInstance {
  // Typed as the default instance so route plugins need not spell out pino's logger type.
  return Fastify({
    loggerInstance: log,
    // The kit writes its own access line (route, status, duration) in onResponse.
    logController: new LogController({ disableRequestLogging: true }),
    // The listener's close is the kit's own (closeListener): connections end after their last response.
    forceCloseConnections: false,
    // A request that reaches an open connection after the listener closed is served (with
    // `connection: close`), not refused: the client has no other way to learn the connection is ending.
    return503OnClosing: false,
    requestIdHeader: false,
  }) as unknown as FastifyInstance;
}

/** Correlation id, server span, RED metrics and access log per request (probes aside), injected faults, and 5xx bodies that say nothing. */
function instrumentRequests(app: FastifyInstance, kit: ServiceKit, lifecycle: Lifecycle): void {
  const { log, metrics, faults } = kit;
  app.addHook('onRequest', (req, reply, done) => {
    const correlationId = correlationIdFrom(req.headers[CORRELATION_HEADER]);
    reply.header(CORRELATION_HEADER, correlationId);
    const route = req.routeOptions.url ?? 'unmatched';
    if (PROBE_ROUTES.has(route)) return done();
    const parent = propagation.extract(context.active(), req.headers);
    const span = kit.tracing.tracer.startSpan(`${req.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'http.route': route, 'url.path': req.url.split('?')[0] },
    }, parent);
    req.kitSpan = span;
    req.kitStart = process.hrtime.bigint();
    // The rest of this request (hooks, handler, every await) runs inside both contexts.
    context.with(trace.setSpan(parent, span), () => requestContext.run({ correlationId }, done));
  });

  // A request still in flight when the listener closes leaves its keep-alive connection open after the
  // response (Fastify keeps idle connections 72 s; an ALB keeps them too), and app.close() would wait
  // for it past the shutdown deadline: from then on a response ends its connection.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (lifecycle.listenerClosing) reply.header('connection', 'close');
    done(null, payload);
  });

  app.addHook('onResponse', (req, reply, done) => {
    if (req.kitStart === undefined) return done();
    const durationMs = Number(process.hrtime.bigint() - (req.kitStart ?? process.hrtime.bigint())) / 1e6;
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.observe({ route, method: req.method, status, durationMs });
    const span = req.kitSpan;
    if (span) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    if (wantsAccessLog(kit.accessLog, status, durationMs, kit.accessLogSlowMs)) log.info({ method: req.method, route, status, duration_ms: Math.round(durationMs * 1000) / 1000 }, 'request');
    done();
  });

  // Injected faults act where a handler would: after the kit's onRequest (so RED metrics, spans and
  // the access log see them as the caller does), never on probes.
  if (faults) {
    app.addHook('preHandler', (req, reply, done) => {
      if (req.kitStart === undefined) return done();
      const { delayMs, fail } = faults.next();
      const act = () => (fail ? void reply.code(500).send({ error: 'injected fault' }) : done());
      if (delayMs > 0) setTimeout(act, delayMs);
      else act();
    });
  }

  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    // A 5xx says nothing of our internals to the caller.
    void reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
}

type Readiness = Service['readiness'];

/** Every readiness check, and `draining` once shutdown has begun. */
function readinessOf(checks: Record<string, ReadinessCheck>, lifecycle: Lifecycle): Readiness {
  return async () => {
    const results: Record<string, string> = {};
    let ready = lifecycle.accepting;
    if (!lifecycle.accepting) results.shutdown = 'draining';
    await Promise.all(Object.entries(checks).map(async ([name, check]) => {
      try {
        const ok = await check();
        results[name] = ok === false ? 'not ready' : 'ok';
        if (ok === false) ready = false;
      } catch (err) {
        results[name] = errorMessage(err);
        ready = false;
      }
    }));
    return { ready, checks: results };
  };
}

function addProbeRoutes(app: FastifyInstance, metrics: RedMetrics, readiness: Readiness): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_req, reply) => {
    const r = await readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks });
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType()).send(await metrics.render()));
}

/** Runs each hook in order; a failure is logged and the rest still run. */
async function runHooks(log: Logger, hooks: Array<() => Promise<void> | void> = [], failed: string): Promise<void> {
  for (const fn of hooks) {
    try {
      await fn();
    } catch (err) {
      log.error({ err: errorMessage(err) }, failed);
    }
  }
}

interface Running {
  opts: ServiceOptions;
  settings: Settings;
  kit: ServiceKit;
  app: FastifyInstance;
  lifecycle: Lifecycle;
  timers: { emfTimer: NodeJS.Timeout; logFlushTimer: NodeJS.Timeout };
}

/** The graceful shutdown: readiness 503 → drain delay → listener closed, requests drained → close hooks → telemetry flushed. */
async function shutDown(reason: string, { opts, settings, kit, app, lifecycle, timers }: Running): Promise<void> {
  const { log } = kit;
  lifecycle.accepting = false;
  log.info({ reason, drain_delay_ms: settings.drainDelayMs }, 'shutdown: readiness now 503, draining');
  // A failing hook must not skip the drain: requests in flight would be cut and pools left open.
  await runHooks(log, opts.onDrain, 'shutdown: a drain hook failed');
  await new Promise((r) => setTimeout(r, settings.drainDelayMs));
  lifecycle.listenerClosing = true;
  await closeListener(app.server, IDLE_CONNECTION_GRACE_MS);
  // Fastify's own close (its onClose hooks) finds the listener closed and no connection left.
  await app.close();
  log.info('shutdown: in-flight requests drained, listener closed');
  await runHooks(log, opts.onClose, 'shutdown: a close hook failed');
  kit.secrets.stopRefresh();
  clearInterval(timers.emfTimer);
  kit.metrics.flushEmf();
  await kit.tracing.shutdown().catch((err) => log.warn({ err: errorMessage(err) }, 'shutdown: trace export failed'));
  log.info('shutdown: complete');
  clearInterval(timers.logFlushTimer);
  await new Promise<void>((resolve) => log.flush(() => resolve()));
}

/** SIGTERM/SIGINT → service.stop() → exit 0, or exit 1 when the shutdown fails or its deadline passes first. */
function onStopSignals(service: Service, shutdownTimeoutMs: number, exit: (code: number) => void): void {
  const { log } = service;
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    // A repeated signal (a supervisor or wrapper that sends it again) must not end the process
    // mid-drain, which a one-shot handler would let the default action do: the shutdown goes on.
    if (signalled) {
      log.info({ signal: sig }, 'shutdown: already in progress; signal ignored');
      return;
    }
    signalled = true;
    const deadline = setTimeout(() => {
      log.error({ timeout_ms: shutdownTimeoutMs }, 'shutdown: deadline passed; exiting now');
      exit(1);
    }, shutdownTimeoutMs);
    deadline.unref();
    service.stop(sig).then(
      () => exit(0),
      (err) => {
        log.error({ err: errorMessage(err) }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * How long a keep-alive connection that is idle when the listener closes may still bring one more
 * request (answered with `connection: close`) before it is closed. A client whose request is already
 * on the wire when the server closes the connection gets a reset; one that stayed quiet this long is
 * not sending.
 */
export const IDLE_CONNECTION_GRACE_MS = 1000;

/**
 * Stops accepting connections, then lets every open one end cleanly: a request in flight, or one that
 * arrives on a connection already open, is answered with `connection: close` (the onSend hook) and the
 * connection ends after that response; connections still idle after `graceMs` are closed. Resolves
 * when the last connection has ended.
 *
 * Not http.Server#close(): since Node 19 it also destroys every idle keep-alive connection at once,
 * and a client whose next request was in flight at that instant gets ECONNRESET: the resets seen
 * under load when the listener closed.
 */
export function closeListener(server: HttpServer, graceMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise<void>((resolve) => {
    // Repeated: a response begun before the close (so without `connection: close`) may leave its
    // connection idle only later.
    const idle = setInterval(() => server.closeIdleConnections(), graceMs);
    NetServer.prototype.close.call(server, () => {
      clearInterval(idle);
      resolve();
    });
  });
}

/**
 * The body of every service's `main.ts`: create, wire signals, listen. A configuration fault ends the
 * process with exit 1 and one line naming the variable (no stack trace for a user's mistake).
 */
export async function runService(
  create: () => Promise<Service | { service: Service; start(): Promise<unknown> }>,
): Promise<Service | undefined> {
  try {
    const made = await create();
    // A plain Service starts itself; a composite (e.g. gRPC + HTTP) brings its own start.
    const service = 'app' in made ? made : made.service;
    service.handleSignals();
    await made.start();
    return service;
  } catch (err) {
    process.stderr.write(`${err instanceof InputError ? err.message : (err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
    return undefined;
  }
}
