import { describe, expect, it } from 'vitest';
import { unwrapNumber } from '../../../lib/slurm/parse/number.js';
import {
  gpusFromTres,
  parseTres,
  parseTresGeneric,
  readJobTres,
  tresListToMap,
} from '../../../lib/slurm/parse/tres.js';

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

/** `count` TRES-like strings, Slurm-shaped or not (seeded, so every run checks the same ones). */
function generatedTres(count: number, spacedOneIn = 10): string[] {
  let seed = 20261125;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const pick = <T>(xs: readonly T[]) => xs[rnd(xs.length)] as T;
  const keys = [
    'cpu',
    'mem',
    'vmem',
    'node',
    'billing',
    'energy',
    'fs/disk',
    'bb/cray',
    'gres/gpu',
    'gres/gpu:h100',
    'gres/gpu:a100',
    'gres/gpumem',
    'license/matlab',
  ];
  const numbers = () =>
    pick([
      String(rnd(100_000)),
      `${rnd(1000)}.${rnd(100)}`,
      `${rnd(99)}.${rnd(1e6)}`,
      '0',
      '007',
      '4.',
      '.5',
      '1e3',
      '',
      'N/A',
      '123456789012345678',
      '0.1234567890123456',
    ]);
  const units = ['', '', 'K', 'M', 'G', 'T', 'P', 'E', 'g', 'm', 'B', 'GB', 'GiB', 'iB', 'X'];
  const spaces = ['', '', '', ' ', '\t'];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const spaced = rnd(spacedOneIn) === 0;
    const sp = () => (spaced ? pick(spaces) : '');
    const parts: string[] = [];
    for (let k = rnd(6); k >= 0; k--) {
      const shape = rnd(20);
      if (shape === 0) parts.push('junk');
      else if (shape === 1) parts.push(`=${rnd(9)}`);
      else if (shape === 2) parts.push(`${pick(keys)}=${rnd(9)}=${rnd(9)}`);
      else parts.push(`${sp()}${pick(keys)}${sp()}=${sp()}${numbers()}${pick(units)}${sp()}`);
    }
    out.push(parts.join(','));
  }
  return out;
}

describe('TRES fast paths', () => {
  // The in-place readers must agree with the generic split/RegExp parser on anything.
  const texts = generatedTres(5000);

  it("parseTres gives the generic parser's result for 5 000 generated strings", () => {
    for (const text of texts) expect(parseTres(text), text).toEqual(parseTresGeneric(text));
    // Most take the fast path (no whitespace), so it is what was compared.
    expect(texts.filter((t) => !/\s/.test(t)).length).toBeGreaterThan(4000);
  });

  it('readJobTres gives parseTres(text).mem and gpusFromTres(parseTres(text)) for the same strings', () => {
    const into = { mem: null, gpus: null };
    let withGpus = 0;
    for (const text of [
      ...texts,
      ...generatedTres(3000, 2),
      '',
      'cpu=4,mem=2G,gres/gpu:h100=2,gres/gpu:a100=1',
      'gres/gpu= 1.5',
      'mem= 2G,gres/gpu:a=\t2.5 ',
    ]) {
      const tres = parseTres(text);
      const r = readJobTres(text, into);
      expect({ mem: r.mem, gpus: r.gpus }, text).toEqual({ mem: tres.mem ?? null, gpus: gpusFromTres(tres) });
      if (r.gpus !== null) withGpus++;
    }
    expect(withGpus).toBeGreaterThan(1000);
    expect(readJobTres(null, into)).toEqual({ mem: null, gpus: null });
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
