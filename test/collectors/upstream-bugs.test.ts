// One test per jontk/slurm-exporter bug listed in /work/shared/notes/upstream.md §5–§7 that must not come back.
import { describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../lib/collectors/index.js';
import { runCollectors } from '../../lib/collectors/run.js';
import { collectWith, diag, family, GiB, job, NOW, node, sampleValue } from './fixtures.js';
import { MemorySource } from './memory-source.js';

const TiB = 1024 * GiB;

describe('upstream bugs that must not be reproduced', () => {
  it('first state only: an IDLE+DRAIN node is drained, not idle', () => {
    const { families } = collectWith(COLLECTORS.nodes, {
      nodes: [node({ state: 'IDLE', flags: ['DRAIN'] })],
    });
    expect(sampleValue(families, 'slurm_nodes', { state: 'idle' })).toBe(0);
    expect(sampleValue(families, 'slurm_nodes', { state: 'drained' })).toBe(1);
    expect(family(families, 'slurm_node_info')?.samples[0]?.labels.state).toBe('drained');
    // Its free CPUs cannot take work either.
    expect(sampleValue(families, 'slurm_cpus', { state: 'idle' })).toBe(0);
  });

  it('numeric UID as user label: jobs are labelled with the user name', () => {
    const { families } = collectWith(
      COLLECTORS.jobs,
      { jobs: [job({ user: 'alice', userId: 1001 })] },
      { options: { perJob: true } },
    );
    const users = families.flatMap((f) => f.samples.map((s) => s.labels.user)).filter((u) => u !== undefined);
    expect(users.length).toBeGreaterThan(0);
    expect(new Set(users)).toEqual(new Set(['alice']));
  });

  it('memory >= 1 TB became 0: a 2 TiB node and job keep their memory', () => {
    const nodes = collectWith(COLLECTORS.nodes, {
      nodes: [node({ realMemoryBytes: 2 * TiB, allocMemoryBytes: 1.5 * TiB })],
    });
    expect(sampleValue(nodes.families, 'slurm_node_memory_total_bytes', { node: 'n1' })).toBe(2 * TiB);
    expect(sampleValue(nodes.families, 'slurm_memory_allocated_bytes')).toBe(1.5 * TiB);
    const jobs = collectWith(
      COLLECTORS.jobs,
      { jobs: [job({ memoryBytes: 2 * TiB })] },
      { options: { perJob: true } },
    );
    expect(sampleValue(jobs.families, 'slurm_job_memory_bytes', { job_id: '1' })).toBe(2 * TiB);
    expect(
      sampleValue(jobs.families, 'slurm_user_jobs_memory_bytes', { user: 'alice', state: 'RUNNING' }),
    ).toBe(2 * TiB);
  });

  it('cumulative counters with wrong values: backfill cycles is the cycle count, and resetting stats are gauges', () => {
    const { families } = collectWith(COLLECTORS.scheduler, {
      diag: diag({ bfCycleCounter: 42, bfCycleLast: 900_000, jobsSubmitted: 10 }),
    });
    expect(sampleValue(families, 'slurm_scheduler_backfill_cycles')).toBe(42);
    expect(sampleValue(families, 'slurm_scheduler_backfill_cycle_last_seconds')).toBe(0.9);
    expect(family(families, 'slurm_scheduler_jobs_submitted')?.type).toBe('gauge');
    expect(families.filter((f) => f.type === 'counter')).toEqual([]);
  });

  it('a cardinality limiter that never resets: every run starts with a fresh budget', async () => {
    const jobs = Array.from({ length: 3 }, (_, i) => job({ jobId: i + 1 }));
    const kept: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await runCollectors({
        collectors: [COLLECTORS.jobs],
        source: new MemorySource({ jobs }),
        now: () => NOW * 1000,
        maxSeries: 16,
        options: { jobs: { perJob: true } },
      });
      kept.push(res.families.find((f) => f.name === 'slurm_job_info')?.samples.length ?? 0);
      expect(res.statuses[0]?.dropped).toBe(8);
    }
    expect(kept).toEqual([2, 2, 2, 2, 2]);
  });

  it('multi-partition pending jobs were ignored: they count in every partition they name', () => {
    const { families } = collectWith(COLLECTORS.jobs, {
      jobs: [job({ state: 'PENDING', partitions: ['a', 'b'] })],
    });
    expect(sampleValue(families, 'slurm_partition_jobs', { partition: 'a', state: 'PENDING' })).toBe(1);
    expect(sampleValue(families, 'slurm_partition_jobs', { partition: 'b', state: 'PENDING' })).toBe(1);
  });
});
