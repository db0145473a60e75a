/**
 * The last step of a run: naming mode, per-collector filters, labels, the runner's own series-dropped metric,
 * de-duplication of (name, labelset) and a deterministic order.
 *
 * Labels on every sample: `cluster` (always the runner's value) + const labels + the collector's labels +
 * the sample's own labels. Precedence: a label the collector's sample sets is never overwritten; collector
 * labels win over const labels; `cluster` cannot be overridden by any of them.
 */
import type { CollectorStatus } from '../observability/events.js';
import type { Logger } from '../observability/logger.js';
import { metric } from './family.js';
import { compileFilter, type MetricFilter } from './filter.js';
import { applyNaming, type NamingMode } from './naming.js';
import type { MetricFamily, Sample } from './types.js';

/** Emitted by the runner for collectors that cap per-entity series (jobs, nodes). */
export const SERIES_DROPPED = metric(
  'slurm_exporter_series_dropped',
  'gauge',
  'Per-entity series dropped by metrics.cardinality.max_series in this invocation (reset every run).',
  ['collector'],
  [],
  'slurm_exporter_series_dropped > 0',
);

export interface CollectorOutput {
  name: string;
  /** Undefined when the collector failed or was skipped. */
  families: MetricFamily[] | undefined;
  /** Updated in place: `series` (after naming/filters) and `dropped`. */
  status: CollectorStatus;
  /** Series the collector dropped because of maxSeries; undefined when it does not cap. */
  dropped: number | undefined;
}

export interface AssembleOptions {
  cluster: string;
  naming: NamingMode;
  labels?: { const?: Record<string, string>; perCollector?: Record<string, Record<string, string>> };
  filters?: Record<string, MetricFilter>;
  log: Logger;
}

/**
 * Orders label sets: the values of the family's label names, taken in name order (a missing label first).
 * Equal label sets compare 0, which is how duplicates are found after sorting — no key string per series.
 */
function compareLabels(names: readonly string[]): (a: Sample, b: Sample) => number {
  return (a, b) => {
    for (const n of names) {
      const x = a.labels[n];
      const y = b.labels[n];
      if (x === y) continue;
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  };
}

export function assembleFamilies(outputs: readonly CollectorOutput[], opts: AssembleOptions): MetricFamily[] {
  const { cluster, naming, log } = opts;
  const constLabels = opts.labels?.const ?? {};
  const merged = new Map<string, { family: MetricFamily }>();
  const add = (
    f: MetricFamily,
    extra: Record<string, string>,
    shared: Map<object, Record<string, string>>,
  ) => {
    let entry = merged.get(f.name);
    if (entry && entry.family.type !== f.type) {
      log.warn('metric emitted with two types; keeping the first', { metric: f.name });
      return 0;
    }
    if (!entry) {
      entry = { family: { name: f.name, type: f.type, help: f.help, samples: [] } };
      merged.set(f.name, entry);
    }
    const samples = entry.family.samples as Sample[];
    for (const s of f.samples) {
      // Collectors share one labels object between the families of an entity (the 4 metrics of one user ×
      // state, the series of one node): the labelled copy is shared the same way (~100k series at scale).
      let labels = shared.get(s.labels);
      if (labels === undefined) {
        labels = { cluster, ...extra, ...s.labels };
        labels.cluster = cluster;
        shared.set(s.labels, labels);
      }
      samples.push({ labels, value: s.value });
    }
    return f.samples.length;
  };

  const dropped: Sample[] = [];
  for (const { name, families, status, dropped: d } of outputs) {
    if (families) {
      const keep = compileFilter(opts.filters?.[name]);
      const extra = { ...constLabels, ...opts.labels?.perCollector?.[name] };
      const shared = new Map<object, Record<string, string>>();
      let series = 0;
      for (const f of applyNaming(families, naming)) if (keep(f.name)) series += add(f, extra, shared);
      status.series = series;
    }
    if (d !== undefined && status.ok && !status.skipped) {
      status.dropped = d;
      dropped.push({ labels: { collector: name }, value: d });
    }
  }
  if (dropped.length > 0) {
    add(
      { name: SERIES_DROPPED.name, type: 'gauge', help: SERIES_DROPPED.help, samples: dropped },
      constLabels,
      new Map(),
    );
  }

  const entries = [...merged.values()].sort((a, b) => (a.family.name < b.family.name ? -1 : 1));
  for (const { family } of entries) {
    const names = new Set<string>();
    for (const s of family.samples) for (const n in s.labels) names.add(n);
    const compare = compareLabels([...names].sort());
    // Stable sort: of equal label sets the first added stays, as before; later ones are duplicates.
    const sorted = (family.samples as Sample[]).sort(compare);
    let kept = 0;
    for (let i = 0; i < sorted.length; i++) {
      if (kept > 0 && compare(sorted[kept - 1] as Sample, sorted[i] as Sample) === 0) {
        log.warn('duplicate series dropped', { metric: family.name });
        continue;
      }
      sorted[kept++] = sorted[i] as Sample;
    }
    sorted.length = kept;
  }
  return entries.map((e) => e.family);
}
