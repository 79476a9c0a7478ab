/**
 * Degenerate data get a labelled answer, never a confident wrong one (issue 13, section 5):
 * - a table with an empty arm is kept in the GLMM for the arm it has (against glmer,
 *   tests/fixtures-r/empty-arm.R) and left out of Deeks' test, with a note;
 * - Deeks' test on identical effective sample sizes or zero residual variance is not estimable;
 * - identical tables: the SROC shape (and its AUC) is not identified at any number of points;
 * - separated data: no raw floats, "not estimable" with the reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { deeksFunnelTest } from '../../src/stats/deeks.ts';
import { noteMessage } from '../../src/messages.ts';
import { formatInterval, formatRatio } from '../../src/format/numbers.ts';
import { expectClose } from '../helpers/reference.ts';

const options = (quadrature: number): PooledOptions => ({ method: 'glmm', quadrature, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 200, seed: 1 });
const identical = Array.from({ length: 8 }, () => ({ tp: 40, fp: 10, fn: 10, tn: 40 }));

describe('tables with an empty arm', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures-r/empty-arm.json', import.meta.url), 'utf8'));
  const counts = (fixture.counts as { tp: number; fp: number; fn: number; tn: number }[]).map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));
  it('are kept in the GLMM for the arm they have, as glmer does', () => {
    const pooled = poolStudies(counts, options(1));
    const r = fixture.glmer_laplace;
    expect(pooled.model.k).toBe(counts.length);
    expectClose('mu sens', pooled.mu.sens, r.mu[0], { name: 'pooled logit vs glmer (1e-5 absolute)', abs: 1e-5 });
    expectClose('mu spec', pooled.mu.spec, r.mu[1], { name: 'pooled logit vs glmer (1e-5 absolute)', abs: 1e-5 });
    expectClose('tau2 spec', pooled.tau2.spec, r.tau2[1], { name: 'variance vs glmer (1e-4 relative)', rel: 1e-4, floor: 0.1 });
    expectClose('logLik', pooled.model.logLik!, r.logLik, { name: 'logLik vs glmer (1e-5 absolute)', abs: 1e-5 });
    const note = pooled.model.notes.find((n) => n.code === 'single-arm-tables');
    expect(note?.detail).toMatchObject({ noDiseased: 1, noNonDiseased: 1 });
    expect(noteMessage(note!)).toBe(
      "2x2 tables with an empty arm (1 without diseased participants and 1 without non-diseased participants) are kept in the bivariate GLMM for the arm they have (as glmer does) and left out of Deeks' test, the bivariate box plot and residuals, and the per-table DOR and likelihood ratios, which need both arms",
    );
  });
  it("are left out of Deeks' test, saying so", () => {
    const deeks = deeksFunnelTest(counts);
    expect(deeks.k).toBe(counts.length - 2);
    expect(deeks.notes.filter((n) => n.code === 'study_excluded').map((n) => n.detail?.reason)).toEqual(['empty_arm', 'empty_arm']);
  });
});

describe("Deeks' test that cannot be estimated", () => {
  it('identical effective sample sizes: not estimable, never "small-study effects"', () => {
    const deeks = deeksFunnelTest(identical);
    expect(deeks.notEstimable).toBe('identical-ess');
    expect(deeks.slopeP).toBeNaN();
    expect(noteMessage(deeks.notes.at(-1)!)).toBe("Deeks' test is not estimable: every table has the same effective sample size, so there is no slope to test");
  });
  it('zero residual variance (a duplicated table and one other): not estimable', () => {
    const deeks = deeksFunnelTest([{ tp: 40, fp: 10, fn: 10, tn: 40 }, { tp: 40, fp: 10, fn: 10, tn: 40 }, { tp: 20, fp: 8, fn: 6, tn: 30 }]);
    expect(deeks.notEstimable).toBe('zero-residual-variance');
    expect(deeks.slopeP).toBeNaN();
  });
});

describe('identical tables: SROC shape not identified', () => {
  it.each([1, 5, 7])('no SROC curve and no AUC at %i point(s)', (quadrature) => {
    const pooled = poolStudies(identical, options(quadrature));
    expect(pooled.sroc).toBeNull();
    expect(pooled.auc).toMatchObject({ est: null, lo: null, hi: null });
    expect(pooled.auc!.notes.map((n) => n.code)).toContain('sroc_shape_not_identified');
    expect(pooled.summary.sens.est).toBeCloseTo(0.8, 6);
  });
});

describe('separated data: no raw floats', () => {
  const perfect = [10, 20, 15, 30, 12].map((n, i) => ({ tp: n, fp: 0, fn: 0, tn: 40 + 10 * i }));
  it('ratio measures with a diverging logit are not estimable, with the reason', () => {
    const pooled = poolStudies(perfect, options(7));
    for (const measure of ['dor', 'lrPositive', 'lrNegative'] as const) {
      expect(pooled.summary[measure].notEstimable, measure).toBe('no-finite-estimate');
      expect(formatInterval(pooled.summary[measure], 'ratio')).toBe('not estimable');
    }
  });
  it('huge numbers are typeset, never printed as a raw float', () => {
    expect(formatRatio(5.376214914345098e23)).toBe('5.38 × 10²³');
    expect(formatInterval({ est: 5.376214914345098e23, lo: 0, hi: Number.NaN }, 'ratio')).not.toMatch(/e\+/);
  });
});
