/**
 * API version detection: probe `GET /slurm/vX/ping` from the newest version the exporter knows to the oldest.
 * A 404 means "not served by this slurmrestd" (each Slurm release serves about four versions); the first
 * answer wins. Any other failure (auth rejected, slurmctld down, timeout) stops the probe: going on would only
 * pick an older version for the wrong reason. Probing instead of reading `/openapi/v3` first: the spec is
 * 0.5–2 MB, needs auth on 22.05, and ping answers carry the `meta` we need anyway.
 */
import { SlurmHttpError } from '../errors.js';
import { API_VERSIONS, type ApiVersion, type SlurmMeta } from './model.js';

export type ProbeResult = { served: false } | { served: true; meta: SlurmMeta };

/** Probes one version; throws for anything other than "served" / "not served (404)". */
export type VersionProbe = (version: ApiVersion) => Promise<ProbeResult>;

export interface DetectedVersion {
  version: ApiVersion;
  meta: SlurmMeta;
}

/** Versions newest first. */
export function versionsNewestFirst(versions: readonly ApiVersion[] = API_VERSIONS): ApiVersion[] {
  return [...versions].sort((a, b) => API_VERSIONS.indexOf(b) - API_VERSIONS.indexOf(a));
}

/** Newest served version; throws SlurmHttpError `SLURM_NO_SUPPORTED_VERSION` when none answers. */
export async function detectApiVersion(
  probe: VersionProbe,
  opts: { baseUrl: string; versions?: readonly ApiVersion[] },
): Promise<DetectedVersion> {
  const order = versionsNewestFirst(opts.versions);
  for (const version of order) {
    const r = await probe(version);
    if (r.served) return { version, meta: r.meta };
  }
  throw new SlurmHttpError(
    `no supported slurmrestd API version is served by ${opts.baseUrl}: GET /slurm/{${order.join(',')}}/ping all answered 404 (set the API version explicitly or check the URL)`,
    { endpoint: 'ping', status: 404, code: 'SLURM_NO_SUPPORTED_VERSION', type: 'http' },
  );
}

/** Versions whose `/slurm/vX/` paths appear in an OpenAPI document (for diagnostics and tools). */
export function versionsInOpenApi(doc: unknown): ApiVersion[] {
  const paths = (doc as { paths?: unknown } | null)?.paths;
  if (paths === null || typeof paths !== 'object') return [];
  const found = new Set<ApiVersion>();
  for (const p of Object.keys(paths)) {
    const m = /^\/slurm\/(v0\.0\.\d+)\//.exec(p);
    const v = m?.[1] as ApiVersion | undefined;
    if (v !== undefined && (API_VERSIONS as readonly string[]).includes(v)) found.add(v);
  }
  return versionsNewestFirst([...found]);
}
