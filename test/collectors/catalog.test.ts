import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  catalogEntries,
  knownMetricNames,
  renderMetricsDocs,
  SELF_METRIC_NAMES,
} from '../../lib/collectors/catalog.js';
import { COLLECTORS } from '../../lib/collectors/index.js';
import { LEGACY_METRICS } from '../../lib/collectors/naming.js';
import { runCollectors } from '../../lib/collectors/run.js';
import { NOW, richData } from './fixtures.js';
import { MemorySource } from './memory-source.js';

const docPath = (name: string): string => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));
const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Metric names in a PromQL expression: identifiers starting with slurm_ or push_, not inside quotes. */
function metricNamesIn(expr: string): string[] {
  const unquoted = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...unquoted.matchAll(/\b(?:slurm|push)_[a-zA-Z0-9_:]*/g)].map((m) => m[0]);
}

describe('metric catalog', () => {
  it('declares unique, valid names', () => {
    const names = catalogEntries().map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of [...names, ...SELF_METRIC_NAMES]) expect(n).toMatch(NAME_RE);
    for (const m of catalogEntries()) for (const l of m.labels) expect(l).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
    // `cluster` belongs to the runner; no collector may declare it.
    expect(catalogEntries().filter((m) => m.labels.includes('cluster'))).toEqual([]);
  });

  it('declares every family a full run emits, with the same type and label names', async () => {
    const res = await runCollectors({
      collectors: Object.values(COLLECTORS),
      source: new MemorySource(richData()),
      now: () => NOW * 1000,
      options: { jobs: { perJob: true }, scheduler: { rpcTopUsers: 5 } },
    });
    expect(res.statuses.every((s) => s.ok)).toBe(true);
    const defs = new Map(catalogEntries().map((m) => [m.name, m]));
    for (const f of res.families) {
      const def = defs.get(f.name);
      expect(def, f.name).toBeDefined();
      expect(f.type, f.name).toBe(def?.type);
      // A label whose value is empty is left out of the sample (Prometheus reads `l=""` as no label).
      const declared = new Set(['cluster', ...(def?.labels ?? [])]);
      for (const s of f.samples) {
        expect(s.labels.cluster, f.name).toBeDefined();
        for (const name of Object.keys(s.labels)) expect(declared.has(name), `${f.name} ${name}`).toBe(true);
      }
      // No family carries a label set twice (assembly trusts the families collectors build to be distinct).
      const sets = f.samples.map((s) => JSON.stringify(Object.entries(s.labels).sort()));
      expect(new Set(sets).size, f.name).toBe(sets.length);
    }
    // The rich model exercises almost the whole catalog.
    const emitted = new Set(res.families.map((f) => f.name));
    const missing = [...defs.keys()].filter((n) => !emitted.has(n));
    expect(missing).toEqual([]);
  });

  it('maps legacy names only from native names in the catalog', () => {
    const names = new Set(catalogEntries().map((m) => m.name));
    for (const list of Object.values(LEGACY_METRICS))
      for (const m of list) expect(names.has(m.native), m.native).toBe(true);
  });

  it('docs/metrics.md is up to date (regenerate: npx tsx scripts/gen-metrics-docs.ts)', () => {
    expect(readFileSync(docPath('metrics.md'), 'utf8')).toBe(renderMetricsDocs());
  });

  it('docs/alerts.yml references only known metrics', () => {
    const doc = parse(readFileSync(docPath('alerts.yml'), 'utf8')) as {
      groups: { rules: { expr: string }[] }[];
    };
    const used = doc.groups.flatMap((g) => g.rules.flatMap((r) => metricNamesIn(String(r.expr))));
    expect(used.length).toBeGreaterThan(10);
    const known = knownMetricNames();
    expect(used.filter((n) => !known.has(n))).toEqual([]);
    expect(used).toEqual(
      expect.arrayContaining(['slurm_up', 'push_time_seconds', 'slurm_exporter_collector_success']),
    );
  });

  it('docs/grafana-dashboard.json is a dashboard referencing only known metrics', () => {
    const dash = JSON.parse(readFileSync(docPath('grafana-dashboard.json'), 'utf8')) as {
      uid: string;
      panels: { targets: { expr: string }[] }[];
      templating: { list: { query?: unknown }[] };
    };
    expect(dash.uid).toBeTruthy();
    const exprs = [
      ...dash.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dash.templating.list.map((v) => JSON.stringify(v.query ?? '')),
    ];
    const used = exprs.flatMap(metricNamesIn);
    expect(dash.panels.length).toBeGreaterThanOrEqual(6);
    const known = knownMetricNames();
    expect(used.filter((n) => !known.has(n))).toEqual([]);
  });
});
