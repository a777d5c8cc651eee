/**
 * OpenTelemetry tracing: W3C trace context in and out, spans batched over OTLP/HTTP to an ADOT
 * collector (X-Ray accepts W3C trace ids), parent-based ratio sampling. Without an endpoint nothing is
 * recorded, but trace context still flows: each span gets its own id under the caller's trace (so
 * logs carry trace_id / span_id and the caller's sampling decision reaches the next service).
 */
import { TraceFlags, context, propagation, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor, ParentBasedSampler, RandomIdGenerator, TraceIdRatioBasedSampler, TracerProvider, type SpanExporter, type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { InputError } from '../../../common/errors.js';

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

/**
 * The tracer when nothing is exported: spans are non-recording wrappers of a fresh span id under the
 * parent's trace id and flags (a new trace id, sampled at `ratio`, when there is no parent). Recording
 * spans only to drop them cost several µs a request in the bench.
 */
export class PassThroughTracer implements Tracer {
  private readonly ids = new RandomIdGenerator();
  constructor(private readonly ratio: number, private readonly random: () => number = Math.random) {}

  startSpan(_name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    const parent = options?.root ? undefined : trace.getSpanContext(ctx);
    const valid = parent !== undefined && trace.isSpanContextValid(parent);
    return trace.wrapSpanContext({
      traceId: valid ? parent.traceId : this.ids.generateTraceId(),
      spanId: this.ids.generateSpanId(),
      traceFlags: valid ? parent.traceFlags : this.random() < this.ratio ? TraceFlags.SAMPLED : TraceFlags.NONE,
    });
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = args.length >= 2 ? (args[0] as SpanOptions) : undefined;
    const ctx = args.length >= 3 ? (args[1] as Context) : context.active();
    const span = this.startSpan(name, options, ctx);
    return context.with(trace.setSpan(ctx, span), () => fn(span)) as ReturnType<F>;
  }
}

export function setupTracing(opts: TracingOptions): Tracing {
  installGlobals();
  const exporter = opts.exporter ?? (opts.otlpEndpoint ? new OTLPTraceExporter({ url: opts.otlpEndpoint }) : undefined);
  if (!exporter) {
    return { tracer: new PassThroughTracer(opts.sampleRatio ?? 1), flush: async () => {}, shutdown: async () => {} };
  }
  const spanProcessors: SpanProcessor[] = [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })];
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
