/**
 * GRES strings → per-type counts.
 *
 * Node `gres` lists totals (`gpu:4`, `gpu:h100:2,gpu:h200:4`, `gpu:nvidia_a100_80gb_pcie:8(S:0-1)`, MIG
 * `gpu:1g.10gb:21(S:1)`), `gres_used` the allocated ones (`gpu:h100:1(IDX:0)`, `gpu:1g.10gb:9(IDX:0-3,5-9)`,
 * `gpu:h100:0(IDX:N/A)`, `gpu:0`). Hand-written: a Slurm-specific format (commas also occur inside `(IDX:…)`).
 */
import type { GresCount } from '../model.js';
import { parseMemory } from './memory.js';
import { parseTres } from './tres.js';

export interface GresEntry {
  name: string;
  /** '' when untyped. */
  type: string;
  count: number;
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseGresCount(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  // Counts may carry a suffix (`shard:1K`), printed like memory quantities.
  return /^\d+(\.\d+)?[KMGTP]$/i.test(text) ? parseMemory(text, 'B') : null;
}

/** Parses a GRES string; '', `N/A` and `(null)` give []. */
export function parseGres(text: string | null | undefined): GresEntry[] {
  if (!text || text === 'N/A' || text === '(null)') return [];
  const out: GresEntry[] = [];
  for (const rawPart of splitTopLevel(text)) {
    const part = rawPart.replace(/\(.*\)\s*$/, '').trim();
    if (!part || part === 'N/A') continue;
    const fields = part.split(':');
    const name = fields[0]!;
    if (!name) continue;
    if (fields.length === 1) {
      out.push({ name, type: '', count: 1 });
      continue;
    }
    const last = fields[fields.length - 1]!;
    const count = parseGresCount(last);
    if (count === null) {
      // `gpu:h100` without a count means one.
      out.push({ name, type: fields.slice(1).join(':'), count: 1 });
    } else {
      out.push({ name, type: fields.slice(1, -1).join(':'), count });
    }
  }
  return out;
}

/** GRES from TRES keys `gres/<name>` and `gres/<name>:<type>` (fallback when `gres` strings are absent). */
function gresFromTres(text: string | null | undefined): GresEntry[] {
  const tres = parseTres(text);
  const untyped: GresEntry[] = [];
  const typed: GresEntry[] = [];
  for (const [key, count] of Object.entries(tres)) {
    if (!key.startsWith('gres/')) continue;
    const [name, ...type] = key.slice(5).split(':');
    (type.length ? typed : untyped).push({ name: name!, type: type.join(':'), count });
  }
  // Slurm prints the untyped total next to typed ones; prefer the typed breakdown when it exists.
  const typedNames = new Set(typed.map((e) => e.name));
  return [...typed, ...untyped.filter((e) => !typedNames.has(e.name))];
}

/**
 * Node GRES totals and allocations merged per (name, type). Used entries without a matching total are attached to
 * the only total of the same name when there is exactly one, else kept as their own entry; zero-count used entries
 * with no total (`gres_used: gpu:0` on a GPU-less node) are dropped.
 */
export function nodeGres(input: {
  gres?: string | null | undefined;
  gresUsed?: string | null | undefined;
  tres?: string | null | undefined;
  tresUsed?: string | null | undefined;
}): GresCount[] {
  let totals = parseGres(input.gres);
  let used = parseGres(input.gresUsed);
  if (totals.length === 0) {
    totals = gresFromTres(input.tres);
    if (used.every((u) => u.count === 0)) used = gresFromTres(input.tresUsed);
  }
  const byKey = new Map<string, GresCount>();
  for (const t of totals) {
    const key = `${t.name}:${t.type}`;
    const prev = byKey.get(key);
    if (prev) prev.total += t.count;
    else byKey.set(key, { name: t.name, type: t.type, total: t.count, allocated: 0 });
  }
  for (const u of used) {
    let target = byKey.get(`${u.name}:${u.type}`);
    if (!target) {
      const sameName = [...byKey.values()].filter((g) => g.name === u.name);
      if (sameName.length === 1) target = sameName[0];
    }
    if (target) target.allocated += u.count;
    else if (u.count > 0)
      byKey.set(`${u.name}:${u.type}`, { name: u.name, type: u.type, total: 0, allocated: u.count });
  }
  return [...byKey.values()];
}
