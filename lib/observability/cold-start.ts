/**
 * Cold-start detection. Module state lives as long as the Lambda execution environment (container), so the
 * first call after the module is loaded is the container's first invocation.
 */
let invoked = false;
const loadedAt = Date.now();

/** True on the first call in this container, false afterwards. Call once per invocation. */
export function isColdStart(): boolean {
  if (invoked) return false;
  invoked = true;
  return true;
}

/** When this container loaded the module (unix ms): container age = now − this. */
export function containerLoadedAtMs(): number {
  return loadedAt;
}
