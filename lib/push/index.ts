/**
 * Push target factory. Remote write is loaded lazily (its own bundle: protobuf, Snappy, SigV4), so a
 * Pushgateway or stdout configuration never parses that code.
 */

import { isLabelName } from '../collectors/labels.js';
import { ExporterError, PushError } from '../errors.js';
import { loadLazy } from '../lazy.js';
import type { RequestObserver } from '../observability/events.js';
import type { Logger } from '../observability/logger.js';
import type { PushAuth } from './headers.js';
import { type BackoffOptions, sendWithRetry } from './http.js';
import { createPushgatewayTarget } from './pushgateway.js';
import { createStdoutTarget } from './stdout.js';
import type { PushPayload, PushResult, PushTarget } from './types.js';

export type { PushAuth } from './headers.js';
export { PushgatewayTarget } from './pushgateway.js';

/** The `push` config section, as the targets need it. */
export interface PushTargetOptions {
  type: 'pushgateway' | 'remote_write' | 'stdout';
  url?: string;
  /** Pushgateway job / remote-write `job` label. */
  job?: string;
  grouping?: Record<string, string>;
  method?: 'PUT' | 'POST';
  auth?: PushAuth;
  headers?: Record<string, string>;
  timeoutMs?: number;
  retries?: number;
  compression?: 'gzip' | 'none';
  /** stdout: write to this file instead. */
  file?: string;
  maxSamplesPerRequest?: number;
  concurrency?: number;
  sendMetadata?: boolean;
  backoff?: BackoffOptions;
}

export interface PushTargetDeps {
  logger?: Logger;
  onRequest?: RequestObserver;
  /** AWS_REGION of the Lambda (read by lib/config), the SigV4 default region. */
  region?: string;
  /** stdout target stream (tests). */
  stream?: NodeJS.WritableStream;
}

/**
 * The stable grouping key: `cluster` + configured labels (never per-invocation values, or stale groups pile up
 * in the gateway forever). Throws on an empty value, an invalid label name or `job` (set separately).
 */
export function buildGrouping(
  cluster: string,
  grouping: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = { ...grouping, cluster };
  for (const [name, value] of Object.entries(out)) {
    if (name === 'job') throw invalid('push.grouping must not contain "job" (it is push.job)');
    if (!isLabelName(name)) {
      throw invalid(`push.grouping label name ${JSON.stringify(name)} is not a valid Prometheus label name`);
    }
    if (typeof value !== 'string' || value === '') {
      throw invalid(
        name === 'cluster'
          ? 'the cluster name (grouping label "cluster") must not be empty'
          : `push.grouping.${name} must not be empty (the Pushgateway cannot take empty grouping values)`,
      );
    }
  }
  return out;
}

/** Creates the configured target. Async because remote write is lazy-loaded. */
export async function createPushTarget(
  options: PushTargetOptions,
  deps: PushTargetDeps = {},
): Promise<PushTarget> {
  switch (options.type) {
    case 'stdout':
      return createStdoutTarget({ file: options.file, stream: deps.stream });
    case 'pushgateway':
      return createPushgatewayTarget({
        url: required(options.url, 'push.url'),
        job: required(options.job, 'push.job'),
        grouping: options.grouping,
        method: options.method,
        auth: options.auth,
        headers: options.headers,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        compression: options.compression,
        backoff: options.backoff,
        logger: deps.logger,
        onRequest: deps.onRequest,
      });
    case 'remote_write': {
      const { createRemoteWriteTarget } = await loadLazy('remote-write');
      const target = adoptErrors(() =>
        createRemoteWriteTarget({
          url: required(options.url, 'push.url'),
          job: options.job,
          auth: options.auth,
          headers: options.headers,
          timeoutMs: options.timeoutMs,
          retries: options.retries,
          maxSamplesPerRequest: options.maxSamplesPerRequest,
          concurrency: options.concurrency,
          sendMetadata: options.sendMetadata,
          region: deps.region,
          backoff: options.backoff,
          logger: deps.logger,
          onRequest: deps.onRequest,
          send: sendWithRetry,
        }),
      );
      return {
        name: target.name,
        push: (
          payload: PushPayload,
          opts?: { signal?: AbortSignal; deadlineMs?: number },
        ): Promise<PushResult> =>
          target.push(payload, opts).catch((err: unknown) => {
            throw adoptError(err);
          }),
      };
    }
    default:
      throw invalid(
        `push.type must be pushgateway, remote_write or stdout (got ${JSON.stringify(options.type)})`,
      );
  }
}

/**
 * The remote-write bundle carries its own copy of lib/errors.ts, so its PushErrors fail `instanceof` here;
 * re-create them as this bundle's classes (same fields, original as `cause`) so classifyError() works.
 */
export function adoptError(err: unknown): unknown {
  if (err instanceof ExporterError || !(err instanceof Error)) return err;
  const e = err as Partial<PushError> & Error;
  if (e.name === 'PushError') {
    return new PushError(e.message, {
      target: e.target ?? 'remote_write',
      status: e.status,
      retryable: e.retryable,
      code: e.code,
      type: e.type,
      cause: err,
      requests: e.requests,
      accepted: e.accepted,
      rejected: e.rejected,
    });
  }
  if (e.name === 'ExporterError' && e.code !== undefined && e.type !== undefined) {
    return new ExporterError(e.message, { code: e.code, type: e.type, cause: err });
  }
  return err;
}

function adoptErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw adoptError(err);
  }
}

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw invalid(`${field} is required for this push.type`);
  return value;
}

function invalid(message: string): ExporterError {
  return new ExporterError(message, { code: 'PUSH_CONFIG_INVALID', type: 'validation' });
}
