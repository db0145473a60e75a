/**
 * The HTTP client of every outgoing request (slurmrestd, push targets, health probes): node:http/https with an
 * AbortSignal, an optional keep-alive Agent and a connect timeout.
 *
 * Node's own client rather than undici (used before): undici's llhttp runs as a WebAssembly instance that
 * added ~15 MB of RSS to every invocation, and undici was 523 of dist/collect.cjs's 970 KiB (a third of each
 * cold start's require time). node:http is part of Node's startup snapshot; what undici added on top (pooling,
 * timeouts) is a keep-alive Agent and the timers below.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpRequestOptions {
  method: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Aborts the request and its response body (the stream then errors). */
  signal?: AbortSignal;
  /** Connection pool; Node's global agent (keep-alive since Node 19) when absent. */
  agent?: http.Agent;
  /** Fails with ConnectTimeoutError when a new connection is not established within this many ms. */
  connectTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body stream: read it to its end or destroy it (the connection is reused only after its end). */
  body: http.IncomingMessage;
}

/** A new connection was not established in time (the address may be unroutable or firewalled). */
export class ConnectTimeoutError extends Error {
  readonly code = 'CONNECT_TIMEOUT';
  constructor(ms: number) {
    super(`connect timed out after ${ms} ms`);
    this.name = 'ConnectTimeoutError';
  }
}

/** Methods a server may receive twice without harm: the ones resent on a stale kept-alive connection. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Resends on stale connections per request: the pool can hold one idle connection per earlier parallel request. */
const MAX_STALE_RESENDS = 4;

/**
 * A request sent on a kept-alive connection that the server had already closed: the reset comes before any
 * byte of an answer, so the server never saw the request. Node documents exactly this check
 * (`request.reusedSocket`); a Lambda container thawed after a minute meets it on its first request whenever
 * the server closed the idle connection while the process was frozen.
 */
function isStaleConnection(req: http.ClientRequest, err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
}

/**
 * Sends one request; resolves when the response headers arrive. An idempotent request that meets a stale
 * kept-alive connection is sent again on another one (at most MAX_STALE_RESENDS times); that resend is not a
 * retry of the caller's policy: nothing reached the server.
 */
export function httpRequest(url: URL, opts: HttpRequestOptions): Promise<HttpResponse> {
  return send(url, opts, IDEMPOTENT.has(opts.method.toUpperCase()) ? MAX_STALE_RESENDS : 0);
}

function send(url: URL, opts: HttpRequestOptions, staleResends: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    let answered = false;
    try {
      req = client.request(
        url,
        {
          method: opts.method,
          headers: opts.headers,
          ...(opts.agent ? { agent: opts.agent } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        },
        (res) => {
          answered = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
        },
      );
    } catch (err) {
      // Invalid header values and the like are thrown by the constructor.
      reject(err);
      return;
    }
    req.on('error', (err) => {
      if (staleResends > 0 && !answered && !opts.signal?.aborted && isStaleConnection(req, err)) {
        resolve(send(url, opts, staleResends - 1));
      } else reject(err);
    });
    const ms = opts.connectTimeoutMs;
    if (ms !== undefined && ms > 0 && Number.isFinite(ms)) {
      req.once('socket', (socket) => {
        // A kept-alive socket is already connected.
        if (!socket.connecting) return;
        const timer = setTimeout(() => req.destroy(new ConnectTimeoutError(ms)), ms);
        // Both listeners go once either fires: a kept-alive socket outlives this request (and the Lambda
        // invocation), and a 'close' listener left on it kept the request, its response and through them the
        // whole invocation's data (~30 MB at 100k jobs) alive until the socket closed.
        const clear = (): void => {
          clearTimeout(timer);
          socket.off('connect', clear);
          socket.off('close', clear);
        };
        socket.once('connect', clear);
        socket.once('close', clear);
      });
    }
    req.end(
      opts.body === undefined
        ? undefined
        : Buffer.from(opts.body.buffer, opts.body.byteOffset, opts.body.byteLength),
    );
  });
}

/** The whole body as text (small bodies: push answers, error bodies, health probes), at most `maxChars`. */
export async function readText(
  body: http.IncomingMessage,
  maxChars = Number.POSITIVE_INFINITY,
): Promise<string> {
  body.setEncoding('utf8');
  let text = '';
  for await (const chunk of body) {
    text += chunk as string;
    if (text.length >= maxChars) {
      // The rest is not needed: the connection is closed rather than drained.
      body.destroy();
      return text.slice(0, maxChars);
    }
  }
  return text;
}
