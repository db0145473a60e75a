import { afterEach, describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../../lib/errors.js';
import {
  CircuitBreaker,
  getBreakerStates,
  getCircuitBreaker,
  resetCircuitBreakers,
} from '../../lib/observability/circuit-breaker.js';
import { createLogger } from '../../lib/observability/logger.js';

const fail = (): Promise<never> => Promise.reject(new Error('boom'));
const ok = (): Promise<string> => Promise.resolve('ok');

function setup(opts = { failureThreshold: 3, resetTimeoutMs: 1000, halfOpenRequests: 2 }) {
  let now = 10_000;
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (l) => lines.push(l) });
  const breaker = new CircuitBreaker('http://slurm:6820', opts, () => now);
  return {
    breaker,
    lines,
    logger,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

afterEach(() => resetCircuitBreakers());

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures and fails fast', async () => {
    const { breaker, logger, lines } = setup();
    for (let i = 0; i < 2; i++) await expect(breaker.execute(fail, { logger })).rejects.toThrow('boom');
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(fail, { logger })).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    let called = false;
    const err = await breaker
      .execute(
        () => {
          called = true;
          return ok();
        },
        { logger },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    expect((err as CircuitOpenError).message).toContain('http://slurm:6820');
    const warn = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ endpoint: 'http://slurm:6820', to: 'open', consecutiveFailures: 3 });
  });

  it('counts only consecutive failures: a success resets the count', async () => {
    const { breaker } = setup();
    await expect(breaker.execute(fail)).rejects.toThrow();
    await expect(breaker.execute(fail)).rejects.toThrow();
    await breaker.execute(ok);
    expect(breaker.consecutiveFailures).toBe(0);
    await expect(breaker.execute(fail)).rejects.toThrow();
    await expect(breaker.execute(fail)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
  });

  it('lets halfOpenRequests probes through after resetTimeoutMs, then closes on success', async () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    advance(999);
    await expect(breaker.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    advance(1);
    // Two slow probes are admitted, a third concurrent call is rejected.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const p1 = breaker.execute(() => gate.then(() => 'a'));
    expect(breaker.state).toBe('half-open');
    expect(breaker.stateValue).toBe(2);
    const p2 = breaker.execute(() => gate.then(() => 'b'));
    await expect(breaker.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    expect(await p1).toBe('a');
    expect(await p2).toBe('b');
    expect(breaker.state).toBe('closed');
    expect(breaker.stateValue).toBe(0);
  });

  it('reopens on a failure in half-open', async () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    advance(1000);
    await expect(breaker.execute(fail)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    expect(breaker.stateValue).toBe(1);
    await expect(breaker.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('ignores errors that isFailure does not count', async () => {
    const { breaker } = setup({ failureThreshold: 1, resetTimeoutMs: 1000, halfOpenRequests: 1 });
    await expect(breaker.execute(fail, { isFailure: () => false })).rejects.toThrow('boom');
    expect(breaker.state).toBe('closed');
  });

  it('rejects invalid options', () => {
    expect(
      () => new CircuitBreaker('x', { failureThreshold: 0, resetTimeoutMs: 1, halfOpenRequests: 1 }),
    ).toThrow(/failureThreshold/);
  });

  it('keeps one breaker per name in the registry and reports states', async () => {
    const opts = { failureThreshold: 1, resetTimeoutMs: 60_000, halfOpenRequests: 1 };
    const a = getCircuitBreaker('http://a:1', opts);
    expect(getCircuitBreaker('http://a:1', opts)).toBe(a);
    getCircuitBreaker('http://b:1', opts);
    await expect(a.execute(fail)).rejects.toThrow();
    expect(getBreakerStates()).toEqual([
      { endpoint: 'http://a:1', state: 1 },
      { endpoint: 'http://b:1', state: 0 },
    ]);
    resetCircuitBreakers();
    expect(getBreakerStates()).toEqual([]);
  });
});
