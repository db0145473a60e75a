import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../lib/collectors/filter.js';

describe('compileFilter', () => {
  it('passes everything without patterns', () => {
    expect(compileFilter(undefined)('anything')).toBe(true);
  });

  it('matches exact, prefix*, *suffix and a*b globs; exclude wins', () => {
    const keep = compileFilter({
      include_metrics: ['slurm_node_*', '*_bytes', 'slurm_jobs'],
      exclude_metrics: ['slurm_node_*_idle'],
    });
    expect(keep('slurm_node_cpus')).toBe(true);
    expect(keep('slurm_memory_total_bytes')).toBe(true);
    expect(keep('slurm_jobs')).toBe(true);
    expect(keep('slurm_jobs_with_flag')).toBe(false);
    expect(keep('slurm_node_cpus_idle')).toBe(false);
  });

  it('treats regex characters literally', () => {
    const keep = compileFilter({ include_metrics: ['slurm.nodes'] });
    expect(keep('slurm.nodes')).toBe(true);
    expect(keep('slurmXnodes')).toBe(false);
  });
});
