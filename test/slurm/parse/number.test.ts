import { describe, expect, it } from 'vitest';
import {
  INFINITE,
  isNumberWrapper,
  minutesToSeconds,
  NO_VAL,
  unwrapLimit,
  unwrapNonNegative,
  unwrapNumber,
  unwrapTime,
} from '../../../lib/slurm/parse/number.js';

describe('unwrapNumber', () => {
  it('passes plain numbers through', () => {
    expect(unwrapNumber(42)).toBe(42);
    expect(unwrapNumber(0)).toBe(0);
    expect(unwrapNumber(1.5)).toBe(1.5);
  });

  it('decodes NUMBER wrappers: infinite wins, unset is null', () => {
    expect(unwrapNumber({ set: true, infinite: false, number: 7 })).toBe(7);
    expect(unwrapNumber({ set: false, infinite: false, number: 0 })).toBeNull();
    expect(unwrapNumber({ set: false, infinite: true, number: 0 })).toBe(Number.POSITIVE_INFINITY);
    expect(unwrapNumber({ set: true, infinite: true, number: 5 })).toBe(Number.POSITIVE_INFINITY);
    expect(unwrapNumber({ set: true })).toBeNull();
  });

  it('maps legacy sentinels', () => {
    expect(NO_VAL).toBe(4294967294);
    expect(unwrapNumber(4294967294)).toBeNull();
    expect(unwrapNumber(INFINITE)).toBe(Number.POSITIVE_INFINITY);
    // NO_VAL64 / INFINITE64 round to 2^64 once parsed as a double.
    expect(unwrapNumber(JSON.parse('18446744073709551614'))).toBeNull();
    // A large but real value (a priority near the top of uint32) is kept.
    expect(unwrapNumber(4294901759)).toBe(4294901759);
  });

  it('treats null, undefined and non-numbers as unset', () => {
    expect(unwrapNumber(null)).toBeNull();
    expect(unwrapNumber(undefined)).toBeNull();
    expect(unwrapNumber('12')).toBeNull();
  });

  it('recognises only exact wrapper objects', () => {
    expect(isNumberWrapper({ set: true, infinite: false, number: 1 })).toBe(true);
    expect(isNumberWrapper({ set: true, number: 1, extra: 2 })).toBe(false);
    expect(isNumberWrapper([1])).toBe(false);
  });
});

describe('variants', () => {
  it('unwrapNonNegative turns legacy negatives into null', () => {
    expect(unwrapNonNegative(-2)).toBeNull();
    expect(unwrapNonNegative(3)).toBe(3);
  });

  it('unwrapLimit reads -1 as unlimited', () => {
    expect(unwrapLimit(-1)).toBe(Number.POSITIVE_INFINITY);
    expect(unwrapLimit(-5)).toBeNull();
    expect(unwrapLimit(8)).toBe(8);
  });

  it('unwrapTime treats 0 as never', () => {
    expect(unwrapTime(0)).toBeNull();
    expect(unwrapTime({ set: true, infinite: false, number: 0 })).toBeNull();
    expect(unwrapTime({ set: true, infinite: false, number: 1700000000 })).toBe(1700000000);
  });

  it('minutesToSeconds keeps null and Infinity', () => {
    expect(minutesToSeconds(30)).toBe(1800);
    expect(minutesToSeconds(INFINITE)).toBe(Number.POSITIVE_INFINITY);
    expect(minutesToSeconds({ set: false, infinite: true })).toBe(Number.POSITIVE_INFINITY);
    expect(minutesToSeconds({ set: false })).toBeNull();
    expect(minutesToSeconds(NO_VAL)).toBeNull();
  });
});
