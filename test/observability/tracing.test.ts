/**
 * The tracing facade without a collector: config resolution, resource attributes, the disabled path (no SDK
 * loaded, helpers still run the wrapped code) and the cold-start cost (module graph of a fresh process).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, SlurmHttpError } from '../../lib/errors.js';
import {
  buildResourceAttributes,
  initTracing,
  parseResourceAttributes,
  resolveTracingTarget,
  shutdownTracing,
  startInvocationSpan,
  type TracingConfig,
  traceHeaders,
  withSpan,
} from '../../lib/observability/tracing.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const base: TracingConfig = { enabled: true, sample_rate: 0.01, endpoint: 'localhost:4317', insecure: true };

afterEach(async () => {
  await shutdownTracing();
});

describe('resolveTracingTarget', () => {
  it('gRPC: host:port gets http:// when insecure and https:// otherwise; a URL scheme wins; paths are dropped', () => {
    expect(resolveTracingTarget(base)).toEqual({ protocol: 'grpc', url: 'http://localhost:4317' });
    expect(resolveTracingTarget({ ...base, insecure: false })).toEqual({
      protocol: 'grpc',
      url: 'https://localhost:4317',
    });
    expect(resolveTracingTarget({ ...base, endpoint: 'https://otel.example:4317', insecure: true }).url).toBe(
      'https://otel.example:4317',
    );
    expect(resolveTracingTarget({ ...base, endpoint: 'http://otel.example:4317/ignored' }).url).toBe(
      'http://otel.example:4317',
    );
  });

  it('HTTP: appends /v1/traces only when the endpoint has no path', () => {
    const http = { ...base, protocol: 'http' as const };
    expect(resolveTracingTarget({ ...http, endpoint: 'localhost:4318' }).url).toBe(
      'http://localhost:4318/v1/traces',
    );
    expect(resolveTracingTarget({ ...http, endpoint: 'collector:4318', insecure: false }).url).toBe(
      'https://collector:4318/v1/traces',
    );
    expect(resolveTracingTarget({ ...http, endpoint: 'http://c:4318/' }).url).toBe('http://c:4318/v1/traces');
    expect(resolveTracingTarget({ ...http, endpoint: 'https://c/otlp/v1/traces' }).url).toBe(
      'https://c/otlp/v1/traces',
    );
  });

  it('rejects empty endpoints, other schemes and credentials in the URL, naming the config key', () => {
    const bad = (endpoint: string) => () => resolveTracingTarget({ ...base, endpoint });
    expect(bad('  ')).toThrow(ConfigError);
    expect(bad('  ')).toThrow(
      /SLURM_EXPORTER_OBSERVABILITY_TRACING_ENDPOINT.*observability\.tracing\.endpoint.*empty/,
    );
    expect(bad('ftp://x:21')).toThrow(/http:\/\/ or https:\/\//);
    let message = '';
    try {
      resolveTracingTarget({ ...base, endpoint: 'https://user:hunter2secret@c:4317' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/must not contain credentials/);
    expect(message).not.toContain('hunter2secret');
  });
});

describe('resource attributes', () => {
  it('starts from ours, then OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME', () => {
    const attrs = buildResourceAttributes(
      {
        AWS_REGION: 'us-east-2',
        AWS_LAMBDA_FUNCTION_NAME: 'collect',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,deployment.environment=prod',
      },
      '9.9.9',
    );
    expect(attrs).toMatchObject({
      'service.name': 'from-attrs',
      'service.version': '9.9.9',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'us-east-2',
      'faas.name': 'collect',
      'faas.version': '$LATEST',
      'faas.max_memory': 256 * 1024 * 1024,
      'deployment.environment': 'prod',
    });
    expect(
      buildResourceAttributes({ OTEL_SERVICE_NAME: 'svc', OTEL_RESOURCE_ATTRIBUTES: 'service.name=x' })[
        'service.name'
      ],
    ).toBe('svc');
    expect(buildResourceAttributes({})['service.name']).toBe('slurm-push-exporter');
  });

  it('parses key=value pairs with percent-encoding and skips malformed ones', () => {
    expect(parseResourceAttributes('a=1, b = two%20words ,=x,novalue,c=%E0%A4%A,d=ok')).toEqual({
      a: '1',
      b: 'two words',
      d: 'ok',
    });
    expect(parseResourceAttributes(undefined)).toEqual({});
  });
});

describe('disabled tracing', () => {
  it('never loads the SDK, returns a no-op handle, and helpers still run and rethrow', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      throw new Error('must not be called');
    };
    const handle = await initTracing({ ...base, enabled: false }, {}, { load });
    expect(handle.enabled).toBe(false);
    await handle.forceFlush();
    expect(loads).toBe(0);

    const inv = startInvocationSpan({ awsRequestId: 'r1', functionName: 'f' }, true);
    expect(inv.span.isRecording()).toBe(false);
    const value = await inv.run(() =>
      withSpan('collector nodes', { collector: 'nodes' }, async () => 41 + 1),
    );
    expect(value).toBe(42);
    const err = new SlurmHttpError('boom', { endpoint: 'jobs', status: 502 });
    await expect(withSpan('x', {}, () => Promise.reject(err))).rejects.toBe(err);
    expect(traceHeaders()).toEqual({});
    inv.end();
    inv.end(); // idempotent
  });

  it('rejects an out-of-range sample_rate only when enabled, before loading anything', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      throw new Error('must not be called');
    };
    await expect(initTracing({ ...base, sample_rate: 1.5 }, {}, { load })).rejects.toThrow(
      /observability\.tracing\.sample_rate.*between 0 and 1, got 1\.5/,
    );
    await expect(initTracing({ ...base, sample_rate: Number.NaN }, {}, { load })).rejects.toThrow(
      ConfigError,
    );
    expect((await initTracing({ ...base, enabled: false, sample_rate: 7 }, {}, { load })).enabled).toBe(
      false,
    );
    expect(loads).toBe(0);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('a fresh process importing tracing.ts with tracing disabled loads neither the SDK nor an exporter', () => {
    // Runs in a child process: this worker may already have the SDK loaded by other tests.
    const script = `
      import { createRequire } from 'node:module';
      const t = await import(${JSON.stringify(path.join(ROOT, 'lib/observability/tracing.ts'))});
      const loaded = () => {
        const keys = Object.keys(createRequire(import.meta.url).cache);
        const has = (s) => keys.some((k) => k.includes(s));
        return { api: has('/@opentelemetry/api/'), sdk: has('/@opentelemetry/sdk-trace/'),
                 exporter: has('/exporter-trace-otlp'), grpc: has('/@grpc/grpc-js/') };
      };
      const h = await t.initTracing({ enabled: false, sample_rate: 1, endpoint: 'localhost:4317', insecure: true }, {});
      const inv = t.startInvocationSpan({ awsRequestId: 'r', functionName: 'f' }, true);
      await inv.run(() => t.withSpan('collector nodes', {}, async () => 1));
      inv.end();
      await h.forceFlush();
      const disabled = loaded();
      const on = await t.initTracing({ enabled: true, sample_rate: 1, endpoint: '127.0.0.1:1', insecure: true }, {});
      const enabled = loaded();
      await t.shutdownTracing();
      process.stdout.write(JSON.stringify({ disabled, enabled, enabledFlag: on.enabled }));
    `;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.stderr).not.toMatch(/Error/);
    const out = JSON.parse(res.stdout) as Record<string, Record<string, boolean> | boolean>;
    // Positive control: the check does see CommonJS packages loaded through ESM imports.
    expect(out.disabled).toEqual({ api: true, sdk: false, exporter: false, grpc: false });
    expect(out.enabledFlag).toBe(true);
    // (gRPC itself is required by the exporter only on the first export.)
    expect(out.enabled).toMatchObject({ api: true, sdk: true, exporter: true });
  });
});
