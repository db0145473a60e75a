/** Regenerates docs/metrics.md from the collector catalog: `npx tsx scripts/gen-metrics-docs.ts`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMetricsDocs } from '../lib/collectors/catalog.js';

const target = fileURLToPath(new URL('../docs/metrics.md', import.meta.url));
writeFileSync(target, renderMetricsDocs());
process.stdout.write(`wrote ${target}\n`);
