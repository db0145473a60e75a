/**
 * The README's "most sites set" configuration table, generated from the schema (descriptions and defaults are
 * the schema's own), so it cannot drift: `npx tsx scripts/gen-readme.ts` rewrites it, a test compares.
 */
import { CONFIG_FIELDS } from '../config/index.js';

/** Config keys shown in the README, in this order. The full list is docs/configuration.md. */
export const README_FIELDS = [
  'slurm.base_url',
  'slurm.api_version',
  'slurm.auth.type',
  'slurm.auth.username',
  'secret_id',
  'cluster_name',
  'push.type',
  'push.url',
  'push.auth.type',
  'logging.level',
  'metrics.naming',
  'collectors.jobs.per_job',
  'observability.tracing.enabled',
  'health.max_staleness',
] as const;

export const README_TABLE_START = '<!-- config-table:start -->';
export const README_TABLE_END = '<!-- config-table:end -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderReadmeTable(): string {
  const rows = README_FIELDS.map((path) => {
    const f = CONFIG_FIELDS.find((x) => x.path === path);
    if (!f) throw new Error(`README table names ${path}, which is not in the config schema`);
    const def =
      f.default === ''
        ? '`""`'
        : `\`${typeof f.default === 'string' ? f.default : JSON.stringify(f.default)}\``;
    return `| \`${f.env}\` | ${def} | ${cell(f.description)} |`;
  });
  return ['| Env var | Default | Description |', '|---|---|---|', ...rows].join('\n');
}

/** README text with the table section replaced by the generated one. */
export function withReadmeTable(readme: string): string {
  const start = readme.indexOf(README_TABLE_START);
  const end = readme.indexOf(README_TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md lacks the config-table markers');
  return `${readme.slice(0, start + README_TABLE_START.length)}\n${renderReadmeTable()}\n${readme.slice(end)}`;
}
