/**
 * Version-neutral description of a simulated cluster. Renderers turn it into the JSON of one slurmrestd API
 * version; `clusterTruth` derives the aggregates an exporter should report. Units follow Slurm's own (MiB,
 * minutes for limits, unix seconds, microseconds for diag times) so renderers stay simple.
 */

/** `Infinity` = UNLIMITED, `null` = not set (NO_VAL). */
export type Limit = number | null;

export interface SimGpu {
  /** GRES type, e.g. `a100`; `''` for untyped `gpu:4`. */
  type: string;
  count: number;
  /** Socket binding suffix as Slurm prints it, e.g. `(S:0-1)`; `''` when none. */
  socketSuffix: string;
}

export interface SimNode {
  name: string;
  address: string;
  /** Base state: IDLE, ALLOCATED, MIXED, DOWN. */
  state: string;
  flags: string[];
  reason: string;
  reasonSetByUser: string;
  reasonChangedAt: number;
  partitions: string[];
  features: string[];
  arch: string;
  os: string;
  slurmdVersion: string;
  boards: number;
  sockets: number;
  coresPerSocket: number;
  threads: number;
  cpus: number;
  allocCpus: number;
  /** Load × 100 as Slurm reports it; null when the node does not answer. */
  cpuLoad: number | null;
  realMemoryMiB: number;
  allocMemoryMiB: number;
  freeMemoryMiB: number | null;
  tmpDiskMiB: number;
  gpu: SimGpu | null;
  allocGpus: number;
  weight: number;
  bootTime: number;
  lastBusy: number;
  slurmdStartTime: number;
  reservation: string;
  port: number;
}

/** The part of a running job that sits on one node. */
export interface SimAllocation {
  node: string;
  cpus: number;
  gpus: number;
  memoryMiB: number;
  /** First core index (across sockets) given to the job on that node. */
  firstCore: number;
  cores: number;
}

export interface SimJob {
  jobId: number;
  /** Array parent id (0 when not an array job, like Slurm). */
  arrayJobId: number;
  /** null for a non-array job or for the pending meta record of an array. */
  arrayTaskId: number | null;
  /** `5-100%10` for a pending array meta record, else ''. */
  arrayTaskString: string;
  name: string;
  state: string;
  flags: string[];
  /** state_reason: None, Resources, Priority, ... */
  reason: string;
  description: string;
  /** Usually one; pending jobs may name several. */
  partitions: string[];
  user: string;
  userId: number;
  group: string;
  groupId: number;
  account: string;
  qos: string;
  cpus: number;
  nodeCount: number;
  tasks: number;
  cpusPerTask: number;
  memoryPerCpuMiB: number | null;
  memoryPerNodeMiB: number | null;
  gpus: number;
  gpuType: string;
  licenses: string;
  /** Running/finished jobs: where they run(ran). */
  allocations: SimAllocation[];
  priority: number;
  submitTime: number;
  eligibleTime: number;
  startTime: number;
  endTime: number;
  /** Minutes; Infinity = UNLIMITED. */
  timeLimitMin: number;
  exitCode: number;
  signal: number;
  command: string;
  workDir: string;
  stdout: string;
  stderr: string;
  dependency: string;
  reservation: string;
  associationId: number;
}

export interface SimPartition {
  name: string;
  state: string;
  nodes: string[];
  isDefault: boolean;
  maxTimeMin: Limit;
  defaultTimeMin: Limit;
  maxNodes: Limit;
  minNodes: number;
  priorityTier: number;
  priorityJobFactor: number;
  qos: string;
  allowAccounts: string;
  allowQos: string;
  totalCpus: number;
  totalMemoryMiB: number;
  totalGpus: number;
}

export interface SimReservation {
  name: string;
  nodes: string[];
  coreCount: number;
  partition: string;
  users: string;
  accounts: string;
  flags: string[];
  startTime: number;
  endTime: number;
}

export interface SimLicense {
  name: string;
  total: number;
  used: number;
  reserved: number;
  remote: boolean;
  lastUpdate: number;
}

export interface SimController {
  hostname: string;
  /** primary, backup1, ... */
  mode: string;
  responding: boolean;
  latencyUs: number;
}

export interface SimRpcStat {
  typeId: number;
  messageType: string;
  count: number;
  totalTimeUs: number;
}

export interface SimRpcUserStat {
  userId: number;
  user: string;
  count: number;
  totalTimeUs: number;
}

/** sdiag numbers (microseconds for times). */
export interface SimDiag {
  reqTime: number;
  reqTimeStart: number;
  counters: Record<string, number>;
  bfActive: boolean;
  bfWhenLastCycle: number;
  jobStatesTs: number;
  rpcsByMessageType: SimRpcStat[];
  rpcsByUser: SimRpcUserStat[];
}

export interface SimShare {
  id: number;
  /** Account name for an association row, user name for a user row. */
  name: string;
  parent: string;
  partition: string;
  type: 'USER' | 'ASSOCIATION';
  rawShares: number;
  normalizedShares: number;
  rawUsage: number;
  normalizedUsage: number;
  effectiveUsage: number;
  fairshareFactor: number;
  fairshareLevel: number;
}

export interface SimAccount {
  name: string;
  description: string;
  organization: string;
  parent: string;
  coordinators: string[];
}

export interface SimUser {
  name: string;
  uid: number;
  group: string;
  gid: number;
  defaultAccount: string;
  adminLevel: string;
  accounts: string[];
}

export interface SimAssociation {
  id: number;
  account: string;
  /** '' for an account-level association. */
  user: string;
  parentAccount: string;
  partition: string;
  qos: string[];
  defaultQos: string;
  sharesRaw: number;
  maxJobs: Limit;
  maxSubmitJobs: Limit;
  maxWallMin: Limit;
  grpJobs: Limit;
  /** TRES limit per job, e.g. { cpu: 512, 'gres/gpu': 8 }. */
  maxTresPerJob: Record<string, number>;
  grpTres: Record<string, number>;
}

export interface SimQos {
  id: number;
  name: string;
  description: string;
  priority: number;
  usageFactor: number;
  preemptMode: string[];
  flags: string[];
  maxJobsPerUser: Limit;
  maxSubmitJobsPerUser: Limit;
  maxWallMin: Limit;
  grpJobs: Limit;
  maxTresPerUser: Record<string, number>;
  maxTresPerJob: Record<string, number>;
}

export interface SimTres {
  id: number;
  type: string;
  name: string;
  count: number;
}

export interface SimCluster {
  name: string;
  now: number;
  seed: number;
  controllerHost: string;
  controllerPort: number;
  nodes: SimNode[];
  jobs: SimJob[];
  partitions: SimPartition[];
  reservations: SimReservation[];
  licenses: SimLicense[];
  controllers: SimController[];
  diag: SimDiag;
  shares: SimShare[];
  accounts: SimAccount[];
  users: SimUser[];
  associations: SimAssociation[];
  qos: SimQos[];
  tres: SimTres[];
  lastBackfill: number;
  /** v0.0.41+ `job_resources` core lists: every core of each node (default) or only the allocated ones. */
  jobResourceCores?: 'all' | 'allocated';
}

export interface GenerateOptions {
  seed: number;
  nodes: number;
  jobs: number;
  partitions?: number;
  users?: number;
  accounts?: number;
  /** Fraction of nodes with GPUs (0..1), default 0.2. */
  gpuFraction?: number;
  name?: string;
  /** Unix seconds used as "now"; default a fixed instant so output is reproducible. */
  now?: number;
  /** Many more hostile job names (quotes, backslashes, newlines, unicode, very long). */
  adversarial?: boolean;
  /**
   * v0.0.41+ `job_resources.nodes.allocation[].sockets[].cores[]`: `all` (default) lists every core of every
   * node (~7 KB per job), `allocated` only the job's own cores (~2 KB per job, near the ~190 MB per 100k jobs
   * measured on a real cluster). The benchmark uses `allocated`; collectors never read these lists.
   */
  jobResourceCores?: 'all' | 'allocated';
}
