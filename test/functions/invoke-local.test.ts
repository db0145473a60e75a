import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_NAMES } from '../../lib/config/index.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const sls = path.join(root, 'node_modules/.bin/serverless');

/** The machine's env minus SLURM_EXPORTER_* and AWS credentials, with a throwaway HOME. */
function isolatedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('SLURM_EXPORTER_') && !k.startsWith('AWS_')) env[k] = v;
  }
  env.HOME = mkdtempSync(path.join(tmpdir(), 'sls-home-'));
  return env;
}

/** osls prints the handler's result as JSON after its own banner lines. */
function lastJson(stdout: string): unknown {
  const start = stdout.indexOf('{');
  return JSON.parse(stdout.slice(start));
}

describe('serverless invoke local', () => {
  let sim: SimServer;

  beforeAll(async () => {
    await run('node', ['scripts/build.mjs'], { cwd: root });
    sim = await startSimServer({ cluster: generateCluster({ seed: 5, nodes: 10, jobs: 30, name: 'local' }) });
  }, 60_000);
  afterAll(async () => sim.close());

  it('runs the collect function from the built bundle', async () => {
    const r = await run(
      sls,
      [
        'invoke',
        'local',
        '-f',
        'collect',
        '-e',
        `SLURM_EXPORTER_SLURM_BASE_URL=${sim.url}`,
        '-e',
        'SLURM_EXPORTER_SLURM_AUTH_TYPE=none',
        '-e',
        'SLURM_EXPORTER_PUSH_TYPE=stdout',
        '-e',
        'SLURM_EXPORTER_PUSH_FILE=/dev/null',
        '--data',
        JSON.stringify({ cluster_name: 'local-cluster' }),
      ],
      { cwd: root, env: isolatedEnv(), timeout: 120_000, maxBuffer: 32 << 20 },
    );
    const summary = lastJson(r.stdout) as {
      cluster: string;
      api_version: string;
      collectors: Record<string, { ok: boolean }>;
    };
    expect(summary.cluster).toBe('local-cluster');
    expect(summary.api_version).toBe('v0.0.44');
    expect(summary.collectors.nodes?.ok).toBe(true);
  }, 150_000);

  it('runs the health function with an HTTP API v2 event', async () => {
    const event = {
      version: '2.0',
      rawPath: '/health',
      headers: {},
      requestContext: { http: { method: 'GET', path: '/health' } },
    };
    const r = await run(
      sls,
      [
        'invoke',
        'local',
        '-f',
        'health',
        '-e',
        'SLURM_EXPORTER_SLURM_AUTH_TYPE=none',
        '--data',
        JSON.stringify(event),
      ],
      {
        cwd: root,
        env: isolatedEnv(),
        timeout: 120_000,
      },
    );
    const res = lastJson(r.stdout) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok' });
  }, 150_000);
});

describe('serverless.yml environment', () => {
  it('only names SLURM_EXPORTER_* variables that exist in the config schema', () => {
    const yml = readFileSync(path.join(root, 'serverless.yml'), 'utf8');
    const used = [...yml.matchAll(/\b(SLURM_EXPORTER_[A-Z0-9_]+)\b/g)].map((m) => m[1] as string);
    expect(used.length).toBeGreaterThan(10);
    const known = new Set([...ENV_NAMES, 'SLURM_EXPORTER_CONFIG_FILE', 'SLURM_EXPORTER_CONFIG']);
    expect(used.filter((name) => !known.has(name))).toEqual([]);
  });
});
