/**
 * Seeded PRNG for the simulator. Hand-written mulberry32 (5 lines, public domain) rather than a dependency:
 * the generator only needs a fast, deterministic 32-bit stream; cryptographic quality is irrelevant.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a key by relative weight. */
  weighted<T extends string>(weights: readonly (readonly [T, number])[]): T;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('rng.pick: empty list');
      return items[int(0, items.length - 1)] as T;
    },
    weighted: <T extends string>(weights: readonly (readonly [T, number])[]): T => {
      let total = 0;
      for (const [, w] of weights) total += w;
      let r = next() * total;
      for (const [k, w] of weights) {
        r -= w;
        if (r < 0) return k;
      }
      const last = weights[weights.length - 1];
      if (!last) throw new Error('rng.weighted: empty list');
      return last[0];
    },
  };
}
