/** The configuration layer: schema, loader, redaction and docs. */

export { renderConfigDocs } from './docs.js';
export { formatGoDuration, parseGoDuration } from './duration.js';
export {
  CONFIG_FIELDS,
  type ConfigField,
  ENV_NAMES,
  ENV_PREFIX,
  fieldByEnv,
  fieldByPath,
  META_ENV,
} from './fields.js';
export {
  type ConfigLoader,
  type ConfigLoaderOptions,
  createConfigLoader,
  type LoadedConfig,
  type LoadOptions,
  loadConfig,
} from './loader.js';
export { redactConfig, SECRET_PATHS } from './redact.js';
export {
  COLLECTOR_NAMES,
  type CollectorName,
  type Config,
  type ConfigInput,
  configSchema,
} from './schema.js';
export { secretsClientConfig } from './secret.js';
export type { SourceName } from './sources.js';
