/**
 * TRES strings (`cpu=4,mem=8G,node=1,billing=4,gres/gpu=2,gres/gpu:h100=2`) → `{key: value}` with memory-like
 * values in bytes. Hand-written: it is a Slurm-specific format.
 */

import { memoByString } from './memo.js';
import { parseMemory } from './memory.js';

/** Keys whose value is a memory quantity (Slurm prints them with a unit suffix; bare = MiB). */
function isMemoryKey(key: string): boolean {
  return key === 'mem' || key === 'vmem' || key.startsWith('fs/') || key.startsWith('bb/');
}

/** Parses a count that may carry a K/M/G suffix (gres counts are printed like memory, e.g. `shard=1K`). */
function parseCount(text: string): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  return parseMemory(text, 'B');
}

export type TresCounts = Record<string, number>;

const EMPTY: TresCounts = Object.freeze({});
const parseTresText = memoByString(parseTresUncached);

/** The counts of a TRES string; the result is shared (frozen) between equal strings. */
export function parseTres(text: string | null | undefined): Readonly<TresCounts> {
  return text ? parseTresText(text) : EMPTY;
}

/**
 * Reads `key=value,...` in place: indexOf per pair and the digits read one by one, no RegExp, split or trim.
 * A 100k-job queue holds thousands of distinct TRES strings (7 500 in the benchmark's), each parsed once per
 * run; the generic version below took ~5 µs per string on a cold start. Text with whitespace, and any value
 * other than `<digits>[.<digits>][K|M|G|T|P|E]`, takes the generic path, so both give the same result
 * (tested). The pair loop is repeated in readJobTres on purpose: a shared iterator with a callback per pair
 * would put a polymorphic call in both hot loops.
 */
function parseTresUncached(text: string): TresCounts {
  if (HAS_SPACE.test(text)) return parseTresGeneric(text);
  const out: TresCounts = {};
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(',', start);
    if (end < 0) end = text.length;
    const eq = text.indexOf('=', start);
    if (eq > start && eq < end) {
      const key = text.slice(start, eq);
      const value = quantity(text, eq + 1, end, isMemoryKey(key));
      if (value !== null) out[key] = value;
    }
    start = end + 1;
  }
  return out;
}

const HAS_SPACE = /\s/;
/** Binary powers of the unit letters Slurm prints (upper case), by char code. */
const POWER_OF: Record<number, number> = { 75: 1, 77: 2, 71: 3, 84: 4, 80: 5, 69: 6 }; // K M G T P E

/** The value in text[from, to): a count, or bytes for a memory key (bare = MiB). */
function quantity(text: string, from: number, to: number, memory: boolean): number | null {
  // The digits are read as one integer and scaled by a power of ten: for up to 15 digits both are exact
  // doubles, so the one division rounds exactly as Number() of the same text does (tested).
  let i = from;
  let n = 0;
  let scale = 1;
  for (let c = text.charCodeAt(i); i < to && c >= 48 && c <= 57; c = text.charCodeAt(++i))
    n = n * 10 + (c - 48);
  let digits = i - from;
  if (digits > 0 && i < to && text.charCodeAt(i) === 46) {
    const frac = ++i;
    for (let c = text.charCodeAt(i); i < to && c >= 48 && c <= 57; c = text.charCodeAt(++i)) {
      n = n * 10 + (c - 48);
      scale *= 10;
    }
    digits += i - frac;
    if (i === frac) digits = 0;
  }
  if (digits > 0) {
    const num = digits <= 15 ? n / scale : Number(text.slice(from, i));
    if (i === to) return memory ? Math.round(num * 1024 ** 2) : num;
    const power = POWER_OF[text.charCodeAt(i)];
    if (power !== undefined && i + 1 === to) return Math.round(num * 1024 ** power);
  }
  // As the generic parser: the value trimmed (a spaced count `1.5 ` is 1.5, not a rounded quantity).
  const raw = text.slice(from, to).trim();
  return memory ? parseMemory(raw, 'M') : parseCount(raw);
}

/** The generic parser: any spacing and unit spelling parseMemory accepts. */
export function parseTresGeneric(text: string): TresCounts {
  const out: TresCounts = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    const value = isMemoryKey(key) ? parseMemory(raw, 'M') : parseCount(raw);
    if (value !== null) out[key] = value;
  }
  return out;
}

/**
 * GPUs in a TRES map: the untyped `gres/gpu` total when present (Slurm prints it next to typed entries),
 * else the sum of typed `gres/gpu:<type>` entries; null when none is present.
 */
export function gpusFromTres(tres: Readonly<TresCounts>): number | null {
  if (tres['gres/gpu'] !== undefined) return tres['gres/gpu'];
  // Parsed TRES maps are shared between jobs (memo): the sum is computed once per map.
  const known = gpuSums.get(tres);
  if (known !== undefined) return known.sum;
  const sum = sumTypedGpus(tres);
  if (Object.isFrozen(tres)) gpuSums.set(tres, { sum });
  return sum;
}

const gpuSums = new WeakMap<object, { sum: number | null }>();

function sumTypedGpus(tres: Readonly<TresCounts>): number | null {
  let sum: number | null = null;
  for (const [key, value] of Object.entries(tres)) {
    if (key.startsWith('gres/gpu:')) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** What the job model reads from a job's TRES string. */
export interface JobTres {
  /** `mem` in bytes; null when absent or unreadable. */
  mem: number | null;
  /** As gpusFromTres: `gres/gpu`, else the sum of `gres/gpu:<type>`; null when none. */
  gpus: number | null;
}

/**
 * `mem` and the GPUs of a job's TRES string in one pass, without the counts object: the job mapper runs for
 * every job, and a memo lookup of the (fresh) string plus the GPU sum of the shared map cost ~0.5 µs per job,
 * this ~0.1 µs. Anything unusual (whitespace at a key's edge, a repeated key) goes through parseTres, so the
 * result is always that of `parseTres(text).mem` and `gpusFromTres(parseTres(text))` (tested).
 */
export function readJobTres(text: string | null | undefined, into: JobTres): JobTres {
  into.mem = null;
  into.gpus = null;
  if (!text) return into;
  let memSeen = false;
  let gpuSeen = false;
  let gpu: number | null = null;
  let typed: number | null = null;
  let typedKeys: string[] | null = null;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(',', start);
    if (end < 0) end = text.length;
    const eq = text.indexOf('=', start);
    if (eq > start && eq < end) {
      // Values are read with parseMemory's tolerance (quantity); only a key's edges need checking, as the
      // generic parser trims keys (` mem=1G` is mem).
      if (!plain(text.charCodeAt(start)) || !plain(text.charCodeAt(eq - 1))) return fromCounts(text, into);
      const len = eq - start;
      if (len === 3 && text.startsWith('mem', start)) {
        if (memSeen) return fromCounts(text, into);
        memSeen = true;
        into.mem = quantity(text, eq + 1, end, true);
      } else if (len >= 8 && text.startsWith('gres/gpu', start)) {
        if (len === 8) {
          if (gpuSeen) return fromCounts(text, into);
          gpuSeen = true;
          gpu = quantity(text, eq + 1, end, false);
        } else if (text.charCodeAt(start + 8) === 58) {
          // `gres/gpu:<type>`: a repeated type would count once in the map, so leave it to parseTres.
          const key = text.slice(start, eq);
          if (typedKeys === null) typedKeys = [key];
          else if (typedKeys.includes(key)) return fromCounts(text, into);
          else typedKeys.push(key);
          const v = quantity(text, eq + 1, end, false);
          if (v !== null) typed = (typed ?? 0) + v;
        }
      }
    }
    start = end + 1;
  }
  into.gpus = gpu ?? typed;
  return into;
}

/** Printable ASCII: no whitespace of any kind (which is all a key's edges must not hold). */
function plain(c: number): boolean {
  return c > 32 && c < 127;
}

function fromCounts(text: string, into: JobTres): JobTres {
  const tres = parseTres(text);
  into.mem = tres.mem ?? null;
  into.gpus = gpusFromTres(tres);
  return into;
}

/** One `{type, name, count}` entry of a slurmdb TRES list. */
export interface TresEntry {
  type: string;
  name?: string | null | undefined;
  count?: unknown;
}

/**
 * slurmdb TRES lists → map keyed `type` or `type/name` (`gres/gpu`); memory (`mem`, MiB in slurmdbd) in bytes.
 * Entries without a usable count (unset, negative) are left out.
 */
export function tresListToMap(
  list: readonly TresEntry[] | null | undefined,
  toNumber: (v: unknown) => number | null,
) {
  const out: TresCounts = {};
  for (const entry of list ?? []) {
    const count = toNumber(entry.count);
    if (count === null || count < 0) continue;
    const key = entry.name ? `${entry.type}/${entry.name}` : entry.type;
    out[key] = entry.type === 'mem' && Number.isFinite(count) ? count * 1024 * 1024 : count;
  }
  return out;
}
