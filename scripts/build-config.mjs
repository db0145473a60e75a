// The esbuild options of every bundle in dist/ (scripts/build.mjs), shared with the tests that build the lazily
// loaded bundles into a temporary directory to check their run-time boundary.

import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
export const ENTRIES = {
  collect: 'functions/collect.ts',
  health: 'functions/health.ts',
  cli: 'lib/cli/main.ts',
  'tracing-sdk': 'lib/observability/tracing-sdk.ts',
  'remote-write': 'lib/push/remote-write.ts',
  sigv4: 'lib/push/sigv4.ts',
  bench: 'bench/run.ts',
  'bench-exporter': 'bench/exporter-main.ts',
};

// lib/lazy.ts names the lazily loaded modules with literal import()s for the unbundled (vitest/tsx) path.
// In the bundle that branch is dead, but esbuild would still inline the targets: keep them external there.
const keepLazyModulesOut = {
  name: 'keep-lazy-modules-out',
  setup(b) {
    b.onResolve({ filter: /\/(tracing-sdk|remote-write|sigv4)\.js$/ }, (args) =>
      args.importer.endsWith('lazy.ts') ? { path: args.path, external: true } : undefined,
    );
  },
};

const common = {
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  metafile: true,
  plugins: [keepLazyModulesOut],
  logLevel: 'warning',
  define: {
    __BUNDLED__: 'true',
    __VERSION__: JSON.stringify(pkg.version),
  },
};

// The two Lambda functions leave the AWS SDK out: the nodejs22.x runtime ships AWS SDK v3 (@aws-sdk/* and its
// @smithy/* dependencies, resolved through NODE_PATH=/var/runtime/node_modules), and bundling it made
// collect.cjs ~1.4 MB (cold start parses every byte). Locally they resolve from node_modules. The lazily loaded
// bundles (remote write, SigV4, OpenTelemetry) and the CLI stay self-contained. See docs/performance.md.
const LAMBDA_ENTRIES = new Set(['collect', 'health']);

/** esbuild option sets (one per build call) for the named entries (default: all that exist) into `outdir`. */
export function buildOptions(outdir = 'dist', names = Object.keys(ENTRIES)) {
  const entries = Object.entries(ENTRIES).filter(([name, file]) => names.includes(name) && existsSync(file));
  const pick = (lambda) =>
    Object.fromEntries(entries.filter(([name]) => LAMBDA_ENTRIES.has(name) === lambda));
  return [
    { ...common, outdir, entryPoints: pick(true), external: ['@aws-sdk/*', '@smithy/*'] },
    { ...common, outdir, entryPoints: pick(false) },
  ].filter((o) => Object.keys(o.entryPoints).length > 0);
}
