import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from '../../lib/config/duration.js';

describe('parseGoDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['1h2m3s4ms', 3_723_004],
    ['100us', 0.1],
    ['100µs', 0.1],
    ['1000000ns', 1],
    ['0', 0],
    ['0s', 0],
    ['-1s', -1_000],
    ['+5m', 300_000],
    ['.5s', 500],
    [' 30s ', 30_000],
  ])('parses %s as %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '30', '1', 's', '1 s', '1d', '1sec', '30s ago', '1m-30s', 'abc', '1.2.3s', '-'])(
    'rejects %j like Go does',
    (text) => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );
});

describe('formatGoDuration', () => {
  it.each([
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [500, '500ms'],
    [0, '0s'],
    [30_000, '30s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
    expect(parseGoDuration(text)).toBe(ms);
  });
});
