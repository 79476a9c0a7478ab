/** What changed between two versions (src/output/compare.ts), on hand-made results. */
import { describe, expect, it } from 'vitest';
import { compareVersions, type ComparableResults } from '../../src/output/compare.ts';

const interval = (est: number | null) => ({ est, lo: est === null ? null : est - 0.05, hi: est === null ? null : est + 0.05 });
const results = (version: string, studies: ComparableResults['studies'], sens: number | null): ComparableResults => ({
  analysis: { name: 'x', title: 'X', version },
  level: 0.95,
  k: studies.length,
  totals: { participants: studies.reduce((n, s) => n + s.counts.tp + s.counts.fp + s.counts.fn + s.counts.tn, 0), groups: studies.length },
  studies,
  pooled: {
    model: { method: 'univariate', label: 'univariate' },
    summary: { sens: interval(sens), spec: interval(0.9), lrPositive: interval(5), lrNegative: interval(0.2), dor: interval(25) },
    auc: null,
  },
});
const study = (label: string, tp: number) => ({ label, counts: { tp, fp: 1, fn: 2, tn: 10 } });

describe('compareVersions', () => {
  const before = results('1', [study('A', 5), study('B', 6), study('C', 7)], 0.8);
  const after = results('2', [study('A', 5), study('C', 8), study('D', 9)], null);
  const changes = compareVersions(
    { results: before, date: '2020-01-01', figures: [{ id: 'forest', title: 'Forest', svg: 'a' }, { id: 'sroc', title: 'SROC', svg: 'b' }, { id: 'old', title: 'Old', svg: 'c' }] },
    { results: after, date: '2021-01-01', figures: [{ id: 'forest', title: 'Forest', svg: 'a2' }, { id: 'sroc', title: 'SROC', svg: 'b' }, { id: 'new', title: 'New', svg: 'd' }] },
  );

  it('matches tables by label: added, removed, changed counts, unchanged', () => {
    expect(changes.studies.added).toEqual([{ label: 'D', after: { tp: 9, fp: 1, fn: 2, tn: 10 } }]);
    expect(changes.studies.removed).toEqual([{ label: 'B', before: { tp: 6, fp: 1, fn: 2, tn: 10 } }]);
    expect(changes.studies.changed).toEqual([{ label: 'C', before: { tp: 7, fp: 1, fn: 2, tn: 10 }, after: { tp: 8, fp: 1, fn: 2, tn: 10 } }]);
    expect(changes.studies.unchanged).toBe(1);
    expect([changes.before.date, changes.after.date]).toEqual(['2020-01-01', '2021-01-01']);
  });

  it('gives every pooled estimate before and after; missing ones are null', () => {
    expect(changes.estimates.find((e) => e.measure === 'sens')).toEqual({ measure: 'sens', before: { est: 0.8, lo: 0.75, hi: 0.8500000000000001 }, after: null });
    expect(changes.estimates.find((e) => e.measure === 'auc')).toEqual({ measure: 'auc', before: null, after: null });
  });

  it('lists figures whose SVG changed, new ones and dropped ones', () => {
    expect(changes.figures).toEqual([
      { id: 'forest', title: 'Forest', change: 'changed' },
      { id: 'new', title: 'New', change: 'added' },
      { id: 'old', title: 'Old', change: 'removed' },
    ]);
    expect(changes.figuresUnchanged).toBe(1);
  });
});
