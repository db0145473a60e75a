import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConfigLoader } from '../../lib/config/loader.js';
import { createSecretReader, secretsClientConfig } from '../../lib/config/secret.js';
import { ConfigError, SecretError } from '../../lib/errors.js';
import { awsTestEnv, type SecretsManagerStandIn, startSecretsManager } from '../helpers/secrets-manager.js';

let sm: SecretsManagerStandIn;

beforeAll(async () => {
  sm = await startSecretsManager();
});
afterAll(async () => {
  await sm.close();
});
beforeEach(() => {
  vi.unstubAllEnvs();
  vi.stubEnv('AWS_CONFIG_FILE', '/dev/null');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/dev/null');
  sm.clearErrors();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A loader with the stand-in's env, jwt auth and the given secret id. */
function loaderFor(secretId: string, extra: Record<string, string> = {}) {
  return createConfigLoader({
    env: {
      ...awsTestEnv(sm.endpoint),
      SLURM_EXPORTER_SECRET_ID: secretId,
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      ...extra,
    },
  });
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('secret from AWS Secrets Manager (real SDK, local stand-in)', () => {
  it('sends a signed GetSecretValue request and applies the token', async () => {
    sm.setSecret('s/signed', { token: 'tok-signed' });
    const { config, sources } = await loaderFor('s/signed').load();
    expect(config.slurm.auth.token).toBe('tok-signed');
    expect(sources).toContain('secret "s/signed"');
    const req = sm.requests.filter((r) => r.secretId === 's/signed')[0];
    expect(req?.target).toBe('secretsmanager.GetSecretValue');
    expect(req?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/secretsmanager\/aws4_request/,
    );
  });

  it('reads the secret once across repeated loads within secret_max_age', async () => {
    sm.setSecret('s/cached', { token: 'tok-cached' });
    const loader = loaderFor('s/cached');
    for (let i = 0; i < 4; i++) await loader.load();
    expect(sm.count('s/cached')).toBe(1);
  });

  it('re-reads the secret when forced, picking up a rotated value', async () => {
    sm.setSecret('s/forced', { token: 'tok-old' });
    const loader = loaderFor('s/forced');
    const before = await loader.load();
    sm.setSecret('s/forced', { token: 'tok-new' });
    // Within max age the cached value stays.
    expect((await loader.load()).config.slurm.auth.token).toBe('tok-old');
    const after = await loader.load({ forceSecretRefresh: true });
    expect(after.config.slurm.auth.token).toBe('tok-new');
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(sm.count('s/forced')).toBe(2);
  });

  it('reads on every load when secret_max_age is 0s', async () => {
    sm.setSecret('s/nocache', { token: 'tok' });
    const loader = loaderFor('s/nocache', { SLURM_EXPORTER_SECRET_MAX_AGE: '0s' });
    const a = await loader.load();
    const b = await loader.load();
    expect(sm.count('s/nocache')).toBe(2);
    // Same content: the cached result is reused.
    expect(b).toBe(a);
  });

  it('accepts nested config, env-name keys and the short keys together', async () => {
    sm.setSecret('s/forms', {
      password: 'slurm-pw',
      SLURM_EXPORTER_PUSH_AUTH_TOKEN: 'push-tok',
      health: { token: 'health-tok' },
      slurm: { auth: { token: 'nested-tok' } },
    });
    const { config, origins } = await loaderFor('s/forms').load();
    expect(config.slurm.auth.token).toBe('nested-tok');
    expect(config.slurm.auth.password).toBe('slurm-pw');
    expect(config.push.auth.token).toBe('push-tok');
    expect(config.health.token).toBe('health-tok');
    expect(origins['health.token']).toBe('secret');
  });

  it('decodes a SecretBinary holding JSON', async () => {
    sm.setSecret('s/binary', { binary: new TextEncoder().encode('{"token":"bin-tok"}') });
    expect((await loaderFor('s/binary').load()).config.slurm.auth.token).toBe('bin-tok');
  });

  it('looks the secret up by ARN', async () => {
    sm.setSecret('s/arn', { token: 'arn-tok' });
    const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:s/arn-AbCdEf';
    expect((await loaderFor(arn).load()).config.slurm.auth.token).toBe('arn-tok');
  });

  it('ignores secret_id inside the secret, with a warning', async () => {
    sm.setSecret('s/self', { token: 't', secret_id: 'other', SLURM_EXPORTER_SECRET_MAX_AGE: '1s' });
    const { config, warnings } = await loaderFor('s/self').load();
    expect(config.secret_id).toBe('s/self');
    expect(config.secret_max_age).toBe(300_000);
    expect(warnings).toEqual(
      expect.arrayContaining([
        'secret "s/self": "secret_id" cannot be set from the secret; ignored',
        'secret "s/self": "secret_max_age" cannot be set from the secret; ignored',
      ]),
    );
  });

  it.each([
    ['AccessDeniedException', 400, 'secretsmanager:GetSecretValue'],
    ['DecryptionFailure', 400, 'kms:Decrypt'],
    ['InvalidRequestException', 400, 'scheduled for deletion'],
  ])('reports %s naming the secret and the AWS error', async (type, status, hint) => {
    sm.setSecret('s/denied', { token: 'never-shown-1' });
    sm.failWith({ type, status, secretId: 's/denied' });
    const err = await rejection(loaderFor('s/denied').load());
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).secretId).toBe('s/denied');
    expect(err.message).toContain(`cannot read secret "s/denied" from AWS Secrets Manager: ${type}`);
    expect(err.message).toContain(hint);
    expect((err.cause as Error).name).toBe(type);
  });

  it('reports ResourceNotFoundException for a missing secret', async () => {
    const err = await rejection(loaderFor('s/missing').load());
    expect(err).toBeInstanceOf(SecretError);
    expect(err.message).toBe(
      'cannot read secret "s/missing" from AWS Secrets Manager: ResourceNotFoundException (no secret with this name or ARN exists in the region)',
    );
  });

  it('succeeds after throttling because the SDK retries', async () => {
    sm.setSecret('s/throttled', { token: 'tok-after-throttle' });
    sm.failWith({ type: 'ThrottlingException', times: 2, secretId: 's/throttled' });
    const { config } = await loaderFor('s/throttled').load();
    expect(config.slurm.auth.token).toBe('tok-after-throttle');
    expect(sm.count('s/throttled')).toBe(3);
  });

  it('reports throttling that outlasts the SDK retries', async () => {
    sm.setSecret('s/throttled-long', { token: 'x' });
    sm.failWith({ type: 'ThrottlingException', secretId: 's/throttled-long' });
    const client = new SecretsManagerClient({
      ...secretsClientConfig(awsTestEnv(sm.endpoint)),
      maxAttempts: 2,
    });
    const err = await rejection(
      createConfigLoader({
        env: { ...awsTestEnv(sm.endpoint), SLURM_EXPORTER_SECRET_ID: 's/throttled-long' },
        secretsClient: client,
      }).load(),
    );
    expect(err.message).toContain('ThrottlingException (still throttled after the SDK retries)');
    expect(sm.count('s/throttled-long')).toBe(2);
  });

  it.each([
    ['plain text', 'hunter2-plain-text'],
    ['a JSON array', '["hunter2-in-array"]'],
    ['a JSON string', '"hunter2-json-string"'],
  ])('rejects a secret that is %s without showing it', async (_, value) => {
    sm.setSecret('s/not-json', value);
    const err = await rejection(loaderFor('s/not-json').load({ forceSecretRefresh: true }));
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).code).toBe('SECRET_INVALID');
    expect(err.message).toContain('secret "s/not-json" is not a JSON object');
    expect(err.message).not.toContain('hunter2');
    expect(String(err.cause ?? '')).not.toContain('hunter2');
  });

  it('explains a missing key: the token is neither in env nor in the secret', async () => {
    sm.setSecret('s/no-token', { tokn: 'hunter2-typo' });
    const err = await rejection(loaderFor('s/no-token').load());
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(
      'SLURM_EXPORTER_SLURM_AUTH_TOKEN (slurm.auth.token): required when slurm.auth.type is jwt: set SLURM_EXPORTER_SLURM_AUTH_TOKEN or SLURM_EXPORTER_SLURM_AUTH_TOKEN_FILE, or key "token" in secret "s/no-token"',
    );
    expect(err.message).not.toContain('hunter2');
  });

  it('redacts invalid values that came from the secret', async () => {
    sm.setSecret('s/bad-value', { token: 't', slurm: { base_url: 'hunter2-not-a-url' } });
    const err = await rejection(loaderFor('s/bad-value').load());
    expect(err.message).toContain(
      'SLURM_EXPORTER_SLURM_BASE_URL (slurm.base_url): must be an absolute http:// or https:// URL (got [REDACTED] from secret "s/bad-value")',
    );
    expect(err.message).not.toContain('hunter2');
  });

  it('recovers when the secret becomes readable again', async () => {
    sm.setSecret('s/recover', { token: 'tok' });
    sm.failWith({ type: 'AccessDeniedException', times: 1, secretId: 's/recover' });
    const loader = loaderFor('s/recover');
    await rejection(loader.load());
    expect((await loader.load()).config.slurm.auth.token).toBe('tok');
  });
});

describe('createSecretReader / secretsClientConfig', () => {
  it('defaults the region to us-east-1 and passes endpoint and static credentials from env', () => {
    expect(secretsClientConfig({})).toEqual({ region: 'us-east-1' });
    expect(
      secretsClientConfig({
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:1',
        AWS_ACCESS_KEY_ID: 'AKID',
        AWS_SECRET_ACCESS_KEY: 'sk',
        AWS_SESSION_TOKEN: 'st',
      }),
    ).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'sk', sessionToken: 'st' },
    });
  });

  it('honours AWS_ENDPOINT_URL_SECRETS_MANAGER from process.env when the client is built by the SDK itself', async () => {
    sm.setSecret('s/process-env', 'raw text');
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', sm.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    // An env object without endpoint or credentials: the SDK falls back to process.env.
    const reader = createSecretReader({ env: { AWS_REGION: 'us-east-1' } });
    expect(await reader.read('s/process-env', { maxAgeMs: 0, force: false })).toBe('raw text');
  });
});
