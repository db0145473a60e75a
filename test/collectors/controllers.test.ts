import { describe, expect, it } from 'vitest';
import { controllersCollector } from '../../lib/collectors/controllers.js';
import { collectWith, controller, sampleValue } from './fixtures.js';

describe('controllers collector', () => {
  it('reports up, latency and role per controller', () => {
    const { families } = collectWith(controllersCollector, {
      ping: [
        controller(),
        controller({ hostname: 'ctl2', mode: 'backup1', responding: false, latencySeconds: null }),
      ],
    });
    expect(sampleValue(families, 'slurm_controller_up', { hostname: 'ctl1', mode: 'primary' })).toBe(1);
    expect(sampleValue(families, 'slurm_controller_up', { hostname: 'ctl2' })).toBe(0);
    expect(sampleValue(families, 'slurm_controller_primary', { hostname: 'ctl2' })).toBe(0);
    expect(sampleValue(families, 'slurm_controller_primary', { hostname: 'ctl1' })).toBe(1);
    expect(sampleValue(families, 'slurm_controller_latency_seconds', { hostname: 'ctl1' })).toBe(0.002);
    expect(sampleValue(families, 'slurm_controller_latency_seconds', { hostname: 'ctl2' })).toBeUndefined();
  });
});
