/**
 * Starting values for the bivariate GLMM (as metandi's gllamm route does): two univariate
 * random-intercept binomial GLMMs (Laplace), one for logit sensitivity and one for logit
 * specificity, give β and τ; ρ is the correlation of their conditional modes over studies with
 * both arms, clipped to [−0.9, 0.9]; τ is floored at 0.2 so that the start is not on the τ = 0
 * boundary (where the gradient in L vanishes). Returned in the internal parameterisation
 * (γ on the given design rows, Cholesky factor L of Σ).
 */
import type { Counts } from './types.ts';
import { fitUnivariateEstimates } from './glmm-univariate.ts';

/** Cholesky factor (L11, L21, L22) of [[τs², ρτsτp], [ρτsτp, τp²]]. */
export const choleskyStart = (tauSens: number, tauSpec: number, rho: number): [number, number, number] => [
  tauSens,
  rho * tauSpec,
  Math.sqrt(1 - rho * rho) * tauSpec,
];

/** Starting values [γ_sens, γ_spec, L11, L21, L22] from univariate Laplace fits on the orthogonal design. */
export function startingValues(studies: Counts[], rowsSens: number[][], rowsSpec: number[][]): { start: number[]; tauSens: number; tauSpec: number; rho: number } {
  const sensArms = studies.map((s, i) => ({ y: s.tp, n: s.tp + s.fn, row: rowsSens[i] as number[] })).filter((a) => a.n > 0);
  const specArms = studies.map((s, i) => ({ y: s.tn, n: s.tn + s.fp, row: rowsSpec[i] as number[] })).filter((a) => a.n > 0);
  const sens = fitUnivariateEstimates(sensArms.map((a) => a.y), sensArms.map((a) => a.n), sensArms.map((a) => a.row), 1);
  const spec = fitUnivariateEstimates(specArms.map((a) => a.y), specArms.map((a) => a.n), specArms.map((a) => a.row), 1);
  // correlation of the conditional modes over studies with both arms
  const pairs: Array<[number, number]> = [];
  let indexSens = 0, indexSpec = 0;
  for (const s of studies) {
    const hasSens = s.tp + s.fn > 0, hasSpec = s.tn + s.fp > 0;
    if (hasSens && hasSpec) pairs.push([sens.randomEffects[indexSens] as number, spec.randomEffects[indexSpec] as number]);
    if (hasSens) indexSens++;
    if (hasSpec) indexSpec++;
  }
  let rho = 0;
  if (pairs.length >= 3) {
    const mean = (j: 0 | 1): number => pairs.reduce((a, p) => a + p[j], 0) / pairs.length;
    const [m0, m1] = [mean(0), mean(1)];
    const sxy = pairs.reduce((a, p) => a + (p[0] - m0) * (p[1] - m1), 0);
    const sxx = pairs.reduce((a, p) => a + (p[0] - m0) ** 2, 0);
    const syy = pairs.reduce((a, p) => a + (p[1] - m1) ** 2, 0);
    if (sxx > 0 && syy > 0) rho = Math.max(-0.9, Math.min(0.9, sxy / Math.sqrt(sxx * syy)));
  }
  const tauSens = Math.max(Math.abs(sens.tau), 0.2);
  const tauSpec = Math.max(Math.abs(spec.tau), 0.2);
  return { start: [...sens.coefficients, ...spec.coefficients, ...choleskyStart(tauSens, tauSpec, rho)], tauSens, tauSpec, rho };
}

