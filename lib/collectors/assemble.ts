/**
 * The last step of a run: naming mode, per-collector filters, labels, the runner's own series-dropped metric,
 * de-duplication of (name, labelset) and the order: families by name; within a family the collector's own
 * order when one FamilyBuilder made it (its label sets are distinct already), else sorted by label values.
 *
 * Labels on every sample: `cluster` (always the runner's value) + const labels + the collector's labels +
 * the sample's own labels. Precedence: a label the collector's sample sets is never overwritten; collector
 * labels win over const labels; `cluster` cannot be overridden by any of them. Empty values are left out
 * (Prometheus reads `l=""` as no label `l`), so the renderer takes these families as they are.
 */
import type { CollectorStatus } from '../observability/events.js';
import type { Logger } from '../observability/logger.js';
import { isBuiltFamily, metric } from './family.js';
import { compileFilter, type MetricFilter } from './filter.js';
import { isLabelName, withoutEmptyValues } from './labels.js';
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
 * Used for label values holding the separators of `sortKey` (never seen in practice, always handled).
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

/**
 * One string that sorts as `compareLabels` orders (and is equal exactly when the label sets are): per name
 * `\u0000` when missing, else `\u0001` + value + `\u0000`. Null when a value holds one of those characters.
 * One native string comparison per step of the sort instead of a property lookup per name on label objects
 * of many shapes (the sort of ~90k series cost ~90 ms that way).
 */
function sortKey(labels: Record<string, string>, names: readonly string[]): string | null {
  let key = '';
  for (const n of names) {
    const v = labels[n];
    if (v === undefined) key += '\u0000';
    else if (v.includes('\u0000') || v.includes('\u0001')) return null;
    else key += `\u0001${v}\u0000`;
  }
  return key;
}

/**
 * Families `assembleFamilies` returned whose samples are distinct label sets with valid label names and no empty
 * value: what the renderer would otherwise check sample by sample (~90k at the end of a 100k-job run).
 */
const DISTINCT = new WeakSet<MetricFamily>();

/**
 * True for a family returned by `assembleFamilies` (and not changed since): no two of its samples have the same
 * label set, every label name is valid and no label value is empty.
 */
export function hasDistinctSamples(family: MetricFamily): boolean {
  return DISTINCT.has(family);
}

/**
 * `{ cluster, ...extra, ...own }` with `cluster` kept and empty values left out. Within one built family every
 * sample has the same label names, so leaving out the empty ones keeps distinct label sets distinct. `ok` is
 * false when a label name is not a valid Prometheus name (the renderer then reports it).
 */
function labelled(
  cluster: string,
  extra: Record<string, string>,
  own: Record<string, string>,
  validNames: Set<string>,
): { labels: Record<string, string>; ok: boolean } {
  const labels: Record<string, string> = { cluster, ...extra, ...own };
  labels.cluster = cluster;
  let empty = false;
  let ok = true;
  for (const k in labels) {
    const v = labels[k];
    if (v === '' || typeof v !== 'string') empty = true;
    if (!validNames.has(k)) {
      if (isLabelName(k)) validNames.add(k);
      else ok = false;
    }
  }
  return { labels: empty ? withoutEmptyValues(labels) : labels, ok };
}

/**
 * Sorts `samples` by label set (stable: of equal label sets the first added comes first) and removes the
 * later duplicates; returns how many were removed.
 */
function sortDistinct(
  samples: Sample[],
  names: readonly string[],
  keyCache: Map<string, Map<object, string>>,
): number {
  const n = samples.length;
  if (n < 2) return 0;
  // Label objects are shared between the families of a collector (one per user × state for 4 metrics): a key
  // is built once per object and label-name list.
  const sig = names.join('\u0000');
  let cache = keyCache.get(sig);
  if (!cache) {
    cache = new Map();
    keyCache.set(sig, cache);
  }
  const keys: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const labels = (samples[i] as Sample).labels;
    let key = cache.get(labels);
    if (key === undefined) {
      const k = sortKey(labels, names);
      if (k === null) return sortDistinctSlow(samples, names);
      key = k;
      cache.set(labels, key);
    }
    keys[i] = key;
  }
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const x = keys[a] as string;
    const y = keys[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const source = samples.slice();
  let kept = 0;
  let removed = 0;
  for (let i = 0; i < n; i++) {
    const at = order[i] as number;
    if (kept > 0 && keys[order[i - 1] as number] === keys[at]) {
      removed++;
      continue;
    }
    samples[kept++] = source[at] as Sample;
  }
  samples.length = kept;
  return removed;
}

function sortDistinctSlow(samples: Sample[], names: readonly string[]): number {
  const compare = compareLabels(names);
  // Stable sort: of equal label sets the first added stays; later ones are duplicates.
  samples.sort(compare);
  let kept = 0;
  for (let i = 0; i < samples.length; i++) {
    if (kept > 0 && compare(samples[kept - 1] as Sample, samples[i] as Sample) === 0) continue;
    samples[kept++] = samples[i] as Sample;
  }
  const removed = samples.length - kept;
  samples.length = kept;
  return removed;
}

export function assembleFamilies(outputs: readonly CollectorOutput[], opts: AssembleOptions): MetricFamily[] {
  const { cluster, naming, log } = opts;
  const constLabels = opts.labels?.const ?? {};
  /**
   * `distinct`: one FamilyBuilder family whose label sets stay distinct once labelled (no sort needed).
   * `valid`: every label name is a valid one.
   */
  const merged = new Map<string, { family: MetricFamily; distinct: boolean; valid: boolean }>();
  const validNames = new Set<string>();
  /** Labelled copies with an invalid label name (none unless a collector or its config is wrong). */
  const invalid = new Set<Record<string, string>>();
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
      entry = {
        family: { name: f.name, type: f.type, help: f.help, samples: [] },
        distinct: isBuiltFamily(f),
        valid: true,
      };
      merged.set(f.name, entry);
    } else entry.distinct = false;
    const samples = entry.family.samples as Sample[];
    for (const s of f.samples) {
      // Collectors share one labels object between the families of an entity (the 4 metrics of one user ×
      // state, the series of one node): the labelled copy is shared the same way (~100k series at scale).
      let labels = shared.get(s.labels);
      if (labels === undefined) {
        // The sample's own labels win over the extra ones, so distinct label sets stay distinct, unless the
        // runner's `cluster` replaces a collector's own.
        if ('cluster' in s.labels) entry.distinct = false;
        const made = labelled(cluster, extra, s.labels, validNames);
        labels = made.labels;
        if (!made.ok) invalid.add(labels);
        shared.set(s.labels, labels);
      }
      if (invalid.size > 0 && invalid.has(labels)) entry.valid = false;
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
  const keyCache = new Map<string, Map<object, string>>();
  for (const { family, distinct, valid } of entries) {
    // Sorting ~90k series by label values took ~80 ms at the end of a 100k-job run; a family one builder made
    // keeps its (deterministic) order instead.
    if (distinct) {
      if (valid) DISTINCT.add(family);
      continue;
    }
    const names = new Set<string>();
    let last: object | undefined;
    for (const s of family.samples) {
      if (s.labels === last) continue;
      last = s.labels;
      for (const n in s.labels) names.add(n);
    }
    const removed = sortDistinct(family.samples as Sample[], [...names].sort(), keyCache);
    if (removed > 0) log.warn('duplicate series dropped', { metric: family.name, series: removed });
    if (valid) DISTINCT.add(family);
  }
  return entries.map((e) => e.family);
}
