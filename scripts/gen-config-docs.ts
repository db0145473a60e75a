/** Regenerates docs/configuration.md from the config schema: `npx tsx scripts/gen-config-docs.ts`. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigDocs } from '../lib/config/docs.js';

const target = path.resolve(import.meta.dirname, '../docs/configuration.md');
writeFileSync(target, renderConfigDocs());
console.log(`wrote ${target}`);
