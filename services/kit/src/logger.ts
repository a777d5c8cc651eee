/**
 * pino JSON logs. Every line made inside a request carries `correlation_id`, `trace_id` and `span_id`
 * (mixin reads the request's AsyncLocalStorage and the active span). Fields that may hold secrets are
 * redacted by path; secret values themselves are never handed to the logger.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { currentCorrelationId } from './request-context.js';
import { activeTraceIds } from './tracing.js';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Explicit paths only: wildcard paths cost several µs on every line (measured), and the kit never
// hands a secret to the logger anyway; this is the net under a careless `log.info({ body })`.
export const REDACT_PATHS = [
  'password', 'client_secret', 'secret', 'token', 'access_token', 'privateKey', 'authorization',
  'body.password', 'body.client_secret', 'body.token', 'headers.authorization', 'headers.cookie',
  'req.headers.authorization', 'req.headers.cookie',
];

export interface LoggerOptions {
  name: string;
  version: string;
  level?: (typeof LOG_LEVELS)[number];
  /** Where lines go; stdout by default (ECS awslogs collects it). */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: opts.name, version: opts.version },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin() {
        const correlationId = currentCorrelationId();
        const ids = activeTraceIds();
        if (!correlationId && !ids) return {};
        return { ...(correlationId ? { correlation_id: correlationId } : {}), ...ids };
      },
    },
    opts.destination ?? stdoutDestination(),
  );
}

/**
 * Stdout, buffered: one write(2) per ~4 KB of lines instead of one per line (a syscall per request
 * line showed in the bench). The service flushes it every second and on shutdown; pino flushes it
 * synchronously on exit, so a crash loses nothing written before it.
 */
export function stdoutDestination(): DestinationStream {
  return pino.destination({ fd: 1, sync: false, minLength: 4096 });
}

export const ACCESS_LOG_MODES = ['all', 'errors', 'off'] as const;
export type AccessLogMode = (typeof ACCESS_LOG_MODES)[number];

/**
 * Whether a finished request gets a `request` log line. `errors` (the default) logs 4xx/5xx and slow
 * requests: RED metrics already count every request, and a line per success cost ~10 µs a request in
 * the bench (bench/services.md). `all` logs every request.
 */
export function wantsAccessLog(mode: AccessLogMode, status: number, durationMs: number, slowMs: number): boolean {
  return mode === 'all' || (mode === 'errors' && (status >= 400 || durationMs >= slowMs));
}
