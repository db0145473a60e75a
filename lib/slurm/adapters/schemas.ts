/**
 * zod schemas of the raw slurmrestd fields the adapters read — and only those. Objects are loose (extra fields
 * never break parsing), enums are plain strings (Slurm adds values per build), and every number accepts the plain
 * legacy form, the data_parser `{set, infinite, number}` wrapper and null, so one schema serves all versions where
 * the field names agree.
 */
import * as z from 'zod';

/** A Slurm number: plain, NUMBER-wrapped, null or absent (decoded by lib/slurm/parse/number.ts). */
export const numberLike = z
  .union([
    z.number(),
    z.looseObject({
      set: z.boolean().optional(),
      infinite: z.boolean().optional(),
      number: z.number().optional(),
    }),
  ])
  .nullish();
/** A number that must be present (possibly wrapped/unset): the model needs it. */
export const requiredNumber = z.union([
  z.number(),
  z.looseObject({
    set: z.boolean().optional(),
    infinite: z.boolean().optional(),
    number: z.number().optional(),
  }),
]);
export const text = z.string().nullish();
/** Legacy versions print comma-separated strings where data_parser versions print arrays. */
export const csv = z.union([z.string(), z.array(z.string())]).nullish();
/** v0.0.36–38 print one state string, v0.0.39+ an array of states and flags. */
export const stateValue = z.union([z.string(), z.array(z.string())]).nullish();
export const stringArray = z.array(z.string()).nullish();

export const nodeRaw = z.looseObject({
  name: z.string(),
  hostname: text,
  address: text,
  state: stateValue,
  state_flags: stringArray,
  reason: text,
  reason_changed_at: numberLike,
  partitions: csv,
  features: csv,
  architecture: text,
  operating_system: text,
  slurmd_version: text,
  version: text,
  cpus: requiredNumber,
  alloc_cpus: numberLike,
  cpu_load: numberLike,
  real_memory: requiredNumber,
  alloc_memory: numberLike,
  free_memory: numberLike,
  free_mem: numberLike,
  gres: text,
  gres_used: text,
  tres: text,
  tres_used: text,
  weight: numberLike,
  boot_time: numberLike,
  last_busy: numberLike,
  reservation: text,
});

export const jobRaw = z.looseObject({
  job_id: z.number(),
  array_job_id: numberLike,
  array_task_id: numberLike,
  array_task_string: text,
  het_job_id: numberLike,
  het_job_offset: numberLike,
  name: text,
  job_state: stateValue,
  state_flags: stringArray,
  state_reason: text,
  partition: text,
  user_name: text,
  user_id: numberLike,
  group_name: text,
  account: text,
  qos: text,
  cpus: numberLike,
  node_count: numberLike,
  nodes: text,
  tres_req_str: text,
  tres_alloc_str: text,
  tres_per_node: text,
  tres_per_job: text,
  memory_per_node: numberLike,
  memory_per_cpu: numberLike,
  priority: numberLike,
  submit_time: numberLike,
  eligible_time: numberLike,
  start_time: numberLike,
  end_time: numberLike,
  time_limit: numberLike,
  /** Raw wait status (legacy) or `{status[], return_code, signal}` (data_parser). */
  exit_code: z.union([z.number(), z.looseObject({ return_code: numberLike })]).nullish(),
});

export const reservationRaw = z.looseObject({
  name: z.string(),
  node_list: text,
  node_count: numberLike,
  core_count: numberLike,
  partition: text,
  users: text,
  accounts: text,
  flags: csv,
  start_time: numberLike,
  end_time: numberLike,
});

export const licenseRaw = z.looseObject({
  LicenseName: z.string(),
  Total: requiredNumber,
  Used: requiredNumber,
  Free: numberLike,
  Reserved: numberLike,
  Remote: z.boolean().nullish(),
});

export const pingRaw = z.looseObject({
  hostname: text,
  mode: text,
  /** v0.0.36–38. */
  ping: text,
  /** v0.0.39+. */
  pinged: text,
  /** v0.0.42+. */
  responding: z.boolean().nullish(),
  /** Microseconds (v0.0.39+). */
  latency: numberLike,
});

export const shareRaw = z.looseObject({
  name: text,
  parent: text,
  partition: text,
  shares: numberLike,
  shares_normalized: numberLike,
  usage: numberLike,
  effective_usage: numberLike,
  fairshare: z.looseObject({ factor: numberLike, level: numberLike }).nullish(),
  type: csv,
});

const assocShort = z.looseObject({ account: text });
const coordinator = z.union([z.string(), z.looseObject({ name: z.string() })]);

export const accountRaw = z.looseObject({
  name: z.string(),
  description: text,
  organization: text,
  coordinators: z.array(coordinator).nullish(),
  flags: csv,
});

export const userRaw = z.looseObject({
  name: z.string(),
  administrator_level: csv,
  default: z.looseObject({ account: text }).nullish(),
  associations: z.array(assocShort).nullish(),
});

/** slurmdb TRES list entry. */
export const tresEntry = z.looseObject({ type: z.string(), name: text, id: numberLike, count: numberLike });
export const tresList = z.array(tresEntry).nullish();

export const associationRaw = z.looseObject({
  cluster: text,
  account: text,
  user: text,
  partition: text,
  parent_account: text,
  qos: csv,
  default: z.looseObject({ qos: text }).nullish(),
  shares_raw: numberLike,
  priority: numberLike,
  max: z
    .looseObject({
      jobs: z
        .looseObject({
          per: z.looseObject({ count: numberLike, submitted: numberLike, wall_clock: numberLike }).nullish(),
          active: numberLike,
          total: numberLike,
        })
        .nullish(),
      tres: z.looseObject({ total: tresList, per: z.looseObject({ job: tresList }).nullish() }).nullish(),
      per: z.looseObject({ account: z.looseObject({ wall_clock: numberLike }).nullish() }).nullish(),
    })
    .nullish(),
});

const perUserAccount = z.looseObject({ user: numberLike, account: numberLike }).nullish();

export const qosRaw = z.looseObject({
  name: z.string(),
  description: text,
  priority: numberLike,
  usage_factor: numberLike,
  usage_threshold: numberLike,
  preempt: z.looseObject({ mode: csv }).nullish(),
  flags: csv,
  limits: z
    .looseObject({
      max: z
        .looseObject({
          active_jobs: z.looseObject({ count: numberLike }).nullish(),
          jobs: z
            .looseObject({
              count: numberLike,
              per: perUserAccount,
              active_jobs: z.looseObject({ per: perUserAccount }).nullish(),
            })
            .nullish(),
          wall_clock: z
            .looseObject({ per: z.looseObject({ qos: numberLike, job: numberLike }).nullish() })
            .nullish(),
          tres: z
            .looseObject({
              total: tresList,
              per: z.looseObject({ job: tresList, user: tresList, account: tresList }).nullish(),
            })
            .nullish(),
        })
        .nullish(),
      min: z
        .looseObject({ tres: z.looseObject({ per: z.looseObject({ job: tresList }).nullish() }).nullish() })
        .nullish(),
    })
    .nullish(),
});

export const tresRaw = tresEntry;

export const clusterRaw = z.looseObject({
  name: z.string(),
  controller: z.looseObject({ host: text, port: numberLike }).nullish(),
  rpc_version: numberLike,
  nodes: text,
  select_plugin: text,
  flags: csv,
  tres: tresList,
});

const rpcStat = { count: numberLike, total_time: numberLike, average_time: numberLike };
/** `statistics` fields other than the plain counters (those are added from the diag field table). */
export const diagStatisticsShape = {
  bf_active: z.boolean().nullish(),
  rpcs_by_message_type: z.array(z.looseObject({ message_type: z.string(), ...rpcStat })).nullish(),
  rpcs_by_user: z.array(z.looseObject({ user: z.string(), ...rpcStat })).nullish(),
};

export const metaRaw = z.looseObject({
  meta: z
    .looseObject({
      plugin: z.looseObject({ type: text, data_parser: text }).nullish(),
      /** v0.0.39 as emitted by some 23.02 builds. */
      plugins: z.looseObject({ type: text, data_parser: text }).nullish(),
      slurm: z.looseObject({ release: text, cluster: text }).nullish(),
      /** v0.0.36–39 spell it with a capital S. */
      Slurm: z.looseObject({ release: text, cluster: text }).nullish(),
    })
    .nullish(),
});
