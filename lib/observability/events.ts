/** Facts reported by the client, runner and push targets, turned into self-metrics and log lines. */

/** One slurmrestd (or push) HTTP request. Never carries headers or credentials. */
export interface ApiRequestInfo {
  /** Endpoint name (`nodes`, `jobs`, `ping`, ...). */
  endpoint: string;
  method: string;
  /** URL path with query, no credentials. */
  path: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  durationMs: number;
  bytes: number;
  /** Error type when the request failed (timeout, connection, ...). */
  errorType?: string;
}

/** Outcome of one collector in one invocation. */
export interface CollectorStatus {
  name: string;
  ok: boolean;
  /** Skipped because an endpoint is not served (old API version, no slurmdbd): not a failure. */
  skipped?: boolean;
  durationMs: number;
  series: number;
  /** Series dropped by the cardinality cap. */
  dropped?: number;
  error?: { type: string; message: string };
}

export type RequestObserver = (info: ApiRequestInfo) => void;
