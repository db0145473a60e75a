/**
 * Helpers shared by every API-version renderer: TRES/GRES strings as slurmctld prints them, version → Slurm
 * release mapping, and the "document with one streamed list" representation both renderBody and renderStream use.
 */
import type { ApiVersion, EndpointName } from '../slurm/model.js';
import type { SimAssociation, SimCluster, SimJob, SimNode, SimQos } from './types.js';

/** Slurm release that introduced each data_parser version (what `meta.slurm.release` reports). */
export const RELEASE_OF: Record<ApiVersion, [major: number, minor: number, micro: number]> = {
  'v0.0.36': [22, 5, 8],
  'v0.0.37': [22, 5, 8],
  'v0.0.38': [22, 5, 8],
  'v0.0.39': [23, 2, 7],
  'v0.0.40': [23, 11, 10],
  'v0.0.41': [24, 5, 8],
  'v0.0.42': [24, 11, 6],
  'v0.0.43': [25, 5, 8],
  'v0.0.44': [25, 11, 7],
  'v0.0.45': [26, 5, 2],
};

export function releaseString(version: ApiVersion): string {
  const [a, b, c] = RELEASE_OF[version];
  return `${a}.${String(b).padStart(2, '0')}.${c}`;
}

/** A rendered response: `doc` is the whole body except that `doc[listKey...]` is filled from `items`. */
export interface RenderedDoc {
  doc: Record<string, unknown>;
  /** Path to the streamed array (e.g. ['jobs'] or ['shares','shares']); null for documents without a list. */
  listPath: readonly string[] | null;
  /** Produces the list elements lazily, so 100 000 jobs never exist as one array of objects. */
  items: () => Iterable<unknown>;
}

/** Memory in MiB the way slurmctld prints it in TRES strings (`2000M`, `251G`, `1.97T`, `22.50G`). */
export function memUnit(mib: number): string {
  if (mib >= 1024 * 1024) return fmtUnit(mib / (1024 * 1024), 'T');
  if (mib >= 1024) return fmtUnit(mib / 1024, 'G');
  return `${mib}M`;
}

function fmtUnit(v: number, unit: string): string {
  return Number.isInteger(v) ? `${v}${unit}` : `${v.toFixed(2)}${unit}`;
}

function gresType(type: string): string {
  return type ? `:${type}` : '';
}

export function nodeGres(n: SimNode): string {
  return n.gpu ? `gpu${gresType(n.gpu.type)}:${n.gpu.count}${n.gpu.socketSuffix}` : '';
}

export function nodeGresUsed(n: SimNode): string {
  if (!n.gpu) return '';
  const idx = n.allocGpus > 0 ? (n.allocGpus === 1 ? '0' : `0-${n.allocGpus - 1}`) : 'N/A';
  return `gpu${gresType(n.gpu.type)}:${n.allocGpus}(IDX:${idx})`;
}

export function nodeTres(n: SimNode): string {
  const gpu = n.gpu
    ? `,gres/gpu=${n.gpu.count}${n.gpu.type ? `,gres/gpu:${n.gpu.type}=${n.gpu.count}` : ''}`
    : '';
  return `cpu=${n.cpus},mem=${memUnit(n.realMemoryMiB)},billing=${n.cpus}${gpu}`;
}

export function nodeTresUsed(n: SimNode): string {
  if (n.allocCpus === 0) return '';
  const gpu =
    n.allocGpus > 0
      ? `,gres/gpu=${n.allocGpus}${n.gpu?.type ? `,gres/gpu:${n.gpu.type}=${n.allocGpus}` : ''}`
      : '';
  return `cpu=${n.allocCpus},mem=${memUnit(n.allocMemoryMiB)}${gpu}`;
}

export function jobMemoryMiB(j: SimJob): number {
  if (j.allocations.length > 0) return j.allocations.reduce((s, a) => s + a.memoryMiB, 0);
  if (j.memoryPerNodeMiB !== null) return j.memoryPerNodeMiB * j.nodeCount;
  return (j.memoryPerCpuMiB ?? 0) * j.cpus;
}

export function jobTres(j: SimJob, alloc: boolean): string {
  if (alloc && j.allocations.length === 0) return '';
  const gpu = j.gpus > 0 ? `,gres/gpu=${j.gpus}${j.gpuType ? `,gres/gpu:${j.gpuType}=${j.gpus}` : ''}` : '';
  return `cpu=${j.cpus},mem=${memUnit(jobMemoryMiB(j))},node=${j.nodeCount},billing=${j.cpus}${gpu}`;
}

export function jobGresDetail(j: SimJob, nodes: ReadonlyMap<string, SimNode>): string[] {
  return j.allocations
    .filter((a) => a.gpus > 0)
    .map((a) => {
      const type = nodes.get(a.node)?.gpu?.type ?? '';
      return `gpu${gresType(type)}:${a.gpus}(IDX:${a.gpus === 1 ? '0' : `0-${a.gpus - 1}`})`;
    });
}

export function jobNodes(j: SimJob): string[] {
  return j.allocations.map((a) => a.node);
}

/** `1000123` or `1000100_7`, like squeue. */
export function jobDisplayId(j: SimJob): string {
  return j.arrayTaskId === null ? String(j.jobId) : `${j.arrayJobId}_${j.arrayTaskId}`;
}

export function tresMapString(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function isRunning(j: SimJob): boolean {
  return j.state === 'RUNNING';
}

/** Payload key of each endpoint's list in slurmrestd bodies (dbv0.0.38 spells qos/tres in capitals). */
export function listKeyOf(endpoint: Exclude<EndpointName, 'diag'>, legacyDb: boolean): string {
  if (endpoint === 'ping') return 'pings';
  if (legacyDb && endpoint === 'qos') return 'QOS';
  if (endpoint === 'tres') return 'TRES';
  return endpoint;
}

const TRES_IDS: Record<string, number> = { cpu: 1, mem: 2, energy: 3, node: 4, billing: 5, 'gres/gpu': 1001 };

/** `{cpu: 512, 'gres/gpu': 8}` → slurmdb TRES list entries. dbv0.0.38 reports a missing name as null. */
export function tresList(m: Record<string, number>, legacy: boolean): Record<string, unknown>[] {
  return Object.entries(m).map(([key, count]) => {
    const [type, name] = key.includes('/') ? key.split('/', 2) : [key, ''];
    return { type, name: legacy && !name ? null : name, id: TRES_IDS[key] ?? 0, count };
  });
}

/** 22.05 / v0.0.40 `allocated_nodes`: sockets → cores keyed by index (only the allocated cores). */
export function legacyAllocatedNodes(
  j: SimJob,
  nodes: ReadonlyMap<string, SimNode>,
): Record<string, unknown>[] {
  return j.allocations.map((a) => {
    const perSocket = nodes.get(a.node)?.coresPerSocket ?? a.cores;
    const sockets: Record<string, { cores: Record<string, string> }> = {};
    for (let abs = a.firstCore; abs < a.firstCore + a.cores; abs++) {
      const s = String(Math.floor(abs / perSocket));
      sockets[s] ??= { cores: {} };
      sockets[s].cores[String(abs % perSocket)] = 'allocated';
    }
    return { sockets, nodename: a.node, cpus_used: 0, memory_used: 0, memory_allocated: a.memoryMiB };
  });
}

/** How a family encodes limits: NUMBER wrappers (data_parser) or plain numbers/null (22.05). */
export interface LimitCodec {
  lim: (v: number | null) => unknown;
  tres: (m: Record<string, number>) => Record<string, unknown>[];
}

/** `max` block of a slurmdb association (same layout in dbv0.0.38 and data_parser). */
export function associationMax(a: SimAssociation, c: LimitCodec): Record<string, unknown> {
  return {
    jobs: {
      per: {
        count: c.lim(a.maxJobs),
        accruing: c.lim(null),
        submitted: c.lim(a.maxSubmitJobs),
        wall_clock: c.lim(a.maxWallMin),
      },
      active: c.lim(a.grpJobs),
      accruing: c.lim(null),
      total: c.lim(null),
    },
    tres: {
      total: c.tres(a.grpTres),
      group: { minutes: [], active: [] },
      minutes: { total: [], per: { job: [] } },
      per: { job: c.tres(a.maxTresPerJob), node: [] },
    },
    per: { account: { wall_clock: c.lim(null) } },
  };
}

/** `limits` block of a slurmdb QOS; `jobCount` adds `max.jobs.count` / `max.tres.minutes.total` (v0.0.42+). */
export function qosLimits(q: SimQos, c: LimitCodec, jobCount: boolean): Record<string, unknown> {
  return {
    grace_time: 0,
    max: {
      active_jobs: { accruing: c.lim(null), count: c.lim(q.grpJobs) },
      jobs: {
        ...(jobCount ? { count: c.lim(null) } : {}),
        active_jobs: { per: { account: c.lim(null), user: c.lim(q.maxJobsPerUser) } },
        per: { account: c.lim(null), user: c.lim(q.maxSubmitJobsPerUser) },
      },
      tres: {
        total: [],
        minutes: { ...(jobCount ? { total: [] } : {}), per: { qos: [], job: [], account: [], user: [] } },
        per: { account: [], job: c.tres(q.maxTresPerJob), node: [], user: c.tres(q.maxTresPerUser) },
      },
      wall_clock: { per: { qos: c.lim(null), job: c.lim(q.maxWallMin) } },
      accruing: { per: { account: c.lim(null), user: c.lim(null) } },
    },
    factor: c.lim(null),
    min: { priority_threshold: c.lim(null), tres: { per: { job: [] } } },
  };
}

/** The cluster-level TRES slurmdbd lists under `clusters[].tres`. */
export function clusterTres(cluster: SimCluster, legacy: boolean): Record<string, unknown>[] {
  return cluster.tres
    .filter((t) => ['cpu', 'mem', 'energy', 'node', 'billing'].includes(t.type))
    .map((t) => ({ type: t.type, name: legacy ? t.name || null : t.name, id: t.id, count: t.count }));
}
