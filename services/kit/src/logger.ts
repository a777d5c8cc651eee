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

export const REDACT_PATHS = [
  'password', '*.password', 'client_secret', '*.client_secret', 'secret', '*.secret', 'token', '*.token',
  'privateKey', '*.privateKey', 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
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
    opts.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
