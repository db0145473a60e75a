/**
 * All collectors over real data: the slurmrestd 22.05 recordings (test/fixtures/slurmrestd-22.05, one cluster
 * state seen through v0.0.36, v0.0.37 and v0.0.38) and the simulator (one generated cluster rendered as v0.0.38
 * and v0.0.40 … v0.0.45). Both are served from a local node:http server and read by the real client and
 * adapters, so the whole path from bytes to metric families is exercised.
 *
 * The same cluster must give the same numbers in every version that carries the data, and the numbers must
 * equal Slurm's own view (lab-truth.json: sinfo/squeue/scontrol recorded with the bodies) or the simulator's
 * clusterTruth(). Documented exceptions (what an old API version cannot express) are asserted as such.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../lib/collectors/index.js';
import { runCollectors } from '../../lib/collectors/run.js';
import type { MetricFamily } from '../../lib/collectors/types.js';
import { clusterTruth, generateCluster, type SimServer, startSimServer } from '../../lib/sim/index.js';
import { createSlurmClient, resetSlurmClientState } from '../../lib/slurm/client.js';
import type { ApiVersion } from '../../lib/slurm/model.js';
import { effectiveFromSinfo } from '../helpers/sinfo-state.js';

type Counts = Record<string, number>;

const DIR = path.resolve(import.meta.dirname, '../fixtures/slurmrestd-22.05');
/** A fixed clock: age/runtime gauges must not differ between versions because of the wall clock. */
const NOW_MS = Date.parse('2026-11-25T14:05:00Z');

interface IndexEntry {
  file: string;
  method: string;
  path: string;
  status: number;
  contentType: string | null;
}

/** Serves the recorded 200 bodies by path; anything else gets slurmrestd 22.05's unknown-URL 404. */
async function startRecordingServer(): Promise<{ url: string; server: Server; hits: string[] }> {
  const index = JSON.parse(readFileSync(path.join(DIR, 'index.json'), 'utf8')) as { requests: IndexEntry[] };
  const routes = new Map<string, string>();
  for (const r of index.requests) {
    if (r.method === 'GET' && r.status === 200 && !r.file.startsWith('errors/') && !routes.has(r.path)) {
      routes.set(r.path, r.file);
    }
  }
  const notFound = JSON.parse(readFileSync(path.join(DIR, 'errors/unknown-endpoint.json'), 'utf8')) as {
    body: string;
  };
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const p = (req.url ?? '').replace(/\/+$/, '');
    hits.push(p);
    const file = routes.get(p);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(notFound.body);
      return;
    }
    const body = readFileSync(path.join(DIR, file));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, hits };
}

async function collect(baseUrl: string, version: ApiVersion) {
  await resetSlurmClientState();
  const client = createSlurmClient({ baseUrl, apiVersion: version, retryAttempts: 0, timeoutMs: 10_000 });
  return runCollectors({
    collectors: Object.values(COLLECTORS),
    source: client,
    now: () => NOW_MS,
    options: { jobs: { perJob: false } },
  });
}

/** Samples of `name`, keyed by the given label values joined with `|` (no labels: key ''). */
function agg(families: MetricFamily[], name: string, keyLabels: string[] = []): Counts {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`${name} not emitted`);
  const out: Counts = {};
  for (const s of f.samples) out[keyLabels.map((l) => s.labels[l] ?? '').join('|')] = s.value;
  return out;
}

/** Drops zero entries (some families are pre-filled with 0 for every known state). */
const nonZero = (c: Counts): Counts => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0));

function inc(rec: Counts, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}

const RECORDED: ApiVersion[] = ['v0.0.36', 'v0.0.37', 'v0.0.38'];

/** `uid:<id>` → user name, from the v0.0.37 recording of the same jobs (v0.0.36 sends no user names). */
const USER_NAMES = new Map(
  (
    JSON.parse(readFileSync(path.join(DIR, 'v0.0.37/jobs.json'), 'utf8')) as {
      jobs: { user_id: number; user_name: string }[];
    }
  ).jobs.map((j) => [`uid:${j.user_id}`, j.user_name]),
);

/**
 * Collectors skipped because 22.05 does not serve their endpoint in that version (reservations from v0.0.37,
 * licenses from v0.0.38, shares only from v0.0.40).
 */
const SKIPPED: Record<string, string[]> = {
  'v0.0.36': ['licenses', 'reservations', 'shares'],
  'v0.0.37': ['licenses', 'shares'],
  'v0.0.38': ['shares'],
};

interface Truth {
  nodes: { name: string; state: string; partitions: string[]; cpus: Counts }[];
  jobsCollapsed: {
    id: string;
    state: string;
    reason: string;
    partition: string;
    user: string;
    account: string;
  }[];
  partitions: { name: string; totalNodes: number; totalCpus: number }[];
  reservations: { name: string; state: string; nodeCount: number; coreCount: number }[];
  licenses: { name: string; total: number; used: number; free: number; reserved: number }[];
}

describe('collectors over the slurmrestd 22.05 recordings', () => {
  let rec: Awaited<ReturnType<typeof startRecordingServer>>;
  const results = new Map<ApiVersion, Awaited<ReturnType<typeof collect>>>();
  const truth = JSON.parse(readFileSync(path.join(DIR, 'lab-truth.json'), 'utf8')) as Truth;

  beforeAll(async () => {
    rec = await startRecordingServer();
    for (const v of RECORDED) results.set(v, await collect(rec.url, v));
  });
  afterAll(async () => {
    await new Promise((r) => rec?.server.close(r));
    await resetSlurmClientState();
  });

  const fams = (v: ApiVersion) => results.get(v)?.families ?? [];

  it.each(RECORDED)('%s: every collector succeeds, except those whose endpoint the version lacks', (v) => {
    const r = results.get(v);
    expect(r?.meta?.apiVersion).toBe(v);
    const failed = r?.statuses
      .filter((s) => !s.ok && !s.skipped)
      .map((s) => `${s.name}: ${s.error?.message}`);
    expect(failed).toEqual([]);
    expect(
      r?.statuses
        .filter((s) => s.skipped)
        .map((s) => s.name)
        .sort(),
    ).toEqual(SKIPPED[v]);
    expect(agg(fams(v), 'slurm_up')['']).toBe(1);
  });

  describe('same numbers in every version that carries them', () => {
    const same = (name: string, labels: string[] = []) => {
      const [first, ...rest] = RECORDED.map((v) => agg(fams(v), name, labels));
      for (const [i, other] of rest.entries()) expect(other, `${name} ${RECORDED[i + 1]}`).toEqual(first);
      return first as Counts;
    };

    it('node count, CPU total, memory total, partition configuration', () => {
      expect(same('slurm_cluster_nodes')['']).toBe(truth.nodes.length);
      same('slurm_memory_total_bytes');
      same('slurm_partition_configured_nodes', ['partition']);
      same('slurm_partition_configured_cpus', ['partition']);
      const total = truth.nodes.reduce((a, n) => a + (n.cpus.total ?? 0), 0);
      for (const v of RECORDED) expect(agg(fams(v), 'slurm_cpus', ['state']).total, v).toBe(total);
    });

    it('jobs by state, partition, user, account, and pending by reason', () => {
      same('slurm_jobs', ['state']);
      same('slurm_partition_jobs', ['partition', 'state']);
      // v0.0.36 exception: 22.05's v0.0.36 sends user_name "" (only user_id), so the user label is `uid:<id>`.
      const users = (v: ApiVersion) => {
        const out: Counts = {};
        for (const [k, n] of Object.entries(agg(fams(v), 'slurm_user_jobs', ['user', 'state']))) {
          const [u, st] = k.split('|') as [string, string];
          out[`${USER_NAMES.get(u) ?? u}|${st}`] = n;
        }
        return out;
      };
      expect(
        Object.keys(agg(fams('v0.0.36'), 'slurm_user_jobs', ['user'])).every((u) => u.startsWith('uid:')),
      ).toBe(true);
      expect(users('v0.0.36')).toEqual(agg(fams('v0.0.38'), 'slurm_user_jobs', ['user', 'state']));
      expect(users('v0.0.37')).toEqual(agg(fams('v0.0.38'), 'slurm_user_jobs', ['user', 'state']));
      same('slurm_account_jobs', ['account', 'state']);
      same('slurm_jobs_pending_by_reason', ['reason']);
      same('slurm_partition_jobs_pending', ['partition']);
      same('slurm_partition_jobs_running', ['partition']);
    });

    it('slurmdb: accounts, users, associations, QOS, TRES, clusters', () => {
      for (const name of ['accounts', 'users', 'associations', 'qos', 'tres', 'clusters']) {
        const counts = RECORDED.map((v) =>
          fams(v)
            .filter((f) => COLLECTORS[name as keyof typeof COLLECTORS].metrics.some((m) => m.name === f.name))
            .map((f) => `${f.name}:${f.samples.length}`)
            .sort(),
        );
        expect(counts[0]?.length, name).toBeGreaterThan(0);
        expect(counts[1], `${name} v0.0.37`).toEqual(counts[0]);
        expect(counts[2], `${name} v0.0.38`).toEqual(counts[0]);
      }
    });

    it('node states and the CPU split agree between v0.0.37 and v0.0.38 (v0.0.36: see the exceptions)', () => {
      expect(agg(fams('v0.0.37'), 'slurm_nodes', ['state'])).toEqual(
        agg(fams('v0.0.38'), 'slurm_nodes', ['state']),
      );
      expect(agg(fams('v0.0.37'), 'slurm_cpus', ['state'])).toEqual(
        agg(fams('v0.0.38'), 'slurm_cpus', ['state']),
      );
      expect(agg(fams('v0.0.37'), 'slurm_partition_nodes', ['partition', 'state'])).toEqual(
        agg(fams('v0.0.38'), 'slurm_partition_nodes', ['partition', 'state']),
      );
      expect(agg(fams('v0.0.37'), 'slurm_reservation_nodes', ['reservation'])).toEqual(
        agg(fams('v0.0.38'), 'slurm_reservation_nodes', ['reservation']),
      );
    });
  });

  describe("equal to Slurm's own view at recording time (lab-truth.json)", () => {
    const sinfoStates = (): Counts => {
      const c: Counts = {};
      for (const n of truth.nodes) inc(c, effectiveFromSinfo(n.state));
      return c;
    };
    const sinfoCpus = (): Counts => {
      const c: Counts = {};
      for (const n of truth.nodes) for (const [k, v] of Object.entries(n.cpus)) inc(c, k, v);
      return c;
    };

    it.each(['v0.0.37', 'v0.0.38'] as ApiVersion[])('%s: nodes by state and CPUs equal sinfo', (v) => {
      expect(nonZero(agg(fams(v), 'slurm_nodes', ['state']))).toEqual(sinfoStates());
      expect(agg(fams(v), 'slurm_cpus', ['state'])).toEqual(sinfoCpus());
      const byPartition: Counts = {};
      for (const n of truth.nodes)
        for (const p of n.partitions) inc(byPartition, `${p}|${effectiveFromSinfo(n.state)}`);
      expect(nonZero(agg(fams(v), 'slurm_partition_nodes', ['partition', 'state']))).toEqual(byPartition);
    });

    it('v0.0.36 exceptions: no state flags (a drained node reads idle), MIXED reads ALLOCATED, no allocated CPUs', () => {
      // What v0.0.36 can say: the base state, with MIXED folded into ALLOCATED by 22.05's v0.0.36 plugin.
      const expected: Counts = {};
      for (const n of truth.nodes) {
        const s = effectiveFromSinfo(n.state);
        const base = s === 'drained' ? 'idle' : s === 'draining' || s === 'mixed' ? 'allocated' : s;
        inc(expected, base);
      }
      expect(nonZero(agg(fams('v0.0.36'), 'slurm_nodes', ['state']))).toEqual(expected);
      expect(expected).not.toEqual(sinfoStates()); // the exception is real in this recording
      const cpus = agg(fams('v0.0.36'), 'slurm_cpus', ['state']);
      expect(cpus.alloc).toBe(0);
      expect(cpus.total).toBe(sinfoCpus().total);
      expect((cpus.alloc ?? 0) + (cpus.idle ?? 0) + (cpus.other ?? 0)).toBe(cpus.total);
    });

    it.each(RECORDED)('%s: jobs by state, partition, user, account and pending reason equal squeue', (v) => {
      const byState: Counts = {};
      const byPartition: Counts = {};
      const byUser: Counts = {};
      const byAccount: Counts = {};
      const byReason: Counts = {};
      for (const j of truth.jobsCollapsed) {
        inc(byState, j.state);
        for (const p of new Set(j.partition.split(','))) inc(byPartition, `${p}|${j.state}`);
        inc(byUser, `${j.user}|${j.state}`);
        inc(byAccount, `${j.account}|${j.state}`);
        if (j.state === 'PENDING') inc(byReason, j.reason);
      }
      const f = fams(v);
      expect(nonZero(agg(f, 'slurm_jobs', ['state']))).toEqual(byState);
      expect(nonZero(agg(f, 'slurm_partition_jobs', ['partition', 'state']))).toEqual(byPartition);
      const users: Counts = {};
      for (const [k, n] of Object.entries(agg(f, 'slurm_user_jobs', ['user', 'state']))) {
        const [u, st] = k.split('|') as [string, string];
        users[`${v === 'v0.0.36' ? (USER_NAMES.get(u) ?? u) : u}|${st}`] = n; // v0.0.36: `uid:<id>`, see above
      }
      expect(nonZero(users)).toEqual(byUser);
      expect(nonZero(agg(f, 'slurm_account_jobs', ['account', 'state']))).toEqual(byAccount);
      expect(nonZero(agg(f, 'slurm_jobs_pending_by_reason', ['reason']))).toEqual(byReason);
    });

    it.each(RECORDED)('%s: partition configuration equals scontrol show partition', (v) => {
      const nodes = Object.fromEntries(truth.partitions.map((p) => [p.name, p.totalNodes]));
      const cpus = Object.fromEntries(truth.partitions.map((p) => [p.name, p.totalCpus]));
      expect(agg(fams(v), 'slurm_partition_configured_nodes', ['partition'])).toEqual(nodes);
      expect(agg(fams(v), 'slurm_partition_configured_cpus', ['partition'])).toEqual(cpus);
    });

    it.each(['v0.0.37', 'v0.0.38'] as ApiVersion[])(
      '%s: reservations equal scontrol show reservation',
      (v) => {
        const f = fams(v);
        const expected = (pick: (r: Truth['reservations'][number]) => number) =>
          Object.fromEntries(truth.reservations.map((r) => [r.name, pick(r)]));
        expect(agg(f, 'slurm_reservation_active', ['reservation'])).toEqual(
          expected((r) => (r.state === 'ACTIVE' ? 1 : 0)),
        );
        expect(agg(f, 'slurm_reservation_nodes', ['reservation'])).toEqual(expected((r) => r.nodeCount));
        expect(agg(f, 'slurm_reservation_cores', ['reservation'])).toEqual(expected((r) => r.coreCount));
      },
    );

    it('v0.0.38: licenses equal scontrol show licenses', () => {
      const f = fams('v0.0.38');
      for (const [metric, key] of [
        ['slurm_license_configured', 'total'],
        ['slurm_license_used', 'used'],
        ['slurm_license_free', 'free'],
        ['slurm_license_reserved', 'reserved'],
      ] as const) {
        expect(agg(f, metric, ['license']), metric).toEqual(
          Object.fromEntries(truth.licenses.map((l) => [l.name, l[key]])),
        );
      }
    });
  });
});

describe('collectors over the simulator: one generated cluster, every rendered version', () => {
  const SIM: ApiVersion[] = ['v0.0.38', 'v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.43', 'v0.0.44', 'v0.0.45'];
  const cluster = generateCluster({ seed: 20261125, nodes: 90, jobs: 700, partitions: 4, name: 'simx' });
  const truth = clusterTruth(cluster);
  let sim: SimServer;
  const results = new Map<ApiVersion, Awaited<ReturnType<typeof collect>>>();

  beforeAll(async () => {
    sim = await startSimServer({ cluster, versions: SIM });
    for (const v of SIM) results.set(v, await collect(sim.url, v));
  });
  afterAll(async () => {
    await sim?.close();
  });
  afterEach(async () => {
    await resetSlurmClientState();
  });

  const fams = (v: ApiVersion) => results.get(v)?.families ?? [];

  it.each(SIM)('%s: every collector succeeds (shares only from v0.0.40)', (v) => {
    const r = results.get(v);
    expect(r?.meta?.apiVersion).toBe(v);
    expect(
      r?.statuses.filter((s) => !s.ok && !s.skipped).map((s) => `${s.name}: ${s.error?.message}`),
    ).toEqual([]);
    expect(r?.statuses.filter((s) => s.skipped).map((s) => s.name)).toEqual(
      v === 'v0.0.38' ? ['shares'] : [],
    );
  });

  /** Aggregates that do not depend on job states: identical in every version. */
  const AGGREGATES: Array<[string, string[]]> = [
    ['slurm_nodes', ['state']],
    ['slurm_cluster_nodes', []],
    ['slurm_cpus', ['state']],
    ['slurm_memory_total_bytes', []],
    ['slurm_memory_allocated_bytes', []],
    ['slurm_gpus', ['gpu_type']],
    ['slurm_gpus_allocated', ['gpu_type']],
    ['slurm_partition_nodes', ['partition', 'state']],
    ['slurm_partition_cpus', ['partition', 'state']],
    ['slurm_license_configured', ['license']],
    ['slurm_license_used', ['license']],
    ['slurm_license_free', ['license']],
    ['slurm_license_reserved', ['license']],
    ['slurm_reservation_nodes', ['reservation']],
  ];
  const JOB_AGGREGATES: Array<[string, string[]]> = [
    ['slurm_jobs', ['state']],
    ['slurm_partition_jobs', ['partition', 'state']],
    ['slurm_user_jobs', ['user', 'state']],
    ['slurm_account_jobs', ['account', 'state']],
    ['slurm_jobs_pending_by_reason', ['reason']],
  ];

  it.each(AGGREGATES)('%s is identical in every version', (name, labels) => {
    const base = agg(fams('v0.0.38'), name, labels);
    expect(Object.keys(base).length, `${name} has samples`).toBeGreaterThan(0);
    for (const v of SIM.slice(1)) expect(agg(fams(v), name, labels), `${name} ${v}`).toEqual(base);
  });

  /**
   * Job aggregates from the simulated jobs, with the state Slurm shows: v0.0.40+ carry the base state (flags
   * apart); v0.0.38 and older carry job_state_string(), where a state flag replaces the base state (what squeue
   * %T prints too), e.g. a completing COMPLETED job is `COMPLETING`, a requeued pending job `REQUEUED`.
   */
  const STATE_FLAG_ORDER = [
    'COMPLETING',
    'STAGE_OUT',
    'CONFIGURING',
    'RESIZING',
    'REQUEUED',
    'REQUEUE_FED',
  ].concat(['REQUEUE_HOLD', 'SPECIAL_EXIT', 'STOPPED', 'REVOKED', 'RESV_DEL_HOLD', 'SIGNALING']);
  function jobOracle(shown: 'base' | 'job_state_string'): Record<string, Counts> {
    const out: Record<string, Counts> = Object.fromEntries(JOB_AGGREGATES.map(([n]) => [n, {}]));
    const add = (name: string, key: string) => inc(out[name] as Counts, key);
    for (const j of cluster.jobs) {
      const st = shown === 'base' ? j.state : (STATE_FLAG_ORDER.find((f) => j.flags.includes(f)) ?? j.state);
      add('slurm_jobs', st);
      for (const p of new Set(j.partitions)) add('slurm_partition_jobs', `${p}|${st}`);
      add('slurm_user_jobs', `${j.user}|${st}`);
      add('slurm_account_jobs', `${j.account}|${st}`);
      if (st === 'PENDING') add('slurm_jobs_pending_by_reason', j.reason);
    }
    return out;
  }

  it.each(JOB_AGGREGATES)(
    '%s: identical from v0.0.40 on, and as Slurm shows it in v0.0.38',
    (name, labels) => {
      const base = jobOracle('base')[name] as Counts;
      for (const v of SIM.slice(1)) expect(nonZero(agg(fams(v), name, labels)), `${name} ${v}`).toEqual(base);
      const legacy = jobOracle('job_state_string')[name] as Counts;
      expect(nonZero(agg(fams('v0.0.38'), name, labels)), `${name} v0.0.38`).toEqual(legacy);
    },
  );

  it('the v0.0.38 job-state exception is real in this cluster (flagged jobs exist)', () => {
    expect(jobOracle('job_state_string').slurm_jobs).not.toEqual(jobOracle('base').slurm_jobs);
  });

  it.each(SIM)('%s: equals clusterTruth() where the truth defines it', (v) => {
    const f = fams(v);
    const nodes = agg(f, 'slurm_nodes', ['state']);
    expect(agg(f, 'slurm_cluster_nodes')['']).toBe(truth.nodes.total);
    expect(Object.values(nodes).reduce((a, b) => a + b, 0)).toBe(truth.nodes.total);
    // The truth's effective state is DRAIN-wins + base state; it agrees with Slurm's for these states.
    for (const s of ['drained', 'draining', 'down', 'allocated', 'mixed']) {
      expect(nodes[s] ?? 0, `nodes ${s}`).toBe(truth.nodes.byEffectiveState[s] ?? 0);
    }
    // Its `idle` also holds idle nodes with a suffix flag or MAINT/COMPLETING, which Slurm (and we) tell apart.
    const idleFamily = ['idle', 'not_responding', 'powered_down', 'powering_up', 'powering_down', 'maint']
      .concat(['completing', 'reserved', 'planned', 'rebooting'])
      .reduce((a, s) => a + (nodes[s] ?? 0), 0);
    expect(idleFamily).toBe(truth.nodes.byEffectiveState.idle ?? 0);

    const cpus = agg(f, 'slurm_cpus', ['state']);
    expect(cpus.total).toBe(truth.cpus.total);
    expect(cpus.alloc).toBe(truth.cpus.alloc);
    expect((cpus.idle ?? 0) + (cpus.other ?? 0)).toBe(truth.cpus.idle);

    if (v !== 'v0.0.38') {
      // (v0.0.38 shows flag states instead of base states: see the job-state exception above.)
      expect(nonZero(agg(f, 'slurm_jobs', ['state']))).toEqual(truth.jobs.byState);
      const byPartition: Counts = {};
      for (const [p, states] of Object.entries(truth.jobs.byPartitionState))
        for (const [s, n] of Object.entries(states)) byPartition[`${p}|${s}`] = n;
      expect(nonZero(agg(f, 'slurm_partition_jobs', ['partition', 'state']))).toEqual(byPartition);
      expect(nonZero(agg(f, 'slurm_jobs_pending_by_reason', ['reason']))).toEqual(truth.jobs.pendingByReason);
    }

    const sum = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);
    expect(sum(agg(f, 'slurm_gpus', ['gpu_type']))).toBe(truth.gpus.total);
    expect(sum(agg(f, 'slurm_gpus_allocated', ['gpu_type']))).toBe(truth.gpus.alloc);

    for (const [metric, key] of [
      ['slurm_license_configured', 'total'],
      ['slurm_license_used', 'used'],
      ['slurm_license_free', 'free'],
      ['slurm_license_reserved', 'reserved'],
    ] as const) {
      expect(agg(f, metric, ['license']), metric).toEqual(
        Object.fromEntries(Object.entries(truth.licenses).map(([n, l]) => [n, l[key]])),
      );
    }
    const partitionNodes: Counts = {};
    for (const [p, t] of Object.entries(truth.partitions)) partitionNodes[p] = t.nodes;
    const perPartition: Counts = {};
    for (const [k, n] of Object.entries(agg(f, 'slurm_partition_nodes', ['partition', 'state'])))
      inc(perPartition, k.split('|')[0] as string, n);
    expect(perPartition).toEqual(partitionNodes);
  });

  it('the simulated cluster exercises the interesting node states', () => {
    const nodes = agg(fams('v0.0.44'), 'slurm_nodes', ['state']);
    for (const s of ['drained', 'draining', 'down', 'mixed', 'allocated', 'idle']) {
      expect(nodes[s] ?? 0, s).toBeGreaterThan(0);
    }
  });
});
