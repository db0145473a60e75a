/**
 * Bounded polling for tests that wait on real services: calls `fn` until it returns a value (not undefined),
 * at most `tries` times, `delayMs` apart. A throwing attempt counts as "not yet"; the last error becomes the
 * cause of the timeout error.
 */
export async function poll<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  tries = 30,
  delayMs = 1000,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (i + 1 < tries) await new Promise((r) => setTimeout(r, delayMs));
  }
  throw new Error(`timed out waiting for ${what} (${tries} tries, ${delayMs} ms apart)`, { cause: last });
}
