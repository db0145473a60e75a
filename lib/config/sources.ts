/**
 * Turns each config source into a flat layer `config key → raw value`, walking the schema's leaf list:
 * config documents (YAML/JSON), env vars, the secret's JSON and caller overrides. Unknown keys and env
 * names become warnings. Raw values are parsed later, per field, by the leaf schemas.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, SecretError } from '../errors.js';
import {
  CONFIG_FIELDS,
  ENV_NAMES,
  ENV_PREFIX,
  fieldByEnv,
  fieldByPath,
  isKnownEnvName,
  META_ENV,
} from './fields.js';
import type { EnvLike } from './secret.js';

export type SourceName = 'file' | 'inline' | 'secret' | 'env' | 'overrides';

export interface Layer {
  source: SourceName;
  /** Human label, e.g. `config file /etc/x.yaml` or `secret "slurm/token"`. */
  label: string;
  values: Map<string, unknown>;
}

type Nested = Record<string, unknown>;

/** Dotted prefixes of every leaf (`slurm`, `slurm.auth`, …): keys that must hold a mapping. */
const SECTIONS = new Set(
  CONFIG_FIELDS.flatMap((f) => f.keys.slice(0, -1).map((_, i) => f.keys.slice(0, i + 1).join('.'))),
);

const isPlainObject = (v: unknown): v is Nested => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Short keys accepted in the secret for the common case of one Slurm credential. */
export const SECRET_SHORT_KEYS: Readonly<Record<string, string>> = {
  token: 'slurm.auth.token',
  password: 'slurm.auth.password',
};

/** Where the secret is looked up; the secret cannot point at another secret. */
const NOT_FROM_SECRET = new Set(['secret_id', 'secret_max_age']);

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** "did you mean" for a mistyped name, only when one candidate is close. */
function suggest(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 5)) + 1;
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

const PATHS = CONFIG_FIELDS.map((f) => f.path);

/** Flattens a nested object along the schema; unknown keys are reported, never their values. */
export function flattenNested(
  obj: Nested,
  label: string,
  warnings: string[],
  prefix = '',
  out = new Map<string, unknown>(),
) {
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value === undefined || value === null) continue;
    if (fieldByPath(path) !== undefined) out.set(path, value);
    else if (SECTIONS.has(path) && isPlainObject(value)) flattenNested(value, label, warnings, path, out);
    else if (SECTIONS.has(path)) warnings.push(`${label}: "${path}" must be a mapping; ignored`);
    else warnings.push(`${label}: unknown config key "${path}" ignored${suggest(path, PATHS)}`);
  }
  return out;
}

/**
 * Parses a YAML or JSON config document (JSON is YAML 1.2). Errors name the source and position but never
 * quote the text, which may hold credentials.
 */
export function parseDocument(text: string, env: string, where: string): Nested {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const pos =
      err instanceof YAMLParseError && err.linePos !== undefined
        ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}`
        : '';
    const code = err instanceof YAMLParseError ? ` (${err.code})` : '';
    throw new ConfigError([{ env, path: where, message: `not valid YAML or JSON${pos}${code}` }]);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) {
    throw new ConfigError([
      { env, path: where, message: 'the document must be a mapping (key: value) at the top level' },
    ]);
  }
  return doc;
}

/** The env layer: every known, non-empty `SLURM_EXPORTER_*` var, trimmed. Unknown names become warnings. */
export function envLayer(env: EnvLike, warnings: string[]): Layer {
  const values = new Map<string, unknown>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX)) continue;
    const field = fieldByEnv(name);
    if (field === undefined) {
      if (!isKnownEnvName(name))
        warnings.push(`unknown environment variable ${name} ignored${suggest(name, ENV_NAMES)}`);
      continue;
    }
    // Empty means unset: deployment templates render optional parameters as ''.
    const value = raw?.trim();
    if (value === undefined || value === '') continue;
    values.set(field.path, value);
  }
  return { source: 'env', label: 'environment', values };
}

/**
 * The secret layer. The secret is a JSON object whose keys are nested config (`{"slurm":{"auth":{…}}}`),
 * env names (`SLURM_EXPORTER_SLURM_AUTH_TOKEN`) or the short keys `token` / `password` (Slurm auth).
 */
export function secretLayer(text: string, secretId: string, warnings: string[]): Layer {
  const label = `secret "${secretId}"`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // No cause: JSON.parse messages quote the text.
    doc = undefined;
  }
  if (!isPlainObject(doc)) {
    throw new SecretError(
      `secret "${secretId}" is not a JSON object (expected e.g. {"token": "…"} or {"SLURM_EXPORTER_SLURM_AUTH_TOKEN": "…"}); its content is not shown`,
      { secretId, code: 'SECRET_INVALID' },
    );
  }
  const values = new Map<string, unknown>();
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined || value === null) continue;
    // A stray newline at the end of a pasted token is the usual mistake.
    const v = typeof value === 'string' ? value.trim() : value;
    if (v === '') continue;
    const short = SECRET_SHORT_KEYS[key];
    const byEnv = key.startsWith(ENV_PREFIX) ? fieldByEnv(key) : undefined;
    if (short !== undefined) values.set(short, v);
    else if (byEnv !== undefined) values.set(byEnv.path, v);
    else if (SECTIONS.has(key) || fieldByPath(key) !== undefined)
      flattenNested({ [key]: value }, label, warnings, '', values);
    else warnings.push(`${label}: unknown key "${key}" ignored${suggest(key, [...ENV_NAMES, ...PATHS])}`);
  }
  for (const path of NOT_FROM_SECRET) {
    if (values.delete(path)) warnings.push(`${label}: "${path}" cannot be set from the secret; ignored`);
  }
  return { source: 'secret', label, values };
}

export { META_ENV };
