/**
 * Prometheus remote write 1.0 target: protobuf `WriteRequest`, Snappy block format, batching, retries and
 * AWS SigV4 for Amazon Managed Service for Prometheus. Loaded lazily (lib/lazy.ts → its own bundle), so it
 * takes its HTTP client from the caller and imports no other heavy module; the SigV4 code (lib/push/sigv4.ts)
 * is a further lazy bundle, loaded only when `push.auth.type` is sigv4.
 *
 * The encoder is hand-written (encodeWriteRequest): the schema is five small messages, frozen by the 1.0 spec.
 * Snappy is hysnappy's WebAssembly build of the C compressor: on a 13 MB push (88k series) it takes ~15 ms
 * where snappyjs's JavaScript took ~75 ms in a fresh process (it runs before the JIT has warmed up).
 */
import { snappyCompressor } from 'hysnappy';
import { PushError } from '../errors.js';
import { loadLazy } from '../lazy.js';
import type { RequestObserver } from '../observability/events.js';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { USER_AGENT } from '../version.js';
import { ByteArena, copyRange, utf8Length, writeUtf8 } from './bytes.js';
import { buildHeaders, type PushAuth } from './headers.js';
import type { BackoffOptions, SendRequest, SendResult } from './http.js';
import type { AwsCredentials } from './sigv4.js';
import type { PushPayload, PushResult, PushTarget } from './types.js';

export interface RemoteWriteOptions {
  /** Receiver URL, e.g. `.../api/v1/write`, `.../api/prom/push`, AMP `.../workspaces/<id>/api/v1/remote_write`. */
  url: string;
  /** Adds `job=<job>` to every series (what the Pushgateway's grouping key would have added). */
  job?: string;
  auth?: PushAuth;
  /** Custom headers (e.g. `X-Scope-OrgID`); cannot override the protocol headers. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Retries per batch on connection errors, 5xx and 429. Default 3. */
  retries?: number;
  /** Default 2000 (Prometheus' max_samples_per_send). */
  maxSamplesPerRequest?: number;
  /** Batches in flight at once, default 2. */
  concurrency?: number;
  /** Send TYPE/HELP metadata (WriteRequest field 3), default true. */
  sendMetadata?: boolean;
  /** Region for SigV4 when `auth.region` is unset (the factory passes the Lambda's AWS_REGION). */
  region?: string;
  backoff?: BackoffOptions;
  logger?: Logger;
  onRequest?: RequestObserver;
  /** The HTTP sender (lib/push/http.ts `sendWithRetry`), injected so this bundle carries no HTTP client of its own. */
  send: (req: SendRequest) => Promise<SendResult>;
}

/** One series: sorted labels (with `__name__`), one value. */
export interface WriteSeries {
  labels: [name: string, value: string][];
  value: number;
}

export interface WriteMetadata {
  type: number;
  name: string;
  help: string;
}

/**
 * `Label` fields (TimeSeries field 1), encoded once per label object and per metric name into one growing
 * buffer and only copied per series: label sets are shared by the families of one entity (4 per user × state).
 * Entry `e` is the bytes [start, end); a series' `__name__` field goes in at `mid` (where `__name__` sorts).
 * One buffer and three numbers per entry instead of a Buffer object per part: at 88k series the Buffers,
 * their arrays and the series objects made up most of what the push promoted to the old space.
 */
class LabelArena {
  private readonly arena = new ByteArena();
  private mids = new Int32Array(1024);

  get bytes(): Buffer {
    return this.arena.bytes;
  }
  start(e: number): number {
    return this.arena.start(e);
  }
  mid(e: number): number {
    return this.mids[e] as number;
  }
  end(e: number): number {
    return this.arena.end(e);
  }

  /** Per field of the label set being added: field length, name bytes, value bytes (reused). */
  private lens = new Int32Array(3 * 16);

  /**
   * Appends the fields `names[i]`=`values[i]` for i < `count`, already in order; `__name__` sorts before
   * `names[nameAt]`. Parallel arrays the caller reuses, not pairs: at 88k series the pair arrays, their copies
   * made by `sort` and the length lists were most of what the push allocated.
   */
  add(names: readonly string[], values: readonly string[], count: number, nameAt: number): number {
    if (3 * count > this.lens.length) this.lens = new Int32Array(6 * count);
    const lens = this.lens;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const n = utf8Length(names[i] as string);
      const v = utf8Length(values[i] as string);
      const len = 1 + varintSize(n) + n + 1 + varintSize(v) + v;
      lens[3 * i] = len;
      lens[3 * i + 1] = n;
      lens[3 * i + 2] = v;
      total += 1 + varintSize(len) + len;
    }
    const out = this.arena.reserve(total);
    const start = this.arena.used;
    let pos = start;
    let mid = -1;
    for (let i = 0; i < count; i++) {
      if (i === nameAt) mid = pos;
      out[pos++] = 0x0a; // labels = 1
      pos = writeVarint(out, pos, lens[3 * i] as number);
      pos = writeString(out, pos, 0x0a, names[i] as string, lens[3 * i + 1] as number); // name = 1
      pos = writeString(out, pos, 0x12, values[i] as string, lens[3 * i + 2] as number); // value = 2
    }
    this.arena.used = pos;
    const e = this.arena.close(start);
    if (e >= this.mids.length) {
      const grown = new Int32Array(this.mids.length * 2);
      grown.set(this.mids);
      this.mids = grown;
    }
    this.mids[e] = mid < 0 ? pos : mid;
    return e;
  }
}

/** A batch of series: per series its label entry, its `__name__` entry (-1: none) and its value. */
interface SeriesBatch {
  arena: LabelArena;
  count: number;
  labels: Int32Array;
  names: Int32Array;
  values: Float64Array;
}

/** The Snappy block compressor: one WebAssembly instance per process, made at the first push. */
let compressor: ((input: Uint8Array) => Uint8Array) | undefined;

/** Snappy block format of `input` (what remote write's `Content-Encoding: snappy` means). */
export function snappyBlock(input: Uint8Array): Uint8Array {
  compressor ??= snappyCompressor();
  return compressor(input);
}

/** prompb MetricMetadata.MetricType */
const METRIC_TYPE: Record<string, number> = { counter: 1, gauge: 2, histogram: 3, summary: 5 };

function newBatch(arena: LabelArena, size: number): SeriesBatch {
  return {
    arena,
    count: 0,
    labels: new Int32Array(size),
    names: new Int32Array(size),
    values: new Float64Array(size),
  };
}

/**
 * Series of a prom-client registry (via `getMetricsAsJSON()`, which also covers histograms/summaries) in
 * batches of at most `max` samples, built as they are sent: `__name__` = metricName ?? name, labels
 * stringified, empty values dropped, `extra` labels (job, grouping) override same-named sample labels (as the
 * Pushgateway's grouping key does), sorted by name. Each batch carries the metadata of the families it holds
 * (unless `withMetadata` is false).
 */
export async function seriesBatches(
  registry: PushPayload['registry'],
  extra: Record<string, string>,
  max: number,
  withMetadata = true,
): Promise<{ total: number; batches: Iterable<{ series: SeriesBatch; metadata: WriteMetadata[] }> }> {
  const metrics = await registry.getMetricsAsJSON();
  const extraPairs = Object.entries(extra).filter(([, v]) => v !== '');
  const extraNames = new Set(extraPairs.map(([k]) => k));
  let total = 0;
  for (const m of metrics) total += m.values.length;
  const arena = new LabelArena();
  const entries = new Map<object, number>();
  const nameEntries = new Map<string, number>();
  // One label set at a time, sorted by name in place (insertion sort: a handful of labels).
  const names: string[] = [];
  const values: string[] = [];
  const labelEntry = (raw: Record<string, unknown>): number => {
    let got = entries.get(raw);
    if (got !== undefined) return got;
    let count = 0;
    for (const k in raw) {
      if (k === '__name__' || extraNames.has(k)) continue;
      const value = formatLabel(raw[k]);
      if (value !== '') count = insertSorted(names, values, count, k, value);
    }
    for (const [k, v] of extraPairs) count = insertSorted(names, values, count, k, v);
    let at = 0;
    while (at < count && (names[at] as string) < '__name__') at++;
    got = arena.add(names, values, count, at);
    entries.set(raw, got);
    return got;
  };
  const nameEntry = (name: string): number => {
    let e = nameEntries.get(name);
    if (e === undefined) {
      e = arena.add(['__name__'], [name], 1, 1);
      nameEntries.set(name, e);
    }
    return e;
  };
  function* batches(): Generator<{ series: SeriesBatch; metadata: WriteMetadata[] }> {
    let batch = newBatch(arena, Math.min(max, total));
    let metadata: WriteMetadata[] = [];
    for (const metric of metrics) {
      const meta = { type: METRIC_TYPE[metric.type] ?? 0, name: metric.name, help: metric.help };
      let described = false;
      for (const v of metric.values as {
        value: number;
        labels: Record<string, unknown>;
        metricName?: string;
      }[]) {
        const i = batch.count++;
        batch.labels[i] = labelEntry(v.labels);
        batch.names[i] = nameEntry(v.metricName ?? metric.name);
        batch.values[i] = v.value;
        if (withMetadata && !described) {
          metadata.push(meta);
          described = true;
        }
        if (batch.count >= max) {
          yield { series: batch, metadata };
          batch = newBatch(arena, max);
          metadata = [];
          described = false;
        }
      }
    }
    if (batch.count > 0) yield { series: batch, metadata };
  }
  return { total, batches: batches() };
}

/** Bytes of `n` (0 ≤ n < 2^53) as a protobuf varint. */
function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

function writeVarint(out: Buffer, pos: number, n: number): number {
  let p = pos;
  let v = n;
  while (v >= 0x80) {
    out[p++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[p++] = v;
  return p;
}

/** A length-delimited string field: tag, byte length, UTF-8 bytes. */
function writeString(out: Buffer, pos: number, tag: number, s: string, bytes: number): number {
  out[pos] = tag;
  return writeUtf8(out, writeVarint(out, pos + 1, bytes), s, bytes);
}

/**
 * Encodes a `prometheus.WriteRequest` (prompb/remote.proto + types.proto field numbers) from plain label pairs
 * (sorted, with `__name__`). The push itself encodes label objects once (seriesBatches).
 */
export function encodeWriteRequest(
  series: readonly WriteSeries[],
  timestampMs: number,
  metadata: readonly WriteMetadata[] = [],
): Uint8Array {
  const arena = new LabelArena();
  const batch = newBatch(arena, series.length);
  for (const s of series) {
    const i = batch.count++;
    batch.labels[i] = arena.add(
      s.labels.map(([name]) => name),
      s.labels.map(([, value]) => value),
      s.labels.length,
      s.labels.length,
    );
    batch.names[i] = -1;
    batch.values[i] = s.value;
  }
  return encodeSeries(batch, timestampMs, metadata);
}

/**
 * The WriteRequest of a batch, written straight into one buffer of the exact size.
 * Hand-written (the schema is five small messages frozen by the 1.0 spec) instead of protobufjs's Writer,
 * which keeps an operation object per written field until `finish()`: ~90k per 2 000-series batch, promoted
 * to the old space while a batch is in flight. The tests decode its output with protobufjs reflection and
 * compare it with protobufjs's own encoding.
 */
function encodeSeries(batch: SeriesBatch, timestampMs: number, metadata: readonly WriteMetadata[]): Buffer {
  const { arena, count, labels, names, values } = batch;
  // Sample: value (fixed64, tag 0x09) + timestamp (varint, tag 0x10; epoch ms are never negative here).
  const ts = Math.max(0, Math.trunc(timestampMs));
  const sampleLen = 1 + 8 + 1 + varintSize(ts);
  const sampleField = 1 + varintSize(sampleLen) + sampleLen;
  const metaLen = (m: WriteMetadata, n: number, h: number): number =>
    1 + varintSize(n) + n + (m.type !== 0 ? 1 + varintSize(m.type) : 0) + (h > 0 ? 1 + varintSize(h) + h : 0);
  const lens = new Int32Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const l = labels[i] as number;
    const n = names[i] as number;
    const len = sampleField + arena.end(l) - arena.start(l) + (n < 0 ? 0 : arena.end(n) - arena.start(n));
    lens[i] = len;
    total += 1 + varintSize(len) + len;
  }
  const metaBytes: number[] = [];
  for (const m of metadata) {
    const n = Buffer.byteLength(m.name, 'utf8');
    const h = Buffer.byteLength(m.help, 'utf8');
    metaBytes.push(n, h);
    const len = metaLen(m, n, h);
    total += 1 + varintSize(len) + len;
  }
  const out = Buffer.allocUnsafe(total);
  const src = arena.bytes;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const l = labels[i] as number;
    const n = names[i] as number;
    out[pos++] = 0x0a; // timeseries = 1
    pos = writeVarint(out, pos, lens[i] as number);
    const mid = arena.mid(l);
    pos = copyRange(src, arena.start(l), mid, out, pos);
    if (n >= 0) pos = copyRange(src, arena.start(n), arena.end(n), out, pos);
    pos = copyRange(src, mid, arena.end(l), out, pos);
    out[pos++] = 0x12; // samples = 2
    pos = writeVarint(out, pos, sampleLen);
    out[pos++] = 0x09; // value = 1, fixed64
    pos = out.writeDoubleLE(values[i] as number, pos);
    out[pos++] = 0x10; // timestamp = 2, varint
    pos = writeVarint(out, pos, ts);
  }
  let k = 0;
  for (const m of metadata) {
    const n = metaBytes[k++] as number;
    const h = metaBytes[k++] as number;
    out[pos++] = 0x1a; // metadata = 3
    pos = writeVarint(out, pos, metaLen(m, n, h));
    if (m.type !== 0) {
      out[pos++] = 0x08; // type = 1
      pos = writeVarint(out, pos, m.type);
    }
    pos = writeString(out, pos, 0x12, m.name, n); // metric_family_name = 2
    if (h > 0) pos = writeString(out, pos, 0x22, m.help, h); // help = 4
  }
  if (pos !== total) throw new Error(`remote write encoder: wrote ${pos} of ${total} bytes`);
  return out;
}

export class RemoteWriteTarget implements PushTarget {
  readonly name = 'remote_write' as const;
  private readonly url: URL;
  private provider: Promise<() => Promise<AwsCredentials>> | undefined;

  constructor(private readonly options: RemoteWriteOptions) {
    try {
      this.url = new URL(options.url);
    } catch (err) {
      throw new PushError('push.url is not a valid URL', {
        target: 'remote_write',
        code: 'PUSH_CONFIG_INVALID',
        type: 'validation',
        cause: err,
      });
    }
    if (options.auth?.type === 'sigv4' && !(options.auth.region ?? options.region)) {
      throw new PushError('push.auth: sigv4 needs a region (push.auth.region or AWS_REGION)', {
        target: 'remote_write',
        code: 'PUSH_CONFIG_INVALID',
        type: 'validation',
      });
    }
  }

  /**
   * Sends every batch (bounded concurrency). A batch rejected with a 4xx doesn't stop the others; when any
   * batch failed, a PushError is thrown after all were sent, carrying `accepted`/`rejected` sample counts.
   */
  async push(
    payload: PushPayload,
    opts: { signal?: AbortSignal; deadlineMs?: number } = {},
  ): Promise<PushResult> {
    const started = performance.now();
    const o = this.options;
    const extra: Record<string, string> = { ...payload.grouping, ...(o.job ? { job: o.job } : {}) };
    const max = Math.max(1, o.maxSamplesPerRequest ?? 2000);
    const { total, batches } = await seriesBatches(payload.registry, extra, max, o.sendMetadata !== false);
    const pending = batches[Symbol.iterator]();
    let sent = 0;
    let accepted = 0;
    let rejected = 0;
    let requests = 0;
    let bytes = 0;
    let status = 0;
    const failures: PushError[] = [];
    const nextBody = (): { body: Uint8Array | undefined; samples: number } => {
      const item = pending.next();
      if (item.done) return { body: undefined, samples: 0 };
      const { series, metadata } = item.value;
      return {
        body: snappyBlock(encodeSeries(series, payload.timestampMs, metadata)),
        samples: series.count,
      };
    };
    const worker = async (): Promise<void> => {
      for (;;) {
        // Only the compressed body and the sample count stay referenced while the request is in flight: the
        // batch's label arrays would otherwise live through the round trip and be promoted to the old space
        // (~1 MB per batch, ~40 MB over a 100k-job run).
        const { body, samples } = nextBody();
        if (body === undefined) return;
        sent++;
        bytes += body.byteLength;
        try {
          const res = await this.sendBatch(body, opts);
          requests += res.requests;
          status = res.status;
          accepted += samples;
        } catch (err) {
          // Duck-typed: the injected sender lives in the main bundle, with its own PushError class.
          const e =
            err instanceof PushError || (err as Error | undefined)?.name === 'PushError'
              ? (err as PushError)
              : new PushError(`remote write to ${this.safeUrl()} failed: ${(err as Error).message}`, {
                  target: 'remote_write',
                  cause: err,
                });
          failures.push(e);
          requests += e.requests ?? 1;
          if (e.status !== undefined) status = e.status;
          rejected += samples;
          (o.logger ?? silentLogger).warn('remote write batch failed', {
            url: this.safeUrl(),
            status: e.status,
            samples,
            error: e.message,
          });
        }
      }
    };
    const workers = Math.max(1, Math.min(o.concurrency ?? 2, Math.ceil(total / max)));
    await Promise.all(Array.from({ length: workers }, worker));
    const result: PushResult = {
      target: 'remote_write',
      series: total,
      bytes,
      durationMs: performance.now() - started,
      status,
      requests,
      accepted,
      rejected,
    };
    const first = failures[0];
    if (first) {
      throw new PushError(
        `remote write to ${this.safeUrl()}: ${failures.length} of ${sent} batch${sent === 1 ? '' : 'es'} failed (${rejected} samples rejected, ${accepted} accepted): ${first.message}`,
        {
          target: 'remote_write',
          status: first.status,
          retryable: failures.every((f) => f.retryable),
          code: first.code,
          type: first.type,
          cause: first,
          accepted,
          rejected,
          requests,
        },
      );
    }
    return result;
  }

  private safeUrl(): string {
    return `${this.url.protocol}//${this.url.host}${this.url.pathname}`;
  }

  private sendBatch(
    body: Uint8Array,
    opts: { signal?: AbortSignal; deadlineMs?: number },
  ): Promise<SendResult> {
    const o = this.options;
    const headers = buildHeaders(o.headers, o.auth?.type === 'sigv4' ? undefined : o.auth, {
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'user-agent': USER_AGENT,
      'x-prometheus-remote-write-version': '0.1.0',
    });
    return o.send({
      target: 'remote_write',
      method: 'POST',
      url: this.url,
      headers,
      body,
      timeoutMs: o.timeoutMs ?? 10_000,
      retries: o.retries ?? 3,
      retryOn429: true,
      retryAttemptHeader: true,
      deadlineMs: opts.deadlineMs,
      signal: opts.signal,
      backoff: o.backoff,
      logger: o.logger,
      onRequest: o.onRequest,
      sign: o.auth?.type === 'sigv4' ? (h) => this.sign(h, body) : undefined,
    });
  }

  /** SigV4 over the final headers (after custom ones), as prometheus/sigv4 does: sign last. */
  private async sign(headers: Record<string, string>, body: Uint8Array): Promise<Record<string, string>> {
    const auth = this.options.auth as PushAuth;
    try {
      const { signPost } = await loadLazy('sigv4');
      return await signPost({
        service: auth.service ?? 'aps',
        region: (auth.region ?? this.options.region) as string,
        credentials: () => this.resolveCredentials(),
        url: this.url,
        headers,
        body,
      });
    } catch (err) {
      throw new PushError(
        `remote write to ${this.safeUrl()}: SigV4 signing failed: ${(err as Error).message}`,
        {
          target: 'remote_write',
          code: 'PUSH_SIGV4',
          type: 'auth',
          cause: err,
        },
      );
    }
  }

  private resolveCredentials(): Promise<AwsCredentials> {
    const auth = this.options.auth as PushAuth;
    if (auth.accessKeyId && auth.secretAccessKey) {
      return Promise.resolve({
        accessKeyId: auth.accessKeyId,
        secretAccessKey: auth.secretAccessKey,
        ...(auth.sessionToken ? { sessionToken: auth.sessionToken } : {}),
      });
    }
    // The Lambda role's credentials via the default chain, loaded only when SigV4 is configured. The provider
    // memoizes and refreshes near expiry, so it is kept and asked on every signature.
    if (!this.provider) {
      const provider = loadLazy('sigv4').then((m) => m.defaultCredentials());
      this.provider = provider;
      provider.catch(() => {
        this.provider = undefined;
      });
    }
    return this.provider.then((p) => p());
  }
}

/** Creates a remote-write target (entry point of the lazily loaded bundle). */
export function createRemoteWriteTarget(options: RemoteWriteOptions): RemoteWriteTarget {
  return new RemoteWriteTarget(options);
}

/** Puts `name`=`value` into the first `count` fields, kept in name order; returns the new count. */
function insertSorted(names: string[], values: string[], count: number, name: string, value: string): number {
  let i = count;
  for (; i > 0 && (names[i - 1] as string) > name; i--) {
    names[i] = names[i - 1] as string;
    values[i] = values[i - 1] as string;
  }
  names[i] = name;
  values[i] = value;
  return count + 1;
}

function formatLabel(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') {
    if (Number.isNaN(raw)) return 'NaN';
    if (raw === Number.POSITIVE_INFINITY) return '+Inf';
    if (raw === Number.NEGATIVE_INFINITY) return '-Inf';
    return String(raw);
  }
  return raw === undefined || raw === null ? '' : String(raw);
}
