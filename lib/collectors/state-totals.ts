/**
 * Job totals (count, CPUs, memory, GPUs) by a label value and a state index, summed while `/jobs` streams.
 * One Float64Array per table instead of a Map of arrays of small objects: each job updates four tables, and
 * with thousands of users the rows and objects were scattered over the heap, so those updates were mostly
 * waits on memory (~0.4 µs per job in the profile). A value costs one Map entry and `states × 4` doubles.
 */

/** count, cpus, memory (bytes), gpus */
const FIELDS = 4;

export interface StateTotals {
  count: number;
  cpus: number;
  memory: number;
  gpus: number;
}

export class StateTotalsTable {
  private readonly index = new Map<string, number>();
  private readonly values: string[] = [];
  /** Row stride in states: grows (the table is re-laid) when a state index reaches it. */
  private states: number;
  private data: Float64Array;

  constructor(states = 16) {
    this.states = Math.max(1, states);
    this.data = new Float64Array(64 * this.states * FIELDS);
  }

  add(value: string, state: number, cpus: number, memory: number, gpus: number): void {
    if (state >= this.states) this.widen(state + 1);
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.push(value) - 1;
      this.index.set(value, i);
      if ((i + 1) * this.states * FIELDS > this.data.length) this.grow();
    }
    const d = this.data;
    const o = (i * this.states + state) * FIELDS;
    d[o] = (d[o] as number) + 1;
    d[o + 1] = (d[o + 1] as number) + cpus;
    d[o + 2] = (d[o + 2] as number) + memory;
    d[o + 3] = (d[o + 3] as number) + gpus;
  }

  /** Every (value, state) that received a job, values in first-seen order, states ascending. */
  *entries(): Generator<[value: string, state: number, totals: StateTotals]> {
    const d = this.data;
    for (let i = 0; i < this.values.length; i++) {
      for (let s = 0; s < this.states; s++) {
        const o = (i * this.states + s) * FIELDS;
        if (d[o] === 0) continue;
        yield [
          this.values[i] as string,
          s,
          {
            count: d[o] as number,
            cpus: d[o + 1] as number,
            memory: d[o + 2] as number,
            gpus: d[o + 3] as number,
          },
        ];
      }
    }
  }

  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }

  private widen(states: number): void {
    const wider = Math.max(states, this.states * 2);
    const rows = Math.max(64, this.values.length * 2);
    const next = new Float64Array(rows * wider * FIELDS);
    for (let i = 0; i < this.values.length; i++) {
      next.set(
        this.data.subarray(i * this.states * FIELDS, (i + 1) * this.states * FIELDS),
        i * wider * FIELDS,
      );
    }
    this.states = wider;
    this.data = next;
  }
}
