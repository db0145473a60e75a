import { AsyncLocalStorage } from 'node:async_hooks';
import { rmSync } from 'node:fs';
import {
  type Context,
  type ContextManager,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlurmHttpError } from '../../lib/errors.js';
import { createLogger } from '../../lib/observability/logger.js';
import { createSlurmClient, resetSlurmClientState } from '../../lib/slurm/client.js';
import { displayBaseUrl, getAgent, isLoopbackHost, resetAgents } from '../../lib/slurm/http.js';
import { selfSignedCert } from '../helpers/tls.js';
import { envelope, type FakeServer, sendJson, startServer, testAdapters } from './fake-slurmrestd.js';

const V = 'v0.0.41' as const;
const body = envelope(V, { nodes: [{ name: 'n1' }] });
const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await resetSlurmClientState();
});

describe('http helpers', () => {
  it('recognises loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.10.0.3')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('slurm.example')).toBe(false);
  });

  it('strips credentials, query and trailing slashes from a base URL', () => {
    expect(displayBaseUrl('https://user:pw@slurm:6820/api/?x=1')).toBe('https://slurm:6820/api');
    expect(displayBaseUrl('http://slurm:6820/')).toBe('http://slurm:6820');
  });

  it('caches one agent per origin and TLS setting', async () => {
    const a = getAgent('https://a:1/x');
    expect(getAgent('https://a:1/y')).toBe(a);
    expect(getAgent('https://a:1', { tls: { insecureSkipVerify: true } })).not.toBe(a);
    expect(getAgent('https://b:1')).not.toBe(a);
    await resetAgents();
    expect(getAgent('https://a:1/x')).not.toBe(a);
  });
});

describe('TLS', () => {
  let dir: string;
  let key: string;
  let cert: string;
  beforeAll(() => {
    ({ dir, key, cert } = selfSignedCert('slurm-tls-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function tlsServer(): Promise<FakeServer> {
    const s = await startServer((_q, res) => sendJson(res, 200, body), { key, cert });
    servers.push(s);
    return s;
  }

  it('rejects a self-signed server without its CA', async () => {
    const s = await tlsServer();
    const err = await createSlurmClient({
      baseUrl: s.url,
      apiVersion: V,
      retryAttempts: 2,
      getAdapter: testAdapters(),
    })
      .fetch('nodes')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlurmHttpError);
    expect((err as SlurmHttpError).type).toBe('connection');
    expect((err as SlurmHttpError).code).toBe('SLURM_TLS_ERROR');
    expect((err as Error).message).toMatch(/self[- ]signed/i);
    // certificate errors are not retried
    expect(s.requests).toHaveLength(0);
  });

  it('accepts the server with its CA', async () => {
    const s = await tlsServer();
    const r = await createSlurmClient({
      baseUrl: s.url,
      apiVersion: V,
      tls: { ca: cert },
      getAdapter: testAdapters(),
    }).fetch('nodes');
    expect(r.data).toEqual([{ name: 'n1' }]);
  });

  it('accepts any certificate with insecureSkipVerify and warns once', async () => {
    const s = await tlsServer();
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (l) => lines.push(l) });
    for (let i = 0; i < 2; i++) {
      const r = await createSlurmClient({
        baseUrl: s.url,
        apiVersion: V,
        tls: { insecureSkipVerify: true },
        getAdapter: testAdapters(),
        logger,
      }).fetch('nodes');
      expect(r.count).toBe(1);
    }
    const warns = lines.filter((l) => l.includes('"level":"warn"'));
    expect(warns).toHaveLength(1);
    expect(warns[0]).toContain('verification is disabled');
  });
});

/** AsyncLocalStorage context manager (the SDK's lives in a package this project does not need). */
class AlsContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.als.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.als.disable();
    return this;
  }
}

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  beforeAll(() => {
    context.setGlobalContextManager(new AlsContextManager());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('sends traceparent of the active trace and records a client span per request', async () => {
    const s = await startServer((_q, res) => sendJson(res, 200, body));
    servers.push(s);
    const c = createSlurmClient({
      baseUrl: s.url,
      apiVersion: V,
      getAdapter: testAdapters(),
      auth: { type: 'jwt', credentials: async () => ({ token: 'tok-secret-value' }) },
    });
    const tracer = trace.getTracer('test');
    const traceId = await tracer.startActiveSpan('collect', async (parent) => {
      await c.fetch('nodes');
      parent.end();
      return parent.spanContext().traceId;
    });
    const tp = s.requests[0]?.headers.traceparent;
    expect(typeof tp).toBe('string');
    expect(String(tp).split('-')[1]).toBe(traceId);
    const span = exporter.getFinishedSpans().find((sp) => sp.name === `GET /slurm/${V}/nodes`);
    expect(span).toBeDefined();
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `${s.url}/slurm/${V}/nodes`,
      'http.response.status_code': 200,
      'http.response.body.size': JSON.stringify(body).length,
      'slurm.api_version': V,
      'slurm.endpoint': 'nodes',
    });
    expect(JSON.stringify(span?.attributes)).not.toContain('tok-secret-value');
  });

  it('records the exception on a failed request', async () => {
    const s = await startServer((_q, res) => {
      res.writeHead(503);
      res.end('busy');
    });
    servers.push(s);
    exporter.reset();
    await createSlurmClient({ baseUrl: s.url, apiVersion: V, retryAttempts: 0, getAdapter: testAdapters() })
      .fetch('nodes')
      .catch(() => {});
    const span = exporter.getFinishedSpans()[0];
    expect(span?.attributes['http.response.status_code']).toBe(503);
    expect(span?.events.some((e) => e.name === 'exception')).toBe(true);
  });
});
