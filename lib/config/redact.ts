/**
 * Redaction of secret fields. The secret list comes from the schema metadata (`secret: true`), so a new
 * secret field is redacted without touching this file.
 */
import { REDACTED } from '../observability/logger.js';
import { CONFIG_FIELDS } from './fields.js';
import type { Config } from './schema.js';

/** Config keys of the secret fields, e.g. `slurm.auth.token`. */
export const SECRET_PATHS: readonly string[] = CONFIG_FIELDS.filter((f) => f.secret).map((f) => f.path);

const SECRET_FIELDS = CONFIG_FIELDS.filter((f) => f.secret);

/**
 * A deep copy of `config` with every secret value replaced by `[REDACTED]`; empty values stay empty so the
 * output still shows what is unset. Secret maps (push.headers) keep their keys.
 */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  for (const field of SECRET_FIELDS) {
    let node = copy as unknown as Record<string, unknown>;
    for (const key of field.keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    const last = field.keys[field.keys.length - 1] as string;
    const value = node[last];
    if (typeof value === 'string') {
      if (value !== '') node[last] = REDACTED;
    } else if (value !== null && typeof value === 'object') {
      node[last] = Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
    }
  }
  return copy;
}
