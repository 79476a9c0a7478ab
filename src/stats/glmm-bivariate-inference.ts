/**
 * Final stage of the bivariate GLMM fit: Newton polishing of the BFGS optimum and the inverse
 * observed information.
 *
 * Internal parameters x = (γ_sens, γ_spec, L11, L21, L22), with β_arm = T_arm γ_arm (orthogonalised
 * design, `glmm-design.ts`) and Σ = LLᵀ. The Hessian of −ln L is the central-difference Jacobian
 * of the analytic gradient (step 1e-4 relative). Newton (chord) steps x ← x − H⁻¹∇ polish the
 * optimum while they decrease −ln L. Then
 *   Cov(x̂) = H⁻¹ (all parameters, like Stata's observed information), Cov(β̂) = T Cov(γ̂) Tᵀ,
 *   Cov(θ̂) = J Cov(x̂) Jᵀ for θ = (β, ln τ_sens, ln τ_spec, atanh ρ) (delta method, null at a boundary).
 * The μ-block of H⁻¹ does not depend on how Σ is parameterised, so it equals the reference's
 * (mu, L) Hessian result. When H is not positive definite, or τ²_sens = 0 (then (L21, L22) only
 * enter through L21² + L22² and H is singular by construction), the SEs of β are conditional on
 * the variance parameters: Cov(β̂) = T (H_γγ)⁻¹ Tᵀ.
 *
 * Boundary flags: τ² < 1e-8, 1 − |ρ| < 1e-8.
 */
import type { StatsNote } from './types.ts';
import { hessianFromGradient } from './derivatives.ts';
import type { MinimizeResult } from './optimize.ts';
import { invertSymmetric, logTauAtanhRhoJacobian, sandwich, varianceComponents, type VarianceComponents } from './glmm-inference.ts';

export interface GlmmInferenceInput {
  objective: (x: Float64Array, gradient?: Float64Array) => number;
  start: MinimizeResult;
  parameterCount: number;
  transformSens: number[][];
  transformSpec: number[][];
}

export interface GlmmInference {
  x: number[];
  value: number;
  gradientNorm: number;
  evaluations: number;
  hessianOk: boolean;
  seMethod: 'observed-information' | 'conditional-on-variance-parameters';
  coefficients: number[];
  coefficientVcov: number[][];
  seConditional: number[];
  components: VarianceComponents;
  theta: Array<number | null>;
  thetaVcov: number[][] | null;
  cholesky: [number, number, number];
  boundary: { tau2SensZero: boolean; tau2SpecZero: boolean; rhoAtBound: boolean };
  notes: StatsNote[];
}

const maxAbs = (v: ArrayLike<number>): number => Array.from(v).reduce((m, e) => Math.max(m, Math.abs(e)), 0);

function blockDiagonal(a: number[][], b: number[][]): number[][] {
  const n = a.length + b.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i < a.length ? (j < a.length ? (a[i]?.[j] ?? 0) : 0) : j >= a.length ? (b[i - a.length]?.[j - a.length] ?? 0) : 0)),
  );
}

/**
 * Newton (chord) polishing of an optimum: steps x ← x − H⁻¹∇, H the central-difference Jacobian of
 * the analytic gradient (recomputed after a relative move > 1e-3), at most 6, kept while −ln L does
 * not increase and the gradient shrinks. Returns the polished point with its gradient and Hessian
 * (the observed information) and the objective evaluations used. Shared by the independent and the
 * nested GLMM fits.
 */
export function newtonPolish(
  objective: (x: Float64Array, gradient?: Float64Array) => number,
  start: Pick<MinimizeResult, 'x' | 'value' | 'gradient'>,
  p: number,
): { x: number[]; value: number; gradient: number[]; hessian: number[][]; evaluations: number } {
  let evaluations = 0;
  const gradientAt = (x: number[]): number[] => {
    const gradient = new Float64Array(p);
    evaluations++;
    objective(Float64Array.from(x), gradient);
    return Array.from(gradient);
  };
  let x = [...start.x];
  let value = start.value;
  let gradient = start.gradient.length === p ? [...start.gradient] : gradientAt(x);
  let hessian = hessianFromGradient(gradientAt, x, { levels: 1 });
  for (let step = 0; step < 6 && maxAbs(gradient) > 1e-10; step++) {
    const inverse = invertSymmetric(hessian);
    if (!inverse) break;
    const delta = inverse.map((row) => -row.reduce((s, h, j) => s + h * (gradient[j] ?? 0), 0));
    const candidate = x.map((xi, i) => xi + (delta[i] ?? 0));
    const candidateGradient = new Float64Array(p);
    evaluations++;
    const candidateValue = objective(Float64Array.from(candidate), candidateGradient);
    if (!(candidateValue <= value + 1e-12 * Math.abs(value)) || !(maxAbs(candidateGradient) < maxAbs(gradient))) break;
    const moved = maxAbs(delta) / Math.max(1, maxAbs(x));
    x = candidate;
    value = candidateValue;
    gradient = Array.from(candidateGradient);
    if (moved > 1e-3) hessian = hessianFromGradient(gradientAt, x, { levels: 1 });
  }
  return { x, value, gradient, hessian, evaluations };
}

export function glmmInference(input: GlmmInferenceInput): GlmmInference {
  const { objective, parameterCount: p } = input;
  const polished = newtonPolish(objective, input.start, p);
  const { x, value, gradient, hessian, evaluations } = polished;

  const cholesky = x.slice(p - 3) as [number, number, number];
  const [L11, L21, L22] = cholesky;
  const components = varianceComponents(L11, L21, L22);
  const boundary = {
    tau2SensZero: components.tau2Sens < 1e-8,
    tau2SpecZero: components.tau2Spec < 1e-8,
    rhoAtBound: !(components.tau2Sens < 1e-8 || components.tau2Spec < 1e-8) && 1 - Math.abs(components.rho) < 1e-8,
  };
  const notes: StatsNote[] = [];
  if (boundary.tau2SensZero) notes.push({ code: 'tau2-at-zero', detail: { parameter: 'sens', tau2: components.tau2Sens } });
  if (boundary.tau2SpecZero) notes.push({ code: 'tau2-at-zero', detail: { parameter: 'spec', tau2: components.tau2Spec } });
  if (boundary.rhoAtBound) notes.push({ code: 'rho-at-boundary', detail: { rho: components.rho } });

  const coefficientCount = p - 3;
  const transform = blockDiagonal(input.transformSens, input.transformSpec);
  const full = boundary.tau2SensZero ? null : invertSymmetric(hessian);
  const conditionalBlock = invertSymmetric(hessian.slice(0, coefficientCount).map((row) => row.slice(0, coefficientCount)));
  const conditional = conditionalBlock ? sandwich(transform, conditionalBlock) : null;
  const fullVcov = full ? sandwich(transform, full.slice(0, coefficientCount).map((row) => row.slice(0, coefficientCount))) : null;
  const seMethod = fullVcov ? 'observed-information' : 'conditional-on-variance-parameters';
  if (!fullVcov) {
    if (!boundary.tau2SensZero) notes.push({ code: 'hessian-not-pd' });
    notes.push({ code: 'se-conditional-on-variance-parameters', detail: { reason: boundary.tau2SensZero ? 'tau2-sens-at-zero' : 'hessian-not-pd' } });
  }
  const nanMatrix = Array.from({ length: coefficientCount }, () => new Array<number>(coefficientCount).fill(NaN));
  const coefficientVcov = fullVcov ?? conditional ?? nanMatrix;
  const gamma = x.slice(0, coefficientCount);
  const coefficients = transform.map((row) => row.reduce((s, t, j) => s + t * (gamma[j] ?? 0), 0));

  // ln τ and atanh ρ are −∞/±∞ at a flagged boundary: reported as null
  const theta: Array<number | null> = [
    ...coefficients,
    boundary.tau2SensZero ? NaN : 0.5 * Math.log(components.tau2Sens),
    boundary.tau2SpecZero ? NaN : 0.5 * Math.log(components.tau2Spec),
    boundary.rhoAtBound || boundary.tau2SensZero || boundary.tau2SpecZero ? NaN : Math.atanh(components.rho),
  ].map((v) => (Number.isFinite(v) ? v : null));
  const jacobian = logTauAtanhRhoJacobian(L11, L21, L22);
  const thetaVcov = full && jacobian && !boundary.rhoAtBound ? sandwich(blockDiagonal(transform, jacobian), full) : null;

  return {
    x, value, gradientNorm: maxAbs(gradient), evaluations,
    hessianOk: !!fullVcov || (boundary.tau2SensZero && !!conditional),
    seMethod,
    coefficients,
    coefficientVcov,
    seConditional: (conditional ?? nanMatrix).map((row, i) => Math.sqrt(row[i] ?? NaN)),
    components, theta, thetaVcov, cholesky, boundary, notes,
  };
}
