import { describe, expect, it } from 'vitest';
import { FamilyBuilder, metric, SeriesBudget } from '../../lib/collectors/family.js';

const defs = [
  metric('t_two', 'gauge', 'two labels', ['a', 'b'], ['nodes']),
  metric('t_none', 'gauge', 'no labels', [], ['nodes']),
];

describe('FamilyBuilder', () => {
  it('refuses undeclared metrics and label sets that differ from the declaration', () => {
    const b = new FamilyBuilder(defs);
    expect(() => b.set('t_other', {}, 1)).toThrow(/not declared/);
    expect(() => b.set('t_two', { a: 'x' }, 1)).toThrow(/expects labels \[a,b\]/);
    expect(() => b.set('t_two', { a: 'x', c: 'y' }, 1)).toThrow(/expects labels/);
  });

  it('sums with inc, keeps the max with max, and skips null values', () => {
    const b = new FamilyBuilder(defs);
    b.inc('t_none', {}, 2);
    b.inc('t_none', {}, 3);
    b.max('t_two', { a: '1', b: '2' }, 4);
    b.max('t_two', { a: '1', b: '2' }, 1);
    b.set('t_two', { a: 'n', b: 'n' }, null);
    const out = b.families();
    expect(out.find((f) => f.name === 't_none')?.samples).toEqual([{ labels: {}, value: 5 }]);
    expect(out.find((f) => f.name === 't_two')?.samples).toEqual([{ labels: { a: '1', b: '2' }, value: 4 }]);
  });

  it('never merges label sets whose values contain the key separator', () => {
    const b = new FamilyBuilder(defs);
    b.inc('t_two', { a: 'x\u0000y', b: 'z' });
    b.inc('t_two', { a: 'x', b: 'y\u0000z' });
    b.inc('t_two', { a: '', b: '[null]' });
    expect(b.families()[0]?.samples).toHaveLength(3);
  });
});

describe('SeriesBudget', () => {
  it('grants series up to the cap and counts everything refused', () => {
    const budget = new SeriesBudget(10);
    expect(budget.take(6)).toBe(true);
    expect(budget.take(6)).toBe(false);
    expect(budget.take(4)).toBe(true);
    expect(budget.take(1)).toBe(false);
    expect(budget.dropped).toBe(7);
  });
});
