/** `licenses`: cluster licenses (`scontrol show licenses`). */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['licenses'] as const;
const L = ['license'] as const;

const metrics: MetricDef[] = [
  metric(
    'slurm_license_info',
    'gauge',
    'License facts; always 1. remote is true for slurmdbd licenses.',
    ['license', 'remote'],
    S,
  ),
  metric('slurm_license_configured', 'gauge', 'Licenses configured.', L, S),
  metric('slurm_license_used', 'gauge', 'Licenses in use.', L, S),
  metric('slurm_license_free', 'gauge', 'Licenses free.', L, S),
  metric('slurm_license_reserved', 'gauge', 'Licenses reserved.', L, S),
];

export const licensesCollector: Collector = {
  name: 'licenses',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        for (const l of data.licenses ?? []) {
          const lab = { license: l.name };
          b.set('slurm_license_info', { license: l.name, remote: String(l.remote) }, 1);
          b.set('slurm_license_configured', lab, l.total);
          b.set('slurm_license_used', lab, l.used);
          b.set('slurm_license_free', lab, l.free);
          b.set('slurm_license_reserved', lab, l.reserved);
        }
        return b.families();
      },
    };
  },
};
