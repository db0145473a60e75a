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

function parseTresUncached(text: string): TresCounts {
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
