/**
 * Deterministic synthetic cluster generator. Everything derives from `opts.seed`, so the same options always
 * produce the same cluster (and the same bytes once rendered). Running jobs are placed on nodes first and node
 * allocations are computed from them, so collector totals can be checked against `clusterTruth`.
 */
import { createRng, type Rng } from './prng.js';
import type {
  GenerateOptions,
  SimAccount,
  SimAllocation,
  SimAssociation,
  SimCluster,
  SimController,
  SimDiag,
  SimGpu,
  SimJob,
  SimLicense,
  SimNode,
  SimPartition,
  SimQos,
  SimReservation,
  SimShare,
  SimTres,
  SimUser,
} from './types.js';

/** 2026-01-15T12:00:00Z: a fixed "now" keeps output reproducible when the caller does not pass one. */
const DEFAULT_NOW = 1_768_478_400;
const DAY = 86_400;

interface Profile {
  sockets: number;
  cores: number;
  threads: number;
  memMiB: number;
  features: string[];
  gpu?: SimGpu;
}

const CPU_PROFILES: Profile[] = [
  { sockets: 2, cores: 32, threads: 1, memMiB: 257_000, features: ['cpu', 'icelake', 'ib'] },
  { sockets: 2, cores: 64, threads: 1, memMiB: 515_000, features: ['cpu', 'genoa', 'ib'] },
  { sockets: 2, cores: 12, threads: 2, memMiB: 191_000, features: ['cpu', 'skylake'] },
];
const BIGMEM_PROFILES: Profile[] = [
  { sockets: 4, cores: 32, threads: 1, memMiB: 2_063_000, features: ['bigmem', 'icelake'] },
  { sockets: 2, cores: 48, threads: 1, memMiB: 1_548_000, features: ['bigmem', 'sapphire'] },
];
const GPU_PROFILES: Profile[] = [
  {
    sockets: 2,
    cores: 32,
    threads: 1,
    memMiB: 1_031_000,
    features: ['gpu', 'a100'],
    gpu: { type: 'a100', count: 4, socketSuffix: '' },
  },
  {
    sockets: 2,
    cores: 56,
    threads: 1,
    memMiB: 2_063_000,
    features: ['gpu', 'h100', 'nvlink'],
    gpu: { type: 'h100', count: 8, socketSuffix: '(S:0-1)' },
  },
  {
    sockets: 2,
    cores: 16,
    threads: 2,
    memMiB: 385_000,
    features: ['gpu'],
    gpu: { type: '', count: 2, socketSuffix: '' },
  },
];

type NodeFamily = readonly [base: string, flags: readonly string[], weight: number];
const NODE_FAMILIES: readonly NodeFamily[] = [
  ['ALLOCATED', [], 38],
  ['MIXED', [], 28],
  ['IDLE', [], 16],
  ['IDLE', ['DRAIN'], 3],
  ['MIXED', ['DRAIN'], 2],
  ['ALLOCATED', ['DRAIN'], 1],
  ['DOWN', ['NOT_RESPONDING'], 2],
  ['DOWN', [], 1],
  ['IDLE', ['POWERED_DOWN'], 4],
  ['IDLE', ['MAINTENANCE', 'RESERVED'], 1],
  ['MIXED', ['RESERVED'], 1],
  ['IDLE', ['COMPLETING'], 0.5],
  ['IDLE', ['DRAIN', 'NOT_RESPONDING'], 0.5],
];

const PARTITION_NAMES = ['batch', 'debug', 'gpu', 'bigmem', 'long', 'short', 'interactive', 'preempt'];
const FIRST_NAMES = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
];
const DIVISIONS = ['physics', 'chemistry', 'biology', 'engineering', 'math', 'climate'];
const JOB_WORDS = ['sim', 'train', 'md', 'cfd', 'align', 'fold', 'render', 'solve', 'ensemble', 'bench'];
const TIME_LIMITS_MIN = [30, 60, 240, 720, 1440, 2880, 4320, 10080];
const MEM_PER_CPU = [1000, 2000, 3800, 7600];
const ADVERSARIAL_NAMES = [
  'he said "hi"',
  'back\\slash\\path',
  'line1\nline2',
  '日本語ジョブ',
  'emoji 🚀 job',
  'tab\there',
  '</script><b>x</b>',
  '$(rm -rf ~) `id`',
  'a"b\\c\nd',
  'ctrl\u0001char',
  'trailing\\',
  'comma,equals=brace{}',
];

type Weights<T extends string> = readonly (readonly [T, number])[];
const PENDING_REASONS: Weights<string> = [
  ['Priority', 35],
  ['Resources', 25],
  ['Dependency', 10],
  ['JobHeldUser', 6],
  ['JobHeldAdmin', 2],
  ['QOSMaxJobsPerUserLimit', 5],
  ['AssocGrpCpuLimit', 3],
  ['ReqNodeNotAvail', 4],
  ['BeginTime', 3],
  ['PartitionTimeLimit', 2],
  ['QOSMaxGRESPerUser', 2],
  ['AssocMaxJobsLimit', 1],
];
const FINISHED_STATES: Weights<string> = [
  ['COMPLETED', 50],
  ['FAILED', 14],
  ['CANCELLED', 14],
  ['TIMEOUT', 8],
  ['COMPLETING', 5],
  ['OUT_OF_MEMORY', 3],
  ['NODE_FAIL', 2],
  ['PREEMPTED', 2],
];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
  return items;
}

/** Splits `total` into `k` positive integer parts (k ≤ total). */
function split(rng: Rng, total: number, k: number): number[] {
  const parts = new Array<number>(k).fill(1);
  let rest = total - k;
  const weights = parts.map(() => 0.2 + rng.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k && rest > 0; i++) {
    const add = Math.min(rest, Math.floor(((total - k) * (weights[i] as number)) / sum));
    parts[i] = (parts[i] as number) + add;
    rest -= add;
  }
  for (let i = 0; rest > 0; i = (i + 1) % k) {
    parts[i] = (parts[i] as number) + 1;
    rest--;
  }
  return parts;
}

function jobName(rng: Rng, adversarial: boolean): string {
  const r = rng.next();
  if (r < (adversarial ? 0.25 : 0.01)) return rng.pick(ADVERSARIAL_NAMES);
  if (r < (adversarial ? 0.35 : 0.02)) return `${rng.pick(JOB_WORDS)}_${'x'.repeat(rng.int(120, 300))}`;
  if (r < 0.1) return 'wrap';
  if (r < 0.15) return 'bash';
  return `${rng.pick(JOB_WORDS)}-${rng.pick(JOB_WORDS)}_${rng.int(1, 999)}`;
}

interface Ctx {
  rng: Rng;
  now: number;
  name: string;
  adversarial: boolean;
  users: SimUser[];
  /** `user\u0000account` → association id (a Map: a linear search is too slow for 100 000 jobs). */
  assocIds: Map<string, number>;
  nextJobId: number;
}

function baseJob(ctx: Ctx, partitions: string[], cpus: number, nodeCount: number): SimJob {
  const { rng } = ctx;
  const user = rng.pick(ctx.users);
  const account = rng.chance(0.7) ? user.defaultAccount : rng.pick(user.accounts);
  const jobId = ctx.nextJobId++;
  const name = jobName(rng, ctx.adversarial);
  const workDir = `/home/${user.name}/projects/${rng.pick(JOB_WORDS)}`;
  const limit = rng.chance(0.01) ? Number.POSITIVE_INFINITY : rng.pick(TIME_LIMITS_MIN);
  const submitTime = ctx.now - rng.int(60, 3 * DAY);
  return {
    jobId,
    arrayJobId: 0,
    arrayTaskId: null,
    arrayTaskString: '',
    name,
    state: 'PENDING',
    flags: [],
    reason: 'None',
    description: '',
    partitions,
    user: user.name,
    userId: user.uid,
    group: user.group,
    groupId: user.gid,
    account,
    qos: rng.chance(0.8) ? 'normal' : rng.pick(['high', 'low', 'long']),
    cpus,
    nodeCount,
    tasks: cpus,
    cpusPerTask: 1,
    memoryPerCpuMiB: rng.pick(MEM_PER_CPU),
    memoryPerNodeMiB: null,
    gpus: 0,
    gpuType: '',
    licenses: '',
    allocations: [],
    priority: rng.int(1000, 200_000),
    submitTime,
    eligibleTime: submitTime,
    startTime: 0,
    endTime: 0,
    timeLimitMin: limit,
    exitCode: 0,
    signal: 0,
    command: `${workDir}/run_${rng.int(1, 99)}.sbatch`,
    workDir,
    stdout: `${workDir}/slurm-%j.out`,
    stderr: `${workDir}/slurm-%j.err`,
    dependency: '',
    reservation: '',
    associationId: ctx.assocIds.get(`${user.name}\u0000${account}`) ?? 0,
  };
}

function makeUsersAndAccounts(
  rng: Rng,
  clusterName: string,
  userCount: number,
  accountCount: number,
): { accounts: SimAccount[]; users: SimUser[]; associations: SimAssociation[] } {
  const divisions = DIVISIONS.slice(0, Math.max(1, Math.min(DIVISIONS.length, Math.ceil(accountCount / 4))));
  const accounts: SimAccount[] = [
    { name: 'root', description: 'default root account', organization: 'root', parent: '', coordinators: [] },
  ];
  for (const d of divisions) {
    accounts.push({
      name: d,
      description: `${d} division`,
      organization: d,
      parent: 'root',
      coordinators: [],
    });
  }
  const leaves: SimAccount[] = [];
  for (let i = 0; i < accountCount; i++) {
    const div = divisions[i % divisions.length] as string;
    leaves.push({
      name: `${div.slice(0, 4)}-lab${pad(i + 1, 3)}`,
      description: `${div} research group ${i + 1}`,
      organization: div,
      parent: div,
      coordinators: [],
    });
  }
  accounts.push(...leaves);
  const users: SimUser[] = [];
  for (let i = 0; i < userCount; i++) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
    const own = rng.pick(leaves);
    const extra = rng.chance(0.3) ? [rng.pick(leaves).name] : [];
    const userAccounts = [...new Set([own.name, ...extra])];
    users.push({
      name: i < FIRST_NAMES.length ? first : `${first}${i}`,
      uid: 10_000 + i,
      group: own.organization,
      gid: 5000 + DIVISIONS.indexOf(own.organization),
      defaultAccount: own.name,
      adminLevel: i === 0 ? 'Administrator' : i === 1 ? 'Operator' : 'None',
      accounts: userAccounts,
    });
  }
  for (const a of leaves) {
    const members = users.filter((u) => u.accounts.includes(a.name));
    if (members.length > 0 && rng.chance(0.5)) a.coordinators.push((members[0] as SimUser).name);
  }
  const associations: SimAssociation[] = [];
  let id = 1;
  const assoc = (account: string, user: string, parent: string, shares: number): SimAssociation => ({
    id: id++,
    account,
    user,
    parentAccount: parent,
    partition: '',
    qos: ['normal', 'high', 'low', 'long', 'gpu'],
    defaultQos: 'normal',
    sharesRaw: shares,
    maxJobs: user ? (rng.chance(0.3) ? rng.pick([50, 100, 500]) : null) : null,
    maxSubmitJobs: user ? (rng.chance(0.2) ? 1000 : null) : null,
    maxWallMin: rng.chance(0.1) ? 4320 : null,
    grpJobs: !user && rng.chance(0.3) ? rng.pick([200, 1000]) : null,
    maxTresPerJob: user && rng.chance(0.3) ? { cpu: 512, 'gres/gpu': 8 } : {},
    grpTres: !user && rng.chance(0.4) ? { cpu: rng.pick([1024, 4096]), mem: 8_388_608 } : {},
  });
  for (const a of accounts)
    associations.push(assoc(a.name, '', a.parent, a.name === 'root' ? 1 : rng.int(1, 100)));
  for (const u of users) {
    for (const acc of u.accounts) associations.push(assoc(acc, u.name, acc, 1));
  }
  void clusterName;
  return { accounts, users, associations };
}

function makeNodes(
  rng: Rng,
  opts: Required<Pick<GenerateOptions, 'nodes' | 'gpuFraction'>>,
  now: number,
): SimNode[] {
  const n = opts.nodes;
  const gpuCount = Math.round(n * opts.gpuFraction);
  const bigCount = n >= 10 ? Math.max(1, Math.round(n * 0.03)) : 0;
  const families: NodeFamily[] = [];
  // Every family at least once when the cluster is big enough, then weighted draws.
  if (n >= NODE_FAMILIES.length * 3) families.push(...NODE_FAMILIES);
  const weights = NODE_FAMILIES.map((f, i) => [String(i), f[2]] as const);
  while (families.length < n) families.push(NODE_FAMILIES[Number(rng.weighted(weights))] as NodeFamily);
  shuffle(rng, families);
  const nodes: SimNode[] = [];
  const width = String(n).length + 1;
  for (let i = 0; i < n; i++) {
    const isGpu = i >= n - gpuCount;
    const isBig = !isGpu && i >= n - gpuCount - bigCount;
    const profile = rng.pick(isGpu ? GPU_PROFILES : isBig ? BIGMEM_PROFILES : CPU_PROFILES);
    const fam = families[i] as NodeFamily;
    const [state, flags] = fam;
    const name = isGpu ? `gpu${pad(i + 1, width)}` : `cn${pad(i + 1, width)}`;
    const cpus = profile.sockets * profile.cores * profile.threads;
    const down = state === 'DOWN' || flags.includes('NOT_RESPONDING') || flags.includes('POWERED_DOWN');
    const drain = flags.includes('DRAIN');
    const reason = drain
      ? rng.pick(['disk failure', 'ECC errors on DIMM B3', 'admin: kernel upgrade', 'Kill task failed'])
      : state === 'DOWN'
        ? rng.pick(['Not responding', 'NHC: check_fs_mount failed'])
        : flags.includes('MAINTENANCE')
          ? 'scheduled maintenance'
          : '';
    const bootTime = now - rng.int(DAY, 60 * DAY);
    nodes.push({
      name,
      address: `10.${1 + Math.floor(i / 65_025)}.${Math.floor(i / 255) % 255}.${(i % 255) + 1}`,
      state,
      flags: [...flags],
      reason,
      reasonSetByUser: reason ? rng.pick(['root', 'slurm', 'admin']) : '',
      reasonChangedAt: reason ? now - rng.int(600, 10 * DAY) : 0,
      partitions: [],
      features: [...profile.features],
      arch: 'x86_64',
      os: 'Linux 5.14.0-503.el9.x86_64 #1 SMP PREEMPT_DYNAMIC',
      slurmdVersion: '25.11.0',
      boards: 1,
      sockets: profile.sockets,
      coresPerSocket: profile.cores,
      threads: profile.threads,
      cpus,
      allocCpus: 0,
      cpuLoad: down ? null : rng.int(0, 5),
      realMemoryMiB: profile.memMiB,
      allocMemoryMiB: 0,
      freeMemoryMiB: down ? null : Math.floor(profile.memMiB * (0.5 + rng.next() * 0.45)),
      tmpDiskMiB: rng.pick([0, 400_000, 1_800_000]),
      gpu: profile.gpu ? { ...profile.gpu } : null,
      allocGpus: 0,
      weight: isGpu ? 100 : isBig ? 50 : 1,
      bootTime: down ? 0 : bootTime,
      lastBusy: now - rng.int(0, DAY),
      slurmdStartTime: down ? 0 : bootTime + 60,
      reservation: '',
      port: 6818,
    });
  }
  return nodes;
}

function makePartitions(rng: Rng, nodes: SimNode[], count: number): SimPartition[] {
  const names = Array.from({ length: count }, (_, i) => PARTITION_NAMES[i] ?? `part${i + 1}`);
  const parts: SimPartition[] = [];
  for (const [i, name] of names.entries()) {
    let members: SimNode[];
    if (i === 0) members = nodes;
    else if (name === 'debug') members = nodes.slice(0, Math.max(1, Math.round(nodes.length * 0.05)));
    else if (name === 'gpu') members = nodes.filter((n) => n.gpu);
    else if (name === 'bigmem') members = nodes.filter((n) => n.realMemoryMiB >= 1_048_576);
    else members = nodes.filter(() => rng.chance(0.2));
    if (members.length === 0 && nodes.length > 0) members = [rng.pick(nodes)];
    for (const n of members) n.partitions.push(name);
    parts.push({
      name,
      state: i > 0 && i === count - 1 && count >= 6 ? 'DRAIN' : 'UP',
      nodes: members.map((n) => n.name),
      isDefault: i === 0,
      maxTimeMin: name === 'debug' ? 60 : name === 'long' ? Number.POSITIVE_INFINITY : 10_080,
      defaultTimeMin: name === 'debug' ? 30 : 60,
      maxNodes: name === 'debug' ? 2 : Number.POSITIVE_INFINITY,
      minNodes: 0,
      priorityTier: name === 'debug' ? 10 : 1,
      priorityJobFactor: name === 'debug' ? 2 : 1,
      qos: '',
      allowAccounts: 'ALL',
      allowQos: 'ALL',
      totalCpus: members.reduce((s, n) => s + n.cpus, 0),
      totalMemoryMiB: members.reduce((s, n) => s + n.realMemoryMiB, 0),
      totalGpus: members.reduce((s, n) => s + (n.gpu?.count ?? 0), 0),
    });
  }
  return parts;
}

/** Creates running jobs so that every ALLOCATED/MIXED node is covered, then sets node allocations from them. */
function placeRunningJobs(ctx: Ctx, nodes: SimNode[], budget: number): SimJob[] {
  const { rng } = ctx;
  const busy = nodes.filter((n) => n.state === 'ALLOCATED' || n.state === 'MIXED');
  if (busy.length === 0 || budget <= 0) {
    for (const n of busy) n.state = 'IDLE';
    return [];
  }
  // Groups of nodes that share one job. Multi-node jobs over ALLOCATED runs, or forced when the budget is small.
  const groups: SimNode[][] = [];
  const singles: SimNode[] = [];
  const perGroup = Math.ceil(busy.length / budget);
  if (perGroup > 1) {
    for (let i = 0; i < busy.length; i += perGroup) groups.push(busy.slice(i, i + perGroup));
  } else {
    for (let i = 0; i < busy.length; i++) {
      const n = busy[i] as SimNode;
      if (n.state === 'ALLOCATED' && rng.chance(0.04) && groups.length < budget / 4) {
        const run: SimNode[] = [n];
        const len = rng.int(2, 8);
        while (run.length < len && busy[i + 1]?.state === 'ALLOCATED' && busy[i + 1]?.gpu === n.gpu) {
          i++;
          run.push(busy[i] as SimNode);
        }
        groups.push(run);
      } else singles.push(n);
    }
  }
  // Jobs per single node: one each, extra jobs spread at random within capacity.
  const jobsOn = new Map<SimNode, number>(singles.map((n) => [n, 1]));
  let extra = budget - groups.length - singles.length;
  const cap = (n: SimNode): number => (n.state === 'ALLOCATED' ? n.cpus : n.cpus - 1);
  for (let tries = 0; extra > 0 && singles.length > 0 && tries < budget * 4; tries++) {
    const n = rng.pick(singles);
    const k = jobsOn.get(n) ?? 1;
    if (k < Math.min(cap(n), 64)) {
      jobsOn.set(n, k + 1);
      extra--;
    }
  }
  const running: SimJob[] = [];
  const cursor = new Map<SimNode, number>();
  const allocate = (job: SimJob, node: SimNode, cpus: number, gpus: number): void => {
    const totalCores = node.sockets * node.coresPerSocket;
    const first = Math.min(cursor.get(node) ?? 0, totalCores - 1);
    const cores = Math.max(1, Math.min(Math.ceil(cpus / node.threads), totalCores - first));
    cursor.set(node, first + cores);
    const perCpu = Math.min(job.memoryPerCpuMiB ?? 1000, Math.floor((node.realMemoryMiB * 0.95) / node.cpus));
    job.memoryPerCpuMiB = perCpu;
    const memoryMiB = perCpu * cpus;
    job.allocations.push({
      node: node.name,
      cpus,
      gpus,
      memoryMiB,
      firstCore: first,
      cores,
    } satisfies SimAllocation);
    node.allocCpus += cpus;
    node.allocGpus += gpus;
    node.allocMemoryMiB += memoryMiB;
  };
  const start = (job: SimJob, group: SimNode[]): void => {
    const common = group[0]?.partitions.filter((p) => group.every((n) => n.partitions.includes(p))) ?? [];
    job.partitions = [common.length > 0 ? rng.pick(common) : 'batch'];
    job.state = 'RUNNING';
    job.reason = 'None';
    const limitS = Number.isFinite(job.timeLimitMin) ? job.timeLimitMin * 60 : 30 * DAY;
    job.startTime = ctx.now - rng.int(10, Math.max(11, Math.floor(limitS * 0.9)));
    job.submitTime = Math.min(job.submitTime, job.startTime - rng.int(0, 7200));
    job.eligibleTime = job.submitTime;
    job.endTime = job.startTime + (Number.isFinite(job.timeLimitMin) ? limitS : 365 * DAY);
    if (group.some((n) => n.flags.includes('RESERVED'))) job.reservation = 'resv_active';
  };
  for (const group of groups) {
    const job = baseJob(ctx, [], 0, group.length);
    start(job, group);
    for (const n of group) {
      const cpus = n.state === 'ALLOCATED' ? n.cpus : rng.int(1, n.cpus - 1);
      const gpus = n.gpu && n.state === 'ALLOCATED' ? n.gpu.count : 0;
      allocate(job, n, cpus, gpus);
    }
    finishRunning(job);
    running.push(job);
  }
  for (const n of singles) {
    const k = jobsOn.get(n) ?? 1;
    const target = n.state === 'ALLOCATED' ? n.cpus : rng.int(Math.min(k, n.cpus - 1), n.cpus - 1);
    const parts = split(rng, Math.max(target, k), k);
    const gpuTarget = n.gpu ? (n.state === 'ALLOCATED' ? n.gpu.count : rng.int(0, n.gpu.count - 1)) : 0;
    const gpus = new Array<number>(k).fill(0);
    for (let g = 0; g < gpuTarget; g++) {
      const idx = rng.int(0, k - 1);
      gpus[idx] = (gpus[idx] as number) + 1;
    }
    for (let j = 0; j < k; j++) {
      const job = baseJob(ctx, [], 0, 1);
      start(job, [n]);
      allocate(job, n, parts[j] as number, gpus[j] as number);
      finishRunning(job);
      running.push(job);
    }
  }
  return running;
}

function finishRunning(job: SimJob): void {
  job.cpus = job.allocations.reduce((s, a) => s + a.cpus, 0);
  job.tasks = job.cpus;
  job.gpus = job.allocations.reduce((s, a) => s + a.gpus, 0);
  job.nodeCount = job.allocations.length;
}

function makeArrays(ctx: Ctx, running: SimJob[]): SimJob[] {
  const { rng } = ctx;
  const metas: SimJob[] = [];
  for (let i = 0; i + 1 < running.length; i++) {
    if (!rng.chance(0.03)) continue;
    const len = Math.min(rng.int(2, 10), running.length - i);
    const first = running[i] as SimJob;
    const meta = baseJob(ctx, first.partitions, first.cpus, 1);
    meta.name = first.name;
    meta.reason = rng.pick(['JobArrayTaskLimit', 'Priority', 'Resources']);
    const pendingFrom = len + rng.int(0, 3);
    const pendingTo = pendingFrom + rng.int(5, 200);
    meta.arrayJobId = meta.jobId;
    meta.arrayTaskString = `${pendingFrom}-${pendingTo}%${len}`;
    for (let t = 0; t < len; t++) {
      const task = running[i + t] as SimJob;
      task.arrayJobId = meta.jobId;
      task.arrayTaskId = t;
      task.name = first.name;
      task.user = first.user;
      task.userId = first.userId;
      task.group = first.group;
      task.groupId = first.groupId;
      task.account = first.account;
      task.associationId = first.associationId;
    }
    metas.push(meta);
    i += len;
  }
  return metas;
}

function makePending(ctx: Ctx, parts: SimPartition[], nodes: SimNode[], count: number): SimJob[] {
  const { rng } = ctx;
  const jobs: SimJob[] = [];
  const multi = parts.length >= 2;
  for (let i = 0; i < count; i++) {
    const p = rng.pick(parts);
    let partitions = [p.name];
    if (multi && rng.chance(0.06)) {
      const other = rng.pick(parts.filter((x) => x.name !== p.name));
      partitions = [p.name, other.name];
    }
    const nodeCount = rng.chance(0.85) ? 1 : rng.int(2, 16);
    const job = baseJob(ctx, partitions, nodeCount * rng.pick([1, 2, 4, 8, 16, 32]), nodeCount);
    job.reason = rng.weighted(PENDING_REASONS);
    if (job.reason === 'ReqNodeNotAvail' && nodes.length > 0) {
      job.description = `ReqNodeNotAvail, UnavailableNodes:${rng.pick(nodes).name}`;
    }
    if (job.reason === 'Dependency')
      job.dependency = `afterok:${Math.max(1, job.jobId - rng.int(1, 50))}(unfulfilled)`;
    if (job.reason === 'JobHeldUser' || job.reason === 'JobHeldAdmin') job.priority = 0;
    if (job.reason === 'BeginTime') job.eligibleTime = ctx.now + rng.int(600, DAY);
    if (p.totalGpus > 0 && (p.name === 'gpu' || rng.chance(0.1))) {
      job.gpus = rng.pick([1, 2, 4, 8]);
      job.gpuType = rng.chance(0.5) ? 'h100' : '';
      if (rng.chance(0.3)) job.reason = 'QOSMaxGRESPerUser';
    }
    if (rng.chance(0.02)) job.flags.push('REQUEUED');
    if (rng.chance(0.05)) job.memoryPerNodeMiB = rng.pick([64_000, 500_000, 1_500_000]);
    if (job.memoryPerNodeMiB !== null) job.memoryPerCpuMiB = null;
    jobs.push(job);
  }
  return jobs;
}

function makeFinished(ctx: Ctx, nodes: SimNode[], count: number): SimJob[] {
  const { rng } = ctx;
  const jobs: SimJob[] = [];
  for (let i = 0; i < count; i++) {
    const node = rng.pick(nodes);
    const cpus = rng.int(1, Math.max(1, Math.min(16, node.cpus)));
    const job = baseJob(ctx, [node.partitions[0] ?? 'batch'], cpus, 1);
    const kind = rng.weighted(FINISHED_STATES);
    job.state = kind === 'COMPLETING' ? rng.pick(['COMPLETED', 'CANCELLED']) : kind;
    if (kind === 'COMPLETING') job.flags.push('COMPLETING');
    job.reason =
      { FAILED: 'NonZeroExitCode', TIMEOUT: 'TimeLimit', NODE_FAIL: 'NodeDown' }[job.state] ?? 'None';
    job.startTime = ctx.now - rng.int(3600, 2 * DAY);
    job.submitTime = job.startTime - rng.int(0, 7200);
    job.eligibleTime = job.submitTime;
    job.endTime = Math.min(ctx.now - 1, job.startTime + rng.int(10, 20_000));
    job.exitCode = job.state === 'FAILED' ? rng.int(1, 255) : job.state === 'OUT_OF_MEMORY' ? 0 : 0;
    job.signal = job.state === 'CANCELLED' ? 15 : job.state === 'TIMEOUT' ? 9 : 0;
    job.priority = 0;
    const totalCores = node.sockets * node.coresPerSocket;
    job.allocations.push({
      node: node.name,
      cpus,
      gpus: 0,
      memoryMiB: cpus * (job.memoryPerCpuMiB ?? 1000),
      firstCore: 0,
      cores: Math.min(totalCores, Math.ceil(cpus / node.threads)),
    });
    jobs.push(job);
  }
  return jobs;
}

function makeLicenses(rng: Rng, running: SimJob[], now: number): SimLicense[] {
  const licenses: SimLicense[] = [
    { name: 'matlab', total: 50, used: 0, reserved: 0, remote: false, lastUpdate: now - 30 },
    { name: 'fluent', total: 20, used: 0, reserved: 2, remote: false, lastUpdate: now - 30 },
    { name: 'ansys@flexlm', total: 100, used: 0, reserved: 0, remote: true, lastUpdate: now - 120 },
    { name: 'comsol', total: 10, used: 0, reserved: 0, remote: false, lastUpdate: now - 30 },
  ];
  for (const job of running) {
    if (!rng.chance(0.04)) continue;
    const lic = rng.pick(licenses);
    const n = rng.int(1, 2);
    if (lic.used + lic.reserved + n > lic.total) continue;
    lic.used += n;
    job.licenses = `${lic.name}:${n}`;
  }
  return licenses;
}

function makeDiag(rng: Rng, now: number, jobs: SimJob[], users: SimUser[]): SimDiag {
  const count = (s: string): number => jobs.filter((j) => j.state === s).length;
  const running = count('RUNNING');
  const pending = count('PENDING');
  const messages: [number, string][] = [
    [1008, 'REQUEST_PING'],
    [2003, 'REQUEST_JOB_INFO'],
    [2007, 'REQUEST_NODE_INFO'],
    [2009, 'REQUEST_PARTITION_INFO'],
    [2035, 'REQUEST_STATS_INFO'],
    [4003, 'REQUEST_SUBMIT_BATCH_JOB'],
    [5018, 'REQUEST_COMPLETE_BATCH_SCRIPT'],
    [1002, 'MESSAGE_NODE_REGISTRATION_STATUS'],
    [6012, 'MESSAGE_EPILOG_COMPLETE'],
    [1021, 'REQUEST_LICENSE_INFO'],
  ];
  const c: Record<string, number> = {
    parts_packed: 1,
    server_thread_count: rng.int(1, 12),
    agent_queue_size: rng.int(0, 20),
    agent_count: rng.int(0, 4),
    agent_thread_count: rng.int(0, 16),
    dbd_agent_queue_size: rng.int(0, 50),
    gettimeofday_latency: rng.int(10, 80),
    schedule_cycle_max: rng.int(50_000, 2_000_000),
    schedule_cycle_last: rng.int(1000, 50_000),
    schedule_cycle_sum: rng.int(1_000_000, 90_000_000),
    schedule_cycle_total: rng.int(100, 3000),
    schedule_cycle_mean: rng.int(1000, 40_000),
    schedule_cycle_mean_depth: rng.int(10, 400),
    schedule_cycle_per_minute: rng.int(1, 60),
    schedule_cycle_depth: rng.int(1000, 900_000),
    schedule_queue_length: pending,
    jobs_submitted: jobs.length + rng.int(0, 500),
    jobs_started: running + rng.int(0, 500),
    jobs_completed: count('COMPLETED'),
    jobs_canceled: count('CANCELLED'),
    jobs_failed: count('FAILED'),
    jobs_pending: pending,
    jobs_running: running,
    bf_backfilled_jobs: rng.int(0, 5000),
    bf_last_backfilled_jobs: rng.int(0, 50),
    bf_backfilled_het_jobs: 0,
    bf_cycle_counter: rng.int(10, 3000),
    bf_cycle_mean: rng.int(10_000, 3_000_000),
    bf_cycle_sum: rng.int(1_000_000, 900_000_000),
    bf_cycle_last: rng.int(10_000, 3_000_000),
    bf_cycle_max: rng.int(3_000_000, 30_000_000),
    bf_depth_mean: rng.int(10, 1000),
    bf_depth_mean_try: rng.int(10, 500),
    bf_last_depth: rng.int(10, 1000),
    bf_last_depth_try: rng.int(10, 500),
    bf_depth_sum: rng.int(10_000, 900_000),
    bf_depth_try_sum: rng.int(10_000, 500_000),
    bf_queue_len: pending,
    bf_queue_len_mean: pending,
    bf_queue_len_sum: pending * rng.int(10, 100),
    bf_table_size: rng.int(10, 200),
    bf_table_size_mean: rng.int(10, 200),
    bf_table_size_sum: rng.int(1000, 90_000),
  };
  return {
    reqTime: now,
    reqTimeStart: now - (now % DAY),
    counters: c,
    bfActive: rng.chance(0.3),
    bfWhenLastCycle: now - rng.int(1, 60),
    jobStatesTs: now - rng.int(1, 30),
    rpcsByMessageType: messages.map(([typeId, messageType]) => {
      const count = rng.int(1, 200_000);
      return { typeId, messageType, count, totalTimeUs: count * rng.int(50, 3000) };
    }),
    rpcsByUser: [
      { userId: 0, user: 'root', count: rng.int(100, 100_000), totalTimeUs: 0 },
      { userId: 64_030, user: 'slurm', count: rng.int(100, 100_000), totalTimeUs: 0 },
      ...users
        .slice(0, 20)
        .map((u) => ({ userId: u.uid, user: u.name, count: rng.int(1, 20_000), totalTimeUs: 0 })),
    ].map((r) => ({ ...r, totalTimeUs: r.count * rng.int(100, 2000) })),
  };
}

function makeShares(rng: Rng, associations: SimAssociation[]): SimShare[] {
  const siblings = new Map<string, number>();
  for (const a of associations) {
    const key = a.user ? `u:${a.account}` : `a:${a.parentAccount}`;
    siblings.set(key, (siblings.get(key) ?? 0) + a.sharesRaw);
  }
  return associations.map((a) => {
    const key = a.user ? `u:${a.account}` : `a:${a.parentAccount}`;
    const norm = a.account === 'root' && !a.user ? 1 : a.sharesRaw / (siblings.get(key) ?? 1);
    const usage = rng.int(0, 50_000_000);
    const eff = rng.next() * 0.2;
    return {
      id: a.id,
      name: a.user || a.account,
      parent: a.user ? a.account : a.parentAccount,
      partition: '',
      type: a.user ? 'USER' : 'ASSOCIATION',
      rawShares: a.sharesRaw,
      normalizedShares: norm,
      rawUsage: usage,
      normalizedUsage: eff * 0.9,
      effectiveUsage: eff,
      fairshareFactor: rng.next(),
      fairshareLevel: rng.next() * 10,
    } satisfies SimShare;
  });
}

const QOS: Omit<SimQos, 'id'>[] = [
  {
    name: 'normal',
    description: 'Normal QOS default',
    priority: 0,
    usageFactor: 1,
    preemptMode: [],
    flags: [],
    maxJobsPerUser: null,
    maxSubmitJobsPerUser: null,
    maxWallMin: null,
    grpJobs: null,
    maxTresPerUser: {},
    maxTresPerJob: {},
  },
  {
    name: 'high',
    description: 'high priority, limited',
    priority: 1000,
    usageFactor: 2,
    preemptMode: [],
    flags: ['DENY_LIMIT'],
    maxJobsPerUser: 10,
    maxSubmitJobsPerUser: 50,
    maxWallMin: 1440,
    grpJobs: 200,
    maxTresPerUser: { cpu: 512 },
    maxTresPerJob: {},
  },
  {
    name: 'low',
    description: 'scavenger',
    priority: 0,
    usageFactor: 0,
    preemptMode: ['CANCEL'],
    flags: [],
    maxJobsPerUser: null,
    maxSubmitJobsPerUser: null,
    maxWallMin: null,
    grpJobs: null,
    maxTresPerUser: {},
    maxTresPerJob: {},
  },
  {
    name: 'long',
    description: 'long running jobs',
    priority: 10,
    usageFactor: 1,
    preemptMode: [],
    flags: [],
    maxJobsPerUser: 5,
    maxSubmitJobsPerUser: 20,
    maxWallMin: 43_200,
    grpJobs: null,
    maxTresPerUser: {},
    maxTresPerJob: { node: 4 },
  },
  {
    name: 'gpu',
    description: 'GPU jobs',
    priority: 100,
    usageFactor: 1.5,
    preemptMode: [],
    flags: [],
    maxJobsPerUser: 20,
    maxSubmitJobsPerUser: null,
    maxWallMin: 4320,
    grpJobs: null,
    maxTresPerUser: { 'gres/gpu': 16 },
    maxTresPerJob: { 'gres/gpu': 8 },
  },
];

function makeTres(nodes: SimNode[], licenses: SimLicense[]): SimTres[] {
  const sum = (f: (n: SimNode) => number): number => nodes.reduce((s, n) => s + f(n), 0);
  const tres: SimTres[] = [
    { id: 1, type: 'cpu', name: '', count: sum((n) => n.cpus) },
    { id: 2, type: 'mem', name: '', count: sum((n) => n.realMemoryMiB) },
    { id: 3, type: 'energy', name: '', count: 0 },
    { id: 4, type: 'node', name: '', count: nodes.length },
    { id: 5, type: 'billing', name: '', count: sum((n) => n.cpus) },
    { id: 6, type: 'fs', name: 'disk', count: 0 },
    { id: 7, type: 'vmem', name: '', count: 0 },
    { id: 8, type: 'pages', name: '', count: 0 },
    { id: 1001, type: 'gres', name: 'gpu', count: sum((n) => n.gpu?.count ?? 0) },
  ];
  licenses.forEach((l, i) => {
    tres.push({ id: 1002 + i, type: 'license', name: l.name, count: l.total });
  });
  return tres;
}

export function generateCluster(opts: GenerateOptions): SimCluster {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1)
    throw new Error('generateCluster: nodes must be an integer ≥ 1');
  if (!Number.isInteger(opts.jobs) || opts.jobs < 0)
    throw new Error('generateCluster: jobs must be an integer ≥ 0');
  const rng = createRng(opts.seed);
  const now = opts.now ?? DEFAULT_NOW;
  const name = opts.name ?? 'sim';
  const userCount = opts.users ?? Math.min(2000, Math.max(8, Math.round(opts.jobs / 40)));
  const accountCount = opts.accounts ?? Math.min(300, Math.max(3, Math.round(userCount / 6)));
  const { accounts, users, associations } = makeUsersAndAccounts(rng, name, userCount, accountCount);
  const nodes = makeNodes(rng, { nodes: opts.nodes, gpuFraction: opts.gpuFraction ?? 0.2 }, now);
  const partitions = makePartitions(rng, nodes, Math.max(1, opts.partitions ?? 4));
  const ctx: Ctx = {
    rng,
    now,
    name,
    adversarial: opts.adversarial ?? false,
    users,
    assocIds: new Map(associations.map((a) => [`${a.user}\u0000${a.account}`, a.id])),
    nextJobId: 1_000_000 + rng.int(0, 99_999),
  };
  const running = placeRunningJobs(ctx, nodes, Math.round(opts.jobs * 0.42));
  const metas = makeArrays(ctx, running);
  const rest = Math.max(0, opts.jobs - running.length - metas.length);
  const pendingCount = Math.round(rest * 0.65);
  const pending = makePending(ctx, partitions, nodes, pendingCount);
  const finished = makeFinished(ctx, nodes, rest - pendingCount);
  // Interleave like slurmctld's job table (not grouped by state), deterministically.
  const jobs = shuffle(rng, [...running, ...metas, ...pending, ...finished]);
  const licenses = makeLicenses(rng, running, now);
  const resvNodes = nodes.filter((n) => n.flags.includes('RESERVED') && n.state !== 'IDLE');
  const maintNodes = nodes.filter((n) => n.flags.includes('MAINTENANCE'));
  for (const n of resvNodes) n.reservation = 'resv_active';
  for (const n of maintNodes) n.reservation = 'maint_window';
  const reservations: SimReservation[] = [
    {
      name: 'resv_active',
      nodes: resvNodes.map((n) => n.name),
      coreCount: resvNodes.reduce((s, n) => s + n.cpus, 0),
      partition: '',
      users: users
        .slice(0, 3)
        .map((u) => u.name)
        .join(','),
      accounts: '',
      flags: ['SPEC_NODES'],
      startTime: now - DAY,
      endTime: now + 6 * DAY,
    },
    {
      name: 'maint_window',
      nodes: maintNodes.map((n) => n.name),
      coreCount: maintNodes.reduce((s, n) => s + n.cpus, 0),
      partition: '',
      users: 'root',
      accounts: '',
      flags: ['MAINT', 'IGNORE_JOBS', 'SPEC_NODES'],
      startTime: now - 3600,
      endTime: now + 2 * DAY,
    },
    {
      name: 'future_upgrade',
      nodes: nodes.slice(0, Math.min(4, nodes.length)).map((n) => n.name),
      coreCount: 0,
      partition: partitions[0]?.name ?? '',
      users: 'root',
      accounts: '',
      flags: ['MAINT', 'IGNORE_JOBS'],
      startTime: now + 7 * DAY,
      endTime: now + 8 * DAY,
    },
  ].filter((r) => r.nodes.length > 0);
  // Busy nodes with some load; load roughly follows allocation.
  for (const n of nodes) {
    if (n.cpuLoad !== null) n.cpuLoad = Math.round(n.allocCpus * (0.6 + rng.next() * 0.5) * 100);
    if (n.freeMemoryMiB !== null)
      n.freeMemoryMiB = Math.max(0, n.realMemoryMiB - n.allocMemoryMiB - rng.int(1000, 8000));
  }
  const controllers: SimController[] = [
    { hostname: `${name}-ctl1`, mode: 'primary', responding: true, latencyUs: rng.int(200, 3000) },
    { hostname: `${name}-ctl2`, mode: 'backup1', responding: rng.chance(0.7), latencyUs: rng.int(200, 5000) },
  ];
  return {
    name,
    now,
    seed: opts.seed,
    controllerHost: `${name}-ctl1`,
    controllerPort: 6817,
    nodes,
    jobs,
    partitions,
    reservations,
    licenses,
    controllers,
    diag: makeDiag(rng, now, jobs, users),
    shares: makeShares(rng, associations),
    accounts,
    users,
    associations,
    qos: QOS.map((q, i) => ({ ...q, id: i + 1 })),
    tres: makeTres(nodes, licenses),
    lastBackfill: now - rng.int(1, 60),
    ...(opts.jobResourceCores ? { jobResourceCores: opts.jobResourceCores } : {}),
  };
}
