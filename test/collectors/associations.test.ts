import { describe, expect, it } from 'vitest';
import { associationsCollector } from '../../lib/collectors/associations.js';
import { association, collectWith, sampleValue } from './fixtures.js';

describe('associations collector', () => {
  it('reports limits per association with the slurmdbd cluster in slurmdb_cluster', () => {
    const { families } = collectWith(associationsCollector, {
      associations: [
        association({
          maxJobs: 5,
          grpTres: { cpu: 128, 'gres/gpu': 8 },
          maxWallSecondsPerJob: Number.POSITIVE_INFINITY,
        }),
        association({ user: '', cluster: 'other', grpJobs: 50 }),
      ],
    });
    const alice = { account: 'physics', user: 'alice', partition: '', slurmdb_cluster: 'lab' };
    expect(sampleValue(families, 'slurm_association_max_jobs', alice)).toBe(5);
    expect(sampleValue(families, 'slurm_association_max_wall_seconds', alice)).toBe(Number.POSITIVE_INFINITY);
    expect(sampleValue(families, 'slurm_association_grp_tres', { ...alice, tres: 'gres/gpu' })).toBe(8);
    expect(sampleValue(families, 'slurm_association_grp_jobs', { user: '', slurmdb_cluster: 'other' })).toBe(
      50,
    );
    expect(sampleValue(families, 'slurm_association_grp_jobs', alice)).toBeUndefined();
    expect(
      sampleValue(families, 'slurm_association_info', { ...alice, qos: 'normal', default_qos: 'normal' }),
    ).toBe(1);
  });
});
