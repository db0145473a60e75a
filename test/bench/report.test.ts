/**
 * docs/performance.md quotes bench/results.json: its marked tables must be exactly what bench/report.ts makes
 * of the file (the benchmark rewrites them; a hand edit or a stale page fails here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costTable, resultsTable, scenarioRuns, slopeTable, withTables } from '../../bench/report.js';

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
      expect(rows[i]).toContain(`| ${(run.peak_rss_mb as number).toFixed(1)} |`);
    }
    expect(costTable(results).split('\n')).toHaveLength(runs.length + 2);
    expect(slopeTable(results)).toMatch(/\*\*\d+\.\d\d MB per 10k jobs\*\*/);
  });

  it('refuses a page without the markers', () => {
    expect(() => withTables('# no tables here\n', results)).toThrow(/bench:results/);
  });
});
