import { describe, expect, it } from 'vitest';
import { unwrapNumber } from '../../../lib/slurm/parse/number.js';
import { gpusFromTres, parseTres, tresListToMap } from '../../../lib/slurm/parse/tres.js';

describe('parseTres', () => {
  it('parses a job TRES string with memory in bytes', () => {
    expect(parseTres('cpu=4,mem=2G,node=1,billing=4')).toEqual({
      cpu: 4,
      mem: 2 * 1024 ** 3,
      node: 1,
      billing: 4,
    });
  });

  it('parses decimal memory and GPUs by type', () => {
    const t = parseTres('cpu=45,mem=22.50G,gres/gpu=3,gres/gpu:h100=1,gres/gpu:a100=2');
    expect(t.mem).toBe(22.5 * 1024 ** 3);
    expect(t['gres/gpu:h100']).toBe(1);
    expect(gpusFromTres(t)).toBe(3);
  });

  it('sums typed GPUs when the untyped total is absent', () => {
    expect(gpusFromTres(parseTres('cpu=1,gres/gpu:h100=2,gres/gpu:h200=4'))).toBe(6);
    expect(gpusFromTres(parseTres('cpu=1,mem=1M'))).toBeNull();
  });

  it('keeps memory of several TiB exact', () => {
    expect(parseTres('mem=1.50T').mem).toBe(1.5 * 1024 ** 4);
    expect(parseTres('mem=2052811M').mem).toBe(2052811 * 1048576);
  });

  it('ignores empty and malformed parts', () => {
    expect(parseTres('')).toEqual({});
    expect(parseTres(null)).toEqual({});
    expect(parseTres('cpu=2,junk,=3,mem=N/A')).toEqual({ cpu: 2 });
  });
});

describe('tresListToMap', () => {
  it('keys by type or type/name, memory MiB in bytes, skips unset counts', () => {
    const map = tresListToMap(
      [
        { type: 'cpu', name: '', count: 8 },
        { type: 'mem', name: null, count: 1024 },
        { type: 'gres', name: 'gpu', count: { set: true, infinite: false, number: 2 } },
        { type: 'energy', name: '', count: -2 },
        { type: 'node', name: '', count: { set: false } },
      ],
      unwrapNumber,
    );
    expect(map).toEqual({ cpu: 8, mem: 1024 * 1048576, 'gres/gpu': 2 });
  });
});
