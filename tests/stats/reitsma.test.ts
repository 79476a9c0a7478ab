/**
 * Reitsma bivariate normal approximation vs metafor::rma.mv and mada::reitsma (tests/reference).
 * The reference engines stop their optimisers at ~1e-6; our fit reaches the optimum to ~1e-10 (the
 * rma.mv logLik agrees to ~1e-9), so the tolerances below reflect the references' own precision.
 */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitReitsma, reitsmaPredict, type ReitsmaOptions } from '../../src/stats/reitsma.ts';
import { categoricalDesign, continuousDesign } from '../../src/stats/design.ts';
import { chiSquareUpperTail } from '../../src/stats/distributions.ts';
import { expectClose, referenceDatasets, referenceExpected, referenceRows } from '../helpers/reference.ts';

const MU = { name: 'pooled logit / coefficient (1e-5 relative, floor 1)', rel: 1e-5 };
const SE = { name: 'standard error / covariance of the means (1e-5 relative, floor 1)', rel: 1e-5 };
const VC = { name: 'variance component (1e-4 relative, floor 1)', rel: 1e-4 };
const LL = { name: 'log-likelihood (1e-6 absolute)', abs: 1e-6 };
const STAT = { name: 'test statistic (1e-5 relative, floor 1)', rel: 1e-5 };
// Wald QM of a meta-regression inherits the references' optimiser noise in tau2 (~1e-5 relative)
const QM = { name: 'Wald statistic (1e-4 relative, floor 1)', rel: 1e-4 };

const blocks: [string, ReitsmaOptions, 'metafor' | 'mada'][] = [
  ['reitsma_rmamv_reml_corr_all', {}, 'metafor'],
  ['reitsma_rmamv_reml_corr_single', { correction: 'single' }, 'metafor'],
  ['reitsma_rmamv_ml_corr_all', { method: 'ml' }, 'metafor'],
  ['reitsma_mada_reml', {}, 'mada'],
];

describe.each(referenceDatasets())('fitReitsma — %s', (name) => {
  const rows = referenceRows(name);
  const expected = referenceExpected(name);

  it.each(blocks)('matches %s', (block, options, convention) => {
    const x = expected[block];
    const r = fitReitsma(rows, options);
    const ctx = `${name} ${block}`;
    expect(r.converged, `${ctx} converged`).toBe(true);
    expect(r.k, ctx).toBe(x.k_used);
    expectClose(`${ctx} mu_logit_sens`, r.mu.sens, x.mu_logit_sens, MU);
    expectClose(`${ctx} mu_logit_spec`, r.mu.spec, x.mu_logit_spec, MU);
    expectClose(`${ctx} se_logit_sens`, r.se.sens, x.se_logit_sens, SE);
    expectClose(`${ctx} se_logit_spec`, r.se.spec, x.se_logit_spec, SE);
    expectClose(`${ctx} cov_mu_sens_spec`, r.vcov[0][1], x.cov_mu_sens_spec, SE);
    expectClose(`${ctx} tau2_sens`, r.tau2.sens, x.tau2_sens, VC);
    expectClose(`${ctx} tau2_spec`, r.tau2.spec, x.tau2_spec, VC);
    expectClose(`${ctx} cov_re`, r.covRe, x.cov_re, VC);
    expectClose(`${ctx} rho`, r.rho ?? Number.NaN, x.rho, VC);
    expectClose(`${ctx} logLik (${convention})`, convention === 'mada' ? r.logLikMada : r.logLik, x.logLik, LL);
    if (x.QE !== undefined) expectClose(`${ctx} QE`, r.residualHeterogeneity.statistic, x.QE, STAT);
    expect(r.correction.policy).toBe(options.correction ?? 'all');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  const metaRegression = Object.entries<any>(expected.meta_regression ?? {});
  it.runIf(metaRegression.length > 0)('matches every meta_regression.<covariate> block (rma.mv REML, ML LRT, mada)', () => {
    for (const [covariate, m] of metaRegression) {
      const values = rows.map((r) => r.covariates[covariate]);
      const design =
        m.type === 'continuous' ? continuousDesign(values.map(Number)) : categoricalDesign(values, m.reference ?? undefined);
      const ps = design.names.length;
      const fit = fitReitsma(rows, { design });
      const ctx = `${name} meta_regression.${covariate}`;
      const x = m.rma_mv_reml;
      expect(fit.converged, ctx).toBe(true);
      // rma.mv order: sens, spec, sens__c1, spec__c1, ...; ours: sens terms then spec terms
      x.fixed.names.forEach((label: string, i: number) => {
        const j = (i % 2 === 0 ? 0 : ps) + Math.floor(i / 2);
        // meta-regression intercepts can be far extrapolations (year 0): judge relative to max(1, SE)
        expectClose(`${ctx} rma_mv_reml ${label} est`, fit.coefficients.est[j]!, x.fixed.est[i], { ...MU, floor: Math.max(1, x.fixed.se[i]) });
        expectClose(`${ctx} rma_mv_reml ${label} se`, fit.coefficients.se[j]!, x.fixed.se[i], SE);
      });
      expectClose(`${ctx} rma_mv_reml tau2_sens`, fit.tau2.sens, x.tau2_sens, VC);
      expectClose(`${ctx} rma_mv_reml tau2_spec`, fit.tau2.spec, x.tau2_spec, VC);
      expectClose(`${ctx} rma_mv_reml rho`, fit.rho ?? Number.NaN, x.rho, VC);
      expectClose(`${ctx} rma_mv_reml logLik`, fit.logLik, x.logLik, LL);
      expectClose(`${ctx} rma_mv_reml QE`, fit.residualHeterogeneity.statistic, x.QE, STAT);
      expectClose(`${ctx} rma_mv_reml QM`, fit.covariateTest?.statistic ?? Number.NaN, x.wald_covariate.QM, QM);
      expect(fit.covariateTest?.df, ctx).toBe(x.wald_covariate.df);
      expectClose(`${ctx} rma_mv_reml QM p`, fit.covariateTest?.p ?? Number.NaN, x.wald_covariate.p, { name: 'p-value (2e-5 absolute; follows QM)', abs: 2e-5 });
      expectClose(`${ctx} chi-square p of the reference QM`, chiSquareUpperTail(x.wald_covariate.QM, x.wald_covariate.df), x.wald_covariate.p, { name: 'p-value (1e-12 absolute)', abs: 1e-12 });

      // mada REML: names sens__(Intercept), sens__cv..., spec__...; same order as ours
      m.mada_reml.fixed.est.forEach((est: number, j: number) => {
        expectClose(`${ctx} mada_reml coef ${m.mada_reml.fixed.names[j]}`, fit.coefficients.est[j]!, est, { ...MU, floor: Math.max(1, m.mada_reml.fixed.se[j]) });
      });
      expectClose(`${ctx} mada_reml logLik`, fit.logLikMada, m.mada_reml.logLik, LL);

      // ML likelihood-ratio test (rma.mv and mada conventions)
      const ml0 = fitReitsma(rows, { method: 'ml' });
      const ml1 = fitReitsma(rows, { method: 'ml', design });
      const lrt = m.rma_mv_ml_lrt;
      expectClose(`${ctx} ML logLik without`, ml0.logLik, lrt.logLik_without, LL);
      expectClose(`${ctx} ML logLik with`, ml1.logLik, lrt.logLik_with, LL);
      expectClose(`${ctx} ML LRT statistic`, 2 * (ml1.logLik - ml0.logLik), lrt.statistic, { name: 'LRT (2e-6 absolute)', abs: 2e-6 });
      lrt.coef_ml.forEach((est: number, i: number) => {
        const j = (i % 2 === 0 ? 0 : ps) + Math.floor(i / 2);
        expectClose(`${ctx} ML coef ${i}`, ml1.coefficients.est[j]!, est, { ...MU, floor: Math.max(1, ml1.coefficients.se[j]!) });
      });
      expectClose(`${ctx} ML tau2_sens`, ml1.tau2.sens, lrt.tau2_ml[0], VC);
      expectClose(`${ctx} ML tau2_spec`, ml1.tau2.spec, lrt.tau2_ml[1], VC);
      expectClose(`${ctx} ML rho`, ml1.rho ?? Number.NaN, lrt.rho_ml, VC);
      expectClose(`${ctx} mada ML logLik without`, ml0.logLikMada, m.mada_ml_lrt.logLik_without, LL);
      expectClose(`${ctx} mada ML logLik with`, ml1.logLikMada, m.mada_ml_lrt.logLik_with, LL);

      // subgroup summary points implied by the regression
      for (const [level, s] of Object.entries<any>(x.subgroup_summaries ?? {})) {
        const row = design.names.map((n, j) => (j === 0 || n === `level_${level}` ? 1 : 0));
        const pr = reitsmaPredict(fit, { sens: row, spec: row });
        expectClose(`${ctx} subgroup ${level} mu_logit_sens`, pr.mu.sens, s.mu_logit_sens, MU);
        expectClose(`${ctx} subgroup ${level} mu_logit_spec`, pr.mu.spec, s.mu_logit_spec, MU);
        expectClose(`${ctx} subgroup ${level} se_logit_sens`, Math.sqrt(pr.vcov[0][0]), s.se_logit_sens, SE);
        expectClose(`${ctx} subgroup ${level} se_logit_spec`, Math.sqrt(pr.vcov[1][1]), s.se_logit_spec, SE);
        expectClose(`${ctx} subgroup ${level} cov_mu_sens_spec`, pr.vcov[0][1], s.cov_mu_sens_spec, SE);
      }
    }
  });
});

describe('fitReitsma edge cases', () => {
  it('reports rho at the boundary (telomerase: rho = -1)', () => {
    const r = fitReitsma(referenceRows('telomerase'));
    expect(r.notes.map((n) => n.code)).toContain('rho_at_boundary');
    expect(r.rho).toBeCloseTo(-1, 6);
  });
  it('excludes studies with an empty arm and reports them', () => {
    const rows = referenceRows('scheidler_lag').slice();
    rows.push({ study: 'empty', tp: 0, fn: 0, fp: 3, tn: 10, covariates: {} });
    const r = fitReitsma(rows, { correction: 'single' });
    expect(r.k).toBe(rows.length - 1);
    expect(r.notes).toContainEqual({ code: 'study_excluded', detail: { study: rows.length - 1, reason: 'empty_arm' } });
  });
  it('rejects too few studies and mismatched designs', () => {
    const rows = referenceRows('telomerase').slice(0, 2);
    expect(() => fitReitsma(rows)).toThrow(RangeError);
    const all = referenceRows('telomerase');
    expect(() => fitReitsma(all, { design: { names: ['(Intercept)'], sens: [[1]], spec: [[1]] } })).toThrow(RangeError);
  });
});

describe('psiVcov vs an independent base-R REML (tests/fixtures-r/reitsma-vvc.R: optim + optimHess)', () => {
  const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures-r', 'reitsma-vvc.json'), 'utf8'));
  const VVC = { name: 'numerical-Hessian inverse (1e-4 relative, floor 1e-2)', rel: 1e-4, floor: 1e-2 };
  it.each(Object.keys(fixture.datasets))('%s', (name) => {
    const x = fixture.datasets[name];
    const r = fitReitsma(referenceRows(name));
    expectClose(`${name} REML logLik (independent R)`, r.logLik, x.logLik, LL);
    expectClose(`${name} tau2_sens (independent R)`, r.tau2.sens, x.psi[0], VC);
    expectClose(`${name} cov (independent R)`, r.covRe, x.psi[1], VC);
    expectClose(`${name} tau2_spec (independent R)`, r.tau2.spec, x.psi[2], VC);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expectClose(`${name} psiVcov[${i}][${j}]`, r.psiVcov![i]![j]!, x.vvc[i][j], VVC);
  });
});
