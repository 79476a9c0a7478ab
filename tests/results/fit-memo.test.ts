/**
 * The fit memo (src/results/fit-memo.ts): a fit asked for again in the same thread is answered
 * from the memo, and the answer is the one a new fit gives, bit for bit; a caller changing its
 * fit does not change later answers; any change of the inputs (a count, a group, the quadrature,
 * the order of the tables, 0 against −0 in a design) is a new fit.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { clearFitMemo, fitMemoCounters, memoizedFit } from '../../src/results/fit-memo.ts';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { fitNestedGlmm } from '../../src/stats/glmm-nested.ts';
import type { GroupedCounts } from '../../src/results/grouping.ts';
import { exactJson } from '../../src/output/hash.ts';

const options: PooledOptions = { method: 'glmm', quadrature: 7, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 20231201, structure: 'nested' };

// three studies with two or three tables each (grouped: the nested model)
const tables: GroupedCounts[] = [
  { tp: 48, fp: 3, fn: 2, tn: 47, group: 'a' }, { tp: 42, fp: 5, fn: 8, tn: 45, group: 'a' }, { tp: 36, fp: 0, fn: 14, tn: 50, group: 'a' },
  { tp: 80, fp: 12, fn: 9, tn: 140, group: 'b' }, { tp: 70, fp: 20, fn: 19, tn: 132, group: 'b' },
  { tp: 25, fp: 7, fn: 5, tn: 60, group: 'c' }, { tp: 27, fp: 4, fn: 3, tn: 63, group: 'c' },
  { tp: 150, fp: 30, fn: 22, tn: 300, group: 'd' }, { tp: 140, fp: 41, fn: 32, tn: 289, group: 'd' },
];

/** JSON with −0, NaN and ±Infinity kept, so that "equal" means equal bits for every number */
const exact = exactJson.stringify;

describe('fit memo', () => {
  beforeEach(() => {
    clearFitMemo();
    fitMemoCounters.computed = 0;
    fitMemoCounters.reused = 0;
  });

  it('answers a repeated fit with the bits of a new one', () => {
    const first = poolStudies(tables, options);
    expect(fitMemoCounters).toEqual({ computed: 1, reused: 0 });
    const second = poolStudies(tables.map((t) => ({ ...t })), options);
    expect(fitMemoCounters).toEqual({ computed: 1, reused: 1 });
    clearFitMemo();
    const fresh = poolStudies(tables, options);
    expect(fitMemoCounters.computed).toBe(2);
    expect(exact(second)).toBe(exact(fresh));
    expect(exact(first)).toBe(exact(fresh));
    expect(second.model.structure).toBe('nested');
  });

  it('gives each caller its own copy', () => {
    const a = memoizedFit('nested', tables.length, [tables], () => fitNestedGlmm([...tables], { groups: tables.map((t) => t.group as string) }));
    const expected = exact(a);
    a.mu.sens = 99;
    a.notes.push({ code: 'changed', detail: {} });
    const b = memoizedFit<typeof a>('nested', tables.length, [tables], () => { throw new Error('should have been reused'); });
    expect(exact(b)).toBe(expected);
    (b.vcov[0] as [number, number])[0] = -1;
    const c = memoizedFit<typeof a>('nested', tables.length, [tables], () => { throw new Error('should have been reused'); });
    expect(exact(c)).toBe(expected);
  });

  it('treats any change of the inputs as a new fit', () => {
    let computed = 0;
    const fit = (args: unknown[]) => memoizedFit('test', 9, args, () => ++computed);
    const base = [tables, 7, tables.map((t) => t.group), [[1, 0]]];
    fit(base);
    fit(base);
    expect(computed).toBe(1);
    fit([tables.map((t, i) => (i === 4 ? { ...t, tn: t.tn + 1 } : t)), 7, base[2], base[3]]); // one count
    fit([tables, 7, tables.map((t, i) => (i === 4 ? 'c' : t.group)), base[3]]); // one group
    fit([tables, 5, base[2], base[3]]); // quadrature
    fit([[...tables].reverse(), 7, base[2], base[3]]); // order of the tables
    fit([tables, 7, base[2], [[1, -0]]]); // −0 in a design
    fit([tables, '7', base[2], base[3]]); // a string is not the number
    expect(computed).toBe(7);
    expect(memoizedFit('other engine', 9, base, () => 'computed')).toBe('computed');
  });

  it('does not keep an answer that cannot be cloned', () => {
    let computed = 0;
    const answer = () => ({ value: ++computed, describe: () => 'a function cannot be cloned' });
    expect(memoizedFit('test', 1, ['same'], answer).value).toBe(1);
    expect(memoizedFit('test', 1, ['same'], answer).value).toBe(2);
  });

  it('does not keep fits of large data sets', () => {
    let computed = 0;
    memoizedFit('test', 201, ['same'], () => ++computed);
    memoizedFit('test', 201, ['same'], () => ++computed);
    expect(computed).toBe(2);
  });
});
