import { describe, expect, it } from 'vitest';
import { sharesCollector } from '../../lib/collectors/shares.js';
import { collectWith, family, sampleValue, share } from './fixtures.js';

describe('shares collector', () => {
  it('keeps account rows (user="") apart from a real user named root', () => {
    const { families } = collectWith(sharesCollector, {
      shares: [
        share({ account: 'root', user: '', fairshareFactor: 1, rawShares: Number.POSITIVE_INFINITY }),
        share({ account: 'root', user: 'root', parent: 'root', fairshareFactor: 0.25, rawUsage: 1000 }),
        share({ account: 'physics', user: '', parent: 'root', fairshareFactor: 0.5, normalizedShares: 0.4 }),
      ],
    });
    const f = family(families, 'slurm_share_fairshare_factor');
    expect(f?.samples).toHaveLength(3);
    expect(
      sampleValue(families, 'slurm_share_fairshare_factor', { account: 'root', user: '', row: 'account' }),
    ).toBe(1);
    expect(
      sampleValue(families, 'slurm_share_fairshare_factor', { account: 'root', user: 'root', row: 'user' }),
    ).toBe(0.25);
    expect(sampleValue(families, 'slurm_share_raw_usage', { account: 'root', user: 'root' })).toBe(1000);
    expect(sampleValue(families, 'slurm_share_raw_shares', { account: 'root', user: '' })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(sampleValue(families, 'slurm_share_normalized_shares', { account: 'physics' })).toBe(0.4);
    // Unset level → no series rather than a fake 0.
    expect(family(families, 'slurm_share_fairshare_level')).toBeUndefined();
  });
});
