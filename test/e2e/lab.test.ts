/**
 * Proves the real-services lab (scripts/lab/up.sh) works end to end: slurmrestd answers every v0.0.38 list
 * endpoint with JWT auth, its node/job numbers equal what sinfo/squeue report at the same moment, a PUT to the
 * real Pushgateway reads back through its API (and is scraped by Prometheus with honor_labels), and a
 * remote-write request accepted by Prometheus becomes queryable.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import protobuf from 'protobufjs';
import { compressSync } from 'snappy';
import { afterAll, describe, expect, it } from 'vitest';
import { type LabEnv, requireLab } from '../helpers/lab.js';
import { poll } from '../helpers/poll.js';

const lab = requireLab();
const run = promisify(execFile);

const SLURM_LIST = ['ping', 'diag', 'nodes', 'jobs', 'partitions', 'reservations', 'licenses'] as const;
const SLURMDB_LIST = ['accounts', 'users', 'associations', 'qos', 'tres', 'clusters'] as const;

/** Minimal prometheus.WriteRequest (remote.proto / types.proto): only the fields a sample needs. */
const REMOTE_PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;

async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (!type.includes('json'))
    throw new Error(`${url}: expected JSON, got ${res.status} ${type}: ${text.slice(0, 200)}`);
  return { status: res.status, body: JSON.parse(text) };
}

describe.runIf(lab)('real-services lab', () => {
  // The factory also runs (for collection) when the lab is down: never dereference null then.
  const env = (lab ?? {}) as LabEnv;
  const userHeaders = { 'X-SLURM-USER-NAME': env.SLURM_USER, 'X-SLURM-USER-TOKEN': env.SLURM_TOKEN };
  const rootHeaders = { 'X-SLURM-USER-NAME': 'root', 'X-SLURM-USER-TOKEN': env.SLURM_ROOT_TOKEN ?? '' };
  const cliEnv = { ...process.env, SLURM_CONF: env.SLURM_CONF };
  const runId = randomUUID().slice(0, 8);
  /** The value of the first series `query` returns in the lab's Prometheus, polled until there is one. */
  const promValue = (query: string, what: string): Promise<string | undefined> =>
    poll(
      async () => {
        const q = encodeURIComponent(query);
        const { body: r } = await getJson(`${env.PROMETHEUS_URL}/api/v1/query?query=${q}`);
        const result = (r as { data: { result: { value: [number, string] }[] } }).data.result;
        return result[0]?.value[1];
      },
      what,
      60,
      500,
    );
  const cleanup: string[] = [];

  afterAll(async () => {
    for (const url of cleanup) await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
  });

  async function cli(cmd: string, args: string[]): Promise<string[]> {
    const { stdout } = await run(cmd, args, { env: cliEnv, timeout: 20_000 });
    return stdout.split('\n').filter((l) => l.trim() !== '');
  }

  async function slurmList(endpoint: string): Promise<Record<string, unknown>[]> {
    const { status, body } = await getJson(`${env.SLURM_URL}/slurm/v0.0.38/${endpoint}`, userHeaders);
    expect(status, endpoint).toBe(200);
    const items = (body as Record<string, unknown>)[endpoint];
    if (!Array.isArray(items)) throw new Error(`/slurm/v0.0.38/${endpoint}: no "${endpoint}" array`);
    return items as Record<string, unknown>[];
  }

  it.each(SLURM_LIST)('GET /slurm/v0.0.38/%s answers 200 JSON to a JWT', async (endpoint) => {
    const { status, body } = await getJson(`${env.SLURM_URL}/slurm/v0.0.38/${endpoint}`, userHeaders);
    expect(status).toBe(200);
    expect(body).toMatchObject({ meta: { plugin: { type: 'openapi/v0.0.38' } }, errors: [] });
  });

  it('rejects a request without the JWT headers (401)', async () => {
    const res = await fetch(`${env.SLURM_URL}/slurm/v0.0.38/ping`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    expect(res.status).toBe(401);
  });

  describe.runIf(env.SLURM_DBD !== '0')('slurmdbd', () => {
    it.each(SLURMDB_LIST)(
      'GET /slurmdb/v0.0.38/%s answers 200 JSON (user and root token)',
      async (endpoint) => {
        for (const headers of [userHeaders, rootHeaders]) {
          const { status, body } = await getJson(`${env.SLURM_URL}/slurmdb/v0.0.38/${endpoint}`, headers);
          expect(status, headers['X-SLURM-USER-NAME']).toBe(200);
          expect(body).toMatchObject({ meta: { plugin: { type: 'openapi/dbv0.0.38' } }, errors: [] });
        }
      },
    );

    it('sees the lab accounts that sacctmgr reports', async () => {
      const { body } = await getJson(`${env.SLURM_URL}/slurmdb/v0.0.38/accounts`, rootHeaders);
      const rest = ((body as { accounts: { name: string }[] }).accounts ?? []).map((a) => a.name).sort();
      const truth = (await cli('sacctmgr', ['-n', '-P', 'show', 'account', 'format=account'])).sort();
      expect(rest).toEqual(truth);
    });
  });

  it('node and job numbers from slurmrestd equal sinfo/squeue at the same moment', async () => {
    // Read REST, then the CLI, then REST again; accept the snapshot only when REST did not move in between.
    const snapshot = async () => {
      const nodes = await slurmList('nodes');
      const jobs = await slurmList('jobs');
      const sinfo = await cli('sinfo', ['-h', '-N', '-o', '%N %T']);
      const squeue = await cli('squeue', ['-h', '-t', 'all', '-o', '%i %T']);
      const jobsAfter = await slurmList('jobs');
      const key = (js: Record<string, unknown>[]) => js.map((j) => `${j.job_id}:${j.job_state}`).join(',');
      return key(jobs) === key(jobsAfter) ? { nodes, jobs, sinfo, squeue } : undefined;
    };
    const snap = await poll(snapshot, 'a stable job list', 60, 500);

    const cliNodes = [...new Set(snap.sinfo.map((l) => l.split(' ')[0]))].sort();
    expect(snap.nodes.map((n) => n.name).sort()).toEqual(cliNodes);
    expect(cliNodes.length).toBeGreaterThanOrEqual(4);

    expect(snap.jobs.length).toBe(snap.squeue.length);
    const count = (states: string[]) =>
      states.reduce<Record<string, number>>((acc, s) => {
        acc[s] = (acc[s] ?? 0) + 1;
        return acc;
      }, {});
    const restStates = count(snap.jobs.map((j) => String(j.job_state)));
    const cliStates = count(snap.squeue.map((l) => l.split(' ')[1] as string));
    expect(restStates).toEqual(cliStates);
    expect(Object.keys(cliStates).length).toBeGreaterThanOrEqual(3);

    // Drained/down nodes: sinfo's long state names map to REST state + flags (v0.0.38 has state_flags).
    const drained = snap.nodes.filter((n) =>
      (n.state_flags as string[] | undefined)?.includes('DRAIN'),
    ).length;
    const cliDrained = new Set(
      snap.sinfo.filter((l) => /\s(drained|draining)$/.test(l)).map((l) => l.split(' ')[0]),
    );
    expect(drained).toBe(cliDrained.size);
    expect(drained).toBeGreaterThanOrEqual(1);
  });

  it('licence use from slurmrestd equals scontrol show licenses', async () => {
    const lic = await slurmList('licenses');
    const lines = await cli('scontrol', ['show', 'licenses', '-o']);
    for (const line of lines) {
      const name = /LicenseName=(\S+)/.exec(line)?.[1];
      const used = Number(/Used=(\d+)/.exec(line)?.[1]);
      expect(lic.find((l) => l.LicenseName === name)?.Used, name).toBe(used);
    }
    expect(lines.length).toBe(lic.length);
  });

  it('a PUT to the Pushgateway reads back through /api/v1/metrics and is scraped by Prometheus', async () => {
    const group = `${env.PUSHGATEWAY_URL}/metrics/job/lab_e2e/instance/${runId}`;
    cleanup.push(group);
    const put = await fetch(group, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain; version=0.0.4' },
      body: '# TYPE lab_e2e_probe gauge\nlab_e2e_probe{kind="put"} 42\n',
      signal: AbortSignal.timeout(10_000),
    });
    await put.arrayBuffer();
    expect(put.status).toBe(200);

    const { body } = await getJson(`${env.PUSHGATEWAY_URL}/api/v1/metrics`);
    const groups = (body as { data: Record<string, unknown>[] }).data;
    const mine = groups.find(
      (g) =>
        (g.labels as Record<string, string>).job === 'lab_e2e' &&
        (g.labels as Record<string, string>).instance === runId,
    );
    expect(mine, 'pushed group').toBeDefined();
    const family = mine?.lab_e2e_probe as { metrics: { labels: Record<string, string>; value: string }[] };
    expect(family.metrics[0]).toMatchObject({ labels: { kind: 'put' }, value: '42' });

    // honor_labels keeps the pushed job/instance labels instead of the scrape target's.
    const value = await promValue(
      `lab_e2e_probe{job="lab_e2e",instance="${runId}"}`,
      'the pushed sample in Prometheus',
    );
    expect(value).toBe('42');
  });

  it('a remote-write request accepted by Prometheus is queryable', async () => {
    const root = protobuf.parse(REMOTE_PROTO).root;
    const WriteRequest = root.lookupType('prometheus.WriteRequest');
    const message = WriteRequest.create({
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'lab_e2e_remote_write' },
            { name: 'run', value: runId },
          ],
          samples: [{ value: 7.5, timestamp: Date.now() }],
        },
      ],
    });
    const body = compressSync(Buffer.from(WriteRequest.encode(message).finish()));
    const res = await fetch(env.REMOTE_WRITE_URL, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-protobuf',
        'Content-Encoding': 'snappy',
        'X-Prometheus-Remote-Write-Version': '0.1.0',
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    expect(res.status, text).toBe(204);

    const value = await promValue(`lab_e2e_remote_write{run="${runId}"}`, 'the remote-written sample');
    expect(value).toBe('7.5');
  });
});
