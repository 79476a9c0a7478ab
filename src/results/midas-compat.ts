/**
 * Where Stata midas v2.00 prints something other than the correct statistic, and by how much, for
 * this data set (METHODS.md quirks Q1–Q4, Q6, the Deeks ESS choice). Each item pairs the midas value
 * with the value metadx reports; the document explains why (src/document/sections/compat.ts).
 * Pure; no formatting.
 */
import { deeksFunnelTest } from '../stats/deeks.ts';
import { midasCompatDorHeterogeneity, midasCompatLrPosHeterogeneity, midasForestHeterogeneity, midasLogScaleHeterogeneity, midasProportionHeterogeneity } from '../stats/heterogeneity.ts';
import { effectSizes } from '../stats/univariate.ts';
import { midasCompatPredictionCovariance } from '../stats/ellipse.ts';
import { NotEstimableError, notEstimableNote } from '../stats/errors.ts';
import type { Counts, StatsNote } from '../stats/types.ts';
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
  /** why a value is missing (an expected numerical failure), shown in the table */
  note?: StatsNote;
}

/**
 * The value, or null when the data do not support it (NotEstimableError, noted in `notes`); any
 * other error is a bug and propagates.
 */
function safe<T>(statistic: string, f: () => T, notes: StatsNote[]): T | null {
  try {
    return f();
  } catch (error) {
    if (!(error instanceof NotEstimableError)) throw error;
    notes.push(notEstimableNote(statistic, error));
    return null;
  }
}

/** Inverse-variance (fixed-effect) mean of ln DOR or ln LR+ (0.5 added to tables with a zero cell, as midas). */
function fixedEffectMean(counts: readonly Counts[], measure: 'logDor' | 'logLrPos'): number {
  const es = effectSizes(counts, measure, { add: 0.5, to: 'only0' });
  const w = es.vi.map((v) => 1 / v);
  return es.yi.reduce((s, y, i) => s + (w[i] as number) * y, 0) / w.reduce((s, v) => s + v, 0);
}
/** An item whose value(s) could not be computed: shown with the reason instead of silently left out. */
const notEstimableItem = (id: string, quantity: string, kind: CompatKind, notes: StatsNote[]): CompatItem => ({ id, quantity, midas: null, correct: null, kind, note: notes[0]! });

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
  // midas centres every forest-plot Q on its "fixed-effects" model (one random intercept per study
  // shared by both arms, METHODS (d)); the correct Cochran Q centres on the fixed-effect
  // (inverse-variance / pooled-proportion) estimate that Q's χ² distribution assumes
  const forestNotes: StatsNote[] = [];
  const forest = safe("midas's forest-plot Q and I²", () => midasForestHeterogeneity(counts, options.level), forestNotes);
  for (const arm of ['sens', 'spec'] as const) {
    const id = `forest-i2-${arm}`;
    const quantity = `I² of the ${arm === 'sens' ? 'sensitivity' : 'specificity'} forest plot`;
    const armNotes = [...forestNotes];
    const correct = safe(`Cochran's Q of the ${arm === 'sens' ? 'sensitivity' : 'specificity'} forest plot`, () => midasProportionHeterogeneity(counts, arm, { level: options.level }), armNotes);
    if (armNotes.length > 0) {
      items.push(notEstimableItem(id, quantity, 'percent', armNotes));
      continue;
    }
    if (!forest || !correct) continue;
    items.push({
      id,
      quantity,
      midas: { est: forest[arm].I2 * 100, ...(forest[arm].I2Lo !== null ? { lo: forest[arm].I2Lo! * 100 } : {}), ...(forest[arm].I2Hi !== null ? { hi: forest[arm].I2Hi! * 100 } : {}) },
      correct: { est: correct.I2 * 100 },
      kind: 'percent',
      detail: { midasQ: forest[arm].Q, correctQ: correct.Q, centre: forest[arm].pooled, fixedEffect: correct.pooled },
    });
  }
  const centre = forest?.centre.beta;
  const expitOf = (x: number) => 1 / (1 + Math.exp(-x));
  const logDor = centre ? centre.sens + centre.spec : pooled.summary.logDor.est;
  const dorNotes: StatsNote[] = [];
  const dorMidas = safe('midas-compatible I² of the DOR forest plot', () => midasCompatDorHeterogeneity(counts, logDor, options.level), dorNotes);
  const dorCorrect = safe('I² of the DOR forest plot', () => midasLogScaleHeterogeneity(counts, 'logDor', fixedEffectMean(counts, 'logDor'), options.level), dorNotes);
  if (dorNotes.length > 0) items.push(notEstimableItem('dor-i2', 'I² of the DOR forest plot', 'percent', dorNotes));
  else if (dorMidas && dorCorrect) {
    items.push({
      id: 'dor-i2',
      quantity: 'I² of the DOR forest plot',
      midas: { est: dorMidas.I2 * 100 },
      correct: { est: dorCorrect.I2 * 100 },
      kind: 'percent',
      detail: { midasQ: dorMidas.Q, correctQ: dorCorrect.Q },
    });
  }
  const logLrPos = centre ? Math.log(expitOf(centre.sens) / (1 - expitOf(centre.spec))) : Math.log(pooled.summary.lrPositive.est);
  const lrNotes: StatsNote[] = [];
  const lrMidas = safe('midas-compatible I² of the LR+ forest plot', () => midasCompatLrPosHeterogeneity(counts, logLrPos, options.level), lrNotes);
  const lrCorrect = safe('I² of the LR+ forest plot', () => midasLogScaleHeterogeneity(counts, 'logLrPos', fixedEffectMean(counts, 'logLrPos'), options.level), lrNotes);
  if (lrNotes.length > 0) items.push(notEstimableItem('lr-positive-i2', 'I² of the LR+ forest plot', 'percent', lrNotes));
  else if (lrMidas && lrCorrect && Number.isFinite(lrMidas.I2)) {
    items.push({
      id: 'lr-positive-i2',
      quantity: 'I² of the LR+ forest plot',
      midas: { est: lrMidas.I2 * 100 },
      correct: { est: lrCorrect.I2 * 100 },
      kind: 'percent',
    });
  }
  if (pooled.rho !== null && pooled.tau2.sens > 0 && pooled.tau2.spec > 0) {
    const predictionNotes: StatsNote[] = [];
    const wrong = safe('midas-compatible prediction covariance', () => midasCompatPredictionCovariance(pooled.tau2, pooled.rho!, pooled.vcov), predictionNotes);
    if (predictionNotes.length > 0) items.push(notEstimableItem('prediction-region', 'Correlation used for the prediction region', 'statistic', predictionNotes));
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
  const deeksNotes: StatsNote[] = [];
  const deeksMidas = safe("midas-compatible Deeks' test", () => deeksFunnelTest(counts, { correction: 'single', correctionValue: 0.5, essFrom: 'corrected' }), deeksNotes);
  const deeksCorrect = safe("Deeks' test", () => deeksFunnelTest(counts, { correction: options.correction, correctionValue: options.correctionValue }), deeksNotes);
  if (deeksNotes.length > 0) items.push(notEstimableItem('deeks-p', "Deeks' test p-value", 'p', deeksNotes));
  else if (deeksMidas?.notEstimable || deeksCorrect?.notEstimable) {
    // e.g. every table has the same effective sample size: the row says why there is no p-value
    const why = [...(deeksCorrect?.notes ?? []), ...(deeksMidas?.notes ?? [])].filter((note) => note.code === 'deeks_not_estimable');
    items.push(notEstimableItem('deeks-p', "Deeks' test p-value", 'p', why));
  }
  else if (deeksMidas && deeksCorrect && !deeksMidas.notEstimable && !deeksCorrect.notEstimable && deeksMidas.correction.correctedStudies.length > 0) {
    items.push({
      id: 'deeks-p',
      quantity: "Deeks' test p-value",
      midas: { est: deeksMidas.slopeP },
      correct: { est: deeksCorrect.slopeP },
      kind: 'p',
    });
  }
  if (options.method === 'glmm' && options.quadrature !== 1) {
    const laplaceNotes: StatsNote[] = [];
    const laplace = safe('the Laplace-approximation fit', () => poolStudies(counts, { ...options, quadrature: 1, aucCi: 'delta', aucInterval: false, forestHeterogeneity: false }), laplaceNotes);
    if (laplaceNotes.length > 0) items.push(notEstimableItem('meta-regression-integration', 'Pooled sensitivity under the Laplace approximation (midas meta-regression reference line)', 'proportion', laplaceNotes));
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
