/**
 * Entry points of the renderers: `renderBody` (whole body as a string, for small clusters and tests) and
 * `renderStream` (Buffer chunks, list elements serialised one by one so 100 000 jobs never become one string).
 */
import { API_VERSIONS, type ApiVersion, ENDPOINTS, type EndpointName } from '../slurm/model.js';
import { RELEASE_OF, type RenderedDoc, releaseString } from './render-common.js';
import { renderDpSlurm } from './render-dp.js';
import { renderDpDb } from './render-dp-db.js';
import { renderV38 } from './render-v38.js';
import type { SimCluster } from './types.js';

/** Versions the simulator can render: v0.0.38 (22.05 legacy shape) and every data_parser version. */
export type SimVersion = Exclude<ApiVersion, 'v0.0.36' | 'v0.0.37'>;
export const SIM_VERSIONS = API_VERSIONS.filter((v): v is SimVersion => v >= 'v0.0.38');

export function isSimVersion(v: string): v is SimVersion {
  return (SIM_VERSIONS as readonly string[]).includes(v);
}

/** Builds the document for an endpoint, or null when that version does not serve it (e.g. shares in v0.0.38). */
export function renderDoc(
  cluster: SimCluster,
  version: ApiVersion,
  endpoint: EndpointName,
): RenderedDoc | null {
  if (!isSimVersion(version)) return null;
  const db = ENDPOINTS[endpoint].api === 'slurmdb';
  if (version === 'v0.0.38') return renderV38(cluster, endpoint, db);
  const doc = db ? renderDpDb(cluster, version, endpoint) : renderDpSlurm(cluster, version, endpoint);
  if (version === 'v0.0.39') return doc && endpoint !== 'shares' ? asV39(doc, db) : null;
  return doc;
}

/**
 * v0.0.39 (Slurm 23.02, first data_parser): items as in v0.0.40, but the 23.02 envelope — `meta` first with
 * `plugin.data_parser: "v0.0.39"` and `Slurm` (capital S, integer version parts), only the list as payload, and
 * slurmdb `tres` in lower case.
 */
function asV39(r: RenderedDoc, db: boolean): RenderedDoc {
  const [major, minor, micro] = RELEASE_OF['v0.0.39'];
  const meta = {
    plugin: {
      type: db ? 'openapi/dbv0.0.39' : 'openapi/v0.0.39',
      name: db ? 'Slurm OpenAPI DB v0.0.39' : 'Slurm OpenAPI v0.0.39',
      data_parser: 'v0.0.39',
    },
    client: { source: '[127.0.0.1]:40000' },
    Slurm: { version: { major, micro, minor }, release: releaseString('v0.0.39') },
  };
  const head = { meta, errors: [], warnings: [] };
  if (!r.listPath) return { ...r, doc: { ...head, statistics: r.doc.statistics } };
  const key = r.listPath[0] === 'TRES' ? 'tres' : (r.listPath[0] ?? '');
  return { doc: { ...head, [key]: [] }, listPath: [key], items: r.items };
}

function requireDoc(cluster: SimCluster, version: ApiVersion, endpoint: EndpointName): RenderedDoc {
  const doc = renderDoc(cluster, version, endpoint);
  if (!doc) throw new Error(`sim: ${version} does not serve endpoint "${endpoint}"`);
  return doc;
}

function setPath(
  doc: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return doc;
  const inner = doc[head];
  return {
    ...doc,
    [head]: rest.length === 0 ? value : setPath((inner ?? {}) as Record<string, unknown>, rest, value),
  };
}

/** The whole JSON body of `GET /<api>/<version>/<endpoint>` as slurmrestd would send it. */
export function renderBody(cluster: SimCluster, version: ApiVersion, endpoint: EndpointName): string {
  const r = requireDoc(cluster, version, endpoint);
  const doc = r.listPath ? setPath(r.doc, r.listPath, [...r.items()]) : r.doc;
  return JSON.stringify(doc);
}

/** Marker placed where the streamed list goes; JSON.stringify escapes NUL, so it cannot clash with data. */
const HOLE = '\u0000sim-list\u0000';
const CHUNK_BYTES = 64 * 1024;

/**
 * Streams the same bytes as `renderBody`: the document around the list is stringified once with a marker,
 * then elements are stringified one at a time and flushed in ~64 KiB chunks.
 */
export async function* renderStream(
  cluster: SimCluster,
  version: ApiVersion,
  endpoint: EndpointName,
): AsyncGenerator<Buffer> {
  const r = requireDoc(cluster, version, endpoint);
  if (!r.listPath) {
    yield Buffer.from(JSON.stringify(r.doc));
    return;
  }
  const text = JSON.stringify(setPath(r.doc, r.listPath, HOLE));
  const marker = JSON.stringify(HOLE);
  const at = text.indexOf(marker);
  let buf = `${text.slice(0, at)}[`;
  let first = true;
  for (const item of r.items()) {
    buf += first ? JSON.stringify(item) : `,${JSON.stringify(item)}`;
    first = false;
    if (buf.length >= CHUNK_BYTES) {
      yield Buffer.from(buf);
      buf = '';
    }
  }
  buf += `]${text.slice(at + marker.length)}`;
  yield Buffer.from(buf);
}
