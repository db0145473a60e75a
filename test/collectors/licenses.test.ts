import { describe, expect, it } from 'vitest';
import { licensesCollector } from '../../lib/collectors/licenses.js';
import { collectWith, license, sampleValue } from './fixtures.js';

describe('licenses collector', () => {
  it('reports total, used, free and reserved per license', () => {
    const { families } = collectWith(licensesCollector, {
      licenses: [
        license(),
        license({ name: 'ansys', total: 4, used: 4, free: 0, reserved: 1, remote: true }),
      ],
    });
    expect(sampleValue(families, 'slurm_license_configured', { license: 'matlab' })).toBe(10);
    expect(sampleValue(families, 'slurm_license_used', { license: 'matlab' })).toBe(3);
    expect(sampleValue(families, 'slurm_license_free', { license: 'ansys' })).toBe(0);
    expect(sampleValue(families, 'slurm_license_reserved', { license: 'ansys' })).toBe(1);
    expect(sampleValue(families, 'slurm_license_info', { license: 'ansys', remote: 'true' })).toBe(1);
  });
});
