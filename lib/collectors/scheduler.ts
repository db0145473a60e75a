/**
 * `scheduler`: `sdiag` statistics. Job and RPC counters reset at midnight and on `sdiag -r`, so they are
 * exported as gauges without `_total` (the type promises no monotonicity it cannot keep); `increase()` over
 * them still works since it treats the nightly drop as a reset. Microsecond times are converted to seconds.
 */
import type { SlurmDiag } from '../slurm/model.js';
import { bool, FamilyBuilder, metric, usToSeconds } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['diag'] as const;
const RESET = 'Since the last statistics reset (midnight UTC or `sdiag -r`); a gauge.';

type Field = keyof SlurmDiag;
/** [metric name, diag field, convert µs → s, help] */
const PLAIN: ReadonlyArray<readonly [string, Field, boolean, string]> = [
  ['slurm_scheduler_threads', 'serverThreadCount', false, 'slurmctld server threads.'],
  ['slurm_scheduler_agent_queue_size', 'agentQueueSize', false, 'Outgoing RPCs queued for agents.'],
  ['slurm_scheduler_agents', 'agentCount', false, 'Agent threads pools in use.'],
  ['slurm_scheduler_agent_threads', 'agentThreadCount', false, 'Agent threads.'],
  ['slurm_scheduler_dbd_agent_queue_size', 'dbdAgentQueueSize', false, 'Messages queued for slurmdbd.'],
  [
    'slurm_scheduler_cycle_last_seconds',
    'scheduleCycleLast',
    true,
    'Duration of the last main scheduling cycle.',
  ],
  ['slurm_scheduler_cycle_max_seconds', 'scheduleCycleMax', true, `Longest main scheduling cycle. ${RESET}`],
  ['slurm_scheduler_cycle_mean_seconds', 'scheduleCycleMean', true, `Mean main scheduling cycle. ${RESET}`],
  [
    'slurm_scheduler_cycle_mean_depth',
    'scheduleCycleMeanDepth',
    false,
    `Mean jobs examined per cycle. ${RESET}`,
  ],
  [
    'slurm_scheduler_cycles_per_minute',
    'scheduleCyclePerMinute',
    false,
    'Main scheduling cycles per minute.',
  ],
  ['slurm_scheduler_cycles', 'scheduleCycleTotal', false, `Main scheduling cycles run. ${RESET}`],
  ['slurm_scheduler_queue_length', 'scheduleQueueLength', false, 'Jobs in the main scheduler queue.'],
  ['slurm_scheduler_jobs_submitted', 'jobsSubmitted', false, `Jobs submitted. ${RESET}`],
  ['slurm_scheduler_jobs_started', 'jobsStarted', false, `Jobs started. ${RESET}`],
  ['slurm_scheduler_jobs_completed', 'jobsCompleted', false, `Jobs completed. ${RESET}`],
  ['slurm_scheduler_jobs_canceled', 'jobsCanceled', false, `Jobs canceled. ${RESET}`],
  ['slurm_scheduler_jobs_failed', 'jobsFailed', false, `Jobs failed. ${RESET}`],
  ['slurm_scheduler_jobs_pending', 'jobsPending', false, 'Pending jobs when the statistics were taken.'],
  ['slurm_scheduler_jobs_running', 'jobsRunning', false, 'Running jobs when the statistics were taken.'],
  ['slurm_scheduler_backfilled_jobs', 'bfBackfilledJobs', false, `Jobs started by backfill. ${RESET}`],
  [
    'slurm_scheduler_backfill_last_backfilled_jobs',
    'bfLastBackfilledJobs',
    false,
    'Jobs started by backfill since the last cycle stats.',
  ],
  [
    'slurm_scheduler_backfilled_het_jobs',
    'bfBackfilledHetJobs',
    false,
    `Heterogeneous job components started by backfill. ${RESET}`,
  ],
  [
    'slurm_scheduler_backfill_cycles',
    'bfCycleCounter',
    false,
    `Backfill cycles run (the cycle COUNT, not a time). ${RESET}`,
  ],
  [
    'slurm_scheduler_backfill_cycle_last_seconds',
    'bfCycleLast',
    true,
    'Duration of the last backfill cycle.',
  ],
  ['slurm_scheduler_backfill_cycle_max_seconds', 'bfCycleMax', true, `Longest backfill cycle. ${RESET}`],
  ['slurm_scheduler_backfill_cycle_mean_seconds', 'bfCycleMean', true, `Mean backfill cycle. ${RESET}`],
  [
    'slurm_scheduler_backfill_last_depth',
    'bfLastDepth',
    false,
    'Jobs considered in the last backfill cycle.',
  ],
  [
    'slurm_scheduler_backfill_last_depth_try',
    'bfLastDepthTry',
    false,
    'Jobs tried (resources checked) in the last backfill cycle.',
  ],
  ['slurm_scheduler_backfill_depth_mean', 'bfDepthMean', false, `Mean backfill depth. ${RESET}`],
  ['slurm_scheduler_backfill_depth_mean_try', 'bfDepthMeanTry', false, `Mean backfill depth tried. ${RESET}`],
  ['slurm_scheduler_backfill_queue_length', 'bfQueueLen', false, 'Jobs in the backfill queue.'],
  [
    'slurm_scheduler_backfill_queue_length_mean',
    'bfQueueLenMean',
    false,
    `Mean backfill queue length. ${RESET}`,
  ],
  ['slurm_scheduler_backfill_table_size', 'bfTableSize', false, 'Backfill reservation table size.'],
  [
    'slurm_scheduler_backfill_table_size_mean',
    'bfTableSizeMean',
    false,
    `Mean backfill table size. ${RESET}`,
  ],
  [
    'slurm_scheduler_backfill_last_cycle_timestamp_seconds',
    'bfWhenLastCycle',
    false,
    'When the last backfill cycle ran (unix seconds).',
  ],
  [
    'slurm_scheduler_stats_timestamp_seconds',
    'reqTime',
    false,
    'When slurmctld produced these statistics (unix seconds).',
  ],
  [
    'slurm_scheduler_stats_reset_timestamp_seconds',
    'reqTimeStart',
    false,
    'When the statistics were last reset (unix seconds).',
  ],
];

/**
 * Counts since the last reset: increase() treats the nightly drop to 0 as a counter reset, which is exactly
 * what it is, so it is the right query even though the type is gauge.
 */
const COUNTS = new Set([
  'slurm_scheduler_cycles',
  'slurm_scheduler_jobs_submitted',
  'slurm_scheduler_jobs_started',
  'slurm_scheduler_jobs_completed',
  'slurm_scheduler_jobs_canceled',
  'slurm_scheduler_jobs_failed',
  'slurm_scheduler_backfilled_jobs',
  'slurm_scheduler_backfilled_het_jobs',
  'slurm_scheduler_backfill_cycles',
]);
const TYPE = ['type'] as const;
const USER = ['user'] as const;
const metrics: MetricDef[] = [
  ...PLAIN.map(([name, , , help]) =>
    metric(name, 'gauge', help, [], S, COUNTS.has(name) ? `increase(${name}[1h])` : undefined),
  ),
  metric('slurm_scheduler_backfill_active', 'gauge', '1 while a backfill cycle is running.', [], S),
  metric(
    'slurm_scheduler_rpc_calls',
    'gauge',
    `RPCs received by message type. ${RESET}`,
    TYPE,
    S,
    'topk(10, increase(slurm_scheduler_rpc_calls[1h]))',
  ),
  metric(
    'slurm_scheduler_rpc_time_seconds',
    'gauge',
    `Total time spent on RPCs by message type. ${RESET}`,
    TYPE,
    S,
  ),
  metric('slurm_scheduler_rpc_avg_time_seconds', 'gauge', 'Average time per RPC by message type.', TYPE, S),
  metric(
    'slurm_scheduler_rpc_user_calls',
    'gauge',
    `RPCs by user, top N by count (collectors.scheduler.rpc_top_users). ${RESET}`,
    USER,
    S,
  ),
  metric(
    'slurm_scheduler_rpc_user_time_seconds',
    'gauge',
    `Total RPC time by user (same top N). ${RESET}`,
    USER,
    S,
  ),
];

export const schedulerCollector: Collector = {
  name: 'scheduler',
  endpoints: S,
  metrics,
  start(ctx) {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        const d = data.diag;
        if (!d) return [];
        for (const [name, field, us, _help] of PLAIN) {
          const v = d[field] as number | null;
          b.set(name, {}, us ? usToSeconds(v) : v);
        }
        b.set('slurm_scheduler_backfill_active', {}, bool(d.bfActive));
        for (const r of d.rpcsByMessageType) {
          b.set('slurm_scheduler_rpc_calls', { type: r.key }, r.count);
          b.set('slurm_scheduler_rpc_time_seconds', { type: r.key }, r.totalTimeUs / 1e6);
          b.set('slurm_scheduler_rpc_avg_time_seconds', { type: r.key }, usToSeconds(r.averageTimeUs));
        }
        const top = ctx.options.rpcTopUsers;
        if (top > 0) {
          const users = [...d.rpcsByUser].sort((a, b2) => b2.count - a.count || a.key.localeCompare(b2.key));
          for (const r of users.slice(0, top)) {
            b.set('slurm_scheduler_rpc_user_calls', { user: r.key }, r.count);
            b.set('slurm_scheduler_rpc_user_time_seconds', { user: r.key }, r.totalTimeUs / 1e6);
          }
        }
        return b.families();
      },
    };
  },
};
