/**
 * Turns collector families into a fresh prom-client registry plus its exposition text (0.0.4), rendered once
 * and shared by every push target.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { MetricFamily } from '../collectors/types.js';

export interface RenderOptions {
  /** Labels added to every sample (a sample's own non-empty value wins). */
  constLabels?: Record<string, string>;
}

export interface Rendered {
  registry: Registry;
  /** Exposition text 0.0.4, ends with `\n`. */
  text: string;
  /** Number of samples (series) in the registry. */
  series: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Builds a NEW registry per call (never prom-client's global `register`: warm Lambda containers reuse modules
 * and a second registration of the same name would throw) and renders it.
 *
 * Label values that are empty are dropped: Prometheus treats `l=""` as "no label l", and keeping both forms
 * would render two lines for one series (the Pushgateway rejects that). Families of the same name and type
 * are merged; the same name with another type is a collector bug and throws.
 */
export async function renderFamilies(
  families: readonly MetricFamily[],
  opts: RenderOptions = {},
): Promise<Rendered> {
  const registry = new Registry();
  const merged = mergeFamilies(families);
  const constLabels = nonEmpty(opts.constLabels ?? {});
  for (const family of merged.values()) {
    if (!METRIC_NAME.test(family.name)) {
      throw new Error(`metric name ${JSON.stringify(family.name)} is not a valid Prometheus metric name`);
    }
    const labelNames = new Set<string>(Object.keys(constLabels));
    // prom-client keeps the labels object it is given: reuse the sample's own when nothing changes (no const
    // labels, no empty value) instead of copying ~100k objects at scale (benchmark, docs/performance.md).
    const hasConst = Object.keys(constLabels).length > 0;
    const samples = family.samples.map((s) => ({
      labels: !hasConst && !hasEmptyValue(s.labels) ? s.labels : { ...constLabels, ...nonEmpty(s.labels) },
      value: s.value,
    }));
    for (const s of samples) for (const name of Object.keys(s.labels)) labelNames.add(name);
    for (const name of labelNames) {
      if (!LABEL_NAME.test(name) || name.startsWith('__')) {
        throw new Error(
          `label name ${JSON.stringify(name)} of metric ${family.name} is not a valid Prometheus label name`,
        );
      }
    }
    const config = {
      name: family.name,
      help: family.help,
      labelNames: [...labelNames],
      registers: [registry],
    };
    if (family.type === 'counter') {
      const counter = new Counter(config);
      for (const s of samples) {
        // prom-client counters only `inc` and refuse Infinity/negatives; a counter sample is an absolute total,
        // so a non-representable one is skipped rather than failing the whole exposition.
        if (!Number.isFinite(s.value) || s.value < 0) continue;
        counter.inc(s.labels, s.value);
      }
    } else {
      const gauge = new Gauge(config);
      for (const s of samples) gauge.set(s.labels, s.value);
    }
  }
  const text = fixSpecialValues(await registry.metrics());
  return { registry, text, series: countSampleLines(text) };
}

/** prom-client 15 prints NaN as `Nan`; Prometheus spells it `NaN` (parsers are lenient, humans and diffs aren't). */
export function fixSpecialValues(text: string): string {
  // Only sample lines (not `#` lines) end with a value; label values cannot contain a raw newline.
  if (!text.includes(' Nan\n')) return text;
  return text.replace(/^([^#\n].*) Nan$/gm, '$1 NaN');
}

function mergeFamilies(families: readonly MetricFamily[]): Map<string, MetricFamily> {
  const out = new Map<string, MetricFamily>();
  for (const f of families) {
    const seen = out.get(f.name);
    if (!seen) {
      out.set(f.name, { ...f, samples: [...f.samples] });
      continue;
    }
    if (seen.type !== f.type) {
      throw new Error(`metric ${f.name} is emitted both as ${seen.type} and as ${f.type}`);
    }
    seen.samples.push(...f.samples);
  }
  return out;
}

function hasEmptyValue(labels: Record<string, string>): boolean {
  for (const k in labels) {
    const v = labels[k];
    if (v === '' || v === undefined || v === null || typeof v !== 'string') return true;
  }
  return false;
}

function nonEmpty(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels))
    if (v !== '' && v !== undefined && v !== null) out[k] = String(v);
  return out;
}

/** Every non-blank, non-`#` line is one series (label values never contain a raw newline). */
function countSampleLines(text: string): number {
  let n = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start && text.charCodeAt(start) !== 35 /* # */) n++;
    start = end + 1;
  }
  return n;
}
