import { describe, expect, it } from 'vitest';
import { assembleFamilies, hasDistinctSamples } from '../../lib/collectors/assemble.js';
import { FamilyBuilder, metric } from '../../lib/collectors/family.js';
import type { MetricFamily, Sample } from '../../lib/collectors/types.js';
import type { CollectorStatus } from '../../lib/observability/events.js';
import { silentLogger } from '../../lib/observability/logger.js';
import { joinChunks, renderFamilies } from '../../lib/push/render.js';

const status = (name: string): CollectorStatus => ({ name, ok: true, durationMs: 0, series: 0 });
/** One collector's output, as the runner hands it over. */
const output = (name: string, families: MetricFamily[]) => ({
  name,
  families,
  status: status(name),
  dropped: undefined,
});

function assemble(samples: Sample[]): Sample[] {
  const family: MetricFamily = { name: 'slurm_t', type: 'gauge', help: 't', samples };
  const [out] = assembleFamilies([output('c', [family])], {
    cluster: 'lab',
    naming: 'native',
    log: silentLogger,
  });
  return (out as MetricFamily).samples;
}

/** `labels` without its empty values, as the assembler leaves them. */
function withoutEmpty(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
}

/** The order the assembler promises: label values in label-name order, a missing label first. */
function expectedOrder(samples: Sample[]): Sample[] {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.labels)))].sort();
  return [...samples].sort((a, b) => {
    for (const n of names) {
      const x = a.labels[n];
      const y = b.labels[n];
      if (x === y) continue;
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  });
}

describe('assembleFamilies ordering and de-duplication', () => {
  it('orders by label values (prefixes, missing labels, unicode) and keeps the first of equal label sets', () => {
    const values = ['a', 'ab', 'a b', '', 'b', 'Z', 'ü', '🚀', 'a"b', 'x\ny', 'a\\'];
    const samples: Sample[] = [];
    let v = 0;
    for (const user of values) {
      samples.push({ labels: { user, state: 'running' }, value: v++ });
      samples.push({ labels: { user }, value: v++ });
    }
    // Later duplicates of label sets already seen (new objects, same content).
    samples.push({ labels: { user: 'ab', state: 'running' }, value: 1000 });
    samples.push({ labels: { state: 'running', user: 'a' }, value: 1001 });
    const out = assemble(samples);
    // The empty user is left out, which makes those two label sets sort as "user missing".
    const cleaned = samples
      .slice(0, values.length * 2)
      .map((s) => ({ ...s, labels: withoutEmpty(s.labels) }));
    const want = expectedOrder(cleaned).map((s) => ({
      labels: { cluster: 'lab', ...s.labels },
      value: s.value,
    }));
    expect(out.map((s) => ({ labels: s.labels, value: s.value }))).toEqual(want);
    expect(out.some((s) => s.value >= 1000)).toBe(false);
  });

  it('handles label values holding NUL/SOH (the sort-key separators) with the same order and de-duplication', () => {
    const samples: Sample[] = [
      { labels: { user: 'a\u0000b' }, value: 1 },
      { labels: { user: 'a' }, value: 2 },
      { labels: { user: 'a\u0001' }, value: 3 },
      { labels: { user: '' }, value: 4 },
      { labels: {}, value: 5 },
      { labels: { user: 'a\u0000b' }, value: 6 },
    ];
    const out = assemble(samples);
    // An empty user and no user are one label set: the first of them (4) is kept.
    const distinct = [0, 1, 2, 3].map((i) => samples[i] as Sample);
    expect(out.map((s) => s.value)).toEqual(
      expectedOrder(distinct.map((s) => ({ ...s, labels: withoutEmpty(s.labels) }))).map((s) => s.value),
    );
    expect(out.map((s) => s.value)).toEqual([4, 2, 1, 3]);
  });

  it("keeps a builder family in the collector's order; sorts it when merged or when it sets its own cluster", () => {
    const defs = [
      metric('slurm_b', 'gauge', 'b', ['user', 'state'], ['jobs']),
      metric('slurm_own', 'gauge', 'o', ['cluster'], ['jobs']),
    ];
    /** slurm_b by user (in this order), and slurm_own with the collector's own cluster label. */
    const built = (byUser: Record<string, number>) => {
      const b = new FamilyBuilder(defs);
      for (const [user, v] of Object.entries(byUser)) b.add('slurm_b', { user, state: 'RUNNING' }, v);
      b.set('slurm_own', { cluster: 'x' }, 1);
      b.set('slurm_own', { cluster: 'y' }, 2);
      return b.families();
    };
    const opts = { cluster: 'lab', naming: 'native' as const, log: silentLogger };
    const one = assembleFamilies([output('c', built({ zed: 1, amy: 2 }))], opts);
    const b = one.find((f) => f.name === 'slurm_b') as MetricFamily;
    expect(b.samples.map((s) => s.labels.user)).toEqual(['zed', 'amy']);
    expect(b.samples[0]?.labels).toEqual({ cluster: 'lab', user: 'zed', state: 'RUNNING' });
    expect(hasDistinctSamples(b)).toBe(true);
    // The runner's cluster replaces the collector's own label: the two series become one, the first is kept.
    expect(one.find((f) => f.name === 'slurm_own')?.samples).toEqual([
      { labels: { cluster: 'lab' }, value: 1 },
    ]);
    // The same family from two collectors: sorted, and the second collector's duplicate dropped.
    const two = assembleFamilies(
      [output('c', built({ zed: 1, amy: 2 })), output('d', built({ amy: 9, bob: 3 }))],
      opts,
    );
    const merged = two.find((f) => f.name === 'slurm_b') as MetricFamily;
    expect(merged.samples.map((s) => [s.labels.user, s.value])).toEqual([
      ['amy', 2],
      ['bob', 3],
      ['zed', 1],
    ]);
  });

  it('renders a built family with empty label values once per series, the empty labels left out', async () => {
    const b = new FamilyBuilder([metric('slurm_r', 'gauge', 'r', ['node', 'reason'], ['nodes'])]);
    b.set('slurm_r', { node: 'n2', reason: '' }, 2);
    b.set('slurm_r', { node: 'n1', reason: 'down' }, 1);
    b.set('slurm_r', { node: 'n3', reason: '' }, 3);
    const out = assembleFamilies([output('c', b.families())], {
      cluster: 'lab',
      naming: 'native',
      log: silentLogger,
    });
    const r = await renderFamilies(out);
    expect(r.series).toBe(3);
    const lines = (await joinChunks(r.text())).split('\n').filter((l) => l.startsWith('slurm_r{'));
    expect(lines).toEqual([
      'slurm_r{cluster="lab",node="n2"} 2',
      'slurm_r{cluster="lab",node="n1",reason="down"} 1',
      'slurm_r{cluster="lab",node="n3"} 3',
    ]);
  });

  it('marks its families as distinct, and the renderer still merges and de-duplicates anything else', async () => {
    const samples: Sample[] = [
      { labels: { user: 'b' }, value: 1 },
      { labels: { user: 'a' }, value: 2 },
    ];
    const [assembled] = assembleFamilies(
      [output('c', [{ name: 'slurm_t', type: 'counter', help: 't', samples }])],
      { cluster: 'lab', naming: 'native', log: silentLogger },
    );
    const family = assembled as MetricFamily;
    expect(hasDistinctSamples(family)).toBe(true);
    expect(hasDistinctSamples({ ...family })).toBe(false);
    // A second family of the same name merged in: its duplicate series are summed (counter), not repeated.
    const extra: MetricFamily = {
      name: 'slurm_t',
      type: 'counter',
      help: 't',
      samples: [{ labels: { cluster: 'lab', user: 'a' }, value: 40 }],
    };
    const merged = await renderFamilies([family, extra]);
    const { series } = merged;
    const text = await joinChunks(merged.text());
    expect(series).toBe(2);
    expect(text).toContain('slurm_t{cluster="lab",user="a"} 42\n');
    expect(text).toContain('slurm_t{cluster="lab",user="b"} 1\n');
    // The caller's families are left as they were.
    expect(family.samples).toHaveLength(2);
    // An empty value dropped at render time can make two series one: still de-duplicated.
    const [withEmpty] = assembleFamilies(
      [
        output('c', [
          {
            name: 'slurm_e',
            type: 'gauge',
            help: 'e',
            samples: [
              { labels: { user: '' }, value: 1 },
              { labels: {}, value: 2 },
            ],
          },
        ]),
      ],
      { cluster: 'lab', naming: 'native', log: silentLogger },
    );
    const rendered = await renderFamilies([withEmpty as MetricFamily]);
    expect(rendered.series).toBe(1);
    expect(await joinChunks(rendered.text())).toContain('slurm_e{cluster="lab"} 1\n');
  });

  it('leaves empty values out once per labels object, and the renderer takes such a family as it is', async () => {
    const b = new FamilyBuilder([
      metric('slurm_x', 'gauge', 'x', ['user', 'state'], ['jobs']),
      metric('slurm_y', 'counter', 'y', ['user', 'state'], ['jobs']),
    ]);
    const shared = { user: 'u1', state: '' };
    b.add('slurm_x', shared, 1);
    b.add('slurm_y', shared, 2);
    b.add('slurm_x', { user: '', state: 'RUNNING' }, 3);
    b.add('slurm_y', { user: '', state: 'RUNNING' }, Number.POSITIVE_INFINITY);
    const out = assembleFamilies([output('c', b.families())], {
      cluster: 'lab',
      naming: 'native',
      labels: { const: { site: '' }, perCollector: { c: { team: 'hpc' } } },
      log: silentLogger,
    });
    const [x, y] = out as [MetricFamily, MetricFamily];
    expect(x.samples.map((s) => s.labels)).toEqual([
      { cluster: 'lab', team: 'hpc', user: 'u1' },
      { cluster: 'lab', team: 'hpc', state: 'RUNNING' },
    ]);
    // One labelled copy per collector labels object, shared by both families.
    expect(y.samples[0]?.labels).toBe(x.samples[0]?.labels);
    expect(shared).toEqual({ user: 'u1', state: '' });
    expect(hasDistinctSamples(x) && hasDistinctSamples(y)).toBe(true);

    const r = await renderFamilies(out);
    const [gx, gy] = r.registry
      .getMetricsAsArray()
      .map((m) => (m as unknown as { get(): { values: Sample[] } }).get());
    // The gauge's samples as they are; the counter without its non-representable value.
    expect(gx?.values).toBe(x.samples);
    expect(gy?.values.map((s) => s.value)).toEqual([2]);
    expect(r.series).toBe(3);
    expect(await joinChunks(r.text())).toContain('slurm_x{cluster="lab",team="hpc",state="RUNNING"} 3\n');
  });

  it('leaves a family with an invalid label name to the renderer, which names it', async () => {
    const family: MetricFamily = {
      name: 'slurm_z',
      type: 'gauge',
      help: 'z',
      samples: [{ labels: { user: 'a' }, value: 1 }],
    };
    const out = assembleFamilies([output('c', [family])], {
      cluster: 'lab',
      naming: 'native',
      labels: { perCollector: { c: { 'bad-name': 'x' } } },
      log: silentLogger,
    });
    expect(hasDistinctSamples(out[0] as MetricFamily)).toBe(false);
    await expect(renderFamilies(out)).rejects.toThrow('label name "bad-name" of metric slurm_z');
  });
});
