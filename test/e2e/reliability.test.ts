/**
 * Reliability against the real-services lab (Slurm 22.05 slurmrestd, Pushgateway 1.5, Prometheus 2.42):
 * daemons stopped/restarted with labCtl while `runCollect` runs, hostile label values through the real
 * Pushgateway and remote write, and a warm loop against the real slurmrestd. Every stopped daemon is started
 * again in `finally`. Cluster names are unique per run (the lab is shared and keeps data); groups are deleted.
 * Run with `flock /tmp/lab.lock npx vitest run --project e2e test/e2e/reliability.test.ts`.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ExporterError } from '../../lib/errors.js';
import { generateCluster } from '../../lib/sim/index.js';
import { startSimServer } from '../../lib/sim/server.js';
import { resetSlurmClientState } from '../../lib/slurm/client.js';
import { labCtl, requireLab } from '../helpers/lab.js';
import { poll } from '../helpers/poll.js';
import { assertNoSecrets } from '../helpers/secret-scan.js';
import { assertNothingLeaked, collect, type Env } from '../reliability/harness.js';
import { expectNoLeak, runWarmLoop } from '../reliability/warm-loop.js';

const lab = requireLab();
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const clusters: string[] = [];

interface GatewayGroup {
  labels: Record<string, string>;
  [metric: string]: unknown;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  expect(res.status, `${url} → ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

/** The gateway's group for `cluster` (job slurm_exporter), or undefined. */
async function group(cluster: string): Promise<GatewayGroup | undefined> {
  const body = await getJson<{ data: GatewayGroup[] }>(`${lab?.PUSHGATEWAY_URL}/api/v1/metrics`);
  return body.data.find((g) => g.labels.job === 'slurm_exporter' && g.labels.cluster === cluster);
}

/** Value of one metric sample in a gateway group. */
function groupValue(
  g: GatewayGroup | undefined,
  metric: string,
  labels: Record<string, string>,
): number | undefined {
  const m = g?.[metric] as { metrics?: { labels: Record<string, string>; value: string }[] } | undefined;
  const s = m?.metrics?.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s === undefined ? undefined : Number(s.value);
}

function labEnv(cluster: string, extra: Env = {}): Env {
  clusters.push(cluster);
  return {
    SLURM_EXPORTER_SLURM_BASE_URL: lab?.SLURM_URL ?? '',
    SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
    SLURM_EXPORTER_SLURM_AUTH_TOKEN: lab?.SLURM_TOKEN ?? '',
    // Slurm 22.05 wants X-SLURM-USER-NAME with the token.
    SLURM_EXPORTER_SLURM_AUTH_USERNAME: lab?.SLURM_USER ?? '',
    SLURM_EXPORTER_SLURM_TIMEOUT: '20s',
    SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '1',
    SLURM_EXPORTER_SLURM_RETRY_DELAY: '200ms',
    SLURM_EXPORTER_CLUSTER_NAME: cluster,
    SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
    SLURM_EXPORTER_PUSH_URL: lab?.PUSHGATEWAY_URL ?? '',
    SLURM_EXPORTER_LOGGING_LEVEL: 'warn',
    ...extra,
  };
}

/** Starts `daemon` again if a test left it stopped (status exits 3 when stopped). */
function ensureRunning(daemon: Parameters<typeof labCtl>[1]): void {
  try {
    labCtl('start', daemon);
  } catch {
    // Already running: ctl.sh refuses to start twice. A real failure shows up in the next test.
  }
}

describe.runIf(lab)('reliability against the lab', () => {
  afterEach(async () => {
    await resetSlurmClientState();
  });
  afterAll(async () => {
    for (const c of clusters) {
      await fetch(`${lab?.PUSHGATEWAY_URL}/metrics/job/slurm_exporter/cluster/${c}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(10_000),
      }).catch(() => undefined);
    }
  });

  it('slurmctld stopped: slurm collectors fail with clear errors, self-metrics reach the real Pushgateway', async () => {
    // Slurm 22.05 answers /slurm/* with HTTP 500 -1 "Unspecified error" after ~9 s when slurmctld is down —
    // the same body as for a rejected token. /slurmdb/* keeps working (slurmdbd is up).
    const pinned = `rel_ctld_pinned_${RUN}`;
    const detected = `rel_ctld_detect_${RUN}`;
    labCtl('stop', 'slurmctld');
    let a: Awaited<ReturnType<typeof collect>>;
    let b: Awaited<ReturnType<typeof collect>>;
    try {
      a = await collect({
        env: labEnv(pinned, { SLURM_EXPORTER_SLURM_API_VERSION: 'v0.0.38' }),
        remainingTimeMs: () => 110_000,
      });
      b = await collect({ env: labEnv(detected), remainingTimeMs: () => 110_000 });
    } finally {
      labCtl('start', 'slurmctld');
    }
    // Pinned version: a partial failure — slurmctld's collectors fail, the accounting ones still report.
    expect(a.error).toBeUndefined();
    expect(a.summary?.collectors.nodes?.ok).toBe(false);
    expect(a.summary?.collectors.nodes?.error).toMatch(
      /GET \/slurm\/v0\.0\.38\/nodes failed: .*(check slurmctld too|timed out)/,
    );
    expect(a.summary?.collectors.qos?.ok).toBe(true);
    // Detected version: detection needs /slurm/vX/ping, so every collector fails; the message says both causes.
    expect(b.error).toBeInstanceOf(ExporterError);
    expect(b.error?.message).toMatch(/GET \/slurm\/v0\.0\.\d+\/ping failed: .*HTTP 500.*check slurmctld too/);
    assertNothingLeaked(a);
    assertNothingLeaked(b);
    const ga = await poll(() => group(pinned), `gateway group ${pinned}`, 10);
    expect(groupValue(ga, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(0);
    expect(groupValue(ga, 'slurm_exporter_collector_success', { collector: 'qos' })).toBe(1);
    const gb = await poll(() => group(detected), `gateway group ${detected}`, 10);
    expect(groupValue(gb, 'slurm_exporter_collector_success', { collector: 'jobs' })).toBe(0);
    assertNoSecrets(JSON.stringify([ga, gb]), undefined, 'the Pushgateway groups');
  }, 280_000);

  it('slurmrestd restarted between invocations: the next invocation recovers on the warm client', async () => {
    const cluster = `rel_restd_${RUN}`;
    const e = labEnv(cluster);
    const first = await collect({ env: e });
    expect(first.error).toBeUndefined();
    expect(first.summary?.collectors.nodes?.ok).toBe(true);
    try {
      labCtl('restart', 'slurmrestd');
    } finally {
      ensureRunning('slurmrestd');
    }
    // No resetSlurmClientState: the warm agent's keep-alive sockets died with the old slurmrestd.
    const second = await collect({ env: e });
    expect(second.error).toBeUndefined();
    expect(second.summary?.collectors.nodes?.ok).toBe(true);
    expect(second.summary?.collectors.jobs?.ok).toBe(true);
  });

  it('slurmrestd down for one invocation: that one fails with connection errors, the next recovers', async () => {
    const cluster = `rel_down_${RUN}`;
    const e = labEnv(cluster, { SLURM_EXPORTER_OBSERVABILITY_CIRCUIT_BREAKER_RESET_TIMEOUT: '1s' });
    labCtl('stop', 'slurmrestd');
    let down: Awaited<ReturnType<typeof collect>>;
    try {
      down = await collect({ env: e });
    } finally {
      labCtl('start', 'slurmrestd');
    }
    expect(down.error).toBeInstanceOf(ExporterError);
    expect((down.error as ExporterError).code).toBe('ALL_COLLECTORS_FAILED');
    expect(down.error?.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
    const g = await poll(() => group(cluster), `gateway group ${cluster}`, 10);
    expect(
      groupValue(g, 'slurm_exporter_collect_errors_total', { collector: 'nodes', error_type: 'connection' }),
    ).toBeGreaterThan(0);
    // The breaker opened during the outage; after its reset timeout a probe goes through.
    await new Promise((r) => setTimeout(r, 1_500));
    const up = await collect({ env: e });
    expect(up.error).toBeUndefined();
    expect(up.summary?.collectors.nodes?.ok).toBe(true);
  });

  it('Pushgateway restarted: the group survives (persistence) and the next push works', async () => {
    const cluster = `rel_pgw_${RUN}`;
    const e = labEnv(cluster);
    const first = await collect({ env: e });
    expect(first.error).toBeUndefined();
    const before = await poll(() => group(cluster), `gateway group ${cluster}`, 10);
    const pushedAt = groupValue(before, 'push_time_seconds', {});
    expect(pushedAt).toBeGreaterThan(0);
    // persistence.interval is 1s; the gateway also persists on SIGTERM.
    await new Promise((r) => setTimeout(r, 1_500));
    try {
      labCtl('restart', 'pushgateway');
    } finally {
      ensureRunning('pushgateway');
    }
    const survived = await poll(() => group(cluster), `group ${cluster} after the restart`, 15);
    expect(groupValue(survived, 'push_time_seconds', {})).toBe(pushedAt);
    expect(groupValue(survived, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(1);
    await new Promise((r) => setTimeout(r, 1_100));
    const second = await collect({ env: e });
    expect(second.error).toBeUndefined();
    expect(second.summary?.push.status).toBe(200);
    const after = await poll(() => group(cluster), `group ${cluster} after the second push`, 10);
    expect(groupValue(after, 'push_time_seconds', {})).toBeGreaterThan(pushedAt ?? 0);
  });

  it('hostile label values: the real Pushgateway accepts them and remote write round-trips them exactly', async () => {
    const sim = generateCluster({
      seed: 51,
      nodes: 12,
      jobs: 60,
      partitions: 2,
      name: 'x',
      adversarial: true,
    });
    const hostile = [
      'he said "hi"',
      'C:\\path\\',
      'l1\nl2\n# HELP injected 1',
      'x} injected{a="b"} 1 #',
      'a/b/../c',
      '日本語 🚀',
      'L'.repeat(10_000),
    ];
    sim.jobs.forEach((j, i) => {
      j.name = hostile[i % hostile.length] as string;
    });
    const server = await startSimServer({ cluster: sim, versions: ['v0.0.44'] });
    try {
      const base = (cluster: string, extra: Env) => ({
        ...labEnv(cluster),
        SLURM_EXPORTER_SLURM_BASE_URL: server.url,
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'none',
        SLURM_EXPORTER_COLLECTORS_JOBS_PER_JOB: 'true',
        ...extra,
      });
      const pgwCluster = `rel_hostile_pgw_${RUN}`;
      const viaGateway = await collect({ env: base(pgwCluster, {}) });
      expect(viaGateway.error).toBeUndefined();
      expect(viaGateway.summary?.push.status).toBe(200);
      const g = await poll(() => group(pgwCluster), `gateway group ${pgwCluster}`, 10);
      const info =
        (g?.slurm_job_info as { metrics: { labels: Record<string, string> }[] } | undefined)?.metrics ?? [];
      const names = new Set(info.map((m) => m.labels.name));
      for (const h of hostile) expect(names.has(h), JSON.stringify(h.slice(0, 40))).toBe(true);
      expect(g?.injected).toBeUndefined();

      const rwCluster = `rel_hostile_rw_${RUN}`;
      const viaRw = await collect({
        env: base(rwCluster, {
          SLURM_EXPORTER_PUSH_TYPE: 'remote_write',
          SLURM_EXPORTER_PUSH_URL: lab?.REMOTE_WRITE_URL ?? '',
        }),
      });
      expect(viaRw.error).toBeUndefined();
      const expected = new Map(sim.jobs.map((j) => [String(j.jobId), j.name]));
      const series = await poll(async () => {
        const body = await getJson<{ data: { result: { metric: Record<string, string> }[] } }>(
          `${lab?.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(`slurm_job_info{cluster="${rwCluster}"}`)}`,
        );
        return body.data.result.length > 0 ? body.data.result : undefined;
      }, `slurm_job_info{cluster="${rwCluster}"} in Prometheus`);
      const seen = new Map(series.map((s) => [s.metric.job_id, s.metric.name]));
      for (const [id, name] of seen) expect(name, `job ${id}`).toBe(expected.get(id ?? ''));
      expect(seen.size).toBeGreaterThan(0);
      const injected = await getJson<{ data: { result: unknown[] } }>(
        `${lab?.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(`{__name__=~"injected.*"}`)}`,
      );
      expect(injected.data.result).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('30 back-to-back invocations against the lab: no heap or socket growth', async () => {
    const cluster = `rel_loop_${RUN}`;
    clusters.push(cluster);
    const n = 30;
    const report = await runWarmLoop(
      {
        LOOP_N: String(n),
        LOOP_SLURM_URL: lab?.SLURM_URL ?? '',
        LOOP_SLURM_TOKEN: lab?.SLURM_TOKEN ?? '',
        LOOP_SLURM_USER: lab?.SLURM_USER ?? '',
        LOOP_PUSH_URL: lab?.PUSHGATEWAY_URL ?? '',
        LOOP_CLUSTER: cluster,
        LOOP_BUDGET_MS: '240000',
      },
      280_000,
    );
    expect(report.failedCollectors).toEqual([]);
    expectNoLeak(report, n, 8 * 1024 * 1024);
    const g = await poll(() => group(cluster), `gateway group ${cluster}`, 10);
    expect(groupValue(g, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(1);
  }, 300_000);
});
