import { describe, expect, it } from 'vitest';
import { nodesCollector } from '../../lib/collectors/nodes.js';
import { collectWith, family, GiB, node, sampleValue } from './fixtures.js';

// Ten 8-CPU nodes, one per interesting state/flag combination.
const cluster = [
  node({ name: 'n1', state: 'IDLE' }),
  node({ name: 'n2', state: 'IDLE', flags: ['DRAIN'], reason: 'disk' }),
  node({ name: 'n3', state: 'MIXED', flags: ['DRAIN'], allocCpus: 4 }),
  node({ name: 'n4', state: 'DOWN', flags: ['NOT_RESPONDING'], cpuLoad: null, freeMemoryBytes: null }),
  node({
    name: 'n5',
    state: 'ALLOCATED',
    allocCpus: 8,
    gres: [{ name: 'gpu', type: 'h100', total: 4, allocated: 4 }],
  }),
  node({
    name: 'n6',
    state: 'MIXED',
    allocCpus: 2,
    gres: [
      { name: 'gpu', type: 'h100', total: 4, allocated: 1 },
      { name: 'gpu', type: 'a100', total: 2, allocated: 0 },
    ],
  }),
  node({ name: 'n7', state: 'IDLE', flags: ['NOT_RESPONDING'] }),
  node({ name: 'n8', state: 'IDLE', flags: ['MAINTENANCE', 'RESERVED'] }),
  node({ name: 'n9', state: 'IDLE', flags: ['POWERED_DOWN'] }),
  node({ name: 'n10', state: 'ALLOCATED', flags: ['COMPLETING'], allocCpus: 8 }),
];

describe('nodes collector', () => {
  it('counts every node once in its effective state, flags included', () => {
    const { families } = collectWith(nodesCollector, { nodes: cluster });
    const expected: Record<string, number> = {
      idle: 1, // n1
      drained: 1, // n2: DRAIN on an idle node
      draining: 1, // n3: DRAIN on a mixed node
      down: 1, // n4: DOWN wins over NOT_RESPONDING
      allocated: 2, // n5, n10 (ALLOCATED+COMPLETING is sinfo `allocated+`)
      mixed: 1, // n6
      not_responding: 1, // n7: IDLE+NOT_RESPONDING, not down
      maint: 1, // n8: MAINTENANCE before RESERVED
      powered_down: 1, // n9
      completing: 0,
      reserved: 0,
      fail: 0,
      error: 0,
    };
    for (const [state, n] of Object.entries(expected)) {
      expect(sampleValue(families, 'slurm_nodes', { state }), state).toBe(n);
    }
    const total = family(families, 'slurm_nodes')?.samples.reduce((a, s) => a + s.value, 0);
    expect(total).toBe(10);
    expect(sampleValue(families, 'slurm_cluster_nodes')).toBe(10);
  });

  it('splits cluster CPUs into alloc / idle / other like sinfo %C', () => {
    const { families } = collectWith(nodesCollector, { nodes: cluster });
    // alloc: n3 4 + n5 8 + n6 2 + n10 8; other: free CPUs of the DRAIN/DOWN nodes n2, n3, n4; idle: the free CPUs
    // of every other node, n7 (idle*) and n9 (idle~) included, as sinfo's _update_sinfo() counts them.
    expect(sampleValue(families, 'slurm_cpus', { state: 'alloc' })).toBe(22);
    expect(sampleValue(families, 'slurm_cpus', { state: 'other' })).toBe(8 + 4 + 8);
    expect(sampleValue(families, 'slurm_cpus', { state: 'idle' })).toBe(8 + 6 + 8 + 8 + 8);
    expect(sampleValue(families, 'slurm_cpus', { state: 'total' })).toBe(80);
    expect(sampleValue(families, 'slurm_node_cpus_idle', { node: 'n2' })).toBe(0);
    expect(sampleValue(families, 'slurm_node_cpus_idle', { node: 'n6' })).toBe(6);
  });

  it('sums GPUs by type from gres', () => {
    const { families } = collectWith(nodesCollector, { nodes: cluster });
    expect(sampleValue(families, 'slurm_gpus', { gpu_type: 'h100' })).toBe(8);
    expect(sampleValue(families, 'slurm_gpus_allocated', { gpu_type: 'h100' })).toBe(5);
    expect(sampleValue(families, 'slurm_gpus_idle', { gpu_type: 'h100' })).toBe(3);
    expect(sampleValue(families, 'slurm_gpus', { gpu_type: 'a100' })).toBe(2);
    expect(sampleValue(families, 'slurm_node_gpus_allocated', { node: 'n6', gpu_type: 'h100' })).toBe(1);
  });

  it('reports node facts with effective state, raw state and all flags', () => {
    const { families } = collectWith(nodesCollector, {
      nodes: [
        node({
          name: 'x',
          state: 'MIXED',
          flags: ['DRAIN', 'COMPLETING'],
          partitions: ['a', 'b'],
          reason: 'r"1',
        }),
      ],
    });
    const info = family(families, 'slurm_node_info')?.samples[0];
    expect(info?.labels).toMatchObject({
      node: 'x',
      state: 'draining',
      base_state: 'MIXED',
      flags: 'DRAIN,COMPLETING',
      partitions: 'a,b',
      reason: 'r"1',
    });
    expect(info?.value).toBe(1);
  });

  it('omits load and free memory when the node does not report them', () => {
    const { families } = collectWith(nodesCollector, { nodes: cluster });
    expect(sampleValue(families, 'slurm_node_cpu_load', { node: 'n4' })).toBeUndefined();
    expect(sampleValue(families, 'slurm_node_memory_free_bytes', { node: 'n4' })).toBeUndefined();
    expect(sampleValue(families, 'slurm_node_cpu_load', { node: 'n1' })).toBe(0.5);
    // 9 nodes report 30 GiB free; n4 does not.
    expect(sampleValue(families, 'slurm_memory_free_bytes')).toBe(9 * 30 * GiB);
  });

  it('caps per-node series by maxSeries, counts the drop, keeps cluster aggregates complete', () => {
    // Each GPU-less node with load and free memory has 8 per-node series.
    const nodes = Array.from({ length: 5 }, (_, i) => node({ name: `c${i}` }));
    const { families, dropped } = collectWith(nodesCollector, { nodes }, { options: { maxSeries: 20 } });
    expect(family(families, 'slurm_node_info')?.samples).toHaveLength(2);
    expect(dropped).toBe(3 * 8);
    expect(sampleValue(families, 'slurm_nodes', { state: 'idle' })).toBe(5);
    expect(sampleValue(families, 'slurm_cpus', { state: 'total' })).toBe(40);
  });
});
