/**
 * Raw element → model mappers shared by every API version. Field names agree across versions for everything
 * here; where shapes differ (state string vs array, plain vs wrapped numbers, raw wait status vs exit-code
 * object) the mapper decides by shape, so version modules only add what really differs (partitions, paths).
 */
import * as z from 'zod';
import type {
  RpcStat,
  SlurmAccount,
  SlurmAssociation,
  SlurmCluster,
  SlurmController,
  SlurmDiag,
  SlurmJob,
  SlurmLicense,
  SlurmNode,
  SlurmQos,
  SlurmReservation,
  SlurmShare,
  SlurmTres,
  SlurmUser,
  TresMap,
} from '../model.js';
import { nodeGres, parseGres } from '../parse/gres.js';
import { mibToBytes } from '../parse/memory.js';
import { minutesToSeconds, unwrapNonNegative, unwrapNumber, unwrapTime } from '../parse/number.js';
import { JOB_BASE_STATES, NODE_BASE_STATES, splitState } from '../parse/state.js';
import { type JobTres, readJobTres, tresListToMap } from '../parse/tres.js';
import { fastParser, fastPickParser } from './fast-parse.js';
import {
  accountRaw,
  associationRaw,
  clusterRaw,
  diagStatisticsShape,
  jobRaw,
  licenseRaw,
  nodeRaw,
  numberLike,
  pingRaw,
  qosRaw,
  reservationRaw,
  shareRaw,
  tresRaw,
  userRaw,
} from './schemas.js';

type TresListInput = Parameters<typeof tresListToMap>[0];

// Per-element schemas of the large lists skip zod when a compiled check accepts the element (fast-parse.ts):
// zod cost more than the JSON.parse of a job at 100k jobs. Errors are still zod's.
const parseNodeRaw = fastParser(nodeRaw);
const parseJobRaw = fastParser(jobRaw);
const parseShareRaw = fastParser(shareRaw);
const parseAssociationRaw = fastParser(associationRaw);

/** Comma list or array → trimmed non-empty strings. */
export function list(value: string | readonly string[] | null | undefined): string[] {
  // Most values are one plain name (a job's partition): no split/trim/filter arrays for those.
  if (typeof value === 'string' && !value.includes(',') && value.trim() === value)
    return value === '' ? [] : [value];
  const items = typeof value === 'string' ? value.split(',') : (value ?? []);
  return items.map((v) => v.trim()).filter((v) => v !== '');
}

function tresMap(entries: TresListInput): TresMap {
  return tresListToMap(entries, unwrapNumber);
}

/** A positive id, else null (array_job_id 0 means "not an array job"). */
function positiveId(value: unknown): number | null {
  const n = unwrapNumber(value);
  return n !== null && Number.isFinite(n) && n > 0 ? n : null;
}

export function mapNode(input: unknown): SlurmNode {
  const raw = parseNodeRaw(input);
  const { state, flags } = splitState(raw.state, NODE_BASE_STATES, raw.state_flags ?? []);
  const cpuLoad = unwrapNonNegative(raw.cpu_load);
  return {
    name: raw.name,
    hostname: raw.hostname ?? '',
    address: raw.address ?? '',
    state,
    flags,
    reason: raw.reason ?? '',
    reasonChangedAt: unwrapTime(raw.reason_changed_at),
    partitions: list(raw.partitions),
    features: list(raw.features),
    arch: raw.architecture ?? '',
    os: raw.operating_system ?? '',
    slurmdVersion: raw.slurmd_version ?? raw.version ?? '',
    cpus: unwrapNonNegative(raw.cpus) ?? 0,
    allocCpus: unwrapNonNegative(raw.alloc_cpus),
    cpuLoad: cpuLoad === null ? null : cpuLoad / 100,
    realMemoryBytes: mibToBytes(unwrapNonNegative(raw.real_memory)) ?? 0,
    allocMemoryBytes: mibToBytes(unwrapNonNegative(raw.alloc_memory)),
    // v0.0.36–38 `free_memory` (-2 when slurmd never reported), v0.0.39+ `free_mem` (wrapped).
    freeMemoryBytes: mibToBytes(unwrapNonNegative(raw.free_mem ?? raw.free_memory)),
    gres: nodeGres({ gres: raw.gres, gresUsed: raw.gres_used, tres: raw.tres, tresUsed: raw.tres_used }),
    weight: unwrapNumber(raw.weight),
    bootTime: unwrapTime(raw.boot_time),
    lastBusy: unwrapTime(raw.last_busy),
    reservation: raw.reservation ?? '',
  };
}

interface JobIds {
  jobId: number;
  arrayJobId: number | null;
  arrayTaskId: number | null;
  taskString: string;
  hetJobId: number | null;
  hetJobOffset: number | null;
}

/** squeue's id: `123`, `12_1` for an array task, `12_[3-4]` for the pending rest of an array, `20+1` for a het component. */
function jobDisplayId(ids: JobIds): string {
  if (ids.arrayJobId !== null) {
    if (ids.arrayTaskId !== null) return `${ids.arrayJobId}_${ids.arrayTaskId}`;
    if (ids.taskString !== '') return `${ids.arrayJobId}_[${ids.taskString}]`;
  }
  if (ids.hetJobId !== null && ids.hetJobOffset !== null) return `${ids.hetJobId}+${ids.hetJobOffset}`;
  return String(ids.jobId);
}

/** GPUs from `tres_per_node`/`tres_per_job` (`gres/gpu:h100:2`, older `gres:gpu:2`), when TRES strings lack them. */
function gpusFromTresPer(perNode: string, perJob: string, nodeCount: number): number | null {
  const count = (s: string) =>
    s === ''
      ? null
      : parseGres(s.replace(/(^|,)gres[/:]/g, '$1'))
          .filter((g) => g.name === 'gpu')
          .reduce<number | null>((sum, g) => (sum ?? 0) + g.count, null);
  const job = count(perJob);
  if (job !== null) return job;
  const node = count(perNode);
  return node === null ? null : node * Math.max(nodeCount, 1);
}

function exitCode(value: z.infer<typeof jobRaw>['exit_code']): number | null {
  if (value === null || value === undefined) return null;
  // Legacy versions print the raw wait(2) status: the exit code is its second byte (768 → 3). A job killed by a
  // signal (low 7 bits set, e.g. 15) has no exit code — as data_parser versions leave return_code unset.
  if (typeof value === 'number') {
    if (value < 0 || value % 128 !== 0) return null;
    return Math.floor(value / 256) % 256;
  }
  return unwrapNumber(value.return_code);
}

type JobRawKey = keyof typeof jobRaw.shape;

/** The state decides which TRES string is read (alloc when running, req when pending). */
const TRES_KEYS: readonly JobRawKey[] = ['job_state', 'tres_alloc_str', 'tres_req_str'];
const ID_KEYS: readonly JobRawKey[] = [
  'array_job_id',
  'array_task_id',
  'array_task_string',
  'het_job_id',
  'het_job_offset',
];

/**
 * The raw keys mapJob reads for each model field. A reader of a few fields (the aggregating collectors) gets
 * the others at their empty values ('' / null / 0 / []) and the client skips their bytes; a test checks
 * that every mapped field is right with only its keys kept (test/slurm/job-fields.test.ts).
 */
export const JOB_FIELD_KEYS: Record<keyof SlurmJob, readonly JobRawKey[]> = {
  id: ID_KEYS,
  jobId: [],
  arrayJobId: ['array_job_id'],
  arrayTaskId: ['array_job_id', 'array_task_id'],
  name: ['name'],
  state: ['job_state', 'state_flags'],
  flags: ['job_state', 'state_flags'],
  reason: ['state_reason'],
  partitions: ['partition'],
  user: ['user_name', 'user_id'],
  userId: ['user_id'],
  group: ['group_name'],
  account: ['account'],
  qos: ['qos'],
  cpus: ['cpus'],
  nodeCount: ['node_count'],
  memoryBytes: [...TRES_KEYS, 'memory_per_node', 'memory_per_cpu', 'node_count', 'cpus'],
  gpus: [...TRES_KEYS, 'tres_per_node', 'tres_per_job', 'node_count'],
  nodes: ['nodes'],
  priority: ['priority'],
  submitTime: ['submit_time'],
  eligibleTime: ['eligible_time'],
  startTime: ['start_time'],
  endTime: ['end_time'],
  timeLimitSeconds: ['time_limit'],
  exitCode: ['exit_code'],
};

/** Raw keys for the model fields `fields` (job_id always: the schema requires it). */
export function jobRawKeys(fields: readonly (keyof SlurmJob)[]): string[] {
  const keys = new Set<string>(['job_id']);
  for (const f of fields) for (const k of JOB_FIELD_KEYS[f]) keys.add(k);
  return [...keys];
}

/**
 * A job mapper. `parse` checks the raw element; without `wantId` the display id (a string built per job) is
 * left empty.
 */
/** Reused by every job (read at once into the SlurmJob): no object per job for its TRES figures. */
const jobTres: JobTres = { mem: null, gpus: null };

function jobMapperWith(parse: (input: unknown) => z.infer<typeof jobRaw>, wantId: boolean) {
  return (input: unknown): SlurmJob => {
    const raw = parse(input);
    const { state, flags } = splitState(raw.job_state, JOB_BASE_STATES, raw.state_flags ?? []);
    const arrayJobId = positiveId(raw.array_job_id);
    const arrayTaskId = arrayJobId === null ? null : unwrapNonNegative(raw.array_task_id);
    const userId = unwrapNonNegative(raw.user_id);
    const cpus = unwrapNonNegative(raw.cpus) ?? 0;
    const nodeCount = unwrapNonNegative(raw.node_count) ?? 0;
    // Running jobs report what they hold (alloc), pending ones what they asked for (req).
    const alloc = raw.tres_alloc_str ?? '';
    const tres = readJobTres(state === 'PENDING' || alloc === '' ? raw.tres_req_str : alloc, jobTres);
    const perNode = mibToBytes(unwrapNonNegative(raw.memory_per_node));
    const perCpu = mibToBytes(unwrapNonNegative(raw.memory_per_cpu));
    const memoryBytes =
      tres.mem ??
      (perNode !== null && nodeCount > 0
        ? perNode * nodeCount
        : perCpu !== null && cpus > 0
          ? perCpu * cpus
          : null);
    const userName = raw.user_name ?? '';
    return {
      id: wantId
        ? jobDisplayId({
            jobId: raw.job_id,
            arrayJobId,
            arrayTaskId,
            taskString: raw.array_task_string ?? '',
            hetJobId: positiveId(raw.het_job_id),
            hetJobOffset: unwrapNonNegative(raw.het_job_offset),
          })
        : '',
      jobId: raw.job_id,
      arrayJobId,
      arrayTaskId,
      name: raw.name ?? '',
      state,
      flags,
      reason: raw.state_reason ?? '',
      partitions: list(raw.partition),
      user: userName !== '' ? userName : userId !== null ? `uid:${userId}` : '',
      userId,
      group: raw.group_name ?? '',
      account: raw.account ?? '',
      qos: raw.qos ?? '',
      cpus,
      nodeCount,
      memoryBytes,
      gpus: tres.gpus ?? gpusFromTresPer(raw.tres_per_node ?? '', raw.tres_per_job ?? '', nodeCount) ?? 0,
      nodes: raw.nodes ?? '',
      priority: unwrapNumber(raw.priority),
      submitTime: unwrapTime(raw.submit_time),
      eligibleTime: unwrapTime(raw.eligible_time),
      startTime: unwrapTime(raw.start_time),
      endTime: unwrapTime(raw.end_time),
      timeLimitSeconds: minutesToSeconds(raw.time_limit),
      exitCode: exitCode(raw.exit_code),
    };
  };
}

export const mapJob = jobMapperWith(parseJobRaw, true);

const narrowedMappers = new Map<string, (input: unknown) => SlurmJob>();

/**
 * The mapper for jobs read with only `fields`' raw keys kept (jobRawKeys): it checks just those keys and
 * leaves the display id empty unless asked for, so a reader of a few fields pays for those only. Without
 * `fields`, mapJob.
 */
export function jobMapper(fields: readonly (keyof SlurmJob)[] | undefined): (input: unknown) => SlurmJob {
  if (fields === undefined) return mapJob;
  const keys = jobRawKeys(fields).sort();
  const id = `${keys.join(',')}|${fields.includes('id')}`;
  let m = narrowedMappers.get(id);
  if (!m) {
    m = jobMapperWith(fastPickParser(jobRaw, keys), fields.includes('id'));
    narrowedMappers.set(id, m);
  }
  return m;
}

export function mapReservation(input: unknown): SlurmReservation {
  const raw = reservationRaw.parse(input);
  return {
    name: raw.name,
    nodeList: raw.node_list ?? '',
    nodeCount: unwrapNonNegative(raw.node_count) ?? 0,
    coreCount: unwrapNonNegative(raw.core_count),
    partition: raw.partition ?? '',
    users: raw.users ?? '',
    accounts: raw.accounts ?? '',
    flags: list(raw.flags).map((f) => f.toUpperCase()),
    startTime: unwrapTime(raw.start_time),
    endTime: unwrapTime(raw.end_time),
  };
}

export function mapLicense(input: unknown): SlurmLicense {
  const raw = licenseRaw.parse(input);
  const total = unwrapNonNegative(raw.Total) ?? 0;
  const used = unwrapNonNegative(raw.Used) ?? 0;
  return {
    name: raw.LicenseName,
    total,
    used,
    free: unwrapNonNegative(raw.Free) ?? Math.max(total - used, 0),
    reserved: unwrapNonNegative(raw.Reserved) ?? 0,
    remote: raw.Remote ?? false,
  };
}

export function mapPing(input: unknown): SlurmController {
  const raw = pingRaw.parse(input);
  const pinged = raw.pinged ?? raw.ping ?? '';
  const latency = unwrapNonNegative(raw.latency);
  return {
    hostname: raw.hostname ?? '',
    mode: raw.mode ?? '',
    responding: raw.responding ?? pinged.toUpperCase() === 'UP',
    latencySeconds: latency === null ? null : latency / 1e6,
  };
}

export function mapShare(input: unknown): SlurmShare {
  const raw = parseShareRaw(input);
  const isUser = list(raw.type).some((t) => t.toUpperCase() === 'USER');
  return {
    account: (isUser ? raw.parent : raw.name) ?? '',
    user: isUser ? (raw.name ?? '') : '',
    partition: raw.partition ?? '',
    parent: raw.parent ?? '',
    rawShares: unwrapNumber(raw.shares),
    normalizedShares: unwrapNumber(raw.shares_normalized),
    rawUsage: unwrapNumber(raw.usage),
    effectiveUsage: unwrapNumber(raw.effective_usage),
    fairshareFactor: unwrapNumber(raw.fairshare?.factor),
    fairshareLevel: unwrapNumber(raw.fairshare?.level),
  };
}

export function mapAccount(input: unknown): SlurmAccount {
  const raw = accountRaw.parse(input);
  return {
    name: raw.name,
    description: raw.description ?? '',
    organization: raw.organization ?? '',
    coordinators: (raw.coordinators ?? []).map((c) => (typeof c === 'string' ? c : c.name)),
    flags: list(raw.flags),
  };
}

export function mapUser(input: unknown): SlurmUser {
  const raw = userRaw.parse(input);
  const accounts = new Set<string>();
  for (const a of raw.associations ?? []) if (a.account) accounts.add(a.account);
  return {
    name: raw.name,
    defaultAccount: raw.default?.account ?? '',
    // Legacy: a string; v0.0.40+: a one-element array.
    adminLevel: list(raw.administrator_level)[0] ?? '',
    accounts: [...accounts],
  };
}

export function mapAssociation(input: unknown): SlurmAssociation {
  const raw = parseAssociationRaw(input);
  const max = raw.max;
  return {
    cluster: raw.cluster ?? '',
    account: raw.account ?? '',
    user: raw.user ?? '',
    partition: raw.partition ?? '',
    parentAccount: raw.parent_account ?? '',
    qos: list(raw.qos),
    defaultQos: raw.default?.qos ?? '',
    sharesRaw: unwrapNumber(raw.shares_raw),
    priority: unwrapNumber(raw.priority),
    // Slurm's parser table: max/jobs/active = MaxJobs, max/jobs/total = MaxSubmitJobs,
    // max/jobs/per/{count,submitted} = GrpJobs/GrpSubmitJobs, max/per/account/wall_clock = GrpWall.
    maxJobs: unwrapNumber(max?.jobs?.active),
    maxSubmitJobs: unwrapNumber(max?.jobs?.total),
    maxWallSecondsPerJob: minutesToSeconds(max?.jobs?.per?.wall_clock),
    grpJobs: unwrapNumber(max?.jobs?.per?.count),
    grpSubmitJobs: unwrapNumber(max?.jobs?.per?.submitted),
    grpWallSeconds: minutesToSeconds(max?.per?.account?.wall_clock),
    maxTresPerJob: tresMap(max?.tres?.per?.job),
    grpTres: tresMap(max?.tres?.total),
  };
}

export function mapQos(input: unknown): SlurmQos {
  const raw = qosRaw.parse(input);
  const max = raw.limits?.max;
  return {
    name: raw.name,
    description: raw.description ?? '',
    priority: unwrapNumber(raw.priority),
    usageFactor: unwrapNumber(raw.usage_factor),
    usageThreshold: unwrapNumber(raw.usage_threshold),
    preemptMode: list(raw.preempt?.mode).map((m) => m.toUpperCase()),
    flags: list(raw.flags),
    maxJobsPerUser: unwrapNumber(max?.jobs?.active_jobs?.per?.user),
    maxJobsPerAccount: unwrapNumber(max?.jobs?.active_jobs?.per?.account),
    maxSubmitJobsPerUser: unwrapNumber(max?.jobs?.per?.user),
    maxSubmitJobsPerAccount: unwrapNumber(max?.jobs?.per?.account),
    grpJobs: unwrapNumber(max?.active_jobs?.count),
    grpSubmitJobs: unwrapNumber(max?.jobs?.count),
    maxWallSecondsPerJob: minutesToSeconds(max?.wall_clock?.per?.job),
    grpWallSeconds: minutesToSeconds(max?.wall_clock?.per?.qos),
    maxTresPerJob: tresMap(max?.tres?.per?.job),
    maxTresPerUser: tresMap(max?.tres?.per?.user),
    maxTresPerAccount: tresMap(max?.tres?.per?.account),
    grpTres: tresMap(max?.tres?.total),
    minTresPerJob: tresMap(raw.limits?.min?.tres?.per?.job),
  };
}

export function mapTres(input: unknown): SlurmTres {
  const raw = tresRaw.parse(input);
  return {
    id: unwrapNonNegative(raw.id) ?? 0,
    type: raw.type,
    name: raw.name ?? '',
    count: unwrapNonNegative(raw.count),
  };
}

export function mapCluster(input: unknown): SlurmCluster {
  const raw = clusterRaw.parse(input);
  return {
    name: raw.name,
    controllerHost: raw.controller?.host ?? '',
    controllerPort: unwrapNonNegative(raw.controller?.port),
    rpcVersion: unwrapNonNegative(raw.rpc_version),
    nodes: raw.nodes ?? '',
    selectPlugin: raw.select_plugin ?? '',
    flags: list(raw.flags),
    tres: tresMap(raw.tres),
  };
}

/** Model diag field → `statistics` key (same names in every version; absent ones become null). */
const DIAG_FIELDS = {
  reqTime: 'req_time',
  reqTimeStart: 'req_time_start',
  serverThreadCount: 'server_thread_count',
  agentQueueSize: 'agent_queue_size',
  agentCount: 'agent_count',
  agentThreadCount: 'agent_thread_count',
  dbdAgentQueueSize: 'dbd_agent_queue_size',
  scheduleCycleMax: 'schedule_cycle_max',
  scheduleCycleLast: 'schedule_cycle_last',
  scheduleCycleTotal: 'schedule_cycle_total',
  scheduleCycleMean: 'schedule_cycle_mean',
  scheduleCycleMeanDepth: 'schedule_cycle_mean_depth',
  scheduleCyclePerMinute: 'schedule_cycle_per_minute',
  scheduleQueueLength: 'schedule_queue_length',
  jobsSubmitted: 'jobs_submitted',
  jobsStarted: 'jobs_started',
  jobsCompleted: 'jobs_completed',
  jobsCanceled: 'jobs_canceled',
  jobsFailed: 'jobs_failed',
  jobsPending: 'jobs_pending',
  jobsRunning: 'jobs_running',
  bfBackfilledJobs: 'bf_backfilled_jobs',
  bfLastBackfilledJobs: 'bf_last_backfilled_jobs',
  bfBackfilledHetJobs: 'bf_backfilled_het_jobs',
  bfCycleCounter: 'bf_cycle_counter',
  bfCycleMean: 'bf_cycle_mean',
  bfCycleLast: 'bf_cycle_last',
  bfCycleMax: 'bf_cycle_max',
  bfLastDepth: 'bf_last_depth',
  bfLastDepthTry: 'bf_last_depth_try',
  bfDepthMean: 'bf_depth_mean',
  bfDepthMeanTry: 'bf_depth_mean_try',
  bfQueueLen: 'bf_queue_len',
  bfQueueLenMean: 'bf_queue_len_mean',
  bfTableSize: 'bf_table_size',
  bfTableSizeMean: 'bf_table_size_mean',
  bfWhenLastCycle: 'bf_when_last_cycle',
} as const satisfies Partial<Record<keyof SlurmDiag, string>>;

type DiagNumberField = keyof typeof DIAG_FIELDS;

/** One rpcs_by_* row; `average_time` is plain up to v0.0.40 and NUMBER-wrapped from v0.0.41. */
function rpcStat(key: string, r: { count?: unknown; total_time?: unknown; average_time?: unknown }): RpcStat {
  return {
    key,
    count: unwrapNumber(r.count) ?? 0,
    totalTimeUs: unwrapNumber(r.total_time) ?? 0,
    averageTimeUs: unwrapNumber(r.average_time),
  };
}

const diagRaw = z.looseObject({
  statistics: z.looseObject({
    ...diagStatisticsShape,
    ...(Object.fromEntries(Object.values(DIAG_FIELDS).map((k) => [k, numberLike])) as Record<
      (typeof DIAG_FIELDS)[DiagNumberField],
      typeof numberLike
    >),
  }),
});

export function mapDiag(body: unknown): SlurmDiag {
  const stats = diagRaw.parse(body).statistics;
  const numbers = stats as Record<string, unknown>;
  const out = {} as Record<DiagNumberField, number | null>;
  for (const [field, key] of Object.entries(DIAG_FIELDS) as [DiagNumberField, string][]) {
    out[field] = unwrapNumber(numbers[key]);
  }
  return {
    ...out,
    bfActive: stats.bf_active ?? null,
    rpcsByMessageType: (stats.rpcs_by_message_type ?? []).map((r) => rpcStat(r.message_type, r)),
    rpcsByUser: (stats.rpcs_by_user ?? []).map((r) => rpcStat(r.user, r)),
  };
}
