/**
 * v0.0.36–v0.0.38 (Slurm 20.11–23.02 `openapi/v0.0.3x` plugins): flat partitions with raw C sentinels,
 * `QOS`/`TRES` list keys. v0.0.36 has no reservations; licenses arrive in v0.0.38; shares never.
 * v0.0.36 partitions have no `state` and spell `min_nodes_per_job`; v0.0.37/38 write `"min nodes per job"`.
 */
import * as z from 'zod';
import type { ApiVersion, SlurmPartition } from '../model.js';
import { minutesToSeconds, unwrapLimit, unwrapNonNegative, unwrapNumber } from '../parse/number.js';
import { buildAdapter, type VersionSpec } from './base.js';
import { list } from './mappers.js';
import { csv, numberLike, text } from './schemas.js';
import type { Adapter } from './types.js';

export const LEGACY_VERSIONS = ['v0.0.36', 'v0.0.37', 'v0.0.38'] as const;
export type LegacyVersion = (typeof LEGACY_VERSIONS)[number];

const partitionRaw = z.looseObject({
  name: z.string(),
  state: text,
  flags: csv,
  nodes: text,
  total_nodes: numberLike,
  total_cpus: numberLike,
  max_time_limit: numberLike,
  default_time_limit: numberLike,
  maximum_nodes_per_job: numberLike,
  min_nodes_per_job: numberLike,
  'min nodes per job': numberLike,
  priority_tier: numberLike,
  priority_job_factor: numberLike,
  qos: text,
  allowed_accounts: text,
  allowed_qos: text,
});

/** Legacy limits print INFINITE as 0xffffffff or, cast to int32, as -1. */
function legacyMinutes(value: unknown): number | null {
  return minutesToSeconds(unwrapLimit(value));
}

export function mapLegacyPartition(input: unknown): SlurmPartition {
  const raw = partitionRaw.parse(input);
  return {
    name: raw.name,
    state: (raw.state ?? '').toUpperCase(),
    nodeList: raw.nodes ?? '',
    totalNodes: unwrapNonNegative(raw.total_nodes) ?? 0,
    totalCpus: unwrapNonNegative(raw.total_cpus) ?? 0,
    isDefault: list(raw.flags).some((f) => f.toUpperCase() === 'DEFAULT'),
    maxTimeSeconds: legacyMinutes(raw.max_time_limit),
    defaultTimeSeconds: legacyMinutes(raw.default_time_limit),
    maxNodes: unwrapLimit(raw.maximum_nodes_per_job),
    minNodes: unwrapNumber(raw['min nodes per job'] ?? raw.min_nodes_per_job),
    priorityTier: unwrapNumber(raw.priority_tier),
    priorityJobFactor: unwrapNumber(raw.priority_job_factor),
    qos: raw.qos ?? '',
    allowAccounts: raw.allowed_accounts ?? '',
    allowQos: raw.allowed_qos ?? '',
  };
}

const MISSING: Record<LegacyVersion, VersionSpec['missing']> = {
  'v0.0.36': ['reservations', 'licenses', 'shares'],
  'v0.0.37': ['licenses', 'shares'],
  'v0.0.38': ['shares'],
};

export function isLegacyVersion(version: ApiVersion): version is LegacyVersion {
  return (LEGACY_VERSIONS as readonly string[]).includes(version);
}

export function createLegacyAdapter(version: LegacyVersion): Adapter {
  return buildAdapter({
    version,
    missing: MISSING[version],
    listKeys: { qos: ['QOS'], tres: ['TRES'] },
    partition: mapLegacyPartition,
  });
}
