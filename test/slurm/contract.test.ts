/**
 * Contract test: every real slurmrestd response in ../shared (22.05 captures for v0.0.36–38 and the public
 * data_parser examples for v0.0.40–44) parses with the matching adapter, and the adapted values agree with
 * counts computed here straight from the raw JSON. ../shared is reference material that CI places beside the
 * checkout; on a clone without it this suite says so and does not run (the adapter unit tests still do).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../lib/slurm/adapters/index.js';
import type { ListEndpoint } from '../../lib/slurm/adapters/types.js';
import {
  type ApiVersion,
  accountSchema,
  associationSchema,
  clusterSchema,
  controllerSchema,
  diagSchema,
  jobSchema,
  licenseSchema,
  nodeSchema,
  partitionSchema,
  qosSchema,
  reservationSchema,
  tresSchema,
  userSchema,
} from '../../lib/slurm/model.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const SHARED = path.resolve(repoRoot, '../shared');
const LEGACY_DIR = path.join(SHARED, 'slurmrestd-22.05');
const EXAMPLES_DIR = path.join(SHARED, 'slurm-openapi', 'examples');
const sharedPresent = existsSync(LEGACY_DIR) && existsSync(EXAMPLES_DIR);

type Endpoint = ListEndpoint | 'diag';
interface Case {
  file: string;
  version: ApiVersion;
  endpoint: Endpoint;
}

const MODEL = {
  ping: controllerSchema,
  nodes: nodeSchema,
  jobs: jobSchema,
  partitions: partitionSchema,
  reservations: reservationSchema,
  licenses: licenseSchema,
  accounts: accountSchema,
  users: userSchema,
  associations: associationSchema,
  qos: qosSchema,
  tres: tresSchema,
  clusters: clusterSchema,
} as const;

/** 22.05 capture file name (without .json) → endpoint; single-object GETs share the list shape. */
function legacyEndpoint(name: string, db: boolean): Endpoint | null {
  if (db) {
    const m = /^(accounts|users|associations|qos|tres|clusters)$/.exec(name);
    if (m) return m[1] as Endpoint;
    if (name === 'association') return 'associations';
    const single = /^(account|user|qos|cluster)-/.exec(name);
    if (single)
      return ({ account: 'accounts', user: 'users', qos: 'qos', cluster: 'clusters' } as const)[
        single[1] as 'account' | 'user' | 'qos' | 'cluster'
      ];
    return null; // diag/config (slurmdbd, not adapted), wckeys, slurmdb jobs
  }
  if (/^(ping|diag|nodes|jobs|partitions|reservations|licenses)(-update_time)?$/.test(name)) {
    return name.replace('-update_time', '') as Endpoint;
  }
  if (/^node-/.test(name)) return 'nodes';
  if (/^job-/.test(name)) return 'jobs';
  if (/^partition-/.test(name)) return 'partitions';
  if (/^reservation-/.test(name)) return 'reservations';
  return null;
}

/** Example file name → endpoint (see slurm-openapi/SOURCES.md). */
function exampleEndpoint(name: string): Endpoint | null {
  const m = /^slurmweb-slurm-(nodes|jobs|partitions|ping|reservations)\.json$/.exec(name);
  if (m) return m[1] as Endpoint;
  if (/^slurmweb-slurm-node-.*\.json$/.test(name)) return 'nodes';
  if (/^slurmweb-slurm-job-.*\.json$/.test(name)) return 'jobs';
  const lc = /^lcrownover-(nodes|jobs|partitions|diag)\.json$/.exec(name);
  if (lc) return lc[1] as Endpoint;
  if (name.endsWith('sdiag-cli.json')) return 'diag';
  if (name.endsWith('scontrol-show-node-cli.json')) return 'nodes';
  return null; // slurmdb jobs, status/jwt/not-found captures
}

/** Captures that are not one of the adapted endpoints (slurmdbd diag/config/jobs/wckeys, auth and 404 replies). */
const NOT_ADAPTED =
  /^(diag|config|wckeys|jobs|jobs-filtered|jobs-bad-param-.*|job-failed)\.json$|^slurmweb-(slurmdb-job-.*|status|slurm-jwt-.*)\.json$/;
const skipped: string[] = [];

function collectCases(): Case[] {
  const cases: Case[] = [];
  for (const v of ['v0.0.36', 'v0.0.37', 'v0.0.38'] as const) {
    for (const [dir, db] of [
      [v, false],
      [`${v}/as-root`, false],
      [`db${v}`, true],
      [`db${v}/as-root`, true],
    ] as const) {
      const abs = path.join(LEGACY_DIR, dir);
      if (!existsSync(abs)) continue;
      for (const f of readdirSync(abs)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const endpoint = legacyEndpoint(f.slice(0, -5), db);
        if (endpoint) cases.push({ file: path.join(abs, f), version: v, endpoint });
        else skipped.push(f);
      }
    }
  }
  for (const v of readdirSync(EXAMPLES_DIR).sort()) {
    for (const f of readdirSync(path.join(EXAMPLES_DIR, v))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const endpoint = exampleEndpoint(f);
      if (endpoint) cases.push({ file: path.join(EXAMPLES_DIR, v, f), version: v as ApiVersion, endpoint });
      else skipped.push(f);
    }
  }
  return cases;
}

const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8'));

function listAt(body: unknown, keys: readonly string[]): unknown[] | null {
  let node: unknown = body;
  for (const k of keys) node = (node as Record<string, unknown> | undefined)?.[k];
  return Array.isArray(node) ? node : null;
}

/** Raw base state, computed without the adapter: legacy string upper-cased, else the first known value. */
function rawBase(state: unknown, known: readonly string[]): string {
  const values = (Array.isArray(state) ? state : [state]).map((s) => String(s).toUpperCase());
  return values.find((s) => known.includes(s)) ?? values[0] ?? '';
}
const NODE_BASES = ['UNKNOWN', 'DOWN', 'IDLE', 'ALLOCATED', 'ERROR', 'MIXED', 'FUTURE', 'EXTERNAL'];
const JOB_BASES = [
  'PENDING',
  'RUNNING',
  'SUSPENDED',
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'NODE_FAIL',
];

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

if (!sharedPresent) {
  console.info(
    `contract.test: ${SHARED} not found — the real-response contract suite does not run here (it runs in CI).`,
  );
}

describe.runIf(sharedPresent)('contract: real slurmrestd responses in ../shared', () => {
  const cases = sharedPresent ? collectCases() : [];

  it('finds responses of every adapted version family and endpoint', () => {
    const versions = new Set(cases.map((c) => c.version));
    for (const v of ['v0.0.36', 'v0.0.37', 'v0.0.38', 'v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.44']) {
      expect(versions.has(v as ApiVersion), v).toBe(true);
    }
    const endpoints = new Set(cases.map((c) => c.endpoint));
    for (const e of [
      'ping',
      'diag',
      'nodes',
      'jobs',
      'partitions',
      'reservations',
      'licenses',
      'accounts',
      'users',
      'associations',
      'qos',
      'tres',
      'clusters',
    ]) {
      expect(endpoints.has(e as Endpoint), e).toBe(true);
    }
    expect(cases.length).toBeGreaterThan(100);
    // A new capture of an adapted endpoint must not be skipped silently.
    for (const f of skipped) expect(f, 'unmapped capture').toMatch(NOT_ADAPTED);
  });

  it('parses every response with zero errors into valid model values', () => {
    let items = 0;
    for (const c of cases) {
      const adapter = getAdapter(c.version);
      const body = readJson(c.file);
      const meta = adapter.meta(body);
      expect(meta.apiVersion).toBe(c.version);
      expect(meta.release, c.file).toMatch(/^\d+\.\d+\.\d+/);
      if (c.endpoint === 'diag') {
        diagSchema.parse(adapter.diag(body));
        items++;
        continue;
      }
      const list = listAt(body, adapter.listKey(c.endpoint));
      if (list === null) {
        // Error replies (unknown node/job) carry errors[] and no list.
        expect(Array.isArray(body.errors) && (body.errors as unknown[]).length > 0, c.file).toBe(true);
        continue;
      }
      for (const raw of list) {
        const out = adapter.item(c.endpoint, raw);
        if (out !== null) MODEL[c.endpoint as keyof typeof MODEL]?.parse(out);
        items++;
      }
    }
    expect(items).toBeGreaterThan(500);
  });

  it('node counts and states agree with the raw JSON; invariants hold', () => {
    for (const c of cases.filter((c) => c.endpoint === 'nodes')) {
      const adapter = getAdapter(c.version);
      const raw = listAt(readJson(c.file), ['nodes']);
      if (!raw) continue;
      const nodes = raw.map((r) => adapter.item('nodes', r)!);
      expect(nodes.length, c.file).toBe(raw.length);
      const expected = tally(raw.map((r) => rawBase((r as { state: unknown }).state, NODE_BASES)));
      expect(tally(nodes.map((n) => n.state)), c.file).toEqual(expected);
      raw.forEach((r, i) => {
        const node = nodes[i]!;
        const rr = r as { name: string; state: unknown; state_flags?: string[] };
        expect(node.name).toBe(rr.name);
        expect(node.state).toMatch(/^[A-Z_]+$/);
        const rawFlags = [...(Array.isArray(rr.state) ? rr.state : []), ...(rr.state_flags ?? [])];
        if (rawFlags.includes('DRAIN')) expect(node.flags, `${c.file} ${rr.name}`).toContain('DRAIN');
        if (rawFlags.includes('NOT_RESPONDING')) expect(node.flags).toContain('NOT_RESPONDING');
        for (const g of node.gres)
          expect(g.total, `${c.file} ${rr.name}`).toBeGreaterThanOrEqual(g.allocated);
        expect(node.realMemoryBytes).toBeGreaterThan(0);
      });
    }
  });

  it('job counts by raw base state agree; ids are unique per response', () => {
    for (const c of cases.filter((c) => c.endpoint === 'jobs')) {
      const adapter = getAdapter(c.version);
      const raw = listAt(readJson(c.file), ['jobs']);
      if (!raw) continue;
      const jobs = raw.map((r) => adapter.item('jobs', r)!);
      expect(tally(jobs.map((j) => j.state)), c.file).toEqual(
        tally(raw.map((r) => rawBase((r as { job_state: unknown }).job_state, JOB_BASES))),
      );
      expect(new Set(jobs.map((j) => j.id)).size, c.file).toBe(jobs.length);
      for (const j of jobs) {
        expect(j.user).not.toMatch(/^\d+$/);
        if (j.memoryBytes !== null) expect(j.memoryBytes).toBeGreaterThan(0);
        if (j.state === 'PENDING') expect(j.reason, c.file).not.toBe('');
      }
    }
  });

  it('22.05 lab facts from its README come out right', () => {
    for (const v of ['v0.0.37', 'v0.0.38'] as const) {
      const nodes = listAt(readJson(path.join(LEGACY_DIR, v, 'nodes.json')), ['nodes'])!.map(
        (r) => getAdapter(v).item('nodes', r)!,
      );
      expect(nodes.find((n) => n.name === 'n4')).toMatchObject({ state: 'IDLE', flags: ['DRAIN'] });
      expect(nodes.find((n) => n.name === 'n5')).toMatchObject({ state: 'DOWN', flags: ['NOT_RESPONDING'] });
      expect(nodes.find((n) => n.name === 'n3')?.flags).toContain('RESERVED');
    }
    for (const v of ['v0.0.36', 'v0.0.37', 'v0.0.38'] as const) {
      const jobs = listAt(readJson(path.join(LEGACY_DIR, v, 'jobs.json')), ['jobs'])!.map(
        (r) => getAdapter(v).item('jobs', r)!,
      );
      expect(jobs.map((j) => j.id)).toEqual(expect.arrayContaining(['12_1', '12_2', '12_[3-4]']));
      expect(jobs.find((j) => j.state === 'FAILED')?.exitCode).toBe(3);
      for (const j of jobs)
        expect(j.user === 'root' || j.user === 'labuser' || j.user.startsWith('uid:')).toBe(true);
      const partitions = listAt(readJson(path.join(LEGACY_DIR, v, 'partitions.json')), ['partitions'])!.map(
        (r) => getAdapter(v).item('partitions', r)!,
      );
      expect(partitions.filter((p) => p.isDefault).map((p) => p.name)).toEqual(['debug']);
    }
  });
});
