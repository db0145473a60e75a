/**
 * `slurm-push`: run the collect job once locally, answer health/ready, validate the config, delete the
 * Pushgateway group. stdout carries only the command's output (exposition text for `collect` to stdout), logs go
 * to stderr, so `slurm-push collect > metrics.prom` is valid input for `promtool check metrics`.
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { runCollect } from '../app/collect.js';
import { handleHealth } from '../app/health.js';
import { getConfigLoader, pushOptionsFor } from '../app/wiring.js';
import { type Config, redactConfig } from '../config/index.js';
import { ConfigError, ExporterError } from '../errors.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../observability/logger.js';
import { buildGrouping, createPushTarget, PushgatewayTarget } from '../push/index.js';
import { startEmbeddedCluster } from '../sim/index.js';
import { VERSION } from '../version.js';

type Env = Record<string, string | undefined>;

export const HELP = `slurm-push ${VERSION} — collect SLURM metrics from slurmrestd and push them to Prometheus

Usage: slurm-push <command> [options]

Commands:
  collect           Run one collection (the scheduled Lambda's job) and push it.
                    With no slurmrestd configured (SLURM_EXPORTER_SLURM_BASE_URL empty) it starts the
                    embedded simulated cluster and prints the exposition text to stdout.
    --once          Run once and exit (the default; accepted for clarity).
    --dry-run       Collect and render, print the exposition to stdout, push nothing.
    --target T      Push to T instead of push.type: stdout | pushgateway | remote_write.
  health            Print the health answer (liveness + config); exit 0 when ok or degraded.
    --ready         Print the readiness answer instead (slurmrestd, push target, freshness).
  validate-config   Print the effective configuration (secrets redacted) or every problem; exit 0/1.
  delete-group      Delete this exporter's group from the Pushgateway (push.job + cluster + push.grouping).
    --cluster NAME  Cluster label of the group (default: cluster_name from the config).

Global options:
  --config FILE     YAML or JSON config document (same as SLURM_EXPORTER_CONFIG_FILE).
  --log-level LEVEL debug | info | warn | error (overrides logging.level / SLURM_EXPORTER_LOGGING_LEVEL).
  --help            Show this help.    --version  Print the version.

Configuration: every field has an environment variable SLURM_EXPORTER_<PATH>; see docs/configuration.md.
`;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
};

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      once: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      target: { type: 'string' },
      ready: { type: 'boolean' },
      cluster: { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
}

function describeError(err: unknown): string {
  if (err instanceof ExporterError) return `${err.name} [${err.code}]: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

async function collect(
  env: Env,
  flags: ReturnType<typeof parse>['values'],
  logLevel: LogLevel | undefined,
  io: Io,
) {
  const target = flags.target;
  if (target !== undefined && !['stdout', 'pushgateway', 'remote_write'].includes(target)) {
    throw new ExporterError(
      `--target must be stdout, pushgateway or remote_write (got ${JSON.stringify(target)})`,
      {
        code: 'CLI_USAGE',
        type: 'validation',
      },
    );
  }
  const loaded = await getConfigLoader(env).load();
  let embedded: Awaited<ReturnType<typeof startEmbeddedCluster>> | undefined;
  const overrides: Record<string, unknown> = {};
  if (!loaded.config.slurm.base_url) {
    // No Slurm configured: the embedded simulated cluster (v0.0.44 on 127.0.0.1) stands in, so a newcomer sees
    // real exposition text with no AWS account and no Slurm.
    embedded = await startEmbeddedCluster();
    overrides.slurm = { base_url: embedded.url, auth: { type: 'none' } };
    if (!loaded.config.cluster_name) overrides.cluster_name = embedded.cluster.name;
    io.err(`slurm-push: no slurmrestd configured; using the embedded simulated cluster at ${embedded.url}\n`);
  }
  try {
    const summary = await runCollect({
      env,
      overrides,
      logLevel,
      target: target as Config['push']['type'] | undefined,
      dryRun: flags['dry-run'] === true,
      localBudgetMs: 120_000,
      stdout: new Writable({
        write(chunk: Buffer | string, _enc, done) {
          io.out(chunk.toString());
          done();
        },
      }),
      onCollector: io.isTty
        ? (s) =>
            io.err(
              `  ${s.ok ? (s.skipped ? 'skip' : ' ok ') : 'FAIL'} ${s.name.padEnd(13)} ${String(Math.round(s.durationMs)).padStart(6)} ms ${String(s.series).padStart(7)} series${s.error ? `  ${s.error.message}` : ''}\n`,
            )
        : undefined,
    });
    if ((target ?? loaded.config.push.type) !== 'stdout' && flags['dry-run'] !== true) {
      io.err(`${JSON.stringify(summary)}\n`);
    }
    return 0;
  } finally {
    await embedded?.close();
  }
}

async function health(env: Env, ready: boolean, io: Io) {
  const loaded = await getConfigLoader(env)
    .load()
    .catch(() => undefined);
  const path = ready
    ? (loaded?.config.server.ready_path ?? '/ready')
    : (loaded?.config.server.health_path ?? '/health');
  const headers: Record<string, string> = {};
  if (loaded?.config.health.token) headers['x-health-token'] = loaded.config.health.token;
  const res = await handleHealth(
    { rawPath: path, headers, requestContext: { http: { method: 'GET', path } } },
    env,
  );
  io.out(`${JSON.stringify(JSON.parse(res.body), null, 2)}\n`);
  return res.statusCode === 200 ? 0 : 1;
}

async function validateConfig(env: Env, io: Io) {
  try {
    const loaded = await getConfigLoader(env).load();
    for (const w of loaded.warnings) io.err(`warning: ${w}\n`);
    io.out(`${JSON.stringify(redactConfig(loaded.config), null, 2)}\n`);
    io.err(`configuration is valid (sources: ${loaded.sources.join(' < ')})\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

async function deleteGroup(env: Env, cluster: string | undefined, io: Io) {
  const config = (await getConfigLoader(env).load()).config;
  if (config.push.type !== 'pushgateway') {
    throw new ExporterError('delete-group needs push.type pushgateway (SLURM_EXPORTER_PUSH_TYPE)', {
      code: 'CLI_USAGE',
      type: 'validation',
    });
  }
  const name = cluster ?? config.cluster_name;
  if (!name) {
    throw new ExporterError(
      'delete-group needs --cluster NAME or cluster_name (SLURM_EXPORTER_CLUSTER_NAME)',
      {
        code: 'CLI_USAGE',
        type: 'validation',
      },
    );
  }
  const target = await createPushTarget(pushOptionsFor(config));
  if (!(target instanceof PushgatewayTarget)) throw new Error('unexpected push target');
  const r = await target.deleteGroup(buildGrouping(name, config.push.grouping));
  io.err(`deleted group job=${config.push.job} cluster=${name} (HTTP ${r.status})\n`);
  return 0;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], env: Env = process.env, io: Io = defaultIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.err(`slurm-push: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    io.out(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  const logLevel = values['log-level'];
  if (logLevel !== undefined && !isLogLevel(logLevel)) {
    io.err(
      `slurm-push: --log-level must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(logLevel)})\n`,
    );
    return 2;
  }
  const runEnv: Env = { ...env };
  if (values.config) runEnv.SLURM_EXPORTER_CONFIG_FILE = values.config;
  if (logLevel) runEnv.SLURM_EXPORTER_LOGGING_LEVEL = logLevel;
  try {
    switch (command) {
      case 'collect':
        return await collect(runEnv, values, logLevel as LogLevel | undefined, io);
      case 'health':
        return await health(runEnv, values.ready === true, io);
      case 'validate-config':
        return await validateConfig(runEnv, io);
      case 'delete-group':
        return await deleteGroup(runEnv, values.cluster, io);
      default:
        io.err(`slurm-push: unknown command ${JSON.stringify(command)}\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    io.err(`slurm-push ${command}: ${describeError(err)}\n`);
    return 1;
  }
}

// Bundled as dist/cli.cjs: run when executed, not when imported by tests.
declare const __BUNDLED__: boolean | undefined;
if (typeof __BUNDLED__ !== 'undefined' && __BUNDLED__) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`slurm-push: ${describeError(err)}\n`);
      process.exitCode = 1;
    },
  );
}
