import { describe, expect, it } from 'vitest';
import { MIB, mibToBytes, parseMemory } from '../../../lib/slurm/parse/memory.js';

describe('parseMemory', () => {
  it('reads binary unit suffixes', () => {
    expect(parseMemory('1K')).toBe(1024);
    expect(parseMemory('512M')).toBe(512 * 1024 ** 2);
    expect(parseMemory('8G')).toBe(8 * 1024 ** 3);
    expect(parseMemory('2T')).toBe(2 * 1024 ** 4);
    expect(parseMemory('1P')).toBe(1024 ** 5);
    expect(parseMemory('4g')).toBe(4 * 1024 ** 3);
  });

  it('reads decimals', () => {
    expect(parseMemory('22.50G')).toBe(22.5 * 1024 ** 3);
  });

  it('takes bare numbers in MiB by default', () => {
    expect(parseMemory('2000')).toBe(2000 * MIB);
    expect(parseMemory('2000', 'B')).toBe(2000);
  });

  it('keeps memory of 1 TiB and more exact (no 32-bit truncation)', () => {
    expect(parseMemory('1T')).toBe(1099511627776);
    expect(parseMemory('2052811M')).toBe(2052811 * 1048576);
    expect(parseMemory('1.5T')! > 2 ** 32).toBe(true);
    expect(mibToBytes(4_000_000)).toBe(4_000_000 * 1048576);
  });

  it('rejects text that is not a quantity', () => {
    expect(parseMemory('N/A')).toBeNull();
    expect(parseMemory('')).toBeNull();
    expect(parseMemory('12X')).toBeNull();
  });

  it('mibToBytes keeps null and Infinity', () => {
    expect(mibToBytes(null)).toBeNull();
    expect(mibToBytes(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});
