/**
 * A local OTLP trace receiver on 127.0.0.1 for tests: gRPC (`TraceService/Export` via @grpc/grpc-js) or
 * HTTP (`POST /v1/traces`, application/x-protobuf). Requests are decoded with protobufjs from the subset of
 * the opentelemetry-proto messages written below, and spans are flattened for assertions.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/** Subset of opentelemetry/proto/{common,resource,trace,collector/trace}/v1 (field numbers as upstream). */
const OTLP_PROTO = `
syntax = "proto3";
package otlp;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Resource { repeated KeyValue attributes = 1; }

message Status { string message = 2; int32 code = 3; }
message Event {
  fixed64 time_unix_nano = 1;
  string name = 2;
  repeated KeyValue attributes = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  repeated Event events = 11;
  Status status = 15;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse {}
`;

const root = protobuf.parse(OTLP_PROTO, { keepCase: true }).root;
const RequestType = root.lookupType('otlp.ExportTraceServiceRequest');
const ResponseType = root.lookupType('otlp.ExportTraceServiceResponse');

export type AttrValue = string | number | boolean | AttrValue[] | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, AttrValue>;
  /** OTLP enum: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  events: { name: string; attributes: Record<string, AttrValue> }[];
  resource: Record<string, AttrValue>;
  scope: string;
}

export interface OtlpReceiver {
  readonly protocol: 'grpc' | 'http';
  /** `127.0.0.1:<port>` (gRPC and HTTP alike; the HTTP exporter appends `/v1/traces`). */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Number of export requests received. */
  readonly requests: number;
  /** Request headers (HTTP) or metadata (gRPC) of every request. */
  readonly headers: Record<string, string>[];
  /** Makes the next requests fail (HTTP 503 / gRPC UNAVAILABLE) until reset with `false`. */
  setFailing(failing: boolean): void;
  /** Waits (bounded) until at least `count` spans arrived; returns all spans. */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  clear(): void;
  close(): Promise<void>;
}

interface RawKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

function anyValue(v: Record<string, unknown> | undefined): AttrValue {
  if (!v) return null;
  if (v.string_value !== undefined) return String(v.string_value);
  if (v.bool_value !== undefined) return Boolean(v.bool_value);
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return Number(v.double_value);
  if (v.array_value !== undefined) {
    const values = (v.array_value as { values?: Record<string, unknown>[] }).values ?? [];
    return values.map((x) => anyValue(x));
  }
  return null;
}

function attrs(list: RawKeyValue[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

const hex = (b: unknown): string => (b instanceof Uint8Array ? Buffer.from(b).toString('hex') : '');

/** Decodes an ExportTraceServiceRequest into flat spans. */
export function decodeExportRequest(body: Uint8Array): ReceivedSpan[] {
  const msg = RequestType.toObject(RequestType.decode(body), { longs: Number, defaults: false }) as {
    resource_spans?: {
      resource?: { attributes?: RawKeyValue[] };
      scope_spans?: { scope?: { name?: string }; spans?: Record<string, unknown>[] }[];
    }[];
  };
  const out: ReceivedSpan[] = [];
  for (const rs of msg.resource_spans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scope_spans ?? []) {
      for (const s of ss.spans ?? []) {
        const status = (s.status ?? {}) as { code?: number; message?: string };
        out.push({
          traceId: hex(s.trace_id),
          spanId: hex(s.span_id),
          parentSpanId: hex(s.parent_span_id),
          name: String(s.name ?? ''),
          kind: Number(s.kind ?? 0),
          attributes: attrs(s.attributes as RawKeyValue[] | undefined),
          status: { code: status.code ?? 0, message: status.message ?? '' },
          events: ((s.events ?? []) as { name?: string; attributes?: RawKeyValue[] }[]).map((e) => ({
            name: e.name ?? '',
            attributes: attrs(e.attributes),
          })),
          resource,
          scope: ss.scope?.name ?? '',
        });
      }
    }
  }
  return out;
}

function makeState(protocol: 'grpc' | 'http') {
  const spans: ReceivedSpan[] = [];
  const headers: Record<string, string>[] = [];
  const state = { requests: 0, failing: false };
  const waitForSpans = async (count: number, timeoutMs = 5000): Promise<ReceivedSpan[]> => {
    const deadline = Date.now() + timeoutMs;
    while (spans.length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `OTLP ${protocol} receiver: expected ${count} spans within ${timeoutMs} ms, got ${spans.length}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return spans;
  };
  /** The receiver handle both transports return, once the server listens. */
  const handle = (endpoint: string, close: () => Promise<void>): OtlpReceiver => ({
    protocol,
    endpoint,
    spans,
    headers,
    get requests() {
      return state.requests;
    },
    setFailing: (f) => {
      state.failing = f;
    },
    waitForSpans,
    clear: () => {
      spans.length = 0;
      headers.length = 0;
      state.requests = 0;
    },
    close,
  });
  return { spans, headers, state, handle };
}

/** Starts a gRPC OTLP receiver on 127.0.0.1 (random port, plain text). */
export async function startOtlpGrpcReceiver(): Promise<OtlpReceiver> {
  const { spans, headers, state, handle } = makeState('grpc');
  const server = new grpc.Server();
  const service: grpc.ServiceDefinition = {
    Export: {
      path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: Uint8Array) => Buffer.from(v),
      requestDeserialize: (b: Buffer) => new Uint8Array(b),
      responseSerialize: (v: Uint8Array) => Buffer.from(v),
      responseDeserialize: (b: Buffer) => new Uint8Array(b),
    },
  };
  server.addService(service, {
    Export: (
      call: grpc.ServerUnaryCall<Uint8Array, Uint8Array>,
      callback: grpc.sendUnaryData<Uint8Array>,
    ) => {
      state.requests++;
      const md: Record<string, string> = {};
      for (const [k, v] of Object.entries(call.metadata.getMap())) md[k] = String(v);
      headers.push(md);
      if (state.failing) {
        callback({ code: grpc.status.UNAVAILABLE, details: 'receiver set to fail' });
        return;
      }
      try {
        spans.push(...decodeExportRequest(call.request));
      } catch (err) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: String(err) });
        return;
      }
      callback(null, ResponseType.encode(ResponseType.create({})).finish());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return handle(
    `127.0.0.1:${port}`,
    () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Bounded: force after 1 s if a client keeps the connection open.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000).unref();
      }),
  );
}

/** Starts an OTLP/HTTP (protobuf) receiver on 127.0.0.1 (random port). */
export async function startOtlpHttpReceiver(): Promise<OtlpReceiver> {
  const { spans, headers, state, handle } = makeState('http');
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      state.requests++;
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) h[k] = String(v);
      headers.push(h);
      if (state.failing) {
        res.writeHead(503).end();
        return;
      }
      if (!String(req.headers['content-type']).startsWith('application/x-protobuf')) {
        res.writeHead(415).end();
        return;
      }
      try {
        spans.push(...decodeExportRequest(Buffer.concat(chunks)));
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end(Buffer.from(ResponseType.encode(ResponseType.create({})).finish()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return handle(
    `127.0.0.1:${port}`,
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}
