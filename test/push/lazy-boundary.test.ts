import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Value (non-type) import specifiers of a source file. */
function valueImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)) out.push(m[1] as string);
  return out;
}

/** Every package reached by static value imports from `entry`, following relative imports. */
function staticPackages(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of valueImports(file)) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(path.join(ROOT, entry));
  return { packages, files };
}

describe('lazy bundle boundary', () => {
  it('remote-write.ts statically reaches only hysnappy and node built-ins', () => {
    const { packages, files } = staticPackages('lib/push/remote-write.ts');
    const foreign = [...packages].filter((p) => !p.startsWith('node:'));
    expect(foreign.sort()).toEqual(['hysnappy']);
    // In particular no HTTP client (injected as `send`): no http.ts.
    expect([...files].some((f) => f.endsWith('lib/push/http.ts'))).toBe(false);
  });

  it('remote-write.ts reaches the SigV4 code only through the lazy loader', () => {
    const { files } = staticPackages('lib/push/remote-write.ts');
    expect([...files].some((f) => f.endsWith('lib/push/sigv4.ts'))).toBe(false);
    const { packages } = staticPackages('lib/push/sigv4.ts');
    expect([...packages].filter((p) => !p.startsWith('node:')).sort()).toEqual([
      '@aws-crypto/sha256-js',
      '@smithy/protocol-http',
      '@smithy/signature-v4',
    ]);
  });

  it('the push factory never imports remote-write.ts statically', () => {
    const { files } = staticPackages('lib/push/index.ts');
    expect([...files].some((f) => f.endsWith('lib/push/remote-write.ts'))).toBe(false);
  });
});
