import { describe, expect, it } from 'vitest';
import { clusterCollector } from '../../lib/collectors/cluster.js';
import { collectWith, controller, meta, sampleValue } from './fixtures.js';

describe('cluster collector', () => {
  it('reports versions from meta and slurm_up 1 when ping answered', () => {
    const m = meta({ apiVersion: 'v0.0.42', release: '24.11.1', dataParser: 'data_parser/v0.0.42' });
    const { families } = collectWith(clusterCollector, { ping: [controller()] }, { meta: m });
    expect(
      sampleValue(families, 'slurm_cluster_info', {
        version: '24.11.1',
        api_version: 'v0.0.42',
        data_parser: 'data_parser/v0.0.42',
      }),
    ).toBe(1);
    expect(sampleValue(families, 'slurm_up')).toBe(1);
  });

  it('reports slurm_up 0 when ping failed or slurmrestd was unreachable', () => {
    expect(sampleValue(collectWith(clusterCollector, {}).families, 'slurm_up')).toBe(0);
    expect(sampleValue(clusterCollector.unreachable?.() ?? [], 'slurm_up')).toBe(0);
  });
});
