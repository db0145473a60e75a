import { describe, expect, it } from 'vitest';
import { nodeGres, parseGres } from '../../../lib/slurm/parse/gres.js';

describe('parseGres', () => {
  it('parses untyped and typed lists', () => {
    expect(parseGres('gpu:4')).toEqual([{ name: 'gpu', type: '', count: 4 }]);
    expect(parseGres('gpu:h100:2,gpu:h200:4')).toEqual([
      { name: 'gpu', type: 'h100', count: 2 },
      { name: 'gpu', type: 'h200', count: 4 },
    ]);
  });

  it('drops socket and index annotations, including commas inside IDX ranges', () => {
    expect(parseGres('gpu:nvidia_a100_80gb_pcie:8(S:0-1)')).toEqual([
      { name: 'gpu', type: 'nvidia_a100_80gb_pcie', count: 8 },
    ]);
    expect(parseGres('gpu:1g.10gb:9(IDX:0-3,5-9),gpu:h100:0(IDX:N/A)')).toEqual([
      { name: 'gpu', type: '1g.10gb', count: 9 },
      { name: 'gpu', type: 'h100', count: 0 },
    ]);
  });

  it('reads MIG profile names as types', () => {
    expect(parseGres('gpu:1g.10gb:21(S:1)')).toEqual([{ name: 'gpu', type: '1g.10gb', count: 21 }]);
  });

  it('treats N/A, (null) and empty as none', () => {
    expect(parseGres('N/A')).toEqual([]);
    expect(parseGres('(null)')).toEqual([]);
    expect(parseGres('')).toEqual([]);
    expect(parseGres(undefined)).toEqual([]);
  });

  it('reads a missing count as one and suffixed counts', () => {
    expect(parseGres('gpu:h100')).toEqual([{ name: 'gpu', type: 'h100', count: 1 }]);
    expect(parseGres('shard:1K')).toEqual([{ name: 'shard', type: '', count: 1024 }]);
  });
});

describe('nodeGres', () => {
  it('merges totals with used counts per type', () => {
    expect(
      nodeGres({ gres: 'gpu:h100:2,gpu:h200:4', gresUsed: 'gpu:h100:1(IDX:0),gpu:h200:0(IDX:N/A)' }),
    ).toEqual([
      { name: 'gpu', type: 'h100', total: 2, allocated: 1 },
      { name: 'gpu', type: 'h200', total: 4, allocated: 0 },
    ]);
  });

  it('drops zero used entries of a node without GRES', () => {
    expect(nodeGres({ gres: '', gresUsed: 'gpu:0' })).toEqual([]);
  });

  it('attaches an untyped used count to the only total of that name', () => {
    expect(nodeGres({ gres: 'gpu:h100:4', gresUsed: 'gpu:2' })).toEqual([
      { name: 'gpu', type: 'h100', total: 4, allocated: 2 },
    ]);
  });

  it('falls back to TRES strings when gres strings are absent', () => {
    expect(nodeGres({ tres: 'cpu=8,mem=1G,gres/gpu=4', tresUsed: 'cpu=2,gres/gpu=1' })).toEqual([
      { name: 'gpu', type: '', total: 4, allocated: 1 },
    ]);
    expect(
      nodeGres({ tres: 'cpu=8,gres/gpu=4,gres/gpu:a100=4', tresUsed: 'gres/gpu=3,gres/gpu:a100=3' }),
    ).toEqual([{ name: 'gpu', type: 'a100', total: 4, allocated: 3 }]);
  });
});
