import { describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../lib/collectors/index.js';
import { runCollectors } from '../../lib/collectors/run.js';
import type { Collector, MetricFamily } from '../../lib/collectors/types.js';
import type { CollectorStatus } from '../../lib/observability/events.js';
import { job, meta, NOW, richData, sampleValue } from './fixtures.js';
import { MemorySource } from './memory-source.js';

const ALL = Object.values(COLLECTORS);
const byName = (statuses: CollectorStatus[], name: string) => statuses.find((s) => s.name === name);
const now = () => NOW * 1000;

describe('runCollectors', () => {
  it('reads each endpoint exactly once with every collector enabled', async () => {
    const source = new MemorySource(richData());
    const res = await runCollectors({ collectors: ALL, source, now });
    expect(source.metaCalls).toBe(1);
    const counts = Object.values(source.fetches);
    expect(counts.length).toBe(14);
    expect(counts.every((n) => n === 1)).toBe(true);
    expect(res.statuses.map((s) => [s.name, s.ok])).toEqual(ALL.map((c) => [c.name, true]));
    expect(res.statuses.every((s) => s.series > 0)).toBe(true);
  });

  it('bounds concurrent endpoint reads (the /jobs stream aside)', async () => {
    const source = new MemorySource(richData());
    await runCollectors({ collectors: ALL, source, now, concurrency: 2 });
    expect(source.maxInFlight).toBe(2);
    const wide = new MemorySource(richData());
    await runCollectors({ collectors: ALL, source: wide, now, concurrency: 8 });
    expect(wide.maxInFlight).toBeGreaterThan(2);
  });

  it('fails only the collectors whose required endpoint failed, and still returns the others', async () => {
    const source = new MemorySource(richData(), { failing: ['nodes'] });
    const res = await runCollectors({ collectors: ALL, source, now });
    const nodes = byName(res.statuses, 'nodes');
    expect(nodes?.ok).toBe(false);
    expect(nodes?.error?.type).toBe('http');
    expect(nodes?.error?.message).toContain('nodes');
    // partitions only uses nodes optionally: still ok, config series present, node series absent.
    expect(byName(res.statuses, 'partitions')?.ok).toBe(true);
    expect(sampleValue(res.families, 'slurm_partition_up', { partition: 'batch' })).toBe(1);
    expect(res.families.find((f) => f.name === 'slurm_partition_nodes')).toBeUndefined();
    expect(res.families.find((f) => f.name === 'slurm_nodes')).toBeUndefined();
    expect(sampleValue(res.families, 'slurm_jobs', { state: 'RUNNING' })).toBe(1);
  });

  it('skips (not fails) collectors whose endpoint is not served', async () => {
    const source = new MemorySource(richData(), { unavailable: ['shares'] });
    const res = await runCollectors({ collectors: [COLLECTORS.shares, COLLECTORS.licenses], source, now });
    expect(byName(res.statuses, 'shares')).toMatchObject({ ok: true, skipped: true, series: 0 });
    expect(byName(res.statuses, 'licenses')).toMatchObject({ ok: true });
    expect(res.families.some((f) => f.name.startsWith('slurm_share_'))).toBe(false);
  });

  it('times a collector out, aborts the fetch nobody waits for, and lets the others finish', async () => {
    const source = new MemorySource(richData(), { hanging: ['diag'] });
    const res = await runCollectors({
      collectors: [COLLECTORS.scheduler, COLLECTORS.licenses],
      source,
      now,
      timeoutsMs: { scheduler: 30 },
    });
    expect(byName(res.statuses, 'scheduler')).toMatchObject({ ok: false, error: { type: 'timeout' } });
    expect(byName(res.statuses, 'licenses')?.ok).toBe(true);
    expect(source.aborted).toEqual(['diag']);
  });

  it('fails whatever still runs at the deadline', async () => {
    const source = new MemorySource(richData(), { hanging: ['reservations'] });
    const res = await runCollectors({
      collectors: [COLLECTORS.reservations, COLLECTORS.licenses],
      source,
      deadline: Date.now() + 150,
    });
    expect(byName(res.statuses, 'reservations')).toMatchObject({ ok: false, error: { type: 'timeout' } });
    expect(byName(res.statuses, 'licenses')?.ok).toBe(true);
  });

  it('fails what still runs when the caller aborts', async () => {
    const source = new MemorySource(richData(), { hanging: ['licenses'] });
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('lambda is shutting down')), 150);
    const res = await runCollectors({
      collectors: [COLLECTORS.licenses, COLLECTORS.tres],
      source,
      now,
      signal: abort.signal,
    });
    expect(byName(res.statuses, 'licenses')).toMatchObject({ ok: false, error: { type: 'timeout' } });
    expect(byName(res.statuses, 'licenses')?.error?.message).toContain('lambda is shutting down');
    expect(byName(res.statuses, 'tres')?.ok).toBe(true);
  });

  it('fails a collector that throws in finish() or onJob alone', async () => {
    const metrics = [
      { name: 'x_total', type: 'counter' as const, help: 'x', labels: [], source: ['jobs' as const] },
    ];
    const badFinish: Collector = {
      name: 'bad_finish',
      endpoints: ['licenses'],
      metrics,
      start: () => ({
        finish() {
          throw new Error('boom in finish');
        },
      }),
    };
    const badJob: Collector = {
      name: 'bad_job',
      endpoints: ['jobs'],
      metrics,
      start: () => ({
        onJob() {
          throw new Error('boom in onJob');
        },
        finish: () => [],
      }),
    };
    const source = new MemorySource(richData());
    const res = await runCollectors({
      collectors: [badFinish, badJob, COLLECTORS.jobs, COLLECTORS.licenses],
      source,
      now,
    });
    expect(byName(res.statuses, 'bad_finish')).toMatchObject({
      ok: false,
      error: { message: 'boom in finish' },
    });
    expect(byName(res.statuses, 'bad_job')).toMatchObject({ ok: false, error: { message: 'boom in onJob' } });
    expect(byName(res.statuses, 'jobs')?.ok).toBe(true);
    expect(sampleValue(res.families, 'slurm_jobs', { state: 'PENDING' })).toBe(1);
    expect(source.fetches.jobs).toBe(1);
  });

  it('applies include/exclude globs per collector to final names', async () => {
    const source = new MemorySource(richData());
    const res = await runCollectors({
      collectors: [COLLECTORS.nodes, COLLECTORS.licenses],
      source,
      now,
      filters: { nodes: { include_metrics: ['slurm_nodes*', 'slurm_cpus'], exclude_metrics: ['*_total'] } },
    });
    const names = res.families.map((f) => f.name);
    // The runner's own slurm_exporter_series_dropped is not subject to collector filters.
    expect(names.filter((n) => !n.startsWith('slurm_license') && !n.startsWith('slurm_exporter_'))).toEqual([
      'slurm_cpus',
      'slurm_nodes',
    ]);
    expect(names).toContain('slurm_license_configured');
  });

  it('labels every sample with cluster, const and collector labels without overwriting collector labels', async () => {
    const source = new MemorySource(richData());
    const res = await runCollectors({
      collectors: [COLLECTORS.nodes, COLLECTORS.licenses],
      source,
      now,
      labels: {
        const: { site: 'eu', team: 'hpc', state: 'const' },
        perCollector: { licenses: { team: 'lic' } },
      },
    });
    for (const f of res.families) {
      for (const s of f.samples) {
        expect(s.labels.cluster).toBe('lab');
        expect(s.labels.site).toBe('eu');
      }
    }
    expect(res.cluster).toBe('lab');
    expect(sampleValue(res.families, 'slurm_license_configured', { license: 'matlab' })).toBe(10);
    expect(res.families.find((f) => f.name === 'slurm_license_configured')?.samples[0]?.labels.team).toBe(
      'lic',
    );
    expect(res.families.find((f) => f.name === 'slurm_cpus')?.samples[0]?.labels.team).toBe('hpc');
    // slurm_nodes sets `state` itself: the const label does not replace it.
    expect(sampleValue(res.families, 'slurm_nodes', { state: 'drained' })).toBe(1);
    expect(sampleValue(res.families, 'slurm_memory_total_bytes', { state: 'const' })).toBeGreaterThan(0);
  });

  it('takes the cluster label from config, else meta, else "default"', async () => {
    const data = richData();
    const lic = [COLLECTORS.licenses];
    const fromConfig = await runCollectors({
      collectors: lic,
      source: new MemorySource(data),
      cluster: 'prod',
      labels: { const: { cluster: 'nope' } },
    });
    expect(fromConfig.cluster).toBe('prod');
    expect(fromConfig.families[0]?.samples[0]?.labels.cluster).toBe('prod');
    const fromMeta = await runCollectors({ collectors: lic, source: new MemorySource(data), cluster: '  ' });
    expect(fromMeta.cluster).toBe('lab');
    const fallback = await runCollectors({
      collectors: lic,
      source: new MemorySource(data, { meta: meta({ cluster: null }) }),
    });
    expect(fallback.cluster).toBe('default');
  });

  it('reports slurm_up 0 and fails every collector when slurmrestd is unreachable', async () => {
    const source = new MemorySource(richData(), {
      metaError: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const res = await runCollectors({
      collectors: [COLLECTORS.cluster, COLLECTORS.nodes],
      source,
      cluster: 'prod',
    });
    expect(res.meta).toBeNull();
    expect(res.statuses.map((s) => [s.name, s.ok, s.error?.type])).toEqual([
      ['cluster', false, 'connection'],
      ['nodes', false, 'connection'],
    ]);
    expect(sampleValue(res.families, 'slurm_up', { cluster: 'prod' })).toBe(0);
    expect(Object.keys(source.fetches)).toEqual([]);
  });

  it('counts per-job series dropped by maxSeries, reported in status and as a metric, reset every run', async () => {
    const jobs = Array.from({ length: 5 }, (_, i) => job({ jobId: i + 1 }));
    const opts = { collectors: [COLLECTORS.jobs], now, maxSeries: 16, options: { jobs: { perJob: true } } };
    for (let run = 0; run < 3; run += 1) {
      const res = await runCollectors({ ...opts, source: new MemorySource({ jobs }) });
      // 8 series per job: 2 jobs fit, 3 × 8 dropped, in every run.
      expect(res.families.find((f) => f.name === 'slurm_job_info')?.samples).toHaveLength(2);
      expect(byName(res.statuses, 'jobs')).toMatchObject({ dropped: 24 });
      expect(sampleValue(res.families, 'slurm_exporter_series_dropped', { collector: 'jobs' })).toBe(24);
    }
  });

  it('passes adversarial label values through unchanged, and leaves an empty one out', async () => {
    const weird = ['a"b', 'back\\slash', 'line\nbreak', 'ünïcødé ✓ 🚀', 'x'.repeat(10_000), ''];
    const jobs = weird.map((user, i) => job({ jobId: i + 1, user }));
    const res = await runCollectors({
      collectors: [COLLECTORS.jobs],
      source: new MemorySource({ jobs }),
      now,
    });
    const users = res.families.find((f) => f.name === 'slurm_user_jobs')?.samples.map((s) => s.labels.user);
    expect(new Set(users)).toEqual(new Set(weird.map((u) => (u === '' ? undefined : u))));
  });

  it('sorts families by name and never emits the same (name, labelset) twice', async () => {
    const dup = (name: string): Collector => ({
      name,
      endpoints: ['licenses'],
      metrics: [{ name: 'slurm_dup', type: 'gauge', help: 'dup', labels: ['k'], source: ['licenses'] }],
      start: () => ({
        finish: (): MetricFamily[] => [
          {
            name: 'slurm_dup',
            type: 'gauge',
            help: 'dup',
            samples: [{ labels: { k: 'v' }, value: name === 'a' ? 1 : 2 }],
          },
        ],
      }),
    });
    const res = await runCollectors({
      collectors: [dup('a'), dup('b'), COLLECTORS.licenses],
      source: new MemorySource(richData()),
      now,
    });
    const names = res.families.map((f) => f.name);
    expect(names).toEqual([...names].sort());
    expect(res.families.find((f) => f.name === 'slurm_dup')?.samples).toEqual([
      { labels: { cluster: 'lab', k: 'v' }, value: 1 },
    ]);
  });

  it('emits legacy names in vpenso and rivosinc modes', async () => {
    const vp = await runCollectors({
      collectors: ALL,
      source: new MemorySource(richData()),
      now,
      naming: 'vpenso',
    });
    // richData nodes: n1 mixed, n2 drained, n3 down.
    expect(sampleValue(vp.families, 'slurm_nodes_drain')).toBe(1);
    expect(sampleValue(vp.families, 'slurm_nodes_mix')).toBe(1);
    expect(sampleValue(vp.families, 'slurm_nodes_idle')).toBe(0);
    expect(sampleValue(vp.families, 'slurm_queue_pending')).toBe(1);
    expect(sampleValue(vp.families, 'slurm_queue_completing')).toBe(1);
    expect(sampleValue(vp.families, 'slurm_user_jobs_pending', { user: 'alice' })).toBe(1);
    expect(sampleValue(vp.families, 'slurm_scheduler_last_cycle')).toBe(100);
    expect(vp.families.find((f) => f.name === 'slurm_nodes')).toBeUndefined();

    const rv = await runCollectors({
      collectors: ALL,
      source: new MemorySource(richData()),
      now,
      naming: 'rivosinc',
    });
    expect(sampleValue(rv.families, 'slurm_node_count_per_state', { state: 'down' })).toBe(1);
    expect(sampleValue(rv.families, 'slurm_mem_real')).toBe(3 * 32 * 1024);
    expect(sampleValue(rv.families, 'slurm_lic_total', { name: 'matlab' })).toBe(10);
    expect(
      sampleValue(rv.families, 'slurm_partition_job_state_total', { partition: 'gpu', state: 'PENDING' }),
    ).toBe(1);
    for (const f of rv.families) for (const s of f.samples) expect(s.labels.cluster).toBe('lab');
  });
});
