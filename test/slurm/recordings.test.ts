/**
 * The slurmrestd 22.05 recordings (test/fixtures/slurmrestd-22.05, made by scripts/lab/record.ts from the
 * real lab) are well-formed: every file is JSON, every body carries slurmrestd's `meta` naming the plugin of
 * its directory, the endpoints each version serves are all present, the error cases have status/content type/
 * body, the bodies agree with the CLI ground truth (lab-truth.json), and no token text was recorded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const DIR = path.resolve(import.meta.dirname, '../fixtures/slurmrestd-22.05');

const EXPECTED: Record<string, readonly string[]> = {
  'v0.0.36': ['ping', 'diag', 'nodes', 'jobs', 'partitions'],
  'v0.0.37': ['ping', 'diag', 'nodes', 'jobs', 'partitions', 'reservations'],
  'v0.0.38': ['ping', 'diag', 'nodes', 'jobs', 'partitions', 'reservations', 'licenses'],
  'dbv0.0.36': ['accounts', 'users', 'associations', 'qos', 'tres', 'clusters'],
  'dbv0.0.37': ['accounts', 'users', 'associations', 'qos', 'tres', 'clusters'],
  'dbv0.0.38': ['accounts', 'users', 'associations', 'qos', 'tres', 'clusters'],
};

/** Top-level list key of each endpoint's body in 22.05. */
const LIST_KEY: Record<string, string> = {
  ping: 'pings',
  nodes: 'nodes',
  jobs: 'jobs',
  partitions: 'partitions',
  reservations: 'reservations',
  licenses: 'licenses',
  accounts: 'accounts',
  users: 'users',
  associations: 'associations',
  qos: 'QOS',
  tres: 'TRES',
  clusters: 'clusters',
};

const metaSchema = z.object({
  meta: z.object({
    plugin: z.object({ type: z.string(), name: z.string() }),
    Slurm: z.object({
      version: z.object({ major: z.number(), minor: z.number(), micro: z.number() }),
      release: z.string(),
    }),
  }),
  errors: z.array(z.unknown()),
});

const errorCaseSchema = z.object({
  request: z.object({ method: z.string(), path: z.string().startsWith('/'), auth: z.string() }),
  status: z.number().int(),
  contentType: z.string().nullable(),
  connection: z.string().nullable(),
  body: z.unknown(),
});

const indexSchema = z.object({
  recordedAt: z.string(),
  requests: z.array(
    z.object({
      file: z.string(),
      method: z.string(),
      path: z.string(),
      auth: z.string(),
      status: z.number().int(),
      contentType: z.string().nullable(),
      bytes: z.number().int().nonnegative(),
    }),
  ),
});

const truthSchema = z.object({
  nodes: z.array(z.object({ name: z.string(), state: z.string() })),
  nodeRecords: z.array(z.object({ name: z.string(), state: z.string() })),
  jobs: z.array(z.object({ id: z.string(), state: z.string(), partition: z.string() })),
  jobsCollapsed: z.array(z.object({ id: z.string(), state: z.string() })),
  partitions: z.array(z.object({ name: z.string() })),
  reservations: z.array(z.object({ name: z.string() })),
  licenses: z.array(z.object({ name: z.string(), total: z.number(), used: z.number() })),
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function readJson(rel: string): unknown {
  return JSON.parse(readFileSync(path.join(DIR, rel), 'utf8'));
}

function list(rel: string, key: string): Record<string, unknown>[] {
  const body = readJson(rel) as Record<string, unknown>;
  const items = body[key];
  if (!Array.isArray(items)) throw new Error(`${rel}: expected an array under "${key}"`);
  return items as Record<string, unknown>[];
}

const files = listFiles(DIR).map((f) => path.relative(DIR, f));
const truth = truthSchema.parse(readJson('lab-truth.json'));
const index = indexSchema.parse(readJson('index.json'));

describe('slurmrestd 22.05 recordings', () => {
  it('are all JSON', () => {
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      expect(f.endsWith('.json'), f).toBe(true);
      expect(() => readJson(f), f).not.toThrow();
    }
  });

  it.each(Object.keys(EXPECTED))(
    '%s: every expected endpoint is recorded with meta of its own plugin',
    (version) => {
      for (const ep of EXPECTED[version] ?? []) {
        const rel = `${version}/${ep}.json`;
        expect(files, rel).toContain(rel);
        const body = metaSchema.parse(readJson(rel));
        expect(body.meta.plugin.type).toBe(`openapi/${version}`);
        expect(body.meta.Slurm.release).toBe('22.05.8');
        expect(body.errors, rel).toEqual([]);
        if (ep !== 'diag') list(rel, LIST_KEY[ep] as string);
      }
    },
  );

  it('every body file under a version directory carries meta naming that version', () => {
    const bodies = files.filter((f) => /^(db)?v0\.0\.3\d\//.test(f));
    expect(bodies.length).toBeGreaterThanOrEqual(39);
    for (const f of bodies) {
      const body = metaSchema.parse(readJson(f));
      expect(body.meta.plugin.type, f).toBe(`openapi/${f.split('/')[0]}`);
    }
  });

  it('index.json lists every recorded file with a status that matches the body', () => {
    const recorded = new Set(index.requests.map((r) => r.file));
    for (const f of files.filter((x) => x !== 'index.json' && x !== 'lab-truth.json')) {
      expect(recorded.has(f), `${f} missing from index.json`).toBe(true);
    }
    for (const r of index.requests.filter((x) => x.file.startsWith('errors/'))) {
      const doc = errorCaseSchema.parse(readJson(r.file));
      expect(doc.status, r.file).toBe(r.status);
    }
    const okBodies = index.requests.filter((r) => !r.file.startsWith('errors/') && r.status === 200);
    // Only the known dbv0.0.36 diag quirk (HTTP 500 with a full body and no errors) is allowed to differ.
    const others = index.requests.filter((r) => !r.file.startsWith('errors/') && r.status !== 200);
    expect(others.map((r) => r.file)).toEqual(others.length ? ['dbv0.0.36/diag.json'] : []);
    expect(okBodies.length).toBeGreaterThan(30);
  });

  it('error cases have status, content type and body; auth/404 cases are plain text', () => {
    const errs = files.filter((f) => f.startsWith('errors/'));
    expect(errs.length).toBeGreaterThanOrEqual(15);
    const byName = new Map(errs.map((f) => [path.basename(f, '.json'), errorCaseSchema.parse(readJson(f))]));
    const noAuth = byName.get('no-auth');
    expect(noAuth?.status).toBe(401);
    expect(noAuth?.contentType).toBe('text/plain');
    expect(byName.get('unknown-version-v0.0.39')?.status).toBe(404);
    expect(typeof byName.get('unknown-version-v0.0.39')?.body).toBe('string');
    expect(byName.get('reservations-in-v0.0.36')?.status).toBe(404);
    expect(byName.get('licenses-in-v0.0.37')?.status).toBe(404);
    for (const v of ['v0.0.36', 'v0.0.37', 'v0.0.38']) {
      for (const kind of ['unknown-node', 'unknown-job']) {
        const doc = byName.get(`${kind}-${v}`);
        expect(doc?.status, `${kind}-${v}`).toBe(500);
        const body = metaSchema.parse(doc?.body);
        expect(body.errors.length, `${kind}-${v}`).toBeGreaterThan(0);
      }
    }
    const bad = metaSchema.parse(byName.get('bad-token-jobs')?.body);
    expect(byName.get('bad-token-jobs')?.status).toBe(500);
    expect(bad.errors.length).toBeGreaterThan(0);
  });

  it('node lists agree with sinfo (FUTURE nodes are in neither)', () => {
    const cli = truth.nodes.map((n) => n.name).sort();
    const future = truth.nodeRecords.filter((n) => n.state === 'FUTURE').map((n) => n.name);
    expect(future.length).toBeGreaterThan(0);
    for (const v of ['v0.0.36', 'v0.0.37', 'v0.0.38']) {
      const names = list(`${v}/nodes.json`, 'nodes')
        .map((n) => n.name as string)
        .sort();
      expect(names, v).toEqual(cli);
      for (const f of future) expect(names).not.toContain(f);
    }
  });

  it('job lists agree with squeue -t all (one record per job, pending array tasks collapsed)', () => {
    const cliIds = truth.jobsCollapsed.map((j) => j.id.replace(/_\[.*\]$/, '')).sort();
    for (const v of ['v0.0.36', 'v0.0.37', 'v0.0.38']) {
      const jobs = list(`${v}/jobs.json`, 'jobs');
      expect(jobs.length, v).toBe(truth.jobsCollapsed.length);
      // squeue shows an array task as <array_job_id>_<task_id>; the REST record's job_id is the task's own id.
      const restIds = jobs
        .map((j) => {
          const arrayId = j.array_job_id as number;
          if (arrayId && j.array_task_id !== null && j.array_task_id !== undefined) {
            return `${arrayId}_${j.array_task_id as number}`;
          }
          return String(arrayId || j.job_id);
        })
        .sort();
      expect(restIds, v).toEqual(cliIds);
      const running = jobs.filter((j) => j.job_state === 'RUNNING').length;
      expect(running, v).toBe(truth.jobsCollapsed.filter((j) => j.state === 'RUNNING').length);
    }
  });

  it('partitions, reservations and licences agree with scontrol', () => {
    const parts = list('v0.0.38/partitions.json', 'partitions').map((p) => p.name);
    expect(parts.sort()).toEqual(truth.partitions.map((p) => p.name).sort());
    const resv = list('v0.0.38/reservations.json', 'reservations').map((r) => r.name);
    expect(resv.sort()).toEqual(truth.reservations.map((r) => r.name).sort());
    const lic = list('v0.0.38/licenses.json', 'licenses').map((l) => [l.LicenseName, l.Total, l.Used]);
    expect(lic.sort()).toEqual(truth.licenses.map((l) => [l.name, l.total, l.used]).sort());
  });

  it('hold no token text', () => {
    for (const f of files) {
      const text = readFileSync(path.join(DIR, f), 'utf8');
      expect(/eyJ[A-Za-z0-9_-]{10,}\./.test(text), f).toBe(false);
      expect(/X-SLURM-USER-TOKEN/i.test(text), f).toBe(false);
    }
  });
});
