import { describe, expect, it } from 'vitest';
import { applyContinuityCorrection, hasZeroCell } from '../../src/stats/continuity.ts';
import { referenceDatasets, referenceExpected, referenceRows } from '../helpers/reference.ts';

const data = [
  { tp: 10, fp: 0, fn: 2, tn: 20 },
  { tp: 5, fp: 3, fn: 1, tn: 9 },
];

describe('applyContinuityCorrection', () => {
  it("'single' corrects only studies with a zero cell", () => {
    const r = applyContinuityCorrection(data, { policy: 'single' });
    expect(r.corrected).toEqual([true, false]);
    expect(r.counts[0]).toEqual({ tp: 10.5, fp: 0.5, fn: 2.5, tn: 20.5 });
    expect(r.counts[1]).toEqual(data[1]);
    expect(r.zeroCellStudies).toEqual([0]);
  });
  it("'all' corrects every study when any zero exists, none otherwise", () => {
    const r = applyContinuityCorrection(data, { policy: 'all', value: 0.25 });
    expect(r.corrected).toEqual([true, true]);
    expect(r.counts[1]).toEqual({ tp: 5.25, fp: 3.25, fn: 1.25, tn: 9.25 });
    const none = applyContinuityCorrection([data[1]!], { policy: 'all' });
    expect(none.corrected).toEqual([false]);
  });
  it("'none' leaves counts unchanged but reports zero cells", () => {
    const r = applyContinuityCorrection(data, { policy: 'none' });
    expect(r.counts).toEqual(data);
    expect(r.zeroCellStudies).toEqual([0]);
  });
  it('rejects negative counts and values', () => {
    expect(() => applyContinuityCorrection([{ tp: -1, fp: 0, fn: 0, tn: 0 }], { policy: 'none' })).toThrow(RangeError);
    expect(() => applyContinuityCorrection(data, { policy: 'single', value: -0.5 })).toThrow(RangeError);
  });
  it('finds the zero-cell studies listed in every reference dataset', () => {
    for (const name of referenceDatasets()) {
      const rows = referenceRows(name);
      const found = rows.filter(hasZeroCell).map((r) => r.study);
      expect(found, name).toEqual(referenceExpected(name).input.studies_with_zero_cell);
    }
  });
});
