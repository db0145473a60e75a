/**
 * Fault matrix, AWS Secrets Manager side: the real SDK client against the local stand-in
 * (test/helpers/secrets-manager.ts), driven through `runCollect`. Secret failures are configuration
 * failures: the run stops before any slurmrestd or push traffic, with a message naming the secret id and the
 * AWS error (never the secret's content).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, SecretError } from '../../lib/errors.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';
import { resetSlurmClientState } from '../../lib/slurm/client.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { registerTestSecret, TEST_SLURM_TOKEN } from '../helpers/secret-scan.js';
import { awsTestEnv, type SecretsManagerStandIn, startSecretsManager } from '../helpers/secrets-manager.js';
import {
  assertNothingLeaked,
  baseEnv,
  collect,
  type Env,
  errorCounters,
  errorIncrease,
  pushedText,
  sample,
} from './harness.js';

const cluster = generateCluster({ seed: 13, nodes: 12, jobs: 80, partitions: 2, name: 'relsec' });
const ROTATED = 'tst-rotated-jwt-Xe4Wq8Pk2Nv6';

describe('Secrets Manager faults', () => {
  let sim: SimServer;
  let sm: SecretsManagerStandIn;
  let gw: CaptureServer;
  // Each test uses its own secret id: the config loader caches per environment across warm invocations.
  let n = 0;
  let secretId = '';
  const env = (extra: Env = {}) =>
    baseEnv(sim.url, gw.url, {
      ...awsTestEnv(sm.endpoint),
      SLURM_EXPORTER_SECRET_ID: secretId,
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      ...extra,
    });

  beforeAll(async () => {
    registerTestSecret(TEST_SLURM_TOKEN, 'TEST_SLURM_TOKEN');
    registerTestSecret(ROTATED, 'rotated slurm token');
    registerTestSecret('test-secret-access-key', 'AWS secret access key of awsTestEnv');
    sim = await startSimServer({ cluster, versions: ['v0.0.44'], token: TEST_SLURM_TOKEN });
    sm = await startSecretsManager();
    gw = await startCaptureServer();
  });
  afterAll(async () => {
    await sim.close();
    await sm.close();
    await gw.close();
    await resetSlurmClientState();
  });
  afterEach(async () => {
    gw.requests.length = 0;
    sm.clearErrors();
    sim.setToken(TEST_SLURM_TOKEN);
    await resetSlurmClientState();
  });
  const fresh = (value?: Parameters<SecretsManagerStandIn['setSecret']>[1]) => {
    secretId = `slurm/reliability-${++n}`;
    if (value !== undefined) sm.setSecret(secretId, value);
    return secretId;
  };

  async function configFails(message: RegExp) {
    const slurmBefore = sim.stats.requests;
    const out = await collect({ env: env() });
    expect(out.error).toBeDefined();
    expect(out.error?.message).toMatch(message);
    // Failed before any traffic: nothing asked of slurmrestd, nothing pushed.
    expect(sim.stats.requests).toBe(slurmBefore);
    expect(gw.requests).toHaveLength(0);
    assertNothingLeaked(out);
    return out.error as Error;
  }

  it('AccessDenied: SecretError naming the secret id, the AWS error and the IAM permission to check', async () => {
    const id = fresh({ token: TEST_SLURM_TOKEN });
    sm.failWith({ type: 'AccessDeniedException', secretId: id });
    const err = await configFails(
      /cannot read secret "slurm\/reliability-\d+" from AWS Secrets Manager: AccessDeniedException \(.*secretsmanager:GetSecretValue/,
    );
    expect(err).toBeInstanceOf(SecretError);
  });

  it('ResourceNotFound: SecretError naming the secret id', async () => {
    fresh();
    const err = await configFails(
      /cannot read secret "slurm\/reliability-\d+" .*ResourceNotFoundException \(no secret with this name/,
    );
    expect(err).toBeInstanceOf(SecretError);
  });

  it('throttling: the SDK retries and the run succeeds', async () => {
    const id = fresh({ token: TEST_SLURM_TOKEN });
    sm.failWith({ type: 'ThrottlingException', secretId: id, times: 2 });
    const out = await collect({ env: env() });
    expect(out.error).toBeUndefined();
    expect(sm.count(id)).toBe(3);
    expect(sample(pushedText(gw.requests), 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(
      1,
    );
    assertNothingLeaked(out, gw.requests);
  });

  it('secret that is not JSON: error naming the secret and saying what was expected, without its content', async () => {
    fresh(`token=${TEST_SLURM_TOKEN} (not json)`);
    const err = await configFails(/slurm\/reliability-\d+.*(JSON|json|mapping|object)/);
    expect(err.message).not.toContain('not json');
  });

  it('key missing: jwt auth with no token anywhere is a ConfigError naming SLURM_EXPORTER_SLURM_AUTH_TOKEN', async () => {
    fresh({ unrelated: 'value-without-token' });
    const err = await configFails(/SLURM_EXPORTER_SLURM_AUTH_TOKEN/);
    expect(err).toBeInstanceOf(ConfigError);
  });

  it('rotation: after a 401 the secret is re-read once and the new token is used', async () => {
    const id = fresh({ token: TEST_SLURM_TOKEN });
    const first = await collect({ env: env() });
    expect(first.error).toBeUndefined();
    const reads = sm.count(id);

    sim.setToken(ROTATED);
    sm.setSecret(id, { token: ROTATED });
    const before = errorCounters();
    const second = await collect({ env: env() });
    expect(second.error).toBeUndefined();
    expect(sm.count(id)).toBe(reads + 1);
    const text = pushedText(gw.requests);
    expect(sample(text, 'slurm_exporter_collector_success', { collector: 'jobs' })).toBe(1);
    expect(errorIncrease(text, 'jobs', before)).toEqual({});
    assertNothingLeaked(first, gw.requests);
    assertNothingLeaked(second, gw.requests);
  });

  it('slurmctld down on 22.05 (HTTP 500 "Unspecified error" under /slurm): one secret refresh, accounting still pushed', async () => {
    const id = fresh({ token: TEST_SLURM_TOKEN });
    const ctldDown = {
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ errors: [{ error: 'Unspecified error', error_number: -1 }] }),
    };
    const paths = ['ping', 'nodes', 'partitions', 'jobs', 'reservations', 'diag', 'licenses', 'shares'].map(
      (p) => `/slurm/v0.0.44/${p}`,
    );
    for (const p of paths) sim.setFault(p, ctldDown);
    try {
      const before = errorCounters();
      const out = await collect({ env: env() });
      // Pinned version: the collectors run although the ping failed; slurmdbd-served ones succeed.
      expect(out.error).toBeUndefined();
      expect(out.summary?.collectors.qos?.ok).toBe(true);
      expect(out.summary?.collectors.accounts?.ok).toBe(true);
      expect(out.summary?.collectors.nodes?.ok).toBe(false);
      expect(out.summary?.collectors.nodes?.error).toMatch(
        /GET \/slurm\/v0\.0\.44\/nodes failed: .*check slurmctld too/,
      );
      // The initial read plus exactly one refresh, however many endpoints were rejected.
      expect(sm.count(id)).toBe(2);
      const text = pushedText(gw.requests);
      expect(sample(text, 'slurm_exporter_collector_success', { collector: 'qos' })).toBe(1);
      expect(sample(text, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(0);
      expect(errorIncrease(text, 'nodes', before)).toEqual({ auth: 1 });
      assertNothingLeaked(out, gw.requests);
    } finally {
      for (const p of paths) sim.setFault(p, null);
    }
  });

  it('rotation that has not reached the secret yet: auth error for every collector after one refresh', async () => {
    const id = fresh({ token: TEST_SLURM_TOKEN });
    sim.setToken(ROTATED);
    const before = errorCounters();
    const out = await collect({ env: env() });
    expect(out.error?.message).toMatch(/jwt credentials were rejected .*also after a credential refresh/);
    expect(sm.count(id)).toBe(2);
    expect(errorIncrease(pushedText(gw.requests), 'nodes', before)).toEqual({ auth: 1 });
    assertNothingLeaked(out, gw.requests);
  });
});
