/**
 * The zod fast path must never change an outcome: for every input, fastParser(schema) accepts exactly what
 * schema.parse accepts, returns the same values, and throws zod's own error otherwise.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { generateCluster, renderBody } from '../../../lib/sim/index.js';
import { compileCheck, fastParser, fieldsCheck } from '../../../lib/slurm/adapters/fast-parse.js';
import { jobRaw, nodeRaw, numberLike, shareRaw } from '../../../lib/slurm/adapters/schemas.js';

function sameOutcome(schema: z.ZodType, input: unknown): void {
  const expected = schema.safeParse(input);
  const fast = fastParser(schema);
  if (expected.success) {
    expect(fast(input)).toEqual(expected.data);
  } else {
    let thrown: unknown;
    try {
      fast(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(z.ZodError);
    expect((thrown as z.ZodError).issues).toEqual(expected.error.issues);
  }
}

const cluster = generateCluster({ seed: 3, nodes: 12, jobs: 60, partitions: 2, adversarial: true });

describe('fastParser', () => {
  it('compiles the per-element schemas of the large lists (otherwise there is no fast path)', () => {
    for (const s of [jobRaw, nodeRaw, shareRaw, numberLike]) expect(compileCheck(s)).not.toBeNull();
  });

  it('falls back to zod for what it cannot mirror: checks, strict/stripping objects, transforms', () => {
    expect(compileCheck(z.string().min(1))).toBeNull();
    expect(compileCheck(z.object({ a: z.string() }))).toBeNull();
    expect(compileCheck(z.strictObject({ a: z.string() }))).toBeNull();
    expect(compileCheck(z.string().transform((s) => s.length))).toBeNull();
    const parse = fastParser(z.object({ a: z.string() }));
    expect(parse({ a: 'x', extra: 1 })).toEqual({ a: 'x' }); // stripped, as zod does
  });

  it('gives zod’s result for every simulated job and node of every version', () => {
    for (const version of ['v0.0.38', 'v0.0.40', 'v0.0.41', 'v0.0.44', 'v0.0.45'] as const) {
      const jobs = (JSON.parse(renderBody(cluster, version, 'jobs')) as { jobs: unknown[] }).jobs;
      const nodes = (JSON.parse(renderBody(cluster, version, 'nodes')) as { nodes: unknown[] }).nodes;
      expect(jobs.length).toBeGreaterThan(0);
      for (const j of jobs) sameOutcome(jobRaw, j);
      for (const n of nodes) sameOutcome(nodeRaw, n);
    }
  });

  it('gives zod’s error for bad shapes (wrong types, missing required, NaN/Infinity, non-objects)', () => {
    const good = { job_id: 5, job_state: ['RUNNING'], cpus: { set: true, infinite: false, number: 4 } };
    const bad: unknown[] = [
      null,
      [],
      'job',
      { ...good, job_id: '5' },
      { ...good, job_id: undefined },
      { ...good, job_id: Number.POSITIVE_INFINITY },
      { ...good, job_id: Number.NaN },
      { ...good, job_state: [1] },
      { ...good, cpus: { set: 'yes' } },
      { ...good, cpus: [] },
      { ...good, exit_code: { return_code: 'x' } },
      { ...good, name: 7 },
    ];
    sameOutcome(jobRaw, good);
    for (const b of bad) sameOutcome(jobRaw, b);
    sameOutcome(numberLike, null);
    sameOutcome(numberLike, { number: 3, extra: 'kept' });
  });
});

describe('fieldsCheck', () => {
  const num: (v: unknown) => boolean = (v) => typeof v === 'number';
  const str: (v: unknown) => boolean = (v) => typeof v === 'string';
  // Keys that would break naive code generation, and one that is special on plain objects.
  const keys = ['job_id', 'a"b', 'c\\d', "e']f", 'g\nh', '__proto__', '$' + '{x}'];
  const checks = [num, str, num, str, num, (v: unknown) => v === undefined || num(v), str];
  const good = {
    job_id: 1,
    'a"b': 'x',
    'c\\d': 2,
    "e']f": 'y',
    'g\nh': 3,
    ['$' + '{x}']: 'z',
  };
  const inputs: unknown[] = [
    good,
    { ...good, job_id: '1' },
    { ...good, ['$' + '{x}']: 4 },
    Object.defineProperty({ ...good }, '__proto__', { value: 5, enumerable: true }),
    Object.defineProperty({ ...good }, '__proto__', { value: 'no', enumerable: true }),
    { job_id: 1 },
    null,
    [good],
    'text',
    42,
  ];

  it('generated and loop predicates agree, keys quoted safely', () => {
    const generated = fieldsCheck(keys, checks);
    const loop = fieldsCheck(keys, checks, false);
    expect(generated.name).toBe('check'); // the generated one, not the fallback
    const results = inputs.map((v) => [generated(v), loop(v)]);
    for (const [g, l] of results) expect(g).toBe(l);
    // `good` has no own __proto__, so v.__proto__ is Object.prototype: refused by both, as zod would.
    expect(results.map(([g]) => g)).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
