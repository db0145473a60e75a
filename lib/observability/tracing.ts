/**
 * Tracing facade: everything the app needs to create spans, using only `@opentelemetry/api`.
 *
 * The OpenTelemetry SDK and OTLP exporters live in ./tracing-sdk.ts and are loaded through `loadLazy` only when
 * `observability.tracing.enabled` is true, so a disabled tracer costs one small module at cold start: the API's
 * no-op tracer makes every helper here a cheap pass-through.
 *
 * Lambda freezes the process as soon as the handler returns, so callers must `await handle.forceFlush()`
 * before returning (spans are batched in memory and exported in one request per invocation).
 */
import {
  type Attributes,
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ConfigError, classifyError } from '../errors.js';
import { loadLazy } from '../lazy.js';
import { VERSION } from '../version.js';
import { type Logger, silentLogger } from './logger.js';
import type * as TracingSdk from './tracing-sdk.js';

export const TRACER_NAME = 'slurm-push-exporter';
export const DEFAULT_SERVICE_NAME = 'slurm-push-exporter';
/** The ADOT / OpenTelemetry collector Lambda layer listens here (OTLP gRPC). */
export const DEFAULT_OTLP_ENDPOINT = 'localhost:4317';

/** Span names used across the app, so traces look the same whoever creates the span. */
export const SPAN_NAMES = {
  /** Root span of one invocation (startInvocationSpan). */
  invocation: 'collect',
  collector: (name: string) => `collector ${name}`,
  /** One slurmrestd request, e.g. `GET nodes` (kind CLIENT). */
  request: (method: string, endpoint: string) => `${method.toUpperCase()} ${endpoint}`,
  render: 'render',
  /** One push request (attributes: push.target, push.series, push.bytes, http.response.status_code, push.retries). */
  push: 'push',
} as const;

/** `observability.tracing` (snake_case, as in the config file). */
export interface TracingConfig {
  enabled: boolean;
  /** 0..1, applied by ParentBased(TraceIdRatioBased). */
  sample_rate: number;
  /** `host:port` or a URL. gRPC: the path is ignored. HTTP: `/v1/traces` is appended when there is no path. */
  endpoint: string;
  /** Plain-text transport when `endpoint` has no scheme (a scheme in the URL wins). */
  insecure: boolean;
  protocol?: 'grpc' | 'http';
}

/** Environment variables (passed in; lib/ never reads process.env). */
export type TracingEnv = Readonly<Record<string, string | undefined>>;

export interface TracingHandle {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Exports every ended span; never throws (failures are logged). Await it before the handler returns. */
  forceFlush(): Promise<void>;
  /** Flushes, then unregisters the global provider/propagator/context manager. Never throws. */
  shutdown(): Promise<void>;
}

export interface InitTracingOptions {
  logger?: Logger;
  /** Loads the SDK module; defaults to `loadLazy('tracing-sdk')` (tests inject a spy to prove it is not called). */
  load?: (name: 'tracing-sdk') => Promise<typeof TracingSdk>;
  /** Upper bound of one forceFlush (default 3000 ms): a dead collector must not eat the Lambda timeout. */
  flushTimeoutMs?: number;
  /** Upper bound of one OTLP export request (default 3000 ms). */
  exportTimeoutMs?: number;
}

/** Where spans go, derived from the config. */
export interface TracingTarget {
  protocol: 'grpc' | 'http';
  /** gRPC: `http(s)://host:port` (the scheme selects plain text vs TLS). HTTP: the full `/v1/traces` URL. */
  url: string;
}

/** Resolves `endpoint` + `insecure` + `protocol` to the exporter URL (pure; exported for tests and docs). */
export function resolveTracingTarget(cfg: TracingConfig): TracingTarget {
  const protocol = cfg.protocol ?? 'grpc';
  const raw = cfg.endpoint.trim();
  if (raw === '') throw tracingConfigError('endpoint', 'must not be empty when tracing is enabled');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  let url: URL;
  try {
    url = new URL(hasScheme ? raw : `${cfg.insecure ? 'http' : 'https'}://${raw}`);
  } catch (cause) {
    throw tracingConfigError('endpoint', `expected host:port or an http(s) URL, got "${raw}"`, cause);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw tracingConfigError('endpoint', `expected an http:// or https:// URL, got scheme "${url.protocol}"`);
  }
  if (url.username || url.password) {
    // Never log the value itself: it carries credentials.
    throw tracingConfigError('endpoint', 'must not contain credentials (use OTEL_EXPORTER_OTLP_HEADERS)');
  }
  if (protocol === 'grpc') return { protocol, url: `${url.protocol}//${url.host}` };
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v1/traces';
  return { protocol, url: url.toString() };
}

function tracingConfigError(field: string, message: string, cause?: unknown): ConfigError {
  return new ConfigError(
    [
      {
        path: `observability.tracing.${field}`,
        env: `SLURM_EXPORTER_OBSERVABILITY_TRACING_${field.toUpperCase()}`,
        message,
      },
    ],
    { cause },
  );
}

/**
 * Resource attributes: ours, then `OTEL_RESOURCE_ATTRIBUTES`, then `OTEL_SERVICE_NAME` (the OTel precedence).
 * The Lambda runtime variables give the cloud/faas attributes.
 */
export function buildResourceAttributes(env: TracingEnv, version = VERSION): Record<string, string | number> {
  const attrs: Record<string, string | number> = {
    'service.name': DEFAULT_SERVICE_NAME,
    'service.version': version,
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_lambda',
  };
  if (env.AWS_REGION) attrs['cloud.region'] = env.AWS_REGION;
  if (env.AWS_LAMBDA_FUNCTION_NAME) attrs['faas.name'] = env.AWS_LAMBDA_FUNCTION_NAME;
  if (env.AWS_LAMBDA_FUNCTION_VERSION) attrs['faas.version'] = env.AWS_LAMBDA_FUNCTION_VERSION;
  if (env.AWS_LAMBDA_LOG_STREAM_NAME) attrs['faas.instance'] = env.AWS_LAMBDA_LOG_STREAM_NAME;
  const mem = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  if (Number.isFinite(mem) && mem > 0) attrs['faas.max_memory'] = mem * 1024 * 1024;
  Object.assign(attrs, parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES));
  if (env.OTEL_SERVICE_NAME) attrs['service.name'] = env.OTEL_SERVICE_NAME;
  return attrs;
}

/** `key1=value1,key2=value2` with percent-encoded values (OTel spec); malformed pairs are ignored. */
export function parseResourceAttributes(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (key) out[key] = value;
  }
  return out;
}

/** The tracer of the current global provider (a no-op tracer while tracing is disabled). */
export function getTracer(): Tracer {
  return trace.getTracer(TRACER_NAME, VERSION);
}

const disabledHandle: TracingHandle = {
  enabled: false,
  get tracer() {
    return getTracer();
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** One provider per container: re-used by warm invocations, rebuilt when the effective config changes. */
let current: { key: string; handle: TracingHandle } | undefined;
let pending: Promise<TracingHandle> | undefined;

/**
 * Sets up tracing for this container. Idempotent: the same config returns the same handle; a changed config
 * shuts the old provider down (after flushing) and builds a new one. Disabled tracing never loads the SDK.
 * `OTEL_SDK_DISABLED=true` disables tracing whatever the config says.
 * Throws ConfigError for an invalid `sample_rate`/`endpoint` when enabled.
 */
export async function initTracing(
  cfg: TracingConfig,
  env: TracingEnv = {},
  opts: InitTracingOptions = {},
): Promise<TracingHandle> {
  // Serialise: two overlapping calls must not register two providers.
  while (pending) await pending.catch(() => undefined);
  const run = initOnce(cfg, env, opts);
  pending = run;
  try {
    return await run;
  } finally {
    pending = undefined;
  }
}

async function initOnce(
  cfg: TracingConfig,
  env: TracingEnv,
  opts: InitTracingOptions,
): Promise<TracingHandle> {
  const enabled = cfg.enabled && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
  let key = 'disabled';
  let target: TracingTarget | undefined;
  let resource: Record<string, string | number> = {};
  if (enabled) {
    if (!Number.isFinite(cfg.sample_rate) || cfg.sample_rate < 0 || cfg.sample_rate > 1) {
      throw tracingConfigError('sample_rate', `expected a number between 0 and 1, got ${cfg.sample_rate}`);
    }
    target = resolveTracingTarget(cfg);
    resource = buildResourceAttributes(env);
    key = JSON.stringify([target, cfg.sample_rate, resource, opts.exportTimeoutMs ?? null]);
  }
  if (current?.key === key) return current.handle;
  if (current) {
    const old = current.handle;
    current = undefined;
    await old.shutdown();
  }
  if (!enabled || !target) {
    current = { key, handle: disabledHandle };
    return disabledHandle;
  }
  const load = opts.load ?? ((name: 'tracing-sdk') => loadLazy(name));
  const sdk = await load('tracing-sdk');
  const logger = opts.logger ?? silentLogger;
  const sdkHandle = await sdk.startTracing({
    target,
    sampleRate: cfg.sample_rate,
    resource,
    tracerName: TRACER_NAME,
    tracerVersion: VERSION,
    logger,
    flushTimeoutMs: opts.flushTimeoutMs ?? 3000,
    exportTimeoutMs: opts.exportTimeoutMs ?? 3000,
  });
  const handle: TracingHandle = {
    enabled: true,
    tracer: sdkHandle.tracer,
    forceFlush: () => sdkHandle.forceFlush(),
    shutdown: async () => {
      if (current?.handle === handle) current = undefined;
      await sdkHandle.shutdown();
    },
  };
  current = { key, handle };
  logger.debug('tracing enabled', {
    protocol: target.protocol,
    endpoint: target.url,
    sample_rate: cfg.sample_rate,
  });
  return handle;
}

/** Shuts the container's provider down (tests, or a runtime that gets a SHUTDOWN event). */
export async function shutdownTracing(): Promise<void> {
  while (pending) await pending.catch(() => undefined);
  const old = current?.handle;
  current = undefined;
  await old?.shutdown();
}

/**
 * Runs `fn` inside a child span of the active span. Records a thrown error (exception event, ERROR status,
 * `error.type` = our classification) and rethrows it; always ends the span.
 */
export async function withSpan<T>(
  name: string,
  attrs: Attributes,
  fn: (span: Span) => T | Promise<T>,
  opts: { kind?: SpanKind } = {},
): Promise<T> {
  return getTracer().startActiveSpan(
    name,
    { attributes: attrs, kind: opts.kind ?? SpanKind.INTERNAL },
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        recordSpanError(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks `span` as failed. Only the error's name, message and type are recorded (messages carry no secrets). */
export function recordSpanError(span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException({ name: e.name, message: e.message });
  span.setAttribute('error.type', classifyError(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/** Lambda context fields we use (structurally compatible with `aws-lambda`'s Context). */
export interface InvocationContextLike {
  awsRequestId: string;
  functionName: string;
  invokedFunctionArn?: string;
}

export interface InvocationSpan {
  readonly span: Span;
  /** The context whose active span is the root span. */
  readonly ctx: Context;
  /** Runs `fn` with the root span active, so spans created inside become its children. */
  run<T>(fn: () => T): T;
  /** Sets the status (ERROR with `err`, else leaves it unset) and ends the root span. */
  end(err?: unknown): void;
}

/** Starts the per-invocation root span `collect` (FaaS semantic conventions, trigger `timer`). */
export function startInvocationSpan(
  lambdaContext: InvocationContextLike,
  coldStart: boolean,
  env: TracingEnv = {},
): InvocationSpan {
  const attributes: Attributes = {
    'faas.trigger': 'timer',
    'faas.invocation_id': lambdaContext.awsRequestId,
    'faas.coldstart': coldStart,
    'faas.name': lambdaContext.functionName,
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_lambda',
  };
  if (env.AWS_REGION) attributes['cloud.region'] = env.AWS_REGION;
  if (lambdaContext.invokedFunctionArn) attributes['cloud.resource_id'] = lambdaContext.invokedFunctionArn;
  // A root span on purpose: a scheduled invocation has no incoming trace context.
  const span = getTracer().startSpan(SPAN_NAMES.invocation, {
    kind: SpanKind.SERVER,
    attributes,
    root: true,
  });
  const ctx = trace.setSpan(context.active(), span);
  let ended = false;
  return {
    span,
    ctx,
    run: (fn) => context.with(ctx, fn),
    end: (err) => {
      if (ended) return;
      ended = true;
      if (err !== undefined) recordSpanError(span, err);
      span.end();
    },
  };
}

/** W3C `traceparent`/`tracestate` headers for the active span (empty while tracing is disabled). */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}
