/**
 * OpenTelemetry tracing: W3C trace context in and out, spans batched over OTLP/HTTP to an ADOT
 * collector (X-Ray accepts W3C trace ids), parent-based ratio sampling. Without an endpoint spans are
 * still created (unexported) so logs always carry trace_id / span_id.
 */
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type SpanExporter, type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { InputError } from '../../../actions/lib/errors.js';

export interface TracingOptions {
  serviceName: string;
  version: string;
  /** Share of new traces sampled, 0..1; a caller's sampled flag wins (parent-based). */
  sampleRatio?: number;
  /** OTLP/HTTP traces URL, e.g. http://localhost:4318/v1/traces (the ADOT sidecar). */
  otlpEndpoint?: string;
  /** A custom exporter (tests); replaces the OTLP one. */
  exporter?: SpanExporter;
}

export interface Tracing {
  tracer: Tracer;
  /** Exports what is buffered; called on shutdown so no span is lost. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let globalsInstalled = false;

/** The context manager and propagator are process-wide in OTel; install them once. */
function installGlobals(): void {
  if (globalsInstalled) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  globalsInstalled = true;
}

/** Reads the standard OTEL_* variables (OTEL_TRACES_SAMPLER_ARG, OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT). */
export function tracingOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<TracingOptions, 'sampleRatio' | 'otlpEndpoint'> {
  const ratioText = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  let sampleRatio: number | undefined;
  if (ratioText) {
    sampleRatio = Number(ratioText);
    if (!Number.isFinite(sampleRatio) || sampleRatio < 0 || sampleRatio > 1) {
      throw new InputError(`OTEL_TRACES_SAMPLER_ARG: "${ratioText}" is not a sampling ratio; expected a number from 0 to 1.`);
    }
  }
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const otlpEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (otlpEndpoint && !/^https?:\/\/[^\s]+$/.test(otlpEndpoint)) {
    throw new InputError(`OTEL_EXPORTER_OTLP_ENDPOINT: "${otlpEndpoint}" is not a URL; expected e.g. http://localhost:4318.`);
  }
  return { sampleRatio, otlpEndpoint };
}

export function setupTracing(opts: TracingOptions): Tracing {
  installGlobals();
  const exporter = opts.exporter ?? (opts.otlpEndpoint ? new OTLPTraceExporter({ url: opts.otlpEndpoint }) : undefined);
  const spanProcessors: SpanProcessor[] = exporter ? [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })] : [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName, 'service.version': opts.version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.sampleRatio ?? 1) }),
    spanProcessors,
  });
  return {
    tracer: provider.getTracer(opts.serviceName, opts.version),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** `trace_id` / `span_id` of the active span, for log lines. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
