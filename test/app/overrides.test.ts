import { describe, expect, it } from 'vitest';
import { overridesFromEvent } from '../../lib/app/overrides.js';

describe('overridesFromEvent', () => {
  it('returns nothing for a plain EventBridge scheduled event', () => {
    expect(
      overridesFromEvent({
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        time: '2026-01-01T00:00:00Z',
        detail: {},
      }),
    ).toEqual({});
  });

  it('takes a rule input object as nested overrides', () => {
    const event = { cluster_name: 'hpc2', slurm: { base_url: 'https://hpc2:6820' }, secret_id: 'slurm/hpc2' };
    expect(overridesFromEvent(event)).toEqual(event);
  });

  it('expands dotted keys and drops empty values', () => {
    expect(
      overridesFromEvent({ 'slurm.base_url': 'http://x:1', 'push.grouping.site': 'a', cluster_name: '' }),
    ).toEqual({
      slurm: { base_url: 'http://x:1' },
      push: { grouping: { site: 'a' } },
    });
  });

  it('ignores non-object events', () => {
    expect(overridesFromEvent(null)).toEqual({});
    expect(overridesFromEvent('x')).toEqual({});
    expect(overridesFromEvent([1])).toEqual({});
  });
});
