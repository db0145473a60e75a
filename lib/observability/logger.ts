/**
 * A small structured logger: JSON lines (or text) on stderr, so stdout stays free for exposition text.
 * Own code instead of Powertools Logger: we need stderr output (Powertools writes to stdout), a text format
 * for local runs, and redaction by field name that also applies to nested objects.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
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
  format?: 'json' | 'text';
  /** Where lines go; defaults to stderr. */
  sink?: (line: string) => void;
  fields?: LogFields;
}

/** Field names whose values are never written (compared lower-case, `-`/`_` ignored). */
const SECRET_KEYS = new Set([
  'token',
  'password',
  'secret',
  'secretstring',
  'authorization',
  'apikey',
  'xslurmusertoken',
  'accesskeyid',
  'secretaccesskey',
  'sessiontoken',
  'credentials',
  'cookie',
]);
export const REDACTED = '[REDACTED]';

/** True when a field of this name holds a secret. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEYS.has(k) || k.endsWith('token') || k.endsWith('password') || k.endsWith('secret');
}

/** Deep copy with secret fields replaced; errors become `{type, message, code}`. */
export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown };
    return { type: e.name, message: e.message, ...(e.code === undefined ? {} : { code: e.code }) };
  }
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v !== undefined && v !== '' ? REDACTED : redactFields(v, depth + 1);
    }
    return out;
  }
  return value;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Observers of every written line (tests use this to scan all output for secrets). */
const taps = new Set<(line: string) => void>();
export function addLogTap(tap: (line: string) => void): () => void {
  taps.add(tap);
  return () => taps.delete(tap);
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const format = opts.format ?? 'json';
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = opts.fields ?? {};

  const write = (lvl: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[lvl] < RANK[level]) return;
    const merged = redactFields({ ...base, ...fields }) as LogFields;
    let line: string;
    if (format === 'json') {
      line = JSON.stringify({ timestamp: new Date().toISOString(), level: lvl, message, ...merged });
    } else {
      const extra = Object.entries(merged)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      line = `${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${message}${extra ? ` ${extra}` : ''}`;
    }
    for (const tap of taps) tap(line);
    sink(line);
  };

  return {
    level,
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    isEnabled: (l) => RANK[l] >= RANK[level],
    child: (fields) => createLogger({ level, format, sink, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (default for library code used without one). */
export const silentLogger: Logger = createLogger({ level: 'error', sink: () => {} });
