/**
 * The slurmrestd client: a DataSource (lib/collectors/types.ts) over HTTP.
 *
 * Layers, outside in: version resolution (pinned or detected) → circuit breaker (per base URL) → one credential
 * refresh on an auth rejection → retries with backoff (connection errors, timeouts, 502/503/504) → one HTTP
 * request (concurrency slot, span, timeout, observers) → body handling (incremental list parsing, errors[]).
 *
 * Warm-container state (agents, detected version, breaker, slurmdb availability) lives in module-level maps
 * keyed by base URL; per-invocation things (deadline, logger, observers) live in the client object, so the
 * app creates a client per invocation cheaply.
 */

import type { Readable } from 'node:stream';
import { setTimeout as wait } from 'node:timers/promises';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import * as z from 'zod';
import type { DataSource } from '../collectors/types.js';
import { classifyError, ExporterError, SlurmHttpError } from '../errors.js';
import { httpRequest } from '../http-client.js';
import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  getCircuitBreaker,
  resetCircuitBreakers,
} from '../observability/circuit-breaker.js';
import type { RequestObserver } from '../observability/events.js';
import { type Logger, silentLogger } from '../observability/logger.js';
import { USER_AGENT, VERSION } from '../version.js';
import type { Adapter, ListEndpoint } from './adapters/types.js';
import {
  type AuthOptions,
  authHeaders,
  type Credentials,
  isAuthRejection,
  MissingCredentialsError,
} from './auth.js';
import { type DetectedVersion, detectApiVersion } from './detect.js';
import {
  describeSlurmError,
  isNothingFound,
  isSlurmdbUnavailable,
  type SlurmErrorEntry,
  slurmErrors,
} from './errors-body.js';
import { displayBaseUrl, getAgent, isLoopbackHost, resetAgents, type TlsOptions } from './http.js';
import { JsonListStream, JsonStreamError } from './json-stream.js';
import {
  type ApiVersion,
  ENDPOINTS,
  type EndpointData,
  type EndpointName,
  type JobField,
  type SlurmMeta,
} from './model.js';

export interface SlurmClientOptions {
  /** slurmrestd base URL, e.g. `https://slurm.example:6820`. */
  baseUrl: string;
  /** Pinned API version, or '' / undefined to detect (newest served first). */
  apiVersion?: ApiVersion | '';
  /** Per-request time budget (connect + headers + whole body), ms. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt for connection errors, timeouts and 502/503/504. Default 3. */
  retryAttempts?: number;
  /** Base delay of the exponential backoff (with jitter), ms. Default 500. */
  retryDelayMs?: number;
  /** Cap on a response body (content-length and streamed bytes). Default 1 GiB. */
  maxResponseBytes?: number;
  /** Simultaneous requests. Default 4. */
  concurrency?: number;
  auth?: AuthOptions;
  tls?: TlsOptions;
  breaker?: { enabled: boolean } & CircuitBreakerOptions;
  logger?: Logger;
  onRequest?: RequestObserver;
  /** Absolute time (ms since epoch) by which everything must be done; no retry starts that cannot finish. */
  deadline?: number;
  /** Version adapters; defaults to lib/slurm/adapters (loaded on first use). */
  getAdapter?: (version: ApiVersion) => Adapter;
  /** Clock for the circuit breaker (tests). */
  clock?: () => number;
}

export interface SlurmClient extends DataSource {
  /** Base URL without credentials. */
  readonly baseUrl: string;
  /** The pinned or detected API version (detects on first call). */
  apiVersion(): Promise<ApiVersion>;
}

type FetchOpts = { onItem?: (item: never) => void; signal?: AbortSignal; jobFields?: readonly JobField[] };
type FetchResult = { data: unknown; meta: SlurmMeta; count: number };

const DEFAULTS = {
  timeoutMs: 30_000,
  retryAttempts: 3,
  retryDelayMs: 500,
  maxResponseBytes: 1024 * 1024 * 1024,
  concurrency: 4,
};
/** Error bodies are small; more than this is not read. */
const ERROR_BODY_CAP = 1024 * 1024;
const RETRY_STATUSES = new Set([502, 503, 504]);

interface WarmState {
  /**
   * Cluster name from slurmdbd when slurmrestd does not report one (API ≤ v0.0.38): undefined = not asked yet,
   * null = slurmdbd knows none or several, or is not there.
   */
  clusterFallback?: string | null;
  detected?: DetectedVersion;
  detecting?: Promise<DetectedVersion>;
  meta?: SlurmMeta;
  slurmdbDisabled: boolean;
  /** Paths that answered 404 while their version's ping works (endpoint not served by that version). */
  unavailablePaths: Set<string>;
  httpWarned: boolean;
}
const warmStates = new Map<string, WarmState>();

function warmState(key: string): WarmState {
  let s = warmStates.get(key);
  if (!s) {
    s = { slurmdbDisabled: false, unavailablePaths: new Set(), httpWarned: false };
    warmStates.set(key, s);
  }
  return s;
}

/** Forgets every warm-container state: detected versions, slurmdb availability, breakers, agents (tests). */
export async function resetSlurmClientState(): Promise<void> {
  warmStates.clear();
  resetCircuitBreakers();
  await resetAgents();
}

/** A SlurmHttpError with the parsed body, for decisions above the request layer. */
class SlurmResponseError extends SlurmHttpError {
  readonly errors: SlurmErrorEntry[];
  readonly text: string;
  readonly authCandidate: boolean;
  constructor(
    message: string,
    opts: ConstructorParameters<typeof SlurmHttpError>[1] & {
      errors: SlurmErrorEntry[];
      text: string;
      authCandidate: boolean;
    },
  ) {
    super(message, opts);
    this.errors = opts.errors;
    this.text = opts.text;
    this.authCandidate = opts.authCandidate;
  }
}

interface RequestCtx {
  endpoint: EndpointName;
  version: ApiVersion;
  path: string;
  signal: AbortSignal | undefined;
  /** Items already handed to onItem: a retry would hand them over twice. */
  delivered: boolean;
}

interface RawResponse {
  status: number;
  contentLength: number | undefined;
  body: Readable;
}

/**
 * Reads the body to its end, handing each chunk to `onChunk` as it arrives (at most `cap` bytes; the rest is
 * not read). Chunks are the socket's own: an async iterator over the stream would `read()` whatever is
 * buffered, which concatenates chunks into a fresh buffer (a second copy of ~260 MB at 100k jobs).
 */
type ReadBody = (cap: number, onChunk: (chunk: Buffer) => void) => Promise<void>;

type Consume<T> = (res: RawResponse, ctx: RequestCtx, read: ReadBody) => Promise<T>;

/** A tiny counting semaphore (one per client). */
class Semaphore {
  private free: number;
  private readonly waiters: (() => void)[] = [];
  constructor(n: number) {
    this.free = Math.max(1, Math.floor(n));
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

class TimeoutMarker extends Error {
  constructor() {
    super('request timed out');
    this.name = 'TimeoutMarker';
  }
}

const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT']);
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

function errorCode(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}

/** Backoff wait that ends early (rejecting with the abort reason) when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return wait(ms, undefined, { signal }).catch((err: unknown) => {
    throw signal?.aborted ? signal.reason : err;
  });
}

let defaultAdapters: ((version: ApiVersion) => Adapter) | undefined;
async function loadDefaultAdapters(): Promise<(version: ApiVersion) => Adapter> {
  if (defaultAdapters) return defaultAdapters;
  // Loaded lazily so the client (and its tests) do not pull every adapter in until one is needed.
  const mod = await import('./adapters/index.js');
  const get: (version: ApiVersion) => Adapter = mod.getAdapter;
  defaultAdapters = get;
  return get;
}

// Looked up per span, not once at load: re-initialising tracing replaces the API's global proxy provider,
// and a tracer taken from the old one would silently record nothing.
const tracer = () => trace.getTracer('slurm-push-exporter', VERSION);

export function createSlurmClient(options: SlurmClientOptions): SlurmClient {
  return new SlurmRestClient(options);
}

class SlurmRestClient implements SlurmClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly opts: typeof DEFAULTS;
  private readonly pinned: ApiVersion | undefined;
  private readonly auth: AuthOptions;
  private readonly logger: Logger;
  private readonly state: WarmState;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly sem: Semaphore;
  private readonly o: SlurmClientOptions;
  private adapters: ((v: ApiVersion) => Adapter) | undefined;
  private creds: Credentials | undefined;
  private credsGen = 0;
  private credsPending: Promise<Credentials> | undefined;
  /** Refreshed credentials were rejected as well: no further refresh in this client's lifetime. */
  private refreshRejected = false;
  /**
   * Answers this client already has (ping from version detection or meta(), clusters from the cluster-name
   * fallback), handed to the next fetch of that endpoint so an invocation makes one request per endpoint.
   */
  private readonly spares = new Map<EndpointName, FetchResult>();

  constructor(o: SlurmClientOptions) {
    let url: URL;
    try {
      url = new URL(o.baseUrl);
    } catch (err) {
      throw new ExporterError(`slurm base URL is not a valid URL (expected e.g. https://host:6820)`, {
        code: 'SLURM_BASE_URL_INVALID',
        type: 'validation',
        cause: err,
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ExporterError(`slurm base URL must use http or https, got ${url.protocol}`, {
        code: 'SLURM_BASE_URL_INVALID',
        type: 'validation',
      });
    }
    this.o = o;
    this.baseUrl = displayBaseUrl(o.baseUrl);
    this.origin = url.origin;
    this.opts = {
      timeoutMs: o.timeoutMs ?? DEFAULTS.timeoutMs,
      retryAttempts: Math.max(0, o.retryAttempts ?? DEFAULTS.retryAttempts),
      retryDelayMs: Math.max(0, o.retryDelayMs ?? DEFAULTS.retryDelayMs),
      maxResponseBytes: o.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      concurrency: o.concurrency ?? DEFAULTS.concurrency,
    };
    this.pinned = o.apiVersion ? o.apiVersion : undefined;
    this.auth = o.auth ?? { type: 'none' };
    this.logger = o.logger ?? silentLogger;
    this.adapters = o.getAdapter;
    this.sem = new Semaphore(this.opts.concurrency);
    this.state = warmState(this.baseUrl);
    this.breaker =
      o.breaker?.enabled === true ? getCircuitBreaker(this.baseUrl, o.breaker, o.clock) : undefined;
    if (url.protocol === 'http:' && this.auth.type !== 'none' && !isLoopbackHost(url.hostname)) {
      if (!this.state.httpWarned) {
        this.state.httpWarned = true;
        this.logger.warn('slurmrestd is reached over plain http: credentials cross the network unencrypted', {
          endpoint: this.baseUrl,
        });
      }
    }
  }

  async apiVersion(): Promise<ApiVersion> {
    return this.resolveVersion();
  }

  async meta(): Promise<SlurmMeta> {
    const meta = await this.baseMeta();
    return meta.cluster !== null ? meta : this.withClusterFallback(meta);
  }

  /**
   * slurmrestd of Slurm ≤ 23.02 (API ≤ v0.0.38) reports no cluster name. When slurmdbd knows exactly one
   * cluster, that is it. The answer is handed to the clusters collector (still one request per endpoint) and
   * remembered in the warm container.
   */
  private async withClusterFallback(meta: SlurmMeta): Promise<SlurmMeta> {
    if (this.state.clusterFallback === undefined) {
      try {
        const r = await this.fetchAny('clusters', {});
        this.spares.set('clusters', r);
        const names = ((r.data as { name: string }[] | undefined) ?? []).map((c) => c.name).filter(Boolean);
        this.state.clusterFallback = names.length === 1 ? (names[0] as string) : null;
      } catch (err) {
        // No slurmdbd: nothing to ask, ever. Anything else may pass: ask again next invocation.
        if ((err as { code?: unknown }).code === 'ENDPOINT_UNAVAILABLE') this.state.clusterFallback = null;
        return meta;
      }
    }
    return this.state.clusterFallback ? { ...meta, cluster: this.state.clusterFallback } : meta;
  }

  private async baseMeta(): Promise<SlurmMeta> {
    const version = await this.resolveVersion();
    if (this.state.meta?.apiVersion === version) return this.state.meta;
    try {
      const r = await this.fetchAny('ping', {});
      this.spares.set('ping', r);
      return r.meta;
    } catch (err) {
      // Pinned version and slurmrestd answered the ping with a 5xx: slurmctld is failing, not slurmrestd, and
      // the slurmdbd-served endpoints may still work (lab: slurmctld stopped). Let the collectors run and fail
      // one by one instead of losing them all — as a warm container already does through the cached meta.
      if (this.pinned && err instanceof SlurmHttpError && (err.status ?? 0) >= 500) {
        this.logger.warn('slurmrestd ping failed; collecting anyway with the pinned API version', {
          endpoint: this.baseUrl,
          apiVersion: version,
          error: err.message,
        });
        return { apiVersion: version, cluster: null, release: null, dataParser: null };
      }
      throw err;
    }
  }

  fetch<E extends EndpointName>(
    endpoint: E,
    opts?: Parameters<DataSource['fetch']>[1],
  ): Promise<{ data: EndpointData[E] | undefined; meta: SlurmMeta; count: number }> {
    return this.fetchAny(endpoint, (opts ?? {}) as FetchOpts) as Promise<{
      data: EndpointData[E] | undefined;
      meta: SlurmMeta;
      count: number;
    }>;
  }

  // ---- version resolution -------------------------------------------------------------------------------

  private async adapterFor(version: ApiVersion): Promise<Adapter> {
    if (!this.adapters) this.adapters = await loadDefaultAdapters();
    return this.adapters(version);
  }

  private async resolveVersion(): Promise<ApiVersion> {
    if (this.pinned) return this.pinned;
    if (this.state.detected) return this.state.detected.version;
    if (!this.state.detecting) {
      const p = detectApiVersion((v) => this.probe(v), { baseUrl: this.baseUrl });
      this.state.detecting = p;
      p.then(
        (d) => {
          this.state.detected = d;
          this.state.meta = d.meta;
          this.logger.info('slurmrestd API version detected', {
            endpoint: this.baseUrl,
            apiVersion: d.version,
            release: d.meta.release,
          });
        },
        () => {},
      ).finally(() => {
        if (this.state.detecting === p) this.state.detecting = undefined;
      });
    }
    return (await this.state.detecting).version;
  }

  /** `GET /slurm/vX/ping`: served (with meta) or 404; anything else throws. */
  private async probe(version: ApiVersion): Promise<{ served: false } | { served: true; meta: SlurmMeta }> {
    try {
      const r = await this.request('ping', version, {});
      this.spares.set('ping', r);
      return { served: true, meta: r.meta };
    } catch (err) {
      if (err instanceof SlurmHttpError && err.status === 404 && err.code !== 'ENDPOINT_UNAVAILABLE') {
        return { served: false };
      }
      throw err;
    }
  }

  // ---- endpoint fetch -----------------------------------------------------------------------------------

  private unavailable(
    endpoint: EndpointName,
    version: ApiVersion,
    reason: string,
    cause?: unknown,
  ): SlurmHttpError {
    return new SlurmHttpError(
      `${endpoint} is not available from ${this.baseUrl} (API ${version}): ${reason}`,
      {
        endpoint,
        apiVersion: version,
        code: 'ENDPOINT_UNAVAILABLE',
        type: 'http',
        cause,
      },
    );
  }

  private disableSlurmdb(endpoint: EndpointName, version: ApiVersion, reason: string): void {
    if (this.state.slurmdbDisabled) return;
    this.state.slurmdbDisabled = true;
    this.logger.info('slurmdb endpoints are not available; accounting collectors are skipped', {
      endpoint: this.baseUrl,
      apiVersion: version,
      slurmEndpoint: endpoint,
      reason,
    });
  }

  private async fetchAny(endpoint: EndpointName, opts: FetchOpts, redetected = false): Promise<FetchResult> {
    const version = await this.resolveVersion();
    const spare = this.spares.get(endpoint);
    if (spare && spare.meta.apiVersion === version && !opts.onItem) {
      this.spares.delete(endpoint);
      return spare;
    }
    const isDb = ENDPOINTS[endpoint].api === 'slurmdb';
    if (isDb && this.state.slurmdbDisabled) {
      throw this.unavailable(endpoint, version, 'slurmrestd serves no slurmdb endpoints (no slurmdbd)');
    }
    try {
      return await this.request(endpoint, version, opts);
    } catch (err) {
      if (!(err instanceof SlurmHttpError) || err.code === 'ENDPOINT_UNAVAILABLE') throw err;
      if (err.status === 404) {
        const served = endpoint !== 'ping' && (await this.versionServed(version));
        if (!served) {
          if (this.pinned) {
            throw new SlurmHttpError(
              `API version ${version} is not served by ${this.baseUrl} (GET /slurm/${version}/ping answered 404); set another version or leave it empty to detect`,
              {
                endpoint,
                apiVersion: version,
                status: 404,
                code: 'SLURM_VERSION_UNSUPPORTED',
                type: 'http',
                cause: err,
              },
            );
          }
          if (!redetected) {
            // A previously good version vanished: slurmrestd was upgraded. Detect again and retry once.
            this.logger.info('slurmrestd no longer serves the detected API version; detecting again', {
              endpoint: this.baseUrl,
              apiVersion: version,
            });
            if (this.state.detected?.version === version) this.state.detected = undefined;
            this.state.unavailablePaths.clear();
            return this.fetchAny(endpoint, opts, true);
          }
          throw err;
        }
        if (isDb) {
          this.disableSlurmdb(endpoint, version, 'HTTP 404');
          throw this.unavailable(endpoint, version, 'slurmrestd serves no slurmdb endpoints (404)', err);
        }
        const path = (await this.adapterFor(version)).path(endpoint);
        if (path !== null) this.state.unavailablePaths.add(path);
        throw this.unavailable(endpoint, version, 'not served by this slurmrestd (404)', err);
      }
      if (isDb && err instanceof SlurmResponseError && isSlurmdbUnavailable(err.errors, err.text)) {
        this.disableSlurmdb(endpoint, version, describeSlurmError(err.errors[0]) || err.text);
        throw this.unavailable(endpoint, version, 'slurmrestd cannot reach slurmdbd', err);
      }
      throw err;
    }
  }

  /** Whether `version` is still served (its ping does not answer 404). */
  private async versionServed(version: ApiVersion): Promise<boolean> {
    try {
      await this.request('ping', version, { onItem: () => {} });
      return true;
    } catch (err) {
      return !(err instanceof SlurmHttpError && err.status === 404);
    }
  }

  /** One endpoint read: path resolution, breaker, auth refresh, retries, body handling. */
  private async request(endpoint: EndpointName, version: ApiVersion, opts: FetchOpts): Promise<FetchResult> {
    const adapter = await this.adapterFor(version);
    const path = adapter.path(endpoint);
    if (path === null) throw this.unavailable(endpoint, version, 'not part of this API version');
    if (this.state.unavailablePaths.has(path))
      throw this.unavailable(endpoint, version, 'not served (404 earlier)');
    const ctx: RequestCtx = { endpoint, version, path, signal: opts.signal, delivered: false };
    const consume: Consume<FetchResult> = (res, c, read) => this.consume(adapter, res, c, read, opts);
    const run = (): Promise<FetchResult> => this.withAuth(ctx, consume);
    if (!this.breaker) return run();
    return this.breaker.execute(run, { isFailure: isBreakerFailure, logger: this.logger });
  }

  // ---- auth and retries ---------------------------------------------------------------------------------

  private async credentials(force: boolean): Promise<Credentials> {
    if (this.auth.type === 'none') return {};
    const provider = this.auth.credentials;
    if (!provider)
      throw new MissingCredentialsError(`auth type ${this.auth.type} needs a credentials provider`);
    if (!force && this.creds) return this.creds;
    if (!this.credsPending) {
      this.credsPending = provider({ force })
        .then((c) => {
          this.creds = c;
          this.credsGen++;
          return c;
        })
        .finally(() => {
          this.credsPending = undefined;
        });
    }
    return this.credsPending;
  }

  private async withAuth<T>(ctx: RequestCtx, consume: Consume<T>): Promise<T> {
    let creds: Credentials;
    try {
      creds = await this.credentials(false);
    } catch (err) {
      throw this.credentialsError(ctx, err);
    }
    const gen = this.credsGen;
    try {
      return await this.withRetries(ctx, consume, creds);
    } catch (err) {
      if (!(err instanceof SlurmResponseError && err.authCandidate)) throw err;
      if (this.auth.type === 'none') throw this.authError(ctx, err, false);
      // One refresh per client (= per invocation): once refreshed credentials were rejected too, re-reading
      // the secret for every further endpoint only multiplies Secrets Manager calls.
      if (this.refreshRejected) throw this.authError(ctx, err, true);
      try {
        // Another request may have refreshed meanwhile: then use those credentials without forcing again.
        creds = this.credsGen !== gen && this.creds ? this.creds : await this.credentials(true);
      } catch (credErr) {
        throw this.credentialsError(ctx, credErr);
      }
      this.logger.info('slurmrestd rejected the credentials; retrying once with refreshed credentials', {
        endpoint: this.baseUrl,
        path: ctx.path,
        status: err.status,
      });
      try {
        return await this.withRetries(ctx, consume, creds);
      } catch (err2) {
        if (err2 instanceof SlurmResponseError && err2.authCandidate) {
          this.refreshRejected = true;
          throw this.authError(ctx, err2, true);
        }
        throw err2;
      }
    }
  }

  private credentialsError(ctx: RequestCtx, err: unknown): ExporterError {
    if (err instanceof ExporterError) return err;
    return new SlurmHttpError(
      `GET ${ctx.path}: could not obtain slurmrestd credentials (${err instanceof Error ? err.name : 'error'}: ${err instanceof Error ? err.message : String(err)})`,
      {
        endpoint: ctx.endpoint,
        apiVersion: ctx.version,
        code: 'SLURM_CREDENTIALS_UNAVAILABLE',
        type: 'auth',
        cause: err,
      },
    );
  }

  private authError(ctx: RequestCtx, err: SlurmResponseError, refreshed: boolean): SlurmResponseError {
    const detail = err.errors[0]
      ? `, ${describeSlurmError(err.errors[0])}`
      : err.text
        ? `, ${JSON.stringify(err.text)}`
        : '';
    const what =
      this.auth.type === 'none'
        ? 'authentication required but no credentials are configured (auth type none)'
        : `the ${this.auth.type} credentials were rejected by ${this.baseUrl}${refreshed ? ' (also after a credential refresh)' : ''}`;
    // Slurm 22.05 answers a stopped/unreachable slurmctld with the very same HTTP 500 -1 "Unspecified error"
    // as a rejected token (recorded in the lab, see docs/reliability.md): say so rather than send the
    // operator rotating a token that is fine.
    const ambiguous =
      err.status === 500 && err.errors.some((e) => e.errorNumber === -1)
        ? '; slurmrestd gives this same answer when slurmctld is down or unreachable, so check slurmctld too'
        : '';
    return new SlurmResponseError(
      `GET ${ctx.path} failed: ${what} (HTTP ${err.status}${detail})${ambiguous}`,
      {
        endpoint: ctx.endpoint,
        apiVersion: ctx.version,
        status: err.status,
        slurmErrorNumber: err.slurmErrorNumber,
        slurmError: err.slurmError,
        code: 'SLURM_AUTH_REJECTED',
        type: 'auth',
        cause: err,
        errors: err.errors,
        text: err.text,
        authCandidate: false,
      },
    );
  }

  private async withRetries<T>(ctx: RequestCtx, consume: Consume<T>, creds: Credentials): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(ctx, consume, creds);
      } catch (err) {
        if (!isRetryable(err) || ctx.delivered || attempt > this.opts.retryAttempts) throw err;
        // Exponential backoff with "equal jitter": half fixed, half random.
        const base = this.opts.retryDelayMs * 2 ** (attempt - 1);
        const delay = Math.round(base / 2 + Math.random() * (base / 2));
        const deadline = this.o.deadline;
        if (deadline !== undefined && Date.now() + delay + this.opts.timeoutMs > deadline) {
          this.logger.debug('not retrying: the retry could not finish before the deadline', {
            path: ctx.path,
            attempt,
          });
          throw err;
        }
        this.logger.debug('retrying slurmrestd request', {
          path: ctx.path,
          attempt,
          delayMs: delay,
          error: err,
        });
        await sleep(delay, ctx.signal);
      }
    }
  }

  // ---- one HTTP request ---------------------------------------------------------------------------------

  private async once<T>(ctx: RequestCtx, consume: Consume<T>, creds: Credentials): Promise<T> {
    let headers: Record<string, string>;
    try {
      headers = {
        accept: 'application/json',
        'user-agent': USER_AGENT,
        ...authHeaders(this.auth.type, creds),
      };
    } catch (err) {
      throw this.credentialsError(ctx, err);
    }

    await this.sem.acquire();
    // The budget is computed after waiting for a slot: the wait counts against the deadline.
    const deadline = this.o.deadline;
    const budget =
      deadline === undefined ? this.opts.timeoutMs : Math.min(this.opts.timeoutMs, deadline - Date.now());
    if (budget <= 0) {
      this.sem.release();
      throw new SlurmHttpError(`GET ${ctx.path} not attempted: the invocation deadline has passed`, {
        endpoint: ctx.endpoint,
        apiVersion: ctx.version,
        code: 'SLURM_DEADLINE',
        type: 'timeout',
      });
    }
    const started = performance.now();
    let status = 0;
    let bytes = 0;
    const url = `${this.baseUrl}${ctx.path}`;
    const span = tracer().startSpan(`GET ${ctx.path}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'GET',
        'url.full': url,
        'slurm.api_version': ctx.version,
        'slurm.endpoint': ctx.endpoint,
      },
    });
    propagation.inject(trace.setSpan(context.active(), span), headers);

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutMarker()), budget);
    const onOuterAbort = (): void => controller.abort(ctx.signal?.reason);
    if (ctx.signal?.aborted) controller.abort(ctx.signal.reason);
    else ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });

    let failure: unknown;
    let body: RawResponse['body'] | undefined;
    try {
      // The budget timer above bounds headers and body alike (the signal also ends the body stream).
      const res = await httpRequest(new URL(url), {
        method: 'GET',
        headers,
        agent: getAgent(this.origin, { tls: this.o.tls }, this.logger),
        signal: controller.signal,
        connectTimeoutMs: this.opts.timeoutMs,
      });
      status = res.status;
      body = res.body;
      const cl = Number(res.headers['content-length']);
      const raw: RawResponse = { status, contentLength: Number.isFinite(cl) ? cl : undefined, body };
      const read: ReadBody = (cap, onChunk) =>
        readBody(raw.body, cap, (chunk) => {
          bytes += chunk.length;
          onChunk(chunk);
        });
      return await consume(raw, ctx, read);
    } catch (err) {
      failure = this.transportError(
        ctx,
        err,
        controller.signal,
        budget,
        status ? { status, bytes } : undefined,
      );
      throw failure;
    } finally {
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onOuterAbort);
      // Release the connection when the body was not read to the end (error paths).
      if (body && failure !== undefined) {
        body.on('error', () => {}); // the abort error of destroy() has nobody else to go to
        body.destroy();
      }
      this.sem.release();
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      const errorType = failure === undefined ? undefined : classifyError(failure);
      span.setAttribute('http.response.body.size', bytes);
      if (status) span.setAttribute('http.response.status_code', status);
      if (failure !== undefined) {
        span.recordException(failure instanceof Error ? failure : String(failure));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: failure instanceof Error ? failure.message : '',
        });
        if (errorType) span.setAttribute('error.type', errorType);
      }
      span.end();
      this.o.onRequest?.({
        endpoint: ctx.endpoint,
        method: 'GET',
        path: ctx.path,
        status,
        durationMs,
        bytes,
        ...(errorType ? { errorType } : {}),
      });
      this.logger.debug('slurmrestd request', {
        method: 'GET',
        path: ctx.path,
        status,
        durationMs,
        bytes,
        apiVersion: ctx.version,
        ...(errorType ? { errorType } : {}),
      });
    }
  }

  /** Maps transport failures to SlurmHttpError; our own errors and callback errors pass through. */
  private transportError(
    ctx: RequestCtx,
    err: unknown,
    signal: AbortSignal,
    budget: number,
    /** Set when the response headers had arrived: the failure happened while reading the body. */
    received?: { status: number; bytes: number },
  ): unknown {
    if (err instanceof ExporterError) return err;
    const base = { endpoint: ctx.endpoint, apiVersion: ctx.version, cause: err };
    const where = `GET ${ctx.path}`;
    if (signal.aborted) {
      if (signal.reason instanceof TimeoutMarker) {
        return new SlurmHttpError(`${where} failed: timed out after ${budget} ms`, {
          ...base,
          code: 'SLURM_TIMEOUT',
          type: 'timeout',
        });
      }
      if (ctx.signal?.aborted) {
        return new SlurmHttpError(`${where} aborted by the caller`, {
          ...base,
          code: 'SLURM_ABORTED',
          type: 'timeout',
        });
      }
    }
    const code = errorCode(err);
    const msg = err instanceof Error ? err.message : String(err);
    if (TIMEOUT_CODES.has(code)) {
      return new SlurmHttpError(`${where} failed: timed out after ${budget} ms (${code})`, {
        ...base,
        code: 'SLURM_TIMEOUT',
        type: 'timeout',
      });
    }
    if (TLS_CODE.test(code)) {
      return new SlurmHttpError(`${where} failed: TLS error talking to ${this.baseUrl}: ${msg} (${code})`, {
        ...base,
        code: 'SLURM_TLS_ERROR',
        type: 'connection',
      });
    }
    const causeCode = errorCode((err as { cause?: unknown } | null)?.cause);
    const connCode = code || causeCode;
    if (
      /^(ECONN|ENOTFOUND|EAI_|EHOST|ENETUNREACH|EPIPE|ETIMEDOUT)/.test(connCode) ||
      connCode === 'ERR_STREAM_PREMATURE_CLOSE'
    ) {
      // "cannot reach" would mislead when slurmrestd answered and then dropped the connection mid-body
      // (found by test/reliability: a truncated response read "cannot reach ...: other side closed").
      const what = received
        ? `the connection to ${this.baseUrl} closed after ${received.bytes} bytes of the HTTP ${received.status} response body (truncated response)`
        : `cannot reach ${this.baseUrl}`;
      return new SlurmHttpError(`${where} failed: ${what}: ${msg}${connCode ? ` (${connCode})` : ''}`, {
        ...base,
        code: 'SLURM_CONNECTION',
        type: 'connection',
      });
    }
    return err;
  }

  // ---- body handling ------------------------------------------------------------------------------------

  private async consume(
    adapter: Adapter,
    res: RawResponse,
    ctx: RequestCtx,
    read: ReadBody,
    opts: FetchOpts,
  ): Promise<FetchResult> {
    const where = `GET ${ctx.path}`;
    const isDb = ENDPOINTS[ctx.endpoint].api === 'slurmdb';
    if (res.status < 200 || res.status >= 300) {
      const { json, text } = await readErrorBody(read);
      const errors = slurmErrors(json);
      if (isDb && isNothingFound(errors)) return this.emptyResult(adapter, ctx, json, opts);
      const first = errors[0];
      const detail = first ? ` (${describeSlurmError(first)})` : text ? ` (${JSON.stringify(text)})` : '';
      throw new SlurmResponseError(`${where} failed: HTTP ${res.status}${detail}`, {
        endpoint: ctx.endpoint,
        apiVersion: ctx.version,
        status: res.status,
        slurmErrorNumber: first?.errorNumber,
        slurmError: first?.error ?? first?.description,
        code: 'SLURM_HTTP',
        type: 'http',
        errors,
        text,
        authCandidate: isAuthRejection(res.status, errors, text),
      });
    }

    const max = this.opts.maxResponseBytes;
    if (res.contentLength !== undefined && res.contentLength > max) {
      throw this.tooLarge(ctx, `content-length ${res.contentLength}`);
    }
    let total = 0;

    if (ctx.endpoint === 'diag') {
      const parts: Buffer[] = [];
      await read(max + 1, (c) => {
        total += c.length;
        if (total > max) throw this.tooLarge(ctx, `more than ${max} bytes streamed`);
        parts.push(c);
      });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch (err) {
        throw new SlurmHttpError(`${where}: malformed JSON response (${(err as Error).message})`, {
          endpoint: ctx.endpoint,
          apiVersion: ctx.version,
          status: res.status,
          code: 'SLURM_BAD_JSON',
          type: 'parse',
          cause: err,
        });
      }
      this.checkErrors(ctx, body, res.status);
      const meta = this.readMeta(adapter, ctx, body);
      const data = this.adapt(ctx, () => adapter.diag(body), 'diag');
      return { data, meta, count: 1 };
    }

    const listEndpoint = ctx.endpoint as ListEndpoint;
    const keyPath = adapter.listKey(listEndpoint);
    const items: unknown[] = [];
    const onItem = opts.onItem as ((item: unknown) => void) | undefined;
    const jobFields = listEndpoint === 'jobs' ? opts.jobFields : undefined;
    const mapItem =
      adapter.itemMapper?.(listEndpoint, jobFields) ?? ((raw: unknown) => adapter.item(listEndpoint, raw));
    let count = 0;
    const stream = new JsonListStream(
      keyPath,
      (raw, index) => {
        const item = this.adapt(ctx, () => mapItem(raw), `element ${index} of '${keyPath.join('.')}'`);
        if (item === null) return;
        count++;
        if (onItem) {
          ctx.delivered = true;
          onItem(item);
        } else items.push(item);
      },
      // Only the fields the adapter reads are parsed (jobs, nodes): the rest of each element is skipped.
      { keepKeys: adapter.fields?.(listEndpoint, jobFields) },
    );
    let rest: unknown;
    try {
      await read(max + 1, (c) => {
        total += c.length;
        if (total > max) throw this.tooLarge(ctx, `more than ${max} bytes streamed`);
        stream.push(c);
      });
      rest = stream.end().rest;
    } catch (err) {
      if (err instanceof JsonStreamError) {
        throw new SlurmHttpError(`${where}: ${err.message}`, {
          endpoint: ctx.endpoint,
          apiVersion: ctx.version,
          status: res.status,
          code: 'SLURM_BAD_JSON',
          type: 'parse',
          cause: err,
        });
      }
      throw err;
    }
    const errors = slurmErrors(rest);
    if (isDb && isNothingFound(errors)) return this.emptyResult(adapter, ctx, rest, opts);
    this.checkErrors(ctx, rest, res.status);
    const meta = this.readMeta(adapter, ctx, rest);
    return { data: onItem ? undefined : items, meta, count };
  }

  private emptyResult(adapter: Adapter, ctx: RequestCtx, body: unknown, opts: FetchOpts): FetchResult {
    const meta = this.readMeta(adapter, ctx, body);
    return { data: opts.onItem ? undefined : [], meta, count: 0 };
  }

  /** 200 with a non-empty `errors[]` is a failure (e.g. "Failure to query node"). */
  private checkErrors(ctx: RequestCtx, body: unknown, status: number): void {
    const errors = slurmErrors(body);
    const first = errors[0];
    if (!first) return;
    throw new SlurmResponseError(
      `GET ${ctx.path} returned errors: ${describeSlurmError(first)}${errors.length > 1 ? ` and ${errors.length - 1} more` : ''}`,
      {
        endpoint: ctx.endpoint,
        apiVersion: ctx.version,
        status,
        slurmErrorNumber: first.errorNumber,
        slurmError: first.error ?? first.description,
        code: 'SLURM_API_ERROR',
        type: 'http',
        errors,
        text: '',
        authCandidate: false,
      },
    );
  }

  private readMeta(adapter: Adapter, ctx: RequestCtx, body: unknown): SlurmMeta {
    let meta: SlurmMeta;
    try {
      meta = adapter.meta(body);
    } catch {
      // Meta is informative only: a body without the usual envelope still yields data.
      meta = { apiVersion: ctx.version, cluster: null, release: null, dataParser: null };
    }
    this.state.meta = meta;
    return meta;
  }

  /** Runs an adapter call; a ZodError becomes a validation error naming the endpoint, element and field. */
  private adapt<T>(ctx: RequestCtx, fn: () => T, what: string): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof z.ZodError) {
        const issues = err.issues
          .slice(0, 3)
          .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
          .join('; ');
        throw new SlurmHttpError(
          `GET ${ctx.path}: ${what} has an unexpected shape: ${issues}${err.issues.length > 3 ? ` (+${err.issues.length - 3} more)` : ''}`,
          {
            endpoint: ctx.endpoint,
            apiVersion: ctx.version,
            code: 'SLURM_SCHEMA_MISMATCH',
            type: 'validation',
            cause: err,
          },
        );
      }
      throw err;
    }
  }

  private tooLarge(ctx: RequestCtx, what: string): SlurmHttpError {
    return new SlurmHttpError(
      `GET ${ctx.path}: response too large (${what}; the limit is ${this.opts.maxResponseBytes} bytes)`,
      { endpoint: ctx.endpoint, apiVersion: ctx.version, code: 'SLURM_RESPONSE_TOO_LARGE', type: 'parse' },
    );
  }
}

/** Reads an error body (at most ERROR_BODY_CAP bytes): JSON when it parses, else trimmed text. */
/**
 * Flowing-mode read of `body`: each chunk goes to `onChunk` synchronously, so the socket is read no faster
 * than the chunks are consumed. Past `cap` bytes the last chunk is cut and the stream destroyed; an exception
 * from `onChunk` destroys it too and rejects with that exception.
 */
function readBody(body: Readable, cap: number, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let settled = false;
    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const stop = (err?: unknown): void => {
      // The abort error of destroy() has nobody else to go to.
      body.on('error', () => {});
      body.destroy();
      settle(err);
    };
    const onData = (chunk: Buffer): void => {
      if (settled) return;
      seen += chunk.length;
      try {
        if (seen > cap) {
          onChunk(chunk.subarray(0, Math.max(0, chunk.length - (seen - cap))));
          stop();
          return;
        }
        onChunk(chunk);
      } catch (err) {
        stop(err);
      }
    };
    const onEnd = (): void => settle();
    const onClose = (): void =>
      settle(
        Object.assign(new Error('the response body closed before its end'), {
          code: 'ERR_STREAM_PREMATURE_CLOSE',
        }),
      );
    body.once('error', (err) => settle(err));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('close', onClose);
  });
}

async function readErrorBody(read: ReadBody): Promise<{ json: unknown; text: string }> {
  const parts: Buffer[] = [];
  await read(ERROR_BODY_CAP, (c) => parts.push(c));
  const s = Buffer.concat(parts).toString('utf8').trim();
  if (s.startsWith('{')) {
    try {
      return { json: JSON.parse(s), text: '' };
    } catch {
      // fall through: treat as text
    }
  }
  return { json: undefined, text: s.slice(0, 200) };
}

function isRetryable(err: unknown): boolean {
  if (!(err instanceof SlurmHttpError)) return false;
  if (err.code === 'SLURM_ABORTED' || err.code === 'SLURM_DEADLINE' || err.code === 'SLURM_TLS_ERROR')
    return false;
  if (err.type === 'timeout' || err.type === 'connection') return true;
  return err instanceof SlurmResponseError && err.status !== undefined && RETRY_STATUSES.has(err.status);
}

/** Breaker failures: the server is unreachable or broken (not auth rejections, 404s or bad bodies). */
function isBreakerFailure(err: unknown): boolean {
  if (!(err instanceof SlurmHttpError)) return false;
  if (err.code === 'SLURM_ABORTED' || err.code === 'ENDPOINT_UNAVAILABLE' || err.type === 'auth')
    return false;
  if (err.type === 'timeout' || err.type === 'connection') return true;
  return err.status !== undefined && err.status >= 500;
}
