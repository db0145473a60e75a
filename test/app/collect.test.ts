import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../lib/app/collect.js';
import { ConfigError, ExporterError, PushError } from '../../lib/errors.js';
import { clusterTruth, generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';
import { resetSlurmClientState } from '../../lib/slurm/client.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { registerTestSecret } from '../helpers/secret-scan.js';
import { awsTestEnv, type SecretsManagerStandIn, startSecretsManager } from '../helpers/secrets-manager.js';
import { sample } from '../push/exposition-parser.js';

const cluster = generateCluster({ seed: 7, nodes: 40, jobs: 300, partitions: 3, name: 'unit' });
const truth = clusterTruth(cluster);

describe('runCollect', () => {
  let sim: SimServer;
  let gateway: CaptureServer;

  beforeAll(async () => {
    sim = await startSimServer({ cluster, versions: ['v0.0.44'] });
    gateway = await startCaptureServer();
  });
  afterAll(async () => {
    await sim.close();
    await gateway.close();
  });
  afterEach(async () => {
    gateway.requests.length = 0;
    gateway.defaultStatus = 200;
    sim.setFault('/slurm/v0.0.44/jobs', null);
    await resetSlurmClientState();
  });

  const env = (extra: Record<string, string> = {}) => ({
    SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
    SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
    SLURM_EXPORTER_PUSH_URL: gateway.url,
    SLURM_EXPORTER_PUSH_RETRIES: '1',
    SLURM_EXPORTER_LOGGING_LEVEL: 'error',
    ...extra,
  });

  it('pushes every collector plus self-metrics to a stable group and reports a summary', async () => {
    const summary = await runCollect({ env: env(), awsRequestId: 'req-1', remainingTimeMs: () => 30_000 });

    expect(summary.cluster).toBe('unit');
    expect(summary.api_version).toBe('v0.0.44');
    expect(Object.values(summary.collectors).every((c) => c.ok)).toBe(true);
    const puts = gateway.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    // The grouping key never carries a per-invocation value such as the request id.
    expect(puts[0]?.path).toBe('/metrics/job/slurm_exporter/cluster/unit');
    const text = puts[0]?.text ?? '';
    // Per-state semantics are the nodes collector's tests' business; here: drain wins, down is down, all counted.
    for (const state of ['drained', 'draining', 'down']) {
      expect(sample(text, 'slurm_nodes', { state })).toBe(truth.nodes.byEffectiveState[state] ?? 0);
    }
    const perState = text.split('\n').filter((l) => l.startsWith('slurm_nodes{'));
    expect(perState.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(
      truth.nodes.total,
    );
    expect(sample(text, 'slurm_jobs', { state: 'RUNNING' })).toBe(truth.jobs.byState.RUNNING);
    expect(sample(text, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(1);
    expect(sample(text, 'slurm_exporter_build_info', { api_version: 'v0.0.44' })).toBe(1);
    expect(summary.push).toMatchObject({ target: 'pushgateway', status: 200 });
    expect(summary.push.series).toBeGreaterThan(100);
  });

  it('makes exactly one request per endpoint per invocation', async () => {
    const before = { ...sim.stats.byPath };
    await runCollect({
      env: env({ SLURM_EXPORTER_SLURM_API_VERSION: 'v0.0.44' }),
      remainingTimeMs: () => 30_000,
    });
    const delta = Object.entries(sim.stats.byPath)
      .map(([p, n]) => [p, n - (before[p] ?? 0)] as const)
      .filter(([, n]) => n > 0);
    expect(delta.length).toBeGreaterThan(10);
    for (const [path, n] of delta) expect(n, path).toBe(1);
  });

  it('still pushes the other collectors when one endpoint fails, with success=0 for the failed ones', async () => {
    sim.setFault('/slurm/v0.0.44/jobs', { status: 500, body: 'boom' });
    const summary = await runCollect({ env: env(), remainingTimeMs: () => 30_000 });

    expect(summary.collectors.jobs?.ok).toBe(false);
    expect(summary.collectors.jobs?.error).toMatch(/jobs/);
    expect(summary.collectors.nodes?.ok).toBe(true);
    const text = gateway.requests.find((r) => r.method === 'PUT')?.text ?? '';
    expect(sample(text, 'slurm_exporter_collector_success', { collector: 'jobs' })).toBe(0);
    expect(sample(text, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(1);
    expect(sample(text, 'slurm_nodes', { state: 'down' })).toBe(truth.nodes.byEffectiveState.down);
    expect(sample(text, 'slurm_jobs', { state: 'RUNNING' })).toBeUndefined();
  });

  it('pushes the self-metrics and then throws when every collector failed', async () => {
    const e = env({
      SLURM_EXPORTER_SLURM_BASE_URL: 'http://127.0.0.1:9',
      SLURM_EXPORTER_CLUSTER_NAME: 'gone',
    });
    const err = await runCollect({ env: e, remainingTimeMs: () => 20_000 }).catch((x: unknown) => x);

    expect(err).toBeInstanceOf(ExporterError);
    expect((err as ExporterError).code).toBe('ALL_COLLECTORS_FAILED');
    const put = gateway.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/metrics/job/slurm_exporter/cluster/gone');
    expect(sample(put?.text ?? '', 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(0);
    expect(
      sample(put?.text ?? '', 'slurm_exporter_collect_errors_total', {
        collector: 'nodes',
        error_type: 'connection',
      }),
    ).toBeGreaterThan(0);
  });

  it('throws a ConfigError naming every bad variable before any request', async () => {
    const err = await runCollect({
      env: env({ SLURM_EXPORTER_PUSH_URL: 'not a url', SLURM_EXPORTER_SLURM_TIMEOUT: 'soon' }),
    }).catch((x: unknown) => x);

    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('SLURM_EXPORTER_PUSH_URL');
    expect((err as Error).message).toContain('SLURM_EXPORTER_SLURM_TIMEOUT');
    expect(gateway.requests).toHaveLength(0);
  });

  it('throws a PushError after retries when the receiver keeps failing', async () => {
    gateway.defaultStatus = 503;
    const err = await runCollect({ env: env(), remainingTimeMs: () => 30_000 }).catch((x: unknown) => x);

    expect(err).toBeInstanceOf(PushError);
    expect((err as PushError).status).toBe(503);
    expect(gateway.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('takes per-cluster overrides from the schedule input', async () => {
    const summary = await runCollect({
      env: env({ SLURM_EXPORTER_SLURM_BASE_URL: 'http://127.0.0.1:9' }),
      overrides: { cluster_name: 'hpc2', slurm: { base_url: sim.url } },
      remainingTimeMs: () => 30_000,
    });
    expect(summary.cluster).toBe('hpc2');
    expect(gateway.requests.find((r) => r.method === 'PUT')?.path).toBe(
      '/metrics/job/slurm_exporter/cluster/hpc2',
    );
  });
});

describe('runCollect with the token in Secrets Manager', () => {
  const oldToken = 'jwt-old-token-value-0001';
  const newToken = 'jwt-new-token-value-0002';
  let sim: SimServer;
  let sm: SecretsManagerStandIn;
  let gateway: CaptureServer;

  beforeAll(async () => {
    registerTestSecret(oldToken, 'old slurm token');
    registerTestSecret(newToken, 'rotated slurm token');
    sim = await startSimServer({ cluster, versions: ['v0.0.44'], token: oldToken });
    sm = await startSecretsManager({ secrets: { 'slurm/unit': { token: oldToken } } });
    gateway = await startCaptureServer();
  });
  afterAll(async () => {
    await sim.close();
    await sm.close();
    await gateway.close();
    await resetSlurmClientState();
  });

  it('reads the token from the secret once, and re-reads it exactly once after slurmrestd rejects it', async () => {
    const e = {
      ...awsTestEnv(sm.endpoint),
      SLURM_EXPORTER_SECRET_ID: 'slurm/unit',
      SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
      SLURM_EXPORTER_PUSH_URL: gateway.url,
      SLURM_EXPORTER_LOGGING_LEVEL: 'debug',
    };
    const first = await runCollect({ env: e, remainingTimeMs: () => 30_000 });
    expect(Object.values(first.collectors).every((c) => c.ok)).toBe(true);
    const readsAfterFirst = sm.count('slurm/unit');
    expect(readsAfterFirst).toBe(1);

    // Rotation: slurmrestd now wants the new token, and the secret holds it.
    sim.setToken(newToken);
    sm.setSecret('slurm/unit', { token: newToken });
    const second = await runCollect({ env: e, remainingTimeMs: () => 30_000 });

    expect(Object.values(second.collectors).every((c) => c.ok)).toBe(true);
    expect(sm.count('slurm/unit')).toBe(readsAfterFirst + 1);
    for (const r of gateway.requests) {
      expect(r.text).not.toContain(oldToken);
      expect(r.text).not.toContain(newToken);
    }
  });
});

describe('runCollect when slurmrestd answers every request with an error', () => {
  it('pushes slurm_up 0 and the failures, then throws: only the cluster collector "succeeded"', async () => {
    const c = generateCluster({ seed: 9, nodes: 6, jobs: 10, name: 'broken' });
    const faults = Object.fromEntries(
      ['ping', 'diag', 'nodes', 'jobs', 'partitions', 'reservations', 'licenses', 'shares'].map((e) => [
        `/slurm/v0.0.44/${e}`,
        { status: 502, body: 'slurmctld unreachable' },
      ]),
    );
    const sim = await startSimServer({ cluster: c, versions: ['v0.0.44'], slurmdb: false, faults });
    const gw = await startCaptureServer();
    try {
      const err = await runCollect({
        env: {
          SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
          SLURM_EXPORTER_SLURM_API_VERSION: 'v0.0.44',
          SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '0',
          SLURM_EXPORTER_CLUSTER_NAME: 'broken',
          SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
          SLURM_EXPORTER_PUSH_URL: gw.url,
          SLURM_EXPORTER_LOGGING_LEVEL: 'error',
        },
        remainingTimeMs: () => 30_000,
      }).catch((x: unknown) => x);
      expect((err as ExporterError).code).toBe('ALL_COLLECTORS_FAILED');
      const text = gw.requests.find((r) => r.method === 'PUT')?.text ?? '';
      expect(sample(text, 'slurm_up')).toBe(0);
      expect(sample(text, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(0);
    } finally {
      await sim.close();
      await gw.close();
      await resetSlurmClientState();
    }
  });
});
