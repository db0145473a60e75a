/**
 * Legacy names of vpenso/prometheus-slurm-exporter and rivosinc/prometheus-slurm-exporter, each derived from
 * ONE native family (upstream.md §8). Rendered into docs/metrics.md; applied by lib/collectors/naming.ts.
 */

export const NAMING_MODES = ['native', 'vpenso', 'rivosinc'] as const;
export type NamingMode = (typeof NAMING_MODES)[number];

/** Legacy names that the native catalog already uses with the same meaning: emitted as is in every mode. */
export const LEGACY_IDENTICAL: Record<Exclude<NamingMode, 'native'>, readonly string[]> = {
  vpenso: ['slurm_scheduler_threads', 'slurm_scheduler_backfill_depth_mean', 'slurm_partition_jobs_pending'],
  rivosinc: ['slurm_cpu_load'],
};

export interface LegacyMetric {
  legacy: string;
  native: string;
  /** Keep only samples whose label equals (one of) these values. */
  match?: Record<string, string | readonly string[]>;
  /** Native label → legacy label to keep; every other label is aggregated away. */
  labels?: Record<string, string>;
  /** How samples that collapse onto one legacy label set are combined (default sum). */
  agg?: 'sum' | 'max';
  /** Multiplier from native units (seconds, bytes) to the legacy unit. */
  scale?: number;
  /** Emit 0 when no native sample matches (the legacy exporter always emitted the series). */
  zero?: boolean;
  note?: string;
}

const US = 1e6;
const MIB = 1 / 1048576;
const sel = (
  legacy: string,
  native: string,
  match?: Record<string, string | readonly string[]>,
  extra: Omit<LegacyMetric, 'legacy' | 'native' | 'match'> = {},
): LegacyMetric => ({ legacy, native, ...(match ? { match } : {}), zero: true, ...extra });

const VPENSO_NODE_STATES: ReadonlyArray<readonly [string, string | readonly string[]]> = [
  ['alloc', 'allocated'],
  ['comp', 'completing'],
  ['down', 'down'],
  ['drain', ['drained', 'draining']],
  ['err', 'error'],
  ['fail', 'fail'],
  ['idle', 'idle'],
  ['maint', 'maint'],
  ['mix', 'mixed'],
  ['resv', 'reserved'],
];
const VPENSO_QUEUE: ReadonlyArray<readonly [string, string]> = [
  ['pending', 'PENDING'],
  ['running', 'RUNNING'],
  ['suspended', 'SUSPENDED'],
  ['cancelled', 'CANCELLED'],
  ['completed', 'COMPLETED'],
  ['failed', 'FAILED'],
  ['timeout', 'TIMEOUT'],
  ['preempted', 'PREEMPTED'],
  ['node_fail', 'NODE_FAIL'],
];
const JOB_DIM = (dim: 'account' | 'user'): LegacyMetric[] => [
  ...(['pending', 'running', 'suspended'] as const).map((s) =>
    sel(
      `slurm_${dim}_jobs_${s}`,
      `slurm_${dim}_jobs`,
      { state: s.toUpperCase() },
      { labels: { [dim]: dim }, zero: false },
    ),
  ),
  sel(
    `slurm_${dim}_cpus_running`,
    `slurm_${dim}_jobs_cpus`,
    { state: 'RUNNING' },
    { labels: { [dim]: dim }, zero: false },
  ),
];

export const LEGACY_METRICS: Record<Exclude<NamingMode, 'native'>, readonly LegacyMetric[]> = {
  vpenso: [
    ...VPENSO_NODE_STATES.map(([l, s]) => sel(`slurm_nodes_${l}`, 'slurm_nodes', { state: s })),
    ...['alloc', 'idle', 'other', 'total'].map((s) => sel(`slurm_cpus_${s}`, 'slurm_cpus', { state: s })),
    sel('slurm_gpus_alloc', 'slurm_gpus_allocated'),
    sel('slurm_gpus_idle', 'slurm_gpus_idle'),
    sel('slurm_gpus_total', 'slurm_gpus'),
    sel('slurm_node_cpu_alloc', 'slurm_node_cpus_allocated', undefined, {
      labels: { node: 'node' },
      zero: false,
    }),
    sel('slurm_node_cpu_idle', 'slurm_node_cpus_idle', undefined, { labels: { node: 'node' }, zero: false }),
    sel('slurm_node_cpu_total', 'slurm_node_cpus', undefined, {
      labels: { node: 'node' },
      zero: false,
    }),
    sel('slurm_node_mem_alloc', 'slurm_node_memory_allocated_bytes', undefined, {
      labels: { node: 'node' },
      scale: MIB,
      zero: false,
    }),
    sel('slurm_node_mem_total', 'slurm_node_memory_total_bytes', undefined, {
      labels: { node: 'node' },
      scale: MIB,
      zero: false,
    }),
    ...(['alloc', 'idle', 'other', 'total'] as const).map((s) =>
      sel(
        `slurm_partition_cpus_${s === 'alloc' ? 'allocated' : s}`,
        'slurm_partition_cpus',
        { state: s },
        {
          labels: { partition: 'partition' },
          zero: false,
        },
      ),
    ),
    ...VPENSO_QUEUE.map(([l, s]) => sel(`slurm_queue_${l}`, 'slurm_jobs', { state: s })),
    sel('slurm_queue_completing', 'slurm_jobs_with_flag', { flag: 'COMPLETING' }),
    sel('slurm_queue_configuring', 'slurm_jobs_with_flag', { flag: 'CONFIGURING' }),
    sel('slurm_queue_pending_dependency', 'slurm_jobs_pending_by_reason', { reason: 'Dependency' }),
    ...JOB_DIM('account'),
    ...JOB_DIM('user'),
    sel('slurm_scheduler_queue_size', 'slurm_scheduler_agent_queue_size'),
    sel('slurm_scheduler_dbd_queue_size', 'slurm_scheduler_dbd_agent_queue_size'),
    sel('slurm_scheduler_last_cycle', 'slurm_scheduler_cycle_last_seconds', undefined, {
      scale: US,
      zero: false,
    }),
    sel('slurm_scheduler_mean_cycle', 'slurm_scheduler_cycle_mean_seconds', undefined, {
      scale: US,
      zero: false,
    }),
    sel('slurm_scheduler_cycle_per_minute', 'slurm_scheduler_cycles_per_minute', undefined, { zero: false }),
    sel('slurm_scheduler_backfill_last_cycle', 'slurm_scheduler_backfill_cycle_last_seconds', undefined, {
      scale: US,
      zero: false,
    }),
    sel('slurm_scheduler_backfill_mean_cycle', 'slurm_scheduler_backfill_cycle_mean_seconds', undefined, {
      scale: US,
      zero: false,
    }),
    sel('slurm_scheduler_backfilled_jobs_since_start_total', 'slurm_scheduler_backfilled_jobs', undefined, {
      zero: false,
    }),
    sel(
      'slurm_scheduler_backfilled_jobs_since_cycle_total',
      'slurm_scheduler_backfill_last_backfilled_jobs',
      undefined,
      {
        zero: false,
      },
    ),
    sel('slurm_scheduler_backfilled_heterogeneous_total', 'slurm_scheduler_backfilled_het_jobs', undefined, {
      zero: false,
    }),
    sel(
      'slurm_account_fairshare',
      'slurm_share_fairshare_factor',
      { row: 'account' },
      {
        labels: { account: 'account' },
        agg: 'max',
        zero: false,
        note: 'max over partitions',
      },
    ),
  ],
  rivosinc: [
    sel('slurm_node_count_per_state', 'slurm_nodes', undefined, { labels: { state: 'state' } }),
    sel('slurm_cpus_total', 'slurm_cpus', { state: 'total' }),
    sel('slurm_cpus_idle', 'slurm_cpus', { state: 'idle' }),
    sel('slurm_mem_real', 'slurm_memory_total_bytes', undefined, { scale: MIB }),
    sel('slurm_mem_alloc', 'slurm_memory_allocated_bytes', undefined, { scale: MIB }),
    sel('slurm_mem_free', 'slurm_memory_free_bytes', undefined, { scale: MIB }),
    sel('slurm_partition_node_count', 'slurm_partition_nodes', undefined, {
      labels: { partition: 'partition', state: 'state' },
      zero: false,
    }),
    sel(
      'slurm_partition_total_cpus',
      'slurm_partition_cpus',
      { state: 'total' },
      { labels: { partition: 'partition' }, zero: false },
    ),
    sel(
      'slurm_partition_idle_cpus',
      'slurm_partition_cpus',
      { state: 'idle' },
      { labels: { partition: 'partition' }, zero: false },
    ),
    sel(
      'slurm_partition_alloc_cpus',
      'slurm_partition_cpus',
      { state: 'alloc' },
      { labels: { partition: 'partition' }, zero: false },
    ),
    sel('slurm_partition_real_mem', 'slurm_partition_memory_total_bytes', undefined, {
      labels: { partition: 'partition' },
      scale: MIB,
      zero: false,
    }),
    sel('slurm_partition_alloc_mem', 'slurm_partition_memory_allocated_bytes', undefined, {
      labels: { partition: 'partition' },
      scale: MIB,
      zero: false,
    }),
    sel('slurm_partition_job_state_total', 'slurm_partition_jobs', undefined, {
      labels: { partition: 'partition', state: 'state' },
      zero: false,
    }),
    sel('slurm_account_job_state_total', 'slurm_account_jobs', undefined, {
      labels: { account: 'account', state: 'state' },
      zero: false,
    }),
    sel(
      'slurm_account_cpu_alloc',
      'slurm_account_jobs_cpus',
      { state: 'RUNNING' },
      { labels: { account: 'account' }, zero: false },
    ),
    sel(
      'slurm_account_mem_alloc',
      'slurm_account_jobs_memory_bytes',
      { state: 'RUNNING' },
      {
        labels: { account: 'account' },
        scale: MIB,
        zero: false,
      },
    ),
    sel('slurm_user_state_total', 'slurm_user_jobs', undefined, {
      labels: { user: 'username', state: 'state' },
      zero: false,
    }),
    sel(
      'slurm_user_cpu_alloc',
      'slurm_user_jobs_cpus',
      { state: 'RUNNING' },
      { labels: { user: 'username' }, zero: false },
    ),
    sel(
      'slurm_user_mem_alloc',
      'slurm_user_jobs_memory_bytes',
      { state: 'RUNNING' },
      {
        labels: { user: 'username' },
        scale: MIB,
        zero: false,
      },
    ),
    sel('slurm_pending_reason_total', 'slurm_jobs_pending_by_reason', undefined, {
      labels: { reason: 'reason' },
      zero: false,
    }),
    sel('slurm_daemon_thread_count', 'slurm_scheduler_threads', undefined, { zero: false }),
    sel('slurm_dbd_agent_queue_size', 'slurm_scheduler_dbd_agent_queue_size', undefined, { zero: false }),
    sel('slurm_backfill_job_count', 'slurm_scheduler_backfilled_jobs', undefined, { zero: false }),
    sel('slurm_backfill_cycle_counter', 'slurm_scheduler_backfill_cycles', undefined, { zero: false }),
    sel('slurm_backfill_last_depth', 'slurm_scheduler_backfill_last_depth', undefined, { zero: false }),
    sel('slurm_backfill_last_depth_try_sched', 'slurm_scheduler_backfill_last_depth_try', undefined, {
      zero: false,
    }),
    sel('slurm_rpc_msg_type_count', 'slurm_scheduler_rpc_calls', undefined, {
      labels: { type: 'type' },
      zero: false,
    }),
    sel('slurm_rpc_msg_type_total_time', 'slurm_scheduler_rpc_time_seconds', undefined, {
      labels: { type: 'type' },
      scale: US,
      zero: false,
    }),
    sel('slurm_rpc_msg_type_avg_time', 'slurm_scheduler_rpc_avg_time_seconds', undefined, {
      labels: { type: 'type' },
      scale: US,
      zero: false,
    }),
    sel('slurm_rpc_user_count', 'slurm_scheduler_rpc_user_calls', undefined, {
      labels: { user: 'user' },
      zero: false,
    }),
    sel('slurm_rpc_user_total_time', 'slurm_scheduler_rpc_user_time_seconds', undefined, {
      labels: { user: 'user' },
      scale: US,
      zero: false,
    }),
    ...(
      [
        ['total', 'configured'],
        ['used', 'used'],
        ['free', 'free'],
        ['reserved', 'reserved'],
      ] as const
    ).map(([legacy, native]) =>
      sel(`slurm_lic_${legacy}`, `slurm_license_${native}`, undefined, {
        labels: { license: 'name' },
        zero: false,
      }),
    ),
  ],
};
