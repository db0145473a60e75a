/** `nodes`: per-node series (capped by maxSeries) and cluster aggregates by effective state. */
import { FamilyBuilder, metric, SeriesBudget } from './family.js';
import { CPU_STATES, effectiveNodeState, NODE_STATES, nodeCpuSplit, nodeGpus } from './node-state.js';
import type { Collector, MetricDef } from './types.js';

const S = ['nodes'] as const;
const NODE = ['node'] as const;
const STATE_DOC =
  "Effective state from base state + flags, in Slurm's node_state_string order (sinfo long names): maint (idle) > " +
  'rebooting (idle) > drained/draining (DRAIN on idle/down vs busy node) > fail > down > allocated > completing > ' +
  'idle with powering_up/powering_down/powered_down/not_responding/reserved/planned > base state.';

const metrics: MetricDef[] = [
  metric(
    'slurm_node_info',
    'gauge',
    'Node facts; always 1. `state` is the effective state, `base_state` and `flags` as Slurm reports them.',
    [
      'node',
      'hostname',
      'partitions',
      'state',
      'base_state',
      'flags',
      'reason',
      'arch',
      'os',
      'slurmd_version',
      'features',
    ],
    S,
    'slurm_node_cpus_allocated * on(node) group_left(state) slurm_node_info',
  ),
  metric('slurm_node_cpus', 'gauge', 'CPUs of the node.', NODE, S),
  metric('slurm_node_cpus_allocated', 'gauge', 'CPUs allocated to jobs.', NODE, S),
  metric(
    'slurm_node_cpus_idle',
    'gauge',
    'Unallocated CPUs (0 on a DRAIN-flagged or DOWN node, like sinfo %C; see slurm_cpus).',
    NODE,
    S,
  ),
  metric('slurm_node_cpu_load', 'gauge', 'OS load average reported by slurmd.', NODE, S),
  metric('slurm_node_memory_total_bytes', 'gauge', 'Configured real memory.', NODE, S),
  metric('slurm_node_memory_allocated_bytes', 'gauge', 'Memory allocated to jobs.', NODE, S),
  metric(
    'slurm_node_memory_free_bytes',
    'gauge',
    'Free memory reported by the OS (absent when unknown).',
    NODE,
    S,
  ),
  metric('slurm_node_gpus', 'gauge', 'GPUs of the node by type (gres `gpu`).', ['node', 'gpu_type'], S),
  metric('slurm_node_gpus_allocated', 'gauge', 'GPUs in use by type.', ['node', 'gpu_type'], S),
  metric(
    'slurm_nodes',
    'gauge',
    `Nodes by effective state. ${STATE_DOC}`,
    ['state'],
    S,
    'sum(slurm_nodes{state=~"down|drained|draining|fail"}) / sum(slurm_nodes)',
  ),
  metric('slurm_cluster_nodes', 'gauge', 'Nodes known to slurmctld.', [], S),
  metric(
    'slurm_cpus',
    'gauge',
    'Cluster CPUs by state, as sinfo %C: alloc, idle, other (unallocated CPUs of DRAIN-flagged or DOWN nodes), total.',
    ['state'],
    S,
    'slurm_cpus{state="alloc"} / slurm_cpus{state="total"}',
  ),
  metric('slurm_memory_total_bytes', 'gauge', 'Sum of node real memory.', [], S),
  metric('slurm_memory_allocated_bytes', 'gauge', 'Sum of memory allocated to jobs.', [], S),
  metric('slurm_memory_free_bytes', 'gauge', 'Sum of free memory of nodes that report it.', [], S),
  metric('slurm_cpu_load', 'gauge', 'Sum of node load averages.', [], S),
  metric('slurm_gpus', 'gauge', 'GPUs by type.', ['gpu_type'], S),
  metric('slurm_gpus_allocated', 'gauge', 'GPUs in use by type.', ['gpu_type'], S),
  metric('slurm_gpus_idle', 'gauge', 'GPUs not in use by type (total - allocated).', ['gpu_type'], S),
];

export const nodesCollector: Collector = {
  name: 'nodes',
  endpoints: S,
  metrics,
  start(ctx) {
    const budget = new SeriesBudget(ctx.options.maxSeries);
    return {
      dropped: () => budget.dropped,
      finish(data) {
        const b = new FamilyBuilder(metrics);
        const cpus = { alloc: 0, idle: 0, other: 0, total: 0 };
        const mem = { total: 0, alloc: 0, free: 0, load: 0 };
        const gpus = new Map<string, { total: number; allocated: number }>();
        for (const s of NODE_STATES) b.set('slurm_nodes', { state: s }, 0);
        for (const n of data.nodes ?? []) {
          const state = effectiveNodeState(n);
          b.inc('slurm_nodes', { state });
          const split = nodeCpuSplit(n);
          for (const k of CPU_STATES) cpus[k] += split[k];
          mem.total += n.realMemoryBytes;
          mem.alloc += n.allocMemoryBytes ?? 0;
          mem.free += n.freeMemoryBytes ?? 0;
          mem.load += n.cpuLoad ?? 0;
          const ng = nodeGpus(n);
          for (const [type, g] of ng) {
            const cur = gpus.get(type) ?? { total: 0, allocated: 0 };
            cur.total += g.total;
            cur.allocated += g.allocated;
            gpus.set(type, cur);
          }
          // Whole nodes are kept or dropped, so a node never shows up with half of its series.
          const series =
            8 + 2 * ng.size - (n.cpuLoad === null ? 1 : 0) - (n.freeMemoryBytes === null ? 1 : 0);
          if (!budget.take(series)) continue;
          const node = { node: n.name };
          b.set(
            'slurm_node_info',
            {
              node: n.name,
              hostname: n.hostname,
              partitions: n.partitions.join(','),
              state,
              base_state: n.state,
              flags: n.flags.join(','),
              reason: n.reason,
              arch: n.arch,
              os: n.os,
              slurmd_version: n.slurmdVersion,
              features: n.features.join(','),
            },
            1,
          );
          b.set('slurm_node_cpus', node, split.total);
          b.set('slurm_node_cpus_allocated', node, split.alloc);
          b.set('slurm_node_cpus_idle', node, split.idle);
          b.set('slurm_node_cpu_load', node, n.cpuLoad);
          b.set('slurm_node_memory_total_bytes', node, n.realMemoryBytes);
          b.set('slurm_node_memory_allocated_bytes', node, n.allocMemoryBytes ?? 0);
          b.set('slurm_node_memory_free_bytes', node, n.freeMemoryBytes);
          for (const [type, g] of ng) {
            b.set('slurm_node_gpus', { node: n.name, gpu_type: type }, g.total);
            b.set('slurm_node_gpus_allocated', { node: n.name, gpu_type: type }, g.allocated);
          }
        }
        b.set('slurm_cluster_nodes', {}, data.nodes?.length ?? 0);
        for (const k of CPU_STATES) b.set('slurm_cpus', { state: k }, cpus[k]);
        b.set('slurm_memory_total_bytes', {}, mem.total);
        b.set('slurm_memory_allocated_bytes', {}, mem.alloc);
        b.set('slurm_memory_free_bytes', {}, mem.free);
        b.set('slurm_cpu_load', {}, mem.load);
        for (const [type, g] of gpus) {
          b.set('slurm_gpus', { gpu_type: type }, g.total);
          b.set('slurm_gpus_allocated', { gpu_type: type }, g.allocated);
          b.set('slurm_gpus_idle', { gpu_type: type }, g.total - g.allocated);
        }
        return b.families();
      },
    };
  },
};
