import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withReadmeTable } from '../../lib/app/readme-table.js';
import { ENV_NAMES } from '../../lib/config/index.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('README.md', () => {
  it('has the generated configuration table (regenerate: npx tsx scripts/gen-readme.ts)', () => {
    expect(readme).toBe(withReadmeTable(readme));
  });

  it('names only SLURM_EXPORTER_* variables that exist', () => {
    const used = new Set([...readme.matchAll(/\b(SLURM_EXPORTER_[A-Z0-9_]+)\b/g)].map((m) => m[1] as string));
    const known = new Set([...ENV_NAMES, 'SLURM_EXPORTER_CONFIG_FILE', 'SLURM_EXPORTER_CONFIG']);
    expect([...used].filter((n) => !known.has(n) && !n.endsWith('_'))).toEqual([]);
  });

  it('gives the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
