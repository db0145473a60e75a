/** `qos` (slurmdbd): QOS priority, usage factor and limits. Unset → absent, UNLIMITED → +Inf (no -1 sentinel). */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['qos'] as const;
const Q = ['qos'] as const;
const UNSET = 'Absent when unset, +Inf when UNLIMITED.';
const PLAIN = [
  ['slurm_qos_priority', 'priority', 'QOS priority.'],
  ['slurm_qos_usage_factor', 'usageFactor', 'UsageFactor.'],
  ['slurm_qos_usage_threshold', 'usageThreshold', 'UsageThreshold.'],
  ['slurm_qos_max_jobs_per_user', 'maxJobsPerUser', 'MaxJobsPerUser.'],
  ['slurm_qos_max_jobs_per_account', 'maxJobsPerAccount', 'MaxJobsPerAccount.'],
  ['slurm_qos_max_submit_jobs_per_user', 'maxSubmitJobsPerUser', 'MaxSubmitJobsPerUser.'],
  ['slurm_qos_max_submit_jobs_per_account', 'maxSubmitJobsPerAccount', 'MaxSubmitJobsPerAccount.'],
  ['slurm_qos_grp_jobs', 'grpJobs', 'GrpJobs.'],
  ['slurm_qos_grp_submit_jobs', 'grpSubmitJobs', 'GrpSubmitJobs.'],
  ['slurm_qos_max_wall_seconds', 'maxWallSecondsPerJob', 'MaxWall per job.'],
  ['slurm_qos_grp_wall_seconds', 'grpWallSeconds', 'GrpWall.'],
] as const;
const TRES = [
  ['slurm_qos_max_tres_per_job', 'maxTresPerJob', 'MaxTRESPerJob.'],
  ['slurm_qos_max_tres_per_user', 'maxTresPerUser', 'MaxTRESPerUser.'],
  ['slurm_qos_max_tres_per_account', 'maxTresPerAccount', 'MaxTRESPerAccount.'],
  ['slurm_qos_grp_tres', 'grpTres', 'GrpTRES.'],
  ['slurm_qos_min_tres_per_job', 'minTresPerJob', 'MinTRESPerJob.'],
] as const;

const metrics: MetricDef[] = [
  metric(
    'slurm_qos_info',
    'gauge',
    'QOS facts; always 1.',
    ['qos', 'description', 'preempt_mode', 'flags'],
    S,
  ),
  ...PLAIN.map(([name, , help]) => metric(name, 'gauge', `${help} ${UNSET}`, Q, S)),
  ...TRES.map(([name, , help]) =>
    metric(name, 'gauge', `${help} By TRES, mem in bytes. ${UNSET}`, ['qos', 'tres'], S),
  ),
];

export const qosCollector: Collector = {
  name: 'qos',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        for (const q of data.qos ?? []) {
          b.set(
            'slurm_qos_info',
            {
              qos: q.name,
              description: q.description,
              preempt_mode: q.preemptMode.join(','),
              flags: q.flags.join(','),
            },
            1,
          );
          for (const [name, field] of PLAIN) b.set(name, { qos: q.name }, q[field]);
          for (const [name, field] of TRES) {
            for (const [tres, v] of Object.entries(q[field])) b.set(name, { qos: q.name, tres }, v);
          }
        }
        return b.families();
      },
    };
  },
};
