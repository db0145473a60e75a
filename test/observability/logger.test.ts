import { describe, expect, it } from 'vitest';
import { SlurmHttpError } from '../../lib/errors.js';
import {
  addLogTap,
  createLogger,
  isLogLevel,
  isSecretKey,
  REDACTED,
  redactFields,
  silentLogger,
} from '../../lib/observability/logger.js';
import { assertNoSecrets, TEST_BASIC_PASSWORD, TEST_SLURM_TOKEN } from '../helpers/secret-scan.js';

const fixedNow = () => new Date('2026-01-02T03:04:05.678Z');

function capture(opts: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = createLogger({ now: fixedNow, ...opts, sink: (l) => lines.push(l) });
  return { lines, logger };
}

describe('JSON lines', () => {
  it('writes timestamp, level, message, then context fields, other fields and error last', () => {
    const { lines, logger } = capture();
    const child = logger.child({ aws_request_id: 'req-1', cluster: 'hpc1' });
    child.info('collector finished', {
      series: 12,
      error: new SlurmHttpError('slurmrestd answered 502', {
        endpoint: 'nodes',
        status: 502,
        code: 'SLURM_HTTP',
      }),
      duration_ms: 34,
      collector: 'nodes',
    });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] as string);
    expect(Object.keys(parsed)).toEqual([
      'timestamp',
      'level',
      'message',
      'cluster',
      'collector',
      'aws_request_id',
      'duration_ms',
      'series',
      'error',
    ]);
    expect(parsed).toMatchObject({
      timestamp: '2026-01-02T03:04:05.678Z',
      level: 'info',
      message: 'collector finished',
      cluster: 'hpc1',
      aws_request_id: 'req-1',
      error: { type: 'http', name: 'SlurmHttpError', message: 'slurmrestd answered 502', code: 'SLURM_HTTP' },
    });
  });

  it('fields cannot overwrite timestamp, level or message; undefined fields are left out', () => {
    const { lines, logger } = capture();
    logger.warn('real', { message: 'fake', level: 'debug', timestamp: 'x', gone: undefined });
    const parsed = JSON.parse(lines[0] as string);
    expect(parsed).toEqual({ timestamp: '2026-01-02T03:04:05.678Z', level: 'warn', message: 'real' });
  });

  it('filters by level', () => {
    const { lines, logger } = capture({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(['warn', 'error']);
    expect(logger.isEnabled('info')).toBe(false);
    expect(logger.isEnabled('error')).toBe(true);
    expect(logger.child({ a: 1 }).level).toBe('warn');
    expect(isLogLevel('warn')).toBe(true);
    expect(isLogLevel('verbose')).toBe(false);
  });

  it('keeps cause chains, bigint, byte arrays, dates and cycles printable', () => {
    const { lines, logger } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6820'), { code: 'ECONNREFUSED' });
    logger.error('failed', {
      error: new Error('fetch failed', { cause }),
      big: 10n ** 20n,
      body: new Uint8Array(5),
      at: new Date(0),
      cyclic,
    });
    const parsed = JSON.parse(lines[0] as string);
    expect(parsed.error.cause).toEqual({
      type: 'connection',
      name: 'Error',
      message: 'connect ECONNREFUSED 127.0.0.1:6820',
      code: 'ECONNREFUSED',
    });
    expect(parsed.big).toBe('100000000000000000000');
    expect(parsed.body).toBe('[5 bytes]');
    expect(parsed.at).toBe('1970-01-01T00:00:00.000Z');
    expect(parsed.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
  });

  it('a throwing sink does not throw into the caller', () => {
    const logger = createLogger({
      sink: () => {
        throw new Error('EPIPE');
      },
    });
    expect(() => logger.error('x')).not.toThrow();
  });
});

describe('text format', () => {
  it('writes `timestamp LEVEL message k=v`, quoting values with spaces', () => {
    const { lines, logger } = capture({ format: 'text' });
    logger.child({ cluster: 'hpc1' }).warn('push slow', { target: 'pushgateway', note: 'two words', n: 3 });
    expect(lines[0]).toBe(
      '2026-01-02T03:04:05.678Z WARN  push slow cluster=hpc1 target=pushgateway note="two words" n=3',
    );
  });
});

describe('redaction (structural, by field name)', () => {
  it('recognises secret field names in any spelling', () => {
    for (const k of [
      'token',
      'AUTH_TOKEN',
      'x-slurm-user-token',
      'Authorization',
      'password',
      'basicPassword',
      'api_key',
      'apiKey',
      'SecretString',
      'client_secret',
      'secretAccessKey',
      'Cookie',
    ]) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['tokens_used', 'user', 'endpoint', 'secret_id', 'cluster'])
      expect(isSecretKey(k), k).toBe(false);
  });

  it('replaces secret values at any depth, in arrays and maps, in JSON and text lines', () => {
    const fields = {
      slurm: { auth: { type: 'jwt', token: TEST_SLURM_TOKEN, username: 'root' } },
      headers: [{ Authorization: `Bearer ${TEST_SLURM_TOKEN}` }],
      basic: new Map([['password', TEST_BASIC_PASSWORD]]),
      empty_token: '',
    };
    const json = capture();
    json.logger.info('config', fields);
    const text = capture({ format: 'text' });
    text.logger.info('config', fields);
    for (const line of [...json.lines, ...text.lines]) {
      assertNoSecrets(line, undefined, 'a log line');
      expect(line).toContain(REDACTED);
    }
    const parsed = JSON.parse(json.lines[0] as string);
    expect(parsed.slurm.auth).toEqual({ type: 'jwt', token: REDACTED, username: 'root' });
    expect(parsed.basic).toEqual({ password: REDACTED });
    // An empty secret is shown as empty: "not configured" is useful and leaks nothing.
    expect(parsed.empty_token).toBe('');
    expect(redactFields({ a: { b: { c: 1 } } })).toEqual({ a: { b: { c: 1 } } });
  });
});

describe('taps', () => {
  it('see every written line (also of the silent logger), until removed', () => {
    const seen: string[] = [];
    const remove = addLogTap((l) => seen.push(l));
    const { logger } = capture();
    logger.info('one');
    silentLogger.error('two');
    silentLogger.info('dropped by level');
    remove();
    logger.info('three');
    expect(seen.map((l) => JSON.parse(l).message)).toEqual(['one', 'two']);
  });
});
