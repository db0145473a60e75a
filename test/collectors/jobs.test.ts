import { describe, expect, it } from 'vitest';
import { jobsCollector } from '../../lib/collectors/jobs.js';
import { collectWith, defaultOptions, family, GiB, job, meta, NOW, sampleValue } from './fixtures.js';

const jobs = [
  job({
    jobId: 1,
    user: 'alice',
    account: 'physics',
    partitions: ['batch'],
    cpus: 4,
    memoryBytes: 8 * GiB,
    gpus: 1,
    startTime: NOW - 300,
  }),
  job({
    jobId: 2,
    user: 'bob',
    account: 'chem',
    partitions: ['gpu'],
    qos: 'high',
    cpus: 2,
    memoryBytes: null,
    gpus: 2,
    startTime: NOW - 100,
  }),
  job({
    jobId: 3,
    state: 'PENDING',
    reason: 'Resources',
    partitions: ['batch', 'gpu'],
    cpus: 8,
    memoryBytes: 16 * GiB,
    submitTime: NOW - 1000,
    startTime: null,
  }),
  job({
    jobId: 4,
    state: 'PENDING',
    reason: 'Priority',
    user: 'bob',
    account: 'chem',
    cpus: 1,
    submitTime: NOW - 10,
    startTime: null,
  }),
  job({
    jobId: 5,
    state: 'PENDING',
    reason: 'Dependency',
    user: 'carol',
    partitions: ['debug'],
    submitTime: null,
    startTime: null,
  }),
  job({ jobId: 6, state: 'COMPLETED', flags: ['COMPLETING'], endTime: NOW - 5 }),
  job({ jobId: 7, state: 'SPECIAL_EXIT', user: 'dave' }),
];

describe('jobs collector', () => {
  it('counts jobs by base state, every common state present even at 0', () => {
    const { families } = collectWith(jobsCollector, { jobs });
    expect(sampleValue(families, 'slurm_jobs', { state: 'RUNNING' })).toBe(2);
    expect(sampleValue(families, 'slurm_jobs', { state: 'PENDING' })).toBe(3);
    expect(sampleValue(families, 'slurm_jobs', { state: 'COMPLETED' })).toBe(1);
    expect(sampleValue(families, 'slurm_jobs', { state: 'SPECIAL_EXIT' })).toBe(1);
    expect(sampleValue(families, 'slurm_jobs', { state: 'FAILED' })).toBe(0);
    expect(sampleValue(families, 'slurm_jobs_with_flag', { flag: 'COMPLETING' })).toBe(1);
  });

  it('aggregates counts, CPUs, memory and GPUs by user, account, partition and qos', () => {
    const { families } = collectWith(jobsCollector, { jobs });
    expect(sampleValue(families, 'slurm_user_jobs', { user: 'alice', state: 'RUNNING' })).toBe(1);
    expect(sampleValue(families, 'slurm_user_jobs', { user: 'alice', state: 'PENDING' })).toBe(1);
    expect(sampleValue(families, 'slurm_user_jobs', { user: 'bob', state: 'PENDING' })).toBe(1);
    expect(sampleValue(families, 'slurm_user_jobs_cpus', { user: 'alice', state: 'RUNNING' })).toBe(4);
    expect(sampleValue(families, 'slurm_user_jobs_memory_bytes', { user: 'alice', state: 'RUNNING' })).toBe(
      8 * GiB,
    );
    // Unknown memory contributes nothing rather than a guess.
    expect(sampleValue(families, 'slurm_user_jobs_memory_bytes', { user: 'bob', state: 'RUNNING' })).toBe(0);
    expect(sampleValue(families, 'slurm_account_jobs_gpus', { account: 'chem', state: 'RUNNING' })).toBe(2);
    expect(sampleValue(families, 'slurm_account_jobs', { account: 'physics', state: 'PENDING' })).toBe(2);
    expect(sampleValue(families, 'slurm_qos_jobs', { qos: 'high', state: 'RUNNING' })).toBe(1);
    // Job 3 may run in batch or gpu: pending in both.
    expect(sampleValue(families, 'slurm_partition_jobs', { partition: 'batch', state: 'PENDING' })).toBe(2);
    expect(sampleValue(families, 'slurm_partition_jobs', { partition: 'gpu', state: 'PENDING' })).toBe(1);
    expect(sampleValue(families, 'slurm_partition_jobs_cpus', { partition: 'gpu', state: 'PENDING' })).toBe(
      8,
    );
  });

  it('reports pending reasons, queue wait and running time', () => {
    const { families } = collectWith(jobsCollector, { jobs });
    expect(sampleValue(families, 'slurm_jobs_pending_by_reason', { reason: 'Resources' })).toBe(1);
    expect(sampleValue(families, 'slurm_jobs_pending_by_reason', { reason: 'Dependency' })).toBe(1);
    expect(sampleValue(families, 'slurm_jobs_pending_oldest_age_seconds')).toBe(1000);
    expect(sampleValue(families, 'slurm_jobs_pending_wait_seconds')).toBe(1010);
    expect(sampleValue(families, 'slurm_jobs_pending_wait_jobs')).toBe(2);
    expect(sampleValue(families, 'slurm_jobs_running_runtime_seconds')).toBe(400);
    expect(sampleValue(families, 'slurm_jobs_running_runtime_jobs')).toBe(2);
    expect(sampleValue(families, 'slurm_jobs_running_runtime_seconds_max')).toBe(300);
  });

  it('emits no per-job series unless perJob is on', () => {
    const { families, dropped } = collectWith(jobsCollector, { jobs });
    expect(families.filter((f) => f.name.startsWith('slurm_job_'))).toEqual([]);
    expect(dropped).toBe(0);
  });

  it('emits per-job series for active jobs only when perJob is on', () => {
    const { families } = collectWith(jobsCollector, { jobs }, { options: { perJob: true } });
    const ids = family(families, 'slurm_job_info')?.samples.map((s) => s.labels.job_id);
    // Jobs 1-5 are active, 6 finished; SPECIAL_EXIT is not a terminal state Slurm purges.
    expect(ids?.sort()).toEqual(['1', '2', '3', '4', '5', '7']);
    expect(sampleValue(families, 'slurm_job_time_limit_seconds', { job_id: '1' })).toBe(3600);
    expect(sampleValue(families, 'slurm_job_start_timestamp_seconds', { job_id: '1' })).toBe(NOW - 300);
  });

  it('does not keep the job objects it was handed', () => {
    const run = jobsCollector.start({ cluster: 'c', now: NOW, meta: meta(), options: defaultOptions() });
    const j = job({ cpus: 3 });
    run.onJob?.(j);
    j.cpus = 999;
    j.user = 'mallory';
    const families = run.finish({ jobs: [] });
    expect(sampleValue(families, 'slurm_user_jobs_cpus', { user: 'alice', state: 'RUNNING' })).toBe(3);
    expect(sampleValue(families, 'slurm_user_jobs', { user: 'mallory', state: 'RUNNING' })).toBeUndefined();
  });
});
