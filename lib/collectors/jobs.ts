/**
 * `jobs`: aggregates computed while `/jobs` streams (the job list is never kept). Per-job series only with
 * `perJob`, capped per run by `maxSeries` with every dropped series counted.
 */
import { JOB_BASE_STATE_LIST, type JobField, type SlurmJob } from '../slurm/model.js';
import { FamilyBuilder, metric, SeriesBudget } from './family.js';
import { emitJobSeries, PER_JOB_FIELDS, PER_JOB_METRICS } from './job-series.js';
import { StateTotalsTable } from './state-totals.js';
import type { Collector, MetricDef } from './types.js';

const S = ['jobs'] as const;
/** Base states always emitted (0 when absent), so `slurm_jobs{state="PENDING"}` exists on an empty queue. */
export const JOB_STATES = JOB_BASE_STATE_LIST;
const DIMS = ['user', 'account', 'partition', 'qos'] as const;
type Dim = (typeof DIMS)[number];
const GAUGE_NOTE = 'Gauge recomputed every invocation from the /jobs response.';

const dimMetrics = DIMS.flatMap((d) => [
  metric(
    `slurm_${d}_jobs`,
    'gauge',
    `Jobs by ${d} and base state. ${GAUGE_NOTE}`,
    [d, 'state'],
    S,
    `topk(10, slurm_${d}_jobs{state="PENDING"})`,
  ),
  metric(
    `slurm_${d}_jobs_cpus`,
    'gauge',
    `CPUs allocated (running) or requested (pending) by ${d} and state.`,
    [d, 'state'],
    S,
  ),
  metric(
    `slurm_${d}_jobs_memory_bytes`,
    'gauge',
    `Memory allocated or requested by ${d} and state.`,
    [d, 'state'],
    S,
  ),
  metric(`slurm_${d}_jobs_gpus`, 'gauge', `GPUs allocated or requested by ${d} and state.`, [d, 'state'], S),
]);
/** The four metric names of each dimension, built once (not per sample at finish). */
const DIM_NAMES = Object.fromEntries(
  DIMS.map((d) => [
    d,
    [`slurm_${d}_jobs`, `slurm_${d}_jobs_cpus`, `slurm_${d}_jobs_memory_bytes`, `slurm_${d}_jobs_gpus`],
  ]),
) as Record<Dim, [string, string, string, string]>;
const metrics: MetricDef[] = [
  metric(
    'slurm_jobs',
    'gauge',
    `Jobs in the /jobs response by base state (includes recently finished jobs). ${GAUGE_NOTE}`,
    ['state'],
    S,
  ),
  metric(
    'slurm_jobs_with_flag',
    'gauge',
    'Jobs carrying a state flag (COMPLETING, CONFIGURING, REQUEUED, ...).',
    ['flag'],
    S,
  ),
  ...dimMetrics,
  metric('slurm_jobs_pending_by_reason', 'gauge', 'Pending jobs by state reason.', ['reason'], S),
  metric(
    'slurm_jobs_pending_oldest_age_seconds',
    'gauge',
    'Age (now - submit time) of the oldest pending job; 0 when none.',
    [],
    S,
  ),
  metric(
    'slurm_jobs_pending_wait_seconds',
    'gauge',
    'Sum of the ages of pending jobs with a submit time.',
    [],
    S,
    'mean wait: slurm_jobs_pending_wait_seconds / slurm_jobs_pending_wait_jobs',
  ),
  metric('slurm_jobs_pending_wait_jobs', 'gauge', 'Pending jobs counted in the age sum.', [], S),
  metric(
    'slurm_jobs_running_runtime_seconds',
    'gauge',
    'Sum of runtimes (now - start) of running jobs.',
    [],
    S,
  ),
  metric('slurm_jobs_running_runtime_jobs', 'gauge', 'Running jobs counted in the runtime sum.', [], S),
  metric(
    'slurm_jobs_running_runtime_seconds_max',
    'gauge',
    'Longest runtime of a running job; 0 when none.',
    [],
    S,
  ),
  ...PER_JOB_METRICS,
];

/** The SlurmJob fields the aggregates read (onJob below); per-job series read PER_JOB_FIELDS too. */
const AGGREGATE_FIELDS: readonly JobField[] = [
  'state',
  'flags',
  'reason',
  'user',
  'account',
  'qos',
  'partitions',
  'cpus',
  'memoryBytes',
  'gpus',
  'submitTime',
  'startTime',
];

export const jobsCollector: Collector = {
  name: 'jobs',
  endpoints: S,
  metrics,
  jobFields: (options) => (options.perJob ? [...AGGREGATE_FIELDS, ...PER_JOB_FIELDS] : AGGREGATE_FIELDS),
  start(ctx) {
    const b = new FamilyBuilder(metrics);
    const budget = new SeriesBudget(ctx.options.maxSeries);
    const now = ctx.now;
    for (const s of JOB_STATES) b.set('slurm_jobs', { state: s }, 0);
    const age = { sum: 0, count: 0, max: 0 };
    const run = { sum: 0, count: 0, max: 0 };

    // Aggregates by dimension → value → state index (StateTotalsTable), emitted at finish. One Map lookup per
    // dimension and job; the state is an index, also into the per-state job counts: this runs 100k+ times per
    // invocation. Plain counters per job, turned into samples at finish (a labels object and a series key per
    // job cost more than the counting).
    const stateCounts: number[] = [];
    const byFlag = new Map<string, number>();
    const byReason = new Map<string, number>();
    const stateIndex = new Map<string, number>();
    const stateNames: string[] = [];
    const aggs: Record<Dim, StateTotalsTable> = {
      user: new StateTotalsTable(JOB_STATES.length),
      account: new StateTotalsTable(JOB_STATES.length),
      partition: new StateTotalsTable(JOB_STATES.length),
      qos: new StateTotalsTable(JOB_STATES.length),
    };
    const add = (t: StateTotalsTable, v: string, si: number, j: SlurmJob): void =>
      t.add(v, si, j.cpus, j.memoryBytes ?? 0, j.gpus);

    return {
      dropped: () => budget.dropped,
      onJob(j) {
        const state = j.state;
        if (j.flags.length === 1)
          byFlag.set(j.flags[0] as string, (byFlag.get(j.flags[0] as string) ?? 0) + 1);
        else if (j.flags.length > 1)
          for (const f of new Set(j.flags)) byFlag.set(f, (byFlag.get(f) ?? 0) + 1);
        let si = stateIndex.get(state);
        if (si === undefined) {
          si = stateNames.push(state) - 1;
          stateIndex.set(state, si);
          stateCounts.push(0);
        }
        stateCounts[si] = (stateCounts[si] as number) + 1;
        add(aggs.user, j.user, si, j);
        add(aggs.account, j.account, si, j);
        add(aggs.qos, j.qos, si, j);
        // A multi-partition pending job counts in each partition it may run in.
        if (j.partitions.length === 0) add(aggs.partition, '', si, j);
        else if (j.partitions.length === 1) add(aggs.partition, j.partitions[0] as string, si, j);
        else for (const p of new Set(j.partitions)) add(aggs.partition, p, si, j);
        if (state === 'PENDING') {
          byReason.set(j.reason, (byReason.get(j.reason) ?? 0) + 1);
          if (j.submitTime !== null && j.submitTime > 0) {
            const a = Math.max(0, now - j.submitTime);
            age.sum += a;
            age.count += 1;
            age.max = Math.max(age.max, a);
          }
        } else if (state === 'RUNNING' && j.startTime !== null && j.startTime > 0) {
          const r = Math.max(0, now - j.startTime);
          run.sum += r;
          run.count += 1;
          run.max = Math.max(run.max, r);
        }
        if (ctx.options.perJob) emitJobSeries(b, budget, j);
      },
      finish() {
        for (let si = 0; si < stateNames.length; si++) {
          b.inc('slurm_jobs', { state: stateNames[si] as string }, stateCounts[si] as number);
        }
        for (const [flag, n] of byFlag) b.set('slurm_jobs_with_flag', { flag }, n);
        for (const [reason, n] of byReason) b.set('slurm_jobs_pending_by_reason', { reason }, n);
        for (const d of DIMS) {
          const [jobs, cpus, memory, gpus] = DIM_NAMES[d];
          for (const [v, si, t] of aggs[d].entries()) {
            // One sample per (value, state) of the table: label sets are distinct by construction.
            const l = { [d]: v, state: stateNames[si] as string };
            b.add(jobs, l, t.count);
            b.add(cpus, l, t.cpus);
            b.add(memory, l, t.memory);
            b.add(gpus, l, t.gpus);
          }
        }
        b.set('slurm_jobs_pending_oldest_age_seconds', {}, age.max);
        b.set('slurm_jobs_pending_wait_seconds', {}, age.sum);
        b.set('slurm_jobs_pending_wait_jobs', {}, age.count);
        b.set('slurm_jobs_running_runtime_seconds', {}, run.sum);
        b.set('slurm_jobs_running_runtime_jobs', {}, run.count);
        b.set('slurm_jobs_running_runtime_seconds_max', {}, run.max);
        return b.families();
      },
    };
  },
};
