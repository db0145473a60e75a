/**
 * Turns collector families into a fresh prom-client registry plus its exposition text (0.0.4), rendered one
 * family at a time as a push target reads it.
 */
import { Registry } from 'prom-client';
import { hasDistinctSamples } from '../collectors/assemble.js';
import { isLabelName, withoutEmptyValues } from '../collectors/labels.js';
import type { MetricFamily, Sample } from '../collectors/types.js';
import { ByteArena, copyRange, utf8Length, writeUtf8 } from './bytes.js';

export interface RenderOptions {
  /** Labels added to every sample (a sample's own non-empty value wins). */
  constLabels?: Record<string, string>;
}

export interface Rendered {
  registry: Registry;
  /**
   * Exposition text 0.0.4 (ends with `\n`) as UTF-8, rendered as it is read in ~64 KB chunks: the same bytes
   * as `registry.metrics()`. Remote write never reads it.
   */
  text: () => AsyncIterable<Buffer>;
  /** Number of samples (series) in the registry. */
  series: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Marks the metrics this module registers (their text is written by expositionChunks). */
const FAMILY = Symbol('family metric');

/**
 * A prom-client metric backed by a family's samples. prom-client's Gauge/Counter keep their own copy of every
 * series (a labels hash string and a value object each: ~25 MB at 100k series, docs/performance.md); the
 * Registry only needs `name` and `get()` (remote write reads it through getMetricsAsJSON, and
 * `registry.metrics()` renders the same text as expositionChunks).
 */
interface FamilyMetric {
  [FAMILY]: true;
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  aggregator: 'sum';
  get(): { name: string; help: string; type: 'gauge' | 'counter'; aggregator: 'sum'; values: Sample[] };
}

function familyMetric(name: string, help: string, type: 'gauge' | 'counter', values: Sample[]): FamilyMetric {
  const got = { name, help, type, aggregator: 'sum' as const, values };
  return { [FAMILY]: true, name, help, type, aggregator: 'sum', get: () => got };
}

/**
 * Builds a NEW registry per call (never prom-client's global `register`: warm Lambda containers reuse modules
 * and a second registration of the same name would throw) and renders it.
 *
 * Label values that are empty are dropped: Prometheus treats `l=""` as "no label l", and keeping both forms
 * would render two lines for one series (the Pushgateway rejects that). Families of the same name and type
 * are merged; the same name with another type is a collector bug and throws. Samples with the same label set
 * are one series, as prom-client's own metrics make them: a gauge keeps the last value, a counter the sum.
 */
export async function renderFamilies(
  families: readonly MetricFamily[],
  opts: RenderOptions = {},
): Promise<Rendered> {
  const registry = new Registry();
  const merged = mergeFamilies(families);
  const constLabels = withoutEmptyValues(opts.constLabels ?? {});
  const hasConst = Object.keys(constLabels).length > 0;
  // Every value is one sample line of the text.
  let series = 0;
  // One cleaned labels object per source labels object, across families: collectors share a labels object
  // between the metrics of one entity (an association's ten limits), and so the exposition and remote
  // write's per-object label encoding see one object too.
  const cleaned = new Map<Record<string, string>, Record<string, string>>();
  for (const { family, distinct } of merged.values()) {
    if (!METRIC_NAME.test(family.name)) {
      throw new Error(`metric name ${JSON.stringify(family.name)} is not a valid Prometheus metric name`);
    }
    // assembleFamilies has checked and cleaned its families' labels already: taken as they are.
    if (distinct === true && !hasConst) {
      const values = family.type === 'counter' ? representableCounters(family.samples) : family.samples;
      series += values.length;
      registry.registerMetric(familyMetric(family.name, family.help, family.type, values) as never);
      continue;
    }
    const labelNames = new Set<string>(Object.keys(constLabels));
    // The sample itself when nothing changes (no const labels, no empty value): copying ~100k samples at scale
    // is what this avoids.
    const withLabels: Sample[] = [];
    let changed = false;
    let last: Record<string, string> | undefined;
    for (const s of family.samples) {
      if (family.type === 'counter' && !isRepresentableCounter(s.value)) continue;
      let labels = s.labels;
      if (hasConst || hasEmptyValue(labels)) {
        const done = cleaned.get(labels);
        if (done) labels = done;
        else {
          labels = { ...constLabels, ...withoutEmptyValues(s.labels) };
          cleaned.set(s.labels, labels);
        }
      }
      // Consecutive samples often share one labels object: its names were just added.
      if (labels !== last) for (const name in labels) labelNames.add(name);
      last = labels;
      if (labels !== s.labels) changed = true;
      withLabels.push(labels === s.labels ? s : { labels, value: s.value });
    }
    for (const name of labelNames) {
      if (!isLabelName(name)) {
        throw new Error(
          `label name ${JSON.stringify(name)} of metric ${family.name} is not a valid Prometheus label name`,
        );
      }
    }
    // Distinct label sets stay distinct unless labels were added or dropped here.
    const values =
      distinct === true && !changed
        ? withLabels
        : uniqueSeries(withLabels, [...labelNames].sort(), family.type);
    series += values.length;
    registry.registerMetric(familyMetric(family.name, family.help, family.type, values) as never);
  }
  return { registry, text: () => expositionChunks(registry), series };
}

/**
 * Counters are absolute totals here: one that is not representable (Infinity, negative) is skipped rather than
 * failing the whole exposition (prom-client's Counter refuses them too).
 */
function isRepresentableCounter(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

/** `samples` itself when every value is a representable counter, else a copy without the others. */
function representableCounters(samples: readonly Sample[]): Sample[] {
  for (const s of samples) {
    if (!isRepresentableCounter(s.value)) return samples.filter((x) => isRepresentableCounter(x.value));
  }
  return samples as Sample[];
}

/** Bytes of text gathered before a chunk is handed on (one gzip write, one stdout write). */
const CHUNK_BYTES = 64 * 1024;
/** Longest text of a number (`-1.2345678901234567e-308`). */
const MAX_VALUE_BYTES = 32;

/**
 * The exposition text of `registry` as UTF-8 in chunks of ~64 KB: the same bytes as `registry.metrics()` (NaN
 * spelled `NaN`, see fixSpecialValues), checked against prom-client by test/push/render.test.ts.
 *
 * Written here rather than by prom-client for the families this module registers: prom-client renders each
 * family into an array of line strings and joins it, so the largest family (~13k series at 100k jobs) and
 * its per-line arrays live together, and with a small young generation all of it is promoted. Here each label
 * set (shared by the families of one entity) is formatted once into a byte arena, and every line is copied
 * from there into the chunk, its value written digit by digit: no string per line, and the chunks go to gzip
 * or stdout without another conversion. Other metrics (none in the pipeline) are rendered by prom-client.
 */
export async function* expositionChunks(registry: Registry): AsyncGenerator<Buffer> {
  const metrics = registry.getMetricsAsArray() as unknown[];
  if (metrics.length === 0) {
    yield Buffer.from('\n');
    return;
  }
  const arena = new ByteArena();
  const labelEntry = new Map<object, number>();
  let buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let pos = 0;
  for (let i = 0; i < metrics.length; i++) {
    const metric = metrics[i] as Partial<FamilyMetric> & { name: string };
    const family = isFamilyMetric(metric) ? metric.get() : null;
    const escapedName = family ? escapeText(family.name) : '';
    const sep = i > 0 ? '\n' : '';
    const head = family
      ? `${sep}# HELP ${escapedName} ${escapeText(family.help)}\n# TYPE ${escapedName} ${family.type}\n`
      : `${sep}${fixSpecialValues(`${await registry.getSingleMetricAsString(metric.name)}\n`)}`;
    const headBytes = utf8Length(head);
    if (pos + headBytes > buf.length) {
      if (pos > 0) yield buf.subarray(0, pos);
      buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, headBytes));
      pos = 0;
    }
    pos = writeUtf8(buf, pos, head, headBytes);
    if (!family) continue;
    const nameBytes = utf8Length(escapedName);
    for (const s of family.values) {
      let e = labelEntry.get(s.labels);
      if (e === undefined) {
        e = appendLabels(arena, s.labels);
        labelEntry.set(s.labels, e);
      }
      const labelStart = arena.start(e);
      const labelEnd = arena.end(e);
      const need = nameBytes + (labelEnd - labelStart) + 2 + MAX_VALUE_BYTES;
      if (pos + need > buf.length) {
        yield buf.subarray(0, pos);
        buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, need));
        pos = 0;
      }
      pos = writeUtf8(buf, pos, escapedName, nameBytes);
      pos = copyRange(arena.bytes, labelStart, labelEnd, buf, pos);
      buf[pos++] = 0x20; // ' '
      pos = writeValue(buf, pos, s.value);
      buf[pos++] = 0x0a; // '\n'
    }
  }
  if (pos > 0) yield buf.subarray(0, pos);
}

/** prom-client's number format (NaN spelled as Prometheus spells it); integers digit by digit, no string. */
function writeValue(out: Buffer, pos: number, v: number): number {
  if (!Number.isSafeInteger(v)) {
    const text = formatValue(v);
    return writeUtf8(out, pos, text, text.length);
  }
  let p = pos;
  let n = v;
  if (n < 0) {
    out[p++] = 0x2d; // '-'
    n = -n;
  }
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let d = digits - 1; d >= 0; d--) {
    out[p + d] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return p + digits;
}

function isFamilyMetric(m: unknown): m is FamilyMetric {
  return (m as { [FAMILY]?: true })[FAMILY] === true;
}

/** prom-client's escaping of names and help: backslash and newline. */
function escapeText(s: string): string {
  return s.includes('\\') || s.includes('\n') ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : s;
}

/**
 * Appends `{a="x",b="y"}` (the labels' own key order, nothing for none: prom-client's format and escaping) to
 * the arena and returns its entry. Written byte by byte rather than built as a string: ~25k label sets at the
 * end of a 100k-job run were ~15 MB of short-lived strings. Label names are ASCII (the renderer checked them).
 */
function appendLabels(arena: ByteArena, labels: Record<string, string>): number {
  // Each UTF-16 unit of a value takes at most 3 bytes, escaped or not.
  let bound = 2;
  for (const name in labels) bound += name.length + 4 + 3 * (labels[name] as string).length;
  const out = arena.reserve(bound);
  const start = arena.used;
  let p = start;
  for (const name in labels) {
    out[p] = p === start ? 0x7b : 0x2c; // '{' first, then ','
    p++;
    for (let i = 0; i < name.length; i++) out[p++] = name.charCodeAt(i);
    out[p++] = 0x3d; // '='
    out[p++] = 0x22; // '"'
    p = writeLabelValue(out, p, labels[name] as string);
    out[p++] = 0x22;
  }
  if (p > start) out[p++] = 0x7d; // '}'
  arena.used = p;
  return arena.close(start);
}

/** A label value escaped as prom-client does (backslash, newline, double quote); non-ASCII through Buffer#write. */
function writeLabelValue(out: Buffer, pos: number, v: string): number {
  let p = pos;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x80) {
      const escaped = v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
      return pos + out.write(escaped, pos, 'utf8');
    }
    if (c === 0x5c || c === 0x22) {
      out[p++] = 0x5c;
      out[p++] = c;
    } else if (c === 0x0a) {
      out[p++] = 0x5c;
      out[p++] = 0x6e; // 'n'
    } else out[p++] = c;
  }
  return p;
}

/** prom-client's number format, with NaN spelled as Prometheus spells it. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

/** The whole text of `chunks` (tests, small outputs). */
export async function joinChunks(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

/** Counts sample lines (not empty, not `#`) of an exposition read in chunks of bytes. */
export class SampleLineCounter {
  count = 0;
  private atLineStart = true;

  add(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.atLineStart) {
        const c = chunk[i] as number;
        if (c !== 0x0a && c !== 0x23) this.count++;
      }
      const nl = chunk.indexOf(0x0a, i);
      if (nl < 0) {
        this.atLineStart = false;
        return;
      }
      this.atLineStart = true;
      i = nl + 1;
    }
  }
}

/**
 * One sample per label set (in first-seen order): a gauge keeps the last value, a counter sums. The key is the
 * label values in `names` order; a value containing a separator (NUL, or SOH that marks a missing label)
 * switches to a JSON key, so keys never collide. The keys live only while this runs.
 */
function uniqueSeries(samples: Sample[], names: readonly string[], type: 'gauge' | 'counter'): Sample[] {
  if (samples.length < 2) return samples;
  const at = new Map<string, number>();
  const out: Sample[] = [];
  for (const s of samples) {
    let key = '';
    let json = false;
    for (const n of names) {
      const v = s.labels[n];
      if (v !== undefined && (v.includes('\u0000') || v.includes('\u0001'))) json = true;
      key += v === undefined ? '\u0001\u0000' : `${v}\u0000`;
    }
    if (json) key = `\u0000${JSON.stringify(names.map((n) => s.labels[n] ?? null))}`;
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, out.length);
      out.push(s);
    } else {
      const prev = out[i] as Sample;
      out[i] = { labels: prev.labels, value: type === 'counter' ? prev.value + s.value : s.value };
    }
  }
  return out;
}

/** prom-client 15 prints NaN as `Nan`; Prometheus spells it `NaN` (parsers are lenient, humans and diffs aren't). */
export function fixSpecialValues(text: string): string {
  // Only sample lines (not `#` lines) end with a value; label values cannot contain a raw newline.
  if (!text.includes(' Nan\n')) return text;
  return text.replace(/^([^#\n].*) Nan$/gm, '$1 NaN');
}

/**
 * Families by name. `distinct`: one source family whose samples are known to be distinct label sets; null
 * once merged (the family is then this function's own copy).
 */
function mergeFamilies(
  families: readonly MetricFamily[],
): Map<string, { family: MetricFamily; distinct: boolean | null }> {
  const out = new Map<string, { family: MetricFamily; distinct: boolean | null }>();
  for (const f of families) {
    const seen = out.get(f.name);
    if (!seen) {
      out.set(f.name, { family: f, distinct: hasDistinctSamples(f) });
      continue;
    }
    if (seen.family.type !== f.type) {
      throw new Error(`metric ${f.name} is emitted both as ${seen.family.type} and as ${f.type}`);
    }
    // The first merge copies (the caller's families are never changed), later ones append to the copy.
    if (seen.distinct !== null) seen.family = { ...seen.family, samples: [...seen.family.samples] };
    seen.family.samples.push(...f.samples);
    seen.distinct = null;
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
