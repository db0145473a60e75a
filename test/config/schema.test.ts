import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS } from '../../lib/config/fields.js';
import { createConfigLoader } from '../../lib/config/loader.js';
import { COLLECTOR_NAMES, configSchema } from '../../lib/config/schema.js';
import { ConfigError } from '../../lib/errors.js';

/** Loads with only `env` and returns the ConfigError (fails the test when loading succeeds). */
async function configErrorFor(env: Record<string, string>): Promise<ConfigError> {
  const err = await createConfigLoader({ env })
    .load()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

/** One invalid value (as an env string) per leaf config key. Collector fields are added per collector below. */
const INVALID: Record<string, string> = {
  'server.address': 'localhost',
  'server.metrics_path': 'metrics',
  'server.health_path': 'health',
  'server.ready_path': 'ready',
  'slurm.base_url': 'ftp://slurm:6820',
  'slurm.api_version': 'v9.9.9',
  'slurm.timeout': '30',
  'slurm.retry_attempts': '11',
  'slurm.retry_delay': '-1s',
  'slurm.max_response_bytes': '0',
  'slurm.concurrency': '17',
  'slurm.auth.type': 'kerberos',
  'slurm.auth.username': 'root:x',
  'slurm.auth.token': 'tok secret-value',
  'slurm.auth.token_file': '/nonexistent/token',
  'slurm.auth.password': 'pw\u0007secret-value',
  'slurm.auth.password_file': '/nonexistent/password',
  'slurm.tls.insecure_skip_verify': 'maybe',
  'slurm.tls.ca_cert_file': '/nonexistent/ca.pem',
  'slurm.tls.ca_cert': 'not a pem',
  cluster_name: 'x'.repeat(300),
  secret_id: 'bad id',
  secret_max_age: 'forever',
  'collectors.jobs.per_job': 'sometimes',
  'collectors.scheduler.rpc_top_users': '-1',
  'logging.level': 'trace',
  'logging.format': 'xml',
  'metrics.naming': 'other',
  'metrics.const_labels': '__reserved=x',
  'metrics.cardinality.max_series': '2000000',
  'observability.tracing.enabled': 'maybe',
  'observability.tracing.sample_rate': '1.5',
  'observability.tracing.endpoint': 'local host:4317',
  'observability.tracing.insecure': 'perhaps',
  'observability.tracing.protocol': 'udp',
  'observability.performance_monitoring.enabled': 'nah',
  'observability.performance_monitoring.interval': '0s',
  'observability.performance_monitoring.memory_threshold': '-1',
  'observability.performance_monitoring.cpu_threshold': '101',
  'observability.circuit_breaker.enabled': '2',
  'observability.circuit_breaker.failure_threshold': '0',
  'observability.circuit_breaker.reset_timeout': '0',
  'observability.circuit_breaker.half_open_requests': '1.5',
  'push.type': 'kafka',
  'push.url': 'not a url',
  'push.job': 'a/b',
  'push.grouping': 'job=x',
  'push.method': 'patch',
  'push.auth.type': 'oauth',
  'push.auth.username': 'us er',
  'push.auth.password': 'pw\nsecret-value',
  'push.auth.token': 'tok secret-value',
  'push.auth.region': 'Mars',
  'push.auth.service': 'A P S',
  'push.headers': 'Content-Type=secret-value',
  'push.timeout': '10',
  'push.retries': '-1',
  'push.compression': 'brotli',
  'push.max_samples_per_request': '0',
  'push.concurrency': '0',
  'push.reserve_time': '-3s',
  'push.file': '/nonexistent-dir/out.prom',
  'health.max_staleness': '0s',
  'health.query_url': 'localhost:9090',
  'health.token': 'tok secret-value',
};
for (const name of COLLECTOR_NAMES) {
  INVALID[`collectors.${name}.enabled`] = 'maybe';
  INVALID[`collectors.${name}.labels`] = '1bad=x';
  INVALID[`collectors.${name}.filters.include_metrics`] = 'slurm_nodes,bad-name';
  INVALID[`collectors.${name}.filters.exclude_metrics`] = 'bad name!';
  INVALID[`collectors.${name}.timeout`] = 'soon';
}

describe('configSchema', () => {
  it('has an invalid-value case for every leaf field (add one when you add a field)', () => {
    const missing = CONFIG_FIELDS.map((f) => f.path).filter((p) => !(p in INVALID));
    const stale = Object.keys(INVALID).filter((p) => !CONFIG_FIELDS.some((f) => f.path === p));
    expect(missing).toEqual([]);
    expect(stale).toEqual([]);
  });

  it.each(CONFIG_FIELDS.map((f) => [f.env, f.path, f.secret] as const))(
    'rejects an invalid %s and names the variable and key',
    async (env, path, secret) => {
      const value = INVALID[path] as string;
      const err = await configErrorFor({ [env]: value });
      const issue = err.issues.find((i) => i.env === env);
      expect(issue, err.message).toBeDefined();
      expect(issue?.path).toBe(path);
      expect(err.message).toContain(`${env} (${path}): `);
      // Secret values never appear in messages.
      if (secret) {
        expect(err.message).not.toContain('secret-value');
        expect(err.message).toContain('[REDACTED]');
      }
    },
  );

  it('parses an empty input to the documented defaults', () => {
    const config = configSchema.parse({});
    expect(config.server).toEqual({
      address: ':8080',
      metrics_path: '/metrics',
      health_path: '/health',
      ready_path: '/ready',
    });
    expect(config.slurm.timeout).toBe(30_000);
    expect(config.slurm.retry_delay).toBe(1_000);
    expect(config.slurm.auth.type).toBe('none');
    expect(config.secret_max_age).toBe(300_000);
    expect(config.observability.tracing).toEqual({
      enabled: false,
      sample_rate: 0.01,
      endpoint: 'localhost:4317',
      insecure: true,
      protocol: 'grpc',
    });
    expect(config.push.reserve_time).toBe(3_000);
    expect(config.health.max_staleness).toBe(180_000);
    for (const name of COLLECTOR_NAMES) expect(config.collectors[name].enabled).toBe(true);
    expect(config.collectors.scheduler.rpc_top_users).toBe(10);
  });

  it('re-parses a parsed config to the same value (durations stay milliseconds)', () => {
    const once = configSchema.parse({ slurm: { timeout: '1m30s' }, push: { grouping: { instance: 'a' } } });
    expect(configSchema.parse(once)).toEqual(once);
    expect(once.slurm.timeout).toBe(90_000);
  });

  it('does not share default maps or lists between parses', () => {
    const a = configSchema.parse({});
    a.push.grouping.x = 'y';
    a.collectors.jobs.filters.include_metrics.push('z');
    const b = configSchema.parse({});
    expect(b.push.grouping).toEqual({});
    expect(b.collectors.jobs.filters.include_metrics).toEqual([]);
  });

  it('reports every invalid field at once', async () => {
    const err = await configErrorFor({
      SLURM_EXPORTER_LOGGING_LEVEL: 'loud',
      SLURM_EXPORTER_PUSH_RETRIES: 'many',
      SLURM_EXPORTER_SLURM_CONCURRENCY: '0',
    });
    expect(err.issues.map((i) => i.env).sort()).toEqual([
      'SLURM_EXPORTER_LOGGING_LEVEL',
      'SLURM_EXPORTER_PUSH_RETRIES',
      'SLURM_EXPORTER_SLURM_CONCURRENCY',
    ]);
  });

  it('words messages as "<env> (<key>): <expectation> (got <value>)"', async () => {
    const err = await configErrorFor({ SLURM_EXPORTER_OBSERVABILITY_TRACING_SAMPLE_RATE: '1.5' });
    expect(err.message).toContain(
      'SLURM_EXPORTER_OBSERVABILITY_TRACING_SAMPLE_RATE (observability.tracing.sample_rate): must be between 0 and 1 (got 1.5)',
    );
  });

  it('rejects URLs with embedded credentials without showing them', async () => {
    const err = await configErrorFor({ SLURM_EXPORTER_PUSH_URL: 'https://user:hunter2@pgw:9091' });
    expect(err.issues[0]?.message).toContain('must not contain user:password@');
    expect(err.message).not.toContain('hunter2');
  });

  it('lists the allowed values of an enum', async () => {
    const err = await configErrorFor({ SLURM_EXPORTER_PUSH_TYPE: 'kafka' });
    expect(err.issues[0]?.message).toContain('must be one of: pushgateway, remote_write, stdout');
    const v = await configErrorFor({ SLURM_EXPORTER_SLURM_API_VERSION: 'v1' });
    expect(v.issues[0]?.message).toContain('v0.0.40');
  });

  it.each([
    ['SLURM_EXPORTER_COLLECTORS_NODES_LABELS', '__meta=x', 'must not start with "__"'],
    [
      'SLURM_EXPORTER_METRICS_CONST_LABELS',
      Array.from({ length: 21 }, (_, i) => `l${i}=v`).join(','),
      'at most 20 labels',
    ],
    ['SLURM_EXPORTER_METRICS_CONST_LABELS', `site=${'v'.repeat(257)}`, 'at most 256 characters'],
    ['SLURM_EXPORTER_PUSH_GROUPING', 'instance=', 'non-empty value'],
    ['SLURM_EXPORTER_PUSH_GROUPING', 'job=x', 'set push.job instead'],
    ['SLURM_EXPORTER_PUSH_GROUPING', 'bad-name=x', 'must match'],
    ['SLURM_EXPORTER_PUSH_HEADERS', 'bad header=x', 'not a valid HTTP header name'],
    ['SLURM_EXPORTER_COLLECTORS_JOBS_FILTERS_INCLUDE_METRICS', 'slurm_job?', 'may only contain'],
    ['SLURM_EXPORTER_PUSH_GROUPING', 'no-equals-sign', 'must be a map'],
    ['SLURM_EXPORTER_PUSH_GROUPING', '{"broken json', 'must be a map'],
  ])('checks label, grouping, header and pattern rules: %s=%s', async (env, value, expected) => {
    const err = await configErrorFor({ [env]: value });
    expect(err.issues.find((i) => i.env === env)?.message).toContain(expected);
  });
});
