import { randomBytes } from 'node:crypto';
import protobuf from 'protobufjs';
import { uncompressSync } from 'snappy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MetricFamily } from '../../lib/collectors/types.js';
import { PushError } from '../../lib/errors.js';
import { sendWithRetry } from '../../lib/push/http.js';
import {
  createRemoteWriteTarget,
  encodeWriteRequest,
  type RemoteWriteOptions,
  snappyBlock,
} from '../../lib/push/remote-write.js';
import { renderFamilies } from '../../lib/push/render.js';
import type { PushPayload } from '../../lib/push/types.js';
import { USER_AGENT } from '../../lib/version.js';
import { type LocalServer, type Recorded, refusedUrl, respond, startServer } from './local-server.js';
import { verifySigV4 } from './sigv4-check.js';

// The official prompb definitions (remote.proto + types.proto, fields used by remote write 1.0), parsed by
// protobufjs reflection: an encoder-independent oracle.
const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message MetricMetadata {
  enum MetricType { UNKNOWN = 0; COUNTER = 1; GAUGE = 2; HISTOGRAM = 3; GAUGEHISTOGRAM = 4; SUMMARY = 5; INFO = 6; STATESET = 7; }
  MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5;
}`;
const WriteRequest = protobuf.parse(PROTO).root.lookupType('prometheus.WriteRequest');

interface DecodedRequest {
  timeseries: {
    labels: { name: string; value: string }[];
    samples: { value: number; timestamp: number }[];
  }[];
  metadata: { type: string; metricFamilyName: string; help?: string }[];
}

function decode(body: Buffer): DecodedRequest {
  const raw = uncompressSync(body) as Buffer;
  return WriteRequest.toObject(WriteRequest.decode(raw), {
    longs: Number,
    enums: String,
    defaults: false,
    arrays: true,
  }) as DecodedRequest;
}

const TS = 1_764_000_000_123;
const FAST = { initialMs: 5, maxMs: 20 };

async function payloadOf(families: MetricFamily[], grouping = { cluster: 'c1' }): Promise<PushPayload> {
  const { registry, text } = await renderFamilies(families);
  return { registry, text, timestampMs: TS, grouping };
}

function gauge(n: number, name = 'slurm_job_cpus'): MetricFamily {
  return {
    name,
    type: 'gauge',
    help: 'CPUs of a job',
    samples: Array.from({ length: n }, (_, i) => ({ labels: { job_id: String(i) }, value: i })),
  };
}

function target(url: string, extra: Partial<RemoteWriteOptions> = {}) {
  return createRemoteWriteTarget({
    url: `${url}/api/v1/write`,
    send: sendWithRetry,
    backoff: FAST,
    ...extra,
  });
}

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('snappyBlock', () => {
  // The native snappy binding (Google's C++ library) is the decoder: independent of the WebAssembly encoder.
  it('round-trips empty, tiny, fragment-edge, incompressible and repetitive inputs through one compressor', () => {
    const labels = Buffer.from('\n\x0f\n\x07cluster\x12\x04prod\n\x0b\n\x04user\x12\x03u42');
    const inputs = [
      Buffer.alloc(0),
      Buffer.from('a'),
      randomBytes(15),
      randomBytes(65_535),
      randomBytes(65_536),
      randomBytes(65_537),
      Buffer.concat(Array.from({ length: 40_000 }, () => labels)), // ~1.4 MB, like a label-heavy batch
      randomBytes(3_000_000), // grows the instance's memory past what the inputs before needed
      Buffer.from('after a large input, a small one'),
    ];
    for (const input of inputs) {
      const out = Buffer.from(snappyBlock(input));
      expect(uncompressSync(out) as Buffer).toEqual(input);
    }
    const repetitive = inputs[6] as Buffer;
    expect(snappyBlock(repetitive).byteLength).toBeLessThan(repetitive.byteLength / 10);
  });
});

describe('encodeWriteRequest', () => {
  it('writes what protobufjs reflection decodes: multi-byte lengths, UTF-8, special values, metadata', () => {
    const long = 'x'.repeat(200);
    const huge = 'ü'.repeat(9_000); // 18 000 bytes: a 3-byte length varint
    const pair = (name: string, value: string): [string, string] => [name, value];
    const series = [
      { labels: [pair('__name__', 'm_a'), pair('user', 'ünïcødé 🚀')], value: 1.5 },
      { labels: [pair('__name__', 'm_a'), pair('long', long)], value: Number.NaN },
      { labels: [pair('__name__', 'm_b'), pair('huge', huge)], value: Number.POSITIVE_INFINITY },
      { labels: [pair('__name__', 'm_c')], value: -0.25 },
      ...Array.from({ length: 300 }, (_, i) => ({
        labels: [pair('__name__', 'm_d'), pair('i', String(i))],
        // Not 0: protobufjs leaves proto3 default values out, this encoder writes every sample's value.
        value: i + 1,
      })),
      // ~320 KB of label bytes in 1 500 entries: the encoder's buffer and its offset table both grow.
      ...Array.from({ length: 1_500 }, (_, i) => ({
        labels: [pair('__name__', 'm_e'), pair('v', `${i}-${long}`)],
        value: i + 1,
      })),
    ];
    const metadata = [
      { type: 2, name: 'm_a', help: 'help with ✓' },
      { type: 0, name: 'm_b', help: '' },
      { type: 1, name: 'm_c', help: long },
    ];
    const bytes = Buffer.from(encodeWriteRequest(series, TS, metadata));
    const decoded = WriteRequest.toObject(WriteRequest.decode(bytes), {
      longs: Number,
      enums: String,
      defaults: true,
      arrays: true,
    }) as DecodedRequest;
    expect(decoded.timeseries).toHaveLength(series.length);
    for (const [i, s] of series.entries()) {
      const got = decoded.timeseries[i];
      expect(got?.labels.map((l) => [l.name, l.value])).toEqual(s.labels);
      expect(got?.samples).toHaveLength(1);
      expect(got?.samples[0]?.timestamp).toBe(TS);
      if (Number.isNaN(s.value)) expect(got?.samples[0]?.value).toBeNaN();
      else expect(got?.samples[0]?.value).toBe(s.value);
    }
    expect(decoded.metadata.map((m) => [m.type, m.metricFamilyName, m.help])).toEqual([
      ['GAUGE', 'm_a', 'help with ✓'],
      ['UNKNOWN', 'm_b', ''],
      ['COUNTER', 'm_c', long],
    ]);
    // Exactly the bytes protobufjs reflection writes for the same message (fields in number order).
    const reference = WriteRequest.encode(
      WriteRequest.fromObject({
        timeseries: series.map((s) => ({
          labels: s.labels.map(([name, value]) => ({ name, value })),
          samples: [{ value: s.value, timestamp: TS }],
        })),
        metadata: metadata.map((m) => ({
          ...(m.type !== 0 ? { type: m.type } : {}),
          metricFamilyName: m.name,
          ...(m.help !== '' ? { help: m.help } : {}),
        })),
      }),
    ).finish();
    expect(bytes.equals(Buffer.from(reference))).toBe(true);
    expect(encodeWriteRequest([], TS)).toHaveLength(0);
  });
});

describe('RemoteWriteTarget encoding', () => {
  it('encodes a label object shared by several families once, each series with its own __name__', async () => {
    server = await startServer((_r, res) => respond(res, 204));
    const shared = { user: 'alice', state: 'running', A: 'first' };
    const families: MetricFamily[] = ['slurm_user_jobs', 'slurm_user_jobs_cpus'].map((name, i) => ({
      name,
      type: 'gauge',
      help: name,
      samples: [
        { labels: shared, value: i + 1 },
        { labels: { user: 'bob', state: 'pending' }, value: 10 + i },
      ],
    }));
    await target(server.url, { job: 'slurm' }).push(await payloadOf(families));
    const decoded = decode((server.requests[0] as Recorded).body);
    const rows = decoded.timeseries.map((t) => [
      t.labels.map((l) => `${l.name}=${l.value}`).join(','),
      t.samples[0]?.value,
    ]);
    expect(rows).toEqual([
      ['A=first,__name__=slurm_user_jobs,cluster=c1,job=slurm,state=running,user=alice', 1],
      ['__name__=slurm_user_jobs,cluster=c1,job=slurm,state=pending,user=bob', 10],
      ['A=first,__name__=slurm_user_jobs_cpus,cluster=c1,job=slurm,state=running,user=alice', 2],
      ['__name__=slurm_user_jobs_cpus,cluster=c1,job=slurm,state=pending,user=bob', 11],
    ]);
  });

  it('sends a snappy-block protobuf WriteRequest with sorted labels, __name__, no empty values, one sample', async () => {
    server = await startServer((_r, res) => respond(res, 204));
    const families: MetricFamily[] = [
      {
        name: 'slurm_node_state',
        type: 'gauge',
        help: 'Node state',
        samples: [
          {
            labels: { node: 'n1', Zeta: 'upper', alpha: 'a"b\\c\nd/é', cluster: 'from-sample', empty: '' },
            value: 1.5,
          },
          { labels: { node: 'n2' }, value: Number.NaN },
        ],
      },
      {
        name: 'slurm_rpc_total',
        type: 'counter',
        help: 'RPCs',
        samples: [{ labels: { user: 'u' }, value: 42 }],
      },
    ];
    const result = await target(server.url, { job: 'slurm' }).push(await payloadOf(families));

    const req = server.requests[0] as Recorded;
    const decoded = decode(req.body);
    expect(decoded.timeseries).toHaveLength(3);
    const first = decoded.timeseries[0];
    expect(first?.labels).toEqual([
      { name: 'Zeta', value: 'upper' },
      { name: '__name__', value: 'slurm_node_state' },
      { name: 'alpha', value: 'a"b\\c\nd/é' },
      { name: 'cluster', value: 'c1' },
      { name: 'job', value: 'slurm' },
      { name: 'node', value: 'n1' },
    ]);
    expect(first?.samples).toEqual([{ value: 1.5, timestamp: TS }]);
    expect(decoded.timeseries[1]?.samples[0]?.value).toBeNaN();
    expect(decoded.timeseries[2]?.labels.find((l) => l.name === '__name__')?.value).toBe('slurm_rpc_total');
    for (const ts of decoded.timeseries) {
      const names = ts.labels.map((l) => l.name);
      expect(names).toEqual([...names].sort());
      expect(new Set(names).size).toBe(names.length);
      expect(ts.labels.every((l) => l.value !== '' && l.value !== undefined)).toBe(true);
    }
    expect(decoded.metadata).toEqual([
      { type: 'GAUGE', metricFamilyName: 'slurm_node_state', help: 'Node state' },
      { type: 'COUNTER', metricFamilyName: 'slurm_rpc_total', help: 'RPCs' },
    ]);
    expect(result).toMatchObject({
      target: 'remote_write',
      series: 3,
      accepted: 3,
      rejected: 0,
      status: 204,
    });
    expect(result.bytes).toBe(req.body.length);
  });

  it('sets the protocol headers, which custom headers cannot override; X-Scope-OrgID passes', async () => {
    server = await startServer((_r, res) => respond(res, 204));
    await target(server.url, {
      headers: {
        'X-Scope-OrgID': 'tenant-1',
        'Content-Type': 'text/plain',
        'content-encoding': 'gzip',
        'User-Agent': 'evil',
        'X-Prometheus-Remote-Write-Version': '2.0.0',
      },
    }).push(await payloadOf([gauge(1)]));
    const h = server.requests[0]?.headers;
    expect(h?.['content-encoding']).toBe('snappy');
    expect(h?.['content-type']).toBe('application/x-protobuf');
    expect(h?.['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(h?.['user-agent']).toBe(USER_AGENT);
    expect(h?.['x-scope-orgid']).toBe('tenant-1');
    expect(h?.['retry-attempt']).toBeUndefined();
  });

  it('sends basic (Grafana Cloud) and bearer auth', async () => {
    server = await startServer((_r, res) => respond(res, 204));
    const p = await payloadOf([gauge(1)]);
    await target(server.url, { auth: { type: 'basic', username: '123456', password: 'glc_token' } }).push(p);
    await target(server.url, { auth: { type: 'bearer', token: 'tok' } }).push(p);
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('123456:glc_token').toString('base64')}`,
    );
    expect(server.requests[1]?.headers.authorization).toBe('Bearer tok');
  });

  it('omits metadata when sendMetadata is false', async () => {
    server = await startServer((_r, res) => respond(res, 204));
    await target(server.url, { sendMetadata: false }).push(await payloadOf([gauge(2)]));
    expect(decode(server.requests[0]?.body as Buffer).metadata).toEqual([]);
  });
});

describe('RemoteWriteTarget batching', () => {
  it('splits 4500 samples into 3 requests of at most 2000, all samples sent once', async () => {
    server = await startServer((_r, res) => respond(res, 204));
    const result = await target(server.url).push(await payloadOf([gauge(4500)]));
    expect(server.requests).toHaveLength(3);
    const decoded = server.requests.map((r) => decode(r.body));
    expect(decoded.map((d) => d.timeseries.length).sort()).toEqual([2000, 2000, 500]);
    const ids = decoded.flatMap((d) =>
      d.timeseries.map((t) => t.labels.find((l) => l.name === 'job_id')?.value),
    );
    expect(new Set(ids).size).toBe(4500);
    expect(result).toMatchObject({ series: 4500, accepted: 4500, rejected: 0, requests: 3 });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    server = await startServer((_r, res) => {
      setTimeout(() => respond(res, 204), 40);
    });
    await target(server.url, { maxSamplesPerRequest: 10, concurrency: 2 }).push(
      await payloadOf([gauge(100)]),
    );
    expect(server.requests).toHaveLength(10);
    expect(server.inFlight.max).toBe(2);
  });

  it('keeps sending the other batches when one gets a 400, then throws with the counts', async () => {
    server = await startServer((_r, res, i) =>
      i === 1 ? respond(res, 400, 'out of order sample') : respond(res, 204),
    );
    const err = (await target(server.url, { concurrency: 1, retries: 3 })
      .push(await payloadOf([gauge(4500)]))
      .catch((e: unknown) => e)) as PushError;
    expect(server.requests).toHaveLength(3);
    expect(err).toBeInstanceOf(PushError);
    expect(err.accepted).toBe(2500);
    expect(err.rejected).toBe(2000);
    expect(err.status).toBe(400);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('1 of 3 batches failed (2000 samples rejected, 2500 accepted)');
    expect(err.message).toContain('out of order sample');
  });
});

describe('RemoteWriteTarget retries', () => {
  it.each([500, 502, 503])('retries %i with a Retry-Attempt header', async (status) => {
    server = await startServer((_r, res, i) => respond(res, i < 2 ? status : 204));
    const result = await target(server.url, { retries: 3 }).push(await payloadOf([gauge(1)]));
    expect(server.requests.map((r) => r.headers['retry-attempt'])).toEqual([undefined, '1', '2']);
    expect(result).toMatchObject({ requests: 3, status: 204, accepted: 1 });
  });

  it('retries 429 honouring Retry-After in seconds', async () => {
    server = await startServer((_r, res, i) =>
      i === 0 ? respond(res, 429, 'slow down', { 'Retry-After': '1' }) : respond(res, 204),
    );
    await target(server.url).push(await payloadOf([gauge(1)]));
    const [a, b] = server.requests;
    expect(server.requests).toHaveLength(2);
    expect((b?.at as number) - (a?.at as number)).toBeGreaterThanOrEqual(900);
  });

  it('retries 429 honouring Retry-After as an HTTP date', async () => {
    const when = new Date(Date.now() + 2000).toUTCString();
    server = await startServer((_r, res, i) =>
      i === 0 ? respond(res, 429, '', { 'Retry-After': when }) : respond(res, 204),
    );
    await target(server.url).push(await payloadOf([gauge(1)]));
    expect(server.requests).toHaveLength(2);
    expect((server.requests[1]?.at as number) - (server.requests[0]?.at as number)).toBeGreaterThanOrEqual(
      900,
    );
  });

  it('gives up at once when Retry-After would pass the deadline', async () => {
    server = await startServer((_r, res) => respond(res, 429, '', { 'Retry-After': '30' }));
    const started = Date.now();
    const err = (await target(server.url)
      .push(await payloadOf([gauge(1)]), { deadlineMs: Date.now() + 2000 })
      .catch((e: unknown) => e)) as PushError;
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err.code).toBe('PUSH_DEADLINE');
    expect(err.message).toMatch(/did not finish before the Lambda deadline/);
    expect(server.requests).toHaveLength(1);
  });

  it.each([400, 401, 403, 404, 413])('does not retry %i and reports the receiver message', async (status) => {
    server = await startServer((_r, res) => respond(res, status, `receiver says ${status}`));
    const err = (await target(server.url, { retries: 3, auth: { type: 'bearer', token: 'secret-tok' } })
      .push(await payloadOf([gauge(1)]))
      .catch((e: unknown) => e)) as PushError;
    expect(server.requests).toHaveLength(1);
    expect(err.status).toBe(status);
    expect(err.message).toContain(`receiver says ${status}`);
    expect(err.message).toContain(`${server.url}/api/v1/write`);
    expect(err.message).not.toContain('secret-tok');
    expect(err.rejected).toBe(1);
  });

  it('retries a refused connection, then fails with a connection error', async () => {
    const url = await refusedUrl();
    const seen: number[] = [];
    const err = (await target(url, { retries: 2, onRequest: (i) => seen.push(i.status) })
      .push(await payloadOf([gauge(1)]))
      .catch((e: unknown) => e)) as PushError;
    expect(err.type).toBe('connection');
    expect(err.requests).toBe(3);
    expect(seen).toEqual([0, 0, 0]);
  });

  it('times out a slow receiver and cuts at the deadline', async () => {
    server = await startServer((_r, res) => {
      setTimeout(() => respond(res, 204), 3000);
    });
    const timeout = (await target(server.url, { timeoutMs: 150, retries: 0 })
      .push(await payloadOf([gauge(1)]))
      .catch((e: unknown) => e)) as PushError;
    expect(timeout.code).toBe('PUSH_TIMEOUT');
    const started = Date.now();
    const deadline = (await target(server.url, { timeoutMs: 10_000, retries: 4 })
      .push(await payloadOf([gauge(1)]), { deadlineMs: Date.now() + 300 })
      .catch((e: unknown) => e)) as PushError;
    expect(deadline.code).toBe('PUSH_DEADLINE');
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

describe('RemoteWriteTarget SigV4 (Amazon Managed Service for Prometheus)', () => {
  const AKID = 'AKIDEXAMPLE';
  const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

  it('signs every request with service aps and a signature the receiver can recompute', async () => {
    server = await startServer((_r, res, i) => respond(res, i === 0 ? 503 : 200));
    await createRemoteWriteTarget({
      url: `${server.url}/workspaces/ws-123/api/v1/remote_write`,
      send: sendWithRetry,
      backoff: FAST,
      region: 'eu-west-1',
      headers: { 'X-Custom': 'v' },
      auth: { type: 'sigv4', accessKeyId: AKID, secretAccessKey: SECRET },
    }).push(await payloadOf([gauge(3)]));
    expect(server.requests).toHaveLength(2);
    for (const req of server.requests) {
      const check = verifySigV4(req, SECRET);
      expect(check.ok).toBe(true);
      expect(check.credential).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/aps\/aws4_request$/);
      expect(check.signedHeaders).toEqual(
        expect.arrayContaining([
          'content-encoding',
          'content-type',
          'host',
          'x-amz-date',
          'x-prometheus-remote-write-version',
        ]),
      );
      expect(req.headers['x-amz-security-token']).toBeUndefined();
    }
    // The retry is re-signed with its Retry-Attempt header included.
    expect(server.requests[1]?.headers['retry-attempt']).toBe('1');
    expect(verifySigV4(server.requests[1] as Recorded, 'wrong-secret').ok).toBe(false);
  });

  it('sends and signs the session token, with an explicit region and service', async () => {
    server = await startServer((_r, res) => respond(res, 200));
    await createRemoteWriteTarget({
      url: `${server.url}/api/v1/remote_write`,
      send: sendWithRetry,
      region: 'us-east-1',
      auth: {
        type: 'sigv4',
        region: 'ap-south-1',
        service: 'custom',
        accessKeyId: AKID,
        secretAccessKey: SECRET,
        sessionToken: 'SESSION-TOKEN-1',
      },
    }).push(await payloadOf([gauge(1)]));
    const req = server.requests[0] as Recorded;
    expect(req.headers['x-amz-security-token']).toBe('SESSION-TOKEN-1');
    const check = verifySigV4(req, SECRET);
    expect(check.ok).toBe(true);
    expect(check.credential).toContain('/ap-south-1/custom/aws4_request');
    expect(check.signedHeaders).toContain('x-amz-security-token');
  });

  it('takes credentials from the default provider chain (Lambda role env vars) when none are configured', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret-key');
    vi.stubEnv('AWS_SESSION_TOKEN', 'env-session-token');
    try {
      server = await startServer((_r, res) => respond(res, 200));
      await createRemoteWriteTarget({
        url: `${server.url}/api/v1/remote_write`,
        send: sendWithRetry,
        region: 'us-west-2',
        auth: { type: 'sigv4' },
      }).push(await payloadOf([gauge(1)]));
      const req = server.requests[0] as Recorded;
      expect(req.headers['x-amz-security-token']).toBe('env-session-token');
      const check = verifySigV4(req, 'env-secret-key');
      expect(check.ok).toBe(true);
      expect(check.credential).toMatch(/^AKIDFROMENV\/\d{8}\/us-west-2\/aps\/aws4_request$/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses SigV4 without a region', () => {
    expect(() =>
      createRemoteWriteTarget({ url: 'http://127.0.0.1:1/w', send: sendWithRetry, auth: { type: 'sigv4' } }),
    ).toThrow(/sigv4 needs a region/);
  });
});
