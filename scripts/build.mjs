// Builds every deployable/runnable artifact with esbuild into dist/ (CJS, node20 target, minified, sourcemaps).
// The same bundles run locally (Node 20), in tests that exercise dist/, and in Lambda (nodejs22.x).
// Heavy optional code (OpenTelemetry SDK, remote write, SigV4) is built as separate files that lib/lazy.ts
// loads only when configured, so a default cold start never parses it. The options live in build-config.mjs.

import { mkdirSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { buildOptions } from './build-config.mjs';

mkdirSync('dist', { recursive: true });
const results = await Promise.all(buildOptions('dist').map((o) => build(o)));
// Always written (small, never packaged): the benchmark reads it to report what is inside dist/collect.cjs.
const metafile = { inputs: {}, outputs: {} };
for (const r of results) {
  Object.assign(metafile.inputs, r.metafile.inputs);
  Object.assign(metafile.outputs, r.metafile.outputs);
}
writeFileSync('dist/meta.json', JSON.stringify(metafile));
