import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConfigLoader, loadConfig } from '../../lib/config/loader.js';
import { ConfigError } from '../../lib/errors.js';
import { createLogger } from '../../lib/observability/logger.js';
import { awsTestEnv, type SecretsManagerStandIn, startSecretsManager } from '../helpers/secrets-manager.js';

let dir: string;
let sm: SecretsManagerStandIn;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'config-loader-'));
  sm = await startSecretsManager();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await sm.close();
});
beforeEach(() => {
  vi.unstubAllEnvs();
  // The SDK also looks at process.env: keep it away from the machine's AWS config.
  vi.stubEnv('AWS_CONFIG_FILE', '/dev/null');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/dev/null');
  sm.clearErrors();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function writeTmp(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('createConfigLoader: sources and precedence', () => {
  // Every source sets cluster_name; removing the top one at a time must reveal the next one down.
  const SOURCES = ['defaults', 'file', 'inline', 'secret', 'env', 'overrides'] as const;

  it.each(SOURCES.map((s, i) => [s, i] as const))(
    'takes cluster_name from %s when it is the highest source present',
    async (_, top) => {
      // Prepare
      const secretId = `precedence/${top}`;
      sm.setSecret(secretId, { cluster_name: 'from-secret' });
      const env: Record<string, string> = { ...awsTestEnv(sm.endpoint) };
      const has = (s: (typeof SOURCES)[number]) => SOURCES.indexOf(s) <= top;
      if (has('file')) env.SLURM_EXPORTER_CONFIG_FILE = writeTmp(`p${top}.yaml`, 'cluster_name: from-file\n');
      if (has('inline')) env.SLURM_EXPORTER_CONFIG = '{"cluster_name": "from-inline"}';
      if (has('secret')) env.SLURM_EXPORTER_SECRET_ID = secretId;
      if (has('env')) env.SLURM_EXPORTER_CLUSTER_NAME = 'from-env';
      const overrides = has('overrides') ? { cluster_name: 'from-overrides' } : undefined;

      // Act
      const loaded = await createConfigLoader({ env }).load(overrides === undefined ? {} : { overrides });

      // Assess
      const expected = top === 0 ? '' : `from-${SOURCES[top]}`;
      expect(loaded.config.cluster_name).toBe(expected);
      expect(loaded.origins.cluster_name).toBe(top === 0 ? undefined : SOURCES[top]);
      expect(loaded.sources[0]).toBe('defaults');
      const label = {
        defaults: 'defaults',
        file: 'config file ',
        inline: 'inline config ',
        secret: 'secret "',
        env: 'environment',
        overrides: 'overrides',
      }[SOURCES[top] as (typeof SOURCES)[number]];
      expect(loaded.sources.some((s) => s.startsWith(label))).toBe(true);
    },
  );

  it('merges field by field: each field comes from the highest source that sets it', async () => {
    sm.setSecret('merge', { token: 'secret-token-1', slurm: { timeout: '7s' } });
    const file = writeTmp(
      'merge.yaml',
      'slurm:\n  base_url: https://file:6820\n  timeout: 5s\n  retry_attempts: 1\nlogging:\n  level: debug\n',
    );
    const loaded = await createConfigLoader({
      env: {
        ...awsTestEnv(sm.endpoint),
        SLURM_EXPORTER_CONFIG_FILE: file,
        SLURM_EXPORTER_CONFIG: 'slurm:\n  retry_attempts: 2\n',
        SLURM_EXPORTER_SECRET_ID: 'merge',
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
        SLURM_EXPORTER_LOGGING_LEVEL: 'warn',
      },
    }).load({ overrides: { logging: { format: 'text' } } });
    expect(loaded.config.slurm.base_url).toBe('https://file:6820');
    expect(loaded.config.slurm.retry_attempts).toBe(2);
    expect(loaded.config.slurm.timeout).toBe(7_000);
    expect(loaded.config.slurm.auth.token).toBe('secret-token-1');
    expect(loaded.config.logging).toEqual({ level: 'warn', format: 'text' });
    expect(loaded.origins).toMatchObject({
      'slurm.base_url': 'file',
      'slurm.retry_attempts': 'inline',
      'slurm.timeout': 'secret',
      'slurm.auth.token': 'secret',
      'logging.level': 'env',
      'logging.format': 'overrides',
    });
  });

  it('lets env beat the secret and overrides beat env for the same credential', async () => {
    sm.setSecret('cred-order', { token: 'from-secret' });
    const env = {
      ...awsTestEnv(sm.endpoint),
      SLURM_EXPORTER_SECRET_ID: 'cred-order',
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
    };
    const loader = createConfigLoader({ env: { ...env, SLURM_EXPORTER_SLURM_AUTH_TOKEN: 'from-env' } });
    expect((await loader.load()).config.slurm.auth.token).toBe('from-env');
    const over = await loader.load({ overrides: { slurm: { auth: { token: 'from-overrides' } } } });
    expect(over.config.slurm.auth.token).toBe('from-overrides');
  });

  it('reads the secret named by an override (multi-cluster fan-out)', async () => {
    sm.setSecret('cluster/a', { token: 'tok-a' });
    sm.setSecret('cluster/b', { token: 'tok-b' });
    const loader = createConfigLoader({
      env: {
        ...awsTestEnv(sm.endpoint),
        SLURM_EXPORTER_SECRET_ID: 'cluster/a',
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      },
    });
    const a = await loader.load();
    const b = await loader.load({ overrides: { secret_id: 'cluster/b', cluster_name: 'b' } });
    expect(a.config.slurm.auth.token).toBe('tok-a');
    expect(b.config.slurm.auth.token).toBe('tok-b');
    expect(b.config.cluster_name).toBe('b');
  });

  it('reads JSON and YAML documents, the inline one winning over the file', async () => {
    const json = writeTmp(
      'c.json',
      JSON.stringify({ push: { type: 'pushgateway', url: 'http://pgw:9091', grouping: { site: 'x' } } }),
    );
    const loaded = await loadConfig({
      SLURM_EXPORTER_CONFIG_FILE: json,
      SLURM_EXPORTER_CONFIG: 'push:\n  job: from_inline\n  grouping:\n    site: y\n    rack: 3\n',
    });
    expect(loaded.config.push.type).toBe('pushgateway');
    expect(loaded.config.push.url).toBe('http://pgw:9091');
    expect(loaded.config.push.job).toBe('from_inline');
    // Maps are replaced whole, and YAML numbers become label strings.
    expect(loaded.config.push.grouping).toEqual({ site: 'y', rack: '3' });
  });

  it('reads the seed document example YAML', async () => {
    const file = writeTmp(
      'seed.yaml',
      [
        'server:',
        '  address: ":8080"',
        '  metrics_path: "/metrics"',
        'slurm:',
        '  base_url: "http://slurm-controller:6820"',
        '  api_version: "v0.0.44"',
        '  auth:',
        '    type: "jwt"',
        '    username: "root"',
        '    token: "your-jwt-token"',
        'collectors:',
        '  jobs:',
        '    enabled: true',
        'logging:',
        '  level: "info"',
        'observability:',
        '  tracing:',
        '    enabled: false',
        '    sample_rate: 0.01',
        '    endpoint: "localhost:4317"',
        '    insecure: true',
        '  performance_monitoring:',
        '    interval: 30s',
        '    memory_threshold: 104857600',
        '    cpu_threshold: 80.0',
        '  circuit_breaker:',
        '    reset_timeout: 30s',
        '',
      ].join('\n'),
    );
    const { config } = await loadConfig({ SLURM_EXPORTER_CONFIG_FILE: file });
    expect(config.slurm.api_version).toBe('v0.0.44');
    expect(config.slurm.auth).toMatchObject({ type: 'jwt', username: 'root', token: 'your-jwt-token' });
    expect(config.observability.performance_monitoring.interval).toBe(30_000);
    expect(config.observability.circuit_breaker.reset_timeout).toBe(30_000);
  });

  it('applies the seed tracing env vars', async () => {
    const { config } = await loadConfig({
      SLURM_EXPORTER_OBSERVABILITY_TRACING_ENABLED: 'true',
      SLURM_EXPORTER_OBSERVABILITY_TRACING_SAMPLE_RATE: '0.05',
      SLURM_EXPORTER_OBSERVABILITY_TRACING_ENDPOINT: 'otel:4317',
      SLURM_EXPORTER_OBSERVABILITY_TRACING_INSECURE: 'false',
    });
    expect(config.observability.tracing).toMatchObject({
      enabled: true,
      sample_rate: 0.05,
      endpoint: 'otel:4317',
      insecure: false,
    });
  });

  it('ignores empty and blank env values', async () => {
    const { config } = await loadConfig({
      SLURM_EXPORTER_SLURM_TIMEOUT: '',
      SLURM_EXPORTER_PUSH_TYPE: '   ',
      SLURM_EXPORTER_CONFIG: '',
    });
    expect(config.slurm.timeout).toBe(30_000);
    expect(config.push.type).toBe('stdout');
  });

  it('does not read process.env by itself', async () => {
    vi.stubEnv('SLURM_EXPORTER_CLUSTER_NAME', 'from-process-env');
    const { config } = await loadConfig({});
    expect(config.cluster_name).toBe('');
  });
});

describe('createConfigLoader: env coercion', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['Yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['NO', false],
  ])('reads boolean %s as %s', async (text, expected) => {
    const { config } = await loadConfig({ SLURM_EXPORTER_COLLECTORS_JOBS_PER_JOB: text });
    expect(config.collectors.jobs.per_job).toBe(expected);
  });

  it('splits lists on commas and trims items', async () => {
    const { config } = await loadConfig({
      SLURM_EXPORTER_COLLECTORS_JOBS_FILTERS_INCLUDE_METRICS: ' slurm_job_* , slurm_jobs_total,, ',
    });
    expect(config.collectors.jobs.filters.include_metrics).toEqual(['slurm_job_*', 'slurm_jobs_total']);
  });

  it.each([
    ['k=v,k2=v2', { k: 'v', k2: 'v2' }],
    [' site = eu , rack=r1 ', { site: 'eu', rack: 'r1' }],
    ['{"site":"eu","n":3}', { site: 'eu', n: '3' }],
    ['X-Scope-OrgID=tenant=1', { 'X-Scope-OrgID': 'tenant=1' }],
  ])('reads map %s', async (text, expected) => {
    const { config } = await loadConfig({ SLURM_EXPORTER_PUSH_HEADERS: text });
    expect(config.push.headers).toEqual(expected);
  });

  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
  ])('reads duration %s as %d ms', async (text, ms) => {
    const { config } = await loadConfig({ SLURM_EXPORTER_PUSH_TIMEOUT: text });
    expect(config.push.timeout).toBe(ms);
  });

  it('reads numbers and enum values in any case', async () => {
    const { config } = await loadConfig({
      SLURM_EXPORTER_METRICS_CARDINALITY_MAX_SERIES: '50_000',
      SLURM_EXPORTER_OBSERVABILITY_PERFORMANCE_MONITORING_CPU_THRESHOLD: '92.5',
      SLURM_EXPORTER_LOGGING_LEVEL: 'DEBUG',
      SLURM_EXPORTER_SLURM_API_VERSION: 'v0.0.41',
    });
    expect(config.metrics.cardinality.max_series).toBe(50_000);
    expect(config.observability.performance_monitoring.cpu_threshold).toBe(92.5);
    expect(config.logging.level).toBe('debug');
    expect(config.slurm.api_version).toBe('v0.0.41');
  });

  it('accepts string values in overrides like env (CLI flags)', async () => {
    const { config } = await loadConfig(
      {},
      { slurm: { timeout: '45s', concurrency: '8' }, collectors: { nodes: { enabled: 'no' } } },
    );
    expect(config.slurm.timeout).toBe(45_000);
    expect(config.slurm.concurrency).toBe(8);
    expect(config.collectors.nodes.enabled).toBe(false);
  });
});

describe('createConfigLoader: documents and warnings', () => {
  it('warns about unknown SLURM_EXPORTER_* variables with a suggestion, but not about meta variables', async () => {
    const loaded = await loadConfig({
      SLURM_EXPORTER_LOGGING_LEVL: 'debug',
      SLURM_EXPORTER_CONFIG: 'logging: {level: info}',
      OTHER_VAR: 'x',
    });
    expect(loaded.warnings).toEqual([
      'unknown environment variable SLURM_EXPORTER_LOGGING_LEVL ignored (did you mean SLURM_EXPORTER_LOGGING_LEVEL?)',
    ]);
  });

  it('warns about unknown keys in documents and overrides without quoting values', async () => {
    const loaded = await loadConfig(
      { SLURM_EXPORTER_CONFIG: 'slurm:\n  base_ur: "http://x:6820"\n  auth:\n    tokn: hunter2\n' },
      { nonsense: 'value-xyz' },
    );
    expect(loaded.warnings).toEqual([
      expect.stringContaining('unknown config key "slurm.base_ur" ignored (did you mean slurm.base_url?)'),
      expect.stringContaining('unknown config key "slurm.auth.tokn"'),
      'overrides: unknown config key "nonsense" ignored',
    ]);
    expect(loaded.warnings.join('\n')).not.toMatch(/hunter2|value-xyz/);
  });

  it('rejects a document that is not valid YAML, naming its position but not its text', async () => {
    const file = writeTmp('broken.yaml', 'slurm:\n  auth:\n    token: "hunter2\n  bad: [\n');
    const err = await rejection(loadConfig({ SLURM_EXPORTER_CONFIG_FILE: file }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`SLURM_EXPORTER_CONFIG_FILE (${file}): not valid YAML or JSON at line`);
    expect(err.message).not.toContain('hunter2');
  });

  it('rejects an inline document that is not a mapping', async () => {
    const err = await rejection(loadConfig({ SLURM_EXPORTER_CONFIG: '- a\n- b\n' }));
    expect(err.message).toContain('SLURM_EXPORTER_CONFIG (inline document): the document must be a mapping');
  });

  it('rejects a missing config file', async () => {
    const err = await rejection(loadConfig({ SLURM_EXPORTER_CONFIG_FILE: path.join(dir, 'missing.yaml') }));
    expect(err.message).toContain('cannot read the config file (ENOENT)');
  });

  it('says which source an invalid value came from', async () => {
    const file = writeTmp('bad-value.yaml', 'slurm:\n  concurrency: 99\n');
    const err = await rejection(loadConfig({ SLURM_EXPORTER_CONFIG_FILE: file }));
    expect(err.message).toContain(
      `SLURM_EXPORTER_SLURM_CONCURRENCY (slurm.concurrency): must be between 1 and 16 (got 99 from config file ${file})`,
    );
  });
});

describe('createConfigLoader: files', () => {
  it('reads token_file and password_file, trimming whitespace', async () => {
    const tokenFile = writeTmp('token', '  file-token-123\n');
    const { config } = await loadConfig({
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      SLURM_EXPORTER_SLURM_AUTH_TOKEN_FILE: tokenFile,
    });
    // token_file alone is enough (the upstream exporter rejected this).
    expect(config.slurm.auth.token).toBe('file-token-123');
    const pwFile = writeTmp('pw', 'file-pw\n');
    const basic = await loadConfig({
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'basic',
      SLURM_EXPORTER_SLURM_AUTH_USERNAME: 'slurm',
      SLURM_EXPORTER_SLURM_AUTH_PASSWORD_FILE: pwFile,
    });
    expect(basic.config.slurm.auth.password).toBe('file-pw');
  });

  it('prefers an explicit token over token_file', async () => {
    const tokenFile = writeTmp('token2', 'file-token');
    const { config } = await loadConfig({
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      SLURM_EXPORTER_SLURM_AUTH_TOKEN: 'env-token',
      SLURM_EXPORTER_SLURM_AUTH_TOKEN_FILE: tokenFile,
    });
    expect(config.slurm.auth.token).toBe('env-token');
  });

  it('reads ca_cert_file into ca_cert and rejects a file without PEM', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBdummy\n-----END CERTIFICATE-----';
    const { config } = await loadConfig({
      SLURM_EXPORTER_SLURM_TLS_CA_CERT_FILE: writeTmp('ca.pem', `${pem}\n`),
    });
    expect(config.slurm.tls.ca_cert).toBe(pem);
    const bad = writeTmp('ca.txt', 'not pem');
    const err = await rejection(loadConfig({ SLURM_EXPORTER_SLURM_TLS_CA_CERT_FILE: bad }));
    expect(err.message).toContain(
      `SLURM_EXPORTER_SLURM_TLS_CA_CERT_FILE (slurm.tls.ca_cert_file): file ${bad} does not contain PEM text`,
    );
  });

  it('rejects an empty token file and an unreadable one', async () => {
    const empty = writeTmp('empty-token', '\n  \n');
    const err = await rejection(
      loadConfig({
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
        SLURM_EXPORTER_SLURM_AUTH_TOKEN_FILE: empty,
        SLURM_EXPORTER_SLURM_AUTH_PASSWORD_FILE: dir, // a directory: EISDIR
      }),
    );
    expect(err.message).toContain(
      `SLURM_EXPORTER_SLURM_AUTH_TOKEN_FILE (slurm.auth.token_file): file ${empty} is empty`,
    );
    expect(err.message).toContain(
      'SLURM_EXPORTER_SLURM_AUTH_PASSWORD_FILE (slurm.auth.password_file): cannot read file',
    );
  });

  it('uses the injected readFile for documents and secret files', async () => {
    const files: Record<string, string> = {
      '/virtual/config.yaml': 'slurm:\n  auth:\n    type: jwt\n    token_file: /virtual/tok\n',
      '/virtual/tok': 'virt-token',
    };
    const loader = createConfigLoader({
      env: { SLURM_EXPORTER_CONFIG_FILE: '/virtual/config.yaml' },
      readFile: async (p) => {
        const text = files[p];
        if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        return text;
      },
    });
    expect((await loader.load()).config.slurm.auth.token).toBe('virt-token');
  });
});

describe('createConfigLoader: caching across warm invocations', () => {
  it('returns the same frozen result while inputs are unchanged, and a new one when env changes', async () => {
    const env: Record<string, string | undefined> = { SLURM_EXPORTER_CLUSTER_NAME: 'c1' };
    const loader = createConfigLoader({ env });
    const a = await loader.load();
    const b = await loader.load();
    expect(b).toBe(a);
    expect(Object.isFrozen(a.config.slurm.auth)).toBe(true);
    env.SLURM_EXPORTER_CLUSTER_NAME = 'c2';
    const c = await loader.load();
    expect(c.config.cluster_name).toBe('c2');
    expect(c.fingerprint).not.toBe(a.fingerprint);
    env.SLURM_EXPORTER_CLUSTER_NAME = 'c1';
    expect((await loader.load()).fingerprint).toBe(a.fingerprint);
  });

  it('keeps one result per override set', async () => {
    const loader = createConfigLoader({ env: {} });
    const a = await loader.load({ overrides: { cluster_name: 'a' } });
    const b = await loader.load({ overrides: { cluster_name: 'b' } });
    expect(await loader.load({ overrides: { cluster_name: 'a' } })).toBe(a);
    expect(b.config.cluster_name).toBe('b');
  });

  it('changes the fingerprint when only the secret content changes', async () => {
    sm.setSecret('rotating', { token: 'v1' });
    const loader = createConfigLoader({
      env: {
        ...awsTestEnv(sm.endpoint),
        SLURM_EXPORTER_SECRET_ID: 'rotating',
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      },
    });
    const a = await loader.load();
    sm.setSecret('rotating', { token: 'v2' });
    const b = await loader.load({ forceSecretRefresh: true });
    expect(b.config.slurm.auth.token).toBe('v2');
    expect(b.fingerprint).not.toBe(a.fingerprint);
    expect(b.fingerprint).not.toContain('v2');
  });
});

describe('createConfigLoader: logging', () => {
  it('logs warnings and a redacted config, never secret values', async () => {
    sm.setSecret('logged', {
      token: 'SECRET-slurm-token',
      push: { auth: { password: 'SECRET-push-pw' }, headers: { Authorization: 'SECRET-header' } },
      health: { token: 'SECRET-health' },
    });
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', sink: (l) => lines.push(l) });
    const env = {
      ...awsTestEnv(sm.endpoint),
      SLURM_EXPORTER_SECRET_ID: 'logged',
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      SLURM_EXPORTER_PUSH_AUTH_TYPE: 'basic',
      SLURM_EXPORTER_PUSH_AUTH_USERNAME: 'pusher',
      SLURM_EXPORTER_TYPO: 'x',
    };
    const loaded = await createConfigLoader({ env, logger }).load();
    expect(loaded.config.push.auth.password).toBe('SECRET-push-pw');
    // A failing load logs its issues too.
    await rejection(
      createConfigLoader({ env: { ...env, SLURM_EXPORTER_PUSH_URL: 'nope' }, logger }).load({
        overrides: { push: { type: 'pushgateway' } },
      }),
    );
    const all = lines.join('\n');
    expect(all).toContain('configuration loaded');
    expect(all).toContain('SLURM_EXPORTER_TYPO');
    expect(all).toContain('invalid configuration');
    expect(all).toContain('pusher');
    expect(all).not.toContain('SECRET-');
  });
});
