/**
 * The one internal model every API version is adapted into. Collectors only ever see these types, so a new
 * Slurm release means a new adapter, never a collector change.
 *
 * Conventions (all adapters must follow them):
 * - Units are base units: memory in bytes, times as unix seconds, durations in seconds, cpu load as a load
 *   average (Slurm's `cpu_load` / 100).
 * - `null` means "not set / not reported" (Slurm NO_VAL, `{set:false}`), `Infinity` means UNLIMITED
 *   (`{infinite:true}` or the INFINITE sentinel). 0 means a real zero.
 * - States are open strings, upper case as Slurm spells them: `state` is the base state, `flags` the rest
 *   (v0.0.36 reports only a lower-case base state: adapters upper-case it and add no flags).
 * - Strings that Slurm leaves empty are `''`, lists are `[]`.
 */
import * as z from 'zod';

/** slurmrestd API versions the exporter understands, oldest first. */
export const API_VERSIONS = [
  'v0.0.36',
  'v0.0.37',
  'v0.0.38',
  'v0.0.39',
  'v0.0.40',
  'v0.0.41',
  'v0.0.42',
  'v0.0.43',
  'v0.0.44',
  'v0.0.45',
] as const;
export const apiVersionSchema = z.enum(API_VERSIONS);
export type ApiVersion = z.infer<typeof apiVersionSchema>;

/** Slurm's job base states (anything else in `job_state` is a flag). Open set: unknown values still parse. */
export const JOB_BASE_STATE_LIST = [
  'PENDING',
  'RUNNING',
  'SUSPENDED',
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
] as const;

const num = z.number();
/** A number or +Infinity (UNLIMITED): zod 4's z.number() rejects non-finite values. */
const numOrUnlimited = z.union([z.number(), z.literal(Number.POSITIVE_INFINITY)]);
const optNum = numOrUnlimited.nullable();

/** Who answered: from the response `meta` (or the version that was requested). */
export const slurmMetaSchema = z.object({
  apiVersion: apiVersionSchema,
  /** `meta.slurm.cluster` when the version reports it (v0.0.39+), else null. */
  cluster: z.string().nullable(),
  /** e.g. `22.05.8`, `25.11.0`; null when unknown. */
  release: z.string().nullable(),
  /** e.g. `data_parser/v0.0.44`, `openapi/v0.0.38`. */
  dataParser: z.string().nullable(),
});
export type SlurmMeta = z.infer<typeof slurmMetaSchema>;

/** Generic resources of one type on a node, e.g. GPUs of type `h100`. */
export const gresCountSchema = z.object({
  /** GRES name, e.g. `gpu`. */
  name: z.string(),
  /** GRES type, e.g. `h100`; `''` when untyped. */
  type: z.string(),
  total: num,
  allocated: num,
});
export type GresCount = z.infer<typeof gresCountSchema>;

export const nodeSchema = z.object({
  name: z.string(),
  hostname: z.string(),
  address: z.string(),
  /** Base state: IDLE, ALLOCATED, MIXED, DOWN, ERROR, FUTURE, UNKNOWN, ... (open set). */
  state: z.string(),
  /** State flags: DRAIN, NOT_RESPONDING, COMPLETING, MAINTENANCE, RESERVED, POWERED_DOWN, ... (open set). */
  flags: z.array(z.string()),
  reason: z.string(),
  reasonChangedAt: optNum,
  partitions: z.array(z.string()),
  features: z.array(z.string()),
  arch: z.string(),
  os: z.string(),
  slurmdVersion: z.string(),
  cpus: num,
  /** CPUs allocated to jobs; null when the version does not report it (v0.0.36). */
  allocCpus: optNum,
  /** Load average (Slurm's cpu_load / 100); null when unknown. */
  cpuLoad: optNum,
  realMemoryBytes: num,
  allocMemoryBytes: optNum,
  freeMemoryBytes: optNum,
  /** Parsed from gres / gres_used; GPUs are entries with name `gpu`. */
  gres: z.array(gresCountSchema),
  weight: optNum,
  bootTime: optNum,
  lastBusy: optNum,
  reservation: z.string(),
});
export type SlurmNode = z.infer<typeof nodeSchema>;

export const jobSchema = z.object({
  /** Job id as Slurm prints it in squeue: `123`, or `100_7` for an array task. */
  id: z.string(),
  jobId: num,
  arrayJobId: optNum,
  arrayTaskId: optNum,
  name: z.string(),
  /** Base state: PENDING, RUNNING, SUSPENDED, COMPLETED, CANCELLED, FAILED, TIMEOUT, ... (open set). */
  state: z.string(),
  /** State flags that follow the base state (COMPLETING, REQUEUED, ...). */
  flags: z.array(z.string()),
  /** `state_reason`: None, Resources, Priority, Dependency, JobHeldUser, ... */
  reason: z.string(),
  /** A pending job may name several partitions (`debug,batch`): each is listed. */
  partitions: z.array(z.string()),
  /** User name, never a numeric uid (when only the uid is known: `uid:<n>`). */
  user: z.string(),
  userId: optNum,
  group: z.string(),
  account: z.string(),
  qos: z.string(),
  /** CPUs allocated (running) or requested (pending). */
  cpus: num,
  nodeCount: num,
  /** Memory allocated (running) or requested (pending), in bytes; null when unknown. */
  memoryBytes: optNum,
  /** GPUs allocated (running) or requested (pending). */
  gpus: num,
  nodes: z.string(),
  priority: optNum,
  submitTime: optNum,
  eligibleTime: optNum,
  startTime: optNum,
  endTime: optNum,
  /** Time limit in seconds; Infinity for UNLIMITED; null when not set. */
  timeLimitSeconds: optNum,
  exitCode: optNum,
});
export type SlurmJob = z.infer<typeof jobSchema>;
/** A field of SlurmJob: what a `/jobs` reader declares it reads (DataSource.fetch `jobFields`). */
export type JobField = keyof SlurmJob;

export const partitionSchema = z.object({
  name: z.string(),
  /** UP, DOWN, DRAIN, INACTIVE (open set). */
  state: z.string(),
  /** Configured node hostlist expression, e.g. `n[1-4]`. Membership is taken from nodes' `partitions`. */
  nodeList: z.string(),
  totalNodes: num,
  totalCpus: num,
  isDefault: z.boolean(),
  /** Seconds; Infinity = UNLIMITED; null = not set. */
  maxTimeSeconds: optNum,
  defaultTimeSeconds: optNum,
  maxNodes: optNum,
  minNodes: optNum,
  priorityTier: optNum,
  priorityJobFactor: optNum,
  qos: z.string(),
  allowAccounts: z.string(),
  allowQos: z.string(),
});
export type SlurmPartition = z.infer<typeof partitionSchema>;

export const rpcStatSchema = z.object({
  /** Message type (e.g. REQUEST_PARTITION_INFO) or user name. */
  key: z.string(),
  count: num,
  /** Total time in microseconds. */
  totalTimeUs: num,
  averageTimeUs: optNum,
});
export type RpcStat = z.infer<typeof rpcStatSchema>;

/** `sdiag` statistics. Counters since the last reset (midnight or `sdiag -r`). Times in microseconds. */
export const diagSchema = z.object({
  reqTime: optNum,
  reqTimeStart: optNum,
  serverThreadCount: optNum,
  agentQueueSize: optNum,
  agentCount: optNum,
  agentThreadCount: optNum,
  dbdAgentQueueSize: optNum,
  scheduleCycleMax: optNum,
  scheduleCycleLast: optNum,
  scheduleCycleTotal: optNum,
  scheduleCycleMean: optNum,
  scheduleCycleMeanDepth: optNum,
  scheduleCyclePerMinute: optNum,
  scheduleQueueLength: optNum,
  jobsSubmitted: optNum,
  jobsStarted: optNum,
  jobsCompleted: optNum,
  jobsCanceled: optNum,
  jobsFailed: optNum,
  jobsPending: optNum,
  jobsRunning: optNum,
  bfBackfilledJobs: optNum,
  bfLastBackfilledJobs: optNum,
  bfBackfilledHetJobs: optNum,
  bfCycleCounter: optNum,
  bfCycleMean: optNum,
  bfCycleLast: optNum,
  bfCycleMax: optNum,
  bfLastDepth: optNum,
  bfLastDepthTry: optNum,
  bfDepthMean: optNum,
  bfDepthMeanTry: optNum,
  bfQueueLen: optNum,
  bfQueueLenMean: optNum,
  bfTableSize: optNum,
  bfTableSizeMean: optNum,
  bfWhenLastCycle: optNum,
  bfActive: z.boolean().nullable(),
  rpcsByMessageType: z.array(rpcStatSchema),
  rpcsByUser: z.array(rpcStatSchema),
});
export type SlurmDiag = z.infer<typeof diagSchema>;

export const reservationSchema = z.object({
  name: z.string(),
  nodeList: z.string(),
  nodeCount: num,
  coreCount: optNum,
  partition: z.string(),
  users: z.string(),
  accounts: z.string(),
  flags: z.array(z.string()),
  startTime: optNum,
  endTime: optNum,
});
export type SlurmReservation = z.infer<typeof reservationSchema>;

export const licenseSchema = z.object({
  name: z.string(),
  total: num,
  used: num,
  free: num,
  reserved: num,
  remote: z.boolean(),
});
export type SlurmLicense = z.infer<typeof licenseSchema>;

/** One slurmctld answering `ping` (primary, backup1, ...). */
export const controllerSchema = z.object({
  hostname: z.string(),
  /** `primary`, `backup1`, ... */
  mode: z.string(),
  responding: z.boolean(),
  /** Ping latency in seconds; null when not reported (v0.0.36–38). */
  latencySeconds: optNum,
});
export type SlurmController = z.infer<typeof controllerSchema>;

/** One row of `sshare` (an association in the fairshare tree). */
export const shareSchema = z.object({
  /** Account name (the association's account, or the account node itself). */
  account: z.string(),
  /** User name; '' for an account row. */
  user: z.string(),
  partition: z.string(),
  parent: z.string(),
  rawShares: optNum,
  normalizedShares: optNum,
  rawUsage: optNum,
  effectiveUsage: optNum,
  fairshareFactor: optNum,
  fairshareLevel: optNum,
});
export type SlurmShare = z.infer<typeof shareSchema>;

export const accountSchema = z.object({
  name: z.string(),
  description: z.string(),
  organization: z.string(),
  coordinators: z.array(z.string()),
  flags: z.array(z.string()),
});
export type SlurmAccount = z.infer<typeof accountSchema>;

export const userSchema = z.object({
  name: z.string(),
  defaultAccount: z.string(),
  /** None, Operator, Administrator (open set). */
  adminLevel: z.string(),
  accounts: z.array(z.string()),
});
export type SlurmUser = z.infer<typeof userSchema>;

/** TRES limits keyed by TRES name (`cpu`, `mem`, `node`, `gres/gpu`, ...); memory in bytes. */
export const tresMapSchema = z.record(z.string(), numOrUnlimited);
export type TresMap = z.infer<typeof tresMapSchema>;

export const associationSchema = z.object({
  cluster: z.string(),
  account: z.string(),
  /** '' for an account-level association. */
  user: z.string(),
  partition: z.string(),
  parentAccount: z.string(),
  qos: z.array(z.string()),
  defaultQos: z.string(),
  sharesRaw: optNum,
  priority: optNum,
  maxJobs: optNum,
  maxSubmitJobs: optNum,
  maxWallSecondsPerJob: optNum,
  grpJobs: optNum,
  grpSubmitJobs: optNum,
  grpWallSeconds: optNum,
  maxTresPerJob: tresMapSchema,
  grpTres: tresMapSchema,
});
export type SlurmAssociation = z.infer<typeof associationSchema>;

export const qosSchema = z.object({
  name: z.string(),
  description: z.string(),
  priority: optNum,
  usageFactor: optNum,
  usageThreshold: optNum,
  preemptMode: z.array(z.string()),
  flags: z.array(z.string()),
  maxJobsPerUser: optNum,
  maxJobsPerAccount: optNum,
  maxSubmitJobsPerUser: optNum,
  maxSubmitJobsPerAccount: optNum,
  grpJobs: optNum,
  grpSubmitJobs: optNum,
  maxWallSecondsPerJob: optNum,
  grpWallSeconds: optNum,
  maxTresPerJob: tresMapSchema,
  maxTresPerUser: tresMapSchema,
  maxTresPerAccount: tresMapSchema,
  grpTres: tresMapSchema,
  minTresPerJob: tresMapSchema,
});
export type SlurmQos = z.infer<typeof qosSchema>;

export const tresSchema = z.object({
  id: num,
  type: z.string(),
  name: z.string(),
  /** Configured count (cluster-wide), null when slurmdbd does not report it. */
  count: optNum,
});
export type SlurmTres = z.infer<typeof tresSchema>;

export const clusterSchema = z.object({
  name: z.string(),
  controllerHost: z.string(),
  controllerPort: optNum,
  rpcVersion: optNum,
  nodes: z.string(),
  selectPlugin: z.string(),
  flags: z.array(z.string()),
  tres: tresMapSchema,
});
export type SlurmCluster = z.infer<typeof clusterSchema>;

/**
 * Endpoints the exporter reads. `slurmdb_*` are served by slurmdbd and may be absent.
 * Values are the path suffix after `/slurm/vX/` or `/slurmdb/vX/`.
 */
export const ENDPOINTS = {
  ping: { api: 'slurm', path: 'ping' },
  diag: { api: 'slurm', path: 'diag' },
  nodes: { api: 'slurm', path: 'nodes' },
  jobs: { api: 'slurm', path: 'jobs' },
  partitions: { api: 'slurm', path: 'partitions' },
  reservations: { api: 'slurm', path: 'reservations' },
  licenses: { api: 'slurm', path: 'licenses' },
  shares: { api: 'slurm', path: 'shares' },
  accounts: { api: 'slurmdb', path: 'accounts' },
  users: { api: 'slurmdb', path: 'users' },
  associations: { api: 'slurmdb', path: 'associations' },
  qos: { api: 'slurmdb', path: 'qos' },
  tres: { api: 'slurmdb', path: 'tres' },
  clusters: { api: 'slurmdb', path: 'clusters' },
} as const;
export type EndpointName = keyof typeof ENDPOINTS;

/** What each endpoint yields once adapted. `jobs` and `nodes` are also available as streams. */
export interface EndpointData {
  ping: SlurmController[];
  diag: SlurmDiag;
  nodes: SlurmNode[];
  jobs: SlurmJob[];
  partitions: SlurmPartition[];
  reservations: SlurmReservation[];
  licenses: SlurmLicense[];
  shares: SlurmShare[];
  accounts: SlurmAccount[];
  users: SlurmUser[];
  associations: SlurmAssociation[];
  qos: SlurmQos[];
  tres: SlurmTres[];
  clusters: SlurmCluster[];
}
