/**
 * Builders for the schema's leaf fields. Each leaf accepts its native type (YAML/JSON documents, overrides)
 * AND a string (env vars, `SLURM_EXPORTER_*` keys in the secret), so one schema parses every source. The
 * builder also stores the metadata the rest of config derives from it: description, kind (for docs and env
 * coercion), the secret marker and the default (via `prefault`, so the default is parsed like any input and
 * the docs can show it in its input form, e.g. `30s`).
 */
import * as z from 'zod';
import { parseGoDuration } from './duration.js';

/** How a leaf is written in env vars and shown in the docs. */
export type LeafKind =
  | 'string'
  | 'url'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'duration'
  | 'enum'
  | 'list'
  | 'map';

declare module 'zod' {
  interface GlobalMeta {
    /** Leaf kind (see LeafKind). */
    kind?: LeafKind;
    /** The value is a credential: never shown in errors, logs or `redactConfig` output. */
    secret?: boolean;
    /** Allowed values of an enum leaf (for the docs). */
    values?: readonly string[];
  }
}

interface LeafOpts {
  secret?: boolean;
}

/** Returns an error message, or undefined when the value is fine. */
type Check<T> = (value: T) => string | undefined;

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);
const NUMERIC = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function toStr(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}
function toBool(v: unknown): unknown {
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : v;
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : v;
}
function toNum(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim().replace(/_/g, '');
  return NUMERIC.test(s) ? Number(s) : v;
}
/** Strings are Go durations; numbers are already milliseconds (so a parsed config re-parses unchanged). */
function toDuration(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  return parseGoDuration(v) ?? v;
}
function toEnum(v: unknown): unknown {
  return typeof v === 'string' ? v.trim().toLowerCase() : v;
}
function toList(v: unknown): unknown {
  if (typeof v === 'string') {
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  if (Array.isArray(v)) return v.map(toStr);
  return v;
}
/** `k=v,k2=v2` or a JSON object; scalar values become strings. Anything else is left for the schema to reject. */
function toMap(v: unknown): unknown {
  let obj: unknown = v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return {};
    if (s.startsWith('{')) {
      try {
        obj = JSON.parse(s);
      } catch {
        return v;
      }
    } else {
      const out: Record<string, string> = {};
      for (const part of s.split(',')) {
        const eq = part.indexOf('=');
        if (eq < 0) return v;
        out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
      }
      return out;
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(obj)) out[k] = toStr(val);
  return out;
}

function refineWith<T>(check: Check<T> | undefined) {
  return (value: T, ctx: z.RefinementCtx<T>): void => {
    const message = check?.(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  };
}

function rangeMessage(min: number, max: number | undefined): string {
  return max === undefined ? `must be at least ${min}` : `must be between ${min} and ${max}`;
}

/** A string leaf; `check` adds a format rule. */
export function str(def: string, description: string, check?: Check<string>, opts: LeafOpts = {}) {
  return z
    .preprocess(toStr, z.string({ error: 'must be a string' }).superRefine(refineWith(check)))
    .prefault(def)
    .meta({ description, kind: 'string', ...(opts.secret === true ? { secret: true } : {}) });
}

/** An optional http(s) URL: '' means "not set". */
export function url(description: string) {
  return z
    .preprocess(
      toStr,
      z
        .string({ error: 'must be a string' })
        .superRefine(refineWith((s) => (s === '' ? undefined : httpUrlProblem(s)))),
    )
    .prefault('')
    .meta({ description, kind: 'url' });
}

/** Why `s` is not an absolute http(s) URL, or undefined. */
export function httpUrlProblem(s: string): string | undefined {
  if (!URL.canParse(s)) return 'must be an absolute http:// or https:// URL';
  const u = new URL(s);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an absolute http:// or https:// URL';
  if (u.hostname === '') return 'must include a host name';
  // fetch() refuses such URLs, and they would put a password into logs.
  if (u.username !== '' || u.password !== '')
    return 'must not contain user:password@ (use the auth settings)';
  return undefined;
}

export function bool(def: boolean, description: string) {
  return z
    .preprocess(toBool, z.boolean({ error: 'must be a boolean: true/false, 1/0 or yes/no' }))
    .prefault(def)
    .meta({ description, kind: 'boolean' });
}

export function int(def: number, description: string, min: number, max?: number) {
  let n = z
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(min, { error: rangeMessage(min, max) });
  if (max !== undefined) n = n.max(max, { error: rangeMessage(min, max) });
  return z.preprocess(toNum, n).prefault(def).meta({ description, kind: 'integer' });
}

export function num(def: number, description: string, min: number, max?: number) {
  let n = z.number({ error: 'must be a number' }).min(min, { error: rangeMessage(min, max) });
  if (max !== undefined) n = n.max(max, { error: rangeMessage(min, max) });
  return z.preprocess(toNum, n).prefault(def).meta({ description, kind: 'number' });
}

/** A Go duration, parsed to milliseconds. `allowZero` permits `0s` (e.g. "no delay"). */
export function duration(def: string, description: string, allowZero = false) {
  const n = z
    .number({ error: 'must be a Go duration such as 30s, 1m30s or 500ms' })
    .refine((ms) => (allowZero ? ms >= 0 : ms > 0), {
      error: allowZero ? 'must not be negative' : 'must be greater than 0',
    });
  return z.preprocess(toDuration, n).prefault(def).meta({ description, kind: 'duration' });
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  def: T[number],
  description: string,
) {
  return z
    .preprocess(toEnum, z.enum(values, { error: `must be one of: ${values.join(', ')}` }))
    .prefault(def)
    .meta({ description, kind: 'enum', values });
}

/** A list of strings (comma-separated in env). `check` validates each item. */
export function list(description: string, check?: Check<string>) {
  return z
    .preprocess(
      toList,
      z
        .array(z.string({ error: 'list items must be strings' }), {
          error: 'must be a list (comma-separated in env)',
        })
        .superRefine((items, ctx) => {
          for (const item of items) {
            const message = check?.(item);
            if (message !== undefined) ctx.addIssue({ code: 'custom', message });
          }
        }),
    )
    .prefault([])
    .meta({ description, kind: 'list' });
}

/** A string map (`k=v,k2=v2` or JSON in env). `check` validates the whole map. */
export function map(description: string, check?: Check<Record<string, string>>, opts: LeafOpts = {}) {
  return z
    .preprocess(
      toMap,
      z
        .record(z.string(), z.string({ error: 'map values must be strings' }), {
          error: 'must be a map: k=v,k2=v2 or a JSON object',
        })
        .superRefine(refineWith(check)),
    )
    .prefault({})
    .meta({ description, kind: 'map', ...(opts.secret === true ? { secret: true } : {}) });
}
