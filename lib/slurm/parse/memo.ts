/**
 * Per-string memo for the parsers run on every job: a 100k-job queue repeats a few hundred TRES and state
 * strings, and re-parsing each one was a third of the adapter's time. Values are frozen because they are
 * shared between jobs. Bounded: a full cache is cleared rather than grown (ten lines, so no LRU dependency;
 * a miss only costs the parse it would have done anyway).
 */
export function memoByString<T extends object>(parse: (key: string) => T, max = 4096): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      v = Object.freeze(parse(key));
      if (cache.size >= max) cache.clear();
      cache.set(key, v);
    }
    return v;
  };
}
