/**
 * Turns the validated config into the clients both functions use. Kept apart from the handlers so the CLI,
 * the two Lambda functions and the tests build them the same way.
 */
import { type Config, type ConfigLoader, createConfigLoader } from '../config/index.js';
import type { RequestObserver } from '../observability/events.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createPushTarget, type PushTargetOptions } from '../push/index.js';
import type { PushTarget } from '../push/types.js';
import { createSlurmClient, type SlurmClient } from '../slurm/client.js';

type Env = Record<string, string | undefined>;

/** One loader per distinct environment: warm invocations reuse its cache (secret max age, fingerprint). */
const loaders = new Map<string, ConfigLoader>();

export function getConfigLoader(env: Env): ConfigLoader {
  const key = JSON.stringify(
    Object.entries(env)
      .filter(([k]) => k.startsWith('SLURM_EXPORTER_') || k.startsWith('AWS_'))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  let loader = loaders.get(key);
  if (!loader) {
    // Bounded: a process sees a handful of environments at most (tests create more; drop the oldest).
    if (loaders.size >= 32) loaders.delete(loaders.keys().next().value as string);
    loader = createConfigLoader({ env });
    loaders.set(key, loader);
  }
  return loader;
}

export function loggerFor(
  config: Config,
  fields: Record<string, unknown> = {},
  level?: Config['logging']['level'],
): Logger {
  return createLogger({ level: level ?? config.logging.level, format: config.logging.format, fields });
}

/** The slurmrestd client; `refresh` re-reads the secret when slurmrestd rejects the token. */
export function slurmClientFor(
  config: Config,
  deps: {
    logger: Logger;
    onRequest?: RequestObserver;
    deadline?: number;
    refresh: () => Promise<Config>;
  },
): SlurmClient {
  const s = config.slurm;
  return createSlurmClient({
    baseUrl: s.base_url,
    apiVersion: s.api_version,
    timeoutMs: s.timeout,
    retryAttempts: s.retry_attempts,
    retryDelayMs: s.retry_delay,
    maxResponseBytes: s.max_response_bytes,
    concurrency: s.concurrency,
    auth: {
      type: s.auth.type,
      credentials: async ({ force }) => {
        const a = (force ? await deps.refresh() : config).slurm.auth;
        return {
          token: a.token || undefined,
          username: a.username || undefined,
          password: a.password || undefined,
        };
      },
    },
    tls: { insecureSkipVerify: s.tls.insecure_skip_verify, ca: s.tls.ca_cert || undefined },
    breaker: {
      enabled: config.observability.circuit_breaker.enabled,
      failureThreshold: config.observability.circuit_breaker.failure_threshold,
      resetTimeoutMs: config.observability.circuit_breaker.reset_timeout,
      halfOpenRequests: config.observability.circuit_breaker.half_open_requests,
    },
    logger: deps.logger,
    onRequest: deps.onRequest,
    deadline: deps.deadline,
  });
}

export function pushOptionsFor(
  config: Config,
  type: Config['push']['type'] = config.push.type,
): PushTargetOptions {
  const p = config.push;
  return {
    type,
    url: p.url,
    job: p.job,
    grouping: p.grouping,
    method: p.method === 'post' ? 'POST' : 'PUT',
    auth: {
      type: p.auth.type,
      username: p.auth.username || undefined,
      password: p.auth.password || undefined,
      token: p.auth.token || undefined,
      region: p.auth.region || undefined,
      service: p.auth.service,
    },
    headers: p.headers,
    timeoutMs: p.timeout,
    retries: p.retries,
    compression: p.compression,
    file: p.file || undefined,
    maxSamplesPerRequest: p.max_samples_per_request,
    concurrency: p.concurrency,
  };
}

export async function pushTargetFor(
  config: Config,
  deps: {
    logger: Logger;
    onRequest?: RequestObserver;
    region?: string;
    type?: Config['push']['type'];
    stream?: NodeJS.WritableStream;
  },
): Promise<PushTarget> {
  return createPushTarget(pushOptionsFor(config, deps.type), {
    logger: deps.logger,
    onRequest: deps.onRequest,
    region: deps.region,
    stream: deps.stream,
  });
}
