import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PushError } from '../../lib/errors.js';
import { createStdoutTarget } from '../../lib/push/stdout.js';
import type { PushPayload } from '../../lib/push/types.js';
import { chunked } from './chunks.js';

const TEXT = '# HELP m h\n# TYPE m gauge\nm{a="x"} 1\nm{a="y"} 2\n';
const payload: PushPayload = {
  registry: new Registry(),
  text: chunked(TEXT),
  timestampMs: 0,
  grouping: { cluster: 'c' },
};

describe('StdoutTarget', () => {
  it('writes exactly the exposition to the stream', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const result = await createStdoutTarget({ stream }).push(payload);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(TEXT);
    expect(result).toMatchObject({ target: 'stdout', series: 2, bytes: TEXT.length, status: 0, requests: 0 });
  });

  it('writes (replaces) the file when `file` is set', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'push-stdout-'));
    try {
      const file = path.join(dir, 'metrics.prom');
      const target = createStdoutTarget({ file });
      await target.push({ ...payload, text: chunked('old 1\n') });
      await target.push(payload);
      expect(await readFile(file, 'utf8')).toBe(TEXT);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with a PushError naming the file when it cannot be written', async () => {
    const err = await createStdoutTarget({ file: '/nonexistent-dir/x/metrics.prom' })
      .push(payload)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushError);
    expect((err as PushError).message).toContain('/nonexistent-dir/x/metrics.prom');
  });
});
