/**
 * v0.0.39–v0.0.45 (data_parser plugins, Slurm 23.02+): nested partitions with NUMBER wrappers, state arrays.
 * v0.0.39 has no `/shares` and lists slurmdb TRES under `tres`; v0.0.40+ serve `/shares` (rows under
 * `shares.shares`) and list TRES under `TRES`. v0.0.45 adds partition `flags` (DEFAULT); earlier data_parser
 * versions do not say which partition is the default, so isDefault is false there.
 */
import * as z from 'zod';
import { API_VERSIONS, type ApiVersion, type SlurmPartition } from '../model.js';
import { minutesToSeconds, unwrapNonNegative, unwrapNumber } from '../parse/number.js';
import { buildAdapter } from './base.js';
import { list } from './mappers.js';
import { csv, numberLike, stateValue, text } from './schemas.js';
import type { Adapter } from './types.js';

/** v0.0.39 on: the data_parser generation (NUMBER wrappers, state arrays). */
export type DataParserVersion = Exclude<ApiVersion, 'v0.0.36' | 'v0.0.37' | 'v0.0.38'>;
export const DATA_PARSER_VERSIONS = API_VERSIONS.filter((v): v is DataParserVersion => v >= 'v0.0.39');

const PARTITION_STATES: ReadonlySet<string> = new Set(['INACTIVE', 'UNKNOWN', 'UP', 'DOWN', 'DRAIN']);

const partitionRaw = z.looseObject({
  name: z.string(),
  partition: z.looseObject({ state: stateValue }).nullish(),
  flags: csv,
  nodes: z.looseObject({ configured: text, total: numberLike }).nullish(),
  cpus: z.looseObject({ total: numberLike }).nullish(),
  maximums: z.looseObject({ time: numberLike, nodes: numberLike }).nullish(),
  defaults: z.looseObject({ time: numberLike }).nullish(),
  minimums: z.looseObject({ nodes: numberLike }).nullish(),
  priority: z.looseObject({ tier: numberLike, job_factor: numberLike }).nullish(),
  qos: z.looseObject({ assigned: text, allowed: text }).nullish(),
  accounts: z.looseObject({ allowed: text }).nullish(),
});

export function mapDataParserPartition(input: unknown): SlurmPartition {
  const raw = partitionRaw.parse(input);
  const states = list(raw.partition?.state).map((s) => s.toUpperCase());
  return {
    name: raw.name,
    state: states.find((s) => PARTITION_STATES.has(s)) ?? states[0] ?? '',
    nodeList: raw.nodes?.configured ?? '',
    totalNodes: unwrapNonNegative(raw.nodes?.total) ?? 0,
    totalCpus: unwrapNonNegative(raw.cpus?.total) ?? 0,
    isDefault: list(raw.flags).some((f) => f.toUpperCase() === 'DEFAULT'),
    maxTimeSeconds: minutesToSeconds(raw.maximums?.time),
    defaultTimeSeconds: minutesToSeconds(raw.defaults?.time),
    maxNodes: unwrapNumber(raw.maximums?.nodes),
    minNodes: unwrapNumber(raw.minimums?.nodes),
    priorityTier: unwrapNumber(raw.priority?.tier),
    priorityJobFactor: unwrapNumber(raw.priority?.job_factor),
    qos: raw.qos?.assigned ?? '',
    allowAccounts: raw.accounts?.allowed ?? '',
    allowQos: raw.qos?.allowed ?? '',
  };
}

export function isDataParserVersion(version: ApiVersion): version is DataParserVersion {
  return (DATA_PARSER_VERSIONS as readonly string[]).includes(version);
}

export function createDataParserAdapter(version: DataParserVersion): Adapter {
  const v39 = version === 'v0.0.39';
  return buildAdapter({
    version,
    missing: v39 ? ['shares'] : [],
    listKeys: v39 ? { tres: ['tres'] } : { tres: ['TRES'], shares: ['shares', 'shares'] },
    partition: mapDataParserPartition,
  });
}
