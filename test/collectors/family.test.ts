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

  it('appends with add (no merge), in insertion order with the keyed samples, and checks its labels too', () => {
    const b = new FamilyBuilder(defs);
    b.set('t_two', { a: '1', b: '1' }, 1);
    b.add('t_two', { a: '2', b: '2' }, 2);
    b.add('t_two', { a: '3', b: '3' }, null);
    b.set('t_two', { a: '4', b: '4' }, 4);
    b.set('t_two', { b: '1', a: '1' }, 5);
    expect(b.families()[0]?.samples).toEqual([
      { labels: { b: '1', a: '1' }, value: 5 },
      { labels: { a: '2', b: '2' }, value: 2 },
      { labels: { a: '4', b: '4' }, value: 4 },
    ]);
    expect(() => b.add('t_two', { a: 'x' }, 1)).toThrow(/expects labels \[a,b\] but got \[a\]/);
    expect(() => b.add('t_two', { a: 'x', c: 'y' }, 1)).toThrow(/expects labels/);
    expect(() => b.add('t_two', { a: 'x', b: 'y', c: 'z' }, 1)).toThrow(/expects labels/);
    expect(() => b.add('t_other', {}, 1)).toThrow(/not declared/);
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
