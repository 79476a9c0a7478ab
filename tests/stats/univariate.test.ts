/** Univariate FE / DL / REML pooling vs metafor::rma.uni (`univariate` blocks of tests/reference). */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { effectSizes, poolUnivariate, univariateMetaAnalysis, type UnivariateEstimator, type UnivariateMeasure } from '../../src/stats/univariate.ts';
import { expectClose, referenceDatasets, referenceExpected, referenceRows } from '../helpers/reference.ts';

const TOL = { name: 'rma.uni quantity (1e-6 relative, floor 1)', rel: 1e-6 };
const P_TOL = { name: 'p-value (1e-6 relative, floor 1e-12)', rel: 1e-6, floor: 1e-12 };

const cases: [string, UnivariateMeasure, UnivariateEstimator][] = [
  ['lndor_dl', 'logDor', 'DL'],
  ['lndor_reml', 'logDor', 'REML'],
  ['logit_sens_dl', 'logitSens', 'DL'],
  ['logit_sens_reml', 'logitSens', 'REML'],
  ['logit_spec_dl', 'logitSpec', 'DL'],
  ['logit_spec_reml', 'logitSpec', 'REML'],
  ['fixed_effect.lndor', 'logDor', 'FE'],
  ['fixed_effect.logit_sens', 'logitSens', 'FE'],
  ['fixed_effect.logit_spec', 'logitSpec', 'FE'],
];

describe.each(referenceDatasets())('univariateMetaAnalysis — %s', (name) => {
  const rows = referenceRows(name);
  const uni = referenceExpected(name).univariate;
  it.each(cases)('matches univariate.%s', (path, measure, estimator) => {
    const x = path.split('.').reduce((o, k) => o[k], uni);
    const ctx = `${name} univariate.${path}`;
    // metafor stops REML Fisher scoring when |Δτ²| < 1e-5; reproduce its iterations exactly
    const r = univariateMetaAnalysis(rows, measure, { estimator, tolerance: 1e-5 });
    const converged = univariateMetaAnalysis(rows, measure, { estimator });
    expectClose(`${ctx} fully converged tau2`, converged.tau2, x.tau2, { name: 'metafor threshold (1e-5 absolute)', abs: 1e-5 });
    expect(r.k, ctx).toBe(x.k);
    expect(r.converged, ctx).toBe(true);
    expectClose(`${ctx} est`, r.est, x.est, TOL);
    expectClose(`${ctx} se`, r.se, x.se, TOL);
    expectClose(`${ctx} ci_lo`, r.lo, x.ci_lo, TOL);
    expectClose(`${ctx} ci_hi`, r.hi, x.ci_hi, TOL);
    expectClose(`${ctx} z`, r.z, x.z, TOL);
    expectClose(`${ctx} p`, r.p, x.p, P_TOL);
    expectClose(`${ctx} back est`, r.backTransformed.est, x.back_transformed.est, TOL);
    expectClose(`${ctx} back lo`, r.backTransformed.lo, x.back_transformed.ci_lo, TOL);
    expectClose(`${ctx} back hi`, r.backTransformed.hi, x.back_transformed.ci_hi, TOL);
    expectClose(`${ctx} tau2`, r.tau2, x.tau2, TOL);
    if (x.se_tau2 !== null) expectClose(`${ctx} se_tau2`, r.seTau2!, x.se_tau2, TOL);
    expectClose(`${ctx} Q`, r.Q, x.Q, TOL);
    expect(r.df).toBe(x.Q_df);
    expectClose(`${ctx} Q_p`, r.pQ!, x.Q_p, P_TOL);
    expectClose(`${ctx} I2 (%)`, 100 * r.I2!, x.I2, TOL);
    expectClose(`${ctx} H2`, r.H2!, x.H2, TOL);
  });
});

describe('univariate details', () => {
  it('logit sens correction is arm-level; lnDOR correction is study-level', () => {
    const rows = [
      { tp: 0, fn: 10, fp: 3, tn: 20 },
      { tp: 5, fn: 5, fp: 0, tn: 20 },
    ];
    expect(effectSizes(rows, 'logitSens').correctedStudies).toEqual([0]);
    expect(effectSizes(rows, 'logitSpec').correctedStudies).toEqual([1]);
    expect(effectSizes(rows, 'logDor').correctedStudies).toEqual([0, 1]);
  });
  it('LR measures follow the midas formulas', () => {
    const c = { tp: 40, fn: 10, fp: 5, tn: 45 };
    const pos = effectSizes([c], 'logLrPos');
    const neg = effectSizes([c], 'logLrNeg');
    expect(pos.yi[0]).toBeCloseTo(Math.log(0.8 / 0.1), 14);
    expect(pos.vi[0]).toBeCloseTo(1 / 40 + 1 / 5 - 1 / 50 - 1 / 50, 14);
    expect(neg.yi[0]).toBeCloseTo(Math.log(0.2 / 0.9), 14);
    expect(neg.vi[0]).toBeCloseTo(1 / 10 + 1 / 45 - 1 / 50 - 1 / 50, 14);
  });
  it('pools LR+ and LR- of a reference dataset without error', () => {
    const rows = referenceRows('dementia');
    for (const m of ['logLrPos', 'logLrNeg'] as const) {
      const r = univariateMetaAnalysis(rows, m, { estimator: 'REML' });
      expect(r.converged).toBe(true);
      expect(r.backTransformed.lo).toBeLessThan(r.backTransformed.est);
    }
  });
  it('handles a single study and rejects empty input', () => {
    const r = poolUnivariate([1.2], [0.1]);
    expect(r.df).toBe(0);
    expect(r.I2).toBeNull();
    expect(r.notes[0]?.code).toBe('single_study');
    expect(() => poolUnivariate([], [])).toThrow(RangeError);
  });
});

describe('LR+ and LR- pooling vs an independent base-R implementation (tests/fixtures-r/univariate-lr.R)', () => {
  const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures-r', 'univariate-lr.json'), 'utf8'));
  const REML_TOL = { name: 'REML by optimize() vs Fisher scoring (1e-6 relative, floor 1)', rel: 1e-6 };
  describe.each(referenceDatasets())('%s', (name) => {
    const rows = referenceRows(name);
    it.each([
      ['log_lr_pos', 'logLrPos'],
      ['log_lr_neg', 'logLrNeg'],
    ] as const)('%s: FE, DL, REML', (key, measure) => {
      const x = fixture.datasets[name][key];
      for (const estimator of ['FE', 'DL', 'REML'] as const) {
        const r = univariateMetaAnalysis(rows, measure, { estimator });
        const e = x[estimator];
        const ctx = `${name} ${key} ${estimator}`;
        const tol = estimator === 'REML' ? REML_TOL : TOL;
        expectClose(`${ctx} est`, r.est, e.est, tol);
        expectClose(`${ctx} se`, r.se, e.se, tol);
        expectClose(`${ctx} ci_lo`, r.lo, e.ci_lo, tol);
        expectClose(`${ctx} ci_hi`, r.hi, e.ci_hi, tol);
        expectClose(`${ctx} tau2`, r.tau2, e.tau2, tol);
        expectClose(`${ctx} I2`, r.I2!, e.I2, tol);
        expectClose(`${ctx} Q`, r.Q, x.Q, TOL);
        expectClose(`${ctx} Q_p`, r.pQ!, x.Q_p, P_TOL);
      }
    });
  });
});
