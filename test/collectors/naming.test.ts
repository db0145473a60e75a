import { describe, expect, it } from 'vitest';
import { catalogEntries } from '../../lib/collectors/catalog.js';
import { applyNaming, LEGACY_IDENTICAL, LEGACY_METRICS } from '../../lib/collectors/naming.js';
import type { MetricFamily } from '../../lib/collectors/types.js';
import { sampleValue } from './fixtures.js';

const fam = (name: string, samples: Array<[Record<string, string>, number]>): MetricFamily => ({
  name,
  type: 'gauge',
  help: name,
  samples: samples.map(([labels, value]) => ({ labels, value })),
});

describe('applyNaming', () => {
  it('returns families unchanged in native mode', () => {
    const input = [fam('slurm_nodes', [[{ state: 'idle' }, 2]])];
    expect(applyNaming(input, 'native')).toBe(input);
  });

  it('sums selected samples, renames labels, rescales and keeps unmapped natives', () => {
    const input = [
      fam('slurm_nodes', [
        [{ state: 'drained' }, 2],
        [{ state: 'draining' }, 3],
        [{ state: 'idle' }, 1],
      ]),
      fam('slurm_scheduler_cycle_last_seconds', [[{}, 0.25]]),
      fam('slurm_user_jobs', [
        [{ user: 'a', state: 'PENDING' }, 4],
        [{ user: 'a', state: 'RUNNING' }, 1],
      ]),
      fam('slurm_unmapped_thing', [[{}, 7]]),
    ];
    const out = applyNaming(input, 'vpenso');
    expect(sampleValue(out, 'slurm_nodes_drain')).toBe(5);
    expect(sampleValue(out, 'slurm_nodes_idle')).toBe(1);
    expect(sampleValue(out, 'slurm_nodes_fail')).toBe(0);
    expect(sampleValue(out, 'slurm_scheduler_last_cycle')).toBe(250_000);
    expect(sampleValue(out, 'slurm_user_jobs_pending', { user: 'a' })).toBe(4);
    expect(out.find((f) => f.name === 'slurm_user_jobs_pending')?.samples[0]?.labels).toEqual({ user: 'a' });
    expect(sampleValue(out, 'slurm_unmapped_thing')).toBe(7);
    expect(out.find((f) => f.name === 'slurm_nodes')).toBeUndefined();

    const rv = applyNaming([fam('slurm_user_jobs', [[{ user: 'a', state: 'PENDING' }, 4]])], 'rivosinc');
    expect(rv.find((f) => f.name === 'slurm_user_state_total')?.samples[0]?.labels).toEqual({
      username: 'a',
      state: 'PENDING',
    });
  });

  it('declares unique, valid legacy names per mode', () => {
    for (const list of Object.values(LEGACY_METRICS)) {
      const names = list.map((m) => m.legacy);
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(n).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    }
  });

  it('lists as identical only legacy names the native catalog really has', () => {
    const native = new Set(catalogEntries().map((m) => m.name));
    for (const names of Object.values(LEGACY_IDENTICAL))
      for (const n of names) expect(native.has(n), n).toBe(true);
  });
});
