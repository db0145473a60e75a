/**
 * `clusters` (slurmdbd): clusters registered in slurmdbd. Their name is `slurmdb_cluster`: the `cluster` label
 * belongs to the exporter (the cluster it reports on).
 */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['clusters'] as const;
const C = ['slurmdb_cluster'] as const;
const metrics: MetricDef[] = [
  metric(
    'slurm_slurmdb_cluster_info',
    'gauge',
    'Cluster facts from slurmdbd; always 1.',
    ['slurmdb_cluster', 'controller_host', 'controller_port', 'select_plugin', 'flags'],
    S,
  ),
  metric('slurm_slurmdb_cluster_rpc_version', 'gauge', 'RPC protocol version of the cluster.', C, S),
  metric(
    'slurm_slurmdb_cluster_tres',
    'gauge',
    'Configured TRES of the cluster (mem in bytes).',
    [...C, 'tres'],
    S,
  ),
];

export const clustersCollector: Collector = {
  name: 'clusters',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        for (const c of data.clusters ?? []) {
          b.set(
            'slurm_slurmdb_cluster_info',
            {
              slurmdb_cluster: c.name,
              controller_host: c.controllerHost,
              controller_port: c.controllerPort === null ? '' : String(c.controllerPort),
              select_plugin: c.selectPlugin,
              flags: c.flags.join(','),
            },
            1,
          );
          b.set('slurm_slurmdb_cluster_rpc_version', { slurmdb_cluster: c.name }, c.rpcVersion);
          for (const [tres, v] of Object.entries(c.tres)) {
            b.set('slurm_slurmdb_cluster_tres', { slurmdb_cluster: c.name, tres }, v);
          }
        }
        return b.families();
      },
    };
  },
};
