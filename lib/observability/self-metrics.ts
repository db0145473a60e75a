/**
 * The exporter's own metrics, produced as MetricFamily[] so they are rendered and pushed with the SLURM
 * metrics of the same invocation.
 *
 * In a pushed, short-lived world there is no long-lived registry: most values describe THIS invocation and are
 * gauges (the Pushgateway keeps the last push; remote write stores every push as a sample). The two values
 * that need memory across invocations (last success per collector, cumulative error counts) live in a
 * module-level store that survives while the Lambda container stays warm (`containerState`).
 */
import type { MetricDef, MetricFamily, MetricType, Sample } from '../collectors/types.js';
import type { ApiRequestInfo, CollectorStatus } from './events.js';

/** Error classes of `slurm_exporter_collect_errors_total{error_type}` (as lib/errors.ts ErrorType). */
export const SELF_ERROR_TYPES = ['timeout', 'connection', 'auth', 'http', 'parse', 'validation'] as const;

export interface PushInfo {
  durationMs: number;
  ok: boolean;
  /** Target kind or URL; a URL is reduced to scheme://host/path (no credentials, no query). */
  target: string;
  bytes: number;
}

export interface BreakerState {
  endpoint: string;
  /** 0 closed, 1 open, 2 half-open. */
  state: 0 | 1 | 2;
}

export interface ProcessStats {
  rssBytes: number;
  heapUsedBytes: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Peak RSS of the container so far (optional). */
  peakRssBytes?: number;
}

/** What survives between warm invocations of one container. */
export class SelfMetricsState {
  /** collector → unix seconds of its last successful run in this container. */
  readonly lastSuccess = new Map<string, number>();
  /** `collector\u0000error_type` → failures counted in this container. */
  readonly errorTotals = new Map<string, number>();
  /** The previous push of this container (reported by the next invocation). */
  lastPush: PushInfo | undefined;

  /** Folds one invocation's collector outcomes in. Call once per invocation. */
  record(statuses: readonly CollectorStatus[], nowSeconds: number): void {
    for (const s of statuses) {
      if (s.skipped) continue;
      if (s.ok) this.lastSuccess.set(s.name, nowSeconds);
      else {
        const key = `${s.name}\u0000${normaliseErrorType(s.error?.type)}`;
        this.errorTotals.set(key, (this.errorTotals.get(key) ?? 0) + 1);
      }
    }
  }

  /** Remembers a push so the NEXT invocation can report its duration. */
  recordPush(push: PushInfo): void {
    this.lastPush = { ...push, target: safeTarget(push.target) };
  }
}

/** The store of this container (module state = container lifetime in Lambda). */
export const containerState = new SelfMetricsState();

export interface SelfMetricsInput {
  statuses: readonly CollectorStatus[];
  requests: readonly ApiRequestInfo[];
  /** The previous push in this container; defaults to `state.lastPush` (absent on a cold start). */
  push?: PushInfo;
  breakerStates: readonly BreakerState[];
  coldStart: boolean;
  apiVersion: string | null;
  version: string;
  /** Defaults to `process.version`. */
  nodeVersion?: string;
  nowSeconds: number;
  /**
   * Caller-kept last successes. When given, the caller owns the state: `state` is neither read nor updated and
   * error totals come from `errorTotals` (or this invocation only).
   */
  lastSuccess?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  errorTotals?: ReadonlyMap<string, number>;
  /** Store used when `lastSuccess` is not given; defaults to `containerState`. Updated from `statuses`. */
  state?: SelfMetricsState;
  process: ProcessStats;
  thresholdsExceeded?: { memory: boolean; cpu: boolean };
}

const PER_INVOCATION =
  'Per-invocation value: read the latest sample (Pushgateway) or use max_over_time(…[<schedule>]) with remote write.';

/** Catalog of the self-metrics (docs/metrics.md). Names and labels exactly as emitted. */
export const SELF_METRIC_DEFS: MetricDef[] = [
  {
    name: 'slurm_exporter_collector_success',
    type: 'gauge',
    help: 'Whether the collector succeeded in this invocation (1) or failed (0). Absent when skipped.',
    labels: ['collector'],
    source: [],
    query: 'slurm_exporter_collector_success == 0 — the reliable per-invocation failure signal; alert on it.',
  },
  {
    name: 'slurm_exporter_collector_skipped',
    type: 'gauge',
    help: 'Collector skipped because its endpoint is not served (old API version, no slurmdbd): 1.',
    labels: ['collector'],
    source: [],
    query: 'slurm_exporter_collector_skipped == 1 — expected on clusters without slurmdbd.',
  },
  {
    name: 'slurm_exporter_collect_duration_seconds',
    type: 'gauge',
    help: "Duration of the collector's run in this invocation, in seconds.",
    labels: ['collector'],
    source: [],
    query: `max_over_time(slurm_exporter_collect_duration_seconds[1h]). ${PER_INVOCATION}`,
  },
  {
    name: 'slurm_exporter_collect_errors_total',
    type: 'counter',
    help: 'Collector failures by error type, cumulative while the Lambda container stays warm (resets with a new container).',
    labels: ['collector', 'error_type'],
    source: [],
    query:
      'Counter per container: increase() over a Pushgateway series is wrong when containers change (the counter restarts and the old value is overwritten). Prefer count_over_time((slurm_exporter_collector_success == 0)[1h:]) or sum_over_time over the success gauge.',
  },
  {
    name: 'slurm_exporter_last_success_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time of the last successful run of the collector in this container (absent until one succeeded).',
    labels: ['collector'],
    source: [],
    query:
      'time() - slurm_exporter_last_success_timestamp_seconds > 3 * <schedule seconds> — stale collector.',
  },
  {
    name: 'slurm_exporter_series',
    type: 'gauge',
    help: 'Series the collector produced in this invocation.',
    labels: ['collector'],
    source: [],
    query: `sum(slurm_exporter_series) — total pushed series. ${PER_INVOCATION}`,
  },
  {
    name: 'slurm_exporter_series_dropped',
    type: 'gauge',
    help: 'Series dropped by the cardinality cap (metrics.cardinality.max_series) in this invocation.',
    labels: ['collector'],
    source: [],
    query: 'slurm_exporter_series_dropped > 0 — raise the cap or disable per-entity series.',
  },
  {
    name: 'slurm_exporter_api_request_duration_seconds',
    type: 'gauge',
    help: 'Slowest slurmrestd request of this invocation per endpoint, method and status (status_code 0 = no response), in seconds.',
    labels: ['endpoint', 'method', 'status_code'],
    source: [],
    query: `max by (endpoint) (slurm_exporter_api_request_duration_seconds). Several requests with the same labels report the maximum. ${PER_INVOCATION}`,
  },
  {
    name: 'slurm_exporter_api_requests',
    type: 'gauge',
    help: 'Number of slurmrestd requests in this invocation per endpoint, method and status (status_code 0 = no response).',
    labels: ['endpoint', 'method', 'status_code'],
    source: [],
    query: 'sum by (status_code) (slurm_exporter_api_requests) — requests of the latest invocation.',
  },
  {
    name: 'slurm_exporter_push_duration_seconds',
    type: 'gauge',
    help: "Duration of the PREVIOUS invocation's push from this container, in seconds (the push of the current invocation happens after rendering). Absent on a cold start.",
    labels: ['target'],
    source: [],
    query: 'max_over_time(slurm_exporter_push_duration_seconds[1h]) — lags one invocation behind.',
  },
  {
    name: 'slurm_exporter_push_success',
    type: 'gauge',
    help: "Whether the PREVIOUS invocation's push from this container succeeded (1) or failed (0). Absent on a cold start.",
    labels: ['target'],
    source: [],
    query: 'slurm_exporter_push_success == 0 — a failed push is visible only once a later push gets through.',
  },
  {
    name: 'slurm_exporter_push_size_bytes',
    type: 'gauge',
    help: "Body size of the PREVIOUS invocation's push from this container, in bytes. Absent on a cold start.",
    labels: ['target'],
    source: [],
    query: 'slurm_exporter_push_size_bytes — watch for growth (cardinality).',
  },
  {
    name: 'slurm_exporter_circuit_breaker_state',
    type: 'gauge',
    help: 'Circuit breaker state per slurmrestd endpoint: 0 closed, 1 open, 2 half-open.',
    labels: ['endpoint'],
    source: [],
    query: 'slurm_exporter_circuit_breaker_state == 1 — endpoint skipped after repeated failures.',
  },
  {
    name: 'slurm_exporter_cold_start',
    type: 'gauge',
    help: 'Whether this invocation was the first of its Lambda container (1) or a warm one (0).',
    labels: [],
    source: [],
    query: 'sum_over_time(slurm_exporter_cold_start[1d]) (remote write) — cold starts per day.',
  },
  {
    name: 'slurm_exporter_build_info',
    type: 'gauge',
    help: 'Always 1; exporter version, Node.js version and the slurmrestd API version in use ("" when unknown).',
    labels: ['version', 'node_version', 'api_version'],
    source: [],
    query: 'count by (version, api_version) (slurm_exporter_build_info) — versions in the fleet.',
  },
  {
    name: 'slurm_exporter_process_resident_memory_bytes',
    type: 'gauge',
    help: 'Resident set size of the Lambda process at the end of collection, in bytes.',
    labels: [],
    source: [],
    query:
      'max_over_time(slurm_exporter_process_resident_memory_bytes[1d]) — compare with the function memory size.',
  },
  {
    name: 'slurm_exporter_process_peak_resident_memory_bytes',
    type: 'gauge',
    help: 'Peak resident set size of the container so far, in bytes.',
    labels: [],
    source: [],
    query: 'slurm_exporter_process_peak_resident_memory_bytes — sizing the function memory.',
  },
  {
    name: 'slurm_exporter_process_heap_used_bytes',
    type: 'gauge',
    help: 'V8 heap in use at the end of collection, in bytes.',
    labels: [],
    source: [],
    query: PER_INVOCATION,
  },
  {
    name: 'slurm_exporter_invocation_cpu_seconds',
    type: 'gauge',
    help: 'CPU time spent by this invocation (up to rendering), in seconds, by mode.',
    labels: ['mode'],
    source: [],
    query: 'sum without (mode) (slurm_exporter_invocation_cpu_seconds) — CPU per invocation.',
  },
  {
    name: 'slurm_exporter_performance_threshold_exceeded',
    type: 'gauge',
    help: 'Whether this invocation exceeded observability.performance_monitoring thresholds (1) or not (0), by resource (memory, cpu).',
    labels: ['resource'],
    source: [],
    query: 'slurm_exporter_performance_threshold_exceeded == 1',
  },
];

const DEF_BY_NAME = new Map(SELF_METRIC_DEFS.map((d) => [d.name, d]));

function normaliseErrorType(t: string | undefined): string {
  return t !== undefined && (SELF_ERROR_TYPES as readonly string[]).includes(t) ? t : 'http';
}

/** A URL target reduced to scheme://host[:port]/path: never userinfo, query or fragment. */
export function safeTarget(target: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  try {
    const u = new URL(target);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'invalid-url';
  }
}

function labelKey(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join('\u0000');
}

/**
 * Builds the self-metric families of one invocation. Deterministic order: families as in SELF_METRIC_DEFS,
 * samples sorted by labels. Families without samples are left out.
 * With the default store, updates `containerState` from `statuses` — call once per invocation.
 */
export function buildSelfMetrics(input: SelfMetricsInput): MetricFamily[] {
  const samples = new Map<string, Sample[]>();
  const add = (name: string, labels: Record<string, string>, value: number): void => {
    if (!Number.isFinite(value)) return;
    let list = samples.get(name);
    if (!list) {
      list = [];
      samples.set(name, list);
    }
    list.push({ labels, value });
  };
  const callerOwned = input.lastSuccess !== undefined;
  const state = input.state ?? containerState;
  if (!callerOwned) state.record(input.statuses, input.nowSeconds);

  for (const s of input.statuses) {
    const c = { collector: s.name };
    if (s.skipped) {
      add('slurm_exporter_collector_skipped', c, 1);
      continue;
    }
    add('slurm_exporter_collector_success', c, s.ok ? 1 : 0);
    add('slurm_exporter_collect_duration_seconds', c, s.durationMs / 1000);
    add('slurm_exporter_series', c, s.series);
    add('slurm_exporter_series_dropped', c, s.dropped ?? 0);
  }

  let errorTotals: ReadonlyMap<string, number>;
  if (callerOwned) {
    if (input.errorTotals) errorTotals = input.errorTotals;
    else {
      const run = new SelfMetricsState();
      run.record(input.statuses, input.nowSeconds);
      errorTotals = run.errorTotals;
    }
  } else errorTotals = state.errorTotals;
  for (const [key, count] of errorTotals) {
    const [collector = '', errorType = 'http'] = key.split('\u0000');
    add('slurm_exporter_collect_errors_total', { collector, error_type: errorType }, count);
  }

  const lastSuccess: Iterable<[string, number]> = callerOwned
    ? input.lastSuccess instanceof Map
      ? input.lastSuccess
      : Object.entries(input.lastSuccess as Record<string, number>)
    : state.lastSuccess;
  for (const [collector, ts] of lastSuccess)
    add('slurm_exporter_last_success_timestamp_seconds', { collector }, ts);

  const reqs = new Map<string, { labels: Record<string, string>; max: number; count: number }>();
  for (const r of input.requests) {
    const labels = { endpoint: r.endpoint, method: r.method.toUpperCase(), status_code: String(r.status) };
    const k = labelKey(labels);
    const agg = reqs.get(k);
    if (agg) {
      agg.max = Math.max(agg.max, r.durationMs);
      agg.count++;
    } else reqs.set(k, { labels, max: r.durationMs, count: 1 });
  }
  for (const { labels, max, count } of reqs.values()) {
    add('slurm_exporter_api_request_duration_seconds', labels, max / 1000);
    add('slurm_exporter_api_requests', labels, count);
  }

  const push = input.push ?? (callerOwned ? undefined : state.lastPush);
  if (push) {
    const t = { target: safeTarget(push.target) };
    add('slurm_exporter_push_duration_seconds', t, push.durationMs / 1000);
    add('slurm_exporter_push_success', t, push.ok ? 1 : 0);
    add('slurm_exporter_push_size_bytes', t, push.bytes);
  }

  for (const b of input.breakerStates)
    add('slurm_exporter_circuit_breaker_state', { endpoint: b.endpoint }, b.state);
  add('slurm_exporter_cold_start', {}, input.coldStart ? 1 : 0);
  add(
    'slurm_exporter_build_info',
    {
      version: input.version,
      node_version: input.nodeVersion ?? process.version,
      api_version: input.apiVersion ?? '',
    },
    1,
  );
  const p = input.process;
  add('slurm_exporter_process_resident_memory_bytes', {}, p.rssBytes);
  if (p.peakRssBytes !== undefined)
    add('slurm_exporter_process_peak_resident_memory_bytes', {}, p.peakRssBytes);
  add('slurm_exporter_process_heap_used_bytes', {}, p.heapUsedBytes);
  add('slurm_exporter_invocation_cpu_seconds', { mode: 'user' }, p.cpuUserMs / 1000);
  add('slurm_exporter_invocation_cpu_seconds', { mode: 'system' }, p.cpuSystemMs / 1000);
  if (input.thresholdsExceeded) {
    add(
      'slurm_exporter_performance_threshold_exceeded',
      { resource: 'memory' },
      input.thresholdsExceeded.memory ? 1 : 0,
    );
    add(
      'slurm_exporter_performance_threshold_exceeded',
      { resource: 'cpu' },
      input.thresholdsExceeded.cpu ? 1 : 0,
    );
  }

  const families: MetricFamily[] = [];
  for (const def of SELF_METRIC_DEFS) {
    const list = samples.get(def.name);
    if (!list || list.length === 0) continue;
    list.sort((a, b) =>
      labelKey(a.labels) < labelKey(b.labels) ? -1 : labelKey(a.labels) > labelKey(b.labels) ? 1 : 0,
    );
    families.push({ name: def.name, type: def.type as MetricType, help: def.help, samples: list });
  }
  return families;
}

/** The catalog entry of a self-metric (undefined for unknown names). */
export function selfMetricDef(name: string): MetricDef | undefined {
  return DEF_BY_NAME.get(name);
}
