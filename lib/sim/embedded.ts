/**
 * The embedded cluster `npm start` runs against when no slurmrestd is configured: a fixed, mid-sized simulated
 * cluster served on 127.0.0.1 with API v0.0.44.
 */
import type { ApiVersion } from '../slurm/model.js';
import { generateCluster } from './generate.js';
import { type SimServer, startSimServer } from './server.js';
import type { SimCluster } from './types.js';

export interface EmbeddedCluster {
  server: SimServer;
  /** Base URL to give the exporter as its slurmrestd URL. */
  url: string;
  version: ApiVersion;
  cluster: SimCluster;
  close(): Promise<void>;
}

export async function startEmbeddedCluster(
  opts: { port?: number; token?: string } = {},
): Promise<EmbeddedCluster> {
  const cluster = generateCluster({ seed: 42, nodes: 200, jobs: 1000, partitions: 4, name: 'embedded' });
  const version: ApiVersion = 'v0.0.44';
  const server = await startSimServer({
    cluster,
    versions: [version],
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
  });
  return { server, url: server.url, version, cluster, close: () => server.close() };
}
