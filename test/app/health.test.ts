import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HealthBody, type HttpEventLike, handleHealth } from '../../lib/app/health.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';
import { resetSlurmClientState } from '../../lib/slurm/client.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { assertNoSecrets, registerTestSecret } from '../helpers/secret-scan.js';

const TOKEN = 'health-slurm-token-123456';
const HEALTH_TOKEN = 'health-shared-secret-987654';

function event(path: string, method = 'GET', headers: Record<string, string> = {}): HttpEventLike {
  return { rawPath: path, headers, requestContext: { http: { method, path } } };
}

function gatewayGroups(job: string, cluster: string, pushedAt: number) {
  return JSON.stringify({
    status: 'success',
    data: [
      {
        labels: { job, cluster },
        last_push_successful: true,
        push_time_seconds: {
          time_stamp: '',
          type: 'GAUGE',
          help: '',
          metrics: [{ labels: { job, cluster }, value: String(pushedAt) }],
        },
      },
    ],
  });
}

describe('handleHealth', () => {
  let sim: SimServer;
  let gateway: CaptureServer;
  const cluster = generateCluster({ seed: 3, nodes: 8, jobs: 20, name: 'hc' });

  beforeAll(async () => {
    registerTestSecret(TOKEN, 'slurm token (health test)');
    registerTestSecret(HEALTH_TOKEN, 'health shared secret');
    sim = await startSimServer({ cluster, versions: ['v0.0.42'], token: TOKEN });
    gateway = await startCaptureServer();
  });
  afterAll(async () => {
    await sim.close();
    await gateway.close();
  });
  afterEach(async () => {
    gateway.routes.clear();
    await resetSlurmClientState();
  });

  const env = (extra: Record<string, string> = {}) => ({
    SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
    SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
    SLURM_EXPORTER_SLURM_AUTH_TOKEN: TOKEN,
    SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
    SLURM_EXPORTER_PUSH_URL: gateway.url,
    SLURM_EXPORTER_LOGGING_LEVEL: 'error',
    ...extra,
  });
  const body = (r: { body: string }) => JSON.parse(r.body) as HealthBody;

  it('answers liveness with the config check only, without touching the network', async () => {
    const before = sim.stats.requests;
    const r = await handleHealth(event('/health'), env());
    expect(r.statusCode).toBe(200);
    expect(body(r)).toMatchObject({ status: 'ok', checks: [{ name: 'config', status: 'ok' }] });
    expect(sim.stats.requests).toBe(before);
  });

  it('fails liveness on an invalid config, naming only the variables', async () => {
    const r = await handleHealth(
      event('/health'),
      env({ SLURM_EXPORTER_PUSH_URL: 'ftp://private-host.example/x' }),
    );
    expect(r.statusCode).toBe(503);
    const b = body(r);
    expect(b.status).toBe('fail');
    expect(b.checks[0]?.detail).toContain('SLURM_EXPORTER_PUSH_URL');
    expect(r.body).not.toContain('private-host.example');
  });

  it('is ready when slurmrestd answers, the gateway is ready and the last push is fresh', async () => {
    gateway.routes.set('/-/ready', { status: 200, body: 'OK' });
    gateway.routes.set('/api/v1/metrics', {
      status: 200,
      body: gatewayGroups('slurm_exporter', 'hc', Date.now() / 1000 - 30),
    });
    const r = await handleHealth(event('/ready'), env());
    const b = body(r);
    expect(b.checks.map((c) => [c.name, c.status])).toEqual([
      ['config', 'ok'],
      ['slurmrestd', 'ok'],
      ['push_target', 'ok'],
      ['freshness', 'ok'],
    ]);
    expect(r.statusCode).toBe(200);
    expect(b.checks[1]?.detail).toContain('v0.0.42');
    assertNoSecrets(r.body);
  });

  it('is degraded before the first push and fails when the last push is stale', async () => {
    gateway.routes.set('/-/ready', { status: 200, body: 'OK' });
    gateway.routes.set('/api/v1/metrics', {
      status: 200,
      body: JSON.stringify({ status: 'success', data: [] }),
    });
    const first = await handleHealth(event('/ready'), env());
    expect(first.statusCode).toBe(200);
    expect(body(first).status).toBe('degraded');

    gateway.routes.set('/api/v1/metrics', {
      status: 200,
      body: gatewayGroups('slurm_exporter', 'hc', Date.now() / 1000 - 3600),
    });
    const stale = await handleHealth(event('/ready'), env({ SLURM_EXPORTER_HEALTH_MAX_STALENESS: '5m' }));
    expect(stale.statusCode).toBe(503);
    expect(body(stale).checks.find((c) => c.name === 'freshness')?.status).toBe('fail');
  });

  it('fails readiness when slurmrestd is unreachable, without naming its host', async () => {
    gateway.routes.set('/-/ready', { status: 200, body: 'OK' });
    const r = await handleHealth(
      event('/ready'),
      env({ SLURM_EXPORTER_SLURM_BASE_URL: 'http://127.0.0.1:9', SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '0' }),
    );
    expect(r.statusCode).toBe(503);
    const slurm = body(r).checks.find((c) => c.name === 'slurmrestd');
    expect(slurm?.status).toBe('fail');
    expect(slurm?.detail).toBe('error: connection');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await handleHealth(event('/metrics'), env())).statusCode).toBe(404);
    const post = await handleHealth(event('/health', 'POST'), env());
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toContain('GET');
  });

  it('uses the configured paths', async () => {
    const e = env({ SLURM_EXPORTER_SERVER_HEALTH_PATH: '/livez' });
    expect((await handleHealth(event('/livez'), e)).statusCode).toBe(200);
    expect((await handleHealth(event('/health'), e)).statusCode).toBe(404);
  });

  it('requires X-Health-Token when health.token is set', async () => {
    const e = env({ SLURM_EXPORTER_HEALTH_TOKEN: HEALTH_TOKEN });
    const denied = await handleHealth(event('/health'), e);
    expect(denied.statusCode).toBe(401);
    assertNoSecrets(denied.body);
    expect((await handleHealth(event('/health', 'GET', { 'X-Health-Token': 'wrong' }), e)).statusCode).toBe(
      401,
    );
    expect(
      (await handleHealth(event('/health', 'GET', { 'x-health-token': HEALTH_TOKEN }), e)).statusCode,
    ).toBe(200);
  });
});
