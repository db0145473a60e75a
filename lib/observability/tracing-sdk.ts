import {
  context,
  type DiagLogger,
  DiagLogLevel,
  diag,
  propagation,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Logger } from './logger.js';

export interface StartTracingOptions {
  target: { protocol: 'grpc' | 'http'; url: string };
  sampleRate: number;
  resource: Record<string, string | number>;
  tracerName: string;
  tracerVersion: string;
  logger: Logger;
  flushTimeoutMs: number;
  exportTimeoutMs: number;
}

export interface SdkTracing {
  tracer: Tracer;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

// Async-aware context: child spans created after an `await` keep their parent.
export { AsyncLocalStorageContextManager };

/** Routes the SDK's own diagnostics (export failures, dropped spans) to our logger, warnings and errors only. */
function diagLogger(logger: Logger): DiagLogger {
  const warn = (message: string, ...args: unknown[]) =>
    logger.warn(`opentelemetry: ${message}`, { component: 'tracing', details: args.map(String).join(' ') });
  return { error: warn, warn, info: () => {}, debug: () => {}, verbose: () => {} };
}

async function createExporter(opts: StartTracingOptions): Promise<SpanExporter> {
  if (opts.target.protocol === 'grpc') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
    // The URL scheme selects plain text (http://) or TLS (https://) channel credentials.
    return new OTLPTraceExporter({ url: opts.target.url, timeoutMillis: opts.exportTimeoutMs });
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter({
    url: opts.target.url,
    timeoutMillis: opts.exportTimeoutMs,
    keepAlive: true,
  });
}

/**
 * Builds the provider and registers it globally with a W3C trace-context propagator (so `propagation.inject`
 * in the slurm client writes `traceparent`) and an AsyncLocalStorage context manager.
 *
 * BatchSpanProcessor, not SimpleSpanProcessor: one export request per invocation instead of one per span
 * (an invocation makes ~40 spans). Its timer is irrelevant in Lambda; the handler calls forceFlush() before
 * returning because a frozen process cannot export.
 */
export async function startTracing(opts: StartTracingOptions): Promise<SdkTracing> {
  const exporter = await createExporter(opts);
  const provider = new TracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.sampleRate) }),
    resource: defaultResource().merge(resourceFromAttributes(opts.resource)),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        maxQueueSize: 4096,
        maxExportBatchSize: 1024,
        scheduledDelayMillis: 1000,
        exportTimeoutMillis: opts.exportTimeoutMs,
      }),
    ],
  });

  // A previous registration (another config in this container) must be gone before registering again.
  trace.disable();
  propagation.disable();
  context.disable();
  diag.disable();
  diag.setLogger(diagLogger(opts.logger), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  const tracer = provider.getTracer(opts.tracerName, opts.tracerVersion);
  let stopped = false;

  const forceFlush = async (): Promise<void> => {
    try {
      await provider.forceFlush({ timeoutMillis: opts.flushTimeoutMs });
    } catch (err) {
      // The processors reject with an array of errors (one per failed export).
      const errors = Array.isArray(err) ? err : [err];
      opts.logger.warn('tracing: flushing spans failed; spans of this invocation are lost', {
        component: 'tracing',
        failed_exports: errors.length,
        error: errors[0],
      });
    }
  };

  return {
    tracer,
    forceFlush,
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      await forceFlush();
      try {
        await provider.shutdown();
      } catch (err) {
        opts.logger.warn('tracing: shutdown failed', { component: 'tracing', error: err });
      }
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
}
