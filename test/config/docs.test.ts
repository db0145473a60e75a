import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from '../../lib/config/docs.js';
import { CONFIG_FIELDS, META_ENV } from '../../lib/config/fields.js';

const DOCS_FILE = path.resolve(import.meta.dirname, '../../docs/configuration.md');

describe('renderConfigDocs', () => {
  it('matches the committed docs/configuration.md (regenerate with `npx tsx scripts/gen-config-docs.ts`)', () => {
    const committed = readFileSync(DOCS_FILE, 'utf8');
    expect(
      committed === renderConfigDocs(),
      'docs/configuration.md is out of date: run `npx tsx scripts/gen-config-docs.ts` and commit the result',
    ).toBe(true);
  });

  it('has one table row per field with env name, key, default and the secret marker', () => {
    const docs = renderConfigDocs();
    for (const f of CONFIG_FIELDS) {
      const row = docs.split('\n').find((l) => l.startsWith(`| \`${f.env}\` | \`${f.path}\` |`));
      expect(row, f.env).toBeDefined();
      expect(row?.includes('**secret**')).toBe(f.secret);
    }
    expect(docs).toContain('| `SLURM_EXPORTER_SLURM_TIMEOUT` | `slurm.timeout` | duration | `30s` |');
  });

  it('documents sources, precedence, the secret layout, meta variables and durations', () => {
    const docs = renderConfigDocs();
    expect(docs).toContain('## Sources and precedence');
    expect(docs).toContain('## The secret');
    expect(docs).toContain('`token` → `slurm.auth.token`');
    expect(docs).toContain(META_ENV.configFile);
    expect(docs).toContain(META_ENV.config);
    expect(docs).toContain('Go duration');
  });
});
