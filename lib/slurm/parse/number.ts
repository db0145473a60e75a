/**
 * Slurm number encodings → model numbers (null = unset, Infinity = unlimited).
 *
 * data_parser versions (v0.0.39+) wrap numbers as `{set, infinite, number}`; legacy versions (v0.0.36–38) print raw
 * C integers, so "not set" and "unlimited" arrive as sentinels (slurm.h NO_VAL / INFINITE and their 64-bit forms).
 * Hand-written: no library knows Slurm's encodings.
 */

/** slurm.h `NO_VAL` (0xfffffffe): not set. */
export const NO_VAL = 0xfffffffe;
/** slurm.h `INFINITE` (0xffffffff): unlimited. */
export const INFINITE = 0xffffffff;
/**
 * `NO_VAL64`/`INFINITE64` (0xffff_ffff_ffff_fffe/f) both round to 2^64 as a double, so they cannot be told apart
 * once JSON.parse has run; anything this large is treated as "not set".
 */
const HUGE64 = 2 ** 64 - 4096;

/** A data_parser NUMBER wrapper. */
export interface NumberWrapper {
  set?: boolean;
  infinite?: boolean;
  number?: number;
}

export function isNumberWrapper(value: unknown): value is NumberWrapper {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    ('set' in value || 'infinite' in value) &&
    Object.keys(value).every((k) => k === 'set' || k === 'infinite' || k === 'number')
  );
}

/** Maps raw legacy sentinels: NO_VAL → null, INFINITE → Infinity, 64-bit sentinels → null. */
export function fromSentinel(n: number): number | null {
  if (!Number.isFinite(n)) return n === Number.POSITIVE_INFINITY ? n : null;
  if (n === NO_VAL) return null;
  if (n === INFINITE) return Number.POSITIVE_INFINITY;
  if (n >= HUGE64) return null;
  return n;
}

/**
 * Any Slurm number (plain, wrapped, null/absent) → number | null | Infinity.
 * `{infinite:true}` wins over `set` ("set and number ignored"); `{set:false}` is null.
 */
export function unwrapNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return fromSentinel(value);
  if (isNumberWrapper(value)) {
    if (value.infinite === true) return Number.POSITIVE_INFINITY;
    if (value.set === false) return null;
    return typeof value.number === 'number' ? value.number : null;
  }
  return null;
}

/** Like unwrapNumber, but negative values (legacy `-2`, `-1` for "unknown") are null. */
export function unwrapNonNegative(value: unknown): number | null {
  const n = unwrapNumber(value);
  return n !== null && n < 0 ? null : n;
}

/**
 * Legacy int32 limits print INFINITE cast to a signed int as `-1` (e.g. `maximum_nodes_per_job: -1`):
 * -1 → Infinity, other negatives → null.
 */
export function unwrapLimit(value: unknown): number | null {
  const n = unwrapNumber(value);
  if (n === -1) return Number.POSITIVE_INFINITY;
  return n !== null && n < 0 ? null : n;
}

/** A unix time: 0 means "never" and is reported as null. */
export function unwrapTime(value: unknown): number | null {
  const n = unwrapNumber(value);
  return n === null || n <= 0 || !Number.isFinite(n) ? null : n;
}

/** Minutes (time limits, wall clocks) → seconds, keeping null and Infinity. */
export function minutesToSeconds(value: unknown): number | null {
  const n = unwrapNumber(value);
  return n === null || !Number.isFinite(n) ? n : n * 60;
}

/** Multiplies a possibly-null/infinite number by a factor, keeping null and Infinity. */
export function scale(n: number | null, factor: number): number | null {
  return n === null || !Number.isFinite(n) ? n : n * factor;
}
