/**
 * Runs the enabled collectors over one invocation's data: each endpoint is read once and shared, `/jobs` is
 * streamed once to every collector's `onJob`, collectors fail alone (allSettled semantics), and the output is
 * named, filtered, labelled, de-duplicated and sorted (lib/collectors/assemble.ts, which documents the label
 * precedence).
 */
import { setMaxListeners } from 'node:events';
import { classifyError } from '../errors.js';
import type { CollectorStatus } from '../observability/events.js';
import { type Logger, silentLogger } from '../observability/logger.js';
import type { EndpointData, EndpointName, JobField, SlurmJob, SlurmMeta } from '../slurm/model.js';
import { assembleFamilies } from './assemble.js';
import { bound, limiter, TimeoutError } from './concurrency.js';
import type { MetricFilter } from './filter.js';
import type { NamingMode } from './naming.js';
import type { Collector, CollectorOptions, CollectorRun, DataSource, MetricFamily } from './types.js';

export interface RunCollectorsOptions {
  /** The enabled collectors. */
  collectors: readonly Collector[];
  source: DataSource;
  /** Config override for the `cluster` label; empty = use the cluster name slurmrestd reports. */
  cluster?: string;
  /** Options per collector name (merged over defaults: perJob false, maxSeries global, rpcTopUsers 0). */
  options?: Record<string, Partial<CollectorOptions>>;
  labels?: { const?: Record<string, string>; perCollector?: Record<string, Record<string, string>> };
  /** include/exclude globs per collector name, applied to final metric names. */
  filters?: Record<string, MetricFilter>;
  naming?: NamingMode;
  /** Global per-entity series cap (default 100 000). */
  maxSeries?: number;
  /** Per-collector timeout in ms (includes waiting for its endpoints). */
  timeoutsMs?: Record<string, number>;
  /** Absolute deadline (epoch ms): everything still running then fails with a timeout. */
  deadline?: number;
  /** Max endpoints fetched at the same time besides the `/jobs` stream (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Clock in epoch ms (tests). */
  now?: () => number;
}

export interface RunCollectorsResult {
  families: MetricFamily[];
  statuses: CollectorStatus[];
  meta: SlurmMeta | null;
  cluster: string;
}

interface Fetched {
  data: unknown;
}

interface Slot {
  collector: Collector;
  options: CollectorOptions | null;
  run: CollectorRun | null;
  /** Set once the collector settled (finished, failed, timed out): stops onJob dispatch. */
  done: boolean;
  jobError: unknown;
}

function isUnavailable(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ENDPOINT_UNAVAILABLE';
}

function errorInfo(err: unknown): { type: string; message: string } {
  return { type: classifyError(err), message: err instanceof Error ? err.message : String(err) };
}

export async function runCollectors(opts: RunCollectorsOptions): Promise<RunCollectorsResult> {
  const log = opts.logger ?? silentLogger;
  const clock = opts.now ?? Date.now;
  const naming = opts.naming ?? 'native';
  const runAbort = new AbortController();
  // Every collector and endpoint listens on the run signal: legitimately more than Node's default of 10.
  setMaxListeners(4 * (opts.collectors.length + 20), runAbort.signal);
  const cleanups: Array<() => void> = [];
  const onOuterAbort = (): void => runAbort.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  cleanups.push(() => opts.signal?.removeEventListener('abort', onOuterAbort));
  if (opts.deadline !== undefined) {
    const t = setTimeout(
      () => runAbort.abort(new TimeoutError('deadline reached')),
      Math.max(0, opts.deadline - clock()),
    );
    cleanups.push(() => clearTimeout(t));
  }

  try {
    const started = performance.now();
    let meta: SlurmMeta | null = null;
    let metaError: unknown;
    const metaBound = bound(Number.POSITIVE_INFINITY, runAbort.signal, 'meta');
    try {
      meta = await Promise.race([opts.source.meta(), metaBound.promise]);
    } catch (err) {
      metaError = err;
    } finally {
      metaBound.clear();
    }
    const cluster = opts.cluster?.trim() || meta?.cluster?.trim() || 'default';

    const slots: Slot[] = opts.collectors.map((collector) => ({
      collector,
      options: null,
      run: null,
      done: false,
      jobError: undefined,
    }));
    const statuses = new Map<string, CollectorStatus>();
    const outputs = new Map<string, MetricFamily[]>();

    if (!meta) {
      log.warn('slurmrestd unreachable: no collector ran', { error: errorInfo(metaError) });
      for (const { collector } of slots) {
        statuses.set(collector.name, {
          name: collector.name,
          ok: false,
          durationMs: 0,
          series: 0,
          error: errorInfo(metaError),
        });
        outputs.set(collector.name, collector.unreachable?.() ?? []);
      }
    } else {
      await runAll(opts, meta, cluster, slots, statuses, outputs, runAbort.signal, started, log);
    }

    const collected = slots.map((s) => ({
      name: s.collector.name,
      families: outputs.get(s.collector.name),
      status: statuses.get(s.collector.name) as CollectorStatus,
      dropped: s.run?.dropped?.(),
    }));
    // The collectors' own state (aggregation maps, builders) is not needed any more: drop it before the
    // labelled copies are made, whatever may still hold a slot (an abort reason's stack keeps closures alive).
    for (const s of slots) s.run = null;
    outputs.clear();
    const families = assembleFamilies(collected, {
      cluster,
      naming,
      log,
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.filters ? { filters: opts.filters } : {}),
    });
    return {
      families,
      statuses: opts.collectors.map((c) => statuses.get(c.name) as CollectorStatus),
      meta,
      cluster,
    };
  } finally {
    for (const c of cleanups) c();
  }
}

async function runAll(
  opts: RunCollectorsOptions,
  meta: SlurmMeta,
  cluster: string,
  slots: Slot[],
  statuses: Map<string, CollectorStatus>,
  outputs: Map<string, MetricFamily[]>,
  runSignal: AbortSignal,
  started: number,
  log: Logger,
): Promise<void> {
  const now = (opts.now ?? Date.now)() / 1000;
  const fail = (slot: Slot, err: unknown, skipped = false): void => {
    slot.done = true;
    const name = slot.collector.name;
    const durationMs = performance.now() - started;
    if (skipped) {
      log.debug('collector skipped: endpoint not served', { collector: name, error: errorInfo(err).message });
      statuses.set(name, { name, ok: true, skipped: true, durationMs, series: 0 });
    } else {
      log.warn('collector failed', { collector: name, error: errorInfo(err) });
      statuses.set(name, { name, ok: false, durationMs, series: 0, error: errorInfo(err) });
    }
  };

  for (const slot of slots) {
    const c = slot.collector;
    const options: CollectorOptions = {
      perJob: false,
      maxSeries: opts.maxSeries ?? 100_000,
      rpcTopUsers: 0,
      ...opts.options?.[c.name],
    };
    slot.options = options;
    try {
      slot.run = c.start({ cluster, now, meta, options });
    } catch (err) {
      fail(slot, err);
    }
  }
  const live = slots.filter((s) => s.run !== null);

  // One fetch per endpoint, shared; each has its own AbortController so it can be cancelled when every
  // collector waiting for it has given up.
  const needs = (s: Slot): EndpointName[] => [
    ...s.collector.endpoints,
    ...(s.collector.optionalEndpoints ?? []),
  ];
  const endpoints = [...new Set(live.flatMap(needs))];
  const limit = limiter(Math.max(1, opts.concurrency ?? 4));
  const fetches = new Map<
    EndpointName,
    { promise: Promise<Fetched>; abort: AbortController; waiting: number }
  >();
  for (const ep of endpoints) {
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, runSignal]);
    let promise: Promise<Fetched>;
    if (ep === 'jobs') {
      const consumers = live.filter((s) => needs(s).includes('jobs') && s.run?.onJob);
      const onItem = (job: SlurmJob): void => {
        for (const s of consumers) {
          if (s.done || s.jobError !== undefined) continue;
          try {
            s.run?.onJob?.(job);
          } catch (err) {
            s.jobError = err;
          }
        }
      };
      const jobFields = jobFieldsOf(consumers);
      // Streamed items are delivered through onJob; `[]` marks a completed stream in finish(data).
      promise = opts.source
        .fetch('jobs', { onItem, signal, ...(jobFields ? { jobFields } : {}) })
        .then(() => ({ data: [] }));
    } else {
      promise = limit(() =>
        signal.aborted ? Promise.reject(signal.reason) : opts.source.fetch(ep, { signal }),
      );
    }
    promise.catch(() => {});
    fetches.set(ep, { promise, abort, waiting: live.filter((s) => needs(s).includes(ep)).length });
  }

  await Promise.allSettled(
    live.map(async (slot) => {
      const c = slot.collector;
      const timeout = opts.timeoutsMs?.[c.name] ?? Number.POSITIVE_INFINITY;
      const limit2 = bound(timeout, runSignal, `collector ${c.name}`);
      const release = (): void => {
        for (const ep of needs(slot)) {
          const f = fetches.get(ep);
          if (!f) continue;
          f.waiting -= 1;
          if (f.waiting === 0) {
            const reason = new TimeoutError(`no collector waits for ${ep} any more`);
            // Reading the stack formats it now: an unformatted one holds every frame's closure (and with it the
            // collectors' data) for as long as the aborted signal lives.
            void reason.stack;
            f.abort.abort(reason);
          }
        }
      };
      try {
        const families = await Promise.race([collect(slot, fetches), limit2.promise]);
        slot.done = true;
        outputs.set(c.name, families);
        statuses.set(c.name, { name: c.name, ok: true, durationMs: performance.now() - started, series: 0 });
      } catch (err) {
        fail(slot, err, isUnavailable(err));
      } finally {
        limit2.clear();
        release();
      }
    }),
  );
}

/** The SlurmJob fields the `/jobs` readers need, or undefined (all) when one of them does not say. */
function jobFieldsOf(consumers: readonly Slot[]): JobField[] | undefined {
  const fields = new Set<JobField>();
  for (const s of consumers) {
    if (!s.collector.jobFields || !s.options) return undefined;
    for (const f of s.collector.jobFields(s.options)) fields.add(f);
  }
  return [...fields];
}

async function collect(
  slot: Slot,
  fetches: Map<EndpointName, { promise: Promise<Fetched> }>,
): Promise<MetricFamily[]> {
  const c = slot.collector;
  const data: Partial<Record<EndpointName, unknown>> = {};
  const read = async (ep: EndpointName, required: boolean): Promise<void> => {
    try {
      const f = fetches.get(ep);
      if (!f) return;
      data[ep] = (await f.promise).data;
    } catch (err) {
      if (required) throw err;
    }
  };
  // Required endpoints first: their failure decides the outcome; optional ones only lose series.
  await Promise.all(c.endpoints.map((ep) => read(ep, true)));
  await Promise.all((c.optionalEndpoints ?? []).map((ep) => read(ep, false)));
  if (slot.jobError !== undefined) throw slot.jobError;
  return slot.run?.finish(data as Partial<EndpointData>) ?? [];
}

export { SERIES_DROPPED } from './assemble.js';
