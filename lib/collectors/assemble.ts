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

function sampleKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function assembleFamilies(outputs: readonly CollectorOutput[], opts: AssembleOptions): MetricFamily[] {
  const { cluster, naming, log } = opts;
  const constLabels = opts.labels?.const ?? {};
  // `keyed` keeps each sample's key for the final sort: computing it once instead of twice saves one string per
  // series (~100k at scale) and half of sampleKey's CPU (benchmark, docs/performance.md).
  const merged = new Map<string, { family: MetricFamily; keys: Set<string>; keyed: [string, Sample][] }>();
  const add = (f: MetricFamily, extra: Record<string, string>): number => {
    let entry = merged.get(f.name);
    if (entry && entry.family.type !== f.type) {
      log.warn('metric emitted with two types; keeping the first', { metric: f.name });
      return 0;
    }
    if (!entry) {
      entry = {
        family: { name: f.name, type: f.type, help: f.help, samples: [] },
        keys: new Set(),
        keyed: [],
      };
      merged.set(f.name, entry);
    }
    let n = 0;
    for (const s of f.samples) {
      const labels: Record<string, string> = { cluster, ...extra, ...s.labels };
      labels.cluster = cluster;
      const key = sampleKey(labels);
      if (entry.keys.has(key)) {
        log.warn('duplicate series dropped', { metric: f.name });
        continue;
      }
      entry.keys.add(key);
      entry.keyed.push([key, { labels, value: s.value }]);
      n += 1;
    }
    return n;
  };

  const dropped: Sample[] = [];
  for (const { name, families, status, dropped: d } of outputs) {
    if (families) {
      const keep = compileFilter(opts.filters?.[name]);
      const extra = { ...constLabels, ...opts.labels?.perCollector?.[name] };
      let series = 0;
      for (const f of applyNaming(families, naming)) if (keep(f.name)) series += add(f, extra);
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
    );
  }

  const entries = [...merged.values()].sort((a, b) => (a.family.name < b.family.name ? -1 : 1));
  for (const e of entries) {
    e.keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    e.family.samples = e.keyed.map(([, s]) => s);
  }
  return entries.map((e) => e.family);
}
