import { describe, expect, it } from 'vitest';
import { StateTotalsTable } from '../../lib/collectors/state-totals.js';

describe('StateTotalsTable', () => {
  it('sums like a map of maps, in first-seen value order, while growing rows and widening states', () => {
    // Starts with room for 2 states and 64 values; the input has 9 states and 500 values.
    const table = new StateTotalsTable(2);
    const oracle = new Map<
      string,
      Map<number, { count: number; cpus: number; memory: number; gpus: number }>
    >();
    let seed = 7;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let n = 0; n < 20_000; n++) {
      const value = `user${rnd(500)}`;
      const state = n < 10_000 ? rnd(3) : rnd(9); // later jobs bring new states (widening with data present)
      const cpus = rnd(64);
      const memory = rnd(1000) * 2 ** 30;
      const gpus = rnd(3);
      table.add(value, state, cpus, memory, gpus);
      let row = oracle.get(value);
      if (!row) {
        row = new Map();
        oracle.set(value, row);
      }
      const t = row.get(state) ?? { count: 0, cpus: 0, memory: 0, gpus: 0 };
      row.set(state, {
        count: t.count + 1,
        cpus: t.cpus + cpus,
        memory: t.memory + memory,
        gpus: t.gpus + gpus,
      });
    }
    const expected = [...oracle].flatMap(([value, row]) =>
      [...row].sort((a, b) => a[0] - b[0]).map(([state, t]) => [value, state, t]),
    );
    expect([...table.entries()]).toEqual(expected);
    expect(expected.length).toBeGreaterThan(2000);
  });

  it('keeps a state whose totals are all zero but that received jobs', () => {
    const table = new StateTotalsTable(4);
    table.add('', 3, 0, 0, 0);
    expect([...table.entries()]).toEqual([['', 3, { count: 1, cpus: 0, memory: 0, gpus: 0 }]]);
  });
});
