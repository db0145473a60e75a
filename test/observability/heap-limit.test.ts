import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HEAP_SHARE_OF_MEMORY, heapLimitRisk } from '../../lib/observability/heap-limit.js';

const MB = 2 ** 20;

describe('heapLimitRisk', () => {
  it('accepts a heap limit that leaves room outside the heap', () => {
    expect(heapLimitRisk(390 * MB, '512')).toBeNull();
    expect(heapLimitRisk(512 * HEAP_SHARE_OF_MEMORY * MB, '512')).toBeNull();
  });

  it('names the limit, the memory and a cap that fits when the heap may outgrow the memory', () => {
    expect(heapLimitRisk(512 * HEAP_SHARE_OF_MEMORY * MB + 1, '512')).toEqual({
      heap_limit_mb: 435,
      memory_mb: 512,
      suggested_max_old_space_mb: 384,
    });
    expect(heapLimitRisk(390 * MB, '256')?.suggested_max_old_space_mb).toBe(192);
  });

  it("flags this test process's own heap (sized for this machine) on a small function", () => {
    const limit = getHeapStatistics().heap_size_limit;
    expect(heapLimitRisk(limit, '128')?.heap_limit_mb).toBe(Math.round(limit / MB));
  });

  it('says nothing off Lambda or for a memory size that is not a number', () => {
    expect(heapLimitRisk(4096 * MB, undefined)).toBeNull();
    expect(heapLimitRisk(4096 * MB, '')).toBeNull();
    expect(heapLimitRisk(4096 * MB, 'lots')).toBeNull();
    expect(heapLimitRisk(4096 * MB, '0')).toBeNull();
  });
});
