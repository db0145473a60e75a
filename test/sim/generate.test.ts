import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../lib/sim/generate.js';
import { compressHostlist } from '../../lib/sim/hostlist.js';
import { createRng } from '../../lib/sim/prng.js';
import { renderBody } from '../../lib/sim/render.js';
import { clusterTruth } from '../../lib/sim/truth.js';

const opts = { seed: 1234, nodes: 300, jobs: 3000, partitions: 5 };

describe('generateCluster', () => {
  it('is deterministic: same seed → identical bytes, different seed → different', () => {
    const a = renderBody(generateCluster(opts), 'v0.0.44', 'jobs');
    const b = renderBody(generateCluster(opts), 'v0.0.44', 'jobs');
    const c = renderBody(generateCluster({ ...opts, seed: 1235 }), 'v0.0.44', 'jobs');
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('honours the requested sizes', () => {
    const c = generateCluster(opts);
    expect(c.nodes).toHaveLength(300);
    expect(c.jobs).toHaveLength(3000);
    expect(c.partitions).toHaveLength(5);
    expect(c.partitions.filter((p) => p.isDefault)).toHaveLength(1);
    expect(new Set(c.jobs.map((j) => j.jobId)).size).toBe(3000);
    expect(new Set(c.nodes.map((n) => n.name)).size).toBe(300);
  });

  it('contains every node state family, GPUs and ≥ 1 TiB nodes', () => {
    const c = generateCluster(opts);
    const has = (state: string, flags: string[]): boolean =>
      c.nodes.some((n) => n.state === state && flags.every((f) => n.flags.includes(f)));
    for (const [s, f] of [
      ['ALLOCATED', []],
      ['MIXED', []],
      ['IDLE', []],
      ['IDLE', ['DRAIN']],
      ['MIXED', ['DRAIN']],
      ['DOWN', ['NOT_RESPONDING']],
      ['IDLE', ['POWERED_DOWN']],
      ['IDLE', ['MAINTENANCE']],
      ['MIXED', ['RESERVED']],
    ] as const) {
      expect(has(s, [...f]), `${s}+${f.join('+')}`).toBe(true);
    }
    expect(c.nodes.some((n) => n.gpu?.type === 'h100' && n.gpu.socketSuffix === '(S:0-1)')).toBe(true);
    expect(c.nodes.some((n) => n.gpu?.type === 'a100')).toBe(true);
    expect(c.nodes.some((n) => n.realMemoryMiB >= 1024 * 1024)).toBe(true);
  });

  it('contains every job state family, pending reasons, arrays, multi-partition jobs and odd names', () => {
    const c = generateCluster({ ...opts, adversarial: true });
    const states = new Set(c.jobs.map((j) => j.state));
    for (const s of ['RUNNING', 'PENDING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'])
      expect(states).toContain(s);
    expect(c.jobs.some((j) => j.flags.includes('COMPLETING'))).toBe(true);
    const reasons = new Set(c.jobs.filter((j) => j.state === 'PENDING').map((j) => j.reason));
    for (const r of [
      'Resources',
      'Priority',
      'Dependency',
      'JobHeldUser',
      'QOSMaxJobsPerUserLimit',
      'ReqNodeNotAvail',
    ]) {
      expect(reasons).toContain(r);
    }
    expect(c.jobs.some((j) => j.arrayTaskId !== null && j.arrayJobId > 0)).toBe(true);
    expect(c.jobs.some((j) => j.arrayTaskString !== '' && j.state === 'PENDING')).toBe(true);
    expect(c.jobs.some((j) => j.state === 'PENDING' && j.partitions.length > 1)).toBe(true);
    expect(c.jobs.some((j) => j.state === 'RUNNING' && j.gpus > 0)).toBe(true);
    expect(c.jobs.some((j) => j.name.includes('"'))).toBe(true);
    expect(c.jobs.some((j) => j.name.includes('\\'))).toBe(true);
    expect(c.jobs.some((j) => j.name.includes('\n'))).toBe(true);
    expect(c.jobs.some((j) => [...j.name].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f))).toBe(true);
    expect(c.jobs.some((j) => j.name.length > 100)).toBe(true);
    expect(new Set(c.jobs.map((j) => j.user)).size).toBeGreaterThan(10);
    expect(new Set(c.jobs.map((j) => j.account)).size).toBeGreaterThan(3);
  });

  it('keeps node allocations consistent with running jobs (cpus, GPUs, memory)', () => {
    const c = generateCluster(opts);
    const cpus = new Map<string, number>();
    const gpus = new Map<string, number>();
    const mem = new Map<string, number>();
    for (const j of c.jobs) {
      if (j.state !== 'RUNNING') continue;
      expect(j.cpus).toBe(j.allocations.reduce((s, a) => s + a.cpus, 0));
      for (const a of j.allocations) {
        cpus.set(a.node, (cpus.get(a.node) ?? 0) + a.cpus);
        gpus.set(a.node, (gpus.get(a.node) ?? 0) + a.gpus);
        mem.set(a.node, (mem.get(a.node) ?? 0) + a.memoryMiB);
      }
    }
    for (const n of c.nodes) {
      expect(n.allocCpus, n.name).toBe(cpus.get(n.name) ?? 0);
      expect(n.allocGpus, n.name).toBe(gpus.get(n.name) ?? 0);
      expect(n.allocMemoryMiB, n.name).toBe(mem.get(n.name) ?? 0);
      expect(n.allocCpus).toBeLessThanOrEqual(n.cpus);
      expect(n.allocGpus).toBeLessThanOrEqual(n.gpu?.count ?? 0);
      expect(n.allocMemoryMiB).toBeLessThanOrEqual(n.realMemoryMiB);
      if (n.state === 'ALLOCATED') expect(n.allocCpus).toBe(n.cpus);
      if (n.state === 'MIXED') expect(n.allocCpus).toBeGreaterThan(0);
      if (n.state === 'MIXED') expect(n.allocCpus).toBeLessThan(n.cpus);
      if (n.state === 'IDLE' || n.state === 'DOWN') expect(n.allocCpus).toBe(0);
    }
  });

  it('stays consistent when there are fewer jobs than busy nodes (multi-node jobs)', () => {
    const c = generateCluster({ seed: 5, nodes: 200, jobs: 20 });
    const t = clusterTruth(c);
    expect(c.jobs).toHaveLength(20);
    expect(t.jobs.runningCpus).toBe(t.cpus.alloc);
    expect(c.jobs.some((j) => j.nodeCount > 1)).toBe(true);
  });

  it('license usage equals the licenses held by running jobs', () => {
    const c = generateCluster(opts);
    for (const l of c.licenses) {
      const used = c.jobs
        .filter((j) => j.state === 'RUNNING' && j.licenses.startsWith(`${l.name}:`))
        .reduce((s, j) => s + Number(j.licenses.split(':')[1]), 0);
      expect(l.used, l.name).toBe(used);
      expect(l.used + l.reserved).toBeLessThanOrEqual(l.total);
    }
  });

  it('rejects bad sizes with a clear message', () => {
    expect(() => generateCluster({ seed: 1, nodes: 0, jobs: 1 })).toThrow(/nodes/);
    expect(() => generateCluster({ seed: 1, nodes: 1, jobs: -1 })).toThrow(/jobs/);
  });
});

describe('clusterTruth', () => {
  it('aggregates agree with an independent recount', () => {
    const c = generateCluster(opts);
    const t = clusterTruth(c);
    expect(t.cpus.alloc).toBe(t.jobs.runningCpus);
    expect(t.gpus.alloc).toBe(t.jobs.runningGpus);
    expect(t.cpus.alloc + t.cpus.idle).toBe(t.cpus.total);
    expect(Object.values(t.nodes.byState).reduce((a, b) => a + b, 0)).toBe(300);
    expect(Object.values(t.nodes.byEffectiveState).reduce((a, b) => a + b, 0)).toBe(300);
    expect(Object.values(t.jobs.byState).reduce((a, b) => a + b, 0)).toBe(3000);
    const drainedIdle = c.nodes.filter((n) => n.flags.includes('DRAIN') && n.state === 'IDLE').length;
    expect(t.nodes.byEffectiveState.drained).toBe(drainedIdle);
    const draining = c.nodes.filter((n) => n.flags.includes('DRAIN') && n.state !== 'IDLE').length;
    expect(t.nodes.byEffectiveState.draining).toBe(draining);
    expect(t.nodes.byEffectiveState.down).toBe(c.nodes.filter((n) => n.state === 'DOWN').length);
    // A pending job naming two partitions counts in both.
    const multi = c.jobs.filter((j) => j.state === 'PENDING' && j.partitions.length > 1).length;
    const pendingAcross = Object.values(t.jobs.byPartitionState).reduce((s, m) => s + (m.PENDING ?? 0), 0);
    expect(pendingAcross).toBe((t.jobs.byState.PENDING ?? 0) + multi);
    expect(Object.values(t.jobs.pendingByReason).reduce((a, b) => a + b, 0)).toBe(t.jobs.byState.PENDING);
  });
});

describe('helpers', () => {
  it('mulberry32 stream is reproducible and in [0,1)', () => {
    const a = createRng(9);
    const b = createRng(9);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
  });

  it('compressHostlist groups by prefix and width', () => {
    expect(compressHostlist(['cn001', 'cn002', 'cn003', 'cn005', 'gpu01', 'login'])).toBe(
      'cn[001-003,005],gpu01,login',
    );
    expect(compressHostlist([])).toBe('');
  });
});
