/**
 * The cold-start check of the heap limit against the function's memory (lib/observability/heap-limit.ts), as
 * runCollect wires it. Its own file: the check runs on a container's first invocation only, and each test file
 * loads the modules afresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../lib/app/collect.js';
import { addLogTap } from '../../lib/observability/logger.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';

describe('heap limit check at cold start', () => {
  let sim: SimServer;
  const lines: string[] = [];
  let removeTap: () => void;

  beforeAll(async () => {
    sim = await startSimServer({ cluster: generateCluster({ seed: 3, nodes: 5, jobs: 10, name: 'heap' }) });
    removeTap = addLogTap((line) => lines.push(line));
  });
  afterAll(async () => {
    removeTap();
    await sim.close();
  });

  const invoke = (extra: Record<string, string>) =>
    runCollect({
      env: {
        SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
        SLURM_EXPORTER_PUSH_TYPE: 'stdout',
        SLURM_EXPORTER_PUSH_FILE: '/dev/null',
        SLURM_EXPORTER_LOGGING_LEVEL: 'warn',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
        ...extra,
      },
      remainingTimeMs: () => 30_000,
    });
  const warnings = () =>
    lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => /heap limit/.test(String(l.message)));

  it("warns once, on the container's first invocation, when this heap can outgrow a 128 MB function", async () => {
    await invoke({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ level: 'warn', memory_mb: 128, suggested_max_old_space_mb: 96 });
    expect(warnings()[0]?.message).toMatch(/--max-old-space-size/);
    await invoke({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' });
    expect(warnings()).toHaveLength(1);
  });
});
