/**
 * Marginal range of the bivariate prediction region: the sensitivities (specificities) a new study
 * may show, read off the region drawn on the SROC plot.
 *
 * The prediction region is {x : (x − μ)' C⁻¹ (x − μ) ≤ c²} in (logit sens, logit spec) space with
 * C = Ψ + V (between-study covariance plus the covariance of the pooled logits) and c its critical
 * value (src/stats/ellipse.ts). Its projection on each axis is
 *   logit sens ∈ μA ± c·√C_AA,   logit spec ∈ μB ± c·√C_BB,
 * back-transformed with expit. This is the extent of the region, not a marginal prediction interval
 * (c is the bivariate critical value, so the range is wider than a univariate one).
 *
 * Reference: Harbord RM, Whiting P (2009). metandi. Stata J 9:211–229. doi:10.1177/1536867X0900900203
 *
 * Edge cases: a NaN in Ψ or V (not estimable) gives NaN limits; negative variances throw.
 */
import { expit } from './distributions.ts';
import type { Interval, Matrix2 } from './types.ts';

export interface PredictionRange {
  method: 'prediction-region-extent';
  radius: number;
  sens: Interval;
  spec: Interval;
}

export function predictionRange(mu: { sens: number; spec: number }, vcov: Matrix2, psi: Matrix2, radius: number): PredictionRange {
  const varA = psi[0][0] + vcov[0][0];
  const varB = psi[1][1] + vcov[1][1];
  if (varA < 0 || varB < 0) throw new RangeError('prediction variances must be non-negative');
  const range = (centre: number, variance: number): Interval => ({ est: expit(centre), lo: expit(centre - radius * Math.sqrt(variance)), hi: expit(centre + radius * Math.sqrt(variance)) });
  return { method: 'prediction-region-extent', radius, sens: range(mu.sens, varA), spec: range(mu.spec, varB) };
}
