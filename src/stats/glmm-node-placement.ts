/**
 * Orientation of the tensor-product adaptive Gauss–Hermite grid of the bivariate GLMM.
 *
 * Adaptive quadrature centres the Q×Q grid of normal GH nodes z_j on the conditional mode b̂_i of the
 * random effects b_i = (a_i, b_i) and scales it with a square root S of their conditional covariance
 * C_i (the inverse curvature at the mode): b = b̂_i + S z_j, S Sᵀ = C_i. Every such S gives the same
 * integral as Q → ∞, but a tensor grid is not rotation invariant, so at Q ≥ 2 the choice of S changes
 * the approximation (in the 4th–6th significant digit of the estimates):
 *
 *   'lower': S = the lower Cholesky factor of C_i with the sensitivity random effect first
 *            (metadx's placement, `glmm-likelihood.ts`, and the R reference implementation);
 *   'upper': S = the upper-triangular square root of C_i (S = [[s11, s12], [0, s22]], S Sᵀ = C_i) with
 *            the sensitivity random effect first. This is how Stata's xtmelogit/meqrlogit place the
 *            nodes for metandi's model (`|| _i: _d1 _d0`, sensitivity listed first): it reproduces
 *            every digit of metandi's printed output on the Cochrane tutorial's CT data
 *            (tests/stats/glmm-stata-digits.test.ts).
 *
 * Stata uses the upper-triangular factor in the order the random effects are listed. midas lists
 * them specificity first (`study: disgrp1 disgrp2`, disgrp1 = non-diseased), and the upper factor in
 * that order is the lower factor in the order (sens, spec): Stata's placement for midas's model is
 * 'lower' (derived from the same rule; no printed midas output with enough digits was available to
 * confirm it).
 *
 * Implementation: the upper-triangular square root of C in the order (sens, spec) is P R P, where
 * R is the lower Cholesky factor of P C P and P swaps the two components. So the 'upper' fit is the
 * 'lower' fit of the same data with the two arms swapped (TP ↔ TN, FN ↔ FP, design rows of sens ↔
 * spec), mapped back: an exact reparameterisation, no separate quadrature code. The maximised
 * likelihood and every estimate are invariant to the swap apart from the grid orientation.
 */
import type { Counts, StatsNote } from './types.ts';
import type { GlmmDesign } from './glmm-design.ts';
import { varianceComponents } from './glmm-inference.ts';

export type NodePlacement = 'lower' | 'upper';

/** The data with diseased and non-diseased arms exchanged (sens ↔ spec). */
export function swapArms(studies: readonly Counts[]): Counts[] {
  return studies.map((s) => ({ tp: s.tn, fn: s.fp, tn: s.tp, fp: s.fn }));
}

export function swapDesign(design: GlmmDesign): GlmmDesign {
  return { ...design, sens: design.spec, spec: design.sens };
}

const swapArm = <T,>(value: T): T | 'sens' | 'spec' => (value === 'sens' ? 'spec' : value === 'spec' ? 'sens' : value);

function swapNote(note: StatsNote): StatsNote {
  if (!note.detail) return note;
  const detail = { ...note.detail };
  if ('parameter' in detail) detail.parameter = swapArm(detail.parameter);
  if ('measure' in detail) detail.measure = swapArm(detail.measure);
  if (detail.reason === 'tau2-sens-at-zero') detail.reason = 'tau2-spec-at-zero';
  else if (detail.reason === 'tau2-spec-at-zero') detail.reason = 'tau2-sens-at-zero';
  return { ...note, detail };
}

/** Permutes rows and columns of a square matrix. */
const permute = (matrix: number[][], order: number[]): number[][] => order.map((i) => order.map((j) => matrix[i]?.[j] ?? NaN));

/** Minimal shape of the fit that is mapped back (the fields of BivariateGlmmFit that depend on the arm order). */
export interface SwappableFit {
  label: string;
  notes: StatsNote[];
  mu: { sens: number; spec: number };
  vcov: [[number, number], [number, number]];
  se: { sens: number; spec: number };
  seConditional: { sens: number; spec: number };
  tau2: { sens: number; spec: number };
  covRe: number;
  rho: number | null;
  theta: { names: string[]; est: Array<number | null>; vcov: number[][] | null };
  coefficients: { names: string[]; est: number[]; se: number[]; vcov: number[][] };
  cholesky: [number, number, number];
  boundary: { tau2SensZero: boolean; tau2SpecZero: boolean; rhoAtBound: boolean };
  randomEffects: { sens: Array<number | null>; spec: Array<number | null> };
}

/**
 * Maps a fit of the arm-swapped data back to the original arms (see the file comment).
 * `columns` = number of design columns per arm (1 for the intercept-only model).
 */
export function unswapFit<F extends SwappableFit>(fit: F, columns: number): F {
  // coefficients: [sens block, spec block] of the swapped fit = [spec, sens] of the original
  const coefficientOrder = [...Array.from({ length: columns }, (_, c) => columns + c), ...Array.from({ length: columns }, (_, c) => c)];
  const thetaOrder = [...coefficientOrder, 2 * columns + 1, 2 * columns, 2 * columns + 2];
  const components = varianceComponents(...fit.cholesky);
  // Cholesky factor of the original Σ (sens first) from the swapped one's components
  const tau2Sens = components.tau2Spec;
  const tau2Spec = components.tau2Sens;
  const L11 = Math.sqrt(tau2Sens);
  const L21 = L11 > 0 ? components.covariance / L11 : 0;
  const L22 = Math.sqrt(Math.max(0, tau2Spec - L21 * L21));
  return {
    ...fit,
    notes: fit.notes.map(swapNote),
    mu: { sens: fit.mu.spec, spec: fit.mu.sens },
    vcov: [
      [fit.vcov[1][1], fit.vcov[1][0]],
      [fit.vcov[0][1], fit.vcov[0][0]],
    ],
    se: { sens: fit.se.spec, spec: fit.se.sens },
    seConditional: { sens: fit.seConditional.spec, spec: fit.seConditional.sens },
    tau2: { sens: fit.tau2.spec, spec: fit.tau2.sens },
    theta: {
      names: fit.theta.names,
      est: thetaOrder.map((i) => fit.theta.est[i] ?? null),
      vcov: fit.theta.vcov ? permute(fit.theta.vcov, thetaOrder) : null,
    },
    coefficients: {
      names: fit.coefficients.names,
      est: coefficientOrder.map((i) => fit.coefficients.est[i] as number),
      se: coefficientOrder.map((i) => fit.coefficients.se[i] as number),
      vcov: permute(fit.coefficients.vcov, coefficientOrder),
    },
    cholesky: [L11, L21, L22],
    boundary: { tau2SensZero: fit.boundary.tau2SpecZero, tau2SpecZero: fit.boundary.tau2SensZero, rhoAtBound: fit.boundary.rhoAtBound },
    randomEffects: { sens: fit.randomEffects.spec, spec: fit.randomEffects.sens },
  };
}

/**
 * Default placement for a number of points: Stata's placement for the tool whose setting it is —
 * 5 points (metandi, random effects listed sensitivity first) → 'upper'; any other number → 'lower'
 * (Stata's placement for midas's 7 points, specificity first; the R reference implementation).
 */
export function defaultNodePlacement(quadrature: number): NodePlacement {
  return quadrature === 5 ? 'upper' : 'lower';
}
