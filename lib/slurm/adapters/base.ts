/**
 * Builds an Adapter from the parts that vary between API versions: which endpoints exist, a few list keys and
 * the partition mapper. Everything else is shared (mappers.ts).
 */
import {
  type ApiVersion,
  ENDPOINTS,
  type EndpointName,
  type JobField,
  type SlurmMeta,
  type SlurmPartition,
} from '../model.js';
import {
  jobMapper,
  jobRawKeys,
  mapAccount,
  mapAssociation,
  mapCluster,
  mapDiag,
  mapJob,
  mapLicense,
  mapNode,
  mapPing,
  mapQos,
  mapReservation,
  mapShare,
  mapTres,
  mapUser,
} from './mappers.js';
import { jobRaw, metaRaw, nodeRaw } from './schemas.js';

/**
 * Fields read per element of the big lists: exactly the keys of the schemas mapJob/mapNode parse (they read
 * nothing else), so the client can skip parsing everything else of a 2–7 KB job.
 */
const ITEM_FIELDS: Partial<Record<ListEndpoint, readonly string[]>> = {
  jobs: Object.keys(jobRaw.shape),
  nodes: Object.keys(nodeRaw.shape),
};

import type { Adapter, ItemOf, ListEndpoint } from './types.js';

export interface VersionSpec {
  version: ApiVersion;
  /** Endpoints this version does not serve (path() returns null). */
  missing: readonly EndpointName[];
  /** List keys that differ from the endpoint name (`QOS`, `TRES`, `shares.shares`). */
  listKeys: Partial<Record<ListEndpoint, readonly string[]>>;
  partition(raw: unknown): SlurmPartition;
}

type Mappers = { [E in ListEndpoint]: (raw: unknown) => ItemOf<E> | null };

export function buildAdapter(spec: VersionSpec): Adapter {
  const mappers: Mappers = {
    ping: mapPing,
    nodes: mapNode,
    jobs: mapJob,
    partitions: spec.partition,
    reservations: mapReservation,
    licenses: mapLicense,
    shares: mapShare,
    accounts: mapAccount,
    users: mapUser,
    associations: mapAssociation,
    qos: mapQos,
    tres: mapTres,
    clusters: mapCluster,
  };
  const missing = new Set<EndpointName>(spec.missing);
  return {
    version: spec.version,
    path(endpoint) {
      if (missing.has(endpoint)) return null;
      const { api, path } = ENDPOINTS[endpoint];
      return `/${api}/${spec.version}/${path}`;
    },
    listKey(endpoint) {
      return spec.listKeys[endpoint] ?? [endpoint === 'ping' ? 'pings' : endpoint];
    },
    meta(rest): SlurmMeta {
      const meta = metaRaw.parse(rest ?? {}).meta;
      const plugin = meta?.plugin ?? meta?.plugins;
      const slurm = meta?.slurm ?? meta?.Slurm;
      return {
        apiVersion: spec.version,
        cluster: slurm?.cluster || null,
        release: slurm?.release || null,
        dataParser: plugin?.data_parser || plugin?.type || null,
      };
    },
    item<E extends ListEndpoint>(endpoint: E, raw: unknown): ItemOf<E> | null {
      const mapper = mappers[endpoint] as (raw: unknown) => ItemOf<E> | null;
      return mapper(raw);
    },
    itemMapper<E extends ListEndpoint>(endpoint: E, jobFields?: readonly JobField[]) {
      if (endpoint === 'jobs') return jobMapper(jobFields) as (raw: unknown) => ItemOf<E> | null;
      return mappers[endpoint] as (raw: unknown) => ItemOf<E> | null;
    },
    fields(endpoint, jobFields) {
      if (endpoint === 'jobs' && jobFields !== undefined) return jobRawKeys(jobFields);
      return ITEM_FIELDS[endpoint];
    },
    diag: mapDiag,
  };
}
