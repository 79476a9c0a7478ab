/**
 * Bivariate binomial GLMM with study-level and table-within-study random effects, for reviews in
 * which one study reports several 2x2 tables (several index tests, models, thresholds or readers):
 *
 *   TP_st ~ Bin(n1_st, expit(x_stᵀβ_sens + a_s + c_st)),  TN_st ~ Bin(n0_st, expit(x_stᵀβ_spec + b_s + d_st)),
 *   (a_s, b_s) ~ N2(0, Σ_study),  (c_st, d_st) ~ N2(0, Σ_table),  all independent,
 *
 * glmer's `(0 + sens + spec | study) + (0 + sens + spec | study:table)` on arm-level long data.
 * A new table from a new study varies around the pooled logits with Σ_total = Σ_study + Σ_table,
 * which is what the SROC curve, the prediction region and the AUC use (reported as tau2/covRe/rho);
 * the two levels are reported separately in `levels`.
 * Likelihood: nested adaptive Gauss–Hermite quadrature with Q points per dimension at both levels,
 * Q = 1 the Laplace approximation of glmer (`glmm-nested-likelihood.ts`).
 * References: Rabe-Hesketh, Skrondal & Pickles 2005, doi:10.1016/j.jeconom.2004.08.017 (nested
 * AGHQ); Chu & Cole 2006, doi:10.1016/j.jclinepi.2006.06.011 (the bivariate binomial model);
 * Takwoingi et al., Cochrane Handbook for DTA Reviews (2023) ch. 10, doi:10.1002/9781119756194.ch10.
 *
 * Fitting (as `fitBivariateGlmm`): Σ_study = L_S L_Sᵀ and Σ_table = L_T L_Tᵀ with unconstrained
 * Cholesky factors (reach zero variances and |ρ| = 1), orthogonalised design; BFGS with the exact
 * gradient on the Laplace likelihood from univariate starts with the between-table variance split
 * between the levels (60/40, then 90/10 and 10/90 when the first lands on a boundary or fails),
 * then for Q > 1 BFGS on the Q-point likelihood from the Laplace optimum; Newton polishing.
 * SEs: inverse observed information over all parameters; when it is singular (a level at its
 * boundary: a zero variance or |ρ| = 1, frequent with few studies), the parameters of that level
 * are held at their estimates (note 'nested-level-fixed-for-se'); failing that, SEs conditional on
 * all variance parameters. Boundary flags: τ² < 1e-8, 1 − |ρ| < 1e-8.
 *
 * Edge cases: tables with no participants are dropped; at least one study must have two or more
 * tables (otherwise the two levels are not identified: fit independent tables instead).
 */
import type { Counts, Matrix2, StatsNote } from './types.ts';
import { bivariateGlmmData } from './glmm-likelihood.ts';
import { clusterIndex } from './glmm-grouped-likelihood.ts';
import { createNestedGlmmLikelihood } from './glmm-nested-likelihood.ts';
import { startingValues, choleskyStart } from './glmm-start.ts';
import { coefficientName, orthogonalizeDesign, validateDesign, type GlmmDesign } from './glmm-design.ts';
import { invertSymmetric, sandwich, varianceComponents } from './glmm-inference.ts';
import { newtonPolish } from './glmm-bivariate-inference.ts';
import { budgetedStarts, type MinimizeResult } from './optimize.ts';
import type { BivariateGlmmFit } from './glmm-bivariate.ts';

export interface NestedGlmmOptions {
  /** Gauss–Hermite points per random effect at both levels (default 7; 1 = Laplace, as glmer) */
  quadrature?: number;
  design?: GlmmDesign;
  /** the study of each table (same length as the tables) */
  groups: readonly (string | number)[];
}

export interface LevelComponents {
  tau2: { sens: number; spec: number };
  covRe: number;
  /** null when a variance is 0 */
  rho: number | null;
  cholesky: [number, number, number];
}

export interface NestedGlmmFit extends BivariateGlmmFit {
  structure: 'nested';
  /** studies (clusters) with at least one table used */
  studies: number;
  levels: { study: LevelComponents; table: LevelComponents };
}

const EVALUATION_BUDGET = 2000;
const maxAbs = (v: ArrayLike<number>): number => Array.from(v).reduce((m, e) => Math.max(m, Math.abs(e)), 0);

function blockDiagonal(a: number[][], b: number[][]): number[][] {
  const n = a.length + b.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i < a.length ? (j < a.length ? (a[i]?.[j] ?? 0) : 0) : j >= a.length ? (b[i - a.length]?.[j - a.length] ?? 0) : 0)),
  );
}

function level(L: [number, number, number]): LevelComponents {
  const c = varianceComponents(...L);
  const zero = c.tau2Sens < 1e-8 || c.tau2Spec < 1e-8;
  return { tau2: { sens: c.tau2Sens, spec: c.tau2Spec }, covRe: zero ? 0 : c.covariance, rho: zero ? null : c.rho, cholesky: L };
}

/** A level is at its boundary: a variance ≈ 0 or |ρ| ≈ 1. */
function atBoundary(L: readonly number[]): boolean {
  const c = varianceComponents(L[0] as number, L[1] as number, L[2] as number);
  return c.tau2Sens < 1e-8 || c.tau2Spec < 1e-8 || 1 - Math.abs(c.rho) < 1e-8;
}

/**
 * Fits the nested model by ML (see the file comment).
 * @throws RangeError on invalid counts, quadrature, design or groups, or when no study has two tables
 */
export function fitNestedGlmm(studies: Counts[], options: NestedGlmmOptions): NestedGlmmFit {
  const quadrature = options.quadrature ?? 7;
  if (!Array.isArray(studies) || studies.length === 0) throw new RangeError('fitNestedGlmm: at least one table is required');
  if (!Number.isInteger(quadrature) || quadrature < 1 || quadrature > 50) throw new RangeError(`fitNestedGlmm: quadrature must be an integer in [1, 50], got ${quadrature}`);
  if (options.groups.length !== studies.length) throw new RangeError(`fitNestedGlmm: ${options.groups.length} groups for ${studies.length} tables`);
  studies.forEach((s, i) => {
    for (const cell of ['tp', 'fp', 'fn', 'tn'] as const) {
      if (!(Number.isFinite(s[cell]) && s[cell] >= 0)) throw new RangeError(`fitNestedGlmm: table ${i + 1}: ${cell} must be a finite count >= 0, got ${s[cell]}`);
    }
  });
  const design = options.design ?? { names: ['(Intercept)'], sens: studies.map(() => [1]), spec: studies.map(() => [1]) };
  validateDesign(design, studies.length);
  const used = studies.map((s, i) => (s.tp + s.fn + s.tn + s.fp > 0 ? i : -1)).filter((i) => i >= 0);
  const usedStudies = used.map((i) => studies[i] as Counts);
  if (!usedStudies.some((s) => s.tp + s.fn > 0)) throw new RangeError('fitNestedGlmm: no table has diseased participants (TP + FN > 0)');
  if (!usedStudies.some((s) => s.tn + s.fp > 0)) throw new RangeError('fitNestedGlmm: no table has non-diseased participants (TN + FP > 0)');
  const clusters = clusterIndex(used.map((i) => options.groups[i] as string | number));
  if (clusters.largest < 2) throw new RangeError('fitNestedGlmm: no study has two or more tables, so study and table effects are not separable');
  const orthogonalSens = orthogonalizeDesign(used.map((i) => design.sens[i] as number[]), 'logit sensitivity');
  const orthogonalSpec = orthogonalizeDesign(used.map((i) => design.spec[i] as number[]), 'logit specificity');
  const data = bivariateGlmmData(usedStudies, orthogonalSens.rows, orthogonalSpec.rows);
  const likelihood = createNestedGlmmLikelihood(data, clusters, quadrature);
  const laplace = quadrature === 1 ? likelihood : createNestedGlmmLikelihood(data, clusters, 1);
  const p = likelihood.parameterCount;
  const nb = p - 6;
  const objective = (x: Float64Array, gradient?: Float64Array): number => likelihood.negativeLogLik(x, gradient);
  const laplaceObjective = (x: Float64Array, gradient?: Float64Array): number => laplace.negativeLogLik(x, gradient);

  // 1. starts: univariate fits, between-table variance split between the levels
  const initial = startingValues(usedStudies, orthogonalSens.rows, orthogonalSpec.rows);
  const beta = initial.start.slice(0, nb);
  const split = (share: number): number[] => [
    ...beta,
    ...choleskyStart(Math.sqrt(share) * initial.tauSens, Math.sqrt(share) * initial.tauSpec, initial.rho),
    ...choleskyStart(Math.max(Math.sqrt(1 - share) * initial.tauSens, 0.1), Math.max(Math.sqrt(1 - share) * initial.tauSpec, 0.1), 0),
  ];
  const scale = Math.max(100, Math.abs(laplaceObjective(Float64Array.from(split(0.6)))));
  const tolerance = { gradientTolerance: 1e-9 * scale };
  const settled = (r: MinimizeResult): boolean => r.convergence === 0 || (r.convergence === 2 && r.gradientNorm < 1e-6 * scale);
  const onBoundary = (x: number[]): boolean => atBoundary(x.slice(nb, nb + 3)) || atBoundary(x.slice(nb + 3));
  const search = budgetedStarts({ budget: EVALUATION_BUDGET, parameters: p, tolerance, settled, atBoundary: onBoundary, alternatives: [split(0.9), split(0.1)] });
  const { run, multiStart } = search;
  let best = multiStart(laplaceObjective, run(laplaceObjective, split(0.6)));
  if (quadrature > 1) {
    best = run(objective, best.x, best.inverseHessian);
    if (!settled(best)) best = multiStart(objective, best);
  }

  // 2. Newton polishing, observed information
  const polished = newtonPolish(objective, best, p);
  search.counts.evaluations += polished.evaluations;
  const { x, value, gradient, hessian } = polished;

  const LS = x.slice(nb, nb + 3) as [number, number, number];
  const LT = x.slice(nb + 3) as [number, number, number];
  const study = level(LS), table = level(LT);
  const totalSigma: Matrix2 = [
    [study.tau2.sens + table.tau2.sens, study.covRe + table.covRe],
    [study.covRe + table.covRe, study.tau2.spec + table.tau2.spec],
  ];
  const total = varianceComponents(...choleskyOf(totalSigma));
  const notes: StatsNote[] = [];
  const boundary = {
    tau2SensZero: total.tau2Sens < 1e-8,
    tau2SpecZero: total.tau2Spec < 1e-8,
    rhoAtBound: !(total.tau2Sens < 1e-8 || total.tau2Spec < 1e-8) && 1 - Math.abs(total.rho) < 1e-8,
  };
  for (const [name, components] of [['study', study], ['table', table]] as const) {
    if (components.tau2.sens < 1e-8) notes.push({ code: 'level-tau2-at-zero', detail: { parameter: 'sens', level: name, tau2: components.tau2.sens } });
    if (components.tau2.spec < 1e-8) notes.push({ code: 'level-tau2-at-zero', detail: { parameter: 'spec', level: name, tau2: components.tau2.spec } });
    if (components.rho !== null && 1 - Math.abs(components.rho) < 1e-8) notes.push({ code: 'level-rho-at-boundary', detail: { level: name, rho: components.rho } });
  }

  // 3. covariance: full observed information, else with boundary levels held fixed, else conditional
  const transform = blockDiagonal(orthogonalSens.transform, orthogonalSpec.transform);
  const keep = (indices: number[]): number[][] | null => {
    const inverse = invertSymmetric(indices.map((i) => indices.map((j) => hessian[i]?.[j] ?? NaN)));
    if (!inverse) return null;
    const full = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    indices.forEach((i, a) => indices.forEach((j, b) => { (full[i] as number[])[j] = inverse[a]?.[b] ?? NaN; }));
    return full;
  };
  const all = Array.from({ length: p }, (_, i) => i);
  let covariance = keep(all);
  let seMethod: BivariateGlmmFit['seMethod'] = 'observed-information';
  if (!covariance) {
    const fixedLevels = [['study', nb, LS], ['table', nb + 3, LT]].filter(([, , L]) => atBoundary(L as number[]));
    const free = all.filter((i) => !fixedLevels.some(([, offset]) => i >= (offset as number) && i < (offset as number) + 3));
    covariance = fixedLevels.length > 0 ? keep(free) : null;
    if (covariance) notes.push({ code: 'nested-level-fixed-for-se', detail: { levels: fixedLevels.map(([name]) => name as string).join(', ') } });
  }
  const conditionalBlock = invertSymmetric(hessian.slice(0, nb).map((row) => row.slice(0, nb)));
  const conditional = conditionalBlock ? sandwich(transform, conditionalBlock) : null;
  if (!covariance) {
    seMethod = 'conditional-on-variance-parameters';
    notes.push({ code: 'hessian-not-pd' });
    notes.push({ code: 'se-conditional-on-variance-parameters', detail: { reason: 'hessian-not-pd' } });
  }
  const nanMatrix = Array.from({ length: nb }, () => new Array<number>(nb).fill(NaN));
  const coefficientVcov = covariance ? sandwich(transform, covariance.slice(0, nb).map((row) => row.slice(0, nb))) : (conditional ?? nanMatrix);
  const gamma = x.slice(0, nb);
  const coefficients = transform.map((row) => row.reduce((s, t, j) => s + t * (gamma[j] ?? 0), 0));

  // θ = (β, ln τ_sens, ln τ_spec, atanh ρ) of Σ_total, delta method through (L_S, L_T)
  const theta: Array<number | null> = [
    ...coefficients,
    boundary.tau2SensZero ? NaN : 0.5 * Math.log(total.tau2Sens),
    boundary.tau2SpecZero ? NaN : 0.5 * Math.log(total.tau2Spec),
    boundary.rhoAtBound || boundary.tau2SensZero || boundary.tau2SpecZero ? NaN : Math.atanh(total.rho),
  ].map((v) => (Number.isFinite(v) ? v : null));
  const jacobian = totalJacobian(LS, LT);
  const map = jacobian ? [...transform.map((row) => [...row, 0, 0, 0, 0, 0, 0]), ...jacobian.map((row) => [...new Array<number>(nb).fill(0), ...row])] : null;
  const thetaVcov = covariance && map && !boundary.rhoAtBound ? sandwich(map, covariance) : null;

  const gradientNorm = maxAbs(gradient);
  const hessianOk = covariance !== null;
  const optimizerOk = settled(best) || gradientNorm < 1e-9 * scale;
  const converged = optimizerOk && gradientNorm < 1e-6 * scale && hessianOk;
  if (!converged) {
    notes.unshift({ code: 'glmm-not-converged', detail: { message: best.message, convergence: best.convergence, gradientNorm, hessianPositiveDefinite: hessianOk } });
  }
  const columnsSens = design.names.length;
  for (const [arm, offset] of [['sens', 0], ['spec', columnsSens]] as const) {
    const largest = used.reduce((m, i) => {
      const row = design[arm][i] as number[];
      return Math.max(m, Math.abs(row.reduce((sum, v, c) => sum + v * (coefficients[offset + c] as number), 0)));
    }, 0);
    if (largest > 15) notes.push({ code: 'mu-at-bound', detail: { parameter: arm, linearPredictor: largest } });
  }
  const muAtBound = notes.some((n) => n.code === 'mu-at-bound');
  if (used.length < studies.length) notes.push({ code: 'study-without-data', detail: { count: studies.length - used.length } });
  if (clusters.count < 4) notes.push({ code: 'few-studies-grouped', detail: { k: clusters.count } });

  const names = [...design.names.map((n) => coefficientName('sens', n)), ...design.names.map((n) => coefficientName('spec', n))];
  const modes = likelihood.conditionalModes(x);
  const randomEffects: BivariateGlmmFit['randomEffects'] = { sens: studies.map(() => null), spec: studies.map(() => null) };
  used.forEach((i, j) => {
    randomEffects.sens[i] = (modes.study[2 * j] as number) + (modes.table[2 * j] as number);
    randomEffects.spec[i] = (modes.study[2 * j + 1] as number) + (modes.table[2 * j + 1] as number);
  });
  const logLik = -value;
  const nObservations = usedStudies.reduce((a, s) => a + (s.tp + s.fn > 0 ? 1 : 0) + (s.tn + s.fp > 0 ? 1 : 0), 0);
  const v = coefficientVcov;
  const vcov: Matrix2 = [
    [v[0]?.[0] ?? NaN, v[0]?.[columnsSens] ?? NaN],
    [v[columnsSens]?.[0] ?? NaN, v[columnsSens]?.[columnsSens] ?? NaN],
  ];
  const seConditional = (conditional ?? nanMatrix).map((row, i) => Math.sqrt(row[i] ?? NaN));
  const varianceZero = boundary.tau2SensZero || boundary.tau2SpecZero;
  return {
    method: 'glmm',
    structure: 'nested',
    nodes: quadrature > 1 ? 'lower' : null,
    label: `bivariate binomial GLMM with study and table-within-study random effects, ML, ${quadrature === 1 ? 'Laplace approximation (1 point)' : `nested adaptive Gauss–Hermite quadrature, ${quadrature} points`}`,
    quadrature,
    k: used.length,
    studies: clusters.count,
    converged: converged && !muAtBound,
    notes,
    logLik,
    nParams: p,
    nObservations,
    aic: -2 * logLik + 2 * p,
    bic: -2 * logLik + p * Math.log(nObservations),
    mu: { sens: coefficients[0] as number, spec: coefficients[columnsSens] as number },
    vcov,
    se: { sens: Math.sqrt(vcov[0][0]), spec: Math.sqrt(vcov[1][1]) },
    seMethod,
    seConditional: { sens: seConditional[0] as number, spec: seConditional[columnsSens] as number },
    tau2: { sens: total.tau2Sens, spec: total.tau2Spec },
    covRe: varianceZero ? 0 : total.covariance,
    rho: varianceZero ? null : total.rho,
    theta: { names: [...names, 'ln_tau_sens', 'ln_tau_spec', 'atanh_rho'], est: theta, vcov: thetaVcov },
    coefficients: { names, est: coefficients, se: coefficientVcov.map((row, i) => Math.sqrt(row[i] ?? NaN)), vcov: coefficientVcov },
    cholesky: choleskyOf(totalSigma),
    boundary,
    randomEffects,
    optimizer: { iterations: search.counts.iterations, gradientNorm, evaluations: search.counts.evaluations, message: best.message, starts: search.counts.starts },
    levels: { study, table },
  };
}

/** Lower Cholesky factor (L11, L21, L22) of a 2×2 covariance (0 where a variance is 0). */
function choleskyOf(sigma: Matrix2): [number, number, number] {
  const L11 = Math.sqrt(Math.max(sigma[0][0], 0));
  const L21 = L11 > 0 ? sigma[0][1] / L11 : 0;
  return [L11, L21, Math.sqrt(Math.max(sigma[1][1] - L21 * L21, 0))];
}

/**
 * ∂(ln τ_sens, ln τ_spec, atanh ρ) of Σ_total = L_S L_Sᵀ + L_T L_Tᵀ over (L_S, L_T) (3 × 6), null
 * when a total variance is 0 or |ρ| = 1.
 */
function totalJacobian(LS: readonly number[], LT: readonly number[]): number[][] | null {
  const [a1, a2, a3] = LS as [number, number, number];
  const [b1, b2, b3] = LT as [number, number, number];
  const vs = a1 * a1 + b1 * b1, vp = a2 * a2 + a3 * a3 + b2 * b2 + b3 * b3, cov = a1 * a2 + b1 * b2;
  if (!(vs > 1e-8 && vp > 1e-8)) return null;
  const rho = cov / Math.sqrt(vs * vp);
  if (!(1 - Math.abs(rho) > 1e-8)) return null;
  // derivatives of (vs, vp, cov) with respect to (a1, a2, a3, b1, b2, b3)
  const dvs = [2 * a1, 0, 0, 2 * b1, 0, 0];
  const dvp = [0, 2 * a2, 2 * a3, 0, 2 * b2, 2 * b3];
  const dcov = [a2, a1, 0, b2, b1, 0];
  const rows = [
    dvs.map((d) => d / (2 * vs)),
    dvp.map((d) => d / (2 * vp)),
    dcov.map((d, i) => (d / Math.sqrt(vs * vp) - rho * ((dvs[i] as number) / (2 * vs) + (dvp[i] as number) / (2 * vp))) / (1 - rho * rho)),
  ];
  return rows.every((row) => row.every(Number.isFinite)) ? rows : null;
}
