import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../lib/sim/generate.js';
import { renderBody, renderDoc, renderStream, SIM_VERSIONS } from '../../lib/sim/render.js';
import { clusterTruth } from '../../lib/sim/truth.js';
import { ENDPOINTS, type EndpointName } from '../../lib/slurm/model.js';

const cluster = generateCluster({ seed: 99, nodes: 60, jobs: 300, adversarial: true });

async function collect(it: AsyncIterable<Buffer>): Promise<{ text: string; chunks: number }> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length };
}

type Json = Record<string, unknown>;
const body = (v: (typeof SIM_VERSIONS)[number], e: EndpointName): Json =>
  JSON.parse(renderBody(cluster, v, e)) as Json;

describe('renderStream', () => {
  for (const version of SIM_VERSIONS) {
    it(`${version}: streamed bytes parse to the same document as renderBody for every endpoint`, async () => {
      for (const endpoint of Object.keys(ENDPOINTS) as EndpointName[]) {
        if (!renderDoc(cluster, version, endpoint)) continue;
        const { text } = await collect(renderStream(cluster, version, endpoint));
        expect(JSON.parse(text), endpoint).toEqual(JSON.parse(renderBody(cluster, version, endpoint)));
      }
    });
  }

  it('splits a large list into several chunks', async () => {
    const big = generateCluster({ seed: 3, nodes: 100, jobs: 2000 });
    const { chunks, text } = await collect(renderStream(big, 'v0.0.44', 'jobs'));
    expect(chunks).toBeGreaterThan(10);
    expect((JSON.parse(text) as { jobs: unknown[] }).jobs).toHaveLength(2000);
  });
});

describe('version shapes', () => {
  it('v0.0.38: legacy node/job shape and meta', () => {
    const nodes = body('v0.0.38', 'nodes');
    expect(nodes.meta).toMatchObject({ plugin: { type: 'openapi/v0.0.38' }, Slurm: { release: '22.05.8' } });
    const list = nodes.nodes as Json[];
    const drained = list.find((n) => (n.state_flags as string[]).includes('DRAIN') && n.state === 'idle');
    expect(drained).toBeDefined();
    expect(
      list.every((n) => typeof n.state === 'string' && n.state === (n.state as string).toLowerCase()),
    ).toBe(true);
    const jobs = body('v0.0.38', 'jobs').jobs as Json[];
    expect(jobs.every((j) => typeof j.job_state === 'string' && typeof j.cpus === 'number')).toBe(true);
    expect(renderDoc(cluster, 'v0.0.38', 'shares')).toBeNull();
  });

  it('data_parser versions: NUMBER wrappers, state arrays, envelope', () => {
    for (const v of ['v0.0.40', 'v0.0.44'] as const) {
      const doc = body(v, 'jobs');
      expect(doc).toHaveProperty('errors', []);
      expect(doc).toHaveProperty('warnings', []);
      expect(doc.meta).toMatchObject({
        plugin: { data_parser: `data_parser/${v}` },
        slurm: { cluster: cluster.name },
      });
      const job = (doc.jobs as Json[])[0] as Json;
      expect(job.job_state).toBeInstanceOf(Array);
      expect(job.submit_time).toMatchObject({ set: true, infinite: false });
      const node = (body(v, 'nodes').nodes as Json[])[0] as Json;
      expect(node.state).toBeInstanceOf(Array);
    }
  });

  it('per-version differences follow protocols.md', () => {
    const ping = (v: (typeof SIM_VERSIONS)[number]): Json => (body(v, 'ping').pings as Json[])[0] as Json;
    expect(ping('v0.0.41')).not.toHaveProperty('responding');
    expect(ping('v0.0.42')).toMatchObject({ responding: true, primary: true, mode: 'primary' });
    expect(ping('v0.0.45')).not.toHaveProperty('mode');
    const avg = (v: (typeof SIM_VERSIONS)[number]): unknown =>
      ((body(v, 'diag').statistics as Json).rpcs_by_message_type as Json[])[0]?.average_time;
    expect(typeof avg('v0.0.40')).toBe('number');
    expect(avg('v0.0.41')).toMatchObject({ set: true });
    const running = (v: (typeof SIM_VERSIONS)[number]): Json =>
      (body(v, 'jobs').jobs as Json[]).find((j) => (j.job_state as string[])[0] === 'RUNNING') as Json;
    expect(running('v0.0.40').job_resources).toHaveProperty('allocated_nodes');
    expect(running('v0.0.41').job_resources).toHaveProperty('nodes.allocation');
    expect(running('v0.0.41')).toHaveProperty('exclusive');
    expect(running('v0.0.42')).not.toHaveProperty('exclusive');
    expect(running('v0.0.43')).not.toHaveProperty('step_id');
    expect(running('v0.0.44')).toHaveProperty('step_id.job_id');
    const lic = (v: (typeof SIM_VERSIONS)[number]): Json =>
      (body(v, 'licenses').licenses as Json[])[0] as Json;
    expect(lic('v0.0.43')).not.toHaveProperty('Nodes');
    expect(lic('v0.0.44')).toHaveProperty('Nodes');
  });

  it('UNLIMITED and unset limits use the wrapper flags', () => {
    const parts = body('v0.0.44', 'partitions').partitions as Json[];
    const batch = parts.find((p) => p.name === 'batch') as Json;
    expect((batch.maximums as Json).nodes).toEqual({ set: false, infinite: true, number: 0 });
    const down = (body('v0.0.44', 'nodes').nodes as Json[]).find(
      (n) => (n.state as string[])[0] === 'DOWN',
    ) as Json;
    expect(down.free_mem).toMatchObject({ set: false });
  });

  it('rendered node totals match the truth (v0.0.38 and v0.0.44)', () => {
    const t = clusterTruth(cluster);
    const n38 = body('v0.0.38', 'nodes').nodes as Json[];
    expect(n38.reduce((s, n) => s + (n.alloc_cpus as number), 0)).toBe(t.cpus.alloc);
    const n44 = body('v0.0.44', 'nodes').nodes as Json[];
    expect(n44.reduce((s, n) => s + (n.cpus as number), 0)).toBe(t.cpus.total);
    const gpusUsed = n44.reduce((s, n) => {
      const m = /^gpu(?::[^:(]+)?:(\d+)\(/.exec(n.gres_used as string);
      return s + Number(m?.[1] ?? 0);
    }, 0);
    expect(gpusUsed).toBe(t.gpus.alloc);
    const j44 = body('v0.0.44', 'jobs').jobs as Json[];
    const running = j44.filter((j) => (j.job_state as string[])[0] === 'RUNNING');
    expect(running.reduce((s, j) => s + ((j.cpus as Json).number as number), 0)).toBe(t.cpus.alloc);
    expect(running).toHaveLength(t.jobs.byState.RUNNING ?? 0);
  });

  it('adversarial names survive JSON round-trips', () => {
    const names = (body('v0.0.44', 'jobs').jobs as Json[]).map((j) => j.name);
    expect(names).toEqual(cluster.jobs.map((j) => j.name));
  });

  it('throws a clear error for an endpoint the version does not serve', () => {
    expect(() => renderBody(cluster, 'v0.0.38', 'shares')).toThrow(/v0\.0\.38.*shares/);
    expect(() => renderBody(cluster, 'v0.0.36', 'nodes')).toThrow(/v0\.0\.36/);
  });
});
