import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExporterError } from '../../lib/errors.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';
import { resetSlurmClientState } from '../../lib/slurm/client.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { registerTestSecret, TEST_SLURM_TOKEN } from '../helpers/secret-scan.js';
import { selfSignedCert } from '../helpers/tls.js';
import {
  assertNothingLeaked,
  baseEnv,
  collect,
  type Env,
  errorCounters,
  errorIncrease,
  pushedText,
  refusedUrl,
  sample,
} from './harness.js';

const cluster = generateCluster({ seed: 11, nodes: 24, jobs: 400, partitions: 3, name: 'rel' });
const V = 'v0.0.44';
const JOBS = `/slurm/${V}/jobs`;
const NODES = `/slurm/${V}/nodes`;

describe('slurmrestd faults', () => {
  let sim: SimServer;
  let gw: CaptureServer;
  const env = (extra: Env = {}) => baseEnv(sim.url, gw.url, extra);

  beforeAll(async () => {
    registerTestSecret(TEST_SLURM_TOKEN, 'TEST_SLURM_TOKEN');
    sim = await startSimServer({ cluster, versions: [V] });
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
    sim.setToken(undefined);
    for (const p of [JOBS, NODES]) sim.setFault(p, null);
    await resetSlurmClientState();
  });

  /** Everything failed: the run throws, and the push still carries success=0 for every collector. */
  async function allFail(e: Env, expectType: string, message: RegExp) {
    const before = errorCounters();
    const out = await collect({ env: e });
    expect(out.error).toBeInstanceOf(ExporterError);
    expect((out.error as ExporterError).code).toBe('ALL_COLLECTORS_FAILED');
    expect(out.error?.message).toMatch(message);
    const text = pushedText(gw.requests);
    expect(sample(text, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(0);
    expect(sample(text, 'slurm_exporter_collector_success', { collector: 'jobs' })).toBe(0);
    expect(errorIncrease(text, 'nodes', before)).toEqual({ [expectType]: 1 });
    // Nothing but self-metrics: no SLURM series made it.
    expect(text).not.toMatch(/^slurm_nodes\{/m);
    assertNothingLeaked(out, gw.requests);
    return out;
  }

  /** Only `collector` failed: the run succeeds, others' series are pushed, the failure is in the self-metrics. */
  async function oneFails(e: Env, collector: string, expectType: string, message: RegExp) {
    const before = errorCounters();
    const out = await collect({ env: e });
    expect(out.error).toBeUndefined();
    const c = out.summary?.collectors[collector];
    expect(c?.ok).toBe(false);
    expect(c?.error).toMatch(message);
    const text = pushedText(gw.requests);
    expect(sample(text, 'slurm_exporter_collector_success', { collector })).toBe(0);
    expect(errorIncrease(text, collector, before)).toEqual({ [expectType]: 1 });
    const other = collector === 'nodes' ? 'partitions' : 'nodes';
    expect(sample(text, 'slurm_exporter_collector_success', { collector: other })).toBe(1);
    expect(text).toMatch(other === 'nodes' ? /^slurm_nodes\{/m : /^slurm_partition/m);
    assertNothingLeaked(out, gw.requests);
    return out;
  }

  it('connection refused: every collector fails with a connection error naming the URL', async () => {
    const url = await refusedUrl();
    await allFail(env({ SLURM_EXPORTER_SLURM_BASE_URL: url }), 'connection', /cannot reach .*ECONNREFUSED/);
    expect(gw.requests[0]?.text).toBeDefined();
  });

  it('DNS failure (.invalid host): connection error naming the host', async () => {
    const out = await allFail(
      env({ SLURM_EXPORTER_SLURM_BASE_URL: 'http://slurmrestd.invalid:6820' }),
      'connection',
      /slurmrestd\.invalid.*(ENOTFOUND|EAI_AGAIN)/,
    );
    expect(out.error?.message).toContain('GET /slurm/');
  });

  it('slow headers beyond the timeout: timeout error, retried, others still pushed', async () => {
    sim.setFault(JOBS, { delayMs: 1_500 });
    const before = sim.stats.byPath[JOBS] ?? 0;
    const out = await oneFails(
      env({ SLURM_EXPORTER_SLURM_TIMEOUT: '300ms', SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '1' }),
      'jobs',
      'timeout',
      /GET \/slurm\/v0\.0\.44\/jobs failed: timed out after 300 ms/,
    );
    expect(out.summary?.collectors.jobs?.error).toBeDefined();
    // Timeouts are retried (documented in lib/slurm/client.ts): 1 + 1 retry.
    expect((sim.stats.byPath[JOBS] ?? 0) - before).toBe(2);
  });

  it('slow drip of the body beyond the timeout: timeout error for every collector', async () => {
    const drip = await startSimServer({ cluster, versions: [V], bytesPerSecond: 200 });
    try {
      await allFail(
        env({
          SLURM_EXPORTER_SLURM_BASE_URL: drip.url,
          SLURM_EXPORTER_SLURM_TIMEOUT: '400ms',
          SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '0',
        }),
        'timeout',
        /timed out after 400 ms/,
      );
    } finally {
      await drip.close();
    }
  });

  it.each([
    [500, 1],
    [502, 3],
    [503, 3],
    [504, 3],
  ])(
    'HTTP %i: http error naming the endpoint and status; %i request(s) (502/503/504 retried)',
    async (status, requests) => {
      sim.setFault(JOBS, { status, body: `upstream says ${status}` });
      const before = sim.stats.byPath[JOBS] ?? 0;
      await oneFails(env(), 'jobs', 'http', new RegExp(`GET /slurm/v0\\.0\\.44/jobs failed: HTTP ${status}`));
      expect((sim.stats.byPath[JOBS] ?? 0) - before).toBe(requests);
    },
  );

  it('HTTP 503 once, then success: the retry recovers and nothing is lost', async () => {
    sim.setFault(JOBS, { status: 503, body: 'busy', times: 1 });
    const out = await collect({ env: env() });
    expect(out.error).toBeUndefined();
    expect(out.summary?.collectors.jobs?.ok).toBe(true);
    const text = pushedText(gw.requests);
    expect(sample(text, 'slurm_exporter_collector_success', { collector: 'jobs' })).toBe(1);
    expect(text).toMatch(/^slurm_jobs\{/m);
  });

  it('HTTP 401 with auth none: auth error saying no credentials are configured', async () => {
    sim.setToken(TEST_SLURM_TOKEN);
    await allFail(env(), 'auth', /authentication required but no credentials are configured/);
  });

  it('HTTP 401 for a wrong token: auth error after one credential refresh, token never shown', async () => {
    sim.setToken('the-right-token-0123456789');
    registerTestSecret('the-right-token-0123456789', 'the token slurmrestd wants');
    const out = await allFail(
      env({ SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt', SLURM_EXPORTER_SLURM_AUTH_TOKEN: TEST_SLURM_TOKEN }),
      'auth',
      /jwt credentials were rejected by http:\/\/127\.0\.0\.1:\d+ \(also after a credential refresh\) \(HTTP 401/,
    );
    expect(out.error?.message).not.toContain(TEST_SLURM_TOKEN);
  });

  it('Slurm 22.05 HTTP 500 "Unspecified error" for a bad token is an auth error that also points at slurmctld', async () => {
    sim.setFault(JOBS, {
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ errors: [{ error: 'Unspecified error', error_number: -1 }] }),
    });
    await oneFails(
      env({ SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt', SLURM_EXPORTER_SLURM_AUTH_TOKEN: TEST_SLURM_TOKEN }),
      'jobs',
      'auth',
      // 22.05 says the same when slurmctld is down (recorded in the lab): the message names both causes.
      /GET \/slurm\/v0\.0\.44\/jobs failed: the jwt credentials were rejected .*HTTP 500.*Unspecified error.*slurmctld is down or unreachable, so check slurmctld too/,
    );
  });

  it('HTTP 404 for an unsupported pinned version: says which version and what to do', async () => {
    await allFail(
      env({ SLURM_EXPORTER_SLURM_API_VERSION: 'v0.0.40' }),
      'http',
      /API version v0\.0\.40 is not served by http:\/\/127\.0\.0\.1:\d+ .*set another version or leave it empty/,
    );
  });

  it('HTTP 200 with errors[]: http error quoting the Slurm error', async () => {
    sim.setFault(NODES, {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        nodes: [],
        errors: [{ error: 'Failure to query node', error_number: 9999, description: 'slurm_load_node' }],
        warnings: [],
      }),
    });
    await oneFails(
      env(),
      'nodes',
      'http',
      /GET \/slurm\/v0\.0\.44\/nodes returned errors: .*Failure to query node/,
    );
  });

  it('malformed JSON: parse error naming the endpoint', async () => {
    sim.setFault(JOBS, {
      status: 200,
      contentType: 'application/json',
      body: '{"jobs":[{"job_id":1,,"x":2}],"errors":[]}',
    });
    await oneFails(
      env(),
      'jobs',
      'parse',
      /GET \/slurm\/v0\.0\.44\/jobs: malformed JSON in element 0 of 'jobs'/,
    );
  });

  it('truncated body (connection cut mid-body): error naming the endpoint, no partial series', async () => {
    sim.setFault(JOBS, { truncateAfterBytes: 2_000 });
    const out = await oneFails(
      env({ SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '0' }),
      'jobs',
      'connection',
      /GET \/slurm\/v0\.0\.44\/jobs failed: the connection to http:\/\/127\.0\.0\.1:\d+ closed after \d+ bytes of the HTTP 200 response body \(truncated response\)/,
    );
    const text = pushedText(gw.requests);
    // A partial job list must not be pushed as if it were the whole.
    expect(text).not.toMatch(/^slurm_jobs\{/m);
    expect(out.summary?.collectors.jobs?.series).toBe(0);
  });

  it('body over SLURM_EXPORTER_SLURM_MAX_RESPONSE_BYTES: parse error naming the limit', async () => {
    const size = await bodySize(`${sim.url}${JOBS}`);
    const nodes = await bodySize(`${sim.url}${NODES}`);
    expect(size).toBeGreaterThan(nodes);
    const cap = nodes + 1;
    await oneFails(
      env({ SLURM_EXPORTER_SLURM_MAX_RESPONSE_BYTES: String(cap) }),
      'jobs',
      'parse',
      new RegExp(`GET /slurm/v0\\.0\\.44/jobs: response too large .*the limit is ${cap} bytes`),
    );
  });

  it('wrong shape: validation error naming the element and the field path', async () => {
    sim.setFault(NODES, {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        nodes: [{ name: 'n1', cpus: 'many', state: ['IDLE'] }],
        errors: [],
        warnings: [],
      }),
    });
    await oneFails(
      env(),
      'nodes',
      'validation',
      /GET \/slurm\/v0\.0\.44\/nodes: element 0 of 'nodes' has an unexpected shape: .*cpus/,
    );
  });

  describe('TLS', () => {
    let dir: string;
    let proxy: HttpsServer;
    let httpsUrl: string;
    let ca: string;

    beforeAll(async () => {
      const tls = selfSignedCert('rel-tls-');
      dir = tls.dir;
      ca = tls.cert;
      // A small https front for the (http) simulator: TLS terminates here, the request is relayed as is.
      proxy = createHttpsServer({ key: tls.key, cert: ca }, (req, res) => {
        const up = httpRequest(
          `${sim.url}${req.url ?? '/'}`,
          { method: req.method, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', () => res.destroy());
        req.pipe(up);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      httpsUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('self-signed certificate without the CA: TLS error naming the URL, not retried', async () => {
      const out = await allFail(
        env({ SLURM_EXPORTER_SLURM_BASE_URL: httpsUrl }),
        'connection',
        /TLS error talking to https:\/\/127\.0\.0\.1:\d+/,
      );
      expect(out.error?.message).toMatch(/self.signed|SELF_SIGNED/i);
    });

    it('self-signed certificate with the right CA: collection works', async () => {
      const out = await collect({
        env: env({ SLURM_EXPORTER_SLURM_BASE_URL: httpsUrl, SLURM_EXPORTER_SLURM_TLS_CA_CERT: ca }),
      });
      expect(out.error).toBeUndefined();
      expect(
        Object.values(out.summary?.collectors ?? {})
          .filter((c) => !c.skipped)
          .every((c) => c.ok),
      ).toBe(true);
      expect(
        sample(pushedText(gw.requests), 'slurm_exporter_collector_success', { collector: 'nodes' }),
      ).toBe(1);
    });

    it('insecure_skip_verify: works against the self-signed certificate and logs a warning', async () => {
      const out = await collect({
        env: env({
          SLURM_EXPORTER_SLURM_BASE_URL: httpsUrl,
          SLURM_EXPORTER_SLURM_TLS_INSECURE_SKIP_VERIFY: 'true',
        }),
      });
      expect(out.error).toBeUndefined();
      const warnings = out.logs.filter((l) => /insecure_skip_verify/.test(l));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/"level":"warn"|WARN/i);
    });
  });
});

/** Size of a simulator response body (for choosing a size cap between two endpoints). */
async function bodySize(url: string): Promise<number> {
  const res = await fetch(url);
  return (await res.arrayBuffer()).byteLength;
}
