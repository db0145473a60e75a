import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS } from '../../lib/config/fields.js';
import { redactConfig, SECRET_PATHS } from '../../lib/config/redact.js';
import { configSchema } from '../../lib/config/schema.js';

const get = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], obj);

describe('redactConfig', () => {
  it('derives the secret list from schema metadata', () => {
    expect(SECRET_PATHS).toEqual(CONFIG_FIELDS.filter((f) => f.secret).map((f) => f.path));
    expect(SECRET_PATHS).toContain('slurm.auth.token');
    expect(SECRET_PATHS).toContain('health.token');
  });

  it('replaces every secret value, keeps everything else and leaves the input untouched', () => {
    const config = configSchema.parse({
      slurm: {
        base_url: 'https://slurm:6820',
        auth: { type: 'jwt', username: 'root', token: 'SECRET-a', password: 'SECRET-b' },
      },
      push: {
        auth: { password: 'SECRET-c', token: 'SECRET-d' },
        headers: { Authorization: 'SECRET-e', 'X-Scope-OrgID': 'SECRET-f' },
      },
      health: { token: 'SECRET-g' },
    });
    const redacted = redactConfig(config);
    expect(JSON.stringify(redacted)).not.toContain('SECRET-');
    for (const path of SECRET_PATHS) {
      const value = get(redacted, path);
      if (typeof value === 'string') expect(value).toBe('[REDACTED]');
    }
    expect(redacted.push.headers).toEqual({ Authorization: '[REDACTED]', 'X-Scope-OrgID': '[REDACTED]' });
    expect(redacted.slurm.base_url).toBe('https://slurm:6820');
    expect(redacted.slurm.auth.username).toBe('root');
    expect(config.slurm.auth.token).toBe('SECRET-a');
  });

  it('keeps empty secrets empty so unset credentials stay visible', () => {
    const redacted = redactConfig(configSchema.parse({}));
    for (const path of SECRET_PATHS) {
      const value = get(redacted, path);
      expect(value === '' || (typeof value === 'object' && Object.keys(value as object).length === 0)).toBe(
        true,
      );
    }
  });
});
