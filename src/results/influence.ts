/**
 * Outliers, influence and sensitivity analyses of the pooled bivariate analysis.
 *
 * - Bivariate box plot (midas `bvbox`, METHODS (f)): studies outside the fence are flagged.
 * - Standardised residuals: for study i with corrected logits y_i and within-study covariance
 *   S_i = diag(1/(n1·se(1−se)), 1/(n0·sp(1−sp))), the squared Mahalanobis distance
 *   D²_i = (y_i − μ̂)ᵀ (Σ̂ + S_i)⁻¹ (y_i − μ̂), referred to χ²₂ (the marginal distribution of y_i
 *   under the bivariate normal approximation); flagged when p < 0.05 / k (Bonferroni).
 * - Leave-one-out: the pooled model refitted without each study in turn, and Cook's distance
 *   D_i = (μ̂ − μ̂₍₋ᵢ₎)ᵀ V̂⁻¹ (μ̂ − μ̂₍₋ᵢ₎), V̂ the covariance of μ̂ in the full fit (as metafor's
 *   cooks.distance for rma.mv; Viechtbauer & Cheung 2010, doi:10.1002/jrsm.11).
 * - Sensitivity analysis: the pooled model without the flagged studies and/or a list from the spec.
 * Pure; no formatting.
 */
import { bivariateBoxplot, type BivariateBoxplotResult } from '../stats/bivariate-boxplot.ts';
import { applyContinuityCorrection } from '../stats/continuity.ts';
import { chiSquareUpperTail } from '../stats/distributions.ts';
import type { Counts, Matrix2 } from '../stats/types.ts';
import { poolStudies, type PooledOptions, type PooledResult } from './pooled.ts';
import { parallelMap, type ParallelTask } from './parallel.ts';

export interface StudyInfluence {
  study: number;
  /** squared standardised residual D² (χ²₂ under the model) and its p-value */
  residual: { d2: number; p: number; flagged: boolean } | null;
  /** leave-one-out refit; null when not computed */
  leaveOneOut: { mu: { sens: number; spec: number }; logLik: number | null; sens: { est: number; lo: number; hi: number }; spec: { est: number; lo: number; hi: number }; dor: { est: number; lo: number; hi: number }; cooksDistance: number; converged: boolean } | null;
  outsideFence: boolean;
}

export interface SensitivityAnalysis {
  /** why these studies were left out */
  reason: 'outliers' | 'spec';
  excluded: number[];
  pooled: PooledResult;
}

export interface InfluenceResult {
  boxplot: BivariateBoxplotResult | null;
  studies: StudyInfluence[];
  /** leave-one-out was skipped (too many studies, or switched off) */
  leaveOneOutSkipped: 'disabled' | 'too-many-studies' | 'too-few-studies' | null;
  sensitivity: SensitivityAnalysis[];
}

/** Leave-one-out refits are skipped above this many studies (k refits of k studies each). */
export const LEAVE_ONE_OUT_LIMIT = 300;

interface LeaveOneOutRefit {
  method: PooledResult['model']['method'];
  mu: PooledResult['mu'];
  logLik: number | null;
  sens: PooledResult['summary']['sens'];
  spec: PooledResult['summary']['spec'];
  dor: PooledResult['summary']['dor'];
  converged: boolean;
}

/** The pooled model without study `i` (what the leave-one-out table reports), as a parallel task. */
export const LEAVE_ONE_OUT: ParallelTask<{ counts: readonly Counts[]; options: PooledOptions }, number, LeaveOneOutRefit> = {
  name: 'leave-one-out',
  run: (i, { counts, options }) => {
    // the refit's AUC is not reported: no interval (no bootstrap of B refits per study)
    const refit = poolStudies(counts.filter((__, j) => j !== i), { ...options, aucInterval: false });
    return { method: refit.model.method, mu: refit.mu, logLik: refit.model.logLik, sens: refit.summary.sens, spec: refit.summary.spec, dor: refit.summary.dor, converged: refit.model.converged };
  },
};

function inverse2(m: Matrix2): Matrix2 | null {
  const det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  if (!(Math.abs(det) > 1e-300)) return null;
  return [
    [m[1][1] / det, -m[0][1] / det],
    [-m[1][0] / det, m[0][0] / det],
  ];
}

const quad = (v: [number, number], m: Matrix2): number => v[0] * (m[0][0] * v[0] + m[0][1] * v[1]) + v[1] * (m[1][0] * v[0] + m[1][1] * v[1]);

function residuals(counts: readonly Counts[], pooled: PooledResult, options: PooledOptions): StudyInfluence['residual'][] {
  if (pooled.covRe === null || pooled.model.method === 'univariate') return counts.map(() => null);
  const corrected = applyContinuityCorrection(counts, { policy: options.correction === 'none' ? 'single' : options.correction, value: options.correctionValue }).counts;
  const k = counts.length;
  return corrected.map((c) => {
    const y: [number, number] = [Math.log(c.tp / c.fn) - pooled.mu.sens, Math.log(c.tn / c.fp) - pooled.mu.spec];
    const within: Matrix2 = [
      [1 / c.tp + 1 / c.fn, 0],
      [0, 1 / c.tn + 1 / c.fp],
    ];
    const total: Matrix2 = [
      [pooled.tau2.sens + within[0][0], pooled.covRe!],
      [pooled.covRe!, pooled.tau2.spec + within[1][1]],
    ];
    const inv = inverse2(total);
    if (!inv || !y.every(Number.isFinite)) return null;
    const d2 = quad(y, inv);
    const p = chiSquareUpperTail(d2, 2);
    return { d2, p, flagged: p < 0.05 / k };
  });
}

export function influenceAnalysis(
  counts: readonly Counts[],
  pooled: PooledResult,
  options: PooledOptions,
  settings: { leaveOneOut: boolean; outliers: boolean; exclude: number[] },
): InfluenceResult {
  const k = counts.length;
  let boxplot: BivariateBoxplotResult | null = null;
  if (k >= 4) {
    try {
      boxplot = bivariateBoxplot(counts, { correction: options.correction === 'none' ? 'single' : options.correction, correctionValue: options.correctionValue });
    } catch {
      boxplot = null;
    }
  }
  const outside = new Set(boxplot?.studies.filter((s) => s.outsideFence).map((s) => s.study) ?? []);
  const residual = residuals(counts, pooled, options);
  const skipped: InfluenceResult['leaveOneOutSkipped'] = !settings.leaveOneOut ? 'disabled' : k > LEAVE_ONE_OUT_LIMIT ? 'too-many-studies' : k < 3 ? 'too-few-studies' : null;
  const vInverse = inverse2(pooled.vcov);
  // the k refits on all cores (src/results/parallel.ts): the same fits, in study order
  const refits = skipped === null ? parallelMap(LEAVE_ONE_OUT, { counts, options }, counts.map((_, i) => i)) : [];
  const studies: StudyInfluence[] = counts.map((_, i) => {
    let leaveOneOut: StudyInfluence['leaveOneOut'] = null;
    const refit = refits[i];
    if (refit) {
      const change: [number, number] = [pooled.mu.sens - refit.mu.sens, pooled.mu.spec - refit.mu.spec];
      leaveOneOut = {
        mu: refit.mu,
        logLik: refit.logLik,
        sens: refit.sens,
        spec: refit.spec,
        dor: refit.dor,
        cooksDistance: vInverse && refit.method === pooled.model.method ? quad(change, vInverse) : Number.NaN,
        converged: refit.converged,
      };
    }
    return { study: i, residual: residual[i] ?? null, leaveOneOut, outsideFence: outside.has(i) };
  });
  const sensitivity: SensitivityAnalysis[] = [];
  const fit = (excluded: number[]) => poolStudies(counts.filter((__, j) => !excluded.includes(j)), options);
  if (settings.outliers && outside.size > 0 && k - outside.size >= 1) {
    const excluded = [...outside].sort((a, b) => a - b);
    sensitivity.push({ reason: 'outliers', excluded, pooled: fit(excluded) });
  }
  if (settings.exclude.length > 0 && k - settings.exclude.length >= 1) {
    const excluded = [...settings.exclude].sort((a, b) => a - b);
    sensitivity.push({ reason: 'spec', excluded, pooled: fit(excluded) });
  }
  return { boxplot, studies, leaveOneOutSkipped: skipped, sensitivity };
}
