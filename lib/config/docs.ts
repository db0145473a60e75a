/**
 * Renders docs/configuration.md from the schema metadata. `scripts/gen-config-docs.ts` writes the file and
 * test/config/docs.test.ts fails when the committed file differs from this output.
 */
import { CONFIG_FIELDS, type ConfigField, META_ENV } from './fields.js';
import { SECRET_SHORT_KEYS } from './sources.js';

const KIND_TEXT: Record<ConfigField['kind'], string> = {
  string: 'string',
  url: 'URL',
  boolean: 'boolean',
  integer: 'integer',
  number: 'number',
  duration: 'duration',
  enum: 'enum',
  list: 'list',
  map: 'map',
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeText(f: ConfigField): string {
  if (f.kind === 'enum' && f.values !== undefined) {
    return f.values.map((v) => (v === '' ? '`""`' : `\`${v}\``)).join(' \\| ');
  }
  return KIND_TEXT[f.kind];
}

function defaultText(f: ConfigField): string {
  const d = f.default;
  if (d === '') return '`""`';
  if (Array.isArray(d)) return d.length === 0 ? '`[]`' : `\`${d.join(',')}\``;
  if (d !== null && typeof d === 'object')
    return Object.keys(d).length === 0 ? '`{}`' : `\`${JSON.stringify(d)}\``;
  return `\`${String(d)}\``;
}

function fieldTable(fields: readonly ConfigField[]): string[] {
  const lines = ['| Env var | Config key | Type | Default | Description |', '|---|---|---|---|---|'];
  for (const f of fields) {
    const description = (f.secret ? '🔒 **secret** — ' : '') + f.description;
    lines.push(
      `| \`${f.env}\` | \`${f.path}\` | ${typeText(f)} | ${defaultText(f)} | ${cell(description)} |`,
    );
  }
  return lines;
}

/** The whole docs/configuration.md text. */
export function renderConfigDocs(): string {
  const sections = new Map<string, ConfigField[]>();
  for (const f of CONFIG_FIELDS) {
    const section = f.keys.length === 1 ? '(top level)' : (f.keys[0] as string);
    const list = sections.get(section) ?? [];
    list.push(f);
    sections.set(section, list);
  }
  const secretFields = CONFIG_FIELDS.filter((f) => f.secret);
  const shortKeys = Object.entries(SECRET_SHORT_KEYS).map(([k, path]) => `\`${k}\` → \`${path}\``);

  const out: string[] = [
    '# Configuration',
    '',
    '<!-- Generated from lib/config/schema.ts by `npx tsx scripts/gen-config-docs.ts`. Do not edit by hand. -->',
    '',
    'Every setting has a default, a config key and an environment variable. The variable name is',
    '`SLURM_EXPORTER_` followed by the key path in upper case, joined with `_`',
    '(`observability.tracing.sample_rate` → `SLURM_EXPORTER_OBSERVABILITY_TRACING_SAMPLE_RATE`).',
    '',
    '## Sources and precedence',
    '',
    'Lowest to highest; a later source replaces single values of an earlier one (maps and lists are replaced whole):',
    '',
    '1. **Defaults** from the schema (the tables below).',
    `2. **Config document**: the YAML or JSON file named by \`${META_ENV.configFile}\`, then the inline YAML/JSON`,
    `   document in \`${META_ENV.config}\` (inline wins over the file).`,
    '3. **The secret** in AWS Secrets Manager named by `secret_id` (see [The secret](#the-secret)).',
    '4. **Environment variables** `SLURM_EXPORTER_*`. Empty values are ignored (deployment templates render unset',
    '   parameters as `""`); values are trimmed.',
    '5. **Overrides** from the caller: the schedule event input (per-cluster settings, e.g.',
    '   `{"cluster_name":"hpc2","secret_id":"slurm/hpc2"}`) and CLI flags, as a nested partial config.',
    '',
    '`secret_id` and `secret_max_age` can come from the document, env or overrides, not from the secret itself.',
    'Unknown `SLURM_EXPORTER_*` variables and unknown keys are reported as warnings (probably typos), not errors.',
    'Rules that involve several fields are checked after all sources are merged, so a token that only the secret',
    'provides is fine. Every problem is reported at once, each naming the env var and the config key.',
    '',
    '## Value formats',
    '',
    '- **boolean**: `true`/`false`, `1`/`0`, `yes`/`no` (any case).',
    '- **integer**, **number**: decimal; `_` separators are allowed in env (`1_000_000`).',
    '- **duration**: a Go duration string — a sequence of numbers with units `ns`, `us` (`µs`), `ms`, `s`, `m`, `h`,',
    '  e.g. `30s`, `1m30s`, `500ms`, `1.5h`, `2h45m`. `0` alone is zero. In the parsed config durations are',
    '  milliseconds (a number given in a document or override is taken as milliseconds).',
    '- **list**: comma-separated in env (`nodes_*,jobs_*`), a sequence in YAML/JSON.',
    '- **map**: `k=v,k2=v2` or a JSON object in env (`{"k":"v"}`), a mapping in YAML/JSON.',
    '- **enum**: one of the listed values (any case).',
    '- **URL**: an absolute `http://` or `https://` URL; `""` means not set.',
    '',
    '## The secret',
    '',
    'Set `secret_id` (`SLURM_EXPORTER_SECRET_ID`) to the name or ARN of a Secrets Manager secret whose',
    '`SecretString` is a JSON object. Its keys may be, in any mix:',
    '',
    '- nested config, e.g. `{"slurm": {"auth": {"token": "…"}}, "push": {"auth": {"password": "…"}}}`;',
    '- env var names, e.g. `{"SLURM_EXPORTER_SLURM_AUTH_TOKEN": "…"}`;',
    `- the short convenience keys ${shortKeys.join(', ')}.`,
    '',
    'Example:',
    '',
    '```json',
    '{',
    '  "token": "eyJhbGciOi…",',
    '  "SLURM_EXPORTER_PUSH_AUTH_PASSWORD": "…",',
    '  "health": { "token": "…" }',
    '}',
    '```',
    '',
    'The secret is cached for `secret_max_age` (whole seconds; `0s` disables the cache) across warm invocations and',
    're-read at once when slurmrestd rejects the token (`load({ forceSecretRefresh: true })`). The client uses',
    '`AWS_REGION` (default `us-east-1`) and honours `AWS_ENDPOINT_URL_SECRETS_MANAGER`. The function role needs',
    '`secretsmanager:GetSecretValue` (plus `kms:Decrypt` for a customer-managed key). Read errors name the secret',
    'and the AWS error (`AccessDeniedException`, `ResourceNotFoundException`, `ThrottlingException`, …); the',
    'secret content never appears in errors or logs.',
    '',
    `Secret fields (never shown in errors, logs or \`config show\`): ${secretFields.map((f) => `\`${f.path}\``).join(', ')}.`,
    'Values that came from the secret or from a `*_file` are treated the same way.',
    '',
    '## Files',
    '',
    '`slurm.auth.token_file` and `slurm.auth.password_file` are read (whitespace trimmed) into `token` / `password`',
    'when those are empty; `slurm.tls.ca_cert_file` is read into `ca_cert` when that is empty. The files must exist',
    'and be readable; they are re-read when the secret is refreshed.',
    '',
    '## Rules across fields',
    '',
    '- `slurm.auth.type` `jwt` or `bearer` needs a token: `token`, `token_file` or the secret.',
    '- `slurm.auth.type` `basic` needs `username` and `password` (or `password_file`).',
    '- `push.type` `pushgateway` or `remote_write` needs `push.url`.',
    '- `push.auth.type` `basic` needs `username` + `password`, `bearer` needs `token`, `sigv4` needs `region`',
    '  (filled from `AWS_REGION` when empty).',
    '- `push.grouping` labels need valid names (not `job`) and non-empty values.',
    '- `observability.tracing.enabled` needs a non-empty `endpoint`.',
    '- At least one collector must be enabled.',
    '',
    '## Meta variables',
    '',
    '| Env var | Meaning |',
    '|---|---|',
    `| \`${META_ENV.configFile}\` | Path of a YAML or JSON config document. |`,
    `| \`${META_ENV.config}\` | An inline YAML or JSON config document. |`,
    '',
    '## Fields',
  ];
  for (const [section, fields] of sections) {
    out.push(
      '',
      `### ${section === '(top level)' ? 'Top level' : `\`${section}\``}`,
      '',
      ...fieldTable(fields),
    );
  }
  out.push('');
  return out.join('\n');
}
