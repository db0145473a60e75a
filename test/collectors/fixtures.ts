/** Factories for valid model objects (checked by the model's zod schemas) and small helpers for collector tests. */

import type { Collector, CollectorOptions, MetricFamily } from '../../lib/collectors/types.js';
import {
  accountSchema,
  associationSchema,
  clusterSchema,
  controllerSchema,
  diagSchema,
  type EndpointData,
  jobSchema,
  licenseSchema,
  nodeSchema,
  partitionSchema,
  qosSchema,
  reservationSchema,
  type SlurmAccount,
  type SlurmAssociation,
  type SlurmCluster,
  type SlurmController,
  type SlurmDiag,
  type SlurmJob,
  type SlurmLicense,
  type SlurmMeta,
  type SlurmNode,
  type SlurmPartition,
  type SlurmQos,
  type SlurmReservation,
  type SlurmShare,
  type SlurmTres,
  type SlurmUser,
  shareSchema,
  slurmMetaSchema,
  tresSchema,
  userSchema,
} from '../../lib/slurm/model.js';

export const GiB = 1024 ** 3;

/**
 * Checks the shape with the model's schema and returns the object unchanged. The model stores UNLIMITED as
 * Infinity, which zod 4's z.number() rejects, so the check runs on a copy with Infinity replaced.
 */
function valid<T>(schema: { parse(v: unknown): T }, value: Record<string, unknown>): T {
  const finite = JSON.parse(JSON.stringify(value, (_k, v) => (v === Number.POSITIVE_INFINITY ? 1e300 : v)));
  schema.parse(finite);
  return value as T;
}
export const NOW = 1_700_000_000;

export const meta = (o: Partial<SlurmMeta> = {}): SlurmMeta =>
  valid(slurmMetaSchema, {
    apiVersion: 'v0.0.44',
    cluster: 'lab',
    release: '25.11.0',
    dataParser: 'data_parser/v0.0.44',
    ...o,
  });

export const node = (o: Partial<SlurmNode> = {}): SlurmNode =>
  valid(nodeSchema, {
    name: 'n1',
    hostname: o.name ?? 'n1',
    address: '10.0.0.1',
    state: 'IDLE',
    flags: [],
    reason: '',
    reasonChangedAt: null,
    partitions: ['batch'],
    features: [],
    arch: 'x86_64',
    os: 'Linux',
    slurmdVersion: '25.11.0',
    cpus: 8,
    allocCpus: 0,
    cpuLoad: 0.5,
    realMemoryBytes: 32 * GiB,
    allocMemoryBytes: 0,
    freeMemoryBytes: 30 * GiB,
    gres: [],
    weight: 1,
    bootTime: null,
    lastBusy: null,
    reservation: '',
    ...o,
  });

export const job = (o: Partial<SlurmJob> = {}): SlurmJob =>
  valid(jobSchema, {
    id: String(o.jobId ?? 1),
    jobId: 1,
    arrayJobId: null,
    arrayTaskId: null,
    name: 'job',
    state: 'RUNNING',
    flags: [],
    reason: 'None',
    partitions: ['batch'],
    user: 'alice',
    userId: 1001,
    group: 'users',
    account: 'physics',
    qos: 'normal',
    cpus: 1,
    nodeCount: 1,
    memoryBytes: GiB,
    gpus: 0,
    nodes: 'n1',
    priority: 1,
    submitTime: NOW - 100,
    eligibleTime: NOW - 100,
    startTime: NOW - 50,
    endTime: null,
    timeLimitSeconds: 3600,
    exitCode: null,
    ...o,
  });

export const partition = (o: Partial<SlurmPartition> = {}): SlurmPartition =>
  valid(partitionSchema, {
    name: 'batch',
    state: 'UP',
    nodeList: 'n[1-4]',
    totalNodes: 4,
    totalCpus: 32,
    isDefault: false,
    maxTimeSeconds: Number.POSITIVE_INFINITY,
    defaultTimeSeconds: null,
    maxNodes: Number.POSITIVE_INFINITY,
    minNodes: 0,
    priorityTier: 1,
    priorityJobFactor: 1,
    qos: '',
    allowAccounts: 'ALL',
    allowQos: 'ALL',
    ...o,
  });

export const diag = (o: Partial<SlurmDiag> = {}): SlurmDiag => {
  const base: Record<string, unknown> = {};
  for (const k of Object.keys(diagSchema.shape)) base[k] = null;
  return valid(diagSchema, { ...base, rpcsByMessageType: [], rpcsByUser: [], ...o });
};

export const reservation = (o: Partial<SlurmReservation> = {}): SlurmReservation =>
  valid(reservationSchema, {
    name: 'maint',
    nodeList: 'n[1-2]',
    nodeCount: 2,
    coreCount: 16,
    partition: 'batch',
    users: 'root',
    accounts: '',
    flags: ['MAINT'],
    startTime: NOW - 60,
    endTime: NOW + 600,
    ...o,
  });

export const license = (o: Partial<SlurmLicense> = {}): SlurmLicense =>
  valid(licenseSchema, { name: 'matlab', total: 10, used: 3, free: 7, reserved: 0, remote: false, ...o });

export const controller = (o: Partial<SlurmController> = {}): SlurmController =>
  valid(controllerSchema, {
    hostname: 'ctl1',
    mode: 'primary',
    responding: true,
    latencySeconds: 0.002,
    ...o,
  });

export const share = (o: Partial<SlurmShare> = {}): SlurmShare =>
  valid(shareSchema, {
    account: 'root',
    user: '',
    partition: '',
    parent: '',
    rawShares: 1,
    normalizedShares: 1,
    rawUsage: 0,
    effectiveUsage: 0,
    fairshareFactor: 1,
    fairshareLevel: null,
    ...o,
  });

export const account = (o: Partial<SlurmAccount> = {}): SlurmAccount =>
  valid(accountSchema, {
    name: 'physics',
    description: 'Physics',
    organization: 'uni',
    coordinators: [],
    flags: [],
    ...o,
  });

export const user = (o: Partial<SlurmUser> = {}): SlurmUser =>
  valid(userSchema, {
    name: 'alice',
    defaultAccount: 'physics',
    adminLevel: 'None',
    accounts: ['physics'],
    ...o,
  });

export const association = (o: Partial<SlurmAssociation> = {}): SlurmAssociation =>
  valid(associationSchema, {
    cluster: 'lab',
    account: 'physics',
    user: 'alice',
    partition: '',
    parentAccount: 'root',
    qos: ['normal'],
    defaultQos: 'normal',
    sharesRaw: 1,
    priority: null,
    maxJobs: null,
    maxSubmitJobs: null,
    maxWallSecondsPerJob: null,
    grpJobs: null,
    grpSubmitJobs: null,
    grpWallSeconds: null,
    maxTresPerJob: {},
    grpTres: {},
    ...o,
  });

export const qos = (o: Partial<SlurmQos> = {}): SlurmQos =>
  valid(qosSchema, {
    name: 'normal',
    description: 'Normal QOS',
    priority: 0,
    usageFactor: 1,
    usageThreshold: null,
    preemptMode: ['cluster'],
    flags: [],
    maxJobsPerUser: null,
    maxJobsPerAccount: null,
    maxSubmitJobsPerUser: null,
    maxSubmitJobsPerAccount: null,
    grpJobs: null,
    grpSubmitJobs: null,
    maxWallSecondsPerJob: null,
    grpWallSeconds: null,
    maxTresPerJob: {},
    maxTresPerUser: {},
    maxTresPerAccount: {},
    grpTres: {},
    minTresPerJob: {},
    ...o,
  });

export const tres = (o: Partial<SlurmTres> = {}): SlurmTres =>
  valid(tresSchema, { id: 1, type: 'cpu', name: '', count: 64, ...o });

export const dbCluster = (o: Partial<SlurmCluster> = {}): SlurmCluster =>
  valid(clusterSchema, {
    name: 'lab',
    controllerHost: 'ctl1',
    controllerPort: 6817,
    rpcVersion: 10752,
    nodes: 'n[1-4]',
    selectPlugin: 'select/cons_tres',
    flags: [],
    tres: { cpu: 32 },
    ...o,
  });

export const defaultOptions = (o: Partial<CollectorOptions> = {}): CollectorOptions => ({
  perJob: false,
  maxSeries: 100_000,
  rpcTopUsers: 0,
  ...o,
});

/** Runs one collector directly (no runner): streams `data.jobs` through onJob as the runner does. */
export function collectWith(
  collector: Collector,
  data: Partial<EndpointData>,
  o: { options?: Partial<CollectorOptions>; now?: number; meta?: SlurmMeta } = {},
): { families: MetricFamily[]; dropped: number | undefined } {
  const run = collector.start({
    cluster: 'lab',
    now: o.now ?? NOW,
    meta: o.meta ?? meta(),
    options: defaultOptions(o.options),
  });
  const { jobs, ...rest } = data;
  for (const j of jobs ?? []) run.onJob?.(j);
  const families = run.finish(jobs ? { ...rest, jobs: [] } : rest);
  return { families, dropped: run.dropped?.() };
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when absent. Throws if ambiguous. */
export function sampleValue(
  families: MetricFamily[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const f = families.find((x) => x.name === name);
  const hits = (f?.samples ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${hits.length} samples`);
  return hits[0]?.value;
}

export function family(families: MetricFamily[], name: string): MetricFamily | undefined {
  return families.find((f) => f.name === name);
}

/** A small but complete cluster: every endpoint with data that exercises every metric. */
export function richData(): EndpointData {
  return {
    ping: [
      controller(),
      controller({ hostname: 'ctl2', mode: 'backup1', responding: false, latencySeconds: null }),
    ],
    diag: diag({
      serverThreadCount: 2,
      agentQueueSize: 0,
      agentCount: 0,
      agentThreadCount: 0,
      dbdAgentQueueSize: 0,
      scheduleCycleLast: 100,
      scheduleCycleMax: 200,
      scheduleCycleMean: 150,
      scheduleCycleMeanDepth: 3,
      scheduleCyclePerMinute: 1,
      scheduleCycleTotal: 10,
      scheduleQueueLength: 1,
      jobsSubmitted: 5,
      jobsStarted: 4,
      jobsCompleted: 3,
      jobsCanceled: 1,
      jobsFailed: 0,
      jobsPending: 1,
      jobsRunning: 2,
      bfBackfilledJobs: 1,
      bfLastBackfilledJobs: 1,
      bfBackfilledHetJobs: 0,
      bfCycleCounter: 7,
      bfCycleMean: 1000,
      bfCycleLast: 900,
      bfCycleMax: 2000,
      bfLastDepth: 2,
      bfLastDepthTry: 1,
      bfDepthMean: 2,
      bfDepthMeanTry: 1,
      bfQueueLen: 1,
      bfQueueLenMean: 1,
      bfTableSize: 1,
      bfTableSizeMean: 1,
      bfWhenLastCycle: NOW - 30,
      reqTime: NOW,
      reqTimeStart: NOW - 3600,
      bfActive: true,
      rpcsByMessageType: [{ key: 'REQUEST_PING', count: 3, totalTimeUs: 30, averageTimeUs: 10 }],
      rpcsByUser: [{ key: 'root', count: 3, totalTimeUs: 30, averageTimeUs: 10 }],
    }),
    nodes: [
      node({
        name: 'n1',
        gres: [{ name: 'gpu', type: 'h100', total: 4, allocated: 2 }],
        state: 'MIXED',
        allocCpus: 4,
      }),
      node({ name: 'n2', flags: ['DRAIN'] }),
      node({ name: 'n3', state: 'DOWN', cpuLoad: null, freeMemoryBytes: null, partitions: ['batch', 'gpu'] }),
    ],
    jobs: [
      job({ jobId: 1 }),
      job({ jobId: 2, state: 'PENDING', partitions: ['batch', 'gpu'], reason: 'Priority', startTime: null }),
      job({ jobId: 3, state: 'COMPLETED', flags: ['COMPLETING'] }),
    ],
    partitions: [
      partition({ isDefault: true }),
      partition({ name: 'gpu', maxTimeSeconds: 3600, defaultTimeSeconds: 600 }),
    ],
    reservations: [reservation()],
    licenses: [license()],
    shares: [share(), share({ account: 'physics', user: 'alice', parent: 'physics', fairshareLevel: 0.5 })],
    accounts: [account()],
    users: [user()],
    associations: [
      association({
        maxJobs: 1,
        maxSubmitJobs: 2,
        maxWallSecondsPerJob: 60,
        grpJobs: 3,
        grpSubmitJobs: 4,
        grpWallSeconds: 5,
        priority: 1,
        grpTres: { cpu: 1 },
        maxTresPerJob: { cpu: 2 },
      }),
    ],
    qos: [
      qos({
        usageThreshold: 0.1,
        maxJobsPerUser: 1,
        maxJobsPerAccount: 1,
        maxSubmitJobsPerUser: 1,
        maxSubmitJobsPerAccount: 1,
        grpJobs: 1,
        grpSubmitJobs: 1,
        maxWallSecondsPerJob: 1,
        grpWallSeconds: 1,
        maxTresPerJob: { cpu: 1 },
        maxTresPerUser: { cpu: 1 },
        maxTresPerAccount: { cpu: 1 },
        grpTres: { cpu: 1 },
        minTresPerJob: { cpu: 1 },
      }),
    ],
    tres: [tres()],
    clusters: [dbCluster()],
  };
}
