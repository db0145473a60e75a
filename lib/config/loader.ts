/**
 * Loads the configuration from every source, lowest precedence first:
 *   schema defaults → config document (SLURM_EXPORTER_CONFIG_FILE, then SLURM_EXPORTER_CONFIG inline)
 *   → the Secrets Manager secret named by secret_id → SLURM_EXPORTER_* env vars → caller overrides.
 * A loader lives at module scope of a Lambda entry point, so warm invocations reuse its secret cache and
 * its last results: a result is rebuilt only when env, documents, secret content or overrides change.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFile as fsReadFile } from 'node:fs/promises';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type * as z from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { type Logger, REDACTED, silentLogger } from '../observability/logger.js';
import { CONFIG_FIELDS, type ConfigField, ENV_PREFIX, fieldByPath, META_ENV } from './fields.js';
import { redactConfig } from './redact.js';
import { checkRules, type ReadFile, resolveFiles } from './rules.js';
import { type Config, type ConfigInput, configSchema } from './schema.js';
import { createSecretReader, type EnvLike } from './secret.js';
import {
  envLayer,
  flattenNested,
  type Layer,
  parseDocument,
  type SourceName,
  secretLayer,
} from './sources.js';

export interface LoadedConfig {
  /** Deeply frozen: it is shared by every warm invocation that loads the same inputs. */
  config: Config;
  /** Non-fatal findings: unknown env vars / keys (typos), ignored values. Never contain values. */
  warnings: string[];
  /** Sources that contributed, lowest precedence first, e.g. `['defaults', 'environment']`. */
  sources: string[];
  /** Which source set each config key that is not a default. */
  origins: Record<string, SourceName>;
  /** Changes whenever the resulting config changes (incl. secrets); comparable within one process only. */
  fingerprint: string;
}

export interface ConfigLoaderOptions {
  /** The environment to read (`process.env` in the entry points; a plain object in tests). */
  env: EnvLike;
  logger?: Logger;
  /** Reads config documents and *_file fields; defaults to fs.readFile (utf8). */
  readFile?: ReadFile;
  /** Secrets Manager client; by default built from `env` (AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER). */
  secretsClient?: SecretsManagerClient;
}

export interface LoadOptions {
  /** Highest-precedence values: per-cluster schedule input, CLI flags. A nested partial config. */
  overrides?: ConfigInput | Record<string, unknown>;
  /** Re-read the secret (and *_file files) now, e.g. after slurmrestd answered 401. */
  forceSecretRefresh?: boolean;
}

export interface ConfigLoader {
  load(opts?: LoadOptions): Promise<LoadedConfig>;
}

/** Per-process key: the fingerprint covers secrets, so it must not be a plain (guessable) hash. */
const FINGERPRINT_KEY = randomBytes(32);
/** Multi-cluster fan-out alternates between a few override sets; keep a result per set. */
const MAX_CACHED = 16;

interface Merged {
  value: unknown;
  layer: Layer;
}

function display(field: ConfigField, m: Merged | undefined): string {
  if (m === undefined) return 'the default';
  const from = m.layer.source === 'env' ? '' : ` from ${m.layer.label}`;
  if (field.secret || m.layer.source === 'secret') return `${REDACTED}${from}`;
  const v = m.value;
  let text = typeof v === 'string' && v !== '' && !/[\s"]/.test(v) ? v : (JSON.stringify(v) ?? String(v));
  // URL user info (`https://user:pass@host`) is a credential even in a non-secret field.
  text = text.replace(/\/\/[^/@\s]*@/g, `//${REDACTED}@`);
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return text + from;
}

function fieldIssue(field: ConfigField, m: Merged | undefined, error: z.ZodError): ConfigIssue {
  const messages = [...new Set(error.issues.map((i) => i.message))];
  return { path: field.path, env: field.env, message: `${messages.join('; ')} (got ${display(field, m)})` };
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** Cached results are shared across invocations: freeze them so no caller can change another's view. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value the highest layer gives a field, parsed; the field default when unset or invalid. */
function resolveEarly(path: string, layers: Layer[]): unknown {
  const field = fieldByPath(path) as ConfigField;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as Layer;
    if (!layer.values.has(path)) continue;
    const r = field.schema.safeParse(layer.values.get(path));
    return r.success ? r.data : field.schema.parse(undefined);
  }
  return field.schema.parse(undefined);
}

/**
 * Creates a loader. Reads nothing until `load()`.
 *
 * @example
 * const loader = createConfigLoader({ env: process.env });
 * const { config, warnings } = await loader.load({ overrides: overridesFromEvent(event) });
 */
export function createConfigLoader(options: ConfigLoaderOptions): ConfigLoader {
  const logger = options.logger ?? silentLogger;
  const readFile: ReadFile = options.readFile ?? ((p) => fsReadFile(p, 'utf8'));
  const secrets = createSecretReader({
    env: options.env,
    ...(options.secretsClient === undefined ? {} : { client: options.secretsClient }),
  });
  const cache = new Map<string, LoadedConfig>();

  async function readDocuments(
    env: EnvLike,
    warnings: string[],
  ): Promise<{ layers: Layer[]; texts: string[] }> {
    const layers: Layer[] = [];
    const texts: string[] = [];
    const file = env[META_ENV.configFile]?.trim();
    if (file) {
      let text: string;
      try {
        text = await readFile(file);
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as Error).name;
        throw new ConfigError(
          [{ env: META_ENV.configFile, path: file, message: `cannot read the config file (${code})` }],
          {
            cause: err,
          },
        );
      }
      const label = `config file ${file}`;
      texts.push(text);
      layers.push({
        source: 'file',
        label,
        values: flattenNested(parseDocument(text, META_ENV.configFile, file), label, warnings),
      });
    }
    const inline = env[META_ENV.config]?.trim();
    if (inline) {
      const label = `inline config ${META_ENV.config}`;
      texts.push(inline);
      const doc = parseDocument(inline, META_ENV.config, 'inline document');
      layers.push({ source: 'inline', label, values: flattenNested(doc, label, warnings) });
    }
    return { layers, texts };
  }

  async function build(
    env: EnvLike,
    layers: Layer[],
    warnings: string[],
  ): Promise<Omit<LoadedConfig, 'fingerprint' | 'warnings'> & { issues: ConfigIssue[] }> {
    const merged = new Map<string, Merged>();
    for (const layer of layers) for (const [path, value] of layer.values) merged.set(path, { value, layer });

    const issues: ConfigIssue[] = [];
    const nested: Record<string, unknown> = {};
    for (const field of CONFIG_FIELDS) {
      const m = merged.get(field.path);
      const r = field.schema.safeParse(m?.value);
      if (!r.success) issues.push(fieldIssue(field, m, r.error));
      // An invalid field takes its default so the cross-field rules below still run (all issues at once).
      setPath(nested, field.keys, r.success ? r.data : field.schema.parse(undefined));
    }
    // Parsed once per container: zod's compiled fast path (generated and compiled at the first parse) would
    // cost more than it saves here (~12 vs ~4 ms at cold start).
    const config = configSchema.parse(nested, { jitless: true });
    issues.push(...(await resolveFiles(config, readFile)));
    const rules = checkRules(config, env);
    // A field that failed its own check took its default; a rule complaining about that default would mislead.
    const failed = new Set(issues.map((i) => i.path));
    issues.push(...rules.issues.filter((i) => !failed.has(i.path)));
    warnings.push(...rules.warnings);

    const origins: Record<string, SourceName> = {};
    for (const [path, m] of merged) origins[path] = m.layer.source;
    const sources = ['defaults', ...layers.filter((l) => l.values.size > 0).map((l) => l.label)];
    return { config, sources, origins, issues };
  }

  return {
    async load(opts = {}) {
      // A snapshot: process.env may change between invocations (and in tests).
      const env: EnvLike = { ...options.env };
      const force = opts.forceSecretRefresh === true;
      const warnings: string[] = [];

      const docs = await readDocuments(env, warnings);
      const overrides = opts.overrides ?? {};
      if (!isPlainObject(overrides)) {
        throw new ConfigError([{ env: '-', path: 'overrides', message: 'overrides must be an object' }]);
      }
      const envL = envLayer(env, warnings);
      const overridesL: Layer = {
        source: 'overrides',
        label: 'overrides',
        values: flattenNested(overrides, 'overrides', warnings),
      };

      // secret_id may come from any non-secret source (multi-cluster fan-out passes one per cluster).
      const located = [...docs.layers, envL, overridesL];
      const secretId = resolveEarly('secret_id', located) as string;
      let secretText: string | null = null;
      const layers = [...docs.layers];
      if (secretId !== '') {
        const maxAgeMs = resolveEarly('secret_max_age', located) as number;
        secretText = await secrets.read(secretId, { maxAgeMs, force });
        layers.push(secretLayer(secretText, secretId, warnings));
      }
      layers.push(envL, overridesL);

      const envKeys = Object.keys(env)
        .filter((k) => k.startsWith(ENV_PREFIX) || k === 'AWS_REGION' || k === 'AWS_DEFAULT_REGION')
        .sort();
      const inputKey = createHash('sha256')
        .update(JSON.stringify([envKeys.map((k) => [k, env[k]]), docs.texts, secretText, overrides]))
        .digest('hex');
      const cached = cache.get(inputKey);
      if (cached !== undefined && !force) return cached;

      const built = await build(env, layers, warnings);
      for (const w of warnings) logger.warn(w);
      if (built.issues.length > 0) {
        const err = new ConfigError(built.issues);
        logger.error('invalid configuration', {
          issues: built.issues.map((i) => `${i.env} (${i.path}): ${i.message}`),
        });
        throw err;
      }
      const fingerprint = createHmac('sha256', FINGERPRINT_KEY)
        .update(JSON.stringify(built.config))
        .digest('hex')
        .slice(0, 16);
      const loaded: LoadedConfig = {
        config: deepFreeze(built.config),
        warnings,
        sources: built.sources,
        origins: built.origins,
        fingerprint,
      };
      logger.debug('configuration loaded', {
        sources: loaded.sources,
        fingerprint,
        config: redactConfig(built.config),
      });

      cache.delete(inputKey);
      cache.set(inputKey, loaded);
      if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
      return loaded;
    },
  };
}

/** One-shot load (no cache across calls): `await loadConfig(process.env, overrides)`. */
export async function loadConfig(
  env: EnvLike,
  overrides?: ConfigInput | Record<string, unknown>,
): Promise<LoadedConfig> {
  return createConfigLoader({ env }).load(overrides === undefined ? {} : { overrides });
}
