/** Regenerates the configuration table in README.md from the schema: `npx tsx scripts/gen-readme.ts`. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withReadmeTable } from '../lib/app/readme-table.js';

const target = path.resolve(import.meta.dirname, '../README.md');
writeFileSync(target, withReadmeTable(readFileSync(target, 'utf8')));
console.log(`wrote ${target}`);
