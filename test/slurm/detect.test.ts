import { afterEach, describe, expect, it } from 'vitest';
import { SlurmHttpError } from '../../lib/errors.js';
import { createLogger } from '../../lib/observability/logger.js';
import { createSlurmClient, resetSlurmClientState } from '../../lib/slurm/client.js';
import { detectApiVersion, versionsInOpenApi, versionsNewestFirst } from '../../lib/slurm/detect.js';
import { API_VERSIONS, type ApiVersion } from '../../lib/slurm/model.js';
import {
  envelope,
  type FakeServer,
  sendJson,
  sendText,
  startServer,
  testAdapters,
  versionOf,
} from './fake-slurmrestd.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await resetSlurmClientState();
});

/** A slurmrestd serving `served` (mutable: tests "upgrade" it). */
async function slurmrestd(served: Set<string>, onPing?: (v: string) => boolean): Promise<FakeServer> {
  const s = await startServer((q, res) => {
    const v = versionOf(q.url ?? '') ?? '';
    if (!served.has(v)) {
      sendText(res, 404, 'Unable find requested URL. Please view /openapi/v3 for API reference.');
      return;
    }
    if (q.url?.endsWith('/ping')) {
      if (onPing && !onPing(v)) {
        sendText(res, 401, 'Authentication failure');
        return;
      }
      sendJson(res, 200, envelope(v as ApiVersion, { pings: [{ name: 'ctld' }] }));
    } else sendJson(res, 200, envelope(v as ApiVersion, { jobs: [{ name: `job-from-${v}` }] }));
  });
  servers.push(s);
  return s;
}

describe('detectApiVersion', () => {
  it('probes newest first and returns the first served version', async () => {
    const asked: string[] = [];
    const d = await detectApiVersion(
      async (v) => {
        asked.push(v);
        return v === 'v0.0.41' || v === 'v0.0.40'
          ? { served: true, meta: { apiVersion: v, cluster: 'c', release: '24.05.1', dataParser: null } }
          : { served: false };
      },
      { baseUrl: 'http://x' },
    );
    expect(d.version).toBe('v0.0.41');
    expect(d.meta.release).toBe('24.05.1');
    expect(asked).toEqual(['v0.0.45', 'v0.0.44', 'v0.0.43', 'v0.0.42', 'v0.0.41']);
  });

  it('fails clearly when nothing is served', async () => {
    const err = await detectApiVersion(async () => ({ served: false }), { baseUrl: 'http://x:6820' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SlurmHttpError);
    expect((err as SlurmHttpError).code).toBe('SLURM_NO_SUPPORTED_VERSION');
    expect((err as Error).message).toContain('http://x:6820');
  });

  it('orders versions and reads them from an OpenAPI document', () => {
    expect(versionsNewestFirst(['v0.0.38', 'v0.0.44', 'v0.0.40'])).toEqual(['v0.0.44', 'v0.0.40', 'v0.0.38']);
    expect(versionsNewestFirst()[0]).toBe(API_VERSIONS[API_VERSIONS.length - 1]);
    const doc = {
      paths: {
        '/slurm/v0.0.41/jobs/': {},
        '/slurm/v0.0.43/ping/': {},
        '/slurmdb/v0.0.44/qos/': {},
        '/slurm/v0.0.99/ping/': {},
        '/util/v0.0.44/hostlist': {},
      },
    };
    expect(versionsInOpenApi(doc)).toEqual(['v0.0.43', 'v0.0.41']);
    expect(versionsInOpenApi(null)).toEqual([]);
  });
});

describe('client version detection', () => {
  it('detects the newest served version, skipping 404s, and caches it per base URL', async () => {
    const s = await slurmrestd(new Set(['v0.0.40', 'v0.0.41', 'v0.0.42']));
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (l) => lines.push(l) });
    const c = createSlurmClient({ baseUrl: s.url, getAdapter: testAdapters(), logger });
    const r = await c.fetch('jobs');
    expect(r.data).toEqual([{ name: 'job-from-v0.0.42' }]);
    expect(s.requests.map((q) => q.path)).toEqual([
      '/slurm/v0.0.45/ping',
      '/slurm/v0.0.44/ping',
      '/slurm/v0.0.43/ping',
      '/slurm/v0.0.42/ping',
      '/slurm/v0.0.42/jobs',
    ]);
    expect(await c.meta()).toMatchObject({
      apiVersion: 'v0.0.42',
      cluster: 'testcluster',
      release: '25.11.0',
    });
    expect(lines.some((l) => l.includes('"apiVersion":"v0.0.42"'))).toBe(true);
    // a new client for the same base URL (next invocation in a warm container) does not probe again
    const c2 = createSlurmClient({ baseUrl: s.url, getAdapter: testAdapters() });
    expect(await c2.apiVersion()).toBe('v0.0.42');
    await c2.fetch('jobs');
    expect(s.requests.slice(5).map((q) => q.path)).toEqual(['/slurm/v0.0.42/jobs']);
  });

  it('shares one detection between concurrent fetches', async () => {
    const s = await slurmrestd(new Set(['v0.0.44']));
    const c = createSlurmClient({ baseUrl: s.url, getAdapter: testAdapters() });
    await Promise.all([c.fetch('jobs'), c.fetch('jobs'), c.fetch('jobs')]);
    expect(s.requests.filter((q) => q.path.endsWith('/ping'))).toHaveLength(2);
  });

  it('detects again after a 404 on a previously good version (Slurm upgrade)', async () => {
    const served = new Set(['v0.0.40', 'v0.0.41']);
    const s = await slurmrestd(served);
    const c = createSlurmClient({ baseUrl: s.url, getAdapter: testAdapters() });
    expect((await c.fetch('jobs')).data).toEqual([{ name: 'job-from-v0.0.41' }]);
    served.clear();
    served.add('v0.0.43');
    served.add('v0.0.44');
    const before = s.requests.length;
    expect((await c.fetch('jobs')).data).toEqual([{ name: 'job-from-v0.0.44' }]);
    expect(s.requests.slice(before).map((q) => q.path)).toEqual([
      '/slurm/v0.0.41/jobs',
      '/slurm/v0.0.41/ping',
      '/slurm/v0.0.45/ping',
      '/slurm/v0.0.44/ping',
      '/slurm/v0.0.44/jobs',
    ]);
    expect(await c.apiVersion()).toBe('v0.0.44');
  });

  it('uses a pinned version without probing', async () => {
    const s = await slurmrestd(new Set(['v0.0.38', 'v0.0.44']));
    const c = createSlurmClient({ baseUrl: s.url, apiVersion: 'v0.0.38', getAdapter: testAdapters() });
    expect((await c.fetch('jobs')).data).toEqual([{ name: 'job-from-v0.0.38' }]);
    expect(s.requests.map((q) => q.path)).toEqual(['/slurm/v0.0.38/jobs']);
  });

  it('stops probing on an auth rejection with a clear error', async () => {
    const s = await slurmrestd(new Set(['v0.0.41', 'v0.0.45']), () => false);
    const forced: boolean[] = [];
    const c = createSlurmClient({
      baseUrl: s.url,
      getAdapter: testAdapters(),
      auth: {
        type: 'jwt',
        credentials: async ({ force }) => {
          forced.push(force);
          return { token: 'tok' };
        },
      },
    });
    const err = await c.fetch('jobs').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlurmHttpError);
    expect((err as SlurmHttpError).type).toBe('auth');
    expect(s.requests.map((q) => q.path)).toEqual(['/slurm/v0.0.45/ping', '/slurm/v0.0.45/ping']);
    expect(forced).toEqual([false, true]);
    // nothing was cached: a later call probes again
    await c.fetch('jobs').catch(() => {});
    expect(s.requests.length).toBeGreaterThan(2);
  });

  it('fails when no known version is served', async () => {
    const s = await slurmrestd(new Set(['v0.0.99']));
    const err = await createSlurmClient({ baseUrl: s.url, getAdapter: testAdapters() })
      .fetch('jobs')
      .catch((e: unknown) => e);
    expect((err as SlurmHttpError).code).toBe('SLURM_NO_SUPPORTED_VERSION');
    expect(s.requests).toHaveLength(API_VERSIONS.length);
  });
});
