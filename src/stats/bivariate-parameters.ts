/**
 * The parameters of a fitted bivariate random-effects model on (logit sensitivity, logit
 * specificity), as consumed by the derived quantities (HSROC, SROC/AUC, ellipses, I²). Every engine
 * (Reitsma normal approximation, binomial GLMM) can hand its estimates over in this shape.
 */
import { NotEstimableError } from './errors.ts';

export interface BivariateParameters {
  /** pooled logit sensitivity and logit specificity */
  mu: { sens: number; spec: number };
  /** between-study variances of logit sensitivity and logit specificity */
  tau2: { sens: number; spec: number };
  /** between-study covariance of (logit sens, logit spec) */
  covRe: number;
}

/** Throws a RangeError unless the parameters are finite, τ² ≥ 0 and |cov| ≤ τ_sens·τ_spec (up to rounding). */
export function checkBivariateParameters(p: BivariateParameters): void {
  const values = [p.mu.sens, p.mu.spec, p.tau2.sens, p.tau2.spec, p.covRe];
  if (!values.every(Number.isFinite)) throw new NotEstimableError('bivariate parameters must be finite');
  if (p.tau2.sens < 0 || p.tau2.spec < 0) throw new NotEstimableError('tau2 must be >= 0');
  const bound = Math.sqrt(p.tau2.sens * p.tau2.spec);
  if (Math.abs(p.covRe) > bound * (1 + 1e-8) + 1e-14) throw new NotEstimableError('|covRe| must not exceed tau_sens * tau_spec');
}
