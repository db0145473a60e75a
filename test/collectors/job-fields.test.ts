/**
 * The `/jobs` readers declare the SlurmJob fields they read (Collector.jobFields), and the client then decodes
 * only those. Here, over a simulated slurmrestd and the real client, the collectors' output with the narrowed
 * decoding equals their output with every field decoded — so a field read but not declared fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../lib/collectors/index.js';
import { runCollectors } from '../../lib/collectors/run.js';
import type { Collector, DataSource } from '../../lib/collectors/types.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';
import { createSlurmClient } from '../../lib/slurm/client.js';
import type { JobField } from '../../lib/slurm/model.js';

const cluster = generateCluster({ seed: 21, nodes: 60, jobs: 1_500, partitions: 4, name: 'fields' });
const JOB_READERS = Object.values(COLLECTORS).filter(
  (c) => c.endpoints.includes('jobs') || c.optionalEndpoints?.includes('jobs'),
);

/** The real client, recording the `jobFields` each `/jobs` fetch asked for; `all` drops them (decode everything). */
function source(
  url: string,
  version: string,
  seen: (readonly JobField[] | undefined)[],
  all = false,
): DataSource {
  const client = createSlurmClient({ baseUrl: url, apiVersion: version as never, retryAttempts: 0 });
  return {
    meta: () => client.meta(),
    fetch: (endpoint, opts) => {
      if (endpoint === 'jobs') seen.push(opts?.jobFields);
      const { jobFields: _f, ...rest } = opts ?? {};
      return client.fetch(endpoint, all ? rest : opts);
    },
  };
}

describe('job fields declared by the collectors', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer({ cluster, versions: ['v0.0.38', 'v0.0.44'] });
  });
  afterAll(async () => sim.close());

  it.each([
    ['v0.0.38', false],
    ['v0.0.38', true],
    ['v0.0.44', false],
    ['v0.0.44', true],
  ] as const)(
    '%s (per-job series %s): same families with only the declared fields decoded',
    async (version, perJob) => {
      const run = (all: boolean, seen: (readonly JobField[] | undefined)[]) =>
        runCollectors({
          collectors: JOB_READERS,
          source: source(sim.url, version, seen, all),
          options: { jobs: { perJob } },
          maxSeries: 100_000,
          now: () => 1_770_000_000_000,
        });
      const asked: (readonly JobField[] | undefined)[] = [];
      const narrowed = await run(false, asked);
      const everything = await run(true, []);
      expect(narrowed.statuses.every((s) => s.ok)).toBe(true);
      expect(narrowed.families).toEqual(everything.families);
      expect(narrowed.families.length).toBeGreaterThan(10);
      // The narrowing happened: fewer fields than the model has (per-job series need more of them).
      expect(asked).toHaveLength(1);
      expect(asked[0]?.length).toBeGreaterThan(0);
      expect(asked[0]?.includes('name')).toBe(perJob);
      expect(asked[0]?.includes('nodes')).toBe(false);
    },
  );

  it('decodes every field when one reader does not declare what it reads', async () => {
    const undeclared: Collector = { ...COLLECTORS.partitions, jobFields: undefined };
    const asked: (readonly JobField[] | undefined)[] = [];
    await runCollectors({
      collectors: [COLLECTORS.jobs, undeclared],
      source: source(sim.url, 'v0.0.44', asked),
    });
    expect(asked).toEqual([undefined]);
  });
});
