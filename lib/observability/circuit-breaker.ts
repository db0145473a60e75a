/**
 * Circuit breaker with the seed's semantics (jontk/slurm-exporter internal/resilience/circuit_breaker.go):
 * - closed: a failure counts (failures++, lastFailure = now); `failureThreshold` consecutive failures open it;
 *   a success resets the count.
 * - open: calls fail fast with CircuitOpenError until `resetTimeoutMs` after the last failure; then the breaker
 *   turns half-open.
 * - half-open: up to `halfOpenRequests` probe calls pass (the call that turns it half-open is the first probe);
 *   further calls fail fast. The first success closes it and resets the count; any failure reopens it.
 * One breaker per slurmrestd base URL lives in the warm Lambda container (module-level registry), so its state
 * survives between invocations; `getBreakerStates()` feeds the self-metric.
 */
import { CircuitOpenError } from '../errors.js';
import { type Logger, silentLogger } from './logger.js';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  resetTimeoutMs: number;
  halfOpenRequests: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';
const STATE_VALUE: Record<BreakerState, 0 | 1 | 2> = { closed: 0, open: 1, 'half-open': 2 };

export interface ExecuteOptions {
  /** Which errors count as failures (default: all). Other errors count as a success: the peer answered. */
  isFailure?: (err: unknown) => boolean;
  /** Logger of the current invocation, for state-change lines. */
  logger?: Logger;
}

export class CircuitBreaker {
  readonly name: string;
  private readonly opts: CircuitBreakerOptions;
  private readonly clock: () => number;
  private current: BreakerState = 'closed';
  private failures = 0;
  private lastFailure = 0;
  private halfOpenCalls = 0;

  constructor(name: string, opts: CircuitBreakerOptions, clock: () => number = Date.now) {
    if (!(opts.failureThreshold >= 1)) throw new RangeError('circuit breaker failureThreshold must be >= 1');
    if (!(opts.resetTimeoutMs >= 0)) throw new RangeError('circuit breaker resetTimeoutMs must be >= 0');
    if (!(opts.halfOpenRequests >= 1)) throw new RangeError('circuit breaker halfOpenRequests must be >= 1');
    this.name = name;
    this.opts = { ...opts };
    this.clock = clock;
  }

  get state(): BreakerState {
    return this.current;
  }

  get stateValue(): 0 | 1 | 2 {
    return STATE_VALUE[this.current];
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Runs `fn` through the breaker; throws CircuitOpenError without calling it when the breaker is open. */
  async execute<T>(fn: () => Promise<T>, eo: ExecuteOptions = {}): Promise<T> {
    const logger = eo.logger ?? silentLogger;
    this.admit(logger);
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      if (eo.isFailure === undefined || eo.isFailure(err)) this.onFailure(logger);
      else this.onSuccess(logger);
      throw err;
    }
    this.onSuccess(logger);
    return result;
  }

  private admit(logger: Logger): void {
    if (this.current === 'open') {
      const waited = this.clock() - this.lastFailure;
      if (waited < this.opts.resetTimeoutMs)
        throw new CircuitOpenError(this.name, this.opts.resetTimeoutMs - waited);
      this.transition('half-open', logger);
      this.halfOpenCalls = 0;
    }
    if (this.current === 'half-open') {
      if (this.halfOpenCalls >= this.opts.halfOpenRequests) throw new CircuitOpenError(this.name, 0);
      this.halfOpenCalls++;
    }
  }

  private onSuccess(logger: Logger): void {
    this.failures = 0;
    if (this.current !== 'closed') this.transition('closed', logger);
  }

  private onFailure(logger: Logger): void {
    this.failures++;
    this.lastFailure = this.clock();
    if (
      this.current === 'half-open' ||
      (this.current === 'closed' && this.failures >= this.opts.failureThreshold)
    ) {
      this.transition('open', logger);
    }
  }

  private transition(to: BreakerState, logger: Logger): void {
    const from = this.current;
    this.current = to;
    logger.warn(`circuit breaker for ${this.name} ${from} -> ${to}`, {
      endpoint: this.name,
      from,
      to,
      consecutiveFailures: this.failures,
    });
  }
}

const registry = new Map<string, CircuitBreaker>();

/**
 * The warm-container breaker for `name` (a slurmrestd base URL), created on first use. Options given later are
 * ignored while the breaker lives (reset with `resetCircuitBreakers`).
 */
export function getCircuitBreaker(
  name: string,
  opts: CircuitBreakerOptions,
  clock?: () => number,
): CircuitBreaker {
  let b = registry.get(name);
  if (b === undefined) {
    b = new CircuitBreaker(name, opts, clock);
    registry.set(name, b);
  }
  return b;
}

/** State of every breaker for the self-metric: 0 closed, 1 open, 2 half-open. */
export function getBreakerStates(): { endpoint: string; state: 0 | 1 | 2 }[] {
  return [...registry.values()].map((b) => ({ endpoint: b.name, state: b.stateValue }));
}

/** Forgets every breaker (tests). */
export function resetCircuitBreakers(): void {
  registry.clear();
}
