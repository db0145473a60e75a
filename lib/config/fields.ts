/**
 * The flat list of leaf fields, derived by walking configSchema: config key, env var name, kind, default,
 * description and secret marker. Env names are mechanical: `SLURM_EXPORTER_` + upper-snake of the key path.
 */
import type * as z from 'zod';
import type { LeafKind } from './leaves.js';
import { configSchema } from './schema.js';

export const ENV_PREFIX = 'SLURM_EXPORTER_';

/** Env vars that are not schema fields: where the config document comes from. */
export const META_ENV = {
  /** Path of a YAML or JSON config document. */
  configFile: 'SLURM_EXPORTER_CONFIG_FILE',
  /** An inline YAML or JSON config document. */
  config: 'SLURM_EXPORTER_CONFIG',
} as const;

export interface ConfigField {
  /** Dotted config key, e.g. `slurm.auth.token`. */
  path: string;
  keys: readonly string[];
  /** e.g. `SLURM_EXPORTER_SLURM_AUTH_TOKEN`. */
  env: string;
  kind: LeafKind;
  secret: boolean;
  description: string;
  /** The default in its input form (`'30s'`, not 30000). */
  default: unknown;
  /** Allowed values of enum fields. */
  values: readonly string[] | undefined;
  /** The leaf schema (parses one value from any source). */
  schema: z.ZodType;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  defaultValue?: unknown;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schema under default/prefault wrappers, or undefined for a leaf. */
function objectShape(s: z.ZodType): Record<string, z.ZodType> | undefined {
  let cur: z.ZodType | undefined = s;
  for (let i = 0; i < 5 && cur !== undefined; i++) {
    const def = defOf(cur);
    if (def.type === 'object') return def.shape;
    if (def.type !== 'default' && def.type !== 'prefault' && def.type !== 'optional') return undefined;
    cur = def.innerType;
  }
  return undefined;
}

export function envNameFor(keys: readonly string[]): string {
  return ENV_PREFIX + keys.join('_').toUpperCase();
}

function walk(shape: Record<string, z.ZodType>, prefix: string[], out: ConfigField[]): void {
  for (const [key, schema] of Object.entries(shape)) {
    const keys = [...prefix, key];
    const inner = objectShape(schema);
    if (inner !== undefined) {
      walk(inner, keys, out);
      continue;
    }
    const meta = schema.meta();
    if (meta?.kind === undefined || typeof meta.description !== 'string') {
      // A programming error: every leaf must come from a builder in leaves.ts.
      throw new Error(`config field ${keys.join('.')} has no kind/description metadata`);
    }
    out.push({
      path: keys.join('.'),
      keys,
      env: envNameFor(keys),
      kind: meta.kind,
      secret: meta.secret === true,
      description: meta.description,
      default: defOf(schema).defaultValue,
      values: meta.values,
      schema,
    });
  }
}

function buildFields(): ConfigField[] {
  const out: ConfigField[] = [];
  walk(configSchema.shape as unknown as Record<string, z.ZodType>, [], out);
  return out;
}

/** Every leaf field of the schema, in schema order. */
export const CONFIG_FIELDS: readonly ConfigField[] = buildFields();

/** Every schema env var name (meta vars excluded), in schema order. */
export const ENV_NAMES: readonly string[] = CONFIG_FIELDS.map((f) => f.env);

const byPath = new Map(CONFIG_FIELDS.map((f) => [f.path, f]));
const byEnv = new Map(CONFIG_FIELDS.map((f) => [f.env, f]));

export function fieldByPath(path: string): ConfigField | undefined {
  return byPath.get(path);
}

export function fieldByEnv(env: string): ConfigField | undefined {
  return byEnv.get(env);
}

/** True for every env var the loader understands (schema fields and meta vars). */
export function isKnownEnvName(name: string): boolean {
  return byEnv.has(name) || name === META_ENV.config || name === META_ENV.configFile;
}

/** Top-level config keys (sections and top-level leaves). */
export const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(Object.keys(configSchema.shape));
