/**
 * Bivariate binomial GLMM for diagnostic test accuracy — the model midas (`xtmelogit … intp(7)`),
 * metandi (`intp(5)`) and R glmer/MetaDTA/Meta-DiSc 2.0 (Laplace) fit:
 *
 *   TP_i ~ Bin(n1_i, expit(x_iᵀβ_sens + a_i)),  TN_i ~ Bin(n0_i, expit(z_iᵀβ_spec + b_i)),
 *   (a_i, b_i) ~ N2(0, Σ),  Σ = [[τ²_sens, ρ τ_sens τ_spec], [·, τ²_spec]],
 *
 * maximum likelihood with the marginal likelihood per study integrated by adaptive Gauss–Hermite
 * quadrature (Q×Q nodes; Q = 1 Laplace = glmer nAGQ = 1, 5 = metandi, 7 = midas, 21 ≈ exact).
 * References: Chu & Cole 2006, doi:10.1016/j.jclinepi.2006.06.011; Reitsma et al. 2005,
 * doi:10.1016/j.jclinepi.2005.02.022; Liu & Pierce 1994, doi:10.1093/biomet/81.3.624;
 * Pinheiro & Bates 1995, doi:10.1080/10618600.1995.10474663. The likelihood (with the binomial
 * constants ln C(n, y), so logLik is comparable with glmer) is in `glmm-likelihood.ts`.
 *
 * Fitting: Σ = LLᵀ with the Cholesky factor L unconstrained (reaches τ² = 0 and |ρ| = 1), design
 * columns orthogonalised (`glmm-design.ts`). (1) Laplace fit by BFGS with the analytic gradient,
 * started from two univariate random-intercept GLMMs (`glmm-start.ts`), with alternative starts
 * (ρ = 0, ±0.5) when it lands on a boundary or fails; (2) for Q > 1, BFGS on the Q-point
 * likelihood from the Laplace optimum and its inverse-Hessian approximation; (3) Newton polishing
 * with the finite-difference Hessian of the analytic gradient (`glmm-bivariate-inference.ts`).
 * Gradient tolerances are relative to |ln L| (rounding of a sum over k studies).
 * SEs: inverse observed information over all parameters (like Stata); when it is singular
 * (τ²_sens = 0, or not positive definite) the μ-block conditional on the variance parameters,
 * with a note. A pooled logit whose linear predictor exceeds ±15 (no finite ML estimate, e.g.
 * every sensitivity 100%) gives 'mu-at-bound' and converged = false.
 *
 * Several tables per study: with `groups`, the tables of a study share one random-effect pair
 * (`glmm-grouped-likelihood.ts`, glmer `(0 + sens + spec | study)`; same parameters and fitting);
 * study and table-within-study effects are `glmm-nested.ts`.
 * Edge cases: arms with n = 0 carry no likelihood; a study with n1 = n0 = 0 is dropped; k < 4
 * gives the note 'fewer-than-4-studies' (metandi refuses; midas switches to Laplace).
 */
import type { Counts, Matrix2, StatsNote } from './types.ts';
import { bivariateGlmmData, createBivariateGlmmLikelihood } from './glmm-likelihood.ts';
import { clusterIndex, createSharedGlmmLikelihood } from './glmm-grouped-likelihood.ts';
import { choleskyStart, startingValues } from './glmm-start.ts';
import { type GlmmDesign, orthogonalizeDesign, validateDesign, coefficientName } from './glmm-design.ts';
import { glmmInference } from './glmm-bivariate-inference.ts';
import { budgetedStarts, type MinimizeResult } from './optimize.ts';
import { type NodePlacement, swapArms, swapDesign, unswapFit } from './glmm-node-placement.ts';
import { NotEstimableError } from './errors.ts';

export type { GlmmDesign } from './glmm-design.ts';
export { covariateDesign } from './glmm-design.ts';

export interface BivariateGlmmOptions {
  /** Gauss–Hermite points per random effect (default 7, the midas setting; 1 = Laplace) */
  quadrature?: number;
  /** per-study design rows for logit sens / logit spec (with an intercept column); default intercept only */
  design?: GlmmDesign;
  /**
   * orientation of the Q×Q node grid (Q ≥ 2): 'lower' (default) = lower Cholesky factor of the
   * conditional covariance, sensitivity first; 'upper' = upper-triangular square root, as Stata places
   * the nodes for metandi's model (`glmm-node-placement.ts`)
   */
  nodes?: NodePlacement;
  /**
   * the study of each 2x2 table: tables of one study share one random-effect pair ("shared"
   * grouping, `glmm-grouped-likelihood.ts`); default: every table is its own study
   */
  groups?: readonly (string | number)[];
  /**
   * false: the conditional modes are not computed (`randomEffects` all null; one likelihood
   * evaluation less), for refits that use only the parameters (the AUC bootstrap). Default true.
   */
  randomEffects?: boolean;
}

export interface BivariateGlmmFit {
  method: 'glmm';
  /** how tables of one study are modelled (absent: independent tables) */
  structure?: 'independent' | 'shared' | 'nested';
  /** studies (clusters of tables) used, for grouped structures */
  studies?: number;
  label: string;
  quadrature: number;
  /** orientation of the node grid (null for the Laplace approximation, where it does not matter) */
  nodes: NodePlacement | null;
  /** studies used (with at least one arm with n > 0) */
  k: number;
  /** optimiser converged, gradient small and Hessian positive definite (or a documented boundary case) */
  converged: boolean;
  notes: StatsNote[];
  logLik: number;
  nParams: number;
  /** arms with n > 0 (N of the long data, midas's BIC) */
  nObservations: number;
  aic: number;
  bic: number;
  /** logit sens / logit spec: β for the intercept-only model; the column-0 coefficients with a design */
  mu: { sens: number; spec: number };
  vcov: Matrix2;
  se: { sens: number; spec: number };
  seMethod: 'observed-information' | 'conditional-on-variance-parameters';
  /** SEs of mu holding the variance parameters fixed (as the reference's se_conditional_on_variance_params) */
  seConditional: { sens: number; spec: number };
  tau2: { sens: number; spec: number };
  covRe: number;
  /** between-study correlation; null when a variance is 0 (undefined; covRe is then 0) */
  rho: number | null;
  /** Stata's parameterisation: coefficients, ln τ_sens, ln τ_spec, atanh ρ (null where infinite) */
  theta: { names: string[]; est: Array<number | null>; vcov: number[][] | null };
  coefficients: { names: string[]; est: number[]; se: number[]; vcov: number[][] };
  /** internal parameters: Cholesky factor of Σ (L11, L21, L22) */
  cholesky: [number, number, number];
  boundary: { tau2SensZero: boolean; tau2SpecZero: boolean; rhoAtBound: boolean };
  /** conditional modes of (a_i, b_i) (logit scale), in input order; null for dropped studies (all null with the option randomEffects: false) */
  randomEffects: { sens: Array<number | null>; spec: Array<number | null> };
  optimizer: { iterations: number; gradientNorm: number; evaluations: number; message: string; starts: number };
}

function checkInputs(studies: Counts[], quadrature: number): void {
  if (!Array.isArray(studies) || studies.length === 0) throw new RangeError('fitBivariateGlmm: at least one study is required');
  if (!Number.isInteger(quadrature) || quadrature < 1 || quadrature > 50) {
    throw new RangeError(`fitBivariateGlmm: quadrature must be an integer in [1, 50], got ${quadrature}`);
  }
  studies.forEach((s, i) => {
    for (const cell of ['tp', 'fp', 'fn', 'tn'] as const) {
      if (!(Number.isFinite(s[cell]) && s[cell] >= 0)) throw new RangeError(`fitBivariateGlmm: study ${i + 1}: ${cell} must be a finite count >= 0, got ${s[cell]}`);
    }
  });
  if (!studies.some((s) => s.tp + s.fn > 0)) throw new NotEstimableError('fitBivariateGlmm: no study has diseased participants (TP + FN > 0)');
  if (!studies.some((s) => s.tn + s.fp > 0)) throw new NotEstimableError('fitBivariateGlmm: no study has non-diseased participants (TN + FP > 0)');
}

/**
 * Objective evaluations a fit may spend on starts and the Nelder–Mead fallback before it gives up
 * (reported as not converged). Well-posed fits need < 100 (the 12 reference data sets: 31–86); only
 * degenerate data where every optimiser fails (e.g. four 2x2 tables of one or two participants, as
 * the parametric bootstrap can simulate) come near it, and took up to 60,000 evaluations without it.
 */
const EVALUATION_BUDGET = 2000;

/**
 * Fits the bivariate binomial GLMM by ML (see the file comment).
 * @throws RangeError on invalid counts, quadrature or design
 */
export function fitBivariateGlmm(studies: Counts[], options: BivariateGlmmOptions = {}): BivariateGlmmFit {
  const quadrature = options.quadrature ?? 7;
  checkInputs(studies, quadrature);
  const design = options.design ?? { names: ['(Intercept)'], sens: studies.map(() => [1]), spec: studies.map(() => [1]) };
  validateDesign(design, studies.length);
  if (options.nodes === 'upper' && quadrature > 1) {
    // Stata's (upper-triangular) node placement = the lower one on the arm-swapped data (glmm-node-placement.ts)
    const swapped = fitBivariateGlmm(swapArms(studies), { ...options, quadrature, design: swapDesign(design), nodes: 'lower' });
    return { ...unswapFit(swapped, design.names.length), label: `${swapped.label}, nodes placed with the upper-triangular square root as in Stata`, nodes: 'upper' };
  }

  const used = studies.map((s, i) => (s.tp + s.fn + s.tn + s.fp > 0 ? i : -1)).filter((i) => i >= 0);
  const usedStudies = used.map((i) => studies[i] as Counts);
  const orthogonalSens = orthogonalizeDesign(used.map((i) => design.sens[i] as number[]), 'logit sensitivity');
  const orthogonalSpec = orthogonalizeDesign(used.map((i) => design.spec[i] as number[]), 'logit specificity');
  const data = bivariateGlmmData(usedStudies, orthogonalSens.rows, orthogonalSpec.rows);
  if (options.groups && options.groups.length !== studies.length) throw new RangeError(`fitBivariateGlmm: ${options.groups.length} groups for ${studies.length} tables`);
  const clusters = options.groups ? clusterIndex(used.map((i) => options.groups![i] as string | number)) : null;
  const create = (points: number) => (clusters ? createSharedGlmmLikelihood(data, clusters, points) : createBivariateGlmmLikelihood(data, points));
  const likelihood = create(quadrature);
  const objective = (x: Float64Array, gradient?: Float64Array): number => likelihood.negativeLogLik(x, gradient);

  // 1. Laplace fit from univariate starts (a second/third start when it lands on a boundary or fails)
  const initial = startingValues(usedStudies, orthogonalSens.rows, orthogonalSpec.rows);
  const p = likelihood.parameterCount;
  const laplace = quadrature === 1 ? likelihood : create(1);
  const laplaceObjective = (x: Float64Array, gradient?: Float64Array): number => laplace.negativeLogLik(x, gradient);
  // gradient tolerance relative to the size of −ln L (rounding in a sum of k study terms)
  const scale = Math.max(100, Math.abs(laplaceObjective(Float64Array.from(initial.start))));
  const tolerance = { gradientTolerance: 1e-9 * scale };
  const settled = (r: MinimizeResult): boolean => r.convergence === 0 || (r.convergence === 2 && r.gradientNorm < 1e-6 * scale);
  const atBoundary = (x: number[]): boolean => {
    const [L11, L21, L22] = x.slice(p - 3) as [number, number, number];
    return L11 * L11 < 1e-6 || L21 * L21 + L22 * L22 < 1e-6 || L22 * L22 < 1e-6 * (L21 * L21 + L22 * L22);
  };
  const alternatives = [
    [...initial.start.slice(0, p - 3), ...choleskyStart(Math.max(initial.tauSens, 0.7), Math.max(initial.tauSpec, 0.7), 0)],
    [...initial.start.slice(0, p - 3), ...choleskyStart(Math.max(initial.tauSens, 0.7), Math.max(initial.tauSpec, 0.7), initial.rho > 0 ? -0.5 : 0.5)],
  ];
  // BFGS iterations and the Nelder–Mead fallback get what is left of the evaluation budget
  const search = budgetedStarts({ budget: EVALUATION_BUDGET, parameters: p, tolerance, settled, atBoundary, alternatives });
  const { run, multiStart } = search;
  let best = multiStart(laplaceObjective, run(laplaceObjective, initial.start));
  // 2. adaptive quadrature with Q > 1 from the Laplace optimum (and its inverse-Hessian approximation)
  if (quadrature > 1) {
    const laplaceStart = best.x;
    best = run(objective, laplaceStart, best.inverseHessian);
    if (!settled(best)) best = multiStart(objective, best);
  }

  // 3. Newton polishing and inference (Hessian of the analytic gradient)
  const inference = glmmInference({
    objective, start: best, parameterCount: p,
    transformSens: orthogonalSens.transform, transformSpec: orthogonalSpec.transform,
  });
  search.counts.evaluations += inference.evaluations;

  const notes: StatsNote[] = [...inference.notes];
  if (used.length < studies.length) notes.push({ code: 'study-without-data', detail: { count: studies.length - used.length } });
  if (used.length < 4) notes.push({ code: 'fewer-than-4-studies', detail: { k: used.length } });
  else if (clusters && clusters.count < 4) notes.push({ code: 'few-studies-grouped', detail: { k: clusters.count } });
  // BFGS settled, or the Newton polish reached a stationary point to rounding level
  const optimizerOk = settled(best) || inference.gradientNorm < 1e-9 * scale;
  const converged = optimizerOk && inference.gradientNorm < 1e-6 * scale && inference.hessianOk;
  if (!converged) {
    notes.unshift({
      code: 'glmm-not-converged',
      detail: { message: best.message, convergence: best.convergence, gradientNorm: inference.gradientNorm, hessianPositiveDefinite: inference.hessianOk },
    });
  }

  // a linear predictor beyond ±15 on the logit scale (p within 3e-7 of 0 or 1): the ML estimate is
  // infinite (e.g. every study has sensitivity 100%) and the likelihood is flat in that direction
  const columnsSens = design.names.length;
  for (const [arm, offset] of [['sens', 0], ['spec', columnsSens]] as const) {
    const largest = used.reduce((m, i) => {
      const row = design[arm][i] as number[];
      return Math.max(m, Math.abs(row.reduce((sum, x, c) => sum + x * (inference.coefficients[offset + c] as number), 0)));
    }, 0);
    if (largest > 15) notes.push({ code: 'mu-at-bound', detail: { parameter: arm, linearPredictor: largest } });
  }
  const muAtBound = notes.some((n) => n.code === 'mu-at-bound');
  if (muAtBound && converged) notes.unshift({ code: 'glmm-not-converged', detail: { message: 'estimate of a pooled logit diverges (no finite ML estimate)' } });
  const varianceZero = inference.boundary.tau2SensZero || inference.boundary.tau2SpecZero;

  const names = [...design.names.map((n) => coefficientName('sens', n)), ...design.names.map((n) => coefficientName('spec', n))];
  const randomEffects: BivariateGlmmFit['randomEffects'] = { sens: studies.map(() => null), spec: studies.map(() => null) };
  if (options.randomEffects !== false) {
    const modes = likelihood.conditionalModes(inference.x);
    used.forEach((i, j) => {
      randomEffects.sens[i] = modes[2 * j] as number;
      randomEffects.spec[i] = modes[2 * j + 1] as number;
    });
  }
  const logLik = -inference.value;
  const nObservations = usedStudies.reduce((a, s) => a + (s.tp + s.fn > 0 ? 1 : 0) + (s.tn + s.fp > 0 ? 1 : 0), 0);
  const v = inference.coefficientVcov;
  const vcov: Matrix2 = [
    [v[0]?.[0] ?? NaN, v[0]?.[columnsSens] ?? NaN],
    [v[columnsSens]?.[0] ?? NaN, v[columnsSens]?.[columnsSens] ?? NaN],
  ];
  const integration = quadrature === 1 ? 'Laplace approximation (1 point)' : `adaptive Gauss–Hermite quadrature, ${quadrature} points`;
  return {
    method: 'glmm',
    ...(clusters ? { structure: 'shared' as const, studies: clusters.count } : {}),
    label: clusters
      ? `bivariate binomial GLMM with random effects shared by the tables of a study, ML, ${integration}`
      : `bivariate binomial GLMM, ML, ${integration}`,
    quadrature,
    nodes: quadrature > 1 ? 'lower' : null,
    k: used.length,
    converged: converged && !muAtBound,
    notes,
    logLik,
    nParams: p,
    nObservations,
    aic: -2 * logLik + 2 * p,
    bic: -2 * logLik + p * Math.log(nObservations),
    mu: { sens: inference.coefficients[0] as number, spec: inference.coefficients[columnsSens] as number },
    vcov,
    se: { sens: Math.sqrt(vcov[0][0]), spec: Math.sqrt(vcov[1][1]) },
    seMethod: inference.seMethod,
    seConditional: { sens: inference.seConditional[0] as number, spec: inference.seConditional[columnsSens] as number },
    tau2: { sens: inference.components.tau2Sens, spec: inference.components.tau2Spec },
    covRe: varianceZero ? 0 : inference.components.covariance,
    rho: varianceZero ? null : inference.components.rho,
    theta: { names: [...names, 'ln_tau_sens', 'ln_tau_spec', 'atanh_rho'], est: inference.theta, vcov: inference.thetaVcov },
    coefficients: { names, est: inference.coefficients, se: v.map((row, i) => Math.sqrt(row[i] ?? NaN)), vcov: v },
    cholesky: inference.cholesky,
    boundary: inference.boundary,
    randomEffects,
    optimizer: { iterations: search.counts.iterations, gradientNorm: inference.gradientNorm, evaluations: search.counts.evaluations, message: best.message, starts: search.counts.starts },
  };
}
