/**
 * gRPC unary handlers with the same telemetry as HTTP routes: a server span (W3C trace context from
 * metadata), the correlation id (from `x-correlation-id` metadata, else generated), RED metrics keyed
 * by the full method name, and an access log line.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import {
  status as GrpcStatus, type Metadata, type Server, type ServerUnaryCall, type ServerWritableStream, type ServiceDefinition, type sendUnaryData, type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { wantsAccessLog } from './logger.js';
import type { ServiceKit } from './service.js';
import { CORRELATION_HEADER, correlationIdFrom, requestContext } from './request-context.js';

/** A handler's failure with a gRPC status; anything else becomes INTERNAL with a generic message. */
export class GrpcError extends Error {
  constructor(readonly code: GrpcStatus, message: string) {
    super(message);
    this.name = 'GrpcError';
  }
}

// gRPC codes on the HTTP scale, so RED "errors" (≥500) mean the same for both protocols.
const HTTP_EQUIVALENT: Partial<Record<GrpcStatus, number>> = {
  [GrpcStatus.OK]: 200, [GrpcStatus.INVALID_ARGUMENT]: 400, [GrpcStatus.FAILED_PRECONDITION]: 400, [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.UNAUTHENTICATED]: 401, [GrpcStatus.PERMISSION_DENIED]: 403, [GrpcStatus.NOT_FOUND]: 404, [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.ABORTED]: 409, [GrpcStatus.RESOURCE_EXHAUSTED]: 429, [GrpcStatus.CANCELLED]: 499, [GrpcStatus.UNIMPLEMENTED]: 501,
  [GrpcStatus.UNAVAILABLE]: 503, [GrpcStatus.DEADLINE_EXCEEDED]: 504,
};

export function httpEquivalent(code: GrpcStatus): number {
  return HTTP_EQUIVALENT[code] ?? 500;
}

function metadataCarrier(md: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) if (typeof v === 'string') out[k] = v;
  return out;
}

export function instrumentUnary<Req, Res>(
  kit: Pick<ServiceKit, 'tracing' | 'metrics' | 'log' | 'accessLog' | 'accessLogSlowMs' | 'faults'>,
  fullMethod: string,
  handler: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const started = process.hrtime.bigint();
    const headers = metadataCarrier(call.metadata);
    const correlationId = correlationIdFrom(headers[CORRELATION_HEADER]);
    const parent = propagation.extract(context.active(), headers);
    const span = kit.tracing.tracer.startSpan(fullMethod, { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.method': fullMethod } }, parent);
    const finish = (code: GrpcStatus, err?: Error) => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const status = httpEquivalent(code);
      kit.metrics.observe({ route: fullMethod, method: 'grpc', status, durationMs });
      span.setAttribute('rpc.grpc.status_code', code);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: err?.message });
      if (status >= 500) kit.log.error({ err: err?.stack ?? err?.message, method: fullMethod }, 'rpc failed');
      if (wantsAccessLog(kit.accessLog, status, durationMs, kit.accessLogSlowMs)) kit.log.info({ method: 'grpc', route: fullMethod, grpc_code: code, status, duration_ms: Math.round(durationMs * 1000) / 1000 }, 'request');
      span.end();
    };
    context.with(trace.setSpan(parent, span), () =>
      requestContext.run({ correlationId }, () => {
        const fault = kit.faults?.next();
        const run = !fault ? handler(call.request, call)
          : new Promise<void>((r) => setTimeout(r, fault.delayMs)).then(() => {
            if (fault.fail) throw new GrpcError(GrpcStatus.INTERNAL, 'injected fault');
            return handler(call.request, call);
          });
        run.then(
          (res) => {
            finish(GrpcStatus.OK);
            callback(null, res);
          },
          (err: Error) => {
            const code = err instanceof GrpcError ? err.code : GrpcStatus.INTERNAL;
            finish(code, err);
            // An internal fault says nothing of our internals to the caller.
            const details = err instanceof GrpcError ? err.message : 'internal error';
            callback({ code, details, name: 'Error', message: details } as ServiceError);
          },
        );
      }));
  };
}

/** A request whose bytes do not decode as the method's message. */
export class MalformedRequest {
  constructor(readonly reason: string) {}
}

const MALFORMED_DETAILS = 'the request is not a valid protobuf message for this method';

/**
 * Adds a service whose requests that do not decode are answered INVALID_ARGUMENT. grpc-js answers a
 * request its deserializer throws on with INTERNAL, which would count a caller's bytes as the
 * server's fault (and in its error rate); here the deserializer never throws, and a handler is not
 * reached by what it cannot read.
 */
export function addService(server: Server, definition: ServiceDefinition, implementation: UntypedServiceImplementation): void {
  const tolerant: Record<string, ServiceDefinition[string]> = {};
  const handlers: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    tolerant[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (err) {
          return new MalformedRequest((err as Error).message);
        }
      },
    };
    const handler = implementation[name] ?? implementation[method.originalName ?? ''];
    if (!handler) continue;
    const refuse = { code: GrpcStatus.INVALID_ARGUMENT, details: MALFORMED_DETAILS, name: 'Error', message: MALFORMED_DETAILS } as ServiceError;
    handlers[name] = method.requestStream
      // Client streams decode message by message; grpc-js's own handling stays for those.
      ? handler
      : method.responseStream
        ? (call: ServerWritableStream<unknown, unknown>) => (call.request instanceof MalformedRequest ? call.emit('error', refuse) : (handler as (c: typeof call) => void)(call))
        : (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => (call.request instanceof MalformedRequest ? callback(refuse) : (handler as (c: typeof call, cb: typeof callback) => void)(call, callback));
  }
  server.addService(tolerant, handlers);
}
