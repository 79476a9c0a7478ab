/**
 * Bivariate meta-regression with one covariate on both logit sensitivity and logit specificity
 * (common between-study covariance), as glmer/metafor/mada/Meta-DiSc 2.0 fit it:
 *
 *   logit Se_i = x_iᵀα + a_i,  logit Sp_i = x_iᵀβ + b_i,  (a_i, b_i) ~ N2(0, Σ)
 *
 * - likelihood-ratio test against the model without the covariate (same studies, ML):
 *   LRT = 2(ℓ₁ − ℓ₀), df = 2·(levels − 1) (2 for a continuous covariate), χ² p-value;
 * - Wald tests of the covariate terms separately for sensitivity and for specificity;
 * - summaries per level implied by the regression (delta method from the coefficient covariance).
 * GLMM: same quadrature as the main model. Reitsma: coefficients by REML, the LRT from ML fits
 * (as mada's anova.reitsma). Pure; no formatting.
 *
 * References: van Houwelingen HC, Arends LR, Stijnen T (2002). Advanced methods in meta-analysis:
 * multivariate approach and meta-regression. Stat Med 21:589–624. doi:10.1002/sim.1040;
 * Takwoingi Y et al. (2023). Cochrane Handbook for Systematic Reviews of Diagnostic Test Accuracy,
 * ch. 10 (investigating heterogeneity). doi:10.1002/9781119756194.ch10
 * Edge cases: studies with a missing covariate value are left out (indices in `excluded`); a level
 * occurring in a single study still gets a coefficient (its sub-model rests on that study alone).
 */
import { categoricalDesign, continuousDesign, interceptDesign, type BivariateDesign } from '../stats/design.ts';
import { chiSquareUpperTail } from '../stats/distributions.ts';
import { fitBivariateGlmm } from '../stats/glmm-bivariate.ts';
import { defaultNodePlacement } from '../stats/glmm-node-placement.ts';
import { inverseSpd } from '../stats/linear-algebra.ts';
import { fitReitsma } from '../stats/reitsma.ts';
import { summaryMeasures, type SummaryMeasuresResult } from '../stats/summary-measures.ts';
import type { Counts, Matrix2, StatsNote } from '../stats/types.ts';
import type { PooledOptions } from './pooled.ts';
import { fitNestedGlmm } from '../stats/glmm-nested.ts';
import { memoizedFit } from './fit-memo.ts';
import { effectiveStructure, tableGroups, type GroupedCounts } from './grouping.ts';

export interface RegressionFit {
  logLik: number;
  /** sensitivity coefficients first, then specificity, each in design column order */
  est: number[];
  vcov: number[][];
  converged: boolean;
  notes: StatsNote[];
}

export interface WaldTest {
  statistic: number;
  df: number;
  p: number;
}

export interface MetaRegressionResult {
  method: string;
  covariate: string;
  type: 'categorical' | 'continuous';
  k: number;
  /** studies left out because their covariate value is missing (input indices) */
  excluded: number[];
  /** design column names (intercept first) */
  terms: string[];
  coefficients: { names: string[]; est: number[]; se: number[]; vcov: number[][] };
  lrt: { statistic: number; df: number; p: number; logLikWith: number; logLikWithout: number };
  wald: { sens: WaldTest; spec: WaldTest };
  /** per level (categorical) or at the quartiles (continuous): summaries implied by the regression */
  levels: { level: string; k: number; value?: number; summary: SummaryMeasuresResult }[];
  converged: boolean;
  notes: StatsNote[];
}

/** One model fit on `design`, by the engine of `options` (GLMM: with the grouping of `options.structure`). */
export function fitRegression(counts: readonly GroupedCounts[], design: BivariateDesign, options: PooledOptions, estimation: 'ML' | 'REML' = 'ML'): RegressionFit {
  if (options.method === 'glmm') {
    const structure = effectiveStructure(options.structure, counts);
    const groups = tableGroups(counts);
    const nestedSettings = { quadrature: options.quadrature, design, groups };
    const settings = { quadrature: options.quadrature, nodes: options.nodes ?? defaultNodePlacement(options.quadrature), design, ...(structure === 'shared' ? { groups } : {}) };
    const fit = structure === 'nested'
      ? memoizedFit('nested', counts.length, [counts, nestedSettings], () => fitNestedGlmm([...counts], nestedSettings))
      : memoizedFit('bivariate', counts.length, [counts, settings], () => fitBivariateGlmm([...counts], settings));
    return { logLik: fit.logLik, est: fit.coefficients.est, vcov: fit.coefficients.vcov, converged: fit.converged, notes: fit.notes };
  }
  const fit = fitReitsma(counts, { method: estimation === 'ML' ? 'ml' : 'reml', correction: options.correction, correctionValue: options.correctionValue, design });
  return { logLik: fit.logLik, est: fit.coefficients.est, vcov: fit.coefficients.vcov, converged: fit.converged, notes: fit.notes };
}

function waldTest(est: readonly number[], vcov: readonly (readonly number[])[], indices: readonly number[]): WaldTest {
  const b = indices.map((i) => est[i]!);
  const v = indices.map((i) => indices.map((j) => vcov[i]![j]!));
  const inverse = inverseSpd(v);
  if (!inverse) return { statistic: Number.NaN, df: indices.length, p: Number.NaN };
  let statistic = 0;
  for (let i = 0; i < b.length; i++) for (let j = 0; j < b.length; j++) statistic += b[i]! * inverse[i]![j]! * b[j]!;
  return { statistic, df: indices.length, p: chiSquareUpperTail(statistic, indices.length) };
}

/** μ and vcov of (logit Se, logit Sp) at design row x (same row for both measures). */
function contrast(est: readonly number[], vcov: readonly (readonly number[])[], x: readonly number[]): { mu: { sens: number; spec: number }; vcov: Matrix2 } {
  const gSens = [...x, ...x.map(() => 0)];
  const gSpec = [...x.map(() => 0), ...x];
  const dot = (g: number[]) => g.reduce((s, v, i) => s + v * est[i]!, 0);
  const quad = (g: number[], h: number[]) => g.reduce((s, gi, i) => s + gi * h.reduce((t, hj, j) => t + vcov[i]![j]! * hj, 0), 0);
  const cross = quad(gSens, gSpec);
  return {
    mu: { sens: dot(gSens), spec: dot(gSpec) },
    vcov: [
      [quad(gSens, gSens), cross],
      [cross, quad(gSpec, gSpec)],
    ],
  };
}

function quantile(sorted: readonly number[], probability: number): number {
  const h = (sorted.length - 1) * probability;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

/**
 * Meta-regression of one covariate. `values[i]` is the covariate of study i (null = missing);
 * `levels` fixes the level order and the reference (first level) of a categorical covariate.
 */
export function metaRegression(
  counts: readonly GroupedCounts[],
  values: readonly (string | number | null)[],
  covariate: { name: string; type: 'categorical' | 'continuous'; levels?: string[] },
  options: PooledOptions,
): MetaRegressionResult {
  const used = values.flatMap((v, i) => (v === null || v === '' ? [] : [i]));
  const excluded = values.flatMap((v, i) => (v === null || v === '' ? [i] : []));
  const data = used.map((i) => counts[i]!);
  const usedValues = used.map((i) => values[i]!);
  const notes: StatsNote[] = excluded.length > 0 ? [{ code: 'covariate-missing-excluded', detail: { covariate: covariate.name, n: excluded.length } }] : [];
  let design: BivariateDesign;
  let levelRows: { level: string; k: number; value?: number; row: number[] }[];
  if (covariate.type === 'categorical') {
    const present = new Set(usedValues.map(String));
    const order = (covariate.levels ?? [...present].sort()).filter((l) => present.has(l));
    const reference = order[0]!;
    const built = categoricalDesign(usedValues.map(String), reference);
    design = built;
    levelRows = order.map((level) => ({
      level,
      k: usedValues.filter((v) => String(v) === level).length,
      row: [1, ...built.info.levels.filter((l) => l !== reference).map((l) => (l === level ? 1 : 0))],
    }));
  } else {
    const numbers = usedValues.map(Number);
    design = continuousDesign(numbers);
    const sorted = [...numbers].sort((a, b) => a - b);
    levelRows = [0.25, 0.75].map((probability) => {
      const value = quantile(sorted, probability);
      return { level: `${probability === 0.25 ? 'lower' : 'upper'} quartile`, k: data.length, value, row: [1, value] };
    });
  }
  const withCovariate = fitRegression(data, design, options, 'REML');
  const withMl = options.method === 'glmm' ? withCovariate : fitRegression(data, design, options, 'ML');
  const without = fitRegression(data, interceptDesign(data.length), options, 'ML');
  const p = design.names.length;
  const statistic = Math.max(0, 2 * (withMl.logLik - without.logLik));
  const df = 2 * (p - 1);
  const termIndices = (offset: number) => Array.from({ length: p - 1 }, (_, j) => offset + 1 + j);
  const names = [...design.names.map((n) => `sens:${n}`), ...design.names.map((n) => `spec:${n}`)];
  const structure = options.method === 'glmm' ? effectiveStructure(options.structure, data) : 'independent';
  const grouping = structure === 'shared' ? '; the tables of a study share its random effects' : structure === 'nested' ? '; study and table-within-study random effects' : '';
  return {
    method: `bivariate meta-regression (${options.method === 'glmm' ? `binomial GLMM, ML, ${options.quadrature === 1 ? 'Laplace' : `${options.quadrature}-point AGHQ`}` : 'Reitsma normal approximation, REML; LRT from ML fits'}), covariate on logit sensitivity and logit specificity, common between-study covariance${grouping}`,
    covariate: covariate.name,
    type: covariate.type,
    k: data.length,
    excluded,
    terms: design.names,
    coefficients: { names, est: withCovariate.est, se: withCovariate.vcov.map((row, i) => Math.sqrt(row[i]!)), vcov: withCovariate.vcov },
    lrt: { statistic, df, p: chiSquareUpperTail(statistic, df), logLikWith: withMl.logLik, logLikWithout: without.logLik },
    wald: { sens: waldTest(withCovariate.est, withCovariate.vcov, termIndices(0)), spec: waldTest(withCovariate.est, withCovariate.vcov, termIndices(p)) },
    levels: levelRows.map(({ level, k, value, row }) => {
      const c = contrast(withCovariate.est, withCovariate.vcov, row);
      return { level, k, ...(value !== undefined ? { value } : {}), summary: summaryMeasures(c.mu, c.vcov, options.level) };
    }),
    converged: withCovariate.converged && without.converged && withMl.converged,
    notes: [...notes, ...withCovariate.notes, ...without.notes],
  };
}
