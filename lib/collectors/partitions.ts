/**
 * `partitions`: partition config plus node, CPU, GPU and job counts per partition. Node membership comes from
 * each node's `partitions` list (a node in two partitions counts in both); a pending job that names several
 * partitions counts as pending in each of them (upstream ignored such jobs).
 */
import { FamilyBuilder, metric } from './family.js';
import {
  CPU_STATES,
  type CpuState,
  effectiveNodeState,
  NODE_STATES,
  nodeCpuSplit,
  nodeGpus,
} from './node-state.js';
import type { Collector, MetricDef } from './types.js';

const P = ['partition'] as const;
const S = ['partitions'] as const;

const metrics: MetricDef[] = [
  metric('slurm_partition_info', 'gauge', 'Partition facts; always 1.', ['partition', 'state', 'default'], S),
  metric('slurm_partition_up', 'gauge', '1 when the partition state is UP.', P, S),
  metric(
    'slurm_partition_max_time_seconds',
    'gauge',
    'MaxTime of jobs; +Inf when UNLIMITED, absent when unset.',
    P,
    S,
  ),
  metric('slurm_partition_default_time_seconds', 'gauge', 'DefaultTime of jobs; absent when unset.', P, S),
  metric('slurm_partition_max_nodes', 'gauge', 'MaxNodes per job; +Inf when UNLIMITED.', P, S),
  metric('slurm_partition_priority_tier', 'gauge', 'PriorityTier.', P, S),
  metric('slurm_partition_configured_nodes', 'gauge', 'TotalNodes from the partition configuration.', P, S),
  metric('slurm_partition_configured_cpus', 'gauge', 'TotalCPUs from the partition configuration.', P, S),
  metric(
    'slurm_partition_nodes',
    'gauge',
    'Member nodes by effective state (same mapping as slurm_nodes).',
    ['partition', 'state'],
    ['partitions', 'nodes'],
    'slurm_partition_nodes{state=~"idle|mixed"}',
  ),
  metric(
    'slurm_partition_cpus',
    'gauge',
    'CPUs of member nodes by state alloc|idle|other|total (same semantics as slurm_cpus).',
    ['partition', 'state'],
    ['partitions', 'nodes'],
  ),
  metric('slurm_partition_memory_total_bytes', 'gauge', 'Real memory of member nodes.', P, [
    'partitions',
    'nodes',
  ]),
  metric('slurm_partition_memory_allocated_bytes', 'gauge', 'Allocated memory of member nodes.', P, [
    'partitions',
    'nodes',
  ]),
  metric('slurm_partition_gpus', 'gauge', 'GPUs of member nodes.', P, ['partitions', 'nodes']),
  metric('slurm_partition_gpus_allocated', 'gauge', 'GPUs in use on member nodes.', P, [
    'partitions',
    'nodes',
  ]),
  metric(
    'slurm_partition_jobs_pending',
    'gauge',
    'Pending jobs that may run in the partition (a job naming several partitions counts in each).',
    P,
    ['partitions', 'jobs'],
  ),
  metric('slurm_partition_jobs_running', 'gauge', 'Running jobs in the partition.', P, [
    'partitions',
    'jobs',
  ]),
];

interface PartitionTotals {
  /** Member nodes by effective state; every NODE_STATES entry present (0 when none). */
  nodes: Map<string, number>;
  cpus: Record<CpuState, number>;
  memory: number;
  memoryAllocated: number;
  gpus: number;
  gpusAllocated: number;
}

function newTotals(): PartitionTotals {
  return {
    nodes: new Map(NODE_STATES.map((s) => [s, 0])),
    cpus: { alloc: 0, idle: 0, other: 0, total: 0 },
    memory: 0,
    memoryAllocated: 0,
    gpus: 0,
    gpusAllocated: 0,
  };
}

export const partitionsCollector: Collector = {
  name: 'partitions',
  endpoints: S,
  optionalEndpoints: ['nodes', 'jobs'],
  metrics,
  jobFields: () => ['state', 'partitions'],
  start() {
    const pending = new Map<string, number>();
    const running = new Map<string, number>();
    return {
      onJob(job) {
        const target = job.state === 'PENDING' ? pending : job.state === 'RUNNING' ? running : null;
        if (!target) return;
        // A job can list a partition twice only by mistake; count it once. (Nearly every job names one
        // partition: no Set for those, this runs per job.)
        const ps = job.partitions;
        if (ps.length === 1) target.set(ps[0] as string, (target.get(ps[0] as string) ?? 0) + 1);
        else for (const p of new Set(ps)) target.set(p, (target.get(p) ?? 0) + 1);
      },
      finish(data) {
        const b = new FamilyBuilder(metrics);
        const parts = data.partitions ?? [];
        for (const p of parts) {
          const l = { partition: p.name };
          b.set(
            'slurm_partition_info',
            { partition: p.name, state: p.state, default: String(p.isDefault) },
            1,
          );
          b.set('slurm_partition_up', l, p.state.toUpperCase() === 'UP' ? 1 : 0);
          b.set('slurm_partition_max_time_seconds', l, p.maxTimeSeconds);
          b.set('slurm_partition_default_time_seconds', l, p.defaultTimeSeconds);
          b.set('slurm_partition_max_nodes', l, p.maxNodes);
          b.set('slurm_partition_priority_tier', l, p.priorityTier);
          b.set('slurm_partition_configured_nodes', l, p.totalNodes);
          b.set('slurm_partition_configured_cpus', l, p.totalCpus);
        }
        if (data.nodes) {
          // Plain totals per partition, turned into samples once: the per-node loop runs partitions x nodes
          // times after the /jobs stream (on the critical path), and a label object plus a series key per
          // increment cost more than the sums.
          const totals = new Map<string, PartitionTotals>();
          for (const p of parts) if (!totals.has(p.name)) totals.set(p.name, newTotals());
          for (const n of data.nodes) {
            const state = effectiveNodeState(n);
            const split = nodeCpuSplit(n);
            let gTotal = 0;
            let gAlloc = 0;
            for (const g of nodeGpus(n).values()) {
              gTotal += g.total;
              gAlloc += g.allocated;
            }
            const ps = n.partitions;
            for (let i = 0; i < ps.length; i++) {
              const t = totals.get(ps[i] as string);
              // Unknown partition, or listed twice on the node (counted once).
              if (t === undefined || ps.indexOf(ps[i] as string) !== i) continue;
              t.nodes.set(state, (t.nodes.get(state) ?? 0) + 1);
              for (const k of CPU_STATES) t.cpus[k] += split[k];
              t.memory += n.realMemoryBytes;
              t.memoryAllocated += n.allocMemoryBytes ?? 0;
              t.gpus += gTotal;
              t.gpusAllocated += gAlloc;
            }
          }
          for (const [partition, t] of totals) {
            for (const [state, count] of t.nodes) b.set('slurm_partition_nodes', { partition, state }, count);
            for (const k of CPU_STATES) b.set('slurm_partition_cpus', { partition, state: k }, t.cpus[k]);
            const l = { partition };
            b.set('slurm_partition_memory_total_bytes', l, t.memory);
            b.set('slurm_partition_memory_allocated_bytes', l, t.memoryAllocated);
            b.set('slurm_partition_gpus', l, t.gpus);
            b.set('slurm_partition_gpus_allocated', l, t.gpusAllocated);
          }
        }
        if (data.jobs !== undefined) {
          for (const p of parts) {
            b.set('slurm_partition_jobs_pending', { partition: p.name }, pending.get(p.name) ?? 0);
            b.set('slurm_partition_jobs_running', { partition: p.name }, running.get(p.name) ?? 0);
          }
        }
        return b.families();
      },
    };
  },
};
