import { afterEach, describe, expect, it } from 'vitest';
import { generateCluster } from '../../lib/sim/generate.js';
import { renderBody } from '../../lib/sim/render.js';
import { NOT_FOUND_TEXT, type SimServer, startSimServer } from '../../lib/sim/server.js';

const cluster = generateCluster({ seed: 11, nodes: 40, jobs: 200 });
let server: SimServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('startSimServer', () => {
  it('binds 127.0.0.1 and serves every endpoint of the default versions, with or without trailing slash', async () => {
    server = await startSimServer({ cluster });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const v of ['v0.0.40', 'v0.0.44'] as const) {
      const nodes = await get(`${server.url}/slurm/${v}/nodes`);
      expect(nodes.status).toBe(200);
      expect(nodes.type).toContain('application/json');
      expect(JSON.parse(nodes.text)).toEqual(JSON.parse(renderBody(cluster, v, 'nodes')));
      const qos = await get(`${server.url}/slurmdb/${v}/qos/`);
      expect(JSON.parse(qos.text)).toEqual(JSON.parse(renderBody(cluster, v, 'qos')));
    }
    const jobs = await get(`${server.url}/slurm/v0.0.42/jobs/?update_time=0`);
    expect((JSON.parse(jobs.text) as { jobs: unknown[] }).jobs).toHaveLength(200);
  });

  it('answers 404 text/plain for unknown versions and paths', async () => {
    server = await startSimServer({ cluster, versions: ['v0.0.44'] });
    for (const p of ['/slurm/v0.0.40/nodes', '/slurm/v0.0.99/nodes', '/slurm/v0.0.44/bogus', '/nothing']) {
      const r = await get(`${server.url}${p}`);
      expect(r.status, p).toBe(404);
      expect(r.type).toContain('text/plain');
      expect(r.text).toBe(NOT_FOUND_TEXT);
    }
  });

  it('serves v0.0.38 only when asked, and 404s its missing shares endpoint', async () => {
    server = await startSimServer({ cluster, versions: ['v0.0.38'] });
    const ping = JSON.parse((await get(`${server.url}/slurm/v0.0.38/ping`)).text) as {
      meta: { Slurm: unknown };
    };
    expect(ping.meta.Slurm).toBeDefined();
    expect((await get(`${server.url}/slurm/v0.0.38/shares`)).status).toBe(404);
  });

  it('enforces the token (X-SLURM-USER-TOKEN or Bearer) and lets it be changed', async () => {
    server = await startSimServer({ cluster, token: 'secret-1' });
    const url = `${server.url}/slurm/v0.0.44/ping`;
    const none = await get(url);
    expect(none.status).toBe(401);
    expect(none.type).toContain('text/plain');
    expect(none.text).not.toContain('secret-1');
    expect((await get(url, { 'X-SLURM-USER-TOKEN': 'wrong' })).status).toBe(401);
    expect((await get(url, { 'X-SLURM-USER-TOKEN': 'secret-1' })).status).toBe(200);
    expect((await get(url, { Authorization: 'Bearer secret-1' })).status).toBe(200);
    expect(
      (await get(url, { Authorization: 'Bearer secret-1', 'X-SLURM-USER-TOKEN': 'secret-1' })).status,
    ).toBe(401);
    server.setToken('secret-2');
    expect((await get(url, { 'X-SLURM-USER-TOKEN': 'secret-1' })).status).toBe(401);
    expect((await get(url, { 'X-SLURM-USER-TOKEN': 'secret-2' })).status).toBe(200);
  });

  it('counts requests per path and bytes sent', async () => {
    server = await startSimServer({ cluster });
    await get(`${server.url}/slurm/v0.0.44/nodes`);
    await get(`${server.url}/slurm/v0.0.44/nodes/`);
    const diag = await get(`${server.url}/slurm/v0.0.44/diag`);
    expect(server.stats.requests).toBe(3);
    expect(server.stats.byPath['/slurm/v0.0.44/nodes']).toBe(2);
    expect(server.stats.byPath['/slurm/v0.0.44/diag']).toBe(1);
    const nodesLen = Buffer.byteLength(renderBody(cluster, 'v0.0.44', 'nodes'));
    expect(server.stats.bytes).toBe(2 * nodesLen + Buffer.byteLength(diag.text));
  });

  it('applies latencyMs', async () => {
    server = await startSimServer({ cluster, latencyMs: 150 });
    const t0 = performance.now();
    await get(`${server.url}/slurm/v0.0.44/ping`);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('applies a bandwidth limit', async () => {
    server = await startSimServer({ cluster, bytesPerSecond: 400_000 });
    const size = Buffer.byteLength(renderBody(cluster, 'v0.0.44', 'nodes'));
    const t0 = performance.now();
    await get(`${server.url}/slurm/v0.0.44/nodes`);
    expect(performance.now() - t0).toBeGreaterThanOrEqual((size / 400_000) * 1000 * 0.8);
  });

  it('slurmdb: false → /slurmdb/* answers 404 while /slurm/* still works', async () => {
    server = await startSimServer({ cluster, slurmdb: false });
    expect((await get(`${server.url}/slurmdb/v0.0.44/accounts`)).status).toBe(404);
    expect((await get(`${server.url}/slurm/v0.0.44/nodes`)).status).toBe(200);
    const openapi = JSON.parse((await get(`${server.url}/openapi/v3`)).text) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths).some((p) => p.startsWith('/slurmdb/'))).toBe(false);
  });

  it('lists the served paths in /openapi/v3', async () => {
    server = await startSimServer({ cluster, versions: ['v0.0.43', 'v0.0.44'] });
    const doc = JSON.parse((await get(`${server.url}/openapi/v3`)).text) as {
      paths: Record<string, unknown>;
    };
    expect(doc.paths).toHaveProperty(['/slurm/v0.0.43/nodes/']);
    expect(doc.paths).toHaveProperty(['/slurmdb/v0.0.44/qos/']);
    expect(Object.keys(doc.paths).some((p) => p.includes('v0.0.40'))).toBe(false);
  });

  it('programmable faults: status, limited times, delay and truncated bodies', async () => {
    server = await startSimServer({
      cluster,
      faults: { '/slurm/v0.0.44/diag': { status: 502, body: 'slurmctld down', times: 1 } },
    });
    const first = await get(`${server.url}/slurm/v0.0.44/diag`);
    expect(first).toMatchObject({ status: 502, text: 'slurmctld down' });
    expect((await get(`${server.url}/slurm/v0.0.44/diag`)).status).toBe(200);

    server.setFault('/slurm/v0.0.44/jobs', { truncateAfterBytes: 1000 });
    const res = await fetch(`${server.url}/slurm/v0.0.44/jobs`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();

    server.setFault('/slurm/v0.0.44/ping', { delayMs: 120 });
    const t0 = performance.now();
    expect((await get(`${server.url}/slurm/v0.0.44/ping`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    server.setFault('/slurm/v0.0.44/ping', null);
  });

  it('keeps connections alive across requests', async () => {
    server = await startSimServer({ cluster });
    const { request, Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<number>();
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${server?.url}/slurm/v0.0.44/ping`, { agent }, (res) => {
          ports.add(res.socket.localPort ?? -1);
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
    }
    agent.destroy();
    expect(ports.size).toBe(1);
  });
});
