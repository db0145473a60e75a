#!/usr/bin/env node
// Package bin: runs the prebuilt CLI bundle. `npm ci` builds it (prepare script); `npm run build` rebuilds it.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write('slurm-push: dist/cli.cjs is missing; run `npm run build` first\n');
  process.exit(1);
}
require(bundle);
