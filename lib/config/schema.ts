/**
 * THE configuration schema: types (z.infer), defaults, per-field validation, env var names (derived from the
 * key path, see fields.ts) and the generated docs all come from here. Durations are Go strings on input and
 * milliseconds in the parsed config. Value checks live in checks.ts; rules that span fields or touch the file
 * system live in rules.ts.
 */
import * as z from 'zod';
import { API_VERSIONS } from '../slurm/model.js';
import {
  addressProblem,
  CONTROL,
  groupingProblem,
  headersProblem,
  labelsProblem,
  MAX_LABEL_VALUE,
  noControl,
  noSpaces,
  pathProblem,
  patternProblem,
  pemProblem,
  userName,
  WHITESPACE_OR_CONTROL,
} from './checks.js';
import { bool, duration, int, list, map, num, oneOf, str, url } from './leaves.js';

const server = z
  .object({
    address: str(
      ':8080',
      "Listen address (accepted for compatibility with the Go exporter's config files; the Lambda functions do not listen).",
      addressProblem,
    ),
    metrics_path: str(
      '/metrics',
      'Metrics path (accepted for compatibility; this exporter pushes instead of being scraped).',
      pathProblem,
    ),
    health_path: str('/health', 'Liveness route of the health function.', pathProblem),
    ready_path: str('/ready', 'Readiness route of the health function (checks push freshness).', pathProblem),
  })
  .prefault({});

const slurm = z
  .object({
    base_url: url('slurmrestd base URL, e.g. `https://slurm-ctl:6820`. Empty means not configured.'),
    api_version: oneOf(
      ['', ...API_VERSIONS] as const,
      '',
      'slurmrestd API version (`v0.0.40` …). Empty means auto-detect from the server.',
    ),
    timeout: duration('30s', 'Timeout of one slurmrestd request.'),
    retry_attempts: int(3, 'Retries of a failed idempotent slurmrestd request.', 0, 10),
    retry_delay: duration('1s', 'Base delay between retries (exponential backoff).', true),
    max_response_bytes: int(1_073_741_824, 'Largest slurmrestd response body accepted, in bytes.', 1),
    concurrency: int(4, 'Parallel slurmrestd requests.', 1, 16),
    auth: z
      .object({
        type: oneOf(
          ['none', 'jwt', 'bearer', 'basic'] as const,
          'none',
          'Authentication towards slurmrestd.',
        ),
        username: str(
          '',
          'User name: `X-SLURM-USER-NAME` for jwt (optional), the basic-auth user for basic.',
          userName,
        ),
        token: str(
          '',
          'JWT / bearer token (`X-SLURM-USER-TOKEN` for jwt, `Authorization: Bearer` for bearer).',
          noSpaces,
          { secret: true },
        ),
        token_file: str('', 'File holding the token (whitespace trimmed); used when token is empty.'),
        password: str('', 'Basic-auth password.', noControl, { secret: true }),
        password_file: str('', 'File holding the basic-auth password; used when password is empty.'),
      })
      .prefault({}),
    tls: z
      .object({
        insecure_skip_verify: bool(
          false,
          'Skip verification of the slurmrestd TLS certificate (testing only).',
        ),
        ca_cert_file: str('', 'PEM file with the CA that signed the slurmrestd certificate.'),
        ca_cert: str('', 'PEM text of that CA (alternative to ca_cert_file; not a secret).', pemProblem),
      })
      .prefault({}),
  })
  .prefault({});

/** One-line summary per collector: used in descriptions and docs. */
export const COLLECTOR_SUMMARIES = {
  nodes: 'node states, CPUs, memory and load (`/nodes`)',
  partitions: 'partition sizes and states (`/partitions`)',
  jobs: 'job counts by state, user, account and partition (`/jobs`)',
  scheduler: 'scheduler statistics and RPC counters (`/diag`)',
  reservations: 'reservations (`/reservations`)',
  licenses: 'license usage (`/licenses`)',
  controllers: 'controller reachability (`/ping`)',
  shares: 'fair-share values (`/shares`)',
  accounts: 'accounts (slurmdbd `/accounts`)',
  users: 'users (slurmdbd `/users`)',
  associations: 'associations and their limits (slurmdbd `/associations`)',
  qos: 'QOS definitions and limits (slurmdbd `/qos`)',
  tres: 'trackable resources (slurmdbd `/tres`)',
  clusters: 'clusters known to slurmdbd (`/clusters`)',
  cluster: 'cluster-wide totals derived from nodes, jobs and partitions',
} as const;
export type CollectorName = keyof typeof COLLECTOR_SUMMARIES;
export const COLLECTOR_NAMES = Object.keys(COLLECTOR_SUMMARIES) as CollectorName[];

function collectorFields(name: CollectorName) {
  return {
    enabled: bool(true, `Run the ${name} collector: ${COLLECTOR_SUMMARIES[name]}.`),
    labels: map(`Constant labels added to every ${name} series (\`k=v,k2=v2\`).`, labelsProblem),
    filters: z
      .object({
        include_metrics: list(
          `Only emit ${name} metrics matching these patterns (\`*\` wildcard).`,
          patternProblem,
        ),
        exclude_metrics: list(
          `Never emit ${name} metrics matching these patterns (\`*\` wildcard).`,
          patternProblem,
        ),
      })
      .prefault({}),
    timeout: duration('20s', `Time budget of the ${name} collector.`),
  };
}

const collector = (name: CollectorName) => z.object(collectorFields(name)).prefault({});

const collectors = z
  .object({
    nodes: collector('nodes'),
    partitions: collector('partitions'),
    jobs: z
      .object({
        ...collectorFields('jobs'),
        per_job: bool(
          false,
          'Emit one series set per job (high cardinality; capped by metrics.cardinality).',
        ),
      })
      .prefault({}),
    scheduler: z
      .object({
        ...collectorFields('scheduler'),
        rpc_top_users: int(10, 'Export RPC counters of the N busiest users (0 = off).', 0, 1000),
      })
      .prefault({}),
    reservations: collector('reservations'),
    licenses: collector('licenses'),
    controllers: collector('controllers'),
    shares: collector('shares'),
    accounts: collector('accounts'),
    users: collector('users'),
    associations: collector('associations'),
    qos: collector('qos'),
    tres: collector('tres'),
    clusters: collector('clusters'),
    cluster: collector('cluster'),
  })
  .prefault({});

const logging = z
  .object({
    level: oneOf(
      ['debug', 'info', 'warn', 'error'] as const,
      'info',
      'Lowest log level written (to stderr).',
    ),
    format: oneOf(['json', 'text'] as const, 'json', 'Log line format.'),
  })
  .prefault({});

const metrics = z
  .object({
    naming: oneOf(
      ['native', 'vpenso', 'rivosinc'] as const,
      'native',
      "Metric naming scheme: this exporter's own, or compatible with the vpenso / rivosinc exporters.",
    ),
    const_labels: map('Constant labels added to every series (`k=v,k2=v2`).', labelsProblem),
    cardinality: z
      .object({
        max_series: int(
          10_000,
          'Most per-node and per-job series the nodes and jobs collectors may emit in one run; whole nodes or jobs beyond it are dropped and counted (slurm_exporter_series_dropped). Aggregates are not capped.',
          1,
          1_000_000,
        ),
      })
      .prefault({}),
  })
  .prefault({});

const observability = z
  .object({
    tracing: z
      .object({
        enabled: bool(false, 'Export OpenTelemetry traces of collection and push.'),
        sample_rate: num(0.01, 'Fraction of invocations traced (0–1).', 0, 1),
        endpoint: str(
          'localhost:4317',
          'OTLP collector endpoint (`host:port` for grpc, URL for http).',
          noSpaces,
        ),
        insecure: bool(true, 'Plain-text connection to the OTLP endpoint (no TLS).'),
        protocol: oneOf(['grpc', 'http'] as const, 'grpc', 'OTLP transport.'),
      })
      .prefault({}),
    performance_monitoring: z
      .object({
        enabled: bool(true, "Record the exporter's own memory and CPU use."),
        interval: duration('30s', 'Sampling interval of the performance monitor.'),
        memory_threshold: int(104_857_600, 'Heap size (bytes) above which a warning is logged.', 0),
        cpu_threshold: num(80, 'CPU use (percent, 0–100) above which a warning is logged.', 0, 100),
      })
      .prefault({}),
    circuit_breaker: z
      .object({
        enabled: bool(true, 'Stop calling a failing slurmrestd endpoint for a while.'),
        failure_threshold: int(5, 'Consecutive failures that open the circuit.', 1, 1000),
        reset_timeout: duration('30s', 'Time the circuit stays open before a probe.'),
        half_open_requests: int(3, 'Probe requests allowed while half-open.', 1, 1000),
      })
      .prefault({}),
  })
  .prefault({});

const push = z
  .object({
    type: oneOf(['pushgateway', 'remote_write', 'stdout'] as const, 'stdout', 'Where metrics go.'),
    url: url('Pushgateway base URL or remote-write endpoint (required unless type is stdout).'),
    job: str('slurm_exporter', 'Pushgateway job name (`job` label).', (s) =>
      s === '' || WHITESPACE_OR_CONTROL.test(s) || s.includes('/')
        ? 'must be non-empty without spaces or "/"'
        : undefined,
    ),
    grouping: map('Extra Pushgateway grouping labels (`k=v`); values must be non-empty.', groupingProblem),
    method: oneOf(
      ['put', 'post'] as const,
      'put',
      'Pushgateway method: put replaces the whole group, post only same-named metrics.',
    ),
    auth: z
      .object({
        type: oneOf(
          ['none', 'basic', 'bearer', 'sigv4'] as const,
          'none',
          'Authentication towards the push target.',
        ),
        username: str('', 'Basic-auth user.', userName),
        password: str('', 'Basic-auth password.', noControl, { secret: true }),
        token: str('', 'Bearer token.', noSpaces, { secret: true }),
        region: str('', 'AWS region for sigv4 (default: AWS_REGION).', (s) =>
          s === '' || /^[a-z]{2}(-[a-z]+)+-\d+$/.test(s)
            ? undefined
            : 'must be an AWS region such as eu-west-1',
        ),
        service: str('aps', 'AWS service name for sigv4 signing.', (s) =>
          /^[a-z0-9-]+$/.test(s) ? undefined : 'must be a lower-case AWS service name such as aps',
        ),
      })
      .prefault({}),
    headers: map('Extra HTTP headers sent with every push (values treated as secrets).', headersProblem, {
      secret: true,
    }),
    timeout: duration('10s', 'Timeout of one push request.'),
    retries: int(3, 'Retries of a failed push (5xx, 429, network).', 0, 10),
    compression: oneOf(
      ['gzip', 'none'] as const,
      'gzip',
      'Pushgateway body compression (remote write is always snappy).',
    ),
    max_samples_per_request: int(2000, 'Remote write: samples per request.', 1, 100_000),
    concurrency: int(2, 'Remote write: parallel requests.', 1, 16),
    reserve_time: duration('3s', "Time kept for the push out of the Lambda's remaining time.", true),
    file: str('', 'stdout target: write the exposition text to this file instead of stdout.', noControl),
  })
  .prefault({});

const health = z
  .object({
    max_staleness: duration('3m', 'Readiness fails when the last successful push is older than this.'),
    query_url: url('PromQL HTTP API base used to check remote-write freshness (optional).'),
    token: str(
      '',
      'When set, the health function requires header `X-Health-Token` with this value.',
      noSpaces,
      {
        secret: true,
      },
    ),
  })
  .prefault({});

/** The whole configuration. Parse with `configSchema.parse(input)`; every field has a default. */
export const configSchema = z.object({
  server,
  slurm,
  cluster_name: str('', 'Cluster name label. Empty means the name reported by slurmrestd.', (s) =>
    s.length > MAX_LABEL_VALUE || CONTROL.test(s)
      ? `must be at most ${MAX_LABEL_VALUE} characters without control characters`
      : undefined,
  ),
  secret_id: str('', 'AWS Secrets Manager secret id or ARN with credentials (see "The secret").', (s) =>
    /^[A-Za-z0-9/_+=.@:-]{0,2048}$/.test(s)
      ? undefined
      : 'must be a secret name or ARN ([A-Za-z0-9/_+=.@:-])',
  ),
  secret_max_age: duration(
    '5m',
    'How long the secret is cached across warm invocations (whole seconds).',
    true,
  ),
  collectors,
  logging,
  metrics,
  observability,
  push,
  health,
});

/** The parsed configuration (durations in milliseconds). */
export type Config = z.infer<typeof configSchema>;

type InputLeaf<T> = T extends boolean
  ? boolean | string
  : T extends number
    ? number | string
    : T extends string[]
      ? string[] | string
      : T;
/** Maps (labels, headers) have `string` keys; sections have literal keys. */
type IsMap<T> = T extends object ? (string extends keyof T ? true : false) : false;
type DeepInput<T> = {
  [K in keyof T]?: T[K] extends string | number | boolean | string[]
    ? InputLeaf<T[K]>
    : IsMap<T[K]> extends true
      ? T[K] | string
      : DeepInput<T[K]>;
};
/**
 * What the schema accepts: a deep partial of Config where durations are Go strings (or ms numbers), and
 * booleans, numbers, lists and maps may also be strings as in env vars. Overrides use this type.
 */
export type ConfigInput = DeepInput<Config>;
