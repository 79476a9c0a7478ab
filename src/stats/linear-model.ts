/**
 * Weighted least squares (as R `lm(y ~ X, weights = w)`; Stata `regress [aweight = w]` gives the
 * same coefficients and standard errors).
 *
 *   β̂ = (X'WX)⁻¹X'Wy,  e = y − Xβ̂,  σ̂² = Σ w_i e_i² / (n − p),  Var(β̂) = σ̂²(X'WX)⁻¹,
 *   t_j = β̂_j / SE_j with n − p degrees of freedom, two-sided p-values.
 * `sigma` is R's residual standard error with the weights as given (Stata rescales aweights to sum
 * to n, which changes its root MSE but not β̂ or the SEs).
 *
 * Reference: Draper NR, Smith H (1998). Applied Regression Analysis, 3rd ed., ch. 9.
 * doi:10.1002/9781118625590
 *
 * Edge cases: n ≤ p, non-positive or non-finite weights, and rank-deficient X throw RangeError.
 * Solved through the Cholesky factor of X'WX (adequate for the few-column designs used here).
 */
import { cholesky, choleskyInverse, choleskySolve, zeros } from './linear-algebra.ts';
import { tTwoSidedP } from './distributions.ts';
import { NotEstimableError } from './errors.ts';

export interface LinearModelResult {
  method: 'weighted-least-squares';
  n: number;
  p: number;
  df: number;
  coefficients: number[];
  se: number[];
  t: number[];
  pValues: number[];
  vcov: number[][];
  sigma: number;
  fitted: number[];
  residuals: number[];
}

/** WLS fit of y on the columns of X (include a column of 1s for an intercept). */
export function weightedLeastSquares(X: readonly (readonly number[])[], y: readonly number[], weights?: readonly number[]): LinearModelResult {
  const n = y.length;
  const p = X[0]?.length ?? 0;
  if (X.length !== n) throw new RangeError('X and y must have the same number of rows');
  if (p === 0 || n <= p) throw new NotEstimableError(`need more observations (${n}) than coefficients (${p})`);
  const w = weights ?? new Array<number>(n).fill(1);
  if (w.length !== n || !w.every((v) => Number.isFinite(v) && v > 0)) throw new NotEstimableError('weights must be finite and > 0');
  if (!y.every(Number.isFinite) || !X.every((r) => r.length === p && r.every(Number.isFinite))) throw new NotEstimableError('X and y must be finite');
  const xtwx = zeros(p);
  const xtwy = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const xi = X[i]!;
    const wi = w[i]!;
    for (let a = 0; a < p; a++) {
      xtwy[a] = xtwy[a]! + wi * xi[a]! * y[i]!;
      const row = xtwx[a]!;
      for (let b = 0; b < p; b++) row[b] = row[b]! + wi * xi[a]! * xi[b]!;
    }
  }
  const l = cholesky(xtwx);
  if (!l) throw new NotEstimableError('design matrix is rank deficient');
  const coefficients = choleskySolve(l, xtwy);
  const fitted = X.map((xi) => xi.reduce((s, v, j) => s + v * coefficients[j]!, 0));
  const residuals = y.map((v, i) => v - fitted[i]!);
  const df = n - p;
  const sigma2 = residuals.reduce((s, e, i) => s + w[i]! * e * e, 0) / df;
  const inv = choleskyInverse(l);
  const vcov = inv.map((row) => row.map((v) => v * sigma2));
  const se = vcov.map((row, j) => Math.sqrt(row[j]!));
  const t = coefficients.map((b, j) => b / se[j]!);
  return {
    method: 'weighted-least-squares',
    n,
    p,
    df,
    coefficients,
    se,
    t,
    pValues: t.map((v) => tTwoSidedP(v, df)),
    vcov,
    sigma: Math.sqrt(sigma2),
    fitted,
    residuals,
  };
}
