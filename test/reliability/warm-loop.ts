/**
 * Runner of the warm-loop child (fixtures/warm-loop.ts) and the leak assertions, shared by the unit load test
 * and the lab variant in test/e2e/reliability.test.ts.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';

export interface LoopReport {
  done: number;
  failures: number;
  failedCollectors: string[];
  elapsedMs: number;
  checkpoints: { run: number; heapUsed: number; handles: number; sockets: number }[];
  problems: string[];
}

const CHILD = path.resolve(import.meta.dirname, 'fixtures/warm-loop.ts');

/** Runs the warm loop in a child process and returns its report (bounded by `timeoutMs`). */
export function runWarmLoop(env: Record<string, string>, timeoutMs: number): Promise<LoopReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', CHILD],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { PATH: process.env.PATH ?? '', ...env },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        if (err && !line.startsWith('{"done"')) {
          reject(new Error(`warm loop failed: ${err.message}\n${stderr.slice(-2000)}`));
          return;
        }
        resolve(JSON.parse(line) as LoopReport);
      },
    );
  });
}

/** The leak assertions shared by the unit and the lab variant. */
export function expectNoLeak(r: LoopReport, n: number, heapToleranceBytes: number): void {
  expect(r.problems).toEqual([]);
  expect(r.failures).toBe(0);
  expect(r.done).toBe(n);
  const first = r.checkpoints.find((c) => c.run === 10);
  const last = r.checkpoints.find((c) => c.run === n);
  expect(first, 'checkpoint after invocation 10').toBeDefined();
  expect(last, `checkpoint after invocation ${n}`).toBeDefined();
  if (!first || !last) return;
  const growth = last.heapUsed - first.heapUsed;
  expect(growth, `heap growth ${growth} bytes between invocation 10 and ${n}`).toBeLessThan(
    heapToleranceBytes,
  );
  // Keep-alive sockets are reused, not accumulated. Their number varies a little with idle timeouts (client
  // and server ends of up to `concurrency` connections live in the same process), so the bound is a constant
  // slack: a leak of one socket per invocation would exceed it by far.
  const slack = 10;
  for (const c of r.checkpoints) {
    expect(c.sockets, `open sockets after invocation ${c.run}`).toBeLessThanOrEqual(first.sockets + slack);
    expect(c.handles, `active handles after invocation ${c.run}`).toBeLessThanOrEqual(first.handles + slack);
  }
}
