/** Version → adapter. Adapters are stateless, so one instance per version is cached. */
import { API_VERSIONS, type ApiVersion } from '../model.js';
import { createDataParserAdapter, isDataParserVersion } from './data-parser.js';
import { createLegacyAdapter, isLegacyVersion } from './legacy.js';
import type { Adapter } from './types.js';

export type { Adapter, ItemOf, ListEndpoint } from './types.js';

const cache = new Map<ApiVersion, Adapter>();

export function getAdapter(version: ApiVersion): Adapter {
  let adapter = cache.get(version);
  if (!adapter) {
    if (isLegacyVersion(version)) adapter = createLegacyAdapter(version);
    else if (isDataParserVersion(version)) adapter = createDataParserAdapter(version);
    else
      throw new RangeError(
        `no slurmrestd adapter for API version ${String(version)}; known: ${API_VERSIONS.join(', ')}`,
      );
    cache.set(version, adapter);
  }
  return adapter;
}
