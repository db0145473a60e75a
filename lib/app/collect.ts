/**
 * One collection: config → slurmrestd → collectors → self-metrics → render → push. Used by the scheduled
 * Lambda (functions/collect.ts) and the CLI (`slurm-push collect`). Partial failure is data: a failed collector
 * shows up as `slurm_exporter_collector_success{collector}=0` in the same push as the others' series.
 */

import { getHeapStatistics } from 'node:v8';
import { SpanStatusCode } from '@opentelemetry/api';
import { COLLECTORS } from '../collectors/index.js';
import { runCollectors } from '../collectors/run.js';
import type { Collector, MetricFamily } from '../collectors/types.js';
import type { Config } from '../config/index.js';
import { ConfigError, ExporterError, PushError } from '../errors.js';
import { getBreakerStates } from '../observability/circuit-breaker.js';
import { isColdStart } from '../observability/cold-start.js';
import type { ApiRequestInfo, CollectorStatus } from '../observability/events.js';
import { heapLimitRisk } from '../observability/heap-limit.js';
import type { Logger, LogLevel } from '../observability/logger.js';
import { checkThresholds, startInvocationMeter } from '../observability/performance.js';
import { buildSelfMetrics, containerState } from '../observability/self-metrics.js';
import {
  getTracer,
  initTracing,
  SPAN_NAMES,
  startInvocationSpan,
  withSpan,
} from '../observability/tracing.js';
import { buildGrouping } from '../push/index.js';
import { renderFamilies } from '../push/render.js';
import type { PushResult } from '../push/types.js';
import { VERSION } from '../version.js';
import { getConfigLoader, loggerFor, pushTargetFor, slurmClientFor } from './wiring.js';

type Env = Record<string, string | undefined>;

export interface CollectRequest {
  env: Env;
  /** Per-invocation config overrides (schedule input, CLI flags), nested. */
  overrides?: Record<string, unknown>;
  awsRequestId?: string;
  functionName?: string;
  invokedFunctionArn?: string;
  /** Lambda's `context.getRemainingTimeInMillis`; absent locally (then `localBudgetMs`). */
  remainingTimeMs?: () => number;
  localBudgetMs?: number;
  /** CLI: push to this target type instead of the configured one. */
  target?: Config['push']['type'];
  /** CLI: collect and render, print to stdout, push nothing. */
  dryRun?: boolean;
  /** CLI `--log-level` (wins over config). */
  logLevel?: LogLevel;
  /** Stream for the stdout target (CLI tests); defaults to process.stdout. */
  stdout?: NodeJS.WritableStream;
  /** Called per collector when it settles (CLI progress on a TTY). */
  onCollector?: (status: CollectorStatus) => void;
}

export interface CollectSummary {
  cluster: string;
  api_version: string | null;
  collectors: Record<
    string,
    { ok: boolean; skipped?: boolean; duration_ms: number; series: number; error?: string }
  >;
  push: { target: string; series: number; bytes: number; duration_ms: number; status: number | string };
  duration_ms: number;
}

/** Enabled collectors in catalog order. */
function enabledCollectors(config: Config): Collector[] {
  return Object.entries(COLLECTORS)
    .filter(([name]) => config.collectors[name as keyof Config['collectors']]?.enabled)
    .map(([, c]) => c);
}

function perCollector<T>(config: Config, pick: (c: Config['collectors'][keyof Config['collectors']]) => T) {
  return Object.fromEntries(Object.entries(config.collectors).map(([name, c]) => [name, pick(c)]));
}

/** Adds the labels every series carries (cluster + const labels) to the self-metrics. */
function withBaseLabels(families: MetricFamily[], labels: Record<string, string>): MetricFamily[] {
  return families.map((f) => ({
    ...f,
    samples: f.samples.map((s) => ({ ...s, labels: { ...labels, ...s.labels } })),
  }));
}

/** Time kept back from the Lambda's remaining time so the push (and span flush) can still happen. */
function deadlineFor(req: CollectRequest, reserveMs: number): number {
  const remaining = req.remainingTimeMs?.() ?? req.localBudgetMs ?? 60_000;
  return Date.now() + Math.max(1_000, remaining - reserveMs);
}

/**
 * One child span per collector. Collectors share their endpoint fetches (one request per endpoint), so the
 * spans are recorded once each collector has settled, with its real start and end times; the slurmrestd request
 * spans are siblings under the invocation span.
 */
function recordCollectorSpans(statuses: readonly CollectorStatus[], startedMs: number): void {
  const tracer = getTracer();
  for (const s of statuses) {
    const span = tracer.startSpan(SPAN_NAMES.collector(s.name), {
      startTime: startedMs,
      attributes: {
        'slurm.collector': s.name,
        'slurm.collector.series': s.series,
        'slurm.collector.skipped': s.skipped === true,
      },
    });
    if (!s.ok && s.error) {
      span.recordException({ name: s.error.type, message: s.error.message });
      span.setAttribute('error.type', s.error.type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: s.error.message });
    }
    span.end(startedMs + s.durationMs);
  }
}

export async function runCollect(req: CollectRequest): Promise<CollectSummary> {
  const started = Date.now();
  const meter = startInvocationMeter();
  const coldStart = isColdStart();
  const loader = getConfigLoader(req.env);
  // Fails fast with every problem listed (ConfigError), before any network traffic.
  const loaded = await loader.load({ overrides: req.overrides });
  const config = loaded.config;
  const baseFields = { aws_request_id: req.awsRequestId };
  const logger: Logger = loggerFor(config, baseFields, req.logLevel);
  for (const w of loaded.warnings) logger.warn(w);
  // Only in the Lambda runtime (AWS_LAMBDA_RUNTIME_API): `serverless invoke local` sets the memory size too,
  // but runs the handler in the CLI's own process, whose heap no NODE_OPTIONS sized.
  if (coldStart && req.env.AWS_LAMBDA_RUNTIME_API) {
    const risk = heapLimitRisk(getHeapStatistics().heap_size_limit, req.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
    if (risk) {
      logger.warn(
        'the V8 heap limit is above the function memory: Lambda may kill the process before V8 collects; set NODE_OPTIONS --max-old-space-size (serverless.yml parameter nodeOptions) to about 3/4 of memorySize',
        { ...risk },
      );
    }
  }
  if (!config.slurm.base_url) {
    throw new ConfigError([
      {
        path: 'slurm.base_url',
        env: 'SLURM_EXPORTER_SLURM_BASE_URL',
        message: 'is required: the slurmrestd base URL, e.g. https://slurm-ctl:6820',
      },
    ]);
  }

  const tracing = await initTracing(config.observability.tracing, req.env, { logger });
  const invocation = startInvocationSpan(
    {
      awsRequestId: req.awsRequestId ?? 'local',
      functionName: req.functionName ?? 'slurm-push-local',
      invokedFunctionArn: req.invokedFunctionArn,
    },
    coldStart,
    req.env,
  );
  try {
    const summary = await invocation.run(() =>
      collectAndPush(req, config, loader, logger, meter, coldStart, started),
    );
    invocation.end();
    return summary;
  } catch (err) {
    invocation.end(err);
    throw err;
  } finally {
    // Lambda freezes the process after return: unexported spans would be lost.
    await tracing.forceFlush();
  }
}

async function collectAndPush(
  req: CollectRequest,
  config: Config,
  loader: ReturnType<typeof getConfigLoader>,
  baseLogger: Logger,
  meter: ReturnType<typeof startInvocationMeter>,
  coldStart: boolean,
  started: number,
): Promise<CollectSummary> {
  let logger = baseLogger;
  const requests: ApiRequestInfo[] = [];
  const deadline = deadlineFor(req, config.push.reserve_time);
  const client = slurmClientFor(config, {
    logger,
    onRequest: (r) => requests.push(r),
    deadline,
    refresh: async () => (await loader.load({ overrides: req.overrides, forceSecretRefresh: true })).config,
  });

  const collectors = enabledCollectors(config);
  const runStartedMs = Date.now();
  const result = await runCollectors({
    collectors,
    source: client,
    cluster: config.cluster_name,
    options: {
      jobs: { perJob: config.collectors.jobs.per_job },
      scheduler: { rpcTopUsers: config.collectors.scheduler.rpc_top_users },
    },
    labels: { const: config.metrics.const_labels, perCollector: perCollector(config, (c) => c.labels) },
    filters: perCollector(config, (c) => c.filters),
    naming: config.metrics.naming,
    maxSeries: config.metrics.cardinality.max_series,
    timeoutsMs: perCollector(config, (c) => c.timeout),
    deadline,
    concurrency: config.slurm.concurrency,
    logger,
  });
  for (const s of result.statuses) req.onCollector?.(s);
  // The runner already logged each failed collector at warn.
  recordCollectorSpans(result.statuses, runStartedMs);
  logger = logger.child({ cluster: result.cluster });

  const measure = meter.stop();
  const thresholds = checkThresholds(measure, config.observability.performance_monitoring, logger);
  const self = buildSelfMetrics({
    statuses: result.statuses,
    requests,
    breakerStates: getBreakerStates(),
    coldStart,
    apiVersion: result.meta?.apiVersion ?? null,
    version: VERSION,
    nowSeconds: Math.floor(Date.now() / 1000),
    process: {
      rssBytes: measure.rssBytes,
      heapUsedBytes: measure.heapUsedBytes,
      cpuUserMs: measure.cpuUserMs,
      cpuSystemMs: measure.cpuSystemMs,
      peakRssBytes: measure.peakRss,
    },
    thresholdsExceeded: thresholds,
  });
  const families = [
    ...result.families,
    ...withBaseLabels(self, { ...config.metrics.const_labels, cluster: result.cluster }),
  ];
  const targetType = req.dryRun ? 'stdout' : (req.target ?? config.push.type);
  const rendered = await withSpan('render', { 'metrics.families': families.length }, async (span) => {
    // The exposition text is rendered as the target reads it (remote write never does).
    const r = await renderFamilies(families);
    span.setAttribute('metrics.series', r.series);
    return r;
  });

  let push: PushResult | undefined;
  let pushError: unknown;
  try {
    const target = await pushTargetFor(config, {
      logger,
      region: req.env.AWS_REGION,
      type: targetType,
      stream: req.stdout,
    });
    push = await withSpan(
      'push',
      { 'push.target': targetType, 'push.series': rendered.series },
      async (span) => {
        const r = await target.push(
          {
            registry: rendered.registry,
            text: rendered.text,
            timestampMs: Date.now(),
            grouping: buildGrouping(result.cluster, config.push.grouping),
          },
          { deadlineMs: deadlineFor(req, 0) },
        );
        span.setAttributes({
          'push.bytes': r.bytes,
          'http.response.status_code': r.status,
          'push.requests': r.requests,
        });
        return r;
      },
    );
  } catch (err) {
    pushError = err;
  }
  containerState.recordPush({
    durationMs: push?.durationMs ?? 0,
    ok: push !== undefined,
    target: targetType === 'stdout' ? 'stdout' : config.push.url,
    bytes: push?.bytes ?? 0,
  });

  const summary: CollectSummary = {
    cluster: result.cluster,
    api_version: result.meta?.apiVersion ?? null,
    collectors: Object.fromEntries(
      result.statuses.map((s) => [
        s.name,
        {
          ok: s.ok,
          ...(s.skipped ? { skipped: true } : {}),
          duration_ms: Math.round(s.durationMs),
          series: s.series,
          ...(s.error ? { error: s.error.message } : {}),
        },
      ]),
    ),
    push: {
      target: targetType,
      series: push?.series ?? rendered.series,
      bytes: push?.bytes ?? 0,
      duration_ms: Math.round(push?.durationMs ?? 0),
      status: push ? push.status : 'failed',
    },
    duration_ms: Date.now() - started,
  };
  const failed = result.statuses.filter((s) => !s.ok && !s.skipped);
  logger.info('collection finished', {
    duration_ms: summary.duration_ms,
    api_version: summary.api_version,
    collectors_ok: result.statuses.filter((s) => s.ok && !s.skipped).length,
    collectors_failed: failed.map((s) => s.name),
    collectors_skipped: result.statuses.filter((s) => s.skipped).map((s) => s.name),
    series: rendered.series,
    push: summary.push,
    ...(pushError ? { error: pushError } : {}),
  });

  if (pushError) {
    throw pushError instanceof ExporterError
      ? pushError
      : new PushError(`push to ${targetType} failed: ${String((pushError as Error)?.message ?? pushError)}`, {
          target: targetType,
          cause: pushError,
        });
  }
  // `cluster` only reports whether slurmrestd answered (slurm_up): it "succeeds" with slurm_up 0, so it does
  // not count as data collected.
  const ran = result.statuses.filter((s) => !s.skipped && s.name !== 'cluster');
  const ranFailed = ran.filter((s) => !s.ok);
  if (ran.length > 0 && ranFailed.length === ran.length) {
    // The self-metrics were pushed above, so the outage is visible in Prometheus; now fail the invocation.
    const first = ranFailed[0]?.error;
    throw new ExporterError(
      `all ${ran.length} collectors failed; first error: ${first?.message ?? 'unknown'}`,
      {
        code: 'ALL_COLLECTORS_FAILED',
        type: (first?.type as ExporterError['type']) ?? 'http',
      },
    );
  }
  return summary;
}
