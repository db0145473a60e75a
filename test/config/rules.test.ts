import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/loader.js';
import { ConfigError } from '../../lib/errors.js';

async function issuesFor(env: Record<string, string>): Promise<ConfigError> {
  const err = await loadConfig(env).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('cross-field rules', () => {
  it.each([
    [
      { SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt' },
      'SLURM_EXPORTER_SLURM_AUTH_TOKEN',
      'required when slurm.auth.type is jwt',
    ],
    [
      { SLURM_EXPORTER_SLURM_AUTH_TYPE: 'bearer' },
      'SLURM_EXPORTER_SLURM_AUTH_TOKEN',
      'required when slurm.auth.type is bearer',
    ],
    [
      { SLURM_EXPORTER_SLURM_AUTH_TYPE: 'basic', SLURM_EXPORTER_SLURM_AUTH_PASSWORD: 'pw' },
      'SLURM_EXPORTER_SLURM_AUTH_USERNAME',
      'required when slurm.auth.type is basic',
    ],
    [
      { SLURM_EXPORTER_SLURM_AUTH_TYPE: 'basic', SLURM_EXPORTER_SLURM_AUTH_USERNAME: 'u' },
      'SLURM_EXPORTER_SLURM_AUTH_PASSWORD',
      'required when slurm.auth.type is basic',
    ],
    [
      { SLURM_EXPORTER_PUSH_TYPE: 'pushgateway' },
      'SLURM_EXPORTER_PUSH_URL',
      'required when push.type is pushgateway',
    ],
    [
      { SLURM_EXPORTER_PUSH_TYPE: 'remote_write' },
      'SLURM_EXPORTER_PUSH_URL',
      'required when push.type is remote_write',
    ],
    [
      { SLURM_EXPORTER_PUSH_AUTH_TYPE: 'basic', SLURM_EXPORTER_PUSH_AUTH_PASSWORD: 'p' },
      'SLURM_EXPORTER_PUSH_AUTH_USERNAME',
      'required when push.auth.type is basic',
    ],
    [
      { SLURM_EXPORTER_PUSH_AUTH_TYPE: 'basic', SLURM_EXPORTER_PUSH_AUTH_USERNAME: 'u' },
      'SLURM_EXPORTER_PUSH_AUTH_PASSWORD',
      'required when push.auth.type is basic',
    ],
    [
      { SLURM_EXPORTER_PUSH_AUTH_TYPE: 'bearer' },
      'SLURM_EXPORTER_PUSH_AUTH_TOKEN',
      'required when push.auth.type is bearer',
    ],
    [{ SLURM_EXPORTER_PUSH_AUTH_TYPE: 'sigv4' }, 'SLURM_EXPORTER_PUSH_AUTH_REGION', 'AWS_REGION is not set'],
    [
      Object.fromEntries(
        [
          'NODES',
          'PARTITIONS',
          'JOBS',
          'SCHEDULER',
          'RESERVATIONS',
          'LICENSES',
          'CONTROLLERS',
          'SHARES',
          'ACCOUNTS',
          'USERS',
          'ASSOCIATIONS',
          'QOS',
          'TRES',
          'CLUSTERS',
          'CLUSTER',
        ].map((n) => [`SLURM_EXPORTER_COLLECTORS_${n}_ENABLED`, 'false']),
      ),
      'SLURM_EXPORTER_COLLECTORS_*_ENABLED',
      'at least one collector must be enabled',
    ],
  ])('rejects %j naming %s', async (env, name, message) => {
    const err = await issuesFor(env);
    const issue = err.issues.find((i) => i.env === name);
    expect(issue?.message, err.message).toContain(message);
  });

  it('requires a tracing endpoint only when tracing is enabled', async () => {
    const on = await loadConfig(
      { SLURM_EXPORTER_OBSERVABILITY_TRACING_ENABLED: 'true' },
      { observability: { tracing: { endpoint: '' } } },
    ).then(
      () => undefined,
      (e: unknown) => e as ConfigError,
    );
    expect(on?.message).toContain(
      'SLURM_EXPORTER_OBSERVABILITY_TRACING_ENDPOINT (observability.tracing.endpoint): required when observability.tracing.enabled is true',
    );
    const off = await loadConfig({}, { observability: { tracing: { endpoint: '' } } });
    expect(off.config.observability.tracing.endpoint).toBe('');
  });

  it('mentions the secret as a place for a missing token', async () => {
    const err = await issuesFor({ SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt' });
    expect(err.message).toContain('SLURM_EXPORTER_SECRET_ID');
  });

  it('fills the sigv4 region from AWS_REGION', async () => {
    const { config } = await loadConfig({
      SLURM_EXPORTER_PUSH_TYPE: 'remote_write',
      SLURM_EXPORTER_PUSH_URL:
        'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
      SLURM_EXPORTER_PUSH_AUTH_TYPE: 'sigv4',
      AWS_REGION: 'eu-west-1',
    });
    expect(config.push.auth.region).toBe('eu-west-1');
  });

  it('accepts complete settings for every auth and push type', async () => {
    const { config } = await loadConfig({
      SLURM_EXPORTER_SLURM_BASE_URL: 'https://slurm:6820',
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'basic',
      SLURM_EXPORTER_SLURM_AUTH_USERNAME: 'slurm',
      SLURM_EXPORTER_SLURM_AUTH_PASSWORD: 'p@ss word',
      SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
      SLURM_EXPORTER_PUSH_URL: 'http://127.0.0.1:9091',
      SLURM_EXPORTER_PUSH_AUTH_TYPE: 'bearer',
      SLURM_EXPORTER_PUSH_AUTH_TOKEN: 'tok',
      SLURM_EXPORTER_PUSH_GROUPING: 'cluster=hpc1,instance=lambda',
      SLURM_EXPORTER_COLLECTORS_NODES_ENABLED: 'false',
    });
    expect(config.slurm.auth.password).toBe('p@ss word');
    expect(config.push.grouping).toEqual({ cluster: 'hpc1', instance: 'lambda' });
  });

  it('does not report a rule on top of a field that already failed its own check', async () => {
    const err = await issuesFor({
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      SLURM_EXPORTER_SLURM_AUTH_TOKEN: 'has space',
    });
    expect(err.issues.filter((i) => i.env === 'SLURM_EXPORTER_SLURM_AUTH_TOKEN')).toHaveLength(1);
  });

  it('warns when a Slurm token is set but auth type is none', async () => {
    const { warnings } = await loadConfig({ SLURM_EXPORTER_SLURM_AUTH_TOKEN: 'tok' });
    expect(warnings).toContain('slurm.auth.token is set but slurm.auth.type is none: the token is not sent');
  });
});
