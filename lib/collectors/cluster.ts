/**
 * `cluster`: is slurmrestd answering, and which Slurm/API version. `slurm_up` is 1 when slurmrestd answered
 * (meta, and ping when it was read), 0 otherwise; the runner calls `unreachable()` when meta itself failed.
 */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef, MetricFamily } from './types.js';

const metrics: MetricDef[] = [
  metric(
    'slurm_cluster_info',
    'gauge',
    'Slurm release, API version and data parser of the answering slurmrestd; always 1.',
    ['version', 'api_version', 'data_parser'],
    ['ping'],
  ),
  metric(
    'slurm_up',
    'gauge',
    '1 when slurmrestd answered this invocation, else 0.',
    [],
    ['ping'],
    'slurm_up == 0',
  ),
];

function up(value: number): MetricFamily[] {
  const b = new FamilyBuilder(metrics);
  b.set('slurm_up', {}, value);
  return b.families();
}

export const clusterCollector: Collector = {
  name: 'cluster',
  endpoints: [],
  optionalEndpoints: ['ping'],
  metrics,
  unreachable: () => up(0),
  start(ctx) {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        b.set(
          'slurm_cluster_info',
          {
            version: ctx.meta.release ?? '',
            api_version: ctx.meta.apiVersion,
            data_parser: ctx.meta.dataParser ?? '',
          },
          1,
        );
        b.set('slurm_up', {}, data.ping === undefined ? 0 : 1);
        return b.families();
      },
    };
  },
};
