/**
 * The lazily loaded bundles as they ship: remote-write.cjs and sigv4.cjs built with the project's esbuild
 * options into a temporary directory, then used from a fresh Node process. Source-mode tests (vitest) load
 * these modules with import() and would not notice a bundle that fails to find its neighbour at run time.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildOptions } from '../../scripts/build-config.mjs';
import { type LocalServer, type Recorded, respond, startServer } from './local-server.js';
import { verifySigV4 } from './sigv4-check.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

// The child: loads remote-write.cjs, pushes one series (with or without SigV4) through a minimal sender, and
// prints which of the two bundles it had loaded before and after the push.
const CHILD = `
const path = require('node:path');
const [dir, url, mode] = process.argv.slice(1);
const loaded = () => Object.keys(require.cache).map((f) => path.basename(f)).filter((f) => f.endsWith('.cjs')).sort();
const { createRemoteWriteTarget } = require(path.join(dir, 'remote-write.cjs'));
const before = loaded();
const send = async (req) => {
  const headers = req.sign ? await req.sign(req.headers) : req.headers;
  const res = await fetch(req.url, { method: req.method, headers, body: req.body });
  return { status: res.status, requests: 1, bytes: req.body.byteLength, body: await res.text() };
};
const registry = {
  getMetricsAsJSON: async () => [
    { name: 'slurm_up', help: 'Up.', type: 'gauge', values: [{ value: 1, labels: { cluster: 'c1' } }] },
  ],
};
const auth = mode === 'sigv4' ? { type: 'sigv4', accessKeyId: 'AKIDBUNDLE', secretAccessKey: 'bundle-secret' } : undefined;
createRemoteWriteTarget({ url, send, region: 'eu-central-1', retries: 0, ...(auth ? { auth } : {}) })
  .push({ registry, timestampMs: 1764000000000, grouping: {} })
  .then((r) => console.log(JSON.stringify({ before, after: loaded(), series: r.series })))
  .catch((e) => { console.error(e); process.exit(1); });
`;

describe('lazily loaded bundles (built)', () => {
  let dir: string;
  let server: LocalServer;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lazy-bundles-'));
    for (const options of buildOptions(dir, ['remote-write', 'sigv4'])) {
      await build({ ...options, absWorkingDir: ROOT, logLevel: 'silent' });
    }
    server = await startServer((_r, res) => respond(res, 204));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const push = async (mode: 'plain' | 'sigv4') => {
    const { stdout } = await run(process.execPath, ['-e', CHILD, dir, `${server.url}/api/v1/write`, mode], {
      cwd: dir,
      timeout: 30_000,
    });
    return JSON.parse(stdout) as { before: string[]; after: string[]; series: number };
  };

  it('pushes without SigV4 and never loads sigv4.cjs', async () => {
    const r = await push('plain');
    expect(r.series).toBe(1);
    expect(r.before).toEqual(['remote-write.cjs']);
    expect(r.after).toEqual(['remote-write.cjs']);
    const req = server.requests.at(-1) as Recorded;
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers['content-encoding']).toBe('snappy');
  });

  it('loads sigv4.cjs from beside remote-write.cjs when SigV4 is configured, and signs', async () => {
    const r = await push('sigv4');
    expect(r.before).toEqual(['remote-write.cjs']);
    expect(r.after).toEqual(['remote-write.cjs', 'sigv4.cjs']);
    const check = verifySigV4(server.requests.at(-1) as Recorded, 'bundle-secret');
    expect(check.ok).toBe(true);
    expect(check.credential).toMatch(/^AKIDBUNDLE\/\d{8}\/eu-central-1\/aps\/aws4_request$/);
  });
});
