/**
 * A small structured logger: JSON lines (or text) on stderr, so stdout stays free for exposition text.
 * Own code instead of Powertools Logger: we need stderr output (Powertools writes to stdout), a text format
 * for local runs, and redaction by field name that also applies to nested objects. It is ~150 lines; the
 * Lambda runtime ships every stderr line to CloudWatch as is.
 *
 * JSON line keys, in this order: `timestamp, level, message`, then the well-known context fields `cluster,
 * collector, aws_request_id, duration_ms` when present, then any other field, then `error{type, name,
 * message, code?, cause?}`. Child loggers carry context (cluster, aws_request_id) into every line.
 *
 * Redaction is structural: a field whose NAME marks it as a secret (see isSecretKey) is written as
 * `[REDACTED]`, at any depth. Values are never pattern-matched, so code must not put secrets into messages.
 */
import { classifyError } from '../errors.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  isEnabled(level: LogLevel): boolean;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; defaults to stderr. */
  sink?: (line: string) => void;
  fields?: LogFields;
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

/** Field names whose values are never written (compared lower-case, `-`/`_` ignored). */
const SECRET_KEYS = new Set([
  'token',
  'password',
  'passwd',
  'secret',
  'secretstring',
  'secretbinary',
  'authorization',
  'proxyauthorization',
  'apikey',
  'xapikey',
  'xslurmusertoken',
  'accesskeyid',
  'secretaccesskey',
  'sessiontoken',
  'credentials',
  'cookie',
  'setcookie',
  'privatekey',
  'clientsecret',
]);
export const REDACTED = '[REDACTED]';

/** True when a field of this name holds a secret. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return (
    SECRET_KEYS.has(k) ||
    k.endsWith('token') ||
    k.endsWith('password') ||
    k.endsWith('secret') ||
    k.endsWith('apikey') ||
    k.endsWith('privatekey')
  );
}

const MAX_DEPTH = 8;
const MAX_STRING = 8192;

/** An error as a log field: classification, class name, message, code and (one level of) cause. */
function errorFields(e: Error, depth: number): Record<string, unknown> {
  const { code } = e as Error & { code?: unknown };
  let type: string;
  try {
    type = classifyError(e);
  } catch {
    type = 'unknown';
  }
  const out: Record<string, unknown> = { type, name: e.name, message: e.message };
  if (code !== undefined) out.code = code;
  if (e.cause !== undefined && depth < 2) {
    out.cause =
      e.cause instanceof Error ? errorFields(e.cause, depth + 1) : redactFields(e.cause, MAX_DEPTH - 1);
  }
  return out;
}

/**
 * Deep copy with secret fields replaced; errors become `{type, name, message, code?, cause?}`, byte arrays a
 * length, bigint a string, cycles `[Circular]`, and very long strings are cut.
 */
export function redactFields(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[…]';
  if (value instanceof Error) return errorFields(value, 0);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1, seen));
    const entries =
      value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v]) : Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries as [string, unknown][]) {
      out[k] =
        isSecretKey(k) && v !== undefined && v !== null && v !== ''
          ? REDACTED
          : redactFields(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Context fields placed right after `message` in JSON lines. */
const CONTEXT_KEYS = ['cluster', 'collector', 'aws_request_id', 'duration_ms'] as const;
const RESERVED = new Set(['timestamp', 'level', 'message']);

/** Observers of every written line (tests use this to scan all output for secrets). */
const taps = new Set<(line: string) => void>();
export function addLogTap(tap: (line: string) => void): () => void {
  taps.add(tap);
  return () => taps.delete(tap);
}

/** True when `value` is a log level name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

function orderFields(merged: LogFields): LogFields {
  const out: LogFields = {};
  for (const k of CONTEXT_KEYS) if (merged[k] !== undefined) out[k] = merged[k];
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined || RESERVED.has(k) || k in out || k === 'error') continue;
    out[k] = v;
  }
  if (merged.error !== undefined) out.error = merged.error;
  return out;
}

function textValue(v: unknown): string {
  if (typeof v === 'string') return /[\s="]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v) ?? String(v);
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const format = opts.format ?? 'json';
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = opts.now ?? (() => new Date());
  const base = opts.fields ?? {};

  const write = (lvl: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[lvl] < RANK[level]) return;
    const merged = orderFields(redactFields({ ...base, ...fields }) as LogFields);
    const timestamp = now().toISOString();
    let line: string;
    if (format === 'json') {
      line = JSON.stringify({ timestamp, level: lvl, message, ...merged });
    } else {
      const extra = Object.entries(merged)
        .map(([k, v]) => `${k}=${textValue(v)}`)
        .join(' ');
      line = `${timestamp} ${lvl.toUpperCase().padEnd(5)} ${message}${extra ? ` ${extra}` : ''}`;
    }
    for (const tap of taps) tap(line);
    try {
      sink(line);
    } catch {
      // A broken stderr (EPIPE) must not break collection.
    }
  };

  return {
    level,
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    isEnabled: (l) => RANK[l] >= RANK[level],
    child: (fields) => createLogger({ level, format, sink, now, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (default for library code used without one). */
export const silentLogger: Logger = createLogger({ level: 'error', sink: () => {} });
