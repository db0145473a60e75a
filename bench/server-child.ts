/**
 * Benchmark server process: the simulated slurmrestd (bodies rendered once into memory, so the simulator's
 * JSON.stringify never competes with the measured exporter) and a sink standing in for the Pushgateway /
 * remote-write receiver that only counts bytes. Both live here, away from the exporter's process, so its RSS
 * and CPU are measured alone. `/__stats` and `/__reset` on the sink expose the counters.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateCluster } from '../lib/sim/generate.js';
import { startSimServer } from '../lib/sim/server.js';
import type { ApiVersion } from '../lib/slurm/model.js';
import type { ClusterSpec, ServerReady } from './ipc.js';

interface SinkStats {
  requests: number;
  bytes: number;
  byPath: Record<string, number>;
}

export async function runServerChild(spec: ClusterSpec): Promise<void> {
  const started = performance.now();
  const cluster = generateCluster({
    seed: spec.seed,
    nodes: spec.nodes,
    jobs: spec.jobs,
    partitions: 8,
    name: 'bench',
    jobResourceCores: 'allocated',
    ...(spec.users !== undefined ? { users: spec.users } : {}),
  });
  const sim = await startSimServer({
    cluster,
    versions: spec.versions as ApiVersion[],
    cacheBodies: true,
  });
  const sink: SinkStats = { requests: 0, bytes: 0, byPath: {} };
  const resetSim = (): void => {
    sim.stats.requests = 0;
    sim.stats.bytes = 0;
    for (const k of Object.keys(sim.stats.byPath)) delete sim.stats.byPath[k];
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/__stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sim: sim.stats, sink }));
      return;
    }
    if (path === '/__reset') {
      resetSim();
      sink.requests = 0;
      sink.bytes = 0;
      sink.byPath = {};
      res.end();
      return;
    }
    sink.requests++;
    sink.byPath[`${req.method} ${path}`] = (sink.byPath[`${req.method} ${path}`] ?? 0) + 1;
    req.on('data', (c: Buffer) => {
      sink.bytes += c.length;
    });
    req.on('end', () => {
      // 200 suits both: the Pushgateway answers 200 to PUT, remote-write receivers 204 or 200.
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const ready: ServerReady = {
    type: 'ready',
    simUrl: sim.url,
    sinkUrl: `http://127.0.0.1:${port}`,
    setupMs: Math.round(performance.now() - started),
  };
  // Started by hand (profiling: `node dist/bench.cjs --server '<spec>'`): print where to connect instead.
  if (process.send) process.send(ready);
  else process.stdout.write(`${JSON.stringify(ready)}\n`);
  // The orchestrator ends this process by PID (kill) or by closing the IPC channel.
  process.on('disconnect', () => {
    void sim.close().finally(() => process.exit(0));
    server.close();
  });
}
