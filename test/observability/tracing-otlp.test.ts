/**
 * Tracing end to end: the real SDK and OTLP exporters (gRPC and HTTP/protobuf) sending to a local receiver
 * on 127.0.0.1, decoded with protobufjs.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlurmHttpError } from '../../lib/errors.js';
import { loadLazy } from '../../lib/lazy.js';
import { createLogger } from '../../lib/observability/logger.js';
import {
  initTracing,
  shutdownTracing,
  startInvocationSpan,
  type TracingConfig,
  traceHeaders,
  withSpan,
} from '../../lib/observability/tracing.js';
import { VERSION } from '../../lib/version.js';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
} from '../helpers/otlp-receiver.js';
import { assertNoSecrets, TEST_SLURM_TOKEN } from '../helpers/secret-scan.js';

const ENV = { AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: 'slurm-push-collect' };
const lambdaCtx = (id: string) => ({
  awsRequestId: id,
  functionName: 'slurm-push-collect',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:slurm-push-collect',
});

function cfg(receiver: OtlpReceiver, over: Partial<TracingConfig> = {}): TracingConfig {
  return {
    enabled: true,
    sample_rate: 1,
    endpoint: receiver.endpoint,
    insecure: true,
    protocol: receiver.protocol,
    ...over,
  };
}

/** One invocation shaped like the app's: root → collectors → requests, render, push. */
async function fakeInvocation(
  id: string,
  opts: { failJobs?: boolean } = {},
): Promise<{ traceparent?: string }> {
  const inv = startInvocationSpan(lambdaCtx(id), id.endsWith('-0'), ENV);
  const seen: { traceparent?: string } = {};
  await inv.run(async () => {
    await withSpan('collector nodes', { collector: 'nodes' }, async () => {
      await withSpan(
        'GET nodes',
        { 'http.request.method': 'GET', 'slurm.endpoint': 'nodes' },
        async (span) => {
          seen.traceparent = traceHeaders().traceparent;
          span.setAttribute('http.response.status_code', 200);
          await new Promise((r) => setTimeout(r, 1));
        },
      );
    });
    await withSpan('collector jobs', { collector: 'jobs' }, async () => {
      await withSpan('GET jobs', { 'http.request.method': 'GET', 'slurm.endpoint': 'jobs' }, async () => {
        if (opts.failJobs) {
          throw new SlurmHttpError('slurmrestd answered 500 for jobs', { endpoint: 'jobs', status: 500 });
        }
      });
    }).catch(() => undefined);
    await withSpan('render', { series: 42 }, () => 'text');
    await withSpan(
      'push',
      { 'push.target': 'pushgateway', 'push.series': 42, 'push.bytes': 1234 },
      () => undefined,
    );
  });
  inv.end();
  return seen;
}

const byName = (spans: ReceivedSpan[], name: string): ReceivedSpan => {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span named ${name}; got ${spans.map((x) => x.name).join(', ')}`);
  return s;
};

afterEach(async () => {
  await shutdownTracing();
});

describe.each([
  ['grpc', startOtlpGrpcReceiver],
  ['http', startOtlpHttpReceiver],
] as const)('OTLP %s export', (protocol, start) => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await start();
    expect(receiver.protocol).toBe(protocol);
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(() => receiver.clear());

  it('exports the span tree before forceFlush resolves, with attributes, resource and error status', async () => {
    const handle = await initTracing(cfg(receiver), ENV);
    expect(handle.enabled).toBe(true);
    const seen = await fakeInvocation('req-0', { failJobs: true });
    expect(receiver.spans).toHaveLength(0);
    await handle.forceFlush();
    // No waiting: forceFlush must have delivered everything already.
    const spans = [...receiver.spans];
    expect(spans.map((s) => s.name).sort()).toEqual(
      ['GET jobs', 'GET nodes', 'collect', 'collector jobs', 'collector nodes', 'push', 'render'].sort(),
    );

    const root = byName(spans, 'collect');
    expect(root.parentSpanId).toBe('');
    expect(root.kind).toBe(2); // SERVER
    expect(root.attributes).toMatchObject({
      'faas.trigger': 'timer',
      'faas.invocation_id': 'req-0',
      'faas.coldstart': true,
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'eu-west-1',
    });
    for (const s of spans) expect(s.traceId).toBe(root.traceId);
    for (const name of ['collector nodes', 'collector jobs', 'render', 'push']) {
      expect(byName(spans, name).parentSpanId).toBe(root.spanId);
    }
    expect(byName(spans, 'GET nodes').parentSpanId).toBe(byName(spans, 'collector nodes').spanId);
    expect(byName(spans, 'GET jobs').parentSpanId).toBe(byName(spans, 'collector jobs').spanId);
    expect(byName(spans, 'GET nodes').attributes['http.response.status_code']).toBe(200);
    expect(byName(spans, 'push').attributes).toMatchObject({ 'push.series': 42, 'push.bytes': 1234 });

    // The W3C propagator is registered: the active request span is what goes on the wire.
    const getNodes = byName(spans, 'GET nodes');
    expect(seen.traceparent).toBe(`00-${getNodes.traceId}-${getNodes.spanId}-01`);

    const failed = byName(spans, 'GET jobs');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.status.message).toContain('500');
    expect(failed.attributes['error.type']).toBe('http');
    expect(failed.events.map((e) => e.name)).toContain('exception');
    expect(byName(spans, 'collector jobs').status.code).toBe(SpanStatusCode.ERROR);
    expect(byName(spans, 'collector nodes').status.code).toBe(SpanStatusCode.UNSET);

    expect(root.resource).toMatchObject({
      'service.name': 'slurm-push-exporter',
      'service.version': VERSION,
      'cloud.provider': 'aws',
      'cloud.region': 'eu-west-1',
      'faas.name': 'slurm-push-collect',
    });
    expect(root.scope).toBe('slurm-push-exporter');
  });

  it('sample_rate 0 exports nothing, and no traceparent is sent', async () => {
    const handle = await initTracing(cfg(receiver, { sample_rate: 0 }), ENV);
    const seen = await fakeInvocation('req-1');
    await handle.forceFlush();
    expect(receiver.requests).toBe(0);
    expect(receiver.spans).toHaveLength(0);
    // Unsampled context still propagates (flags 00) so downstream does not sample either.
    expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });
});

describe('sampling and lifecycle (gRPC)', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpGrpcReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(() => receiver.clear());

  it('sample_rate 1 traces every invocation, 0.5 about half of 200 (ParentBased: whole trees or nothing)', async () => {
    let handle = await initTracing(cfg(receiver, { sample_rate: 1 }), ENV);
    for (let i = 0; i < 20; i++) await fakeInvocation(`all-${i}`);
    await handle.forceFlush();
    expect(receiver.spans.filter((s) => s.name === 'collect')).toHaveLength(20);
    receiver.clear();

    handle = await initTracing(cfg(receiver, { sample_rate: 0.5 }), ENV);
    for (let i = 0; i < 200; i++) await fakeInvocation(`half-${i}`);
    await handle.forceFlush();
    const roots = receiver.spans.filter((s) => s.name === 'collect');
    // Binomial(200, 0.5): sd ≈ 7.1; 70..130 is ±4.2 sd.
    expect(roots.length).toBeGreaterThanOrEqual(70);
    expect(roots.length).toBeLessThanOrEqual(130);
    // Children follow their root's decision: exactly 7 spans per sampled trace, none for unsampled ones.
    const rootTraces = new Set(roots.map((r) => r.traceId));
    expect(receiver.spans).toHaveLength(roots.length * 7);
    for (const s of receiver.spans) expect(rootTraces.has(s.traceId)).toBe(true);
  });

  it('is idempotent for the same config and rebuilds the provider when the config changes', async () => {
    let loads = 0;
    const load = (name: 'tracing-sdk') => {
      loads++;
      return loadLazy(name);
    };
    const first = await initTracing(cfg(receiver), ENV, { load });
    const again = await initTracing(cfg(receiver), ENV, { load });
    expect(again).toBe(first);
    expect(loads).toBe(1);

    const other = await startOtlpHttpReceiver();
    try {
      const second = await initTracing(cfg(other), ENV, { load });
      expect(second).not.toBe(first);
      expect(loads).toBe(2);
      await fakeInvocation('moved-1');
      await second.forceFlush();
      expect(other.spans.filter((s) => s.name === 'collect')).toHaveLength(1);
      expect(receiver.spans).toHaveLength(0);

      const off = await initTracing({ ...cfg(other), enabled: false }, ENV, { load });
      expect(off.enabled).toBe(false);
      expect(loads).toBe(2);
      other.clear();
      await fakeInvocation('off-1');
      await off.forceFlush();
      await second.forceFlush();
      expect(other.requests).toBe(0);
      expect(trace.getActiveSpan()).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('keeps parents right for collectors running concurrently (async context across awaits)', async () => {
    const handle = await initTracing(cfg(receiver), ENV);
    const inv = startInvocationSpan(lambdaCtx('par-1'), false, ENV);
    const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await inv.run(() =>
      Promise.all(
        ['a', 'b', 'c'].map((c, i) =>
          withSpan(`collector ${c}`, { collector: c }, async () => {
            await tick(3 - i);
            await withSpan(`GET ${c}1`, {}, () => tick(i + 1));
            await tick(1);
            await withSpan(`GET ${c}2`, {}, () => tick(1));
          }),
        ),
      ),
    );
    inv.end();
    await handle.forceFlush();
    const spans = receiver.spans;
    const root = byName(spans, 'collect');
    for (const c of ['a', 'b', 'c']) {
      const collector = byName(spans, `collector ${c}`);
      expect(collector.parentSpanId).toBe(root.spanId);
      expect(byName(spans, `GET ${c}1`).parentSpanId).toBe(collector.spanId);
      expect(byName(spans, `GET ${c}2`).parentSpanId).toBe(collector.spanId);
    }
  });

  it('OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are honoured; OTEL_SDK_DISABLED turns tracing off', async () => {
    const env = {
      ...ENV,
      OTEL_SERVICE_NAME: 'slurm-exporter-prod',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,team=hpc%20ops',
    };
    const handle = await initTracing(cfg(receiver), env);
    await fakeInvocation('env-1');
    await handle.forceFlush();
    expect(byName(receiver.spans, 'collect').resource).toMatchObject({
      'service.name': 'slurm-exporter-prod',
      'deployment.environment': 'test',
      team: 'hpc ops',
    });

    let loads = 0;
    const off = await initTracing(
      cfg(receiver),
      { ...env, OTEL_SDK_DISABLED: 'true' },
      {
        load: (n) => {
          loads++;
          return loadLazy(n);
        },
      },
    );
    expect(off.enabled).toBe(false);
    expect(loads).toBe(0);
  });

  it('a failing or absent collector never makes forceFlush throw, and the failure is logged as a warning', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', sink: (l) => lines.push(l) });
    receiver.setFailing(true);
    try {
      const handle = await initTracing(cfg(receiver), ENV, {
        logger,
        exportTimeoutMs: 300,
        flushTimeoutMs: 1000,
      });
      await fakeInvocation('fail-1');
      const t0 = Date.now();
      await expect(handle.forceFlush()).resolves.toBeUndefined();
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(receiver.requests).toBeGreaterThan(0);
      expect(receiver.spans).toHaveLength(0);
    } finally {
      receiver.setFailing(false);
    }
    const dead = {
      enabled: true,
      sample_rate: 1,
      endpoint: '127.0.0.1:1',
      insecure: true,
      protocol: 'http' as const,
    };
    const handle = await initTracing(dead, ENV, { logger, exportTimeoutMs: 300, flushTimeoutMs: 1000 });
    await fakeInvocation('dead-1');
    await expect(handle.forceFlush()).resolves.toBeUndefined();
    const warns = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.level === 'warn' && l.component === 'tracing');
    expect(warns.length).toBeGreaterThanOrEqual(2);
    expect(warns.at(-1)?.error).toMatchObject({ type: 'connection', code: 'ECONNREFUSED' });
  });

  it('span attributes and exported payloads carry no credentials', async () => {
    const handle = await initTracing(cfg(receiver), ENV);
    await fakeInvocation('sec-1');
    await handle.forceFlush();
    expect(receiver.spans.length).toBeGreaterThan(0);
    // The exporter never sees credentials: nothing in our spans is a header or token.
    assertNoSecrets(receiver.spans, undefined, 'exported spans');
    assertNoSecrets(receiver.headers, undefined, 'OTLP request metadata');
    expect(JSON.stringify(receiver.spans)).not.toContain(TEST_SLURM_TOKEN);
  });
});
