import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, ENV_NAMES, ENV_PREFIX, fieldByEnv, META_ENV } from '../../lib/config/fields.js';

/** The env names that the seed document (tracing page) tells users to set. */
const SEED_NAMES = [
  'SLURM_EXPORTER_OBSERVABILITY_TRACING_ENABLED',
  'SLURM_EXPORTER_OBSERVABILITY_TRACING_SAMPLE_RATE',
  'SLURM_EXPORTER_OBSERVABILITY_TRACING_ENDPOINT',
  'SLURM_EXPORTER_OBSERVABILITY_TRACING_INSECURE',
];

describe('CONFIG_FIELDS / ENV_NAMES', () => {
  it('derives every env name mechanically from the key path', () => {
    for (const f of CONFIG_FIELDS) {
      expect(f.env).toBe(`SLURM_EXPORTER_${f.path.replace(/\./g, '_').toUpperCase()}`);
    }
  });

  it('gives every leaf a unique env name that maps back to it', () => {
    expect(new Set(ENV_NAMES).size).toBe(CONFIG_FIELDS.length);
    for (const f of CONFIG_FIELDS) expect(fieldByEnv(f.env)?.path).toBe(f.path);
    expect(ENV_NAMES).not.toContain(META_ENV.config);
    expect(ENV_NAMES).not.toContain(META_ENV.configFile);
  });

  it('contains the seed document names and the names the brief quotes', () => {
    for (const name of [
      ...SEED_NAMES,
      'SLURM_EXPORTER_SLURM_AUTH_TOKEN',
      'SLURM_EXPORTER_COLLECTORS_JOBS_PER_JOB',
      'SLURM_EXPORTER_PUSH_MAX_SAMPLES_PER_REQUEST',
      'SLURM_EXPORTER_SECRET_ID',
    ]) {
      expect(ENV_NAMES).toContain(name);
    }
  });

  it('describes every field and marks exactly the credential fields secret', () => {
    for (const f of CONFIG_FIELDS) {
      expect(f.description.length, f.path).toBeGreaterThan(10);
      expect(f.env.startsWith(ENV_PREFIX)).toBe(true);
    }
    expect(CONFIG_FIELDS.filter((f) => f.secret).map((f) => f.path)).toEqual([
      'slurm.auth.token',
      'slurm.auth.password',
      'push.auth.password',
      'push.auth.token',
      'push.headers',
      'health.token',
    ]);
  });

  it('keeps defaults in their input form (durations as Go strings)', () => {
    expect(fieldByEnv('SLURM_EXPORTER_SLURM_TIMEOUT')?.default).toBe('30s');
    expect(fieldByEnv('SLURM_EXPORTER_SLURM_TIMEOUT')?.kind).toBe('duration');
    expect(fieldByEnv('SLURM_EXPORTER_PUSH_TYPE')?.values).toEqual(['pushgateway', 'remote_write', 'stdout']);
  });
});
