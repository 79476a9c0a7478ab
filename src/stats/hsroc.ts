/**
 * HSROC (Rutter–Gatsonis) parameters implied by the bivariate random-effects parameters.
 *
 * With A = logit sensitivity, B = logit specificity, pooled means μA, μB, between-study SDs
 * σA = sqrt(τ²A), σB = sqrt(τ²B) and covariance σAB (Harbord et al. 2007, as metandi; METHODS (h)):
 *
 *   β   = ln(σB/σA)
 *   Λ   = (σB/σA)^½·μA + (σA/σB)^½·μB
 *   Θ   = ½·[(σB/σA)^½·μA − (σA/σB)^½·μB]
 *   σ²α = 2·(σA·σB + σAB)
 *   σ²θ = ½·(σA·σB − σAB)
 *
 * SROC implied: logit Se = Λ·e^(−β/2) + e^(−β)·logit(FPR).
 *
 * Reference: Harbord RM, Deeks JJ, Egger M, Whiting P, Sterne JAC (2007). A unification of models
 * for meta-analysis of diagnostic accuracy studies. Biostatistics 8:239–251.
 * doi:10.1093/biostatistics/kxl004
 *
 * Edge cases: if τ²A or τ²B is 0 the shape parameter β (and Λ, Θ) is undefined; those fields are
 * null and the note `hsroc_undefined_zero_variance` is raised. |ρ| = 1 makes σ²α or σ²θ zero
 * (`hsroc_correlation_at_boundary`), which is reported but not an error.
 */
import type { StatsNote } from './types.ts';
import { type BivariateParameters, checkBivariateParameters } from './bivariate-parameters.ts';

export interface HsrocResult {
  method: 'hsroc-from-bivariate';
  Lambda: number | null;
  Theta: number | null;
  beta: number | null;
  sigma2Alpha: number;
  sigma2Theta: number;
  notes: StatsNote[];
}

/** Harbord (2007) HSROC parameters from (μ, τ², covariance). */
export function hsrocFromBivariate(p: BivariateParameters): HsrocResult {
  checkBivariateParameters(p);
  const sA = Math.sqrt(p.tau2.sens);
  const sB = Math.sqrt(p.tau2.spec);
  const notes: StatsNote[] = [];
  // at |rho| = 1 one of these is 0 up to rounding: clear the rounding residue
  const clear = (v: number): number => (Math.abs(v) <= 1e-12 * Math.max(sA * sB, 1e-300) ? 0 : v);
  const sigma2Alpha = clear(2 * (sA * sB + p.covRe));
  const sigma2Theta = clear(0.5 * (sA * sB - p.covRe));
  if (sA > 0 && sB > 0 && Math.abs(Math.abs(p.covRe) - sA * sB) <= 1e-10 * sA * sB) {
    notes.push({ code: 'hsroc_correlation_at_boundary', detail: { rho: p.covRe / (sA * sB) } });
  }
  if (!(sA > 0 && sB > 0)) {
    notes.push({ code: 'hsroc_undefined_zero_variance', detail: { tau2Sens: p.tau2.sens, tau2Spec: p.tau2.spec } });
    return { method: 'hsroc-from-bivariate', Lambda: null, Theta: null, beta: null, sigma2Alpha, sigma2Theta, notes };
  }
  const r = Math.sqrt(sB / sA);
  return {
    method: 'hsroc-from-bivariate',
    Lambda: r * p.mu.sens + p.mu.spec / r,
    Theta: 0.5 * (r * p.mu.sens - p.mu.spec / r),
    beta: Math.log(sB / sA),
    sigma2Alpha,
    sigma2Theta,
    notes,
  };
}
