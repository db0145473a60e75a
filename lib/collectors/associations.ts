/**
 * `associations` (slurmdbd): limits per association. Unset limits emit nothing, UNLIMITED emits +Inf (no -1
 * sentinel). The association's cluster is `slurmdb_cluster`: `cluster` is reserved for the exporter's label.
 */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['associations'] as const;
const A = ['account', 'user', 'partition', 'slurmdb_cluster'] as const;
const UNSET = 'Absent when unset, +Inf when UNLIMITED.';
const LIMITS = [
  ['slurm_association_max_jobs', 'maxJobs', 'MaxJobs (running jobs per user/association).'],
  ['slurm_association_max_submit_jobs', 'maxSubmitJobs', 'MaxSubmitJobs.'],
  ['slurm_association_max_wall_seconds', 'maxWallSecondsPerJob', 'MaxWall per job.'],
  ['slurm_association_grp_jobs', 'grpJobs', 'GrpJobs.'],
  ['slurm_association_grp_submit_jobs', 'grpSubmitJobs', 'GrpSubmitJobs.'],
  ['slurm_association_grp_wall_seconds', 'grpWallSeconds', 'GrpWall.'],
  ['slurm_association_shares_raw', 'sharesRaw', 'Fairshare raw shares.'],
  ['slurm_association_priority', 'priority', 'Association priority.'],
] as const;

const metrics: MetricDef[] = [
  metric(
    'slurm_association_info',
    'gauge',
    'Association facts; always 1. user="" for account associations.',
    [...A, 'parent_account', 'qos', 'default_qos'],
    S,
  ),
  ...LIMITS.map(([name, , help]) => metric(name, 'gauge', `${help} ${UNSET}`, A, S)),
  metric(
    'slurm_association_grp_tres',
    'gauge',
    `GrpTRES by TRES (mem in bytes). ${UNSET}`,
    [...A, 'tres'],
    S,
  ),
  metric(
    'slurm_association_max_tres_per_job',
    'gauge',
    `MaxTRES per job (mem in bytes). ${UNSET}`,
    [...A, 'tres'],
    S,
  ),
];

export const associationsCollector: Collector = {
  name: 'associations',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        for (const a of data.associations ?? []) {
          const l = { account: a.account, user: a.user, partition: a.partition, slurmdb_cluster: a.cluster };
          b.set(
            'slurm_association_info',
            { ...l, parent_account: a.parentAccount, qos: a.qos.join(','), default_qos: a.defaultQos },
            1,
          );
          for (const [name, field] of LIMITS) b.set(name, l, a[field]);
          for (const [tres, v] of Object.entries(a.grpTres))
            b.set('slurm_association_grp_tres', { ...l, tres }, v);
          for (const [tres, v] of Object.entries(a.maxTresPerJob)) {
            b.set('slurm_association_max_tres_per_job', { ...l, tres }, v);
          }
        }
        return b.families();
      },
    };
  },
};
