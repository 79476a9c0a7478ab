/**
 * GLMM internals and edge cases: analytic gradient vs finite differences, arms with n = 0, boundary
 * fits (tau2 = 0), input checks, the Stata (ln tau, atanh rho) covariance, and the univariate
 * random-intercept GLMM against lme4::glmer.
 */
import { describe, expect, it } from 'vitest';
import { expectClose, referenceRows } from '../helpers/reference.ts';
import { fitBivariateGlmm } from '../../src/stats/glmm-bivariate.ts';
import { bivariateGlmmData, createBivariateGlmmLikelihood, logChoose } from '../../src/stats/glmm-likelihood.ts';
import { covariateDesign, orthogonalizeDesign } from '../../src/stats/glmm-design.ts';
import { univariateRandomInterceptGlmm } from '../../src/stats/glmm-univariate.ts';
import { invertSymmetric } from '../../src/stats/glmm-inference.ts';
import { numericalGradient, numericalHessian } from '../../src/stats/derivatives.ts';
import type { Counts } from '../../src/stats/types.ts';

const telomerase = referenceRows('telomerase');

describe('AGHQ likelihood', () => {
  it.each([1, 3, 7])('analytic gradient equals finite differences (Q = %i, with a design)', (quadrature) => {
    const rows = referenceRows('scheidler');
    const design = covariateDesign(rows.map((r) => r.covariates.modality as string), { name: 'modality', type: 'categorical' });
    const likelihood = createBivariateGlmmLikelihood(bivariateGlmmData(rows, design.sens, design.spec), quadrature);
    for (const theta of [
      [0.1, 0.5, -0.2, 2.5, -1, 0.4, 0.9, -0.4, 0.7],
      [-0.3, 1.2, 0.4, 2.0, -0.5, 0.1, 0.3, 1.1, 0.2],
    ]) {
      const gradient = new Float64Array(theta.length);
      likelihood.negativeLogLik(theta, gradient);
      const numeric = numericalGradient((x) => likelihood.negativeLogLik(x), theta, { relativeStep: 1e-3 });
      numeric.forEach((value, i) => expectClose(`Q${quadrature} ∂/∂θ${i}`, gradient[i] as number, value, { name: 'gradient (1e-7 relative)', rel: 1e-7 }));
    }
  });

  it('includes the binomial constants ln C(n, y)', () => {
    expectClose('ln C(10, 3)', logChoose(10, 3), Math.log(120), { name: 'exact', abs: 1e-12 });
    // R 4.2.2: print(lchoose(500, 250), digits = 16) → 343.2399948784501
    expectClose('ln C(500, 250)', logChoose(500, 250), 343.2399948784501, { name: 'R lchoose (1e-12 relative)', rel: 1e-12 });
  });
});

describe('fitBivariateGlmm edge cases', () => {
  it('drops studies without participants and carries no likelihood for arms with n = 0', () => {
    const base = fitBivariateGlmm(telomerase, { quadrature: 5 });
    const withEmpty = fitBivariateGlmm([...telomerase, { tp: 0, fp: 0, fn: 0, tn: 0 }], { quadrature: 5 });
    expect(withEmpty.k).toBe(base.k);
    expect(withEmpty.logLik).toBeCloseTo(base.logLik, 8);
    expect(withEmpty.notes).toContainEqual({ code: 'study-without-data', detail: { count: 1 } });
    expect(withEmpty.randomEffects.sens.at(-1)).toBeNull();
    const oneArm: Counts[] = [...telomerase, { tp: 0, fp: 3, fn: 0, tn: 40 }];
    const fit = fitBivariateGlmm(oneArm, { quadrature: 5 });
    expect(fit.k).toBe(11);
    expect(fit.nObservations).toBe(21);
    expect(fit.converged).toBe(true);
  });

  it('handles tau2_sens = 0 with SEs conditional on the variance parameters', () => {
    // identical sensitivities: no between-study variance of logit sens
    const studies: Counts[] = [
      { tp: 40, fn: 10, tn: 80, fp: 20 }, { tp: 40, fn: 10, tn: 60, fp: 40 }, { tp: 40, fn: 10, tn: 90, fp: 10 },
      { tp: 40, fn: 10, tn: 70, fp: 30 }, { tp: 40, fn: 10, tn: 85, fp: 15 }, { tp: 40, fn: 10, tn: 50, fp: 50 },
    ];
    const fit = fitBivariateGlmm(studies, { quadrature: 7 });
    expect(fit.boundary.tau2SensZero).toBe(true);
    expect(fit.tau2.sens).toBeLessThan(1e-8);
    expect(fit.seMethod).toBe('conditional-on-variance-parameters');
    expect(fit.notes.map((n) => n.code)).toEqual(expect.arrayContaining(['tau2-at-zero', 'se-conditional-on-variance-parameters']));
    expect(fit.converged).toBe(true);
    expect(fit.theta.est[2]).toBeNull(); // ln tau_sens = −∞
    expect(fit.theta.vcov).toBeNull();
    expectClose('pooled logit sens', fit.mu.sens, Math.log(4), { name: 'pooled proportion 0.8 (1e-6)', abs: 1e-6 });
    expectClose('SE of logit sens', fit.se.sens, Math.sqrt(1 / (300 * 0.8 * 0.2)), { name: 'binomial SE (1e-4 relative)', rel: 1e-4 });
    expect(JSON.parse(JSON.stringify(fit))).toEqual(fit);
  });

  it('reports rho as null when both variances are 0 (identical studies)', () => {
    const fit = fitBivariateGlmm(Array.from({ length: 6 }, () => ({ tp: 40, fn: 10, tn: 80, fp: 20 })), { quadrature: 7 });
    expect(fit.boundary).toEqual({ tau2SensZero: true, tau2SpecZero: true, rhoAtBound: false });
    expect(fit.rho).toBeNull();
    expect(fit.covRe).toBe(0);
    expect(fit.converged).toBe(true);
    expectClose('se sens', fit.se.sens, Math.sqrt(1 / (300 * 0.8 * 0.2)), { name: 'binomial SE (1e-6 relative)', rel: 1e-6 });
  });

  it('flags a pooled logit without a finite ML estimate (every sensitivity 100%)', () => {
    const studies: Counts[] = [
      { tp: 10, fn: 0, tn: 40, fp: 5 }, { tp: 20, fn: 0, tn: 30, fp: 10 }, { tp: 15, fn: 0, tn: 50, fp: 2 },
      { tp: 8, fn: 0, tn: 60, fp: 12 }, { tp: 30, fn: 0, tn: 20, fp: 4 },
    ];
    const fit = fitBivariateGlmm(studies, { quadrature: 7 });
    expect(fit.converged).toBe(false);
    expect(fit.notes.map((n) => n.code)).toEqual(expect.arrayContaining(['glmm-not-converged', 'mu-at-bound']));
    expect(fit.notes.find((n) => n.code === 'mu-at-bound')?.detail?.parameter).toBe('sens');
  });

  it('flags fewer than 4 studies', () => {
    const fit = fitBivariateGlmm(telomerase.slice(0, 3), { quadrature: 1 });
    expect(fit.notes.map((n) => n.code)).toContain('fewer-than-4-studies');
  });

  it('rejects invalid input', () => {
    expect(() => fitBivariateGlmm([])).toThrow(RangeError);
    expect(() => fitBivariateGlmm([{ tp: -1, fp: 1, fn: 1, tn: 1 }])).toThrow(/tp must be a finite count/);
    expect(() => fitBivariateGlmm([{ tp: Number.NaN, fp: 1, fn: 1, tn: 1 }])).toThrow(RangeError);
    expect(() => fitBivariateGlmm(telomerase, { quadrature: 0 })).toThrow(/quadrature/);
    expect(() => fitBivariateGlmm(telomerase, { quadrature: 2.5 })).toThrow(/quadrature/);
    expect(() => fitBivariateGlmm([{ tp: 0, fp: 1, fn: 0, tn: 1 }])).toThrow(/no study has diseased/);
    const rank = { names: ['(Intercept)', 'twice'], sens: telomerase.map(() => [1, 2]), spec: telomerase.map(() => [1, 2]) };
    expect(() => fitBivariateGlmm(telomerase, { design: rank })).toThrow(/rank-deficient/);
    const short = { names: ['(Intercept)'], sens: [[1]], spec: [[1]] };
    expect(() => fitBivariateGlmm(telomerase, { design: short })).toThrow(/expected 10 rows/);
  });

  it('gives the Stata-parameter covariance that a Hessian in (mu, ln tau, atanh rho) gives directly', () => {
    const rows = referenceRows('scheidler_lag');
    const fit = fitBivariateGlmm(rows, { quadrature: 7 });
    const likelihood = createBivariateGlmmLikelihood(bivariateGlmmData(rows, rows.map(() => [1]), rows.map(() => [1])), 7);
    const negativeLogLik = ([muSens, muSpec, lnTauSens, lnTauSpec, atanhRho]: number[]): number => {
      const tauSens = Math.exp(lnTauSens as number), tauSpec = Math.exp(lnTauSpec as number), rho = Math.tanh(atanhRho as number);
      return likelihood.negativeLogLik([muSens as number, muSpec as number, tauSens, rho * tauSpec, Math.sqrt(1 - rho * rho) * tauSpec]);
    };
    // numDeriv-style Hessian of f directly in θ (relative step 0.1, 4 Richardson levels)
    const direct = invertSymmetric(numericalHessian(negativeLogLik, fit.theta.est as number[])) as number[][];
    const reported = fit.theta.vcov as number[][];
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        expectClose(`vcov theta[${i}][${j}]`, reported[i]?.[j] as number, direct[i]?.[j] as number, { name: 'delta method vs direct Hessian (1e-4 relative)', rel: 1e-4, floor: 1e-3 });
      }
    }
  });

  it('orthogonalises a raw calendar-year design exactly', () => {
    const years = [1985, 1990, 1992, 1997, 2001, 2003];
    const raw = years.map((y) => [1, y]);
    const { rows, transform, inverse } = orthogonalizeDesign(raw, 'test');
    // X̃ = X·T (so X̃γ = Xβ with β = Tγ), X̃ᵀX̃ = k·I, and T·T⁻¹ = I
    rows.forEach((row, i) => [0, 1].forEach((c) => {
      const expected = (raw[i]?.[0] as number) * (transform[0]?.[c] as number) + (raw[i]?.[1] as number) * (transform[1]?.[c] as number);
      expectClose(`X̃[${i}][${c}]`, row[c] as number, expected, { name: 'exact (1e-9)', abs: 1e-9 });
    }));
    [0, 1].forEach((a) => [0, 1].forEach((b) => {
      const cross = rows.reduce((sum, row) => sum + (row[a] as number) * (row[b] as number), 0);
      expectClose(`X̃ᵀX̃[${a}][${b}]`, cross, a === b ? years.length : 0, { name: 'orthogonal (1e-9)', abs: 1e-9 });
      const product = (transform[a]?.[0] as number) * (inverse[0]?.[b] as number) + (transform[a]?.[1] as number) * (inverse[1]?.[b] as number);
      expectClose(`T·T⁻¹[${a}][${b}]`, product, a === b ? 1 : 0, { name: 'identity (1e-9)', abs: 1e-9 });
    }));
  });
});

describe('univariateRandomInterceptGlmm against lme4::glmer', () => {
  // R 4.2.2, lme4 1.1-31, glmerControl(optimizer = 'bobyqa', tolPwrss = 1e-12):
  //   glmer(cbind(tp, fn) ~ 1 + (1 | study), data = auditc, family = binomial, nAGQ = 1)
  //   fixef 2.5880668869, se (vcov use.hessian) 0.4829443522, tau2 2.8108905317, logLik -52.0401218281
  //   ... nAGQ = 7: fixef 2.5898460342, se 0.4869327338, tau2 2.8663084224
  //   (glmer's logLik for nAGQ > 1, -28.2495923117, omits the binomial constants: not compared)
  //   glmer(cbind(tn, fp) ~ modality + (1 | study), data = scheidler, nAGQ = 7):
  //   fixef 2.6699141258 -1.0649049672 0.3192547696, se 0.2526835369 0.3280442215 0.4071060369, tau2 0.5513482858
  const auditc = referenceRows('auditc');
  const estimate = { name: 'estimate (1e-5 relative; glmer bobyqa)', rel: 1e-5 };
  const standardError = { name: 'SE (1e-4 relative; glmer finite-difference Hessian)', rel: 1e-4 };

  it('Laplace', () => {
    const fit = univariateRandomInterceptGlmm(auditc.map((r) => r.tp), auditc.map((r) => r.tp + r.fn), { quadrature: 1 });
    expectClose('mu', fit.mu, 2.5880668869, estimate);
    expectClose('se', fit.se, 0.4829443522, standardError);
    expectClose('tau2', fit.tau2, 2.8108905317, estimate);
    expectClose('logLik', fit.logLik, -52.0401218281, { name: 'logLik (1e-6)', abs: 1e-6 });
    expect(fit.converged).toBe(true);
  });

  it('7-point adaptive quadrature', () => {
    const fit = univariateRandomInterceptGlmm(auditc.map((r) => r.tp), auditc.map((r) => r.tp + r.fn), { quadrature: 7 });
    expectClose('mu', fit.mu, 2.5898460342, estimate);
    expectClose('se', fit.se, 0.4869327338, standardError);
    expectClose('tau2', fit.tau2, 2.8663084224, estimate);
  });

  it('with a categorical design', () => {
    const rows = referenceRows('scheidler');
    const design = covariateDesign(rows.map((r) => r.covariates.modality as string), { name: 'modality', type: 'categorical' });
    const fit = univariateRandomInterceptGlmm(rows.map((r) => r.tn), rows.map((r) => r.tn + r.fp), { quadrature: 7, design: design.spec });
    [2.6699141258, -1.0649049672, 0.3192547696].forEach((v, i) => expectClose(`beta ${i}`, fit.coefficients.est[i] as number, v, estimate));
    [0.2526835369, 0.3280442215, 0.4071060369].forEach((v, i) => expectClose(`se ${i}`, fit.coefficients.se[i] as number, v, standardError));
    expectClose('tau2', fit.tau2, 0.5513482858, estimate);
  });
});
