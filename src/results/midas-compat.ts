/**
 * Where Stata midas v2.00 prints something other than the correct statistic, and by how much, for
 * this data set (METHODS.md quirks Q1–Q4, Q6, the Deeks ESS choice). Each item pairs the midas value
 * with the value metadx reports; the document explains why (src/document/sections/compat.ts).
 * Pure; no formatting.
 */
import { deeksFunnelTest } from '../stats/deeks.ts';
import { midasCompatDorHeterogeneity, midasCompatLrPosHeterogeneity, midasLogScaleHeterogeneity } from '../stats/heterogeneity.ts';
import { midasCompatPredictionCovariance } from '../stats/ellipse.ts';
import type { Counts } from '../stats/types.ts';
import type { PooledOptions, PooledResult } from './pooled.ts';
import { poolStudies } from './pooled.ts';

export type CompatKind = 'proportion' | 'percent' | 'ratio' | 'statistic' | 'p' | 'interval';

export interface CompatItem {
  id: string;
  quantity: string;
  /** what midas prints */
  midas: { est: number; lo?: number; hi?: number } | null;
  /** what metadx reports as the correct statistic */
  correct: { est: number; lo?: number; hi?: number } | null;
  kind: CompatKind;
  /** numbers the explanation needs (e.g. the two Q statistics) */
  detail?: Record<string, number>;
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

export function midasCompatibility(counts: readonly Counts[], pooled: PooledResult, options: PooledOptions): CompatItem[] {
  if (pooled.model.method === 'univariate') return [];
  const items: CompatItem[] = [];
  const auc = pooled.auc;
  if (pooled.aucMidas && auc && auc.est !== null) {
    items.push({
      id: 'auc-ci',
      quantity: 'AUC and its 95% CI',
      midas: pooled.aucMidas,
      correct: { est: auc.est, ...(auc.lo !== null ? { lo: auc.lo } : {}), ...(auc.hi !== null ? { hi: auc.hi } : {}) },
      kind: 'interval',
    });
  }
  const logDor = pooled.summary.logDor.est;
  const dorMidas = safe(() => midasCompatDorHeterogeneity(counts, logDor, options.level));
  const dorCorrect = safe(() => midasLogScaleHeterogeneity(counts, 'logDor', logDor, options.level));
  if (dorMidas && dorCorrect) {
    items.push({
      id: 'dor-i2',
      quantity: 'I² of the DOR forest plot',
      midas: { est: dorMidas.I2 * 100 },
      correct: { est: dorCorrect.I2 * 100 },
      kind: 'percent',
      detail: { midasQ: dorMidas.Q, correctQ: dorCorrect.Q },
    });
  }
  const logLrPos = Math.log(pooled.summary.lrPositive.est);
  const lrMidas = safe(() => midasCompatLrPosHeterogeneity(counts, logLrPos, options.level));
  const lrCorrect = safe(() => midasLogScaleHeterogeneity(counts, 'logLrPos', logLrPos, options.level));
  if (lrMidas && lrCorrect && Number.isFinite(lrMidas.I2)) {
    items.push({
      id: 'lr-positive-i2',
      quantity: 'I² of the LR+ forest plot',
      midas: { est: lrMidas.I2 * 100 },
      correct: { est: lrCorrect.I2 * 100 },
      kind: 'percent',
    });
  }
  if (pooled.rho !== null && pooled.tau2.sens > 0 && pooled.tau2.spec > 0) {
    const wrong = safe(() => midasCompatPredictionCovariance(pooled.tau2, pooled.rho!, pooled.vcov));
    if (wrong) {
      const right = pooled.covRe! + pooled.vcov[0][1];
      const correlation = (c: number) => c / Math.sqrt((pooled.tau2.sens + pooled.vcov[0][0]) * (pooled.tau2.spec + pooled.vcov[1][1]));
      items.push({
        id: 'prediction-region',
        quantity: 'Correlation used for the prediction region',
        midas: { est: correlation(wrong[0][1]) },
        correct: { est: correlation(right) },
        kind: 'statistic',
      });
    }
  }
  const deeksMidas = safe(() => deeksFunnelTest(counts, { correction: 'single', correctionValue: 0.5, essFrom: 'corrected' }));
  const deeksCorrect = safe(() => deeksFunnelTest(counts, { correction: options.correction, correctionValue: options.correctionValue }));
  if (deeksMidas && deeksCorrect && deeksMidas.correction.correctedStudies.length > 0) {
    items.push({
      id: 'deeks-p',
      quantity: "Deeks' test p-value",
      midas: { est: deeksMidas.slopeP },
      correct: { est: deeksCorrect.slopeP },
      kind: 'p',
    });
  }
  if (options.method === 'glmm' && options.quadrature !== 1) {
    const laplace = safe(() => poolStudies(counts, { ...options, quadrature: 1, aucInterval: false }));
    if (laplace) {
      items.push({
        id: 'meta-regression-integration',
        quantity: 'Pooled sensitivity under the Laplace approximation (midas meta-regression reference line)',
        midas: { est: laplace.summary.sens.est },
        correct: { est: pooled.summary.sens.est },
        kind: 'proportion',
      });
    }
  }
  return items;
}
