/**
 * Clinical utility displays from the pooled results (midas `fagan`, `lrmatrix`):
 * - Fagan nomogram: post-test probability = odds⁻¹(odds(prior) · LR) for LR+ and LR−, with the
 *   range implied by the LR confidence limits; prior from the spec (fagan.prior), else the
 *   summary-of-findings prevalences (findings.prevalences or their default), else the pooled
 *   prevalence Σ(TP+FN) / Σ(TP+FP+FN+TN) of the included studies (midas's default; with
 *   `participants`, the counts with a shared test set counted once, see grouping.ts).
 * - Likelihood-ratio scattergram: per-study LR+ and LR− (0.5 added to the cells of tables with a
 *   zero cell) with log-scale Wald CIs, and the summary LRs with their CIs.
 * Pure; no formatting.
 *
 * References: Fagan TJ (1975). Nomogram for Bayes's theorem. N Engl J Med 293:257.
 * doi:10.1056/NEJM197507312930513; Stengel D et al. (2003). A likelihood ratio approach to
 * meta-analysis of diagnostic studies. J Med Screen 10:47–51. doi:10.1258/096914103321610806
 */
import { effectSizes } from '../stats/univariate.ts';
import { normalCritical } from '../stats/distributions.ts';
import type { Counts } from '../stats/types.ts';
import type { PooledResult } from './pooled.ts';

export interface FaganResult {
  /** the first pre-test probability (all of them: `priors`) */
  prior: number;
  priorSource: 'spec' | 'pooled prevalence' | 'findings';
  lrPositive: { est: number; lo: number; hi: number };
  lrNegative: { est: number; lo: number; hi: number };
  /** post-test probability after a positive / negative result, with the range from the LR CI */
  postPositive: { est: number; lo: number; hi: number };
  postNegative: { est: number; lo: number; hi: number };
  /** every pre-test probability drawn (the first is the one above), with its label and post-test probabilities */
  priors: { prior: number; label: string; postPositive: { est: number; lo: number; hi: number }; postNegative: { est: number; lo: number; hi: number } }[];
}

const post = (prior: number, lr: number): number => {
  const odds = (prior / (1 - prior)) * lr;
  return odds / (1 + odds);
};

/**
 * Pre-test probabilities: `prior` (the spec's fagan.prior) if given, else the summary-of-findings
 * prevalences, else the pooled prevalence of the included studies (midas's default; participants
 * of a shared test set counted once when `participants` is given).
 */
export function faganNomogram(counts: readonly Counts[], pooled: PooledResult, prior?: number, prevalences: readonly { value: number; label: string }[] = [], participants?: { diseased: number; participants: number }): FaganResult | null {
  const pos = pooled.summary.lrPositive;
  const neg = pooled.summary.lrNegative;
  if (![pos.est, pos.lo, pos.hi, neg.est, neg.lo, neg.hi].every(Number.isFinite)) return null;
  const diseased = participants?.diseased ?? counts.reduce((s, c) => s + c.tp + c.fn, 0);
  const total = participants?.participants ?? counts.reduce((s, c) => s + c.tp + c.fp + c.fn + c.tn, 0);
  const source: FaganResult['priorSource'] = prior !== undefined ? 'spec' : prevalences.length > 0 ? 'findings' : 'pooled prevalence';
  const list =
    prior !== undefined ? [{ value: prior, label: 'fagan.prior in the analysis spec' }] : prevalences.length > 0 ? prevalences : [{ value: diseased / total, label: 'pooled prevalence of the included studies' }];
  const priors = list.map((p) => ({
    prior: p.value,
    label: p.label,
    postPositive: { est: post(p.value, pos.est), lo: post(p.value, pos.lo), hi: post(p.value, pos.hi) },
    postNegative: { est: post(p.value, neg.est), lo: post(p.value, neg.lo), hi: post(p.value, neg.hi) },
  }));
  const first = priors[0]!;
  return {
    prior: first.prior,
    priorSource: source,
    lrPositive: { est: pos.est, lo: pos.lo, hi: pos.hi },
    lrNegative: { est: neg.est, lo: neg.lo, hi: neg.hi },
    postPositive: first.postPositive,
    postNegative: first.postNegative,
    priors,
  };
}

export interface LikelihoodRatioPoint {
  study: number;
  lrPositive: { est: number; lo: number; hi: number };
  lrNegative: { est: number; lo: number; hi: number };
}

export interface StudyRatioEstimates {
  measure: 'logDor' | 'logLrPos' | 'logLrNeg';
  /** per study (input index): ratio with log-scale Wald CI, and % weight in the univariate REML pool */
  studies: { study: number; est: number; lo: number; hi: number; weight: number }[];
}

/**
 * Per-study DOR, LR+ or LR− (0.5 added to the cells of tables with a zero cell) with log-scale Wald
 * CIs, and each study's percentage weight 100·w_i/Σw, w_i = 1/(v_i + τ²) with τ² from the
 * univariate REML pool (for forest plots of these measures).
 */
export function studyRatioEstimates(counts: readonly Counts[], measure: StudyRatioEstimates['measure'], tau2: number, level: number): StudyRatioEstimates {
  const z = normalCritical(level);
  const es = effectSizes(counts, measure, { add: 0.5, to: 'only0' });
  const weights = es.vi.map((v) => 1 / (v + Math.max(0, tau2)));
  const total = weights.reduce((a, b) => a + b, 0);
  return {
    measure,
    studies: es.studiesUsed.map((study, j) => {
      const y = es.yi[j]!;
      const se = Math.sqrt(es.vi[j]!);
      return { study, est: Math.exp(y), lo: Math.exp(y - z * se), hi: Math.exp(y + z * se), weight: (100 * weights[j]!) / total };
    }),
  };
}

export function likelihoodRatioPoints(counts: readonly Counts[], level: number): LikelihoodRatioPoint[] {
  const z = normalCritical(level);
  const pos = effectSizes(counts, 'logLrPos', { add: 0.5, to: 'only0' });
  const neg = effectSizes(counts, 'logLrNeg', { add: 0.5, to: 'only0' });
  const interval = (y: number, v: number) => ({ est: Math.exp(y), lo: Math.exp(y - z * Math.sqrt(v)), hi: Math.exp(y + z * Math.sqrt(v)) });
  return pos.studiesUsed
    .filter((i) => neg.studiesUsed.includes(i))
    .map((i) => {
      const a = pos.studiesUsed.indexOf(i);
      const b = neg.studiesUsed.indexOf(i);
      return { study: i, lrPositive: interval(pos.yi[a]!, pos.vi[a]!), lrNegative: interval(neg.yi[b]!, neg.vi[b]!) };
    });
}
