/**
 * Outliers, influence and sensitivity analyses of the pooled bivariate analysis.
 *
 * - Bivariate box plot (midas `bvbox`, METHODS (f)): studies outside the fence are flagged.
 * - Standardised residuals: for study i with corrected logits y_i and within-study covariance
 *   S_i = diag(1/(n1·se(1−se)), 1/(n0·sp(1−sp))), the squared Mahalanobis distance
 *   D²_i = (y_i − μ̂)ᵀ (Σ̂ + S_i)⁻¹ (y_i − μ̂), referred to χ²₂ (the marginal distribution of y_i
 *   under the bivariate normal approximation); flagged when p < 0.05 / k (Bonferroni).
 * - Leave-one-out: the pooled model refitted without each study in turn (with several tables per
 *   study and a grouped model, `options.structure` shared or nested: without all tables of each
 *   study in turn, `studyLeaveOneOut`; each table then carries the refit without its study), and Cook's distance
 *   D_i = (μ̂ − μ̂₍₋ᵢ₎)ᵀ V̂⁻¹ (μ̂ − μ̂₍₋ᵢ₎), V̂ the covariance of μ̂ in the full fit (as metafor's
 *   cooks.distance for rma.mv; Viechtbauer & Cheung 2010, doi:10.1002/jrsm.11).
 * - Sensitivity analysis: the pooled model without the flagged studies and/or a list from the spec.
 * Pure; no formatting.
 */
import { bivariateBoxplot, type BivariateBoxplotResult } from '../stats/bivariate-boxplot.ts';
import { applyContinuityCorrection } from '../stats/continuity.ts';
import { chiSquareUpperTail } from '../stats/distributions.ts';
import { NotEstimableError, notEstimableNote } from '../stats/errors.ts';
import type { Counts, Matrix2, StatsNote } from '../stats/types.ts';
import { poolStudies, type PooledOptions, type PooledResult } from './pooled.ts';
import type { OnProgress } from './progress.ts';
import { effectiveStructure, studiesOf, type GroupedCounts } from './grouping.ts';

export interface LeaveOneOutFit {
  mu: { sens: number; spec: number };
  logLik: number | null;
  sens: { est: number; lo: number; hi: number };
  spec: { est: number; lo: number; hi: number };
  dor: { est: number; lo: number; hi: number };
  cooksDistance: number;
  converged: boolean;
}
import { parallelMap, type ParallelTask } from './parallel.ts';

export interface StudyInfluence {
  study: number;
  /** squared standardised residual D² (χ²₂ under the model) and its p-value */
  residual: { d2: number; p: number; flagged: boolean } | null;
  /** leave-one-out refit (grouped model: without the whole study of this table); null when not computed */
  leaveOneOut: LeaveOneOutFit | null;
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
  /** what leave-one-out leaves out: a table, or (grouped model) all tables of a study */
  leaveOneOutUnit?: 'table' | 'study';
  /** grouped model: one refit per study without all its tables (input indices in `tables`) */
  studyLeaveOneOut?: { group: string; tables: number[]; fit: LeaveOneOutFit }[];
  sensitivity: SensitivityAnalysis[];
  /** statistics the data do not support (e.g. the bivariate box plot), shown in the report */
  notes: StatsNote[];
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
export const LEAVE_ONE_OUT: ParallelTask<{ counts: readonly GroupedCounts[]; options: PooledOptions }, number[], LeaveOneOutRefit> = {
  name: 'leave-one-out',
  run: (tables, { counts, options }) => {
    // without one table, or (grouped model) all tables of one study; the refit's AUC is not
    // reported: no interval (no bootstrap of B refits per study)
    const refit = poolStudies(counts.filter((__, j) => !tables.includes(j)), { ...options, aucInterval: false, forestHeterogeneity: false });
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
  return corrected.map((c, i) => {
    // a table with an empty arm has no bivariate residual (it needs both logits)
    const raw = counts[i]!;
    if (raw.tp + raw.fn === 0 || raw.tn + raw.fp === 0) return null;
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
  counts: readonly GroupedCounts[],
  pooled: PooledResult,
  options: PooledOptions,
  settings: { leaveOneOut: boolean; outliers: boolean; exclude: number[]; onProgress?: OnProgress },
): InfluenceResult {
  const k = counts.length;
  let boxplot: BivariateBoxplotResult | null = null;
  const notes: StatsNote[] = [];
  if (k >= 4) {
    try {
      boxplot = bivariateBoxplot(counts, { correction: options.correction === 'none' ? 'single' : options.correction, correctionValue: options.correctionValue });
    } catch (error) {
      if (!(error instanceof NotEstimableError)) throw error;
      notes.push(notEstimableNote('the bivariate box plot (outliers)', error));
      boxplot = null;
    }
  }
  const outside = new Set(boxplot?.studies.filter((s) => s.outsideFence).map((s) => s.study) ?? []);
  const residual = residuals(counts, pooled, options);
  const byStudy = effectiveStructure(options.method === 'glmm' ? options.structure : undefined, counts) !== 'independent';
  const units = byStudy ? studiesOf(counts) : counts.map((_, i) => ({ group: String(i), tables: [i] }));
  const skipped: InfluenceResult['leaveOneOutSkipped'] = !settings.leaveOneOut ? 'disabled' : units.length > LEAVE_ONE_OUT_LIMIT ? 'too-many-studies' : units.length < 3 ? 'too-few-studies' : null;
  const vInverse = inverse2(pooled.vcov);
  if (skipped === null) settings.onProgress?.({ stage: 'results', step: 'leave-one-out', done: 0, total: units.length });
  // the refits on all cores (src/results/parallel.ts): the same fits, in study order
  const fits = skipped === null ? parallelMap(LEAVE_ONE_OUT, { counts, options }, units.map(({ tables }) => tables), (done, total) => settings.onProgress?.({ stage: 'results', step: 'leave-one-out', done, total })) : [];
  const refits: (LeaveOneOutFit | null)[] = units.map((_, u) => {
    const refit = fits[u];
    if (!refit) return null;
    const change: [number, number] = [pooled.mu.sens - refit.mu.sens, pooled.mu.spec - refit.mu.spec];
    return {
      mu: refit.mu,
      logLik: refit.logLik,
      sens: refit.sens,
      spec: refit.spec,
      dor: refit.dor,
      cooksDistance: vInverse && refit.method === pooled.model.method ? quad(change, vInverse) : Number.NaN,
      converged: refit.converged,
    };
  });
  const unitOf = new Map<number, number>();
  units.forEach(({ tables }, u) => tables.forEach((t) => unitOf.set(t, u)));
  const studies: StudyInfluence[] = counts.map((_, i) => ({ study: i, residual: residual[i] ?? null, leaveOneOut: refits[unitOf.get(i)!] ?? null, outsideFence: outside.has(i) }));
  const sensitivity: SensitivityAnalysis[] = [];
  const fit = (excluded: number[]) => poolStudies(counts.filter((__, j) => !excluded.includes(j)), options, settings.onProgress);
  if ((settings.outliers && outside.size > 0) || settings.exclude.length > 0) settings.onProgress?.({ stage: 'results', step: 'sensitivity' });
  if (settings.outliers && outside.size > 0 && k - outside.size >= 1) {
    const excluded = [...outside].sort((a, b) => a - b);
    sensitivity.push({ reason: 'outliers', excluded, pooled: fit(excluded) });
  }
  if (settings.exclude.length > 0 && k - settings.exclude.length >= 1) {
    const excluded = [...settings.exclude].sort((a, b) => a - b);
    sensitivity.push({ reason: 'spec', excluded, pooled: fit(excluded) });
  }
  return {
    boxplot,
    studies,
    leaveOneOutSkipped: skipped,
    leaveOneOutUnit: byStudy ? 'study' : 'table',
    ...(byStudy && skipped === null ? { studyLeaveOneOut: units.map(({ group, tables }, u) => ({ group, tables, fit: refits[u]! })) } : {}),
    sensitivity,
    notes,
  };
}
