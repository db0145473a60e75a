/**
 * The benchmark's main process: starts one server child per simulated cluster and one fresh exporter child
 * per measured run, prints one JSON line per run, the RSS slope and the cold-start figures, and writes them
 * all to bench/results.json. It asserts nothing about timing: targets are reported, never enforced.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COLLECTOR_NAMES } from '../lib/collectors/index.js';
import { measureColdStart } from './cold-start.js';
import { lambdaCost, memoryFor } from './cost.js';
import type {
  ClusterSpec,
  ExporterReport,
  ExporterTask,
  FloorReport,
  FloorTask,
  ServerReady,
} from './ipc.js';
import { deployedNodeOptions, median, pairedRatio, targetChecks, withTables } from './report.js';

const SEED = 20_240_601;
const VERSIONS = ['v0.0.38', 'v0.0.44'];
const TARGETS: ExporterTask['target'][] = ['pushgateway', 'remote_write'];
const SCENARIOS = [
  { scenario: '1k-nodes-10k-jobs', nodes: 1_000, jobs: 10_000 },
  { scenario: '10k-nodes-100k-jobs', nodes: 10_000, jobs: 100_000 },
];
/**
 * RSS growth per job: v0.0.44 (the largest bodies), Pushgateway, a fixed 10k-node cluster and a fixed 500 users
 * (so the series count stays about the same and only memory that grows with the job list shows).
 */
const SLOPE_JOBS = [1_000, 10_000, 50_000, 100_000];
const SLOPE_NODES = 10_000;
const SLOPE_USERS = 500;
const SLOPE_REPEATS = 3;
/**
 * 100k-job runs again with other V8 settings, for comparison with the deployed ones: Node's own defaults (no
 * flags), the small young generation without the old-space cap (the largest run too), and V8 told to favour
 * memory over speed (docs/performance.md).
 */
const YOUNG_ONLY = ['--max-semi-space-size=2'];
const COMPARISONS: { flags: string[]; version: string; target: ExporterTask['target']; floor: boolean }[] = [
  { flags: [], version: 'v0.0.38', target: 'pushgateway', floor: true },
  { flags: YOUNG_ONLY, version: 'v0.0.38', target: 'pushgateway', floor: true },
  { flags: YOUNG_ONLY, version: 'v0.0.44', target: 'remote_write', floor: false },
  { flags: ['--optimize-for-size'], version: 'v0.0.38', target: 'pushgateway', floor: true },
];
const CHILD_TIMEOUT_MS = 300_000;

const log = (msg: string): void => {
  process.stderr.write(`[bench] ${msg}\n`);
};

function waitMessage<T extends { type: string }>(
  child: ChildProcess,
  type: string,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no '${type}' message within ${CHILD_TIMEOUT_MS} ms`));
    }, CHILD_TIMEOUT_MS);
    const onMessage = (m: unknown): void => {
      const msg = m as T & { error?: string };
      if (msg?.type === 'error') {
        cleanup();
        reject(new Error(`${what}: ${msg.error}`));
      } else if (msg?.type === type) {
        cleanup();
        resolve(msg);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${what}: exited with code ${code} before '${type}'`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function forkSelf(args: string[]): ChildProcess {
  const self = process.argv[1] as string;
  return fork(self, args, {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Kills a child we started, by its PID, and waits for it to be gone (bounded). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  const t = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 5_000);
  await gone;
  clearTimeout(t);
}

async function withServer<T>(spec: ClusterSpec, fn: (ready: ServerReady) => Promise<T>): Promise<T> {
  const child = forkSelf(['--server', JSON.stringify(spec)]);
  try {
    const ready = await waitMessage<ServerReady>(child, 'ready', `server ${spec.nodes}/${spec.jobs}`);
    log(`server for ${spec.nodes} nodes / ${spec.jobs} jobs ready in ${ready.setupMs} ms (pid ${child.pid})`);
    return await fn(ready);
  } finally {
    await stop(child);
  }
}

/** Generous collector budgets: the benchmark measures speed, a timeout would only hide it. */
const COLLECTOR_TIMEOUTS = Object.fromEntries(
  COLLECTOR_NAMES.map((name) => [`SLURM_EXPORTER_COLLECTORS_${name.toUpperCase()}_TIMEOUT`, '120s']),
);

/** Forks dist/bench-exporter.cjs (its own small bundle next to this one, bench/exporter-main.ts) for one task. */
async function forkExporter<T extends { type: string }>(
  task: ExporterTask | FloorTask,
  v8Flags: readonly string[],
  type: T['type'],
  what: string,
): Promise<T> {
  const entry = path.join(path.dirname(process.argv[1] as string), 'bench-exporter.cjs');
  const child = fork(entry, [JSON.stringify(task)], {
    execArgv: ['--expose-gc', ...v8Flags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    return await waitMessage<T>(child, type, what);
  } finally {
    await stop(child);
  }
}

/**
 * Fresh runs behind each 100k-job line of the matrix. One run and one floor each move by ±10–20 % on this VM
 * (the same bodies parsed in 1.6–3.0 s), and the VM has slow spells lasting several seconds, so a single pair
 * says little about a ratio near 1.
 */
const REPEATS_100K = 5;

/**
 * `repeats` measured runs, each in a fresh process with `task.v8Flags`, and with `task.floor` after each run the
 * JSON.parse floor of the same bodies in the next fresh process, with Node's defaults (bench/floor.ts). The
 * line is the run with the median wall time, with the peak RSS of the worst run, `ratio` = the median of the
 * per-pair ratios (pairedRatio), and every run's figures beside them.
 */
async function runExporter(task: ExporterTask, repeats = 1): Promise<ExporterReport> {
  const what = `exporter ${task.scenario} ${task.version}`;
  const run = { ...task, env: { ...COLLECTOR_TIMEOUTS, ...task.env } };
  const reports: ExporterReport[] = [];
  const floors: FloorReport[] = [];
  for (let i = 0; i < repeats; i++) {
    const report = await forkExporter<ExporterReport>(run, task.v8Flags ?? [], 'result', what);
    reports.push(report);
    if (!task.floor) continue;
    const paths = Object.keys(report.requests_by_path as Record<string, number>).sort();
    const floorTask: FloorTask = { kind: 'floor', simUrl: task.simUrl, paths, jobs: task.jobs };
    floors.push(await forkExporter<FloorReport>(floorTask, [], 'floor', `floor of ${what}`));
  }
  const walls = reports.map((r) => Number(r.wall_ms));
  const rss = reports.map((r) => Number(r.peak_rss_mb));
  const mid = [...reports].sort((a, b) => Number(a.wall_ms) - Number(b.wall_ms))[(reports.length - 1) >> 1];
  const line: ExporterReport = {
    ...(mid as ExporterReport),
    peak_rss_mb: Math.max(...rss),
    peak_rss_two_invocations_mb: Math.max(...reports.map((r) => Number(r.peak_rss_two_invocations_mb))),
  };
  if (repeats > 1) Object.assign(line, { runs: repeats, wall_ms_runs: walls, peak_rss_mb_runs: rss });
  if (!task.floor) return line;
  const { type: _type, floor_ms: _f, ...floorInfo } = floors[0] as FloorReport;
  const floorRuns = floors.map((f) => f.floor_ms);
  const measured = floorRuns.every((f): f is number => f !== null);
  const floorMs = measured ? median(floorRuns) : null;
  const paired = measured ? pairedRatio(walls, floorRuns) : null;
  return {
    ...line,
    ...floorInfo,
    floor_ms: floorMs === null ? null : Math.round(floorMs),
    ...(repeats > 1 && paired ? { floor_ms_runs: floorRuns, ...paired } : {}),
    ratio: paired?.ratio ?? null,
  };
}

function emit(results: Record<string, unknown>[], line: Record<string, unknown>): void {
  results.push(line);
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/**
 * The line of a run with its Lambda cost, priced on the warm invocation (what a 1-minute schedule runs nearly
 * every time; a container's first invocation, `wall_ms`/`cpu_ms`, is priced beside it).
 */
function finish(r: ExporterReport): Record<string, unknown> {
  const { type: _type, ...line } = r;
  const wall = Number(r.warm_wall_ms ?? r.wall_ms);
  const cpu = Number(r.warm_cpu_ms ?? r.cpu_ms);
  const memory = memoryFor(Math.max(Number(r.peak_rss_mb), Number(r.peak_rss_two_invocations_mb ?? 0)));
  return {
    ...line,
    lambda: {
      default_512mb: lambdaCost(wall, cpu, 512),
      sized: lambdaCost(wall, cpu, memory),
      first_invocation_512mb: lambdaCost(Number(r.wall_ms), Number(r.cpu_ms), 512),
    },
  };
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function runOrchestrator(args: string[]): Promise<void> {
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const skipSlope = args.includes('--no-slope');
  const results: Record<string, unknown>[] = [];
  const started = Date.now();

  // Every run of the matrix uses the Lambda's own NODE_OPTIONS (serverless.yml's default).
  const deployed = deployedNodeOptions(readFileSync(path.resolve('serverless.yml'), 'utf8'));
  log(`deployed NODE_OPTIONS: ${deployed.join(' ') || '(none)'}`);
  for (const s of SCENARIOS) {
    if (only && !s.scenario.includes(only)) continue;
    await withServer({ nodes: s.nodes, jobs: s.jobs, versions: VERSIONS, seed: SEED }, async (srv) => {
      for (const version of VERSIONS) {
        for (const target of TARGETS) {
          log(`${s.scenario} ${version} → ${target}`);
          const r = await runExporter(
            { ...s, version, target, ...srv, floor: true, v8Flags: deployed },
            s.jobs >= 100_000 ? REPEATS_100K : 1,
          );
          emit(results, { ...finish(r), v8_flags: deployed, flags_from: 'serverless.yml' });
        }
      }
      if (s.jobs < 100_000) return;
      for (const c of COMPARISONS) {
        log(`${s.scenario} ${c.version} → ${c.target} with ${c.flags.join(' ') || "Node's defaults"}`);
        const r = await runExporter({ ...s, ...c, ...srv, v8Flags: c.flags });
        emit(results, { ...finish(r), v8_flags: c.flags, flags_from: 'comparison' });
      }
    });
  }

  if (!skipSlope) {
    const points: [number, number][] = [];
    for (const jobs of SLOPE_JOBS) {
      const spec = { nodes: SLOPE_NODES, jobs, versions: ['v0.0.44'], seed: SEED, users: SLOPE_USERS };
      await withServer(spec, async (srv) => {
        // Peak RSS varies by ±10 MB from run to run (GC timing): the lowest of SLOPE_REPEATS fresh runs per point.
        let best: ExporterReport | undefined;
        for (let rep = 0; rep < SLOPE_REPEATS; rep++) {
          log(`rss slope: ${jobs} jobs (run ${rep + 1}/${SLOPE_REPEATS})`);
          const r = await runExporter({
            scenario: 'rss-slope',
            version: 'v0.0.44',
            target: 'pushgateway',
            nodes: SLOPE_NODES,
            jobs,
            ...srv,
            floor: false,
            v8Flags: deployed,
          });
          if (!best || Number(r.peak_rss_mb) < Number(best.peak_rss_mb)) best = r;
        }
        const r = best as ExporterReport;
        points.push([jobs, Number(r.peak_rss_mb)]);
        const { type: _t, requests_by_path: _p, ...line } = r;
        emit(results, { ...line, users: SLOPE_USERS, runs: SLOPE_REPEATS });
      });
    }
    emit(results, {
      rss_slope_mb_per_10k_jobs: Math.round(slope(points) * 10_000 * 100) / 100,
      nodes: SLOPE_NODES,
      users: SLOPE_USERS,
      api_version: 'v0.0.44',
      points: points.map(([jobs, mb]) => ({ jobs, peak_rss_mb: mb })),
    });
  }

  log('cold start: bundle sizes and require(dist/collect.cjs)');
  emit(results, { cold_start: measureColdStart(path.dirname(process.argv[1] as string), 21) });
  emit(results, {
    machine: {
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      cpus: (await import('node:os')).cpus().length,
      cpu_model: (await import('node:os')).cpus()[0]?.model ?? '',
      memory_gb: Math.round((await import('node:os')).totalmem() / 2 ** 30),
      date: new Date().toISOString(),
      total_bench_s: Math.round((Date.now() - started) / 1000),
    },
  });
  emit(results, { targets: targetChecks(results) });
  // A partial run (--only, --no-slope) only prints: bench/results.json and the page's tables describe the
  // whole matrix and are kept in step (test/bench/report.test.ts).
  if (only || skipSlope) {
    log('partial run: bench/results.json and docs/performance.md left as they are');
    return;
  }
  const out = path.resolve('bench/results.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out}`);
  const page = path.resolve('docs/performance.md');
  if (existsSync(page)) {
    writeFileSync(page, withTables(readFileSync(page, 'utf8'), results));
    log(`updated the tables of ${page}`);
  }
}
