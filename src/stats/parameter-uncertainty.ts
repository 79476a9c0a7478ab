/**
 * Standard errors and confidence intervals of every parameter of the bivariate model, on the scales
 * Stata metandi uses (Harbord & Whiting 2009, doi:10.1177/1536867X0900900203; metandi.ado v2.0):
 *
 * Input: θ̂ = (μA, μB, ln τA, ln τB, atanh ρ) (A = logit sensitivity, B = logit specificity) and its
 * covariance V (inverse observed information, as Stata's e(V) of xtmelogit/meqrlogit). Every derived
 * quantity f(θ) gets SE = sqrt(∇fᵀ V ∇f) (delta method, = Stata's nlcom/_diparm) and:
 *   E(logit Se), E(logit Sp), Λ, Θ, β:     Wald CI f ± z·SE (β also z and p, H0: β = 0, symmetric SROC);
 *   τ²A = e^{2 ln τA}, τ²B, σ²α, σ²θ:      CI on the log scale exp(ln f ± z·SE/f) (metandi `ci(log)`);
 *   ρ = tanh(atanh ρ):                       CI tanh(atanh ρ ± z·SE(atanh ρ)) (metandi `ci(atanh)`).
 * HSROC parameters (Harbord et al. 2007, doi:10.1093/biostatistics/kxl004), r = sqrt(σB/σA):
 *   Λ = r μA + μB/r,  Θ = ½(r μA − μB/r),  β = ln σB − ln σA,  σ²α = 2σAσB(1 + ρ),  σ²θ = ½σAσB(1 − ρ),
 * with gradients (w.r.t. μA, μB, ln σA, ln σB, atanh ρ):
 *   ∇Λ = (r, 1/r, −½(rμA − μB/r), ½(rμA − μB/r), 0)
 *   ∇Θ = (r/2, −1/(2r), −¼(rμA + μB/r), ¼(rμA + μB/r), 0)
 *   ∇β = (0, 0, −1, 1, 0)
 *   ∇σ²α = (0, 0, σ²α, σ²α, 2σAσB(1 − ρ²)),  ∇σ²θ = (0, 0, σ²θ, σ²θ, −½σAσB(1 − ρ²)).
 *
 * Edge cases (as metandi): |ρ| > 0.995 → no SE/CI for ρ, and none for σ²α (ρ < −0.995) or σ²θ
 * (ρ > 0.995), which are then (virtually) 0; a variance at 0 (ln τ = −∞) or a missing covariance →
 * SE/CI null with the reason. Reitsma (REML) fits supply V from the covariance of (τ²A, σAB, τ²B)
 * via `thetaVcovFromPsi` (asymptotically independent of the μ block).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { normalCritical, normalTwoSidedP } from './distributions.ts';

export type ParameterCi = 'wald' | 'log' | 'atanh';

export interface ParameterEstimate {
  id: 'muSens' | 'muSpec' | 'tau2Sens' | 'tau2Spec' | 'rho' | 'covMu' | 'Lambda' | 'Theta' | 'beta' | 'sigma2Alpha' | 'sigma2Theta';
  est: number | null;
  se: number | null;
  lo: number | null;
  hi: number | null;
  /** scale of the interval */
  ci: ParameterCi | null;
  /** z and p of H0: parameter = 0 (β only, as metandi) */
  z?: number | null;
  p?: number | null;
  /** why SE/CI are missing */
  reason?: 'rho-near-boundary' | 'variance-at-zero' | 'covariance-not-available';
}

export interface ParameterUncertainty {
  level: number;
  bivariate: ParameterEstimate[];
  hsroc: ParameterEstimate[];
}

export interface UncertaintyInput {
  mu: { sens: number; spec: number };
  /** Cov(μ̂A, μ̂B) */
  covMu: number;
  tau2: { sens: number; spec: number };
  /** between-study correlation; null when a variance is 0 */
  rho: number | null;
  /** 5×5 covariance of (μA, μB, ln τA, ln τB, atanh ρ); null when not available (boundary) */
  thetaVcov: number[][] | null;
  /** 2×2 covariance of (μA, μB) (always available) */
  muVcov: [[number, number], [number, number]];
  level: number;
}

const RHO_LIMIT = 0.995;

function quadratic(gradient: number[], v: number[][]): number {
  let s = 0;
  for (let i = 0; i < gradient.length; i++) for (let j = 0; j < gradient.length; j++) s += (gradient[i] ?? 0) * (gradient[j] ?? 0) * (v[i]?.[j] ?? NaN);
  return s;
}

/** SEs and CIs of the bivariate and HSROC parameters (see the file comment). */
export function parameterUncertainty(input: UncertaintyInput): ParameterUncertainty {
  const z = normalCritical(input.level);
  const { mu, tau2, rho, thetaVcov: V } = input;
  const varianceZero = !(tau2.sens > 0 && tau2.spec > 0);
  const sA = Math.sqrt(tau2.sens);
  const sB = Math.sqrt(tau2.spec);
  const r = varianceZero ? NaN : Math.sqrt(sB / sA);
  const rhoValue = rho ?? 0;
  const rhoNearBound = rho !== null && Math.abs(rho) > RHO_LIMIT;
  const missing = (id: ParameterEstimate['id'], est: number | null, reason: ParameterEstimate['reason'], ci: ParameterCi | null): ParameterEstimate => ({ id, est, se: null, lo: null, hi: null, ci, reason });
  const noCovarianceReason = varianceZero ? 'variance-at-zero' : 'covariance-not-available';

  const wald = (id: ParameterEstimate['id'], est: number, gradient: number[], extra: Partial<ParameterEstimate> = {}): ParameterEstimate => {
    if (!V) return missing(id, est, noCovarianceReason, 'wald');
    const se = Math.sqrt(quadratic(gradient, V));
    return { id, est, se, lo: est - z * se, hi: est + z * se, ci: 'wald', ...extra };
  };
  const logScale = (id: ParameterEstimate['id'], est: number, gradient: number[]): ParameterEstimate => {
    if (!V || !(est > 0)) return missing(id, est, !(est > 0) ? 'variance-at-zero' : noCovarianceReason, 'log');
    const se = Math.sqrt(quadratic(gradient, V));
    return { id, est, se, lo: est * Math.exp((-z * se) / est), hi: est * Math.exp((z * se) / est), ci: 'log' };
  };

  // pooled logits: from the μ block (available also when the variance block is not)
  const muRow = (id: 'muSens' | 'muSpec', est: number, variance: number): ParameterEstimate => {
    const se = Math.sqrt(variance);
    return Number.isFinite(se) ? { id, est, se, lo: est - z * se, hi: est + z * se, ci: 'wald' } : missing(id, est, 'covariance-not-available', 'wald');
  };
  const bivariate: ParameterEstimate[] = [
    muRow('muSens', mu.sens, input.muVcov[0][0]),
    muRow('muSpec', mu.spec, input.muVcov[1][1]),
    tau2.sens > 0 ? logScale('tau2Sens', tau2.sens, [0, 0, 2 * tau2.sens, 0, 0]) : missing('tau2Sens', tau2.sens, 'variance-at-zero', 'log'),
    tau2.spec > 0 ? logScale('tau2Spec', tau2.spec, [0, 0, 0, 2 * tau2.spec, 0]) : missing('tau2Spec', tau2.spec, 'variance-at-zero', 'log'),
  ];
  if (rho === null) bivariate.push(missing('rho', null, 'variance-at-zero', 'atanh'));
  else if (rhoNearBound) bivariate.push(missing('rho', rho, 'rho-near-boundary', 'atanh'));
  else if (!V) bivariate.push(missing('rho', rho, noCovarianceReason, 'atanh'));
  else {
    const seAtanh = Math.sqrt(V[4]?.[4] ?? NaN);
    const a = Math.atanh(rho);
    bivariate.push({ id: 'rho', est: rho, se: (1 - rho * rho) * seAtanh, lo: Math.tanh(a - z * seAtanh), hi: Math.tanh(a + z * seAtanh), ci: 'atanh' });
  }
  bivariate.push({ id: 'covMu', est: input.covMu, se: null, lo: null, hi: null, ci: null });

  if (varianceZero) {
    const hsroc = (['Lambda', 'Theta', 'beta'] as const).map((id) => missing(id, null, 'variance-at-zero', 'wald'));
    return {
      level: input.level,
      bivariate,
      hsroc: [...hsroc, missing('sigma2Alpha', 2 * sA * sB, 'variance-at-zero', 'log'), missing('sigma2Theta', 0.5 * sA * sB, 'variance-at-zero', 'log')],
    };
  }
  const forward = r * mu.sens + mu.spec / r;
  const backward = r * mu.sens - mu.spec / r;
  const product = sA * sB;
  const sigma2Alpha = 2 * product * (1 + rhoValue);
  const sigma2Theta = 0.5 * product * (1 - rhoValue);
  const beta = Math.log(sB / sA);
  const betaRow = wald('beta', beta, [0, 0, -1, 1, 0]);
  if (betaRow.se !== null) {
    betaRow.z = beta / betaRow.se;
    betaRow.p = normalTwoSidedP(betaRow.z);
  }
  const hsroc: ParameterEstimate[] = [
    wald('Lambda', forward, [r, 1 / r, -0.5 * backward, 0.5 * backward, 0]),
    wald('Theta', 0.5 * backward, [r / 2, -1 / (2 * r), -0.25 * forward, 0.25 * forward, 0]),
    betaRow,
    rho !== null && rho < -RHO_LIMIT
      ? missing('sigma2Alpha', sigma2Alpha, 'rho-near-boundary', 'log')
      : logScale('sigma2Alpha', sigma2Alpha, [0, 0, sigma2Alpha, sigma2Alpha, 2 * product * (1 - rhoValue * rhoValue)]),
    rho !== null && rho > RHO_LIMIT
      ? missing('sigma2Theta', sigma2Theta, 'rho-near-boundary', 'log')
      : logScale('sigma2Theta', sigma2Theta, [0, 0, sigma2Theta, sigma2Theta, -0.5 * product * (1 - rhoValue * rhoValue)]),
  ];
  return { level: input.level, bivariate, hsroc };
}

/**
 * 5×5 covariance of (μA, μB, ln τA, ln τB, atanh ρ) from Cov(μ̂) and the covariance of
 * (τ²A, σAB, τ²B) (e.g. Reitsma's `psiVcov`), block-diagonal, by the delta method:
 *   ∂ ln τA/∂τ²A = 1/(2τ²A), ∂ ln τB/∂τ²B = 1/(2τ²B),
 *   ∂ atanh ρ/∂(τ²A, σAB, τ²B) = (−ρ/(2τ²A), 1/(τAτB), −ρ/(2τ²B)) / (1 − ρ²).
 * Null when a variance is 0 or |ρ| = 1.
 */
export function thetaVcovFromPsi(muVcov: [[number, number], [number, number]], tau2: { sens: number; spec: number }, covRe: number, psiVcov: number[][] | null): number[][] | null {
  if (!psiVcov || !(tau2.sens > 0 && tau2.spec > 0)) return null;
  const product = Math.sqrt(tau2.sens * tau2.spec);
  const rho = covRe / product;
  if (!(Math.abs(rho) < 1)) return null;
  const k = 1 / (1 - rho * rho);
  const J = [
    [1 / (2 * tau2.sens), 0, 0],
    [0, 0, 1 / (2 * tau2.spec)],
    [(-rho / (2 * tau2.sens)) * k, k / product, (-rho / (2 * tau2.spec)) * k],
  ];
  const block = J.map((row) => J.map((other) => quadraticPair(row, other, psiVcov)));
  return [
    [muVcov[0][0], muVcov[0][1], 0, 0, 0],
    [muVcov[1][0], muVcov[1][1], 0, 0, 0],
    [0, 0, ...(block[0] as number[])],
    [0, 0, ...(block[1] as number[])],
    [0, 0, ...(block[2] as number[])],
  ];
}

function quadraticPair(a: number[], b: number[], v: number[][]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) s += (a[i] ?? 0) * (b[j] ?? 0) * (v[i]?.[j] ?? NaN);
  return s;
}

/**
 * Condition number (largest / smallest eigenvalue) of a symmetric positive definite matrix — here the
 * parameter covariance, whose condition number equals that of the observed information. Null when
 * not positive definite or not finite.
 */
export function conditionNumber(matrix: number[][] | null): number | null {
  if (!matrix || matrix.length === 0 || !matrix.every((row) => row.every(Number.isFinite))) return null;
  const values = new EigenvalueDecomposition(new Matrix(matrix), { assumeSymmetric: true }).realEigenvalues;
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min > 0 ? max / min : null;
}
