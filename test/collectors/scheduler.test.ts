import { describe, expect, it } from 'vitest';
import { schedulerCollector } from '../../lib/collectors/scheduler.js';
import { collectWith, diag, family, sampleValue } from './fixtures.js';

const stats = diag({
  serverThreadCount: 3,
  agentQueueSize: 5,
  dbdAgentQueueSize: 7,
  scheduleCycleLast: 1500, // µs
  scheduleCycleMax: 250_000,
  scheduleCycleMean: 2000,
  scheduleCycleTotal: 1234,
  jobsSubmitted: 4321,
  jobsStarted: 4000,
  jobsCanceled: 12,
  bfCycleCounter: 42,
  bfCycleLast: 900_000, // µs: the value upstream wrongly exported as the cycle counter
  bfBackfilledJobs: 17,
  bfActive: false,
  rpcsByMessageType: [
    { key: 'REQUEST_PARTITION_INFO', count: 10, totalTimeUs: 5000, averageTimeUs: 500 },
    { key: 'REQUEST_JOB_INFO', count: 3, totalTimeUs: 30_000, averageTimeUs: null },
  ],
  rpcsByUser: [
    { key: 'root', count: 100, totalTimeUs: 1_000_000, averageTimeUs: 10_000 },
    { key: 'alice', count: 5, totalTimeUs: 10, averageTimeUs: 2 },
    { key: 'bob', count: 50, totalTimeUs: 500, averageTimeUs: 10 },
  ],
});

describe('scheduler collector', () => {
  it('converts cycle times from microseconds to seconds', () => {
    const { families } = collectWith(schedulerCollector, { diag: stats });
    expect(sampleValue(families, 'slurm_scheduler_cycle_last_seconds')).toBeCloseTo(0.0015, 10);
    expect(sampleValue(families, 'slurm_scheduler_cycle_max_seconds')).toBeCloseTo(0.25, 10);
    expect(sampleValue(families, 'slurm_scheduler_backfill_cycle_last_seconds')).toBeCloseTo(0.9, 10);
    expect(sampleValue(families, 'slurm_scheduler_threads')).toBe(3);
    expect(sampleValue(families, 'slurm_scheduler_dbd_agent_queue_size')).toBe(7);
  });

  it('exports since-reset job counters as gauges without _total (they reset at midnight)', () => {
    const { families } = collectWith(schedulerCollector, { diag: stats });
    expect(family(families, 'slurm_scheduler_jobs_submitted')?.type).toBe('gauge');
    expect(sampleValue(families, 'slurm_scheduler_jobs_submitted')).toBe(4321);
    expect(sampleValue(families, 'slurm_scheduler_jobs_canceled')).toBe(12);
    expect(families.some((f) => f.name.endsWith('_total') || f.type === 'counter')).toBe(false);
  });

  it('omits statistics slurmctld did not report', () => {
    const { families } = collectWith(schedulerCollector, { diag: stats });
    expect(sampleValue(families, 'slurm_scheduler_jobs_failed')).toBeUndefined();
    expect(sampleValue(families, 'slurm_scheduler_backfill_active')).toBe(0);
  });

  it('reports RPC stats by message type, and by user only as top N when asked', () => {
    const off = collectWith(schedulerCollector, { diag: stats }).families;
    expect(family(off, 'slurm_scheduler_rpc_user_calls')).toBeUndefined();
    expect(sampleValue(off, 'slurm_scheduler_rpc_calls', { type: 'REQUEST_PARTITION_INFO' })).toBe(10);
    expect(sampleValue(off, 'slurm_scheduler_rpc_time_seconds', { type: 'REQUEST_JOB_INFO' })).toBeCloseTo(
      0.03,
      10,
    );
    expect(
      sampleValue(off, 'slurm_scheduler_rpc_avg_time_seconds', { type: 'REQUEST_JOB_INFO' }),
    ).toBeUndefined();

    const top2 = collectWith(schedulerCollector, { diag: stats }, { options: { rpcTopUsers: 2 } }).families;
    const users = family(top2, 'slurm_scheduler_rpc_user_calls')?.samples.map((s) => s.labels.user);
    expect(users).toEqual(['root', 'bob']);
    expect(sampleValue(top2, 'slurm_scheduler_rpc_user_time_seconds', { user: 'root' })).toBe(1);
  });
});
