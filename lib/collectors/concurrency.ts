/** Small async helpers for the runner: a concurrency limiter and a timeout/abort bound. */

import { ExporterError } from '../errors.js';

/** A collector, fetch or the whole run ran out of time (timeout, deadline or caller abort). */
export class TimeoutError extends ExporterError {
  constructor(message: string) {
    super(message, { code: 'COLLECTOR_TIMEOUT', type: 'timeout' });
    this.name = 'TimeoutError';
  }
}

/** A tiny FIFO limiter; hand-written because it is ~10 lines and no limiter package is a dependency. */
export function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = (): void => {
    active -= 1;
    queue.shift()?.();
  };
  return (task) =>
    new Promise((resolve, reject) => {
      const start = (): void => {
        active += 1;
        task().then(resolve, reject).finally(next);
      };
      if (active < max) start();
      else queue.push(start);
    });
}

/** Rejects when `ms` elapses or `signal` aborts; `clear` releases the timer. */
export function bound(
  ms: number,
  signal: AbortSignal,
  what: string,
): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    if (Number.isFinite(ms)) {
      timer = setTimeout(
        () => reject(new TimeoutError(`${what} timed out after ${Math.max(0, Math.round(ms))} ms`)),
        Math.max(0, ms),
      );
    }
    onAbort = () => reject(new TimeoutError(`${what} aborted: ${String(signal.reason ?? 'deadline')}`));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => {});
  return {
    promise,
    clear: () => {
      if (timer) clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}
