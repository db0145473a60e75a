/**
 * The contract between collectors, the runner and the renderers. Collectors turn the internal model
 * (lib/slurm/model.ts) into metric families; they never do I/O.
 */
import type { EndpointData, EndpointName, JobField, SlurmJob, SlurmMeta } from '../slurm/model.js';

export type MetricType = 'gauge' | 'counter';

/** A catalog entry: what a collector may emit. docs/metrics.md is generated from these. */
export interface MetricDef {
  /** Native name, e.g. `slurm_nodes`. */
  name: string;
  type: MetricType;
  help: string;
  /** Label names besides `cluster` and configured const labels. */
  labels: readonly string[];
  /** Endpoint(s) the values come from, for the catalog. */
  source: readonly EndpointName[];
  /** How to query it (counters and per-invocation gauges in a pushed world), for the catalog. */
  query?: string;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Samples of one metric, ready to render. */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

/** Per-invocation facts a collector may need. */
export interface CollectContext {
  /** Cluster label value. */
  cluster: string;
  /** Collection time, unix seconds. */
  now: number;
  meta: SlurmMeta;
  /** Options of this collector (from `collectors.<name>` config). */
  options: CollectorOptions;
}

export interface CollectorOptions {
  /** jobs: emit per-job series. */
  perJob: boolean;
  /** Global series cap (`metrics.cardinality.max_series`); per-job/per-node series beyond it are dropped and counted. */
  maxSeries: number;
  /** scheduler: emit RPC stats by user, top N (0 = off). */
  rpcTopUsers: number;
}

/** One run of a collector over one invocation's data. */
export interface CollectorRun {
  /** Called for every job while `/jobs` streams (only if `endpoints` has `jobs`). Must not keep `job`. */
  onJob?(job: SlurmJob): void;
  /**
   * Produces the families once every needed endpoint has been read. An endpoint that failed (optional ones)
   * is absent from `data`. `jobs` is streamed through `onJob`: on success `data.jobs` is `[]` (present = the
   * stream completed), never the job list.
   */
  finish(data: Partial<EndpointData>): MetricFamily[];
  /** Per-entity series dropped by the `maxSeries` cap in this run (collectors that cap report it). */
  dropped?(): number;
}

export interface Collector {
  readonly name: string;
  /** Endpoints whose failure fails this collector. */
  readonly endpoints: readonly EndpointName[];
  /** Endpoints used when available (their failure only loses some series). */
  readonly optionalEndpoints?: readonly EndpointName[];
  readonly metrics: readonly MetricDef[];
  /**
   * The SlurmJob fields `onJob` reads with these options. When every `/jobs` reader declares them, the client
   * decodes only those (the others arrive empty); a reader without it gets every field.
   */
  jobFields?(options: CollectorOptions): readonly JobField[];
  start(ctx: CollectContext): CollectorRun;
  /**
   * Families to emit when slurmrestd could not be reached at all (meta() failed), e.g. `slurm_up 0`.
   * Only the `cluster` collector implements it.
   */
  unreachable?(): MetricFamily[];
}

/** Where collectors' data comes from: the slurmrestd client, or an in-memory source in tests. */
export interface DataSource {
  /** Detected/pinned API version and server meta (cluster name, release). */
  meta(): Promise<SlurmMeta>;
  /**
   * Reads one endpoint once. With `onItem` (list endpoints), items are handed over while the body streams and
   * `data` is undefined; otherwise the whole adapted payload is returned.
   * Throws an ExporterError with code `ENDPOINT_UNAVAILABLE` when the endpoint is not served (old API version,
   * no slurmdbd): the runner then skips collectors that need it instead of failing them.
   */
  fetch<E extends EndpointName>(
    endpoint: E,
    opts?: {
      onItem?: (item: EndpointData[E] extends (infer T)[] ? T : never) => void;
      signal?: AbortSignal;
      /** `jobs`: only these SlurmJob fields are needed; the others may come out empty ('' / null / 0 / []). */
      jobFields?: readonly JobField[];
    },
  ): Promise<{ data: EndpointData[E] | undefined; meta: SlurmMeta; count: number }>;
}
