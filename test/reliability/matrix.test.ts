/**
 * Keeps docs/reliability.md honest: every test its tables name exists (in the file named), and every test of
 * the reliability suites is listed. Test names are read from the sources (`it('…'` and `it.each(…)('…'`), so
 * a renamed or removed test breaks this file rather than silently leaving the document stale.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = path.join(ROOT, 'docs/reliability.md');

/** Test names declared in a test file: `it('name'`, `it.each(...)('name'` and `test(...)`. */
function testNames(source: string): string[] {
  const names: string[] = [];
  // it( / test( / it.each(<table>)( — the table may span lines, so match the call that takes the name.
  const re = /\b(?:it|test)(?:\.each\([\s\S]*?\)\s*)?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const m of source.matchAll(re)) names.push(unescapeJs(m[2] ?? ''));
  return names;
}

function unescapeJs(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** `file › name` pairs from the last column of every table row in the document. */
function documentedTests(markdown: string): { file: string; name: string; line: number }[] {
  const out: { file: string; name: string; line: number }[] = [];
  markdown.split('\n').forEach((line, i) => {
    if (!line.startsWith('|')) return;
    const m = /`([^`]+\.test\.ts)` › `([^`]+)` \|\s*$/.exec(line);
    if (m) out.push({ file: m[1] as string, name: m[2] as string, line: i + 1 });
  });
  return out;
}

function suiteFiles(): string[] {
  const dir = path.join(ROOT, 'test/reliability');
  return [
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `test/reliability/${f}`),
    'test/e2e/reliability.test.ts',
  ];
}

describe('docs/reliability.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  const listed = documentedTests(doc);

  it('finds test names in sources, including it.each tables spanning lines', () => {
    const src = `it('a \\'b\\'', () => {});\nit.each([\n  [1, 2],\n])('case %i', () => {});\ntest("c", () => {});`;
    expect(testNames(src)).toEqual(["a 'b'", 'case %i', 'c']);
  });

  it('names only tests that exist, in the files it names', () => {
    expect(listed.length).toBeGreaterThan(40);
    const missing = listed.filter(
      (t) => !testNames(readFileSync(path.join(ROOT, t.file), 'utf8')).includes(t.name),
    );
    expect(missing.map((t) => `line ${t.line}: ${t.file} › ${t.name}`)).toEqual([]);
  });

  it('lists every test of test/reliability and test/e2e/reliability.test.ts', () => {
    const unlisted: string[] = [];
    for (const file of suiteFiles()) {
      if (file.endsWith('matrix.test.ts')) continue; // this file checks the document; it is not a case
      for (const name of testNames(readFileSync(path.join(ROOT, file), 'utf8'))) {
        if (!listed.some((t) => t.file === file && t.name === name)) unlisted.push(`${file} › ${name}`);
      }
    }
    expect(unlisted).toEqual([]);
  });

  it('every reliability test file registers the secrets it uses', () => {
    // The suite-wide log scan (test/setup/secret-scan.ts) only knows registered and well-known secrets.
    const config = readFileSync(path.join(ROOT, 'vitest.config.ts'), 'utf8');
    expect(config.match(/setupFiles: \['test\/setup\/secret-scan\.ts'\]/g)).toHaveLength(2);
    for (const file of suiteFiles()) {
      if (file.endsWith('matrix.test.ts')) continue; // its own pattern would match itself
      const src = readFileSync(path.join(ROOT, file), 'utf8');
      const usesSecret =
        /\bTEST_(SLURM_TOKEN|PUSH_PASSWORD|BEARER_TOKEN|BASIC_PASSWORD|API_KEY)\b|'tst-/.test(src);
      if (usesSecret) expect(src, file).toMatch(/registerTestSecret\(/);
    }
  });
});
