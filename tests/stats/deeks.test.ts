/** Deeks' funnel-plot asymmetry test vs the `deeks_funnel_test` blocks (R lm, tests/reference). */
import { describe, expect, it } from 'vitest';
import { deeksFunnelTest } from '../../src/stats/deeks.ts';
import { weightedLeastSquares } from '../../src/stats/linear-model.ts';
import { expectClose, referenceDatasets, referenceExpected, referenceRows } from '../helpers/reference.ts';

const TOL = { name: 'lm quantity (1e-8 relative, floor 1)', rel: 1e-8 };

describe.each(referenceDatasets())('deeksFunnelTest — %s', (name) => {
  it('matches deeks_funnel_test', () => {
    const x = referenceExpected(name).deeks_funnel_test;
    const r = deeksFunnelTest(referenceRows(name));
    expect(r.k).toBe(x.k);
    expect(r.df).toBe(x.df);
    for (const [ours, ref] of [
      [r.intercept, 'intercept'],
      [r.interceptSe, 'intercept_se'],
      [r.slope, 'slope'],
      [r.slopeSe, 'slope_se'],
      [r.slopeT, 'slope_t'],
      [r.slopeP, 'slope_p'],
      [r.sigma, 'sigma'],
    ] as const) {
      expectClose(`${name} deeks ${ref}`, ours, x[ref], TOL);
    }
    expect(r.points).toHaveLength(x.k);
    expect(r.line[0]!.lnDor).toBeCloseTo(r.intercept + r.slope * r.line[0]!.invSqrtEss, 12);
  });
});

describe('Deeks options and the WLS helper', () => {
  const rows = [
    { tp: 10, fn: 0, fp: 2, tn: 30 },
    { tp: 20, fn: 5, fp: 4, tn: 40 },
    { tp: 8, fn: 3, fp: 1, tn: 12 },
    { tp: 50, fn: 9, fp: 10, tn: 90 },
  ];
  it('midas-compatible ESS uses corrected counts', () => {
    const a = deeksFunnelTest(rows);
    const b = deeksFunnelTest(rows, { essFrom: 'corrected' });
    expect(a.points[0]!.ess).toBeCloseTo((4 * 10 * 32) / 42, 12);
    expect(b.points[0]!.ess).toBeCloseTo((4 * 11 * 33) / 44, 12);
    expect(a.correction.correctedStudies).toEqual([0]);
  });
  it("policy 'none' excludes zero-cell studies; too few studies throw", () => {
    const r = deeksFunnelTest(rows, { correction: 'none' });
    expect(r.k).toBe(3);
    expect(r.notes[0]).toEqual({ code: 'study_excluded', detail: { study: 0, reason: 'zero_cell_uncorrected' } });
    expect(() => deeksFunnelTest(rows.slice(0, 2))).toThrow(RangeError);
  });
  it('WLS reproduces an exact line and scale-invariant SEs', () => {
    const X = [1, 2, 3, 4, 5].map((v) => [1, v]);
    const y = [2.1, 3.9, 6.2, 7.8, 10.1];
    const a = weightedLeastSquares(X, y, [1, 2, 3, 4, 5]);
    const b = weightedLeastSquares(X, y, [10, 20, 30, 40, 50]);
    expect(a.se[1]).toBeCloseTo(b.se[1]!, 12);
    expect(a.coefficients[1]).toBeCloseTo(b.coefficients[1]!, 12);
    expect(() => weightedLeastSquares(X, y, [1, 2, 3, 4, 0])).toThrow(RangeError);
  });
});
