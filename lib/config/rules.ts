/**
 * Rules that span several fields or touch the file system. They run on the merged result of ALL sources
 * (a token may arrive only from the secret), after the per-field checks, and report every problem at once.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ConfigIssue } from '../errors.js';
import { PEM } from './checks.js';
import { ENV_PREFIX, envNameFor } from './fields.js';
import { COLLECTOR_NAMES, type Config } from './schema.js';
import type { EnvLike } from './secret.js';

export type ReadFile = (path: string) => Promise<string>;

const issue = (path: string, message: string): ConfigIssue => ({
  path,
  env: envNameFor(path.split('.')),
  message,
});

async function readTrimmed(path: string, readFile: ReadFile): Promise<string | { problem: string }> {
  try {
    return (await readFile(path)).trim();
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).name;
    return { problem: `cannot read file ${path} (${code})` };
  }
}

/**
 * Reads `slurm.auth.token_file`, `password_file` and `tls.ca_cert_file` into `token`, `password` and `ca_cert`
 * when those are empty (an explicit value wins), and checks that `push.file` can be created. Mutates `config`.
 */
export async function resolveFiles(config: Config, readFile: ReadFile): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  const auth = config.slurm.auth;
  for (const [fileKey, valueKey] of [
    ['token_file', 'token'],
    ['password_file', 'password'],
  ] as const) {
    const file = auth[fileKey];
    if (file === '') continue;
    const got = await readTrimmed(file, readFile);
    if (typeof got !== 'string') issues.push(issue(`slurm.auth.${fileKey}`, got.problem));
    else if (got === '') issues.push(issue(`slurm.auth.${fileKey}`, `file ${file} is empty`));
    else if (auth[valueKey] === '') auth[valueKey] = got;
  }
  const tls = config.slurm.tls;
  if (tls.ca_cert_file !== '') {
    const got = await readTrimmed(tls.ca_cert_file, readFile);
    if (typeof got !== 'string') issues.push(issue('slurm.tls.ca_cert_file', got.problem));
    else if (!PEM.test(got))
      issues.push(issue('slurm.tls.ca_cert_file', `file ${tls.ca_cert_file} does not contain PEM text`));
    else if (tls.ca_cert === '') tls.ca_cert = got;
  }
  if (config.push.file !== '') {
    const dir = dirname(config.push.file);
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) issues.push(issue('push.file', `directory ${dir} does not exist`));
  }
  return issues;
}

export interface RuleResult {
  issues: ConfigIssue[];
  warnings: string[];
}

/** Cross-field rules. Fills `push.auth.region` from AWS_REGION for sigv4. Mutates `config`. */
export function checkRules(config: Config, env: EnvLike): RuleResult {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const secretHint =
    config.secret_id === ''
      ? `, or put it in the secret named by ${ENV_PREFIX}SECRET_ID`
      : `, or add it to secret "${config.secret_id}"`;

  const auth = config.slurm.auth;
  if ((auth.type === 'jwt' || auth.type === 'bearer') && auth.token === '' && auth.token_file === '') {
    issues.push(
      issue(
        'slurm.auth.token',
        `required when slurm.auth.type is ${auth.type}: set ${ENV_PREFIX}SLURM_AUTH_TOKEN or ${ENV_PREFIX}SLURM_AUTH_TOKEN_FILE${config.secret_id === '' ? secretHint : `, or key "token" in secret "${config.secret_id}"`}`,
      ),
    );
  }
  if (auth.type === 'basic') {
    if (auth.username === '')
      issues.push(issue('slurm.auth.username', 'required when slurm.auth.type is basic'));
    if (auth.password === '' && auth.password_file === '') {
      issues.push(
        issue(
          'slurm.auth.password',
          `required when slurm.auth.type is basic: set ${ENV_PREFIX}SLURM_AUTH_PASSWORD or ${ENV_PREFIX}SLURM_AUTH_PASSWORD_FILE${config.secret_id === '' ? secretHint : `, or key "password" in secret "${config.secret_id}"`}`,
        ),
      );
    }
  }
  if (auth.type === 'none' && auth.token !== '') {
    warnings.push('slurm.auth.token is set but slurm.auth.type is none: the token is not sent');
  }

  const push = config.push;
  if (push.type !== 'stdout' && push.url === '') {
    issues.push(issue('push.url', `required when push.type is ${push.type}`));
  }
  const pa = push.auth;
  if (pa.type === 'basic') {
    if (pa.username === '') issues.push(issue('push.auth.username', 'required when push.auth.type is basic'));
    if (pa.password === '')
      issues.push(issue('push.auth.password', `required when push.auth.type is basic${secretHint}`));
  }
  if (pa.type === 'bearer' && pa.token === '') {
    issues.push(issue('push.auth.token', `required when push.auth.type is bearer${secretHint}`));
  }
  if (pa.type === 'sigv4' && pa.region === '') {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    if (region === '')
      issues.push(
        issue('push.auth.region', 'required when push.auth.type is sigv4 and AWS_REGION is not set'),
      );
    else pa.region = region;
  }

  const tracing = config.observability.tracing;
  if (tracing.enabled && tracing.endpoint === '') {
    issues.push(
      issue('observability.tracing.endpoint', 'required when observability.tracing.enabled is true'),
    );
  }

  if (!COLLECTOR_NAMES.some((name) => config.collectors[name].enabled)) {
    issues.push({
      path: 'collectors.*.enabled',
      env: `${ENV_PREFIX}COLLECTORS_*_ENABLED`,
      message: 'at least one collector must be enabled',
    });
  }
  return { issues, warnings };
}
