/**
 * Fault matrix, push side: `runCollect` against a healthy simulator and a push receiver that fails in the
 * ways Pushgateway and remote-write receivers do. Asserts the thrown PushError (target, status, what
 * happened), the retries made, and that no credential leaked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PushError } from '../../lib/errors.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';
import { resetSlurmClientState } from '../../lib/slurm/client.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { registerTestSecret, TEST_PUSH_PASSWORD } from '../helpers/secret-scan.js';
import { assertNothingLeaked, baseEnv, collect, type Env, refusedUrl, sample } from './harness.js';

const cluster = generateCluster({ seed: 12, nodes: 16, jobs: 120, partitions: 2, name: 'relpush' });

interface Step {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the socket stays open until the server closes). */
  hang?: boolean;
}

/** A receiver answering from a script (then 200), recording arrival times: for Retry-After and hangs. */
async function startScripted(steps: Step[]) {
  const times: number[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      times.push(Date.now());
      headers.push(req.headers);
      const step = steps.shift() ?? { status: 200 };
      if (step.hang) return;
      res.writeHead(step.status, { 'content-type': 'text/plain', ...step.headers });
      res.end(step.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    times,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('push faults', () => {
  let sim: SimServer;
  let gw: CaptureServer;
  const env = (extra: Env = {}) =>
    baseEnv(sim.url, gw.url, {
      SLURM_EXPORTER_PUSH_RETRIES: '2',
      SLURM_EXPORTER_PUSH_AUTH_TYPE: 'basic',
      SLURM_EXPORTER_PUSH_AUTH_USERNAME: 'pusher',
      SLURM_EXPORTER_PUSH_AUTH_PASSWORD: TEST_PUSH_PASSWORD,
      // info: the "collection finished" line records the push outcome.
      SLURM_EXPORTER_LOGGING_LEVEL: 'info',
      ...extra,
    });
  const rw = (extra: Env = {}) =>
    env({
      SLURM_EXPORTER_PUSH_TYPE: 'remote_write',
      SLURM_EXPORTER_PUSH_URL: `${gw.url}/api/v1/write`,
      ...extra,
    });

  beforeAll(async () => {
    registerTestSecret(TEST_PUSH_PASSWORD, 'TEST_PUSH_PASSWORD');
    sim = await startSimServer({ cluster, versions: ['v0.0.44'] });
    gw = await startCaptureServer();
  });
  afterAll(async () => {
    await sim.close();
    await gw.close();
    await resetSlurmClientState();
  });
  afterEach(async () => {
    gw.requests.length = 0;
    gw.defaultStatus = 200;
    await resetSlurmClientState();
  });

  async function pushFails(e: Env, message: RegExp, extra: { remainingTimeMs?: () => number } = {}) {
    const out = await collect({ env: e, ...extra });
    expect(out.error).toBeInstanceOf(PushError);
    expect(out.error?.message).toMatch(message);
    // The collection itself was fine: the final log line says so and records the failed push.
    const finished = out.logs.find((l) => l.includes('collection finished'));
    expect(finished).toMatch(/"collectors_failed":\[\]/);
    expect(finished).toMatch(/"status":"failed"/);
    assertNothingLeaked(out, gw.requests);
    return out.error as PushError;
  }

  it('Pushgateway down (connection refused): PushError naming the URL, retried', async () => {
    const url = await refusedUrl();
    const err = await pushFails(
      env({ SLURM_EXPORTER_PUSH_URL: url }),
      /push to http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/slurm_exporter\/cluster\/relpush failed: ECONNREFUSED/,
    );
    expect(err.type).toBe('connection');
    expect(err.requests).toBe(3);
  });

  it('Pushgateway 5xx: retried, then PushError with the status and the body', async () => {
    gw.defaultStatus = 502;
    const err = await pushFails(
      env(),
      /push to .*\/metrics\/job\/slurm_exporter\/cluster\/relpush failed with status 502: receiver says 502/,
    );
    expect(err.status).toBe(502);
    expect(gw.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
  });

  it("Pushgateway 400 (inconsistent types): not retried, the gateway's reason is in the message", async () => {
    const reason =
      'pushed metrics are invalid or inconsistent with existing metrics: collected metric "slurm_nodes" has type GAUGE but should have COUNTER';
    const r = await startScripted([{ status: 400, body: reason }]);
    try {
      const err = await pushFails(
        env({ SLURM_EXPORTER_PUSH_URL: r.url }),
        /failed with status 400: pushed metrics are invalid or inconsistent/,
      );
      expect(err.status).toBe(400);
      expect(err.retryable).toBe(false);
      expect(r.times).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it('Pushgateway 413: not retried, says the body is too large', async () => {
    gw.defaultStatus = 413;
    const err = await pushFails(env(), /failed with status 413 \(request body too large\)/);
    expect(err.status).toBe(413);
    expect(gw.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('remote write 5xx then success: retried with Retry-Attempt, the run succeeds', async () => {
    gw.queue(503);
    const out = await collect({ env: rw() });
    expect(out.error).toBeUndefined();
    expect(out.summary?.push).toMatchObject({ target: 'remote_write', status: 200 });
    const posts = gw.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.headers['retry-attempt']).toBe('1');
    expect(posts[0]?.body.equals(posts[1]?.body ?? Buffer.alloc(0))).toBe(true);
    assertNothingLeaked(out, gw.requests);
  });

  it('remote write 429 with Retry-After: waits as told, then succeeds', async () => {
    const r = await startScripted([{ status: 429, headers: { 'retry-after': '1' }, body: 'slow down' }]);
    try {
      const out = await collect({ env: rw({ SLURM_EXPORTER_PUSH_URL: `${r.url}/api/v1/write` }) });
      expect(out.error).toBeUndefined();
      expect(r.times).toHaveLength(2);
      expect((r.times[1] ?? 0) - (r.times[0] ?? 0)).toBeGreaterThanOrEqual(950);
      assertNothingLeaked(out);
    } finally {
      await r.close();
    }
  });

  it("remote write 400: not retried, PushError with the receiver's reason", async () => {
    gw.defaultStatus = 400;
    const err = await pushFails(
      rw(),
      /remote write to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write failed with status 400: receiver says 400/,
    );
    expect(err.status).toBe(400);
    expect(gw.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it("a push that outlives the Lambda's remaining time is cut with a deadline error", async () => {
    const r = await startScripted([{ status: 200, hang: true }]);
    try {
      const t0 = Date.now();
      const err = await pushFails(
        env({ SLURM_EXPORTER_PUSH_URL: r.url, SLURM_EXPORTER_PUSH_TIMEOUT: '30s' }),
        /push to http:\/\/127\.0\.0\.1:\d+\/metrics\/.* did not finish before the Lambda deadline \(1 request made\)/,
        { remainingTimeMs: () => 1_500 },
      );
      expect(err.code).toBe('PUSH_DEADLINE');
      expect(err.type).toBe('timeout');
      // Cut by the deadline, far before the 30 s push timeout.
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await r.close();
    }
  });

  it('the pushed body of a successful run carries the self-metrics (reference for the cases above)', async () => {
    const out = await collect({ env: env() });
    expect(out.error).toBeUndefined();
    const put = gw.requests.find((x) => x.method === 'PUT');
    expect(sample(put?.text ?? '', 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(1);
    expect(put?.headers.authorization).toMatch(/^Basic /);
    assertNothingLeaked(out, gw.requests);
  });
});
