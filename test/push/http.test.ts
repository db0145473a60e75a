import { describe, expect, it } from 'vitest';
import { PushError } from '../../lib/errors.js';
import { parseRetryAfter, safeUrl, sendWithRetry } from '../../lib/push/http.js';
import { type LocalServer, respond, startServer } from './local-server.js';

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(['3'], now)).toBe(3000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('safeUrl', () => {
  it('drops user info and query', () => {
    expect(safeUrl(new URL('https://u:p@host:8443/a/b?token=x#f'))).toBe('https://host:8443/a/b');
  });
});

describe('sendWithRetry', () => {
  it('stops waiting when the caller aborts', async () => {
    const server: LocalServer = await startServer((_r, res) => {
      setTimeout(() => respond(res, 200), 3000);
    });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const err = await sendWithRetry({
        target: 'pushgateway',
        method: 'PUT',
        url: new URL(`${server.url}/x`),
        headers: {},
        timeoutMs: 10_000,
        retries: 3,
        signal: ac.signal,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PushError);
      expect((err as PushError).code).toBe('PUSH_ABORTED');
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
