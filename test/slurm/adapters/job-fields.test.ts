/**
 * JOB_FIELD_KEYS (lib/slurm/adapters/mappers.ts): each SlurmJob field, mapped from an element that keeps only
 * that field's raw keys, equals the same field mapped from the whole element — for every simulated API
 * version (arrays, het jobs, pending and running, GPUs) and the lab's 22.05 recordings (v0.0.36–38).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../../lib/collectors/index.js';
import { generateCluster, renderBody, SIM_VERSIONS } from '../../../lib/sim/index.js';
import { getAdapter } from '../../../lib/slurm/adapters/index.js';
import { JOB_FIELD_KEYS, jobMapper, jobRawKeys, mapJob } from '../../../lib/slurm/adapters/mappers.js';
import { jobRaw } from '../../../lib/slurm/adapters/schemas.js';
import type { ApiVersion, JobField } from '../../../lib/slurm/model.js';

const LAB = path.resolve(import.meta.dirname, '../../fixtures/slurmrestd-22.05');
const cluster = generateCluster({ seed: 11, nodes: 30, jobs: 400, partitions: 3, name: 'fields' });
const FIELDS = Object.keys(JOB_FIELD_KEYS) as JobField[];

function rawJobs(version: ApiVersion, body: string): Record<string, unknown>[] {
  let list: unknown = JSON.parse(body);
  for (const k of getAdapter(version).listKey('jobs')) list = (list as Record<string, unknown>)[k];
  return list as Record<string, unknown>[];
}

/**
 * Each job as listed, plus copies that force mapJob's fallbacks: without TRES strings (memory from
 * memory_per_node/cpu, GPUs from tres_per_node), without the per-node values (per-cpu memory, per-job GPUs),
 * and with an allocation string on every job.
 */
function withFallbacks(jobs: Record<string, unknown>[]): Record<string, unknown>[] {
  return jobs.flatMap((j) => {
    const noTres: Record<string, unknown> = { ...j, tres_alloc_str: '', tres_req_str: '' };
    const { memory_per_node: _m, tres_per_node: perNode, ...rest } = noTres;
    // A pending job's allocation string is not what it asked for: the state picks which one counts.
    const allocSet = { ...j, tres_alloc_str: 'cpu=1,mem=1M,node=1,billing=1,gres/gpu=7' };
    return [j, noTres, { ...rest, tres_per_job: perNode ?? 'gres/gpu:2' }, allocSet];
  });
}

function only(raw: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in raw).map((k) => [k, raw[k]]));
}

const sources: [string, ApiVersion, () => Record<string, unknown>[]][] = [
  ...SIM_VERSIONS.map(
    (v) =>
      [`simulated ${v}`, v, () => rawJobs(v, renderBody(cluster, v, 'jobs'))] as [
        string,
        ApiVersion,
        () => Record<string, unknown>[],
      ],
  ),
  ...(['v0.0.36', 'v0.0.37', 'v0.0.38'] as const).map(
    (v) =>
      [`lab 22.05 ${v}`, v, () => rawJobs(v, readFileSync(path.join(LAB, v, 'jobs.json'), 'utf8'))] as [
        string,
        ApiVersion,
        () => Record<string, unknown>[],
      ],
  ),
];

describe('JOB_FIELD_KEYS', () => {
  it('names only keys the job schema parses, and every SlurmJob field', () => {
    const schemaKeys = new Set(Object.keys(jobRaw.shape));
    for (const f of FIELDS)
      for (const k of JOB_FIELD_KEYS[f]) expect(schemaKeys.has(k), `${f}: ${k}`).toBe(true);
    expect(jobRawKeys([])).toEqual(['job_id']);
    expect(jobRawKeys(['state', 'partitions']).sort()).toEqual([
      'job_id',
      'job_state',
      'partition',
      'state_flags',
    ]);
  });

  it.each(sources)(
    '%s: every field mapped from its own keys equals the field mapped from the whole job',
    (_, v, load) => {
      const adapter = getAdapter(v);
      const jobs = withFallbacks(load());
      expect(jobs.length).toBeGreaterThan(6);
      for (const raw of jobs) {
        const full = adapter.item('jobs', raw);
        expect(full).not.toBeNull();
        for (const f of FIELDS) {
          const part = adapter.item('jobs', only(raw, jobRawKeys([f])));
          expect(part?.[f], `${v} job ${String(raw.job_id)} field ${f}`).toEqual(full?.[f]);
        }
      }
    },
  );

  it.each(sources)(
    '%s: the narrowed mapper gives the asked fields as mapJob does, and an empty id unless asked',
    (_, v, load) => {
      const sets: JobField[][] = [
        ['state', 'partitions'],
        // What the collectors ask for, with and without per-job series.
        [...(COLLECTORS.jobs.jobFields?.({ perJob: false, maxSeries: 1, rpcTopUsers: 0 }) ?? [])],
        [...(COLLECTORS.jobs.jobFields?.({ perJob: true, maxSeries: 1, rpcTopUsers: 0 }) ?? [])],
        ['id', 'name', 'nodeCount', 'timeLimitSeconds'],
        FIELDS,
      ];
      const adapter = getAdapter(v);
      for (const fields of sets) {
        const map = adapter.itemMapper?.('jobs', fields);
        expect(map).toBeDefined();
        expect(jobMapper(fields)).toBe(jobMapper([...fields]));
        for (const raw of withFallbacks(load())) {
          const full = mapJob(raw);
          const part = map?.(only(raw, jobRawKeys(fields)));
          for (const f of fields)
            expect(part?.[f], `${v} job ${String(raw.job_id)} field ${f}`).toEqual(full[f]);
          if (!fields.includes('id')) expect(part?.id).toBe('');
        }
      }
    },
  );

  it('still reports a bad value of a kept key with the schema error', () => {
    const map = jobMapper(['state', 'partitions']);
    expect(() => map({ job_id: 1, job_state: 'RUNNING', partition: 7 })).toThrow(/partition/);
    expect(() => map({ job_state: 'RUNNING' })).toThrow(/job_id/);
  });

  it('asks the client for fewer keys than the whole schema', () => {
    const adapter = getAdapter('v0.0.44');
    const all = adapter.fields?.('jobs') ?? [];
    const some = adapter.fields?.('jobs', ['state', 'partitions']) ?? [];
    expect(all.length).toBe(Object.keys(jobRaw.shape).length);
    expect(some.length).toBeLessThan(all.length);
    // Nodes are not narrowed by job fields.
    expect(adapter.fields?.('nodes', ['state'])).toEqual(adapter.fields?.('nodes'));
  });
});
