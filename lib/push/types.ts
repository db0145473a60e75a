/** The output side: every push target implements `PushTarget`. */
import type { Registry } from 'prom-client';

/** What a target gets: the per-invocation registry and a way to read its exposition text. */
export interface PushPayload {
  registry: Registry;
  /**
   * Exposition text 0.0.4 of `registry` as UTF-8, rendered as it is read in ~64 KB chunks: the whole text
   * (~8 MB at 88k series) is never held at once.
   */
  text: () => AsyncIterable<Uint8Array>;
  /** Collection timestamp in ms (remote write sample timestamp). */
  timestampMs: number;
  /** Grouping labels for the Pushgateway (job is separate): always includes `cluster`. */
  grouping: Record<string, string>;
}

export interface PushResult {
  target: 'pushgateway' | 'remote_write' | 'stdout';
  /** Number of series (samples) sent. */
  series: number;
  /** Bytes on the wire (after compression). */
  bytes: number;
  durationMs: number;
  /** HTTP status of the last request, or 0 for stdout/file. */
  status: number;
  /** Requests made including retries. */
  requests: number;
  /** remote write: samples accepted / rejected across batches. */
  accepted?: number;
  rejected?: number;
}

export interface PushTarget {
  readonly name: PushResult['target'];
  push(payload: PushPayload, opts?: { signal?: AbortSignal; deadlineMs?: number }): Promise<PushResult>;
  /** Pushgateway only: DELETE the group (this target's grouping + `grouping`), e.g. from the CLI. */
  deleteGroup?(
    grouping?: Record<string, string>,
    opts?: { signal?: AbortSignal; deadlineMs?: number },
  ): Promise<PushResult>;
}
