/**
 * Numerical faults: each produces a labelled result (a note the report prints as a warning) or a
 * clear refusal, never an exception or a silent number. The report side (warnings in
 * supplement.html, no NaN) is in the corpus cases report-*; here the results themselves.
 */
import { describe, expect, it } from 'vitest';
import { noteMessage } from '../../src/messages.ts';
import { analyze } from '../../src/results/analyze.ts';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { confidenceRegion, predictionRegion } from '../../src/stats/ellipse.ts';
import { fitBivariateGlmm } from '../../src/stats/glmm-bivariate.ts';
import { aucDeltaMethodCi, paucMadaGrid } from '../../src/stats/sroc.ts';
import { summaryMeasures } from '../../src/stats/summary-measures.ts';
import type { Counts } from '../../src/stats/types.ts';

const tables = (rows: number[][]): Counts[] => rows.map(([tp, fp, fn, tn]) => ({ tp: tp!, fp: fp!, fn: fn!, tn: tn! }));
const options = (method: 'glmm' | 'reitsma'): PooledOptions => ({ method, quadrature: 7, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 1 });
const messages = (notes: { code: string; detail?: Record<string, number | string | boolean | null> }[]) => notes.map((note) => noteMessage(note));

const RHO_PLUS = tables([[90, 5, 10, 95], [50, 50, 50, 50], [70, 20, 30, 80], [95, 2, 5, 98], [30, 70, 70, 30], [60, 35, 40, 65]]);
const RHO_MINUS = tables([[50, 5, 50, 95], [90, 40, 10, 60], [70, 20, 30, 80], [30, 2, 70, 98], [95, 60, 5, 40], [60, 10, 40, 90]]);
const IDENTICAL = tables(Array.from({ length: 5 }, () => [40, 10, 10, 40]));
const PERFECT = tables([[10, 0, 0, 40], [20, 0, 0, 60], [15, 0, 0, 50], [30, 0, 0, 70], [12, 0, 0, 33]]);
const SENS_100 = tables([[10, 2, 0, 40], [20, 5, 0, 60], [15, 3, 0, 50], [30, 4, 0, 70], [12, 1, 0, 33]]);

describe('boundary fits are labelled', () => {
  it.each(['glmm', 'reitsma'] as const)('%s: correlation at +1 and at -1', (method) => {
    for (const [counts, rho] of [[RHO_PLUS, 1], [RHO_MINUS, -1]] as const) {
      const pooled = poolStudies(counts, options(method));
      expect(pooled.rho).toBeCloseTo(rho, 6);
      expect(messages(pooled.model.notes)).toContain(`the between-study correlation is estimated at ${rho} (boundary ±1); its confidence interval is not estimable and the HSROC shape parameters are degenerate`);
    }
  });

  it.each(['glmm', 'reitsma'] as const)('%s: between-study variances at 0', (method) => {
    const pooled = poolStudies(IDENTICAL, options(method));
    expect(pooled.tau2.sens).toBeLessThan(1e-8);
    expect(messages(pooled.model.notes)).toEqual(expect.arrayContaining(['the between-study variance of sensitivity is estimated at 0 (boundary)', 'the between-study variance of specificity is estimated at 0 (boundary)']));
    expect(Number.isFinite(pooled.summary.sens.lo) && Number.isFinite(pooled.summary.sens.hi)).toBe(true);
  });

  it.each([
    [1, 'a single study: nothing is pooled; its own estimates are shown'],
    [2, 'only 2 studies: the bivariate model is not fitted; sensitivity, specificity, LRs and DOR are pooled separately (univariate REML)'],
    [3, 'only 3 studies: the bivariate model is not fitted; sensitivity, specificity, LRs and DOR are pooled separately (univariate REML)'],
  ])('k = %i: univariate pooling, labelled', (k, message) => {
    const pooled = poolStudies(RHO_MINUS.slice(0, k), options('glmm'));
    expect(pooled.model.method).toBe('univariate');
    expect(messages(pooled.model.notes)).toEqual([message]);
    for (const measure of [pooled.summary.sens, pooled.summary.spec]) expect([measure.est, measure.lo, measure.hi].every(Number.isFinite)).toBe(true);
  });
});

describe('no finite estimate: labelled, never thrown', () => {
  it('every sensitivity 100%: not converged, the diverging logit named', () => {
    const pooled = poolStudies(SENS_100, options('glmm'));
    expect(pooled.model.converged).toBe(false);
    expect(messages(pooled.model.notes)).toEqual(
      expect.arrayContaining([
        'the bivariate GLMM did not converge (optimiser: estimate of a pooled logit diverges (no finite ML estimate)); estimates are shown but should not be relied on',
        expect.stringMatching(/^the pooled sensitivity has no finite maximum-likelihood estimate/),
      ]),
    );
  });

  it('every study perfect (FP = FN = 0): both logits diverge; no partial AUC, with a note', () => {
    const pooled = poolStudies(PERFECT, options('glmm'));
    expect(pooled.model.converged).toBe(false);
    expect(messages(pooled.model.notes).filter((m) => m.includes('no finite maximum-likelihood estimate'))).toHaveLength(2);
    expect(pooled.pauc?.est).toBeNull();
    const pauc = paucMadaGrid({ mu: pooled.mu, tau2: pooled.tau2, covRe: pooled.covRe ?? 0 }, [0, 0]);
    expect(messages(pauc.notes)).toEqual(['no partial AUC: the studies do not span a range of false-positive rates (all at 0 or all at 1)']);
  });

  it('an AUC at its bound has no delta-method interval (a note, not NaN)', () => {
    const result = aucDeltaMethodCi({ mu: { sens: 60, spec: 60 }, tau2: { sens: 1, spec: 1 }, covRe: 0.5 }, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0.1, 0], [0, 0, 0, 0.1]], { scale: 'logSd' });
    expect(result.lo).toBeNull();
    expect(result.hi).toBeNull();
    expect(messages(result.notes)).toEqual(['no confidence interval for the AUC: the AUC is estimated at its bound (0 or 1)']);
  });

  it('a covariance that is not available gives estimates without intervals and no regions', () => {
    const nan: [[number, number], [number, number]] = [[Number.NaN, Number.NaN], [Number.NaN, Number.NaN]];
    const measures = summaryMeasures({ sens: 2, spec: 1 }, nan);
    expect(measures.sens.est).toBeCloseTo(0.8808, 4);
    expect(Number.isNaN(measures.sens.lo) && Number.isNaN(measures.dor.hi)).toBe(true);
    expect(confidenceRegion({ sens: 2, spec: 1 }, nan, { k: 5 }).points).toEqual([]);
    expect(messages(predictionRegion({ sens: 2, spec: 1 }, nan, [[1, 0], [0, 1]], { k: 5 }).notes)).toEqual(['no confidence or prediction region: the covariance of the pooled logits is not available']);
    // a finite covariance that is invalid is still a programming error
    expect(() => summaryMeasures({ sens: 2, spec: 1 }, [[-1, 0], [0, 1]])).toThrow(RangeError);
  });

  it('a fit where every optimiser fails stops within its evaluation budget, labelled', () => {
    // four 2x2 tables of one or two participants (as the parametric bootstrap simulates them)
    const started = performance.now();
    const fit = fitBivariateGlmm(tables([[1, 0, 0, 1], [1, 1, 0, 0], [0, 1, 1, 1], [0, 1, 2, 0]]), { quadrature: 7 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(fit.optimizer.evaluations).toBeLessThan(10_000); // took 33,000+ before the budget
    expect(fit.converged).toBe(false);
    expect(fit.notes[0]?.code).toBe('glmm-not-converged');
  });
});

describe('refusals', () => {
  // Reitsma with fewer usable tables than the regression needs: the subgroup is reported without a test.
  it('Reitsma subgroups with too few tables for the meta-regression', () => {
    const { spec } = loadSpec('title: T\nversion: 1\ndata: {file: d.csv}\nmodel: {method: reitsma}\nsubgroups: [group]\n', 'analysis.yaml');
    const studies = tables([[45, 5, 5, 45], [30, 8, 10, 52]]).map((counts, i) => ({ label: `S${i + 1}`, row: i + 1, counts, covariates: { group: i === 0 ? 'a' : 'b' }, fields: {} }));
    const results = analyze(spec!, { file: 'd.csv', studies, covariates: [{ name: 'group', label: 'Group', type: 'categorical', levels: ['a', 'b'], levelLabels: { a: 'a', b: 'b' } }], columns: [] }, 'x');
    expect(results.subgroups[0]?.metaRegression).toBeNull();
  });
});
