/**
 * The one HTTP helper of the push targets: one request (lib/http-client.ts) with a per-attempt timeout, retries with
 * exponential backoff (connection errors and 5xx; 429 only when asked), an absolute deadline that cuts both the
 * waiting and the request itself, and PushErrors whose messages name the URL but never credentials.
 */

import { setTimeout as wait } from 'node:timers/promises';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { PushError } from '../errors.js';
import { httpRequest, readText } from '../http-client.js';
import type { RequestObserver } from '../observability/events.js';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';

export interface BackoffOptions {
  /** First retry delay (ms); doubles per retry. Default 100. */
  initialMs?: number;
  /** Upper bound of one delay (ms). Default 5000. */
  maxMs?: number;
}

export interface SendRequest {
  /** Target name for errors and observers: `pushgateway`, `remote_write`. */
  target: string;
  method: 'PUT' | 'POST' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  body?: Uint8Array;
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** Absolute epoch ms (Lambda remaining time): no attempt and no wait goes past it. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** remote write: 429 is retryable (honouring Retry-After). */
  retryOn429?: boolean;
  /** remote write: send `Retry-Attempt: <n>` on retries. */
  retryAttemptHeader?: boolean;
  backoff?: BackoffOptions;
  /** Adds per-attempt headers (SigV4 signs each attempt: the date changes). Gets the final header set. */
  sign?: (headers: Record<string, string>) => Promise<Record<string, string>>;
  logger?: Logger;
  onRequest?: RequestObserver;
}

export interface SendResult {
  status: number;
  /** Attempts made. */
  requests: number;
  /** Body bytes sent per attempt. */
  bytes: number;
  body: string;
}

/** Longest wait honoured for a Retry-After (without a deadline). */
const MAX_RETRY_AFTER_MS = 60_000;
/** Error bodies are cut to this many characters in messages and logs. */
const MAX_ERROR_BODY = 512;

/** `scheme://host/path` without user info or query (they may carry credentials). */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Sends one request with retries; resolves on 2xx, throws a PushError otherwise. */
export async function sendWithRetry(req: SendRequest): Promise<SendResult> {
  const logger = req.logger ?? silentLogger;
  const where = safeUrl(req.url);
  const bytes = req.body?.byteLength ?? 0;
  let attempt = 0;
  let lastError: PushError | undefined;
  for (;;) {
    const remaining = req.deadlineMs === undefined ? Number.POSITIVE_INFINITY : req.deadlineMs - Date.now();
    if (remaining <= 0) throw deadlineError(req, where, attempt, lastError);
    const timeoutMs = Math.min(req.timeoutMs, remaining);
    let headers = { ...req.headers };
    if (attempt > 0 && req.retryAttemptHeader) headers['retry-attempt'] = String(attempt);
    // One CLIENT span per attempt; its context travels to the receiver as `traceparent` (signed with the rest).
    const span = trace.getTracer('slurm-push-exporter').startSpan(`${req.method} ${req.target}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': req.method,
        'url.full': where,
        'push.target': req.target,
        'push.attempt': attempt + 1,
        'http.request.body.size': bytes,
      },
    });
    propagation.inject(trace.setSpan(context.active(), span), headers);
    if (req.sign) headers = await req.sign(headers);

    const started = performance.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let status = 0;
    let body = '';
    let retryAfterMs: number | undefined;
    let failure: PushError | undefined;
    try {
      const res = await httpRequest(req.url, {
        method: req.method,
        headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        signal,
      });
      status = res.status;
      body = await readText(res.body);
      if (status >= 200 && status < 300) {
        observe(req, status, started, bytes);
        return { status, requests: attempt + 1, bytes, body };
      }
      retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      const retryable = status >= 500 || (status === 429 && req.retryOn429 === true);
      failure = new PushError(statusMessage(req, where, status, body), {
        target: req.target,
        status,
        retryable,
        requests: attempt + 1,
        code: status === 401 || status === 403 ? 'PUSH_UNAUTHORIZED' : 'PUSH_REJECTED',
        type: status === 401 || status === 403 ? 'auth' : 'http',
      });
    } catch (err) {
      if (req.signal?.aborted) {
        observe(req, 0, started, bytes, 'timeout');
        throw new PushError(`push to ${where} was aborted`, {
          target: req.target,
          code: 'PUSH_ABORTED',
          requests: attempt + 1,
          type: 'timeout',
          cause: err,
        });
      }
      if (timeout.aborted) {
        observe(req, 0, started, bytes, 'timeout');
        if (timeoutMs < req.timeoutMs) throw deadlineError(req, where, attempt + 1, lastError, err);
        failure = new PushError(`push to ${where} timed out after ${req.timeoutMs} ms`, {
          target: req.target,
          retryable: true,
          requests: attempt + 1,
          code: 'PUSH_TIMEOUT',
          type: 'timeout',
          cause: err,
        });
      } else {
        observe(req, 0, started, bytes, 'connection');
        const code = (err as { code?: string }).code;
        failure = new PushError(`push to ${where} failed: ${code ?? (err as Error).message}`, {
          target: req.target,
          retryable: true,
          requests: attempt + 1,
          code: 'PUSH_CONNECTION',
          type: 'connection',
          cause: err,
        });
      }
    } finally {
      if (status !== 0) span.setAttribute('http.response.status_code', status);
      if (status === 0 || status >= 400) {
        span.setAttribute('error.type', failure?.type ?? 'timeout');
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: failure?.message ?? `push to ${where} failed`,
        });
      }
      span.end();
    }
    if (status !== 0) observe(req, status, started, bytes, failure.type);
    lastError = failure;
    if (!failure.retryable || attempt >= req.retries) {
      if (!failure.retryable)
        logger.warn('push rejected', { target: req.target, url: where, status, body: cut(body) });
      throw failure;
    }
    const delay = Math.min(retryAfterMs ?? backoffDelay(attempt, req.backoff), MAX_RETRY_AFTER_MS);
    if (req.deadlineMs !== undefined && Date.now() + delay >= req.deadlineMs) {
      throw deadlineError(req, where, attempt + 1, failure);
    }
    logger.warn('push failed, retrying', {
      target: req.target,
      url: where,
      status,
      attempt: attempt + 1,
      delayMs: Math.round(delay),
      error: failure.message,
    });
    await sleep(delay, req.signal).catch((err: unknown) => {
      throw new PushError(`push to ${where} was aborted`, {
        target: req.target,
        code: 'PUSH_ABORTED',
        type: 'timeout',
        requests: attempt + 1,
        cause: err,
      });
    });
    attempt++;
  }
}

/** Retry-After as seconds or an HTTP date → ms; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const initial = opts.initialMs ?? 100;
  const max = opts.maxMs ?? 5000;
  const base = Math.min(max, initial * 2 ** attempt);
  // Jitter (50–100 %) so concurrent batches don't retry in lockstep.
  return base / 2 + Math.random() * (base / 2);
}

function statusMessage(req: SendRequest, where: string, status: number, body: string): string {
  const hint =
    status === 401 || status === 403
      ? ' (check the push credentials)'
      : status === 404
        ? ' (check the URL path)'
        : status === 413
          ? ' (request body too large)'
          : '';
  const detail = cut(body.trim());
  return `${req.target === 'remote_write' ? 'remote write' : 'push'} to ${where} failed with status ${status}${hint}${
    detail ? `: ${detail}` : ''
  }`;
}

function deadlineError(
  req: SendRequest,
  where: string,
  requests: number,
  last: PushError | undefined,
  cause?: unknown,
): PushError {
  return new PushError(
    `push to ${where} did not finish before the Lambda deadline (${requests} request${requests === 1 ? '' : 's'} made${
      last ? `; last error: ${last.message}` : ''
    })`,
    {
      target: req.target,
      status: last?.status,
      code: 'PUSH_DEADLINE',
      requests,
      type: 'timeout',
      cause: cause ?? last,
    },
  );
}

function observe(req: SendRequest, status: number, started: number, bytes: number, errorType?: string): void {
  if (!req.onRequest) return;
  try {
    req.onRequest({
      endpoint: req.target,
      method: req.method,
      path: req.url.pathname,
      status,
      durationMs: performance.now() - started,
      bytes,
      ...(errorType === undefined ? {} : { errorType }),
    });
  } catch {
    // An observer must never break a push.
  }
}

function cut(s: string): string {
  return s.length > MAX_ERROR_BODY ? `${s.slice(0, MAX_ERROR_BODY)}…` : s;
}

/** Backoff wait that ends early (rejecting with the abort reason) when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return wait(ms, undefined, { signal }).catch((err: unknown) => {
    throw signal?.aborted ? signal.reason : err;
  });
}
