/** `tres` (slurmdbd): trackable resources. `tres` is `type` or `type/name` (e.g. `gres/gpu`), as Slurm prints it. */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['tres'] as const;
const metrics: MetricDef[] = [
  metric('slurm_tres_info', 'gauge', 'TRES facts; always 1.', ['tres', 'id', 'type', 'name'], S),
  metric(
    'slurm_tres_configured',
    'gauge',
    'Configured count cluster-wide (absent when not reported).',
    ['tres'],
    S,
  ),
  metric('slurm_tres', 'gauge', 'TRES known to slurmdbd.', [], S),
];

export const tresCollector: Collector = {
  name: 'tres',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        const list = data.tres ?? [];
        for (const t of list) {
          const tres = t.name === '' ? t.type : `${t.type}/${t.name}`;
          b.set('slurm_tres_info', { tres, id: String(t.id), type: t.type, name: t.name }, 1);
          b.set('slurm_tres_configured', { tres }, t.count);
        }
        b.set('slurm_tres', {}, list.length);
        return b.families();
      },
    };
  },
};
