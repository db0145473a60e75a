/**
 * The project's typed errors. Each has a stable `code` for classification (self-metrics `error_type`, logs)
 * and keeps the original failure in `cause`. Messages never contain credentials: callers pass redacted text.
 */

/** Classification used by `slurm_exporter_collect_errors_total{error_type}` and logs. */
export const ErrorType = {
  timeout: 'timeout',
  connection: 'connection',
  auth: 'auth',
  http: 'http',
  parse: 'parse',
  validation: 'validation',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** Base class: a stable code, an error type and an optional cause. */
export class ExporterError extends Error {
  readonly code: string;
  readonly type: ErrorType;
  constructor(message: string, opts: { code: string; type: ErrorType; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ExporterError';
    this.code = opts.code;
    this.type = opts.type;
  }
}

/** One configuration problem: where (env var / config key) and what was expected. */
export interface ConfigIssue {
  /** Dotted config path, e.g. `slurm.auth.token`. */
  path: string;
  /** Environment variable name, e.g. `SLURM_EXPORTER_SLURM_AUTH_TOKEN`. */
  env: string;
  message: string;
}

/** Invalid configuration: carries every problem at once. */
export class ConfigError extends ExporterError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], opts: { cause?: unknown; message?: string } = {}) {
    super(
      opts.message ??
        `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues
          .map((i) => `  - ${i.env} (${i.path}): ${i.message}`)
          .join('\n')}`,
      { code: 'CONFIG_INVALID', type: 'validation', cause: opts.cause },
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Reading the AWS Secrets Manager secret failed, or its content is unusable. */
export class SecretError extends ExporterError {
  readonly secretId: string;
  constructor(message: string, opts: { secretId: string; code?: string; cause?: unknown }) {
    super(message, { code: opts.code ?? 'SECRET_UNAVAILABLE', type: 'auth', cause: opts.cause });
    this.name = 'SecretError';
    this.secretId = opts.secretId;
  }
}

/** A slurmrestd request failed: HTTP status, transport failure, bad body or auth rejection. */
export class SlurmHttpError extends ExporterError {
  readonly endpoint: string;
  readonly apiVersion: string | undefined;
  readonly status: number | undefined;
  readonly slurmErrorNumber: number | undefined;
  readonly slurmError: string | undefined;
  constructor(
    message: string,
    opts: {
      endpoint: string;
      apiVersion?: string;
      status?: number;
      slurmErrorNumber?: number;
      slurmError?: string;
      code?: string;
      type?: ErrorType;
      cause?: unknown;
    },
  ) {
    super(message, { code: opts.code ?? 'SLURM_HTTP', type: opts.type ?? 'http', cause: opts.cause });
    this.name = 'SlurmHttpError';
    this.endpoint = opts.endpoint;
    this.apiVersion = opts.apiVersion;
    this.status = opts.status;
    this.slurmErrorNumber = opts.slurmErrorNumber;
    this.slurmError = opts.slurmError;
  }
}

/** A push to the Pushgateway / remote-write receiver failed. */
export class PushError extends ExporterError {
  readonly target: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** Requests made (including retries) before giving up. */
  readonly requests: number | undefined;
  /** remote write: samples accepted / rejected across all batches. */
  readonly accepted: number | undefined;
  readonly rejected: number | undefined;
  constructor(
    message: string,
    opts: {
      target: string;
      status?: number;
      retryable?: boolean;
      code?: string;
      type?: ErrorType;
      cause?: unknown;
      requests?: number;
      accepted?: number;
      rejected?: number;
    },
  ) {
    super(message, { code: opts.code ?? 'PUSH_FAILED', type: opts.type ?? 'http', cause: opts.cause });
    this.name = 'PushError';
    this.target = opts.target;
    this.status = opts.status;
    this.retryable = opts.retryable ?? false;
    this.requests = opts.requests;
    this.accepted = opts.accepted;
    this.rejected = opts.rejected;
  }
}

/** The circuit breaker for an endpoint is open: the call was not attempted. */
export class CircuitOpenError extends ExporterError {
  readonly endpoint: string;
  constructor(endpoint: string, retryInMs: number) {
    super(`circuit breaker for ${endpoint} is open; next probe in ${Math.max(0, Math.round(retryInMs))} ms`, {
      code: 'CIRCUIT_OPEN',
      type: 'connection',
    });
    this.name = 'CircuitOpenError';
    this.endpoint = endpoint;
  }
}

/** Maps any thrown value to an error type for self-metrics. */
export function classifyError(err: unknown): ErrorType {
  if (err instanceof ExporterError) return err.type;
  const raw = err as { name?: string; code?: unknown } | null | undefined;
  // gRPC and some libraries use numeric codes: only string codes are Node/undici error codes.
  const e =
    raw == null ? undefined : { name: raw.name, code: typeof raw.code === 'string' ? raw.code : undefined };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.code?.startsWith('UND_ERR_') === true) {
    return e.code === 'UND_ERR_SOCKET' || e.code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connection' : 'timeout';
  }
  if (
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'ENOTFOUND' ||
    e?.code === 'ECONNRESET' ||
    e?.code === 'CONNECT_TIMEOUT' ||
    e?.code === 'ERR_STREAM_PREMATURE_CLOSE'
  )
    return 'connection';
  if (e?.name === 'ZodError') return 'validation';
  if (err instanceof SyntaxError) return 'parse';
  return 'http';
}
