/**
 * Simulator options the benchmark uses: `jobResourceCores: 'allocated'` (smaller v0.0.41+ job_resources) and
 * `cacheBodies` (bodies rendered once, served from memory).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateCluster } from '../../lib/sim/generate.js';
import { renderBody } from '../../lib/sim/render.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';

interface Core {
  index: number;
  status: string[];
}
interface Allocation {
  name: string;
  sockets: { index: number; cores: Core[] }[];
}
interface Job {
  job_id: number;
  job_resources: { nodes: { allocation: Allocation[] } } | null;
}

function jobs(body: string): Job[] {
  return (JSON.parse(body) as { jobs: Job[] }).jobs;
}

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('jobResourceCores', () => {
  const opts = { seed: 5, nodes: 30, jobs: 120, partitions: 2 };
  const all = jobs(renderBody(generateCluster(opts), 'v0.0.44', 'jobs'));
  const allocated = jobs(
    renderBody(generateCluster({ ...opts, jobResourceCores: 'allocated' }), 'v0.0.44', 'jobs'),
  );

  it('lists only the allocated cores, the same ones the full listing marks ALLOCATED', () => {
    expect(allocated.length).toBe(all.length);
    let compared = 0;
    for (const [i, full] of all.entries()) {
      const small = allocated[i] as Job;
      expect(small.job_id).toBe(full.job_id);
      if (!full.job_resources) {
        expect(small.job_resources).toBeNull();
        continue;
      }
      const used = (j: Job) =>
        (j.job_resources?.nodes.allocation ?? []).flatMap((a) =>
          a.sockets.flatMap((s) =>
            s.cores
              .filter((c) => c.status.includes('ALLOCATED'))
              .map((c) => `${a.name}/${s.index}/${c.index}`),
          ),
        );
      const smallCores = (small.job_resources?.nodes.allocation ?? []).flatMap((a) =>
        a.sockets.flatMap((s) => s.cores),
      );
      expect(smallCores.every((c) => c.status.includes('ALLOCATED'))).toBe(true);
      expect(used(small)).toEqual(used(full));
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('makes the body smaller and leaves other endpoints and versions alone', () => {
    const c = generateCluster({ ...opts, jobResourceCores: 'allocated' });
    expect(JSON.stringify(allocated).length).toBeLessThan(JSON.stringify(all).length);
    expect(renderBody(c, 'v0.0.38', 'jobs')).toBe(renderBody(generateCluster(opts), 'v0.0.38', 'jobs'));
    expect(renderBody(c, 'v0.0.44', 'nodes')).toBe(renderBody(generateCluster(opts), 'v0.0.44', 'nodes'));
  });
});

describe('cacheBodies', () => {
  it('serves byte-identical bodies from memory, repeatedly, and still counts requests', async () => {
    const cluster = generateCluster({ seed: 9, nodes: 20, jobs: 80 });
    server = await startSimServer({ cluster, versions: ['v0.0.44'], cacheBodies: true });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/slurm/v0.0.44/jobs`, { signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(renderBody(cluster, 'v0.0.44', 'jobs'));
    }
    const missing = await fetch(`${server.url}/slurm/v0.0.40/jobs`, { signal: AbortSignal.timeout(10_000) });
    expect(missing.status).toBe(404);
    expect(server.stats.byPath['/slurm/v0.0.44/jobs']).toBe(2);
  });
});
