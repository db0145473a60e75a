/**
 * The slurmrestd client (lib/slurm/client.ts) against the lab's real slurmrestd 22.05: version detection, every
 * endpoint of every served API version through the real adapters, token expiry with the good token in a
 * Secrets Manager stand-in (through runCollect, so the real config loader is in the path), and slurmrestd going
 * away: a connection error naming the request, the circuit breaker opening, recovery after a restart.
 *
 * Stopping slurmrestd is disruptive: run e2e files with `flock /tmp/lab.lock npx vitest run --project e2e ...`.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../lib/app/collect.js';
import { ExporterError, SlurmHttpError } from '../../lib/errors.js';
import { getBreakerStates } from '../../lib/observability/circuit-breaker.js';
import { getAdapter } from '../../lib/slurm/adapters/index.js';
import { createSlurmClient, resetSlurmClientState, type SlurmClientOptions } from '../../lib/slurm/client.js';
import { type ApiVersion, ENDPOINTS, type EndpointName } from '../../lib/slurm/model.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { type LabEnv, labCtl, requireLab } from '../helpers/lab.js';
import { poll } from '../helpers/poll.js';
import { registerTestSecret } from '../helpers/secret-scan.js';
import { awsTestEnv, type SecretsManagerStandIn, startSecretsManager } from '../helpers/secrets-manager.js';
import { sample } from '../push/exposition-parser.js';

const lab = requireLab();
const run = promisify(execFile);
const VERSIONS: ApiVersion[] = ['v0.0.36', 'v0.0.37', 'v0.0.38'];
const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[];

describe.runIf(lab)('slurmrestd client against the real slurmrestd 22.05', () => {
  const env = (lab ?? {}) as LabEnv;
  const cliEnv = { ...process.env, SLURM_CONF: env.SLURM_CONF };
  const userCreds = async () => ({ token: env.SLURM_TOKEN, username: env.SLURM_USER });

  const client = (o: Partial<SlurmClientOptions> = {}) =>
    createSlurmClient({
      baseUrl: env.SLURM_URL,
      retryAttempts: 0,
      timeoutMs: 15_000,
      auth: { type: 'jwt', credentials: userCreds },
      ...o,
    });

  async function cli(cmd: string, args: string[]): Promise<string[]> {
    const { stdout } = await run(cmd, args, { env: cliEnv, timeout: 20_000 });
    return stdout.split('\n').filter((l) => l.trim() !== '');
  }

  /** A real JWT for the lab user, minted by slurmctld (`scontrol token`), valid for `lifespan` seconds. */
  async function mintToken(lifespan: number): Promise<string> {
    const [line] = await cli('scontrol', ['token', `username=${env.SLURM_USER}`, `lifespan=${lifespan}`]);
    const token = /^SLURM_JWT=(\S+)$/.exec(line ?? '')?.[1];
    if (!token) throw new Error('scontrol token printed no SLURM_JWT=… line');
    return registerTestSecret(token, `short-lived lab token (${lifespan}s)`);
  }

  /** Status of a raw GET with the given token (what slurmrestd itself answers). */
  async function rawStatus(path: string, token: string): Promise<number> {
    const res = await fetch(`${env.SLURM_URL}${path}`, {
      headers: { 'X-SLURM-USER-NAME': env.SLURM_USER, 'X-SLURM-USER-TOKEN': token },
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  }

  afterEach(async () => {
    await resetSlurmClientState();
  });

  it('detects v0.0.38 (the newest version 22.05 serves) when api_version is empty', async () => {
    const c = client({ apiVersion: '' });
    expect(await c.apiVersion()).toBe('v0.0.38');
    const meta = await c.meta();
    expect(meta.apiVersion).toBe('v0.0.38');
    expect(meta.release).toMatch(/^22\.05\./);
    // The versions slurmrestd was started with are all served: detection picked the newest, not the only one.
    expect(env.SLURM_API_VERSIONS?.split(',')).toEqual(expect.arrayContaining(VERSIONS));
  });

  it('names the cluster from slurmdbd, since 22.05 reports no cluster name, equal to scontrol', async () => {
    const meta = await client({ apiVersion: '' }).meta();
    const [line] = await cli('scontrol', ['show', 'config']).then((l) =>
      l.filter((x) => /^ClusterName\s*=/.test(x)),
    );
    const expected = env.SLURM_DBD === '0' ? null : (line?.split('=')[1]?.trim() ?? 'missing');
    expect(meta.cluster).toBe(expected);
  });

  describe.each(VERSIONS)('pinned %s', (version) => {
    const adapter = getAdapter(version);

    it.each(ENDPOINT_NAMES)(
      `%s parses with no errors, or is ENDPOINT_UNAVAILABLE where ${version} lacks it`,
      async (endpoint) => {
        const spec = ENDPOINTS[endpoint];
        const path = adapter.path(endpoint);
        const c = client({ apiVersion: version });
        if (path === null) {
          // Not part of this version: the client says so without a request, and slurmrestd agrees (404).
          await expect(c.fetch(endpoint)).rejects.toMatchObject({ code: 'ENDPOINT_UNAVAILABLE', endpoint });
          expect(await rawStatus(`/${spec.api}/${version}/${spec.path}`, env.SLURM_TOKEN)).toBe(404);
          return;
        }
        const r = await c.fetch(endpoint);
        expect(r.meta.apiVersion).toBe(version);
        expect(r.meta.release).toMatch(/^22\.05\./);
        // Raw body: slurmrestd reported no errors, and the adapter kept every list element.
        const res = await fetch(`${env.SLURM_URL}${path}`, {
          headers: { 'X-SLURM-USER-NAME': env.SLURM_USER, 'X-SLURM-USER-TOKEN': env.SLURM_TOKEN },
          signal: AbortSignal.timeout(15_000),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as Record<string, unknown>;
        expect(body.errors ?? []).toEqual([]);
        if (endpoint === 'diag') {
          expect(r.count).toBe(1);
          expect(r.data).toBeTypeOf('object');
          return;
        }
        let list: unknown = body;
        for (const k of adapter.listKey(endpoint)) list = (list as Record<string, unknown>)[k];
        expect(Array.isArray(list), `${path}: list at ${adapter.listKey(endpoint).join('.')}`).toBe(true);
        expect(r.count).toBe((list as unknown[]).length);
        expect(r.count, `${path} has data in the lab`).toBeGreaterThan(0);
      },
    );

    it('nodes and jobs match sinfo / squeue', async () => {
      const c = client({ apiVersion: version });
      const snap = await poll(
        async () => {
          const jobs = await c.fetch('jobs');
          const squeue = await cli('squeue', ['-h', '-t', 'all', '-o', '%i']);
          const again = await c.fetch('jobs');
          return jobs.count === again.count ? { jobs: jobs.count, squeue: squeue.length } : undefined;
        },
        'a stable job count',
        120,
        250,
      );
      expect(snap.jobs).toBe(snap.squeue);
      const nodes = (await c.fetch('nodes')).data ?? [];
      const sinfo = new Set((await cli('sinfo', ['-h', '-N', '-o', '%N'])).map((l) => l.trim()));
      expect(nodes.map((n) => n.name).sort()).toEqual([...sinfo].sort());
    });
  });

  it('uses no admin rights: every slurmdb endpoint also answers the root token the same way', async () => {
    const user = client({ apiVersion: 'v0.0.38' });
    const root = client({
      apiVersion: 'v0.0.38',
      auth: { type: 'jwt', credentials: async () => ({ token: env.SLURM_ROOT_TOKEN, username: 'root' }) },
    });
    for (const e of ENDPOINT_NAMES.filter((n) => ENDPOINTS[n].api === 'slurmdb')) {
      const [u, r] = [await user.fetch(e), await root.fetch(e)];
      expect(u.count, e).toBe(r.count);
    }
  });

  describe('token expiry with the good token in Secrets Manager (runCollect)', () => {
    let sm: SecretsManagerStandIn;
    let gateway: CaptureServer;
    const secretId = `lab/e2e-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      sm = await startSecretsManager();
      gateway = await startCaptureServer();
    });
    afterAll(async () => {
      await sm?.close();
      await gateway?.close();
    });

    const collectEnv = () => ({
      ...awsTestEnv(sm.endpoint),
      SLURM_EXPORTER_SECRET_ID: secretId,
      SLURM_EXPORTER_SLURM_BASE_URL: env.SLURM_URL,
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      SLURM_EXPORTER_SLURM_AUTH_USERNAME: env.SLURM_USER,
      SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '0',
      SLURM_EXPORTER_CLUSTER_NAME: `e2e-${secretId.slice(-8)}`,
      SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
      SLURM_EXPORTER_PUSH_URL: gateway.url,
      SLURM_EXPORTER_PUSH_RETRIES: '0',
      SLURM_EXPORTER_LOGGING_LEVEL: 'error',
    });

    it('a cached token that expired triggers exactly one secret re-read, then the collection succeeds', async () => {
      // Warm invocation 1 caches a short-lived token from the secret; it then expires in slurmrestd's eyes.
      const shortLived = await mintToken(6);
      sm.setSecret(secretId, { token: shortLived });
      const e = collectEnv();
      const first = await runCollect({ env: e, remainingTimeMs: () => 60_000 });
      expect(Object.values(first.collectors).filter((c) => !c.ok && !c.skipped)).toEqual([]);
      expect(sm.count(secretId)).toBe(1);

      await poll(
        async () => ((await rawStatus('/slurm/v0.0.38/ping', shortLived)) === 200 ? undefined : true),
        'the short-lived token to expire',
        80,
        250,
      );
      sm.setSecret(secretId, { token: env.SLURM_TOKEN });

      // Invocation 2: the loader's cache still has the expired token; slurmrestd rejects it (22.05: HTTP 500),
      // the client forces one refresh for all concurrent requests, and everything succeeds with the new one.
      const second = await runCollect({ env: e, remainingTimeMs: () => 60_000 });
      expect(Object.values(second.collectors).filter((c) => !c.ok && !c.skipped)).toEqual([]);
      expect(second.api_version).toBe('v0.0.38');
      expect(sm.count(secretId)).toBe(2);
      const pushed = gateway.requests.at(-1)?.text ?? '';
      expect(sample(pushed, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(1);
      for (const r of gateway.requests) {
        expect(r.text).not.toContain(shortLived);
        expect(r.text).not.toContain(env.SLURM_TOKEN);
      }
    });

    it('a bad token also in the secret: exactly one re-read, then a clear auth error without the token', async () => {
      const bad = registerTestSecret(`e2e-bad-token-${randomUUID()}`, 'bad slurm token');
      const id = `${secretId}-bad`;
      sm.setSecret(id, { token: bad });
      const err = await runCollect({
        env: { ...collectEnv(), SLURM_EXPORTER_SECRET_ID: id },
        remainingTimeMs: () => 60_000,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ExporterError);
      const message = (err as Error).message;
      expect(message).toMatch(/credentials were rejected .*also after a credential refresh/);
      expect(message).toContain('/slurm/v0.0.38/ping');
      expect(message).not.toContain(bad);
      expect(sm.count(id)).toBe(2);
    });
  });

  describe('slurmrestd stopped mid-run', () => {
    let gateway: CaptureServer;
    let stopped = false;

    beforeAll(async () => {
      gateway = await startCaptureServer();
    });
    afterAll(async () => {
      // Never leave the shared lab without its slurmrestd.
      if (stopped) labCtl('start', 'slurmrestd');
      await gateway?.close();
    });

    it('gives a connection error naming the request, opens the breaker after failure_threshold failures, and recovers after a restart', async () => {
      const threshold = 3;
      const resetMs = 2_000;
      const collectEnv = {
        SLURM_EXPORTER_SLURM_BASE_URL: env.SLURM_URL,
        SLURM_EXPORTER_SLURM_API_VERSION: 'v0.0.38',
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
        SLURM_EXPORTER_SLURM_AUTH_USERNAME: env.SLURM_USER,
        SLURM_EXPORTER_SLURM_AUTH_TOKEN: env.SLURM_TOKEN,
        SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '0',
        SLURM_EXPORTER_SLURM_TIMEOUT: '10s',
        SLURM_EXPORTER_OBSERVABILITY_CIRCUIT_BREAKER_FAILURE_THRESHOLD: String(threshold),
        SLURM_EXPORTER_OBSERVABILITY_CIRCUIT_BREAKER_RESET_TIMEOUT: `${resetMs / 1000}s`,
        SLURM_EXPORTER_OBSERVABILITY_CIRCUIT_BREAKER_HALF_OPEN_REQUESTS: '1',
        SLURM_EXPORTER_CLUSTER_NAME: `e2e-breaker-${randomUUID().slice(0, 8)}`,
        SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
        SLURM_EXPORTER_PUSH_URL: gateway.url,
        SLURM_EXPORTER_PUSH_RETRIES: '0',
        SLURM_EXPORTER_LOGGING_LEVEL: 'error',
      };
      const breakerOf = () => getBreakerStates().find((b) => b.endpoint === env.SLURM_URL)?.state;
      const lastPush = () => gateway.requests.filter((r) => r.method === 'PUT').at(-1)?.text ?? '';
      const pushedBreaker = () =>
        sample(lastPush(), 'slurm_exporter_circuit_breaker_state', { endpoint: env.SLURM_URL });
      /** runCollect's summary, or the error it threw (it throws when every collector failed). */
      const collect = () =>
        runCollect({ env: collectEnv, remainingTimeMs: () => 60_000 }).then(
          (summary) => ({ summary, error: undefined }),
          (error: unknown) => ({ summary: undefined, error: error as Error }),
        );

      // Healthy first: the breaker exists and is closed.
      const healthy = await collect();
      expect(healthy.error).toBeUndefined();
      expect(healthy.summary?.collectors.nodes?.ok).toBe(true);
      expect(breakerOf()).toBe(0);

      stopped = true;
      labCtl('stop', 'slurmrestd');

      // A direct client without a breaker: the error names the request and the unreachable URL.
      const err = await client({ apiVersion: 'v0.0.38' })
        .fetch('nodes')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(SlurmHttpError);
      expect(err).toMatchObject({ code: 'SLURM_CONNECTION', type: 'connection', endpoint: 'nodes' });
      expect((err as Error).message).toContain(
        `GET /slurm/v0.0.38/nodes failed: cannot reach ${env.SLURM_URL}`,
      );

      // A whole invocation during the outage: collectors fail with that error, the breaker opens on the way
      // (requests run concurrently, so some fail fast), and the push made by this invocation shows it.
      const outage = await collect();
      const errors = outage.summary
        ? Object.values(outage.summary.collectors).map((c) => c.error ?? '')
        : [outage.error?.message ?? ''];
      expect(outage.summary?.collectors.nodes?.ok ?? false).toBe(false);
      expect(errors.some((m) => /GET \/slurm\/v0\.0\.38\/\w+ failed: cannot reach/.test(m))).toBe(true);
      expect(breakerOf()).toBe(1);
      expect(pushedBreaker()).toBe(1);
      expect(sample(lastPush(), 'slurm_up')).toBe(0);
      expect(sample(lastPush(), 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(0);

      // Exactly failure_threshold consecutive failures open a fresh breaker; then calls fail fast, unsent.
      await resetSlurmClientState();
      let sent = 0;
      const guarded = client({
        apiVersion: 'v0.0.38',
        breaker: { enabled: true, failureThreshold: threshold, resetTimeoutMs: resetMs, halfOpenRequests: 1 },
        onRequest: () => {
          sent++;
        },
      });
      for (let i = 1; i <= threshold; i++) {
        await expect(guarded.fetch('nodes')).rejects.toMatchObject({ code: 'SLURM_CONNECTION' });
        expect(breakerOf(), `after ${i} failures`).toBe(i < threshold ? 0 : 1);
      }
      await expect(guarded.fetch('nodes')).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
      expect(sent).toBe(threshold);

      // While open, an invocation fails fast (meta's ping is refused by the breaker) and still pushes the state.
      const open = await collect();
      expect(open.error?.message).toContain(`circuit breaker for ${env.SLURM_URL} is open`);
      expect(pushedBreaker()).toBe(1);

      labCtl('start', 'slurmrestd');
      stopped = false;
      // After reset_timeout the half-open probe succeeds and the next invocation collects normally.
      await new Promise((r) => setTimeout(r, resetMs + 200));
      const recovered = await collect();
      expect(recovered.error).toBeUndefined();
      expect(Object.values(recovered.summary?.collectors ?? {}).filter((c) => !c.ok && !c.skipped)).toEqual(
        [],
      );
      expect(breakerOf()).toBe(0);
      expect(pushedBreaker()).toBe(0);
      expect(sample(lastPush(), 'slurm_up')).toBe(1);
    });
  });
});
