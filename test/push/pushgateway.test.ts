import { gunzipSync } from 'node:zlib';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PushError } from '../../lib/errors.js';
import type { ApiRequestInfo } from '../../lib/observability/events.js';
import { createPushgatewayTarget, groupingUrl, TEXT_CONTENT_TYPE } from '../../lib/push/pushgateway.js';
import type { PushPayload } from '../../lib/push/types.js';
import { chunked } from './chunks.js';
import { type LocalServer, refusedUrl, respond, startServer } from './local-server.js';

const TEXT = '# HELP m_a a\n# TYPE m_a gauge\nm_a{k="v"} 1\nm_a{k="w"} 2\n';
const FAST = { initialMs: 5, maxMs: 20 };

function payload(grouping: Record<string, string> = { cluster: 'c1' }): PushPayload {
  return { registry: new Registry(), text: chunked(TEXT), timestampMs: Date.now(), grouping };
}

/** Decodes a `/metrics/job/...` path the way the Pushgateway does (plain and @base64 segments). */
function decodeGroupingPath(path: string): Record<string, string> {
  const parts = path.replace(/^.*?\/metrics\//, '').split('/');
  const out: Record<string, string> = {};
  for (let i = 0; i < parts.length; i += 2) {
    const name = parts[i] as string;
    const value = parts[i + 1] as string;
    if (name.endsWith('@base64')) out[name.slice(0, -7)] = Buffer.from(value, 'base64url').toString('utf8');
    else out[name] = decodeURIComponent(value);
  }
  return out;
}

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('groupingUrl', () => {
  it('keeps plain URL-safe values and base64url-encodes the rest, sorted by label name', () => {
    const url = groupingUrl('http://gw:9091', 'slurm', {
      partition: '/var/tmp',
      cluster: 'c1',
      user: 'ünï cødé',
    });
    expect(url.pathname).toBe(
      `/metrics/job/slurm/cluster/c1/partition@base64/${Buffer.from('/var/tmp').toString('base64url')}/user@base64/${Buffer.from('ünï cødé').toString('base64url')}`,
    );
    expect(url.pathname).not.toContain('=');
    expect(decodeGroupingPath(url.pathname)).toEqual({
      job: 'slurm',
      cluster: 'c1',
      partition: '/var/tmp',
      user: 'ünï cødé',
    });
  });

  it('base64-encodes a job name that needs it, and "." / ".." that URL parsing would swallow', () => {
    const url = groupingUrl('http://gw:9091', 'a/b', { x: '.', y: '..' });
    expect(url.pathname.startsWith('/metrics/job@base64/YS9i/')).toBe(true);
    expect(decodeGroupingPath(url.pathname)).toEqual({ job: 'a/b', x: '.', y: '..' });
  });

  it('keeps a URL path prefix and drops a trailing slash, query and fragment', () => {
    expect(groupingUrl('http://gw:9091/prefix/gw/?q=1#f', 'j', { cluster: 'c' }).toString()).toBe(
      'http://gw:9091/prefix/gw/metrics/job/j/cluster/c',
    );
  });

  it('refuses empty values, empty job, "job" in the grouping and bad label names with clear errors', () => {
    expect(() => groupingUrl('http://gw', 'j', { instance: '' })).toThrow(
      /grouping label "instance" has an empty value/,
    );
    expect(() => groupingUrl('http://gw', '', {})).toThrow(/push.job must not be empty/);
    expect(() => groupingUrl('http://gw', 'j', { job: 'x' })).toThrow(/must not contain "job"/);
    expect(() => groupingUrl('http://gw', 'j', { 'a-b': 'x' })).toThrow(/"a-b" is not a valid/);
    expect(() => groupingUrl('http://gw', 'j', { __x: 'x' })).toThrow(/"__x"/);
    expect(() => groupingUrl('not a url', 'j', {})).toThrow(/push.url is not a valid URL/);
  });
});

describe('PushgatewayTarget', () => {
  it('PUTs the text with the 0.0.4 content type to the stable grouping URL', async () => {
    server = await startServer((_r, res) => respond(res, 200));
    const target = createPushgatewayTarget({ url: server.url, job: 'slurm', grouping: { site: 'eu' } });
    const result = await target.push(payload({ cluster: 'c1' }));
    const req = server.requests[0];
    expect(req?.method).toBe('PUT');
    expect(req?.url).toBe('/metrics/job/slurm/cluster/c1/site/eu');
    expect(req?.headers['content-type']).toBe(TEXT_CONTENT_TYPE);
    expect(req?.headers['content-encoding']).toBeUndefined();
    expect(req?.body.toString('utf8')).toBe(TEXT);
    expect(result).toMatchObject({
      target: 'pushgateway',
      series: 2,
      status: 200,
      requests: 1,
      bytes: TEXT.length,
    });
  });

  it('POSTs when configured', async () => {
    server = await startServer((_r, res) => respond(res, 200));
    await createPushgatewayTarget({ url: server.url, job: 'j', method: 'POST' }).push(payload());
    expect(server.requests[0]?.method).toBe('POST');
  });

  it('gzips the body when compression is gzip', async () => {
    server = await startServer((_r, res) => respond(res, 200));
    const result = await createPushgatewayTarget({ url: server.url, job: 'j', compression: 'gzip' }).push(
      payload(),
    );
    const req = server.requests[0];
    expect(req?.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(req?.body as Buffer).toString('utf8')).toBe(TEXT);
    expect(result.bytes).toBe(req?.body.length);
  });

  it('sends basic and bearer auth, and custom headers that cannot override Content-Type/Encoding', async () => {
    server = await startServer((_r, res) => respond(res, 200));
    await createPushgatewayTarget({
      url: server.url,
      job: 'j',
      auth: { type: 'basic', username: 'user', password: 'p@ss:word' },
      headers: {
        'X-Custom': 'yes',
        'content-type': 'application/json',
        'Content-Encoding': 'br',
        Host: 'evil',
      },
    }).push(payload());
    await createPushgatewayTarget({
      url: server.url,
      job: 'j',
      auth: { type: 'bearer', token: 'tok123' },
    }).push(payload());
    const [basic, bearer] = server.requests;
    expect(basic?.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss:word').toString('base64')}`);
    expect(basic?.headers['x-custom']).toBe('yes');
    expect(basic?.headers['content-type']).toBe(TEXT_CONTENT_TYPE);
    expect(basic?.headers['content-encoding']).toBeUndefined();
    expect(basic?.headers.host).toBe(new URL(server?.url as string).host);
    expect(bearer?.headers.authorization).toBe('Bearer tok123');
  });

  it('DELETEs the group with deleteGroup() and sends no body or content type', async () => {
    server = await startServer((_r, res) => respond(res, 202));
    const target = createPushgatewayTarget({ url: server.url, job: 'j', headers: { 'Content-Type': 'x/y' } });
    const result = await target.deleteGroup({ cluster: 'c/1' });
    const req = server.requests[0];
    expect(req?.method).toBe('DELETE');
    expect(decodeGroupingPath(req?.url as string)).toEqual({ job: 'j', cluster: 'c/1' });
    expect(req?.body.length).toBe(0);
    expect(req?.headers['content-type']).toBeUndefined();
    expect(result.status).toBe(202);
  });

  it.each([500, 502, 503])('retries %i with backoff and succeeds', async (status) => {
    server = await startServer((_r, res, i) => respond(res, i < 2 ? status : 200, 'busy'));
    const seen: ApiRequestInfo[] = [];
    const result = await createPushgatewayTarget({
      url: server.url,
      job: 'j',
      retries: 2,
      backoff: FAST,
      onRequest: (i) => seen.push(i),
    }).push(payload());
    expect(server.requests).toHaveLength(3);
    expect(result).toMatchObject({ status: 200, requests: 3 });
    expect(seen.map((s) => s.status)).toEqual([status, status, 200]);
    expect(seen.every((s) => s.endpoint === 'pushgateway' && s.path === '/metrics/job/j/cluster/c1')).toBe(
      true,
    );
  });

  it('gives up after the configured retries on persistent 5xx', async () => {
    server = await startServer((_r, res) => respond(res, 503, 'down'));
    const err = await createPushgatewayTarget({ url: server.url, job: 'j', retries: 1, backoff: FAST })
      .push(payload())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushError);
    expect((err as PushError).status).toBe(503);
    expect((err as PushError).requests).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 400 and surfaces the gateway message', async () => {
    const message =
      'pushed metrics are invalid or inconsistent with existing metrics: collected metric "m_a" is not a GAUGE';
    server = await startServer((_r, res) => respond(res, 400, message));
    const err = (await createPushgatewayTarget({ url: server.url, job: 'j', retries: 3, backoff: FAST })
      .push(payload())
      .catch((e: unknown) => e)) as PushError;
    expect(server.requests).toHaveLength(1);
    expect(err).toBeInstanceOf(PushError);
    expect(err.status).toBe(400);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(message);
    expect(err.message).toContain(`${server.url}/metrics/job/j/cluster/c1`);
  });

  it.each([
    [401, /check the push credentials/],
    [403, /check the push credentials/],
    [404, /check the URL path/],
    [413, /too large/],
    [429, /status 429/],
  ])('does not retry %i and names the URL but never the credentials', async (status, hint) => {
    server = await startServer((_r, res) => respond(res, status, 'nope'));
    const err = (await createPushgatewayTarget({
      url: server.url.replace('http://', 'http://admin:hunter2@'),
      job: 'j',
      retries: 3,
      backoff: FAST,
      auth: { type: 'bearer', token: 'supersecrettoken' },
    })
      .push(payload())
      .catch((e: unknown) => e)) as PushError;
    expect(server.requests).toHaveLength(1);
    expect(err.status).toBe(status);
    expect(err.message).toMatch(hint);
    expect(err.message).toContain(`${server.url}/metrics/job/j`);
    expect(err.message).not.toMatch(/hunter2|supersecrettoken|admin/);
    if (status === 401) expect(err.type).toBe('auth');
  });

  it('retries a refused connection and then fails with a connection error', async () => {
    const url = await refusedUrl();
    const seen: ApiRequestInfo[] = [];
    const err = (await createPushgatewayTarget({
      url,
      job: 'j',
      retries: 2,
      backoff: FAST,
      onRequest: (i) => seen.push(i),
    })
      .push(payload())
      .catch((e: unknown) => e)) as PushError;
    expect(err).toBeInstanceOf(PushError);
    expect(err.type).toBe('connection');
    expect(err.message).toContain('ECONNREFUSED');
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.status === 0 && s.errorType === 'connection')).toBe(true);
  });

  it('times out a slow gateway per attempt and retries', async () => {
    server = await startServer((_r, res, i) => {
      if (i === 0) setTimeout(() => respond(res, 200), 2000);
      else respond(res, 200);
    });
    const result = await createPushgatewayTarget({
      url: server.url,
      job: 'j',
      timeoutMs: 200,
      retries: 1,
      backoff: FAST,
    }).push(payload());
    expect(result.requests).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('fails with a timeout error when every attempt is too slow', async () => {
    server = await startServer((_r, res) => {
      setTimeout(() => respond(res, 200), 2000);
    });
    const err = (await createPushgatewayTarget({ url: server.url, job: 'j', timeoutMs: 150, retries: 0 })
      .push(payload())
      .catch((e: unknown) => e)) as PushError;
    expect(err.code).toBe('PUSH_TIMEOUT');
    expect(err.type).toBe('timeout');
    expect(err.message).toMatch(/timed out after 150 ms/);
  });

  it('cuts the request and the retries at the Lambda deadline', async () => {
    server = await startServer((_r, res) => {
      setTimeout(() => respond(res, 200), 3000);
    });
    const started = Date.now();
    const err = (await createPushgatewayTarget({ url: server.url, job: 'j', timeoutMs: 10_000, retries: 5 })
      .push(payload(), { deadlineMs: Date.now() + 300 })
      .catch((e: unknown) => e)) as PushError;
    expect(Date.now() - started).toBeLessThan(2500);
    expect(err.code).toBe('PUSH_DEADLINE');
    expect(err.message).toContain(
      `push to ${server.url}/metrics/job/j/cluster/c1 did not finish before the Lambda deadline`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('does not start a backoff wait that would end past the deadline', async () => {
    server = await startServer((_r, res) => respond(res, 503));
    const err = (await createPushgatewayTarget({
      url: server.url,
      job: 'j',
      retries: 5,
      backoff: { initialMs: 5000, maxMs: 5000 },
    })
      .push(payload(), { deadlineMs: Date.now() + 1000 })
      .catch((e: unknown) => e)) as PushError;
    expect(err.code).toBe('PUSH_DEADLINE');
    expect(err.message).toContain('last error');
    expect(err.message).toContain('503');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses an empty grouping value from the payload before sending anything', async () => {
    server = await startServer((_r, res) => respond(res, 200));
    const target = createPushgatewayTarget({ url: server.url, job: 'j' });
    await expect(target.push(payload({ cluster: '' }))).rejects.toThrow(/"cluster" has an empty value/);
    expect(server.requests).toHaveLength(0);
  });
});
