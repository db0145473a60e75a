/**
 * Security properties proven end to end through `runCollect` / `handleHealth`:
 * no secret in spans, logs, pushed bodies, errors or health answers; hostile label values keep the exposition
 * valid (promtool) with no extra series; plain-http and insecure-TLS warnings.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HttpEventLike, handleHealth } from '../../lib/app/health.js';
import { createLogger } from '../../lib/observability/logger.js';
import { shutdownTracing } from '../../lib/observability/tracing.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';
import type { SimCluster } from '../../lib/sim/types.js';
import { createSlurmClient, resetSlurmClientState } from '../../lib/slurm/client.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { type OtlpReceiver, startOtlpHttpReceiver } from '../helpers/otlp-receiver.js';
import {
  assertNoSecrets,
  registerTestSecret,
  TEST_BEARER_TOKEN,
  TEST_PUSH_PASSWORD,
  TEST_SLURM_TOKEN,
} from '../helpers/secret-scan.js';
import { awsTestEnv, type SecretsManagerStandIn, startSecretsManager } from '../helpers/secrets-manager.js';
import { parseExposition } from '../push/exposition-parser.js';
import { assertNothingLeaked, baseEnv, collect, type Env, pushedText } from './harness.js';

const SECRET_FROM_SM = 'tst-sm-slurm-jwt-Lk3Pq7Zr1Wy5';

describe('no secret in spans, logs, pushed bodies or errors (debug logging + tracing)', () => {
  let sim: SimServer;
  let gw: CaptureServer;
  let otlp: OtlpReceiver;
  let sm: SecretsManagerStandIn;
  const cluster = generateCluster({ seed: 21, nodes: 16, jobs: 150, partitions: 2, name: 'sec' });

  beforeAll(async () => {
    registerTestSecret(SECRET_FROM_SM, 'slurm token held in Secrets Manager');
    registerTestSecret(TEST_PUSH_PASSWORD, 'TEST_PUSH_PASSWORD');
    registerTestSecret('test-secret-access-key', 'AWS secret access key of awsTestEnv');
    sim = await startSimServer({ cluster, versions: ['v0.0.44'], token: SECRET_FROM_SM });
    gw = await startCaptureServer();
    otlp = await startOtlpHttpReceiver();
    sm = await startSecretsManager({
      secrets: { 'slurm/sec': { token: SECRET_FROM_SM, push_password: TEST_PUSH_PASSWORD } },
    });
  });
  afterAll(async () => {
    await shutdownTracing();
    await Promise.all([sim.close(), gw.close(), otlp.close(), sm.close()]);
    await resetSlurmClientState();
  });

  const env = (extra: Env = {}): Env =>
    baseEnv(sim.url, gw.url, {
      ...awsTestEnv(sm.endpoint),
      SLURM_EXPORTER_SECRET_ID: 'slurm/sec',
      SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
      SLURM_EXPORTER_PUSH_AUTH_TYPE: 'basic',
      SLURM_EXPORTER_PUSH_AUTH_USERNAME: 'pusher',
      SLURM_EXPORTER_PUSH_AUTH_PASSWORD: TEST_PUSH_PASSWORD,
      SLURM_EXPORTER_LOGGING_LEVEL: 'debug',
      SLURM_EXPORTER_OBSERVABILITY_TRACING_ENABLED: 'true',
      SLURM_EXPORTER_OBSERVABILITY_TRACING_SAMPLE_RATE: '1',
      SLURM_EXPORTER_OBSERVABILITY_TRACING_PROTOCOL: 'http',
      SLURM_EXPORTER_OBSERVABILITY_TRACING_ENDPOINT: `http://${otlp.endpoint}`,
      ...extra,
    });

  it('a successful traced run at debug level leaks nothing', async () => {
    const out = await collect({ env: env() });
    expect(out.error).toBeUndefined();
    const spans = await otlp.waitForSpans(10, 10_000);
    expect(spans.some((s) => s.name.startsWith('GET /slurm/v0.0.44/'))).toBe(true);
    expect(out.logs.filter((l) => l.includes('"level":"debug"')).length).toBeGreaterThan(5);
    assertNoSecrets(spans, undefined, 'the exported spans (attributes, events, status)');
    assertNothingLeaked(out, gw.requests);
    // The push really was authenticated with the password that must not show up anywhere else.
    expect(gw.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`pusher:${TEST_PUSH_PASSWORD}`).toString('base64')}`,
    );
  });

  it('a traced run whose token is rejected and whose push fails leaks nothing either', async () => {
    otlp.clear();
    gw.requests.length = 0;
    gw.defaultStatus = 401;
    sim.setToken('tst-other-token-Qa9Zx1Cv3');
    registerTestSecret('tst-other-token-Qa9Zx1Cv3', 'token slurmrestd expects');
    try {
      const out = await collect({ env: env() });
      expect(out.error?.message).toMatch(/failed with status 401 \(check the push credentials\)/);
      const spans = await otlp.waitForSpans(5, 10_000);
      expect(spans.some((s) => s.status.code === 2)).toBe(true);
      assertNoSecrets(spans, undefined, 'the exported spans of the failed run');
      assertNothingLeaked(out, gw.requests);
    } finally {
      gw.defaultStatus = 200;
      sim.setToken(SECRET_FROM_SM);
    }
  });
});

/** Hostile strings: each must survive as one label value, exactly, in one series. */
const HOSTILE = {
  quote: 'he said "hi"',
  backslash: 'C:\\path\\',
  newline: 'line1\nline2\n# HELP injected_metric x\ninjected_metric 1',
  brace: 'x} injected_metric{a="b"} 1 #',
  hash: '# TYPE slurm_nodes counter',
  slash: 'a/b/../c',
  unicode: '日本語 🚀 \u0001',
  long: 'L'.repeat(10_000),
};

/** Renames partition, user, job names, reason and reservation names of a generated cluster (in place). */
function craft(c: SimCluster, names: typeof HOSTILE & { empty: string }): SimCluster {
  const part = c.partitions[0]?.name ?? '';
  const rename = (p: string) => (p === part ? names.slash + names.brace : p);
  for (const p of c.partitions) p.name = rename(p.name);
  for (const n of c.nodes) n.partitions = n.partitions.map(rename);
  for (const r of c.reservations) r.partition = rename(r.partition);
  const user = c.jobs[0]?.user ?? '';
  const newUser = names.quote + names.hash;
  c.jobs.forEach((j, i) => {
    j.partitions = j.partitions.map(rename);
    if (j.user === user) j.user = newUser;
    const pick = [names.newline, names.long, names.empty, names.unicode, names.backslash][i % 5] as string;
    j.name = pick;
    if (j.state === 'PENDING') j.reason = names.brace;
  });
  for (const u of c.users) if (u.name === user) u.name = newUser;
  for (const a of c.associations) if (a.user === user) a.user = newUser;
  c.reservations.forEach((r, i) => {
    r.name = i === 0 ? names.newline : i === 1 ? names.empty : names.unicode + String(i);
  });
  return c;
}

function hasPromtool(): boolean {
  return spawnSync('which', ['promtool'], { encoding: 'utf8' }).status === 0;
}

function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('label-value injection', () => {
  let gw: CaptureServer;
  beforeAll(async () => {
    gw = await startCaptureServer();
  });
  afterAll(async () => {
    await gw.close();
    await resetSlurmClientState();
  });

  async function pushFor(c: SimCluster): Promise<string> {
    const sim = await startSimServer({ cluster: c, versions: ['v0.0.44'] });
    try {
      gw.requests.length = 0;
      const out = await collect({
        env: baseEnv(sim.url, gw.url, {
          SLURM_EXPORTER_COLLECTORS_JOBS_PER_JOB: 'true',
          SLURM_EXPORTER_LOGGING_LEVEL: 'error',
        }),
      });
      expect(out.error).toBeUndefined();
      return pushedText(gw.requests);
    } finally {
      await sim.close();
      await resetSlurmClientState();
    }
  }

  it('hostile job/user/partition/reason/reservation names keep the exposition valid, with no extra series', async () => {
    const gen = () =>
      generateCluster({ seed: 31, nodes: 20, jobs: 200, partitions: 3, name: 'inj', adversarial: true });
    // The same cluster with harmless names is the oracle for the series count (renaming is one-to-one).
    const safe = Object.fromEntries(Object.keys(HOSTILE).map((k, i) => [k, `safe_${i}`])) as typeof HOSTILE;
    const hostileText = await pushFor(craft(gen(), { ...HOSTILE, empty: '' }));
    const safeText = await pushFor(craft(gen(), { ...safe, empty: 'safe_empty' }));

    const hostile = parseExposition(hostileText);
    const plain = parseExposition(safeText);
    const names = (p: typeof hostile) => new Set(p.samples.map((s) => s.name));
    expect([...names(hostile)].sort()).toEqual([...names(plain)].sort());
    // Self-metrics differ run to run only in value, not in count.
    expect(hostile.samples.length).toBe(plain.samples.length);
    expect(names(hostile).has('injected_metric')).toBe(false);

    const values = new Set(hostile.samples.flatMap((s) => Object.values(s.labels)));
    for (const [k, v] of Object.entries(HOSTILE)) {
      if (k === 'long' || k === 'hash' || k === 'quote') continue; // checked below in their combined forms
      expect(
        [...values].some((x) => x.includes(v)),
        `label value with ${k}`,
      ).toBe(true);
    }
    expect(values.has(HOSTILE.quote + HOSTILE.hash)).toBe(true);
    expect(values.has(HOSTILE.slash + HOSTILE.brace)).toBe(true);
    expect([...values].some((x) => x.length >= 10_000)).toBe(true);

    // promtool comes with the lab's prometheus package: required in CI, optional on a laptop (the parser
    // above already checked the text).
    if (!hasPromtool()) {
      expect(
        process.env.CI,
        'promtool is missing: scripts/lab/up.sh installs it (package prometheus)',
      ).not.toBe('true');
      return;
    }
    const check = promtool(hostileText);
    expect(check.output).not.toMatch(/error while linting|text format parsing error/);
    expect(check.status, check.output).toBe(0);
  });
});

describe('transport warnings', () => {
  afterEach(async () => {
    await resetSlurmClientState();
  });

  function capture() {
    const lines: string[] = [];
    return {
      lines,
      logger: createLogger({ level: 'debug', format: 'json', sink: (l: string) => lines.push(l) }),
    };
  }

  it('http:// to a non-loopback slurmrestd with a token warns once per base URL, and never for loopback', async () => {
    registerTestSecret(TEST_BEARER_TOKEN, 'TEST_BEARER_TOKEN');
    const { lines, logger } = capture();
    const auth = { type: 'jwt' as const, credentials: async () => ({ token: TEST_BEARER_TOKEN }) };
    for (let i = 0; i < 3; i++) createSlurmClient({ baseUrl: 'http://slurmctl.invalid:9', auth, logger });
    createSlurmClient({ baseUrl: 'http://127.0.0.1:9', auth, logger });
    createSlurmClient({ baseUrl: 'http://slurmctl.invalid:9', auth: { type: 'none' }, logger });
    const warnings = lines.filter((l) => l.includes('plain http'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('http://slurmctl.invalid:9');
    expect(warnings[0]).toContain('"level":"warn"');
    assertNoSecrets(lines.join('\n'));
    // A request through that client fails fast (DNS of .invalid fails locally) and does not repeat the warning.
    const client = createSlurmClient({
      baseUrl: 'http://slurmctl.invalid:9',
      apiVersion: 'v0.0.44',
      auth,
      logger,
      retryAttempts: 0,
      timeoutMs: 2_000,
    });
    await expect(client.fetch('ping')).rejects.toThrow(/cannot reach http:\/\/slurmctl\.invalid:9/);
    expect(lines.filter((l) => l.includes('plain http'))).toHaveLength(1);
  });

  it('insecure_skip_verify on https logs a warning naming the endpoint (once)', async () => {
    const { lines, logger } = capture();
    const client = createSlurmClient({
      baseUrl: 'https://slurmctl.invalid:9',
      apiVersion: 'v0.0.44',
      tls: { insecureSkipVerify: true },
      logger,
      retryAttempts: 0,
      timeoutMs: 2_000,
    });
    await expect(client.fetch('ping')).rejects.toThrow(/slurmctl\.invalid/);
    await expect(client.fetch('nodes')).rejects.toThrow(/slurmctl\.invalid/);
    const warnings = lines.filter((l) => l.includes('insecure_skip_verify'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('https://slurmctl.invalid:9');
  });
});

describe('health answers never carry config values, secret ids, hostnames or stack traces', () => {
  let sim: SimServer;
  let sm: SecretsManagerStandIn;
  const HEALTH_SECRET_ID = 'prod/hpc/slurm-exporter-secret';
  beforeAll(async () => {
    registerTestSecret(TEST_SLURM_TOKEN, 'TEST_SLURM_TOKEN');
    sim = await startSimServer({
      cluster: generateCluster({ seed: 5, nodes: 4, jobs: 10, name: 'hz' }),
      versions: ['v0.0.44'],
    });
    sm = await startSecretsManager();
  });
  afterAll(async () => {
    await sim.close();
    await sm.close();
    await resetSlurmClientState();
  });

  const ev = (p: string): HttpEventLike => ({
    rawPath: p,
    headers: {},
    requestContext: { http: { method: 'GET', path: p } },
  });
  const cases: [string, () => Env][] = [
    [
      'garbage values',
      () => ({
        SLURM_EXPORTER_SLURM_BASE_URL: 'ftp://secret-host.example.org/x',
        SLURM_EXPORTER_SLURM_TIMEOUT: 'forever-and-a-day',
        SLURM_EXPORTER_PUSH_URL: 'not a url at all',
      }),
    ],
    [
      'credentials embedded in a URL',
      () => ({
        SLURM_EXPORTER_SLURM_BASE_URL: `https://admin:${TEST_SLURM_TOKEN}@secret-host.example.org:6820`,
        SLURM_EXPORTER_PUSH_TYPE: 'stdout',
      }),
    ],
    [
      'a token with a bad auth type',
      () => ({
        SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'kerberos',
        SLURM_EXPORTER_SLURM_AUTH_TOKEN: TEST_SLURM_TOKEN,
        SLURM_EXPORTER_PUSH_TYPE: 'stdout',
      }),
    ],
    [
      'an unreadable secret',
      () => ({
        ...awsTestEnv(sm.endpoint),
        SLURM_EXPORTER_SECRET_ID: HEALTH_SECRET_ID,
        SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
        SLURM_EXPORTER_PUSH_TYPE: 'stdout',
      }),
    ],
    [
      'unreachable slurmrestd on a named host',
      () => ({
        SLURM_EXPORTER_SLURM_BASE_URL: 'http://secret-host.invalid:6820',
        SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt',
        SLURM_EXPORTER_SLURM_AUTH_TOKEN: TEST_SLURM_TOKEN,
        SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
        SLURM_EXPORTER_PUSH_URL: 'http://secret-gateway.invalid:9091',
      }),
    ],
    [
      'a document that is not YAML',
      () => ({
        SLURM_EXPORTER_CONFIG: `slurm: [${TEST_SLURM_TOKEN}: {`,
        SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
      }),
    ],
  ];

  it.each(cases)(
    '%s: the body is check names, states and fixed-vocabulary details only',
    async (name, mk) => {
      const e = { ...mk(), SLURM_EXPORTER_LOGGING_LEVEL: 'error' };
      for (const p of ['/health', '/ready']) {
        const r = await handleHealth(ev(p), e);
        const body = JSON.parse(r.body) as {
          status: string;
          checks: { name: string; status: string; detail: string }[];
        };
        expect(['ok', 'degraded', 'fail']).toContain(body.status);
        // Liveness checks only the config: with a valid one it may be ok; readiness never is here.
        if (p === '/ready' || !name.startsWith('unreachable')) expect(body.status).not.toBe('ok');
        assertNoSecrets(r.body, undefined, `health body (${p})`);
        for (const forbidden of [
          'secret-host',
          'secret-gateway',
          HEALTH_SECRET_ID,
          '127.0.0.1',
          'ftp:',
          'forever',
          'kerberos',
          '    at ',
          'Error:',
          'not a url',
        ]) {
          expect(r.body, `${p} body must not contain ${JSON.stringify(forbidden)}`).not.toContain(forbidden);
        }
        for (const c of body.checks) expect(c.detail.length).toBeLessThan(400);
      }
    },
  );
});
