/**
 * docs/performance.md quotes bench/results.json: its marked tables must be exactly what bench/report.ts makes
 * of the file (the benchmark rewrites them; a hand edit or a stale page fails here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  costTable,
  deployedNodeOptions,
  pairedRatio,
  resultsTable,
  scenarioRuns,
  slopeTable,
  targetChecks,
  withTables,
} from '../../bench/report.js';

const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>[];
const page = readFileSync('docs/performance.md', 'utf8');

describe('docs/performance.md tables', () => {
  it('equal the tables made from bench/results.json', () => {
    expect(withTables(page, results)).toBe(page);
  });

  it('hold one row per measured run, with the figures of that run', () => {
    const runs = scenarioRuns(results);
    expect(runs.length).toBeGreaterThanOrEqual(8);
    const rows = resultsTable(results).split('\n').slice(2);
    expect(rows).toHaveLength(runs.length);
    for (const [i, run] of runs.entries()) {
      expect(rows[i]).toContain(`| ${run.api_version} |`);
      expect(rows[i]).toContain(
        `| ${(run.peak_rss_mb as number).toFixed(1)} (${(run.peak_rss_two_invocations_mb as number).toFixed(1)}) |`,
      );
    }
    expect(costTable(results).split('\n')).toHaveLength(runs.length + 2);
    expect(slopeTable(results)).toMatch(/\*\*\d+\.\d\d MB per 10k jobs\*\*/);
  });

  it('were measured with the NODE_OPTIONS serverless.yml deploys', () => {
    const flags = deployedNodeOptions(readFileSync('serverless.yml', 'utf8'));
    const deployed = scenarioRuns(results).filter((l) => l.flags_from === 'serverless.yml');
    expect(deployed.length).toBeGreaterThanOrEqual(8);
    for (const run of deployed) expect(run.v8_flags).toEqual(flags);
    // `$\{` keeps the template literal from reading the placeholder: the text is `${param:…}`.
    const yml = `NODE_OPTIONS: $\{param:nodeOptions, '--a=1  --b'}`;
    expect(deployedNodeOptions(yml)).toEqual(['--a=1', '--b']);
    expect(() => deployedNodeOptions('NODE_OPTIONS: --a')).toThrow(/serverless.yml/);
  });

  it('refuses a page without the markers', () => {
    expect(() => withTables('# no tables here\n', results)).toThrow(/markers <!-- bench:\w+ -->/);
  });

  /** A 100k-job line of the matrix that meets its targets, changed by `over`. */
  const run = (over: Record<string, unknown>) => ({
    scenario: '10k-nodes-100k-jobs',
    jobs: 100_000,
    api_version: 'v0.0.38',
    max_requests_per_endpoint: 1,
    peak_rss_mb: 150,
    ratio: 0.9,
    ...over,
  });

  it('judges each target on the worst measured run', () => {
    const lines = [
      run({}),
      run({ ratio: 1.05, peak_rss_mb: 170 }),
      run({ ratio: 0.5, peak_rss_mb: 120, v8_flags: ['--optimize-for-size'], flags_from: 'comparison' }),
      { rss_slope_mb_per_10k_jobs: 1.5 },
      {
        cold_start: { bundle_kb: { collect: 900 }, require_collect_ms_median: 151, lazy_code_in_collect: [] },
      },
    ];
    const checks = targetChecks(lines);
    expect(checks.map((t) => t.met)).toEqual([false, false, true, true, true, true, false, true]);
    expect(checks[0]?.value).toBe(1.05);
    expect(checks[1]?.value).toBe(170);
    expect(checks[2]?.value).toBe(120);
  });

  it('judges memory and requests on both invocations of a run', () => {
    const warmGrew = targetChecks([
      run({ peak_rss_two_invocations_mb: 175, warm_max_requests_per_endpoint: 1 }),
    ]);
    expect(warmGrew[1]).toMatchObject({ value: 175, met: false });
    expect(warmGrew.find((t) => t.target.startsWith('HTTP requests'))).toMatchObject({ value: 1, met: true });
    const warmRefetched = targetChecks([
      run({ peak_rss_two_invocations_mb: 151, warm_max_requests_per_endpoint: 2 }),
    ]);
    expect(warmRefetched[1]).toMatchObject({ value: 151, met: true });
    expect(warmRefetched.find((t) => t.target.startsWith('HTTP requests'))).toMatchObject({
      value: 2,
      met: false,
    });
  });
});

describe('pairedRatio', () => {
  it('is the median of each run over the floor measured after it, with the ratio of medians beside it', () => {
    // A slow spell hits run 2 and its floor alike; the paired ratio is not moved by it.
    const r = pairedRatio([1900, 2900, 1950, 1880, 2000], [2000, 3000, 2000, 1900, 2100]);
    expect(r.ratio_runs).toEqual([0.95, 0.97, 0.98, 0.99, 0.95]);
    expect(r.ratio).toBe(0.97);
    expect(r.ratio_of_medians).toBe(0.98); // 1950 / 2000
    expect(pairedRatio([2000, 2100], [1900, 2000]).ratio).toBe(1.05); // even count: mean of the middle two
    expect(() => pairedRatio([1], [1, 2])).toThrow(/1 runs for 2 floors/);
  });
});
