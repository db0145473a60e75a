/**
 * Per-job series of the `jobs` collector (collectors.jobs.per_job): one set per active job, kept or dropped
 * whole against the run's series budget.
 */
import { JOB_BASE_STATE_LIST, type JobField, type SlurmJob } from '../slurm/model.js';
import { type FamilyBuilder, metric, type SeriesBudget } from './family.js';
import type { MetricDef } from './types.js';

const S = ['jobs'] as const;
/** Final states: such jobs linger in /jobs until MinJobAge but get no per-job series. */
const TERMINAL = new Set<string>(
  JOB_BASE_STATE_LIST.filter((s) => s !== 'PENDING' && s !== 'RUNNING' && s !== 'SUSPENDED'),
);

const JOB = ['job_id'] as const;
export const PER_JOB_METRICS: readonly MetricDef[] = [
  metric(
    'slurm_job_info',
    'gauge',
    'One per active (non-terminal) job; always 1. Only with collectors.jobs.per_job.',
    ['job_id', 'name', 'user', 'account', 'partition', 'qos', 'state', 'reason'],
    S,
  ),
  metric('slurm_job_cpus', 'gauge', 'CPUs of the job.', JOB, S),
  metric('slurm_job_memory_bytes', 'gauge', 'Memory of the job.', JOB, S),
  metric('slurm_job_gpus', 'gauge', 'GPUs of the job.', JOB, S),
  metric('slurm_job_nodes', 'gauge', 'Nodes of the job.', JOB, S),
  metric('slurm_job_submit_timestamp_seconds', 'gauge', 'Submit time (unix seconds).', JOB, S),
  metric(
    'slurm_job_start_timestamp_seconds',
    'gauge',
    'Start time of running jobs (unix seconds); absent otherwise.',
    JOB,
    S,
  ),
  metric(
    'slurm_job_time_limit_seconds',
    'gauge',
    'Time limit; +Inf when UNLIMITED, absent when unset.',
    JOB,
    S,
  ),
];

/** The SlurmJob fields emitJobSeries reads. */
export const PER_JOB_FIELDS: readonly JobField[] = [
  'id',
  'name',
  'state',
  'reason',
  'user',
  'account',
  'partitions',
  'qos',
  'cpus',
  'memoryBytes',
  'gpus',
  'nodeCount',
  'submitTime',
  'startTime',
  'timeLimitSeconds',
];

export function emitJobSeries(b: FamilyBuilder, budget: SeriesBudget, j: SlurmJob): void {
  if (TERMINAL.has(j.state)) return;
  const values: Array<readonly [string, number | null]> = [
    ['slurm_job_cpus', j.cpus],
    ['slurm_job_memory_bytes', j.memoryBytes],
    ['slurm_job_gpus', j.gpus],
    ['slurm_job_nodes', j.nodeCount],
    ['slurm_job_submit_timestamp_seconds', j.submitTime],
    ['slurm_job_start_timestamp_seconds', j.state === 'RUNNING' ? j.startTime : null],
    ['slurm_job_time_limit_seconds', j.timeLimitSeconds],
  ];
  const present = values.filter(([, v]) => v !== null);
  // A job is kept or dropped whole: never a job with half of its series.
  if (!budget.take(present.length + 1)) return;
  b.set(
    'slurm_job_info',
    {
      job_id: j.id,
      name: j.name,
      user: j.user,
      account: j.account,
      partition: j.partitions.join(','),
      qos: j.qos,
      state: j.state,
      reason: j.reason,
    },
    1,
  );
  for (const [name, v] of present) b.set(name, { job_id: j.id }, v);
}
