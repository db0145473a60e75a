/**
 * Shared harness of the reliability suite: runs `runCollect` end to end against the simulator (with faults),
 * a recording push receiver and, when asked, the Secrets Manager stand-in; captures the log lines of the run
 * and the pushed exposition text, and checks them for secrets. Not a test file (no `.test.ts`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { type CollectRequest, type CollectSummary, runCollect } from '../../lib/app/collect.js';
import { addLogTap } from '../../lib/observability/logger.js';
import { containerState } from '../../lib/observability/self-metrics.js';
import type { CapturedRequest } from '../helpers/capture-server.js';
import { assertNoSecrets } from '../helpers/secret-scan.js';

export type Env = Record<string, string>;

export interface RunOutcome {
  summary: CollectSummary | undefined;
  error: Error | undefined;
  /** Log lines written while the invocation ran. */
  logs: string[];
}

/** Runs one invocation, never throwing: the error (if any) is part of the outcome. */
export async function collect(req: CollectRequest): Promise<RunOutcome> {
  const logs: string[] = [];
  const remove = addLogTap((line) => logs.push(line));
  try {
    const summary = await runCollect({ remainingTimeMs: () => 30_000, ...req });
    return { summary, error: undefined, logs };
  } catch (err) {
    return { summary: undefined, error: err as Error, logs };
  } finally {
    remove();
  }
}

export { sample } from '../push/exposition-parser.js';

/** Snapshot of the container-wide error counters (`collector\u0000error_type` → count) before a run. */
export function errorCounters(): Map<string, number> {
  return new Map(containerState.errorTotals);
}

/**
 * The increase of `slurm_exporter_collect_errors_total{collector}` per error_type, read from the PUSHED text
 * against a snapshot taken before the run (the counter is cumulative per warm container).
 */
export function errorIncrease(
  text: string,
  collector: string,
  before: Map<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('slurm_exporter_collect_errors_total{')) continue;
    if (!line.includes(`collector="${collector}"`)) continue;
    const type = /error_type="([^"]*)"/.exec(line)?.[1] ?? '';
    const delta =
      Number(line.slice(line.lastIndexOf(' ') + 1)) - (before.get(`${collector}\u0000${type}`) ?? 0);
    if (delta > 0) out[type] = delta;
  }
  return out;
}

/** The text of the (single) PUT the receiver got; fails when there was none. */
export function pushedText(requests: readonly CapturedRequest[]): string {
  const puts = requests.filter((r) => r.method === 'PUT' || r.method === 'POST');
  expect(puts.length, 'requests received by the push receiver').toBeGreaterThan(0);
  return puts[puts.length - 1]?.text ?? '';
}

/** The error, the summary, every log line and every pushed body carry no registered/well-known secret. */
export function assertNothingLeaked(outcome: RunOutcome, pushed: readonly CapturedRequest[] = []): void {
  if (outcome.error) assertNoSecrets(outcome.error, undefined, 'the thrown error (with causes)');
  if (outcome.summary) assertNoSecrets(outcome.summary, undefined, 'the collect summary');
  assertNoSecrets(outcome.logs.join('\n'), undefined, 'the log lines of the invocation');
  for (const r of pushed) {
    assertNoSecrets(r.text, undefined, `the pushed body (${r.method} ${r.path})`);
    assertNoSecrets(r.path, undefined, 'the push URL');
  }
}

/** A 127.0.0.1 URL on which nothing listens (a server was bound and closed). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Base env: sim + push receiver, fast retries, warn-level logs. */
export function baseEnv(simUrl: string, pushUrl: string, extra: Env = {}): Env {
  return {
    SLURM_EXPORTER_SLURM_BASE_URL: simUrl,
    SLURM_EXPORTER_SLURM_API_VERSION: 'v0.0.44',
    SLURM_EXPORTER_SLURM_RETRY_ATTEMPTS: '2',
    SLURM_EXPORTER_SLURM_RETRY_DELAY: '10ms',
    SLURM_EXPORTER_SLURM_TIMEOUT: '5s',
    SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
    SLURM_EXPORTER_PUSH_URL: pushUrl,
    SLURM_EXPORTER_PUSH_RETRIES: '1',
    SLURM_EXPORTER_LOGGING_LEVEL: 'warn',
    // The breaker is warm state across invocations: these tests want each fault seen fresh.
    SLURM_EXPORTER_OBSERVABILITY_CIRCUIT_BREAKER_ENABLED: 'false',
    ...extra,
  };
}
