import { PassThrough } from 'node:stream';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ExporterError, PushError } from '../../lib/errors.js';
import { adoptError, buildGrouping, createPushTarget, PushgatewayTarget } from '../../lib/push/index.js';
import type { PushPayload } from '../../lib/push/types.js';
import { chunked } from './chunks.js';
import { type LocalServer, respond, startServer } from './local-server.js';

const TEXT = '# TYPE m gauge\nm 1\n';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('buildGrouping', () => {
  it('returns cluster plus the configured labels, cluster from the argument', () => {
    expect(buildGrouping('c1', { site: 'eu', cluster: 'ignored' })).toEqual({ site: 'eu', cluster: 'c1' });
    expect(buildGrouping('c1')).toEqual({ cluster: 'c1' });
  });

  it('refuses empty values, "job" and invalid names with validation errors', () => {
    expect(() => buildGrouping('')).toThrow(/cluster name .* must not be empty/);
    expect(() => buildGrouping('c', { site: '' })).toThrow(/push.grouping.site must not be empty/);
    expect(() => buildGrouping('c', { job: 'x' })).toThrow(/must not contain "job"/);
    const err = (() => {
      try {
        buildGrouping('c', { 'bad.name': 'x' });
      } catch (e) {
        return e;
      }
    })() as ExporterError;
    expect(err).toBeInstanceOf(ExporterError);
    expect(err.type).toBe('validation');
    expect(err.message).toContain('"bad.name"');
  });
});

describe('createPushTarget', () => {
  it('creates a pushgateway target', async () => {
    const t = await createPushTarget({ type: 'pushgateway', url: 'http://127.0.0.1:9', job: 'j' });
    expect(t).toBeInstanceOf(PushgatewayTarget);
    expect(t.name).toBe('pushgateway');
  });

  it('creates a stdout target writing to the given stream', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const t = await createPushTarget({ type: 'stdout' }, { stream });
    await t.push({
      registry: new Registry(),
      text: chunked(TEXT),
      timestampMs: 0,
      grouping: { cluster: 'c' },
    });
    expect(out).toBe(TEXT);
  });

  it('lazy-loads remote write; its errors are PushErrors of this module (instanceof works)', async () => {
    server = await startServer((_r, res) => respond(res, 400, 'bad sample'));
    const registry = new Registry();
    const payload: PushPayload = {
      registry,
      text: chunked(''),
      timestampMs: Date.now(),
      grouping: { cluster: 'c' },
    };
    const { Gauge } = await import('prom-client');
    new Gauge({ name: 'm_rw', help: 'h', registers: [registry] }).set(1);
    const t = await createPushTarget({ type: 'remote_write', url: `${server.url}/api/v1/write`, job: 'j' });
    expect(t.name).toBe('remote_write');
    const err = await t.push(payload).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushError);
    expect((err as PushError).status).toBe(400);
    expect((err as PushError).rejected).toBe(1);
    expect(server.requests[0]?.headers['content-encoding']).toBe('snappy');
  });

  it('passes the env-derived region to SigV4 (a missing one is a clear error)', async () => {
    await expect(
      createPushTarget({ type: 'remote_write', url: 'http://127.0.0.1:9/w', auth: { type: 'sigv4' } }),
    ).rejects.toThrow(/sigv4 needs a region/);
    const t = await createPushTarget(
      { type: 'remote_write', url: 'http://127.0.0.1:9/w', auth: { type: 'sigv4' } },
      { region: 'eu-west-1' },
    );
    expect(t.name).toBe('remote_write');
  });

  it('requires url and job for the pushgateway and rejects unknown types', async () => {
    await expect(createPushTarget({ type: 'pushgateway', job: 'j' })).rejects.toThrow(/push.url is required/);
    await expect(createPushTarget({ type: 'pushgateway', url: 'http://x' })).rejects.toThrow(
      /push.job is required/,
    );
    await expect(createPushTarget({ type: 'kafka' as 'stdout' })).rejects.toThrow(/push.type must be/);
  });
});

describe('adoptError', () => {
  it('re-creates a PushError from another bundle copy as this module’s PushError, keeping fields', () => {
    // A structurally identical class from "another bundle": same name and fields, different identity.
    class ForeignPushError extends Error {
      readonly code = 'PUSH_REJECTED';
      readonly type = 'http';
      readonly target = 'remote_write';
      readonly status = 400;
      readonly retryable = false;
      readonly requests = 3;
      readonly accepted = 10;
      readonly rejected = 5;
      constructor(message: string) {
        super(message);
        this.name = 'PushError';
      }
    }
    const foreign = new ForeignPushError('remote write failed');
    const adopted = adoptError(foreign) as PushError;
    expect(foreign).not.toBeInstanceOf(PushError);
    expect(adopted).toBeInstanceOf(PushError);
    expect(adopted).toMatchObject({
      message: 'remote write failed',
      status: 400,
      code: 'PUSH_REJECTED',
      accepted: 10,
      rejected: 5,
      requests: 3,
    });
    expect(adopted.cause).toBe(foreign);
    const own = new PushError('x', { target: 'pushgateway' });
    expect(adoptError(own)).toBe(own);
    const plain = new TypeError('boom');
    expect(adoptError(plain)).toBe(plain);
  });
});
