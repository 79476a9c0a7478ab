/**
 * Inference helpers for the binomial GLMMs: inverse observed information, and the map from the
 * internal Cholesky parameterisation of Σ to the reported (τ², ρ) and to Stata's
 * (ln τ_sens, ln τ_spec, atanh ρ) with delta-method covariance.
 *
 * Σ = L Lᵀ, L = [[L11, 0], [L21, L22]]:
 *   τ²_sens = L11²,  τ²_spec = L21² + L22²,  cov = L11 L21,  ρ = sign(L11) L21 / τ_spec.
 *   ∂ ln τ_sens/∂L11 = 1/L11;  ∂ ln τ_spec/∂(L21, L22) = (L21, L22)/τ²_spec;
 *   ∂ atanh ρ/∂(L21, L22) = sign(L11)·(1/τ_spec, −L21/(τ_spec L22)).
 * At a boundary (L11 = 0, or τ_spec = 0, or L22 = 0 ⇔ |ρ| = 1) the map is singular and the
 * (ln τ, atanh ρ) covariance is not computable (reported as null), as in Stata, where such fits
 * give missing standard errors.
 */

/** Inverse of a symmetric positive definite matrix via Cholesky; null when not (numerically) PD. */
export function invertSymmetric(matrix: number[][]): number[][] | null {
  const n = matrix.length;
  if (n === 0) return [];
  const lower = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, Math.abs(matrix[i]?.[i] ?? NaN));
  if (!Number.isFinite(maxDiagonal)) return null;
  for (let j = 0; j < n; j++) {
    let diagonal = matrix[j]?.[j] ?? NaN;
    for (let m = 0; m < j; m++) diagonal -= (lower[j]?.[m] ?? 0) ** 2;
    // relative pivot test: a pivot ~ rounding noise means singular
    if (!(diagonal > 1e-12 * Math.max(maxDiagonal, 1e-300))) return null;
    const pivot = Math.sqrt(diagonal);
    (lower[j] as number[])[j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let sum = matrix[i]?.[j] ?? NaN;
      for (let m = 0; m < j; m++) sum -= (lower[i]?.[m] ?? 0) * (lower[j]?.[m] ?? 0);
      (lower[i] as number[])[j] = sum / pivot;
    }
  }
  // inverse of the lower factor, then (L⁻¹)ᵀ L⁻¹
  const inverseLower = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    (inverseLower[i] as number[])[i] = 1 / (lower[i]?.[i] ?? NaN);
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let m = j; m < i; m++) sum -= (lower[i]?.[m] ?? 0) * (inverseLower[m]?.[j] ?? 0);
      (inverseLower[i] as number[])[j] = sum / (lower[i]?.[i] ?? NaN);
    }
  }
  const inverse = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let m = i; m < n; m++) sum += (inverseLower[m]?.[i] ?? 0) * (inverseLower[m]?.[j] ?? 0);
      (inverse[i] as number[])[j] = sum;
      (inverse[j] as number[])[i] = sum;
    }
  }
  return inverse;
}

/** A · B · Aᵀ for dense matrices. */
export function sandwich(a: number[][], b: number[][]): number[][] {
  const ab = a.map((row) => b[0]?.map((_, j) => row.reduce((s, v, m) => s + v * (b[m]?.[j] ?? 0), 0)) ?? []);
  return ab.map((row) => a.map((other) => row.reduce((s, v, m) => s + v * (other[m] ?? 0), 0)));
}

export interface VarianceComponents {
  tau2Sens: number;
  tau2Spec: number;
  covariance: number;
  rho: number;
}

/** τ², covariance and ρ from the Cholesky entries (ρ = 0 when a variance is 0). */
export function varianceComponents(L11: number, L21: number, L22: number): VarianceComponents {
  const tau2Sens = L11 * L11;
  const tau2Spec = L21 * L21 + L22 * L22;
  const covariance = L11 * L21;
  const denominator = Math.sqrt(tau2Sens * tau2Spec);
  const rho = denominator > 0 ? Math.max(-1, Math.min(1, covariance / denominator)) : 0;
  return { tau2Sens, tau2Spec, covariance, rho };
}

/**
 * Jacobian ∂(ln τ_sens, ln τ_spec, atanh ρ)/∂(L11, L21, L22) (3×3), or null at a boundary
 * where it is singular or infinite.
 */
export function logTauAtanhRhoJacobian(L11: number, L21: number, L22: number): number[][] | null {
  const tau2Spec = L21 * L21 + L22 * L22;
  const tauSpec = Math.sqrt(tau2Spec);
  if (!(Math.abs(L11) > 0 && tauSpec > 0 && Math.abs(L22) > 0)) return null;
  const sign = Math.sign(L11);
  const rows = [
    [1 / L11, 0, 0],
    [0, L21 / tau2Spec, L22 / tau2Spec],
    [0, sign / tauSpec, (-sign * L21) / (tauSpec * L22)],
  ];
  return rows.every((row) => row.every(Number.isFinite)) ? rows : null;
}
