/**
 * The collectors against Slurm's own tools: the real pipeline (runCollect → real slurmrestd 22.05 → collectors
 * → real Pushgateway) and, around it, sinfo / squeue / scontrol on the same lab. Every aggregate read back from
 * the Pushgateway must equal the count computed from the CLI output taken at the same moment (the CLI is read
 * before and after the collection; a snapshot is used only when both reads agree).
 *
 * Run e2e files serialised: `flock /tmp/lab.lock npx vitest run --project e2e test/e2e/collectors.test.ts`.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../lib/app/collect.js';
import { NODE_STATES } from '../../lib/collectors/node-state.js';
import { resetSlurmClientState } from '../../lib/slurm/client.js';
import { type LabEnv, requireLab } from '../helpers/lab.js';
import { effectiveFromSinfo } from '../helpers/sinfo-state.js';

const lab = requireLab();
const run = promisify(execFile);

type Counts = Record<string, number>;

interface PgMetric {
  labels: Record<string, string>;
  value: string;
}
interface PgGroup {
  labels: Record<string, string>;
  [metric: string]: unknown;
}

/** The CLI's view of the lab at one moment. */
interface CliSnapshot {
  /** node → sinfo long state (`%T`), each node once. */
  nodeStates: Record<string, string>;
  /** `node|partition|state` rows (`sinfo -N`: one per node and partition). */
  nodePartitions: { node: string; partition: string; state: string }[];
  /** `%C` A/I/O/T of the whole cluster and per partition. */
  cpus: Counts;
  partitionCpus: Record<string, Counts>;
  jobs: { id: string; state: string; partitions: string[]; user: string; account: string; reason: string }[];
  licenses: Record<string, Counts>;
  reservations: Record<string, { active: number; nodes: number; cores: number }>;
  /** Raw text, to decide whether two snapshots are the same. */
  raw: string;
}

function inc(rec: Counts, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}

/** sinfo `%C` "A/I/O/T" → counts. */
function parseCpus(s: string): Counts {
  const [alloc, idle, other, total] = s.split('/').map(Number);
  return { alloc: alloc ?? NaN, idle: idle ?? NaN, other: other ?? NaN, total: total ?? NaN };
}

/** `Key=Value Key=Value` (scontrol -o) → record. Values here never contain spaces. */
function scontrolFields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.matchAll(/(\w+)=(\S*)/g)) out[m[1] as string] = m[2] as string;
  return out;
}

describe.runIf(lab)('collectors equal sinfo / squeue / scontrol on the real lab', () => {
  const env = (lab ?? {}) as LabEnv;
  const cliEnv = { ...process.env, SLURM_CONF: env.SLURM_CONF };
  const runId = randomUUID().slice(0, 8);
  const job = `e2e_collectors_${runId}`;
  const cluster = `lab-e2e-${runId}`;

  afterAll(async () => {
    const res = await fetch(`${env.PUSHGATEWAY_URL}/metrics/job/${job}/cluster/${cluster}`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    await res?.arrayBuffer();
    await resetSlurmClientState();
  });

  const collectEnv = {
    SLURM_EXPORTER_SLURM_BASE_URL: env.SLURM_URL,
    SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
    SLURM_EXPORTER_SLURM_AUTH_USERNAME: env.SLURM_USER,
    SLURM_EXPORTER_SLURM_AUTH_TOKEN: env.SLURM_TOKEN,
    SLURM_EXPORTER_CLUSTER_NAME: cluster,
    SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
    SLURM_EXPORTER_PUSH_URL: env.PUSHGATEWAY_URL,
    SLURM_EXPORTER_PUSH_JOB: job,
    SLURM_EXPORTER_LOGGING_LEVEL: 'error',
  };

  async function cli(cmd: string, args: string[]): Promise<string[]> {
    const { stdout } = await run(cmd, args, { env: cliEnv, timeout: 20_000 });
    return stdout.split('\n').filter((l) => l.trim() !== '');
  }

  async function snapshot(): Promise<CliSnapshot> {
    const [nodeRows, clusterCpus, partCpus, squeue, lic, res] = await Promise.all([
      cli('sinfo', ['-h', '-N', '-o', '%N|%R|%T']),
      cli('sinfo', ['-h', '-o', '%C']),
      cli('sinfo', ['-h', '-o', '%R|%C']),
      cli('squeue', ['-h', '-t', 'all', '-o', '%i|%T|%P|%u|%a|%r']),
      cli('scontrol', ['show', 'licenses', '-o']),
      cli('scontrol', ['show', 'reservations', '-o']),
    ]);
    const nodePartitions = nodeRows.map((l) => {
      const [node, partition, state] = l.split('|') as [string, string, string];
      return { node, partition, state };
    });
    const nodeStates: Record<string, string> = {};
    for (const r of nodePartitions) nodeStates[r.node] = r.state;
    const partitionCpus: Record<string, Counts> = {};
    for (const l of partCpus) {
      const [p, c] = l.split('|') as [string, string];
      const cur = partitionCpus[p] ?? {};
      partitionCpus[p] = cur;
      for (const [k, v] of Object.entries(parseCpus(c))) inc(cur, k, v);
    }
    const jobs = squeue.map((l) => {
      const [id, state, partitions, user, account, reason] = l.split('|') as string[];
      return {
        id: id as string,
        state: state as string,
        partitions: (partitions as string).split(','),
        user: user as string,
        account: account as string,
        reason: reason as string,
      };
    });
    const licenses: Record<string, Counts> = {};
    for (const l of lic.filter((x) => x.startsWith('LicenseName='))) {
      const f = scontrolFields(l);
      licenses[f.LicenseName as string] = {
        total: Number(f.Total),
        used: Number(f.Used),
        free: Number(f.Free),
        reserved: Number(f.Reserved ?? 0),
      };
    }
    const reservations: CliSnapshot['reservations'] = {};
    for (const l of res.filter((x) => x.startsWith('ReservationName='))) {
      const f = scontrolFields(l);
      reservations[f.ReservationName as string] = {
        active: f.State === 'ACTIVE' ? 1 : 0,
        nodes: Number(f.NodeCnt),
        cores: Number(f.CoreCnt),
      };
    }
    const cpus = parseCpus(clusterCpus[0] ?? '');
    expect(clusterCpus).toHaveLength(1);
    return {
      nodeStates,
      nodePartitions,
      cpus,
      partitionCpus,
      jobs,
      licenses,
      reservations,
      raw: [nodeRows, clusterCpus, partCpus, squeue, lic, res].map((x) => x.join('\n')).join('\n--\n'),
    };
  }

  async function pushedGroup(): Promise<PgGroup> {
    const res = await fetch(`${env.PUSHGATEWAY_URL}/api/v1/metrics`, { signal: AbortSignal.timeout(15_000) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: PgGroup[] };
    const group = body.data.find((g) => g.labels.job === job && g.labels.cluster === cluster);
    if (!group) throw new Error(`group job=${job} cluster=${cluster} not on the Pushgateway`);
    return group;
  }

  /** `name` samples of the group, keyed by the given label names joined with `|` (no labels: key ''). */
  function pushed(group: PgGroup, name: string, keyLabels: string[] = []): Counts {
    const family = group[name] as { metrics: PgMetric[] } | undefined;
    if (!family) throw new Error(`${name} not pushed`);
    const out: Counts = {};
    for (const m of family.metrics) {
      expect(m.labels.cluster, `${name} cluster label`).toBe(cluster);
      out[keyLabels.map((l) => m.labels[l] ?? '').join('|')] = Number(m.value);
    }
    return out;
  }

  /** Drops zero entries (the exporter pre-fills some states with 0; the CLI only lists what exists). */
  const nonZero = (c: Counts): Counts => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0));

  /** CLI before, collection + push, CLI after: retried (bounded) until both CLI reads agree. */
  async function consistentRun(): Promise<{ cli: CliSnapshot; group: PgGroup }> {
    // After a fault test restarted slurmctld, nodes read `unknown` until their slurmd registers again (seconds):
    // wait for that (bounded) so the lab shows its usual states; the comparisons below hold either way.
    for (let i = 0; i < 60; i++) {
      const states = await cli('sinfo', ['-h', '-N', '-o', '%T']);
      if (!states.some((x) => x.startsWith('unknown'))) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    for (let attempt = 1; attempt <= 5; attempt++) {
      const before = await snapshot();
      const summary = await runCollect({ env: collectEnv, remainingTimeMs: () => 60_000 });
      expect(Object.values(summary.collectors).filter((c) => !c.ok && !c.skipped)).toEqual([]);
      expect(summary.push.status).toBe(200);
      const group = await pushedGroup();
      const after = await snapshot();
      if (before.raw === after.raw) return { cli: before, group };
    }
    throw new Error('the lab kept changing between the CLI reads (5 attempts)');
  }

  let state: Promise<{ cli: CliSnapshot; group: PgGroup }> | undefined;
  const current = () => {
    state ??= consistentRun();
    return state;
  };

  it('nodes by effective state equal sinfo -N long states (node_state_string semantics)', async () => {
    const { cli: c, group } = await current();
    const expected: Counts = {};
    for (const s of Object.values(c.nodeStates)) inc(expected, effectiveFromSinfo(s));
    const got = pushed(group, 'slurm_nodes', ['state']);
    expect(nonZero(got)).toEqual(expected);
    // Every documented state is pushed (0 when empty), so alerts see 0 rather than absence.
    expect(Object.keys(got).sort()).toEqual([...NODE_STATES].sort());
    expect(pushed(group, 'slurm_cluster_nodes')['']).toBe(Object.keys(c.nodeStates).length);
    // The lab has a drained node, a down* node and a mixed node inside an active reservation.
    expect(Object.values(c.nodeStates)).toEqual(expect.arrayContaining(['drained', 'mixed']));
  });

  it('nodes by partition and state equal sinfo -N per partition', async () => {
    const { cli: c, group } = await current();
    const expected: Counts = {};
    for (const r of c.nodePartitions) inc(expected, `${r.partition}|${effectiveFromSinfo(r.state)}`);
    expect(nonZero(pushed(group, 'slurm_partition_nodes', ['partition', 'state']))).toEqual(expected);
  });

  it('CPUs alloc/idle/other/total equal sinfo %C, cluster-wide and per partition', async () => {
    const { cli: c, group } = await current();
    const got = pushed(group, 'slurm_cpus', ['state']);
    expect(got).toEqual(c.cpus);
    expect(c.cpus.other).toBeGreaterThan(0); // the drained and down nodes
    const perPartition: Counts = {};
    for (const [p, counts] of Object.entries(c.partitionCpus))
      for (const [k, v] of Object.entries(counts)) perPartition[`${p}|${k}`] = v;
    expect(pushed(group, 'slurm_partition_cpus', ['partition', 'state'])).toEqual(perPartition);
  });

  it('jobs by state, partition, user and account equal squeue -t all', async () => {
    const { cli: c, group } = await current();
    const byState: Counts = {};
    const byPartition: Counts = {};
    const byUser: Counts = {};
    const byAccount: Counts = {};
    for (const j of c.jobs) {
      inc(byState, j.state);
      // A pending job naming several partitions counts in each of them.
      for (const p of new Set(j.partitions)) inc(byPartition, `${p}|${j.state}`);
      inc(byUser, `${j.user}|${j.state}`);
      inc(byAccount, `${j.account}|${j.state}`);
    }
    expect(nonZero(pushed(group, 'slurm_jobs', ['state']))).toEqual(byState);
    expect(nonZero(pushed(group, 'slurm_partition_jobs', ['partition', 'state']))).toEqual(byPartition);
    expect(nonZero(pushed(group, 'slurm_user_jobs', ['user', 'state']))).toEqual(byUser);
    expect(nonZero(pushed(group, 'slurm_account_jobs', ['account', 'state']))).toEqual(byAccount);
    expect(Object.keys(byState).length).toBeGreaterThanOrEqual(4);

    // The partitions collector's own job counts agree too.
    const pending: Counts = {};
    const running: Counts = {};
    for (const j of c.jobs) {
      for (const p of new Set(j.partitions)) {
        if (j.state === 'PENDING') inc(pending, p);
        if (j.state === 'RUNNING') inc(running, p);
      }
    }
    expect(nonZero(pushed(group, 'slurm_partition_jobs_pending', ['partition']))).toEqual(pending);
    expect(nonZero(pushed(group, 'slurm_partition_jobs_running', ['partition']))).toEqual(running);
  });

  it('pending jobs by reason equal squeue %r', async () => {
    const { cli: c, group } = await current();
    const expected: Counts = {};
    for (const j of c.jobs.filter((x) => x.state === 'PENDING')) inc(expected, j.reason);
    expect(nonZero(pushed(group, 'slurm_jobs_pending_by_reason', ['reason']))).toEqual(expected);
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['Resources', 'Priority']));
  });

  it('licenses equal scontrol show licenses', async () => {
    const { cli: c, group } = await current();
    expect(Object.keys(c.licenses).length).toBeGreaterThan(0);
    for (const [metric, key] of [
      ['slurm_license_configured', 'total'],
      ['slurm_license_used', 'used'],
      ['slurm_license_free', 'free'],
      ['slurm_license_reserved', 'reserved'],
    ] as const) {
      const expected = Object.fromEntries(Object.entries(c.licenses).map(([n, v]) => [n, v[key]]));
      expect(pushed(group, metric, ['license']), metric).toEqual(expected);
    }
  });

  it('reservations equal scontrol show reservations', async () => {
    const { cli: c, group } = await current();
    expect(Object.keys(c.reservations).length).toBeGreaterThan(0);
    for (const [metric, key] of [
      ['slurm_reservation_active', 'active'],
      ['slurm_reservation_nodes', 'nodes'],
      ['slurm_reservation_cores', 'cores'],
    ] as const) {
      const expected = Object.fromEntries(Object.entries(c.reservations).map(([n, v]) => [n, v[key]]));
      expect(pushed(group, metric, ['reservation']), metric).toEqual(expected);
    }
  });

  it('the exposition rendered from the real lab passes promtool check metrics', async () => {
    let text = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    });
    await runCollect({ env: collectEnv, remainingTimeMs: () => 60_000, dryRun: true, stdout: sink });
    expect(text).toContain('slurm_nodes{');
    const result = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
      });
      child.stderr.on('data', (d) => {
        out += String(d);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
      child.stdin.end(text);
    });
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });

  describe('with a draining node and a DOWN+DRAIN node (scontrol update, undone afterwards)', () => {
    // n2 runs jobs (ALLOCATED) → DRAIN makes it `draining`; n5 is DOWN (no slurmd) → DRAIN makes sinfo say
    // `drained`, not `down` (node_state_string checks DRAIN before the base state).
    const changed: { node: string; reason: string; down: boolean }[] = [];

    async function nodeRecord(node: string): Promise<{ state: string; reason: string }> {
      const [line] = await cli('scontrol', ['-o', 'show', 'node', node]);
      const state = /\bState=(\S+)/.exec(line ?? '')?.[1] ?? '';
      // Reason is the last field and may contain spaces; drop scontrol's " [user@time]" suffix.
      const reason = /\bReason=(.*?)(?: \[[^\]]*\])?\s*$/.exec(line ?? '')?.[1] ?? '';
      return { state, reason: reason === '(null)' ? '' : reason };
    }

    afterAll(async () => {
      // Restore every node even if one update fails; report the failures afterwards.
      const failures: unknown[] = [];
      for (const c of changed.reverse()) {
        try {
          await cli('scontrol', ['update', `nodename=${c.node}`, 'state=undrain']);
          if (c.down && c.reason) {
            await cli('scontrol', ['update', `nodename=${c.node}`, 'state=down', `reason=${c.reason}`]);
          }
        } catch (err) {
          failures.push(err);
        }
      }
      // slurmctld pings an undrained node again; until it answers (under a second) sinfo shows it with `*`.
      for (let i = 0; i < 30; i++) {
        const rows = await cli('sinfo', ['-h', '-N', '-n', 'n2', '-o', '%T']).catch(() => []);
        if (rows.length > 0 && rows.every((x) => !x.endsWith('*'))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      if (failures.length > 0) throw new AggregateError(failures, 'could not restore the lab nodes');
    });

    it('nodes by state, per partition, and the CPU split still equal sinfo', async () => {
      for (const node of ['n2', 'n5']) {
        const before = await nodeRecord(node);
        if (before.state.includes('DRAIN')) continue; // already drained: nothing to undo
        changed.push({ node, reason: before.reason, down: before.state.startsWith('DOWN') });
        await cli('scontrol', ['update', `nodename=${node}`, 'state=drain', 'reason=e2e collectors probe']);
      }
      state = undefined; // a fresh CLI snapshot and collection
      const { cli: c, group } = await current();
      const states = Object.values(c.nodeStates);
      expect(states.map((x) => effectiveFromSinfo(x))).toEqual(expect.arrayContaining(['draining']));
      expect(c.nodeStates.n5).toMatch(/^drained/);

      const expected: Counts = {};
      for (const x of states) inc(expected, effectiveFromSinfo(x));
      expect(nonZero(pushed(group, 'slurm_nodes', ['state']))).toEqual(expected);
      const byPartition: Counts = {};
      for (const r of c.nodePartitions) inc(byPartition, `${r.partition}|${effectiveFromSinfo(r.state)}`);
      expect(nonZero(pushed(group, 'slurm_partition_nodes', ['partition', 'state']))).toEqual(byPartition);
      expect(pushed(group, 'slurm_cpus', ['state'])).toEqual(c.cpus);
    });
  });
});
