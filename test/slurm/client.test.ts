import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitOpenError, ExporterError, SlurmHttpError } from '../../lib/errors.js';
import { getBreakerStates } from '../../lib/observability/circuit-breaker.js';
import type { ApiRequestInfo } from '../../lib/observability/events.js';
import { createLogger } from '../../lib/observability/logger.js';
import { generateCluster } from '../../lib/sim/index.js';
import { startSimServer } from '../../lib/sim/server.js';
import type { Credentials } from '../../lib/slurm/auth.js';
import { createSlurmClient, resetSlurmClientState, type SlurmClientOptions } from '../../lib/slurm/client.js';
import {
  envelope,
  type FakeServer,
  type Handler,
  sendJson,
  sendText,
  startServer,
  testAdapters,
} from './fake-slurmrestd.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2VuLXZhbHVl.SIGNATURE-should-never-leak';
const NEW_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.bmV3LXRva2Vu.NEWSIG-should-never-leak';
const PASSWORD = 'pa55-should-never-leak';
const V = 'v0.0.40' as const;

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await resetSlurmClientState();
});

async function serve(handler: Handler): Promise<FakeServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}

/** Captures log lines and checks at the end that no secret leaked. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (l) => lines.push(l) });
  return {
    logger,
    lines,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    assertNoSecrets: (...extra: unknown[]) => {
      const all = [
        ...lines,
        ...extra.map((e) => (e instanceof Error ? `${e.message} ${String(e.cause)}` : String(e))),
      ];
      for (const text of all) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(NEW_TOKEN);
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain('SIGNATURE');
      }
    },
  };
}

function credentialsCounter(tokens: string[] = [TOKEN, NEW_TOKEN]) {
  const calls: boolean[] = [];
  const provider = async ({ force }: { force: boolean }): Promise<Credentials> => {
    calls.push(force);
    const token = force ? tokens[1] : tokens[0];
    return { token, username: 'labuser' };
  };
  return { calls, provider };
}

function client(s: FakeServer, extra: Partial<SlurmClientOptions> = {}) {
  return createSlurmClient({
    baseUrl: s.url,
    apiVersion: V,
    timeoutMs: 2000,
    retryAttempts: 2,
    retryDelayMs: 10,
    getAdapter: testAdapters(),
    ...extra,
  });
}

const jobsBody = envelope(V, { jobs: [{ name: 'a' }, { name: 'b' }] });
const pingBody = envelope(V, { pings: [{ name: 'ctld', pinged: 'UP' }] });

async function rejection(p: Promise<unknown>): Promise<SlurmHttpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SlurmHttpError);
  return err as SlurmHttpError;
}

describe('auth headers', () => {
  it('sends X-SLURM-USER-TOKEN and X-SLURM-USER-NAME for jwt', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    const { provider } = credentialsCounter();
    const r = await client(s, { auth: { type: 'jwt', credentials: provider } }).fetch('jobs');
    expect(r.data).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(r.count).toBe(2);
    const h = s.requests[0]?.headers;
    expect(h?.['x-slurm-user-token']).toBe(TOKEN);
    expect(h?.['x-slurm-user-name']).toBe('labuser');
    expect(h?.authorization).toBeUndefined();
    expect(h?.['user-agent']).toMatch(/^slurm-push-exporter\//);
  });

  it('sends Authorization: Bearer for bearer and nothing else', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    await client(s, { auth: { type: 'bearer', credentials: async () => ({ token: TOKEN }) } }).fetch('jobs');
    expect(s.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(s.requests[0]?.headers['x-slurm-user-token']).toBeUndefined();
  });

  it('sends Authorization: Basic for basic', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    await client(s, {
      auth: { type: 'basic', credentials: async () => ({ username: 'proxy', password: PASSWORD }) },
    }).fetch('jobs');
    const expected = `Basic ${Buffer.from(`proxy:${PASSWORD}`).toString('base64')}`;
    expect(s.requests[0]?.headers.authorization).toBe(expected);
  });

  it('sends no credentials for none', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    await client(s, { auth: { type: 'none' } }).fetch('jobs');
    const h = s.requests[0]?.headers ?? {};
    expect(h.authorization).toBeUndefined();
    expect(h['x-slurm-user-token']).toBeUndefined();
  });

  it('fails clearly when jwt credentials have no token', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    const err = await rejection(
      client(s, { auth: { type: 'jwt', credentials: async () => ({}) } }).fetch('jobs'),
    );
    expect(err.type).toBe('auth');
    expect(err.code).toBe('SLURM_CREDENTIALS_UNAVAILABLE');
    expect(err.message).toContain('needs a token');
    expect(s.requests).toHaveLength(0);
  });
});

describe('credential refresh', () => {
  it('on 401 calls credentials({force:true}) exactly once, then succeeds', async () => {
    const s = await serve((q, res) => {
      if (q.headers['x-slurm-user-token'] === NEW_TOKEN) sendJson(res, 200, jobsBody);
      else sendText(res, 401, 'Authentication failure');
    });
    const { calls, provider } = credentialsCounter();
    const log = capture();
    const r = await client(s, { auth: { type: 'jwt', credentials: provider }, logger: log.logger }).fetch(
      'jobs',
    );
    expect(r.count).toBe(2);
    expect(calls).toEqual([false, true]);
    expect(s.requests).toHaveLength(2);
    log.assertNoSecrets();
  });

  it('22.05 HTTP 500 "Unspecified error": refreshes once, then a clear auth error without the token', async () => {
    const s = await serve((_q, res) =>
      sendJson(res, 500, {
        errors: [
          { description: 'Failed while looking for jobs', error_number: -1, error: 'Unspecified error' },
        ],
        jobs: [],
      }),
    );
    const { calls, provider } = credentialsCounter();
    const log = capture();
    const err = await rejection(
      client(s, { auth: { type: 'jwt', credentials: provider }, logger: log.logger }).fetch('jobs'),
    );
    expect(calls).toEqual([false, true]);
    expect(s.requests).toHaveLength(2);
    expect(err.type).toBe('auth');
    expect(err.code).toBe('SLURM_AUTH_REJECTED');
    expect(err.status).toBe(500);
    expect(err.slurmErrorNumber).toBe(-1);
    expect(err.message).toContain(`GET /slurm/${V}/jobs`);
    expect(err.message).toContain(s.url);
    expect(err.message).toContain('rejected');
    log.assertNoSecrets(err);
  });

  it('23.11+ 511 "Protocol authentication error" (1007) is an auth rejection', async () => {
    const s = await serve((_q, res) =>
      sendJson(res, 511, { errors: [{ error_number: 1007, error: 'Protocol authentication error' }] }),
    );
    const { calls, provider } = credentialsCounter();
    const err = await rejection(client(s, { auth: { type: 'bearer', credentials: provider } }).fetch('jobs'));
    expect(calls).toEqual([false, true]);
    expect(err.type).toBe('auth');
    expect(err.message).toContain('slurm error 1007 "Protocol authentication error"');
  });

  it('with auth type none a 401 fails without any refresh', async () => {
    const s = await serve((_q, res) => sendText(res, 401, 'Authentication failure'));
    const err = await rejection(client(s, { auth: { type: 'none' } }).fetch('jobs'));
    expect(err.type).toBe('auth');
    expect(err.message).toContain('no credentials are configured');
    expect(s.requests).toHaveLength(1);
  });
});

describe('retries', () => {
  for (const status of [502, 503, 504]) {
    it(`retries HTTP ${status} and succeeds`, async () => {
      let n = 0;
      const s = await serve((_q, res) => {
        n++;
        if (n < 3) sendText(res, status, 'busy');
        else sendJson(res, 200, jobsBody);
      });
      const seen: ApiRequestInfo[] = [];
      const r = await client(s, { onRequest: (i) => seen.push(i) }).fetch('jobs');
      expect(r.count).toBe(2);
      expect(s.requests).toHaveLength(3);
      expect(seen.map((i) => i.status)).toEqual([status, status, 200]);
      expect(seen[0]?.errorType).toBe('http');
      expect(seen[2]?.bytes).toBe(JSON.stringify(jobsBody).length);
    });
  }

  it('gives up after retryAttempts with the last error', async () => {
    const s = await serve((_q, res) => sendText(res, 502, 'bad gateway'));
    const err = await rejection(client(s, { retryAttempts: 2 }).fetch('jobs'));
    expect(s.requests).toHaveLength(3);
    expect(err.status).toBe(502);
    expect(err.message).toBe(`GET /slurm/${V}/jobs failed: HTTP 502 ("bad gateway")`);
  });

  it('retries connection refused, reporting status 0 to the observer', async () => {
    const s = await serve(() => {});
    const url = s.url;
    await s.close();
    servers.length = 0;
    const seen: ApiRequestInfo[] = [];
    const err = await rejection(
      createSlurmClient({
        baseUrl: url,
        apiVersion: V,
        retryAttempts: 2,
        retryDelayMs: 5,
        getAdapter: testAdapters(),
        onRequest: (i) => seen.push(i),
      }).fetch('jobs'),
    );
    expect(err.type).toBe('connection');
    expect(err.code).toBe('SLURM_CONNECTION');
    expect(seen).toHaveLength(3);
    expect(seen.every((i) => i.status === 0 && i.errorType === 'connection')).toBe(true);
  });

  for (const status of [400, 403, 500]) {
    it(`does not retry HTTP ${status}`, async () => {
      const s = await serve((_q, res) =>
        sendJson(res, status, { errors: [{ error_number: 2002, error: 'nope' }] }),
      );
      const err = await rejection(client(s).fetch('jobs'));
      expect(s.requests).toHaveLength(1);
      expect(err.status).toBe(status);
      expect(err.slurmErrorNumber).toBe(2002);
      expect(err.message).toContain(`HTTP ${status} (slurm error 2002 "nope")`);
    });
  }

  it('does not retry a 404 (an endpoint the version does not serve)', async () => {
    const s = await serve((q, res) => {
      if (q.url?.endsWith('/ping')) sendJson(res, 200, pingBody);
      else sendText(res, 404, 'Unable find requested URL. Please view /openapi/v3 for API reference.');
    });
    const err = await rejection(client(s).fetch('licenses'));
    expect(err.code).toBe('ENDPOINT_UNAVAILABLE');
    expect(s.requests.filter((r) => r.path.endsWith('/licenses'))).toHaveLength(1);
    // the 404 is remembered: no further request
    await rejection(client(s).fetch('licenses'));
    expect(s.requests.filter((r) => r.path.endsWith('/licenses'))).toHaveLength(1);
  });

  it('never starts a retry that cannot finish before the deadline', async () => {
    const s = await serve((_q, res) => sendText(res, 503, 'busy'));
    const started = Date.now();
    const err = await rejection(
      client(s, { retryAttempts: 10, retryDelayMs: 50, timeoutMs: 400, deadline: started + 700 }).fetch(
        'jobs',
      ),
    );
    expect(err.status).toBe(503);
    expect(Date.now()).toBeLessThan(started + 700);
    expect(s.requests.length).toBeGreaterThanOrEqual(1);
    expect(s.requests.length).toBeLessThan(11);
  });

  it('does not even start when the deadline has passed', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    const err = await rejection(client(s, { deadline: Date.now() - 1 }).fetch('jobs'));
    expect(err.type).toBe('timeout');
    expect(s.requests).toHaveLength(0);
  });
});

describe('timeouts and limits', () => {
  it('slow headers give a timeout error', async () => {
    const s = await serve((_q, res) => {
      setTimeout(() => sendJson(res, 200, jobsBody), 1500);
    });
    const err = await rejection(client(s, { timeoutMs: 200, retryAttempts: 0 }).fetch('jobs'));
    expect(err.type).toBe('timeout');
    expect(err.code).toBe('SLURM_TIMEOUT');
    expect(err.message).toContain(`GET /slurm/${V}/jobs`);
  });

  it('a slowly dripping body gives a timeout error', async () => {
    const s = await serve((_q, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jobs":[');
      let i = 0;
      const t = setInterval(() => {
        if (i++ > 40 || res.destroyed) {
          clearInterval(t);
          res.end();
          return;
        }
        res.write('{"name":"x"},');
      }, 50);
    });
    const err = await rejection(client(s, { timeoutMs: 300, retryAttempts: 0 }).fetch('jobs'));
    expect(err.type).toBe('timeout');
  });

  it('rejects a too large response by content-length without reading it', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    const err = await rejection(client(s, { maxResponseBytes: 50 }).fetch('jobs'));
    expect(err.code).toBe('SLURM_RESPONSE_TOO_LARGE');
    expect(err.message).toContain('content-length');
  });

  it('rejects a too large chunked response while streaming', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jobs":[');
      for (let i = 0; i < 100; i++) res.write('{"name":"xxxxxxxxxxxxxxxxxxxx"},');
      res.end('{"name":"y"}]}');
    });
    const err = await rejection(client(s, { maxResponseBytes: 1000 }).fetch('jobs'));
    expect(err.code).toBe('SLURM_RESPONSE_TOO_LARGE');
    expect(err.message).toContain('streamed');
  });

  it('bounds simultaneous requests by `concurrency`', async () => {
    const s = await serve((_q, res) => {
      setTimeout(() => sendJson(res, 200, jobsBody), 30);
    });
    const c = client(s, { concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => c.fetch('jobs')));
    expect(s.requests).toHaveLength(8);
    expect(s.inFlight.max).toBe(2);
  });
});

describe('bodies', () => {
  it('streams items to onItem and returns no data', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    const names: string[] = [];
    const r = await client(s).fetch('jobs', {
      onItem: (j) => {
        names.push((j as unknown as { name: string }).name);
      },
    });
    expect(names).toEqual(['a', 'b']);
    expect(r.data).toBeUndefined();
    expect(r.count).toBe(2);
    expect(r.meta).toEqual({
      apiVersion: V,
      cluster: 'testcluster',
      release: '25.11.0',
      dataParser: `data_parser/${V}`,
    });
  });

  it('parses diag in full', async () => {
    const s = await serve((_q, res) =>
      sendJson(res, 200, envelope(V, { statistics: { server_thread_count: 3 } })),
    );
    const r = await client(s).fetch('diag');
    expect(r.data).toEqual({ server_thread_count: 3 });
  });

  it('treats 200 with errors[] as an error', async () => {
    const s = await serve((_q, res) =>
      sendJson(
        res,
        200,
        envelope(V, { nodes: [] }, [{ error_number: 0, error: 'Failure to query node n9' }]),
      ),
    );
    const err = await rejection(client(s).fetch('nodes'));
    expect(err.code).toBe('SLURM_API_ERROR');
    expect(err.status).toBe(200);
    expect(err.message).toContain('Failure to query node n9');
    expect(s.requests).toHaveLength(1);
  });

  it('names the endpoint on a malformed body (type parse)', async () => {
    const s = await serve((_q, res) => sendText(res, 200, '{"jobs":[{"name":"a"},{"name":}]}'));
    const err = await rejection(client(s).fetch('jobs'));
    expect(err.type).toBe('parse');
    expect(err.message).toContain(`GET /slurm/${V}/jobs`);
  });

  it('reports a truncated body (type parse)', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jobs":[{"name":"a"},{"na');
    });
    const err = await rejection(client(s).fetch('jobs'));
    expect(err.type).toBe('parse');
    expect(err.message).toContain('truncated');
  });

  it('reports a wrong element shape with endpoint, index and field path (type validation)', async () => {
    const s = await serve((_q, res) =>
      sendJson(res, 200, envelope(V, { jobs: [{ name: 'a' }, { name: 42 }] })),
    );
    const err = await rejection(client(s).fetch('jobs'));
    expect(err.type).toBe('validation');
    expect(err.message).toContain(`GET /slurm/${V}/jobs`);
    expect(err.message).toContain("element 1 of 'jobs'");
    expect(err.message).toMatch(/name: /);
  });

  it('handles a text/plain 500', async () => {
    const s = await serve((_q, res) => sendText(res, 500, 'internal trouble'));
    const err = await rejection(client(s).fetch('jobs'));
    expect(err.status).toBe(500);
    expect(err.type).toBe('http');
    expect(err.message).toContain('"internal trouble"');
  });

  it('fails with a clear error when a pinned version is not served', async () => {
    const s = await serve((_q, res) => sendText(res, 404, 'Unable find requested URL.'));
    const err = await rejection(client(s, { apiVersion: 'v0.0.45' }).fetch('jobs'));
    expect(err.code).toBe('SLURM_VERSION_UNSUPPORTED');
    expect(err.message).toContain('v0.0.45');
    // pinned: only the endpoint and its version's ping were asked, no probing of other versions
    expect(s.requests.map((r) => r.path)).toEqual(['/slurm/v0.0.45/jobs', '/slurm/v0.0.45/ping']);
  });

  it('reports ENDPOINT_UNAVAILABLE without a request when the version lacks the endpoint', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    const err = await rejection(
      client(s, { getAdapter: testAdapters({ missing: ['licenses'] }) }).fetch('licenses'),
    );
    expect(err.code).toBe('ENDPOINT_UNAVAILABLE');
    expect(err).toBeInstanceOf(ExporterError);
    expect(s.requests).toHaveLength(0);
  });

  it('logs each request at debug without headers', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, jobsBody));
    const log = capture();
    const { provider } = credentialsCounter();
    await client(s, { logger: log.logger, auth: { type: 'jwt', credentials: provider } }).fetch('jobs');
    const req = log.parsed().find((l) => l.message === 'slurmrestd request');
    expect(req).toMatchObject({ level: 'debug', method: 'GET', path: `/slurm/${V}/jobs`, status: 200 });
    expect(req?.bytes).toBe(JSON.stringify(jobsBody).length);
    expect(typeof req?.durationMs).toBe('number');
    log.assertNoSecrets();
  });

  it('warns once per base URL when a token goes over plain http to a remote host', () => {
    const log = capture();
    const mk = () =>
      createSlurmClient({
        baseUrl: 'http://slurm.example.invalid:6820',
        auth: { type: 'jwt', credentials: async () => ({ token: TOKEN }) },
        logger: log.logger,
      });
    mk();
    mk();
    const warns = log.parsed().filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(String(warns[0]?.message)).toContain('plain http');
    createSlurmClient({ baseUrl: 'http://127.0.0.1:1', auth: { type: 'jwt' }, logger: log.logger });
    expect(log.parsed().filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => createSlurmClient({ baseUrl: 'ftp://x' })).toThrow(/http or https/);
    expect(() => createSlurmClient({ baseUrl: 'not a url' })).toThrow(/not a valid URL/);
  });
});

describe('failures mid-request', () => {
  it('reads at most 1 MiB of a huge error body', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`oops ${'x'.repeat(3 * 1024 * 1024)}`);
    });
    const err = await rejection(client(s).fetch('jobs'));
    expect(err.status).toBe(500);
    expect(err.message).toContain('"oops xxx');
    expect(err.message.length).toBeLessThan(400);
  });

  it('retries a connection lost mid-body, but not once items went to onItem', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jobs":[{"name":"a"},');
      setTimeout(() => res.destroy(), 20);
    });
    const buffered = await rejection(client(s).fetch('jobs'));
    expect(buffered.type).toBe('connection');
    expect(s.requests).toHaveLength(3);
    const seen: unknown[] = [];
    const streamed = await rejection(client(s).fetch('jobs', { onItem: (j) => seen.push(j) }));
    expect(streamed.type).toBe('connection');
    expect(seen).toEqual([{ name: 'a' }]);
    expect(s.requests).toHaveLength(4);
  });

  it('stops when the caller aborts, without retrying', async () => {
    const s = await serve(() => {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await rejection(client(s, { retryAttempts: 3 }).fetch('jobs', { signal: ac.signal }));
    expect(err.code).toBe('SLURM_ABORTED');
    expect(s.requests).toHaveLength(1);
  });
});

describe('slurmdb availability', () => {
  it('404 disables slurmdb for the base URL with one info log', async () => {
    const s = await serve((q, res) => {
      if (q.url?.startsWith('/slurmdb/')) sendText(res, 404, 'Unable find requested URL.');
      else sendJson(res, 200, pingBody);
    });
    const log = capture();
    const c = client(s, { logger: log.logger });
    for (const e of ['qos', 'accounts', 'qos'] as const) {
      const err = await rejection(c.fetch(e));
      expect(err.code).toBe('ENDPOINT_UNAVAILABLE');
    }
    const c2 = client(s, { logger: log.logger });
    await rejection(c2.fetch('users'));
    expect(s.requests.filter((r) => r.path.startsWith('/slurmdb/'))).toHaveLength(1);
    const infos = log.parsed().filter((l) => l.level === 'info' && String(l.message).includes('slurmdb'));
    expect(infos).toHaveLength(1);
  });

  it('"Unable to connect to database" (7000) disables slurmdb', async () => {
    const s = await serve((q, res) => {
      if (q.url?.startsWith('/slurmdb/'))
        sendJson(res, 500, { errors: [{ error_number: 7000, error: 'Unable to connect to database' }] });
      else sendJson(res, 200, pingBody);
    });
    const { provider } = credentialsCounter();
    const c = client(s, { auth: { type: 'jwt', credentials: provider } });
    expect((await rejection(c.fetch('tres'))).code).toBe('ENDPOINT_UNAVAILABLE');
    const before = s.requests.length;
    expect((await rejection(c.fetch('qos'))).code).toBe('ENDPOINT_UNAVAILABLE');
    expect(s.requests.length).toBe(before);
  });

  it('slurmdb 9003 "Nothing found" is an empty list', async () => {
    const s = await serve((_q, res) =>
      sendJson(res, 500, envelope(V, { qos: [] }, [{ error_number: 9003, error: 'Nothing found' }])),
    );
    const r = await client(s).fetch('qos');
    expect(r.data).toEqual([]);
    expect(r.count).toBe(0);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, fails fast, probes after the reset timeout and closes', async () => {
    let healthy = false;
    const s = await serve((_q, res) => {
      if (healthy) sendJson(res, 200, jobsBody);
      else sendText(res, 500, 'down');
    });
    let now = 1_000_000;
    const c = client(s, {
      retryAttempts: 0,
      breaker: { enabled: true, failureThreshold: 2, resetTimeoutMs: 5000, halfOpenRequests: 1 },
      clock: () => now,
    });
    await rejection(c.fetch('jobs'));
    await rejection(c.fetch('jobs'));
    expect(getBreakerStates()).toEqual([{ endpoint: s.url, state: 1 }]);
    const fast = await c.fetch('jobs').catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(CircuitOpenError);
    expect(s.requests).toHaveLength(2);
    now += 5000;
    healthy = true;
    expect((await c.fetch('jobs')).count).toBe(2);
    expect(getBreakerStates()).toEqual([{ endpoint: s.url, state: 0 }]);
  });

  it('does not count auth rejections or 404s as failures', async () => {
    const s = await serve((q, res) => {
      if (q.url?.endsWith('/ping')) sendJson(res, 200, pingBody);
      else if (q.url?.endsWith('/jobs')) sendText(res, 401, 'Authentication failure');
      else sendText(res, 404, 'nope');
    });
    const c = client(s, {
      auth: { type: 'jwt', credentials: async () => ({ token: TOKEN }) },
      breaker: { enabled: true, failureThreshold: 1, resetTimeoutMs: 60_000, halfOpenRequests: 1 },
    });
    expect((await rejection(c.fetch('jobs'))).type).toBe('auth');
    expect((await rejection(c.fetch('reservations'))).code).toBe('ENDPOINT_UNAVAILABLE');
    expect(getBreakerStates()).toEqual([{ endpoint: s.url, state: 0 }]);
  });
});

describe('default adapters', () => {
  it('loads lib/slurm/adapters when no getAdapter is given and records meta', async () => {
    const s = await serve((_q, res) =>
      sendJson(res, 200, {
        pings: [{ hostname: 'ctld1', mode: 'primary', pinged: 'UP', responding: true, latency: 120 }],
        meta: {
          plugin: { type: 'openapi/slurmctld', data_parser: 'data_parser/v0.0.44' },
          slurm: { release: '25.11.0', cluster: 'lab' },
        },
        errors: [],
        warnings: [],
      }),
    );
    const c = createSlurmClient({ baseUrl: s.url, apiVersion: 'v0.0.44' });
    const r = await c.fetch('ping');
    expect(r.data?.map((p) => [p.hostname, p.mode, p.responding])).toEqual([['ctld1', 'primary', true]]);
    expect(await c.meta()).toEqual({
      apiVersion: 'v0.0.44',
      cluster: 'lab',
      release: '25.11.0',
      dataParser: 'data_parser/v0.0.44',
    });
    // meta() reuses the meta of the last response: no extra request
    expect(s.requests).toHaveLength(1);
  });
});

describe('cluster name on API ≤ v0.0.38', () => {
  it('takes the one cluster slurmdbd knows, reusing that answer for the clusters collector', async () => {
    await resetSlurmClientState();
    const sim = await startSimServer({
      cluster: generateCluster({ seed: 2, nodes: 4, jobs: 5, name: 'legacy' }),
      versions: ['v0.0.38'],
    });
    try {
      const client = createSlurmClient({ baseUrl: sim.url });
      const meta = await client.meta();
      expect(meta.apiVersion).toBe('v0.0.38');
      expect(meta.cluster).toBe('legacy');
      const clusters = await client.fetch('clusters');
      expect(clusters.data?.map((c) => c.name)).toEqual(['legacy']);
      expect(sim.stats.byPath['/slurmdb/v0.0.38/clusters']).toBe(1);
    } finally {
      await sim.close();
      await resetSlurmClientState();
    }
  });

  it('leaves the name unset when there is no slurmdbd', async () => {
    await resetSlurmClientState();
    const sim = await startSimServer({
      cluster: generateCluster({ seed: 2, nodes: 4, jobs: 5, name: 'nodbd' }),
      versions: ['v0.0.38'],
      slurmdb: false,
    });
    try {
      const meta = await createSlurmClient({ baseUrl: sim.url }).meta();
      expect(meta.cluster).toBeNull();
    } finally {
      await sim.close();
      await resetSlurmClientState();
    }
  });
});
