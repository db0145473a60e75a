/**
 * Building blocks every collector shares: catalog entries (`metric()`), a family builder that refuses
 * undeclared names/labels (so the catalog can never drift from what is emitted) and a per-run series budget.
 */
import type { EndpointName } from '../slurm/model.js';
import type { MetricDef, MetricFamily, MetricType, Sample } from './types.js';

/** Declares one catalog entry. */
export function metric(
  name: string,
  type: MetricType,
  help: string,
  labels: readonly string[],
  source: readonly EndpointName[],
  query?: string,
): MetricDef {
  return query === undefined
    ? { name, type, help, labels, source }
    : { name, type, help, labels, source, query };
}

/** Families a FamilyBuilder returned: no two of their samples have the same label set. */
const BUILT = new WeakSet<MetricFamily>();

/**
 * True for a family returned by FamilyBuilder.families(): its label sets are distinct (keyed by set/inc/max,
 * or new by construction for add), so assembly need not sort it to find duplicates.
 */
export function isBuiltFamily(family: MetricFamily): boolean {
  return BUILT.has(family);
}

interface Entry {
  def: MetricDef;
  /** Keyed samples (set/inc/max), for lookups. */
  samples: Map<string, Sample>;
  /** Every sample in insertion order: keyed ones and those appended by `add`. */
  ordered: Sample[];
}

/**
 * Collects samples by family and label set. `set` keeps the last value, `inc` sums, so aggregations can be
 * built on the fly while jobs stream; `add` appends a label set the caller knows to be new. Families are
 * returned in declaration order, samples in insertion order.
 */
export class FamilyBuilder {
  private readonly defs: Map<string, MetricDef>;
  private readonly entries = new Map<string, Entry>();

  constructor(defs: readonly MetricDef[]) {
    this.defs = new Map(defs.map((d) => [d.name, d]));
  }

  /** Sets a sample; `null`/`undefined` values mean "not reported" and emit nothing. */
  set(name: string, labels: Record<string, string>, value: number | null | undefined): void {
    if (value === null || value === undefined) return;
    const { entry, key } = this.slot(name, labels);
    const s = entry.samples.get(key);
    if (s) {
      s.labels = labels;
      s.value = value;
    } else this.insert(entry, key, { labels, value });
  }

  /**
   * Appends a sample whose label set is new in this family by construction (aggregates read back from a Map
   * keyed by the label values): no series key and no lookup, which at the end of a 100k-job run is ~56k keys
   * less. `null`/`undefined` emit nothing. The caller guarantees it: a built family is trusted to be distinct
   * (assembly neither sorts nor de-duplicates it), so a repeated label set would reach the exposition twice.
   */
  add(name: string, labels: Record<string, string>, value: number | null | undefined): void {
    if (value === null || value === undefined) return;
    const entry = this.entry(name);
    const names = entry.def.labels;
    let n = 0;
    for (const k in labels) {
      if (!names.includes(k)) n = -1;
      else if (n >= 0) n++;
    }
    if (n !== names.length) this.wrongLabels(name, names, labels);
    entry.ordered.push({ labels, value });
  }

  /** Adds `by` to a sample (created at 0). */
  inc(name: string, labels: Record<string, string>, by = 1): void {
    const { entry, key } = this.slot(name, labels);
    const s = entry.samples.get(key);
    if (s) s.value += by;
    else this.insert(entry, key, { labels, value: by });
  }

  /** Keeps the maximum of the values seen. */
  max(name: string, labels: Record<string, string>, value: number): void {
    const { entry, key } = this.slot(name, labels);
    const s = entry.samples.get(key);
    if (!s) this.insert(entry, key, { labels, value });
    else if (value > s.value) s.value = value;
  }

  families(): MetricFamily[] {
    const out: MetricFamily[] = [];
    for (const def of this.defs.values()) {
      const e = this.entries.get(def.name);
      if (!e || e.ordered.length === 0) continue;
      const family: MetricFamily = { name: def.name, type: def.type, help: def.help, samples: e.ordered };
      BUILT.add(family);
      out.push(family);
    }
    return out;
  }

  private entry(name: string): Entry {
    let entry = this.entries.get(name);
    if (!entry) {
      const def = this.defs.get(name);
      if (!def) throw new Error(`metric ${name} is not declared in the collector's catalog`);
      entry = { def, samples: new Map(), ordered: [] };
      this.entries.set(name, entry);
    }
    return entry;
  }

  private insert(entry: Entry, key: string, sample: Sample): void {
    entry.samples.set(key, sample);
    entry.ordered.push(sample);
  }

  private wrongLabels(name: string, names: readonly string[], labels: Record<string, string>): never {
    throw new Error(
      `metric ${name} expects labels [${names.join(',')}] but got [${Object.keys(labels).join(',')}]`,
    );
  }

  private slot(name: string, labels: Record<string, string>): { entry: Entry; key: string } {
    const entry = this.entry(name);
    // Hot path (called per job while /jobs streams): the key is the label values in declared order joined by
    // NUL; JSON only when a value itself contains NUL, so keys can never collide.
    const names = entry.def.labels;
    let key = '';
    let json = false;
    for (let i = 0; i < names.length; i += 1) {
      const v = labels[names[i] as string];
      if (v === undefined || v.includes('\u0000')) json = true;
      key += i === 0 ? v : `\u0000${v}`;
    }
    // n NULs in front: a plain key has exactly n-1, so the two forms never collide.
    if (json) key = '\u0000'.repeat(names.length) + JSON.stringify(names.map((n) => labels[n] ?? null));
    // Label names are checked once per new series, not on every update.
    if (!entry.samples.has(key)) {
      const got = Object.keys(labels);
      if (got.length !== names.length || got.some((n) => !names.includes(n)))
        this.wrongLabels(name, names, labels);
    }
    return { entry, key };
  }
}

/**
 * Per-run cap for per-entity series (per node, per job). Created fresh for every collector run, so a busy
 * invocation never starves the next one (upstream's limiter counted forever and dropped silently).
 */
export class SeriesBudget {
  private used = 0;
  dropped = 0;
  constructor(private readonly max: number) {}

  /** Reserves `n` series; false (and counted as dropped) when the cap would be exceeded. */
  take(n: number): boolean {
    if (this.used + n > this.max) {
      this.dropped += n;
      return false;
    }
    this.used += n;
    return true;
  }
}

/** `1`/`0` for booleans, null stays null. */
export function bool(v: boolean | null | undefined): number | null {
  return v === null || v === undefined ? null : v ? 1 : 0;
}

/** Microseconds (sdiag) → seconds; null stays null. */
export function usToSeconds(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : v / 1e6;
}
