// Builds every deployable/runnable artifact with esbuild into dist/ (CJS, node20 target, minified, sourcemaps).
// The same bundles run locally (Node 20), in tests that exercise dist/, and in Lambda (nodejs22.x).
// Heavy optional code (OpenTelemetry SDK, remote write + SigV4) is built as separate files that lib/lazy.ts
// loads only when configured, so a default cold start never parses it.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const entries = {
  collect: 'functions/collect.ts',
  health: 'functions/health.ts',
  cli: 'lib/cli/main.ts',
  'tracing-sdk': 'lib/observability/tracing-sdk.ts',
  'remote-write': 'lib/push/remote-write.ts',
  bench: 'bench/run.ts',
  'bench-exporter': 'bench/exporter-main.ts',
};
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));
mkdirSync('dist', { recursive: true });

// lib/lazy.ts names the lazily loaded modules with literal import()s for the unbundled (vitest/tsx) path.
// In the bundle that branch is dead, but esbuild would still inline the targets: keep them external there.
const keepLazyModulesOut = {
  name: 'keep-lazy-modules-out',
  setup(b) {
    b.onResolve({ filter: /\/(tracing-sdk|remote-write)\.js$/ }, (args) =>
      args.importer.endsWith('lazy.ts') ? { path: args.path, external: true } : undefined,
    );
  },
};
const common = {
  outdir: 'dist',
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
// bundles (remote write with SigV4, OpenTelemetry) and the CLI stay self-contained. See docs/performance.md.
const lambdaEntries = new Set(['collect', 'health']);
const pick = (lambda) =>
  Object.fromEntries(Object.entries(entryPoints).filter(([name]) => lambdaEntries.has(name) === lambda));
const results = await Promise.all([
  build({ ...common, entryPoints: pick(true), external: ['@aws-sdk/*', '@smithy/*'] }),
  build({ ...common, entryPoints: pick(false) }),
]);
// Always written (small, never packaged): the benchmark reads it to report what is inside dist/collect.cjs.
// `--metafile` is still accepted for scripts that pass it.
const metafile = { inputs: {}, outputs: {} };
for (const r of results) {
  Object.assign(metafile.inputs, r.metafile.inputs);
  Object.assign(metafile.outputs, r.metafile.outputs);
}
writeFileSync('dist/meta.json', JSON.stringify(metafile));
