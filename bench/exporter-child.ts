/**
 * Benchmark exporter process: one invocation of the Lambda handler of dist/collect.cjs — the very bundle Lambda
 * loads — (config → slurmrestd over HTTP → streamed parse → collectors → render → push) against the server
 * child, measured alone in this fresh process with the deployed V8 flags. The floor is measured by the next
 * process (bench/floor.ts): the deployed old-space cap cannot hold the naive parse.
 *
 * This file is bundled on its own (dist/bench-exporter.cjs) and loads dist/collect.cjs at run time: the measured
 * process holds the handler's code and nothing else of the project (the simulator and the orchestrator live in
 * dist/bench.cjs; loading them here added ~14 MB to every RSS figure).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import type { CollectSummary } from '../lib/app/collect.js';
import { type ExporterReport, type ExporterTask, gc, httpGet } from './ipc.js';

interface Stats {
  sim: { requests: number; byPath: Record<string, number>; bytes: number };
  sink: { requests: number; bytes: number; byPath: Record<string, number> };
}

function envFor(task: ExporterTask): Record<string, string> {
  const env: Record<string, string> = {
    SLURM_EXPORTER_SLURM_BASE_URL: task.simUrl,
    // Pinned: the server child serves two versions and detection would pick the newest.
    SLURM_EXPORTER_SLURM_API_VERSION: task.version,
    SLURM_EXPORTER_SLURM_TIMEOUT: '120s',
    SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '0',
    SLURM_EXPORTER_PUSH_TYPE: task.target,
    SLURM_EXPORTER_PUSH_URL: task.target === 'remote_write' ? `${task.sinkUrl}/api/v1/write` : task.sinkUrl,
    SLURM_EXPORTER_PUSH_COMPRESSION: 'gzip',
    SLURM_EXPORTER_PUSH_RETRIES: '0',
    SLURM_EXPORTER_PUSH_TIMEOUT: '60s',
    SLURM_EXPORTER_LOGGING_LEVEL: 'error',
  };
  return { ...env, ...task.env };
}

type Handler = (event: unknown, context: Context) => Promise<CollectSummary>;

/** The handler of dist/collect.cjs, next to this bundle (`npm run bench` builds both). */
function loadHandler(): Handler {
  const bundle = path.join(__dirname, 'collect.cjs');
  return (createRequire(__filename)(bundle) as { handler: Handler }).handler;
}

/** What the Lambda runtime passes (only the fields the handler reads), with the benchmark's 300 s budget. */
function lambdaContext(budgetMs: number): Context {
  const started = Date.now();
  return {
    awsRequestId: 'bench',
    functionName: 'slurm-push-exporter-bench',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:slurm-push-exporter-bench',
    getRemainingTimeInMillis: () => budgetMs - (Date.now() - started),
  } as Context;
}

export async function runExporterChild(task: ExporterTask): Promise<ExporterReport> {
  await httpGet(`${task.sinkUrl}/__reset`, { method: 'POST' });
  // Lambda's init phase (not part of an invocation's duration): load the bundle; the handler reads its
  // configuration from the environment, as on Lambda.
  Object.assign(process.env, envFor(task));
  const handler = loadHandler();
  gc();
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  // Where the peak comes from: JS heap vs buffers. Sampled every 25 ms (a timer, so only between ticks).
  const peak = { heap: 0, external: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak.heap = Math.max(peak.heap, m.heapUsed);
    peak.external = Math.max(peak.external, m.external + m.arrayBuffers);
  }, 25);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await handler({}, lambdaContext(300_000)).finally(() => clearInterval(sampler));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // maxRSS is the lifetime peak of this process (KiB): read it before the floor loads whole bodies.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const stats = JSON.parse((await httpGet(`${task.sinkUrl}/__stats`)).toString('utf8')) as Stats;

  const failed = Object.entries(summary.collectors).filter(([, c]) => !c.ok);
  // The second invocation of the same container, as a 1-minute schedule mostly runs it: modules loaded,
  // code compiled, the keep-alive connection and the parsed configuration reused. The process's peak RSS over
  // both is what a warm container has to hold.
  await httpGet(`${task.sinkUrl}/__reset`, { method: 'POST' });
  gc();
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  const warm = await handler({}, lambdaContext(300_000));
  const warmWallMs = performance.now() - t1;
  const warmCpu = process.cpuUsage(cpu1);
  const warmStats = JSON.parse((await httpGet(`${task.sinkUrl}/__stats`)).toString('utf8')) as Stats;
  const warmFailed = Object.entries(warm.collectors).filter(([, c]) => !c.ok);
  const report: ExporterReport = {
    type: 'result',
    scenario: task.scenario,
    api_version: task.version,
    target: task.target,
    nodes: task.nodes,
    jobs: task.jobs,
    wall_ms: Math.round(wallMs),
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    peak_rss_mb: Math.round(peakRssMb * 10) / 10,
    rss_before_run_mb: Math.round(rssBeforeMb * 10) / 10,
    peak_heap_used_mb: Math.round((peak.heap / 2 ** 20) * 10) / 10,
    peak_external_mb: Math.round((peak.external / 2 ** 20) * 10) / 10,
    response_bytes: stats.sim.bytes,
    series: summary.push.series,
    pushed_bytes: stats.sink.bytes,
    push_requests: stats.sink.requests,
    requests: stats.sim.requests,
    max_requests_per_endpoint: Math.max(0, ...Object.values(stats.sim.byPath)),
    requests_by_path: stats.sim.byPath,
    collectors_failed: failed.map(([name, c]) => `${name}: ${c.error ?? 'failed'}`),
    warm_wall_ms: Math.round(warmWallMs),
    warm_cpu_ms: Math.round((warmCpu.user + warmCpu.system) / 1000),
    warm_series: warm.push.series,
    warm_max_requests_per_endpoint: Math.max(0, ...Object.values(warmStats.sim.byPath)),
    warm_collectors_failed: warmFailed.map(([name, c]) => `${name}: ${c.error ?? 'failed'}`),
    peak_rss_two_invocations_mb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
  };
  return report;
}
