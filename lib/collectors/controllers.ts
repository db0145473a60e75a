/** `controllers`: slurmctld primary/backup reachability from `ping`. */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['ping'] as const;
const HM = ['hostname', 'mode'] as const;

const metrics: MetricDef[] = [
  metric(
    'slurm_controller_up',
    'gauge',
    '1 when the controller answers ping.',
    HM,
    S,
    'min(slurm_controller_up) == 0',
  ),
  metric('slurm_controller_latency_seconds', 'gauge', 'Ping latency (v0.0.39+).', HM, S),
  metric('slurm_controller_primary', 'gauge', '1 for the primary controller, 0 for backups.', HM, S),
];

export const controllersCollector: Collector = {
  name: 'controllers',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        for (const c of data.ping ?? []) {
          const l = { hostname: c.hostname, mode: c.mode };
          b.set('slurm_controller_up', l, c.responding ? 1 : 0);
          b.set('slurm_controller_latency_seconds', l, c.latencySeconds);
          b.set('slurm_controller_primary', l, c.mode === 'primary' ? 1 : 0);
        }
        return b.families();
      },
    };
  },
};
