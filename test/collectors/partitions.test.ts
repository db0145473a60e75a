import { describe, expect, it } from 'vitest';
import { partitionsCollector } from '../../lib/collectors/partitions.js';
import { collectWith, family, job, node, partition, sampleValue } from './fixtures.js';

const partitions = [
  partition({ name: 'batch', isDefault: true }),
  partition({ name: 'gpu', state: 'DOWN', maxTimeSeconds: 86_400, maxNodes: 2 }),
  partition({ name: 'debug' }),
];
const nodes = [
  node({ name: 'n1', partitions: ['batch', 'debug'] }),
  node({ name: 'n2', flags: ['DRAIN'], partitions: ['batch'] }),
  node({
    name: 'n3',
    state: 'ALLOCATED',
    allocCpus: 8,
    partitions: ['batch', 'gpu'],
    gres: [{ name: 'gpu', type: 'h100', total: 4, allocated: 4 }],
  }),
  node({ name: 'n4', state: 'DOWN', partitions: ['gpu'] }),
  node({ name: 'n5', partitions: ['retired'] }),
];
const jobs = [
  job({ jobId: 1, state: 'PENDING', partitions: ['batch', 'gpu'] }),
  job({ jobId: 2, state: 'PENDING', partitions: ['batch'] }),
  job({ jobId: 3, state: 'RUNNING', partitions: ['gpu'] }),
  job({ jobId: 4, state: 'COMPLETED', partitions: ['batch'] }),
  job({ jobId: 5, state: 'RUNNING', partitions: ['debug'] }),
];

describe('partitions collector', () => {
  it('counts member nodes by effective state per partition', () => {
    const { families } = collectWith(partitionsCollector, { partitions, nodes, jobs });
    expect(sampleValue(families, 'slurm_partition_nodes', { partition: 'batch', state: 'idle' })).toBe(1);
    expect(sampleValue(families, 'slurm_partition_nodes', { partition: 'batch', state: 'drained' })).toBe(1);
    expect(sampleValue(families, 'slurm_partition_nodes', { partition: 'batch', state: 'allocated' })).toBe(
      1,
    );
    expect(sampleValue(families, 'slurm_partition_nodes', { partition: 'debug', state: 'idle' })).toBe(1);
    expect(sampleValue(families, 'slurm_partition_nodes', { partition: 'gpu', state: 'down' })).toBe(1);
    expect(sampleValue(families, 'slurm_partition_nodes', { partition: 'gpu', state: 'idle' })).toBe(0);
    // n5 belongs to a partition slurmctld does not list: no series for it.
    const parts = new Set(family(families, 'slurm_partition_nodes')?.samples.map((s) => s.labels.partition));
    expect([...parts].sort()).toEqual(['batch', 'debug', 'gpu']);
  });

  it('derives partition CPUs and GPUs from member nodes', () => {
    const { families } = collectWith(partitionsCollector, { partitions, nodes, jobs });
    expect(sampleValue(families, 'slurm_partition_cpus', { partition: 'batch', state: 'total' })).toBe(24);
    expect(sampleValue(families, 'slurm_partition_cpus', { partition: 'batch', state: 'alloc' })).toBe(8);
    expect(sampleValue(families, 'slurm_partition_cpus', { partition: 'batch', state: 'idle' })).toBe(8);
    expect(sampleValue(families, 'slurm_partition_cpus', { partition: 'batch', state: 'other' })).toBe(8);
    expect(sampleValue(families, 'slurm_partition_cpus', { partition: 'gpu', state: 'other' })).toBe(8);
    expect(sampleValue(families, 'slurm_partition_gpus', { partition: 'gpu' })).toBe(4);
    expect(sampleValue(families, 'slurm_partition_gpus_allocated', { partition: 'batch' })).toBe(4);
    expect(sampleValue(families, 'slurm_partition_gpus', { partition: 'debug' })).toBe(0);
  });

  it('counts a node that lists a partition twice once, with its memory', () => {
    const twice = node({
      name: 'n6',
      partitions: ['debug', 'debug', 'gpu'],
      realMemoryBytes: 1000,
      allocMemoryBytes: 300,
    });
    const { families } = collectWith(partitionsCollector, { partitions, nodes: [...nodes, twice], jobs });
    const debugIdle = sampleValue(families, 'slurm_partition_nodes', { partition: 'debug', state: 'idle' });
    expect(debugIdle).toBe(2);
    expect(sampleValue(families, 'slurm_partition_cpus', { partition: 'debug', state: 'total' })).toBe(16);
    const gpuMemory = sampleValue(families, 'slurm_partition_memory_total_bytes', { partition: 'gpu' });
    const debugMemory = sampleValue(families, 'slurm_partition_memory_total_bytes', { partition: 'debug' });
    // n1 (32 GiB) + n6 in debug; n3, n4 (32 GiB each) + n6 in gpu.
    expect(debugMemory).toBe(32 * 2 ** 30 + 1000);
    expect(gpuMemory).toBe(64 * 2 ** 30 + 1000);
    expect(sampleValue(families, 'slurm_partition_memory_allocated_bytes', { partition: 'debug' })).toBe(300);
  });

  it('counts a pending job that names several partitions in each of them', () => {
    const { families } = collectWith(partitionsCollector, { partitions, nodes, jobs });
    expect(sampleValue(families, 'slurm_partition_jobs_pending', { partition: 'batch' })).toBe(2);
    expect(sampleValue(families, 'slurm_partition_jobs_pending', { partition: 'gpu' })).toBe(1);
    expect(sampleValue(families, 'slurm_partition_jobs_pending', { partition: 'debug' })).toBe(0);
    expect(sampleValue(families, 'slurm_partition_jobs_running', { partition: 'gpu' })).toBe(1);
    expect(sampleValue(families, 'slurm_partition_jobs_running', { partition: 'batch' })).toBe(0);
  });

  it('reports config: state, default, limits with +Inf for UNLIMITED and nothing when unset', () => {
    const { families } = collectWith(partitionsCollector, { partitions });
    expect(
      sampleValue(families, 'slurm_partition_info', { partition: 'batch', state: 'UP', default: 'true' }),
    ).toBe(1);
    expect(sampleValue(families, 'slurm_partition_up', { partition: 'gpu' })).toBe(0);
    expect(sampleValue(families, 'slurm_partition_max_time_seconds', { partition: 'batch' })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(sampleValue(families, 'slurm_partition_max_time_seconds', { partition: 'gpu' })).toBe(86_400);
    expect(
      sampleValue(families, 'slurm_partition_default_time_seconds', { partition: 'gpu' }),
    ).toBeUndefined();
    // Without nodes and jobs (optional endpoints failed) only config series remain.
    expect(family(families, 'slurm_partition_nodes')).toBeUndefined();
    expect(family(families, 'slurm_partition_jobs_pending')).toBeUndefined();
  });
});
