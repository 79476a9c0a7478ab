/**
 * Bivariate binomial GLMM against the R oracle (tests/reference, see its README):
 * - quadrature 1, 5, 21 against `bivariate_glmm_aghq.Q1/Q5/Q21` (own R AGHQ implementation, nlminb,
 *   numDeriv Hessian over (mu, L)); quadrature 7 against `expected-q7/<name>.json`;
 * - quadrature 1 also against `bivariate_glmm_laplace_glmer` (lme4 1.1-31, bobyqa, tolPwrss 1e-12)
 *   wherever glmer reached the same optimum as the own Laplace fit (oracle_checks).
 *
 * The reference's own `converged` flag is false for many fits: that is nlminb's "false/singular
 * convergence" message at a point where the gradient is already ~1e-6. Our logLik is compared in
 * both directions: it must never be lower than the reference's by more than the tolerance, and a
 * HIGHER value by more than the tolerance must be a documented case (none for these intercept-only
 * fits: measured |Δ logLik| ≤ 1.2e-10 for every dataset and quadrature).
 */
import { describe, expect, it } from 'vitest';
import { expectClose, referenceDatasets, referenceExpected, referenceExpectedQ7, referenceRows, type Tolerance } from '../helpers/reference.ts';
import { fitBivariateGlmm, type BivariateGlmmFit } from '../../src/stats/glmm-bivariate.ts';

const TOLERANCE = {
  pooledLogit: { name: 'pooled logit (1e-4 relative, floor 1)', rel: 1e-4 },
  standardError: { name: 'standard error (1e-3 relative)', rel: 1e-3, floor: 1e-3 },
  covarianceOfMeans: { name: 'cov(mu_sens, mu_spec) (1e-3 relative to se_sens*se_spec)', rel: 1e-3 },
  variance: { name: 'variance component (1e-3 relative, absolute floor 1e-5)', rel: 1e-3, floor: 1e-2 },
  rho: { name: 'rho (1e-3 absolute)', abs: 1e-3 },
  logLik: { name: 'logLik (1e-4 absolute)', abs: 1e-4 },
} satisfies Record<string, Tolerance>;

/** Reference logLik values we are allowed to beat by more than TOLERANCE.logLik (documented). */
const DOCUMENTED_BETTER_OPTIMA: Record<string, string> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function compareBlock(context: string, fit: BivariateGlmmFit, expected: any): void {
  expectClose(`${context} mu_logit_sens`, fit.mu.sens, expected.mu_logit_sens, TOLERANCE.pooledLogit);
  expectClose(`${context} mu_logit_spec`, fit.mu.spec, expected.mu_logit_spec, TOLERANCE.pooledLogit);
  expectClose(`${context} se_logit_sens`, fit.se.sens, expected.se_logit_sens, TOLERANCE.standardError);
  expectClose(`${context} se_logit_spec`, fit.se.spec, expected.se_logit_spec, TOLERANCE.standardError);
  expectClose(`${context} cov_mu_sens_spec`, fit.vcov[0][1], expected.cov_mu_sens_spec, {
    ...TOLERANCE.covarianceOfMeans,
    floor: expected.se_logit_sens * expected.se_logit_spec,
  });
  expectClose(`${context} tau2_sens`, fit.tau2.sens, expected.tau2_sens, TOLERANCE.variance);
  expectClose(`${context} tau2_spec`, fit.tau2.spec, expected.tau2_spec, TOLERANCE.variance);
  expectClose(`${context} cov_re`, fit.covRe, expected.cov_re, TOLERANCE.variance);
  expectClose(`${context} rho`, fit.rho ?? NaN, expected.rho, TOLERANCE.rho);
  const difference = fit.logLik - expected.logLik;
  if (difference > TOLERANCE.logLik.abs) {
    expect(DOCUMENTED_BETTER_OPTIMA[context], `${context}: our logLik ${fit.logLik} exceeds the reference ${expected.logLik} by ${difference}; document it`).toBeDefined();
  } else {
    expectClose(`${context} logLik`, fit.logLik, expected.logLik, TOLERANCE.logLik);
  }
}

const quadratureBlocks = [
  { quadrature: 1, block: (name: string) => referenceExpected(name).bivariate_glmm_aghq.Q1 },
  { quadrature: 5, block: (name: string) => referenceExpected(name).bivariate_glmm_aghq.Q5 },
  { quadrature: 7, block: (name: string) => referenceExpectedQ7(name).bivariate_glmm_aghq_Q7 },
  { quadrature: 21, block: (name: string) => referenceExpected(name).bivariate_glmm_aghq.Q21 },
];

describe.each(referenceDatasets())('bivariate GLMM on %s', (name) => {
  const rows = referenceRows(name);
  const fits = new Map<number, BivariateGlmmFit>();
  const fitFor = (quadrature: number): BivariateGlmmFit => {
    if (!fits.has(quadrature)) fits.set(quadrature, fitBivariateGlmm(rows, { quadrature }));
    return fits.get(quadrature) as BivariateGlmmFit;
  };

  it.each(quadratureBlocks)('quadrature $quadrature matches the own R AGHQ reference', ({ quadrature, block }) => {
    const expected = block(name);
    expect(expected.status).toBe('ok');
    const fit = fitFor(quadrature);
    const context = `${name} Q${quadrature}`;
    compareBlock(context, fit, expected);
    expect(fit.k).toBe(expected.k_used);
    expect(fit.converged, `${context} notes ${JSON.stringify(fit.notes)}`).toBe(true);
    // the reference's conditional (variance parameters fixed) mu SEs
    const conditional = expected.se_conditional_on_variance_params as [number, number];
    expectClose(`${context} se_conditional sens`, fit.seConditional.sens, conditional[0], TOLERANCE.standardError);
    expectClose(`${context} se_conditional spec`, fit.seConditional.spec, conditional[1], TOLERANCE.standardError);
    // boundary flags: the reference flags |rho| = 1 or tau2 = 0 as variance_at_boundary
    const atBoundary = fit.boundary.rhoAtBound || fit.boundary.tau2SensZero || fit.boundary.tau2SpecZero;
    expect(atBoundary, `${context} boundary`).toBe(expected.variance_at_boundary);
    if (fit.boundary.rhoAtBound) expect(fit.notes.map((n) => n.code)).toContain('rho-at-boundary');
    expect(fit.label).toBe(
      quadrature === 1
        ? 'bivariate binomial GLMM, ML, Laplace approximation (1 point)'
        : `bivariate binomial GLMM, ML, adaptive Gauss–Hermite quadrature, ${quadrature} points`,
    );
  });

  it('quadrature 1 matches lme4::glmer (Laplace, tight settings) where glmer reached the same optimum', () => {
    const expected = referenceExpected(name);
    const checks = expected.oracle_checks;
    // glmer stopped at the same optimum as the own Laplace fit (|Δ logLik| < 1e-5) in all 12 datasets
    expect(Math.abs(checks.glmer_tight_vs_ownlaplace_logLik_diff)).toBeLessThan(1e-5);
    compareBlock(`${name} Q1 vs glmer`, fitFor(1), expected.bivariate_glmm_laplace_glmer);
  });

  it('reports Stata parameters (ln tau, atanh rho) consistent with tau2 and rho', () => {
    const fit = fitFor(7);
    const [muSens, muSpec, lnTauSens, lnTauSpec, atanhRho] = fit.theta.est;
    expect(fit.theta.names).toEqual(['sens', 'spec', 'ln_tau_sens', 'ln_tau_spec', 'atanh_rho']);
    expect(muSens).toBe(fit.mu.sens);
    expect(muSpec).toBe(fit.mu.spec);
    expectClose(`${name} ln tau sens`, lnTauSens as number, 0.5 * Math.log(fit.tau2.sens), { name: 'identity', abs: 1e-12 });
    expectClose(`${name} ln tau spec`, lnTauSpec as number, 0.5 * Math.log(fit.tau2.spec), { name: 'identity', abs: 1e-12 });
    if (fit.boundary.rhoAtBound) {
      expect(fit.theta.vcov).toBeNull();
    } else {
      expectClose(`${name} atanh rho`, atanhRho as number, Math.atanh(fit.rho as number), { name: 'identity', abs: 1e-9 });
      const vcov = fit.theta.vcov as number[][];
      // the mean block of the theta covariance is the mean vcov (parameterisation-invariant)
      expectClose(`${name} theta vcov[0][0]`, vcov[0]?.[0] as number, fit.vcov[0][0], { name: 'identity', rel: 1e-10 });
      expectClose(`${name} theta vcov[0][1]`, vcov[0]?.[1] as number, fit.vcov[0][1], { name: 'identity', rel: 1e-10, floor: 1e-3 });
    }
  });

  it('is a plain JSON-serialisable object', () => {
    const fit = fitFor(7);
    expect(JSON.parse(JSON.stringify(fit))).toEqual(fit);
  });
});
