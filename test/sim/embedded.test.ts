import { describe, expect, it } from 'vitest';
import { startEmbeddedCluster } from '../../lib/sim/embedded.js';
import { clusterTruth } from '../../lib/sim/truth.js';

describe('startEmbeddedCluster', () => {
  it('serves a ~200 node / ~1000 job cluster on v0.0.44', async () => {
    const emb = await startEmbeddedCluster();
    try {
      expect(emb.version).toBe('v0.0.44');
      const res = await fetch(`${emb.url}/slurm/v0.0.44/nodes`, { signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { nodes: unknown[]; meta: { slurm: { cluster: string } } };
      expect(body.nodes).toHaveLength(200);
      expect(emb.cluster.jobs).toHaveLength(1000);
      expect(emb.cluster.partitions).toHaveLength(4);
      expect(body.meta.slurm.cluster).toBe(emb.cluster.name);
      expect(clusterTruth(emb.cluster).cpus.alloc).toBeGreaterThan(0);
      expect((await fetch(`${emb.url}/slurm/v0.0.40/nodes`)).status).toBe(404);
    } finally {
      await emb.close();
    }
  });
});
