/**
 * Ground truth computed straight from a simulated cluster description, independent of any API rendering.
 * Tests compare what the exporter reports (after fetching, adapting and collecting) with these numbers.
 */
import type { SimCluster, SimNode } from './types.js';

export interface ClusterTruth {
  nodes: {
    total: number;
    /** By base state (IDLE, ALLOCATED, MIXED, DOWN). */
    byState: Record<string, number>;
    /**
     * By effective state, lower case: DRAIN wins (`drained` when the base is IDLE/DOWN, `draining` when
     * ALLOCATED/MIXED); DOWN (with or without NOT_RESPONDING) is `down`; otherwise the base state.
     */
    byEffectiveState: Record<string, number>;
    /** Nodes carrying each flag (DRAIN, NOT_RESPONDING, POWERED_DOWN, ...). */
    byFlag: Record<string, number>;
  };
  cpus: { total: number; alloc: number; idle: number };
  memoryMiB: { total: number; alloc: number };
  gpus: { total: number; alloc: number };
  jobs: {
    total: number;
    /** By base state. */
    byState: Record<string, number>;
    /** partition → base state → count; a pending job naming several partitions counts in each. */
    byPartitionState: Record<string, Record<string, number>>;
    pendingByReason: Record<string, number>;
    /** Sum of cpus of RUNNING jobs (equals cpus.alloc). */
    runningCpus: number;
    runningGpus: number;
  };
  licenses: Record<string, { total: number; used: number; free: number; reserved: number }>;
  partitions: Record<string, { nodes: number; cpus: number }>;
}

function inc(rec: Record<string, number>, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}

export function effectiveNodeState(node: Pick<SimNode, 'state' | 'flags'>): string {
  if (node.flags.includes('DRAIN')) {
    return node.state === 'ALLOCATED' || node.state === 'MIXED' ? 'draining' : 'drained';
  }
  return node.state.toLowerCase();
}

export function clusterTruth(cluster: SimCluster): ClusterTruth {
  const byState: Record<string, number> = {};
  const byEffectiveState: Record<string, number> = {};
  const byFlag: Record<string, number> = {};
  const cpus = { total: 0, alloc: 0, idle: 0 };
  const memoryMiB = { total: 0, alloc: 0 };
  const gpus = { total: 0, alloc: 0 };
  for (const n of cluster.nodes) {
    inc(byState, n.state);
    inc(byEffectiveState, effectiveNodeState(n));
    for (const f of n.flags) inc(byFlag, f);
    cpus.total += n.cpus;
    cpus.alloc += n.allocCpus;
    memoryMiB.total += n.realMemoryMiB;
    memoryMiB.alloc += n.allocMemoryMiB;
    gpus.total += n.gpu?.count ?? 0;
    gpus.alloc += n.allocGpus;
  }
  cpus.idle = cpus.total - cpus.alloc;
  const jobsByState: Record<string, number> = {};
  const byPartitionState: Record<string, Record<string, number>> = {};
  const pendingByReason: Record<string, number> = {};
  let runningCpus = 0;
  let runningGpus = 0;
  for (const j of cluster.jobs) {
    inc(jobsByState, j.state);
    for (const p of j.partitions) {
      byPartitionState[p] ??= {};
      inc(byPartitionState[p], j.state);
    }
    if (j.state === 'PENDING') inc(pendingByReason, j.reason);
    if (j.state === 'RUNNING') {
      runningCpus += j.cpus;
      runningGpus += j.gpus;
    }
  }
  const licenses: ClusterTruth['licenses'] = {};
  for (const l of cluster.licenses) {
    licenses[l.name] = {
      total: l.total,
      used: l.used,
      free: l.total - l.used - l.reserved,
      reserved: l.reserved,
    };
  }
  const partitions: ClusterTruth['partitions'] = {};
  for (const p of cluster.partitions) partitions[p.name] = { nodes: p.nodes.length, cpus: p.totalCpus };
  return {
    nodes: { total: cluster.nodes.length, byState, byEffectiveState, byFlag },
    cpus,
    memoryMiB,
    gpus,
    jobs: {
      total: cluster.jobs.length,
      byState: jobsByState,
      byPartitionState,
      pendingByReason,
      runningCpus,
      runningGpus,
    },
    licenses,
    partitions,
  };
}
