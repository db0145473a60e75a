import { describe, expect, it } from 'vitest';
import { qosCollector } from '../../lib/collectors/qos.js';
import { collectWith, GiB, qos, sampleValue } from './fixtures.js';

describe('qos collector', () => {
  it('reports limits as set, +Inf for UNLIMITED and nothing when unset (no -1 sentinel)', () => {
    const { families } = collectWith(qosCollector, {
      qos: [
        qos({
          name: 'high',
          priority: 100,
          usageFactor: 2,
          maxJobsPerUser: 10,
          grpJobs: Number.POSITIVE_INFINITY,
          maxWallSecondsPerJob: 2 * 86_400,
          maxTresPerUser: { cpu: 64, mem: 2048 * GiB },
          preemptMode: ['suspend', 'gang'],
        }),
      ],
    });
    expect(sampleValue(families, 'slurm_qos_priority', { qos: 'high' })).toBe(100);
    expect(sampleValue(families, 'slurm_qos_usage_factor', { qos: 'high' })).toBe(2);
    expect(sampleValue(families, 'slurm_qos_max_jobs_per_user', { qos: 'high' })).toBe(10);
    expect(sampleValue(families, 'slurm_qos_grp_jobs', { qos: 'high' })).toBe(Number.POSITIVE_INFINITY);
    expect(sampleValue(families, 'slurm_qos_max_submit_jobs_per_user', { qos: 'high' })).toBeUndefined();
    expect(sampleValue(families, 'slurm_qos_max_wall_seconds', { qos: 'high' })).toBe(172_800);
    expect(sampleValue(families, 'slurm_qos_max_tres_per_user', { qos: 'high', tres: 'mem' })).toBe(
      2048 * GiB,
    );
    expect(sampleValue(families, 'slurm_qos_info', { qos: 'high', preempt_mode: 'suspend,gang' })).toBe(1);
  });
});
