import { spawnSync } from 'node:child_process';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../lib/collectors/types.js';
import {
  fixSpecialValues,
  joinChunks,
  type RenderOptions,
  renderFamilies,
  SampleLineCounter,
} from '../../lib/push/render.js';
import { parseExposition } from './exposition-parser.js';

const ADVERSARIAL = [
  'quote " inside',
  'back\\slash',
  'trailing backslash\\',
  'new\nline',
  'line\n# TYPE injected gauge\ninjected 1',
  'brace } and {',
  'x"} 1\nslurm_injected 42\nx{a="',
  'hash # not a comment',
  '/var/tmp/a/b',
  'unicode ünïcødé 日本語 🚀',
  'ü with "quote", back\\slash and\nnewline',
  'tab\tand\rcarriage',
  'comma, equals = sign',
  'x'.repeat(10_000),
  '\\n literal backslash-n',
  '\\"',
];

/** renderFamilies with its text read to the end (one chunk per family). */
async function render(
  families: MetricFamily[],
  opts?: RenderOptions,
): Promise<{ text: string; series: number; registry: Registry }> {
  const r = await renderFamilies(families, opts);
  return { ...r, text: await joinChunks(r.text()) };
}

/** `promtool check metrics`: exit 0 or 3 (lint hints only) is fine; 1 = parse error. */
function promtoolCheck(text: string): { available: boolean; ok: boolean; output: string } {
  const which = spawnSync('which', ['promtool'], { encoding: 'utf8' });
  if (which.status !== 0) return { available: false, ok: true, output: '' };
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 15_000 });
  const output = `${r.stdout}${r.stderr}`;
  return { available: true, ok: (r.status === 0 || r.status === 3) && !/error/i.test(output), output };
}

function family(
  name: string,
  type: 'gauge' | 'counter',
  samples: MetricFamily['samples'],
  help = 'h',
): MetricFamily {
  return { name, type, help, samples };
}

describe('renderFamilies', () => {
  it('round-trips adversarial label values exactly, one line per series, no injected series', async () => {
    // Prepare
    const samples = ADVERSARIAL.map((v, i) => ({ labels: { job_name: v, idx: String(i) }, value: i }));
    // Act
    const { text, series } = await render([family('slurm_job_info', 'gauge', samples)]);
    // Assess
    const parsed = parseExposition(text);
    expect(parsed.samples).toHaveLength(ADVERSARIAL.length);
    expect(series).toBe(ADVERSARIAL.length);
    expect(new Set(parsed.samples.map((s) => s.name))).toEqual(new Set(['slurm_job_info']));
    for (const s of parsed.samples) {
      const i = Number(s.labels.idx);
      expect(s.labels.job_name).toBe(ADVERSARIAL[i]);
      expect(s.value).toBe(i);
    }
    expect([...parsed.types.keys()]).toEqual(['slurm_job_info']);
  });

  it('passes promtool check metrics when promtool is installed', async () => {
    const samples = ADVERSARIAL.map((v, i) => ({ labels: { reason: v, idx: String(i) }, value: i / 3 }));
    const { text } = await render([
      family('slurm_node_reason', 'gauge', samples, 'help with "quotes", \\ and\nnewline'),
      family('slurm_jobs_total', 'counter', [{ labels: { user: 'a"b' }, value: 3 }]),
      family('slurm_special', 'gauge', [
        { labels: { k: 'nan' }, value: Number.NaN },
        { labels: { k: 'inf' }, value: Number.POSITIVE_INFINITY },
      ]),
    ]);
    const check = promtoolCheck(text);
    expect(check.ok, check.output).toBe(true);
    // The parser check always runs, with or without promtool.
    expect(parseExposition(text).samples).toHaveLength(ADVERSARIAL.length + 3);
  });

  it('escapes HELP per 0.0.4 (backslash and newline; quotes stay raw)', async () => {
    const help = 'a "quoted" \\ help\nsecond line';
    const { text } = await render([family('m_help', 'gauge', [{ labels: {}, value: 1 }], help)]);
    expect(text).toContain('# HELP m_help a "quoted" \\\\ help\\nsecond line\n');
    expect(parseExposition(text).help.get('m_help')).toBe(help);
  });

  it('spells NaN, +Inf and -Inf as Prometheus does', async () => {
    const { text } = await render([
      family('m_special', 'gauge', [
        { labels: { k: 'a' }, value: Number.NaN },
        { labels: { k: 'b' }, value: Number.POSITIVE_INFINITY },
        { labels: { k: 'c' }, value: Number.NEGATIVE_INFINITY },
        { labels: { k: 'd' }, value: -0.5 },
      ]),
    ]);
    expect(text).toContain('m_special{k="a"} NaN\n');
    expect(text).toContain('m_special{k="b"} +Inf\n');
    expect(text).toContain('m_special{k="c"} -Inf\n');
    expect(text).not.toMatch(/\bNan\b/);
    const values = parseExposition(text).samples.map((s) => s.value);
    expect(values[0]).toBeNaN();
    expect(values.slice(1)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.5]);
  });

  it('fixes only sample values, never a HELP text ending in " Nan"', () => {
    const text = '# HELP m x Nan\n# TYPE m gauge\nm{a="b Nan"} Nan\n';
    expect(fixSpecialValues(text)).toBe('# HELP m x Nan\n# TYPE m gauge\nm{a="b Nan"} NaN\n');
  });

  it('drops empty label values (absent ≡ empty) so one series is one line', async () => {
    const { text, series } = await render([
      family('m_empty', 'gauge', [
        { labels: { a: 'x', b: '' }, value: 1 },
        { labels: { a: 'x' }, value: 2 },
        { labels: { a: 'y', b: 'z' }, value: 3 },
      ]),
    ]);
    const parsed = parseExposition(text);
    expect(series).toBe(2);
    expect(parsed.samples).toEqual([
      { name: 'm_empty', labels: { a: 'x' }, value: 2 },
      { name: 'm_empty', labels: { a: 'y', b: 'z' }, value: 3 },
    ]);
    expect(text).not.toContain('=""');
  });

  it('cleans a labels object shared by several families once, and renders each family without the empty label', async () => {
    const shared = { account: 'a1', partition: '', user: 'u1' };
    const gauge = (name: string, value: number): MetricFamily => ({
      name,
      type: 'gauge',
      help: 'h',
      samples: [{ labels: shared, value }],
    });
    const r = await render([gauge('slurm_association_max_jobs', 5), gauge('slurm_association_grp_jobs', 9)]);
    expect(r.text).toContain('slurm_association_max_jobs{account="a1",user="u1"} 5\n');
    expect(r.text).toContain('slurm_association_grp_jobs{account="a1",user="u1"} 9\n');
    const [one, two] = (await r.registry.getMetricsAsJSON()).map((m) => m.values[0]?.labels);
    expect(one).toEqual({ account: 'a1', user: 'u1' });
    // One object for both (remote write encodes a labels object once).
    expect(one).toBe(two);
    expect(shared.partition).toBe(''); // the collector's object is left as it was
  });

  it('uses a fresh registry per call (the same names render twice without "already registered")', async () => {
    const fams = [family('m_fresh', 'gauge', [{ labels: {}, value: 1 }])];
    const a = await render(fams);
    const b = await render([family('m_fresh', 'gauge', [{ labels: {}, value: 2 }])]);
    expect(a.registry).not.toBe(b.registry);
    expect(parseExposition(a.text).samples[0]?.value).toBe(1);
    expect(parseExposition(b.text).samples[0]?.value).toBe(2);
  });

  it('renders counters with their TYPE and skips non-representable counter values', async () => {
    const { text, series } = await render([
      family('m_count_total', 'counter', [
        { labels: { k: 'a' }, value: 7 },
        { labels: { k: 'b' }, value: Number.POSITIVE_INFINITY },
        { labels: { k: 'c' }, value: -1 },
      ]),
    ]);
    const parsed = parseExposition(text);
    expect(parsed.types.get('m_count_total')).toBe('counter');
    expect(parsed.samples).toEqual([{ name: 'm_count_total', labels: { k: 'a' }, value: 7 }]);
    expect(series).toBe(1);
  });

  it('adds const labels to every sample; a sample label of the same name wins', async () => {
    const { text } = await render(
      [
        family('m_const', 'gauge', [
          { labels: { a: '1' }, value: 1 },
          { labels: { a: '2', cluster: 'other' }, value: 2 },
        ]),
      ],
      { constLabels: { cluster: 'c1', env: 'prod' } },
    );
    expect(parseExposition(text).samples.map((s) => s.labels)).toEqual([
      { cluster: 'c1', env: 'prod', a: '1' },
      { cluster: 'other', env: 'prod', a: '2' },
    ]);
  });

  it('merges families of the same name and type, and refuses the same name with another type', async () => {
    const merged = await render([
      family('m_dup', 'gauge', [{ labels: { a: '1' }, value: 1 }]),
      family('m_dup', 'gauge', [{ labels: { a: '2' }, value: 2 }]),
    ]);
    expect(parseExposition(merged.text).samples).toHaveLength(2);
    await expect(render([family('m_dup', 'gauge', []), family('m_dup', 'counter', [])])).rejects.toThrow(
      /m_dup is emitted both as gauge and as counter/,
    );
  });

  it('refuses invalid metric and label names with a message naming them', async () => {
    await expect(render([family('bad-name', 'gauge', [])])).rejects.toThrow(/"bad-name"/);
    await expect(
      render([family('m_ok', 'gauge', [{ labels: { 'bad label': 'x' }, value: 1 }])]),
    ).rejects.toThrow(/"bad label" of metric m_ok/);
    await expect(
      renderFamilies([family('m_ok2', 'gauge', [{ labels: { __reserved: 'x' }, value: 1 }])]),
    ).rejects.toThrow(/__reserved/);
  });

  it('renders many label sets (20 000 series) completely', async () => {
    const samples = Array.from({ length: 20_000 }, (_, i) => ({
      labels: { job_id: String(i), user: `u${i % 50}`, partition: `p${i % 4}` },
      value: i,
    }));
    const { text, series } = await render([family('slurm_job_cpus', 'gauge', samples)]);
    expect(series).toBe(20_000);
    const parsed = parseExposition(text);
    expect(parsed.samples[19_999]).toEqual({
      name: 'slurm_job_cpus',
      labels: { job_id: '19999', user: 'u49', partition: 'p3' },
      value: 19_999,
    });
  });

  it('makes one series of samples with the same label set: a gauge keeps the last value, a counter the sum', async () => {
    const { text, series } = await render([
      family('m_g', 'gauge', [
        { labels: { a: '1', b: 'x' }, value: 1 },
        { labels: { b: 'x', a: '1' }, value: 5 },
        { labels: { a: '1' }, value: 7 },
        { labels: { a: '1', b: '' }, value: 8 },
      ]),
      family('m_c', 'counter', [
        { labels: { a: '1' }, value: 2 },
        { labels: { a: '1' }, value: 3 },
      ]),
      family('m_c', 'counter', [{ labels: { a: '1' }, value: 4 }]),
    ]);
    const parsed = parseExposition(text);
    // {a=1,b=x} twice (key order differs) → 5; {a=1} and {a=1,b=""} are the same series → 8.
    expect(parsed.samples.filter((s) => s.name === 'm_g')).toEqual([
      { name: 'm_g', labels: { a: '1', b: 'x' }, value: 5 },
      { name: 'm_g', labels: { a: '1' }, value: 8 },
    ]);
    expect(parsed.samples.filter((s) => s.name === 'm_c')).toEqual([
      { name: 'm_c', labels: { a: '1' }, value: 9 },
    ]);
    expect(series).toBe(3);
  });

  it('never merges label sets that differ only around its key separators', async () => {
    const values = ['\u0001', '', 'a\u0000b', 'a', 'b', '\u0000', 'a\u0000', '\u0001\u0000'];
    const samples = values.flatMap((x, i) =>
      values.map((y, j) => ({ labels: { x, y, i: String(i), j: String(j) }, value: i * 10 + j })),
    );
    const stripped = samples.map((s) => ({ labels: { x: s.labels.x, y: s.labels.y }, value: s.value }));
    const { series } = await render([family('m_sep', 'gauge', stripped)]);
    const distinct = new Set(stripped.map((s) => JSON.stringify([s.labels.x || null, s.labels.y || null])));
    expect(series).toBe(distinct.size);
  });

  it('streams the same bytes as prom-client renders for the registry, in bounded chunks', async () => {
    const shared = { user: 'alice', state: 'running' };
    const big: MetricFamily['samples'] = [];
    for (let i = 0; i < 20_000; i++)
      big.push({ labels: { node: `n${i}`, partition: 'p"1' }, value: i * 1.5 });
    const fams = [
      family('m_a', 'gauge', [
        { labels: { a: '1' }, value: 1 },
        { labels: { a: '1' }, value: 2 },
        { labels: { a: '2' }, value: Number.NaN },
        { labels: { a: '3' }, value: Number.POSITIVE_INFINITY },
        { labels: { a: '4' }, value: Number.NEGATIVE_INFINITY },
        { labels: { a: '5' }, value: 1e21 },
        { labels: { a: '6' }, value: -0.000001 },
        // Integers are written digit by digit: the edges of that path, and the numbers just outside it.
        { labels: { a: '7' }, value: -0 },
        { labels: { a: '8' }, value: Number.MAX_SAFE_INTEGER },
        { labels: { a: '9' }, value: -Number.MAX_SAFE_INTEGER },
        { labels: { a: '10' }, value: 2 ** 53 },
        { labels: { a: '11' }, value: 1e20 },
        { labels: { a: '12' }, value: 10 },
        { labels: { a: '13' }, value: -9 },
        { labels: { a: '14' }, value: 5e-324 },
        { labels: { a: '15' }, value: 123456789.25 },
      ]),
      family('m_c', 'counter', [
        { labels: { a: '1' }, value: 3 },
        { labels: { a: '2' }, value: -1 },
      ]),
      family('m_e', 'gauge', [], 'help with \\ backslash\nand newline'),
      family(
        'm_adv',
        'gauge',
        ADVERSARIAL.map((v, i) => ({ labels: { v, i: String(i) }, value: i })),
      ),
      family('m_u1', 'gauge', [{ labels: shared, value: 1 }]),
      family('m_u2', 'gauge', [{ labels: shared, value: 2 }]),
      family('m_big', 'gauge', big),
      family('m_plain', 'gauge', [{ labels: {}, value: 7 }]),
    ];
    const r = await renderFamilies(fams, { constLabels: { cluster: 'c' } });
    const chunks: Buffer[] = [];
    for await (const c of r.text()) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    // prom-client renders the same registry (NaN spelled as Prometheus spells it).
    expect(text).toBe(fixSpecialValues(await r.registry.metrics()));
    expect(text).toContain('m_a{cluster="c",a="2"} NaN\n');
    expect(r.series).toBe(parseExposition(text).samples.length);
    // Bounded chunks: at most 64 KB each, unless one line is longer (the 10 000-character label value).
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(64 * 1024);
    // Read twice: rendered again from the registry, the same text.
    expect(await joinChunks(r.text())).toBe(text);
    const empty = await renderFamilies([]);
    expect(await joinChunks(empty.text())).toBe(await empty.registry.metrics());
  });
});

describe('SampleLineCounter', () => {
  it('counts sample lines across any chunk boundaries, never comments or empty lines', () => {
    const text = Buffer.from(
      '# HELP m h\n# TYPE m gauge\nm{a="x"} 1\nm{a="#ü"} 2\n\n\n# HELP n h\nn 3\nn_last 4',
    );
    for (const size of [1, 2, 3, 5, 8, 13, text.length]) {
      const c = new SampleLineCounter();
      for (let i = 0; i < text.length; i += size) c.add(text.subarray(i, i + size));
      expect(c.count, `chunks of ${size}`).toBe(4);
    }
    const none = new SampleLineCounter();
    none.add(Buffer.alloc(0));
    none.add(Buffer.from('\n# only\n'));
    expect(none.count).toBe(0);
  });
});
