/**
 * Results → figure inputs: each function takes the results artifact and returns the narrow input
 * interface of one figure file. Only selection and relabelling happens here; every number comes
 * from the results (figures never recompute statistics). Points are labelled with the study's
 * `number` (the "#" column of the study table).
 */
import type { IntervalLike } from '../format/numbers.ts';
import type { PooledResult } from '../results/pooled.ts';
import type { AnalysisResults } from '../results/types.ts';
import type { AccuracyForestInput, AccuracyMeasure } from './accuracy-forest.ts';
import type { BivariateBoxplotInput } from './bivariate-boxplot.ts';
import type { DeeksInput } from './deeks.ts';
import type { FaganInput } from './fagan.ts';
import type { ForestInput, HeterogeneityStatistics } from './forest.ts';
import type { LeaveOneOutInput } from './leave-one-out.ts';
import { studyName } from '../results/grouping.ts';
import type { LrScattergramInput } from './lr-scattergram.ts';
import type { MetaRegressionInput } from './meta-regression.ts';
import type { SrocInput } from './sroc.ts';
import type { UnivariateForestInput } from './univariate-forest.ts';

export function pooledLabel(pooled: PooledResult): string {
  switch (pooled.model.method) {
    case 'glmm':
      return 'Pooled (bivariate GLMM)';
    case 'reitsma':
      return 'Pooled (bivariate, Reitsma)';
    default:
      return 'Pooled (univariate REML)';
  }
}

/**
 * Which I² the sensitivity and specificity forest plots print (one definition per figure, named
 * in its caption): the Zhou–Dendukuri I² of the bivariate model, the one the heterogeneity table
 * gives; with fewer than 4 tables (no bivariate model) the I² of the univariate REML pool of the
 * logits (metafor's τ²/(τ² + s²)).
 */
export function proportionI2Definition(results: AnalysisResults): 'zhou-dendukuri' | 'univariate-reml' | null {
  const pooled = results.pooled;
  if (pooled.heterogeneity.zhouDendukuri) return 'zhou-dendukuri';
  if (pooled.model.method === 'univariate' && pooled.univariate.logitSens && pooled.univariate.logitSens.I2 !== null) return 'univariate-reml';
  return null;
}

/** τ² of the logit and the I² of `proportionI2Definition`, for the sensitivity or specificity panel. */
export function proportionHeterogeneity(results: AnalysisResults, measure: 'sens' | 'spec'): HeterogeneityStatistics | undefined {
  const pooled = results.pooled;
  switch (proportionI2Definition(results)) {
    case 'zhou-dendukuri': {
      const zd = pooled.heterogeneity.zhouDendukuri!;
      return { tau2: pooled.tau2[measure], i2: measure === 'sens' ? zd.I2Sens : zd.I2Spec, i2Name: 'Zhou–Dendukuri' };
    }
    case 'univariate-reml': {
      const u = measure === 'sens' ? pooled.univariate.logitSens : pooled.univariate.logitSpec;
      return u && u.I2 !== null ? { tau2: u.tau2, i2: u.I2, i2Name: 'univariate REML' } : undefined;
    }
    default:
      return undefined;
  }
}

export function forestInput(results: AnalysisResults): ForestInput {
  const pooled = results.pooled;
  const pooledValid = Number.isFinite(pooled.summary.sens.est) && Number.isFinite(pooled.summary.spec.est);
  const sens = proportionHeterogeneity(results, 'sens');
  const spec = proportionHeterogeneity(results, 'spec');
  return {
    rows: results.studies.map((study) => ({
      label: study.label,
      sens: study.sens,
      spec: study.spec,
      nDiseased: study.nDiseased,
      nNonDiseased: study.nNonDiseased,
      counts: study.counts,
    })),
    ...(pooledValid ? { pooled: { label: pooledLabel(pooled), sens: pooled.summary.sens, spec: pooled.summary.spec } } : {}),
    ...(sens || spec ? { heterogeneity: { ...(sens ? { sens } : {}), ...(spec ? { spec } : {}) } } : {}),
    level: results.level,
  };
}

/** Forest plot of sensitivity or specificity (RevMan layout): 2x2 counts, exact CIs, the pooled summary. */
export function accuracyForestInput(results: AnalysisResults, measure: AccuracyMeasure): AccuracyForestInput {
  const pooled = results.pooled;
  const key = measure === 'sensitivity' ? 'sens' : 'spec';
  const summary = pooled.summary[key];
  const heterogeneity = proportionHeterogeneity(results, key);
  return {
    measure,
    studies: results.studies.map((study) => ({
      number: study.number,
      label: study.label,
      counts: study.counts,
      estimate: study[key],
      n: measure === 'sensitivity' ? study.nDiseased : study.nNonDiseased,
    })),
    ...(Number.isFinite(summary.est) ? { pooled: { label: pooledLabel(pooled), estimate: summary } } : {}),
    ...(heterogeneity ? { heterogeneity } : {}),
    level: results.level,
  };
}

/** The curve over the observed FPR range (default), plus the full-range curve labelled as extrapolated when asked. */
function srocCurveInput(sroc: NonNullable<AnalysisResults['pooled']['sroc']>, range: 'observed' | 'full', auc: IntervalLike | undefined): NonNullable<SrocInput['curve']> {
  const full = sroc.points.map((p) => ({ sens: p.sens, fpr: p.fpr }));
  if (!sroc.observed || !sroc.fprRange) return { points: full, ...(auc ? { auc } : {}) };
  return {
    points: sroc.observed.map((p) => ({ sens: p.sens, fpr: p.fpr })),
    range: sroc.fprRange,
    ...(range === 'full' ? { extrapolated: full } : {}),
    ...(auc ? { auc } : {}),
  };
}

export function srocInput(results: AnalysisResults): SrocInput | undefined {
  const pooled = results.pooled;
  if (!pooled.regions || !pooled.sroc) return undefined;
  const auc = pooled.auc && pooled.auc.est !== null && pooled.auc.lo !== null && pooled.auc.hi !== null ? { est: pooled.auc.est, lo: pooled.auc.lo, hi: pooled.auc.hi } : undefined;
  return {
    studies: results.studies.map((s) => ({ label: s.label, sens: s.sens.est, spec: s.spec.est, n: s.nDiseased + s.nNonDiseased })),
    summary: { sens: pooled.summary.sens, spec: pooled.summary.spec },
    curve: srocCurveInput(pooled.sroc, results.options.srocRange ?? 'observed', auc),
    confidenceRegion: pooled.regions.confidence.map((p) => ({ sens: p.sens, fpr: p.fpr })),
    predictionRegion: pooled.regions.prediction.map((p) => ({ sens: p.sens, fpr: p.fpr })),
    level: results.level,
  };
}

export function metaRegressionInput(results: AnalysisResults): MetaRegressionInput | undefined {
  const categorical = results.subgroups.filter((a) => a.type === 'categorical' && a.levels.length > 1);
  if (categorical.length === 0) return undefined;
  return {
    covariates: categorical.map((analysis) => ({
      name: analysis.label,
      levels: analysis.levels.map((level) => ({ label: level.label, k: level.k, sens: level.pooled.summary.sens, spec: level.pooled.summary.spec })),
      ...(analysis.metaRegression
        ? { lrtP: analysis.metaRegression.lrt.p, waldP: { sens: analysis.metaRegression.wald.sens.p, spec: analysis.metaRegression.wald.spec.p } }
        : {}),
    })),
    overall: { label: 'All studies', k: results.k, sens: results.pooled.summary.sens, spec: results.pooled.summary.spec },
    level: results.level,
  };
}

export function deeksInput(results: AnalysisResults): DeeksInput | undefined {
  const deeks = results.deeks;
  if (!deeks) return undefined;
  return {
    studies: deeks.points.map((p) => ({ number: results.studies[p.study]!.number, label: results.studies[p.study]!.label, dor: p.dor, invSqrtEss: p.invSqrtEss })),
    regression: { p: deeks.slopeP, line: deeks.line.map((end) => ({ invSqrtEss: end.invSqrtEss, dor: end.dor })) },
  };
}

export function boxplotInput(results: AnalysisResults): BivariateBoxplotInput | undefined {
  const box = results.influence.boxplot;
  if (!box || box.hinge.length === 0) return undefined;
  return {
    studies: box.studies.map((s) => ({ number: results.studies[s.study]!.number, label: results.studies[s.study]!.label, logitSens: s.logitSens, logitSpec: s.logitSpec, outlier: s.outsideFence })),
    hinge: box.hinge.map((p) => ({ logitSens: p.logitSens, logitSpec: p.logitSpec })),
    fence: box.fence.map((p) => ({ logitSens: p.logitSens, logitSpec: p.logitSpec })),
    centre: box.centre,
  };
}

const RATIO_MEASURES = {
  logDor: { measure: 'dor', summary: 'dor', studies: 'dor' },
  logLrPos: { measure: 'lrPositive', summary: 'lrPositive', studies: 'lrPositive' },
  logLrNeg: { measure: 'lrNegative', summary: 'lrNegative', studies: 'lrNegative' },
} as const;

/**
 * Forest plot of DOR, LR+ or LR−: study estimates with their log-scale CIs and weights
 * (results.studyRatios), the bivariate model's summary (results.pooled.summary, the value of the
 * summary table) as the main diamond and, when the summary comes from the bivariate model, the
 * univariate REML pool of the measure as a second, labelled diamond with its Q, I² and τ².
 */
export function univariateForestInput(results: AnalysisResults, which: keyof typeof RATIO_MEASURES): UnivariateForestInput | undefined {
  const names = RATIO_MEASURES[which];
  const estimates = results.studyRatios[names.studies];
  if (!estimates) return undefined;
  const pooled = results.pooled;
  const summary = pooled.summary[names.summary];
  const univariate = pooled.univariate[which];
  const bivariate = pooled.model.method !== 'univariate';
  const rows: NonNullable<UnivariateForestInput['pooled']> = [];
  if (Number.isFinite(summary.est)) rows.push({ method: pooledLabel(pooled), estimate: summary });
  if (bivariate && univariate) rows.push({ method: 'Univariate random effects (REML)', estimate: univariate.backTransformed });
  return {
    measure: names.measure,
    studies: estimates.studies.map((s) => ({ label: results.studies[s.study]!.label, estimate: { est: s.est, lo: s.lo, hi: s.hi }, weight: s.weight })),
    ...(rows.length > 0 ? { pooled: rows } : {}),
    ...(univariate
      ? { heterogeneity: { label: 'Univariate REML pool', q: univariate.Q, df: univariate.df, p: univariate.pQ ?? Number.NaN, ...(univariate.I2 !== null ? { i2: univariate.I2 } : {}), tau2: univariate.tau2 } }
      : {}),
    level: results.level,
  };
}

export function faganInput(results: AnalysisResults): FaganInput | undefined {
  const fagan = results.fagan;
  if (!fagan) return undefined;
  const priors = fagan.priors ?? [];
  return {
    prior: fagan.prior,
    positive: { lr: fagan.lrPositive.est, posterior: fagan.postPositive.est },
    negative: { lr: fagan.lrNegative.est, posterior: fagan.postNegative.est },
    // several pre-test probabilities (the summary-of-findings prevalences): one pair of lines each
    ...(priors.length > 1 ? { label: priors[0]!.label, more: priors.slice(1).map((p) => ({ prior: p.prior, label: p.label, positive: p.postPositive.est, negative: p.postNegative.est })) } : {}),
  };
}

export function lrScattergramInput(results: AnalysisResults): LrScattergramInput | undefined {
  if (results.likelihoodRatios.length === 0) return undefined;
  const s = results.pooled.summary;
  const finite = [s.lrPositive, s.lrNegative].every((m) => [m.est, m.lo, m.hi].every((v) => Number.isFinite(v) && v > 0));
  return {
    studies: results.likelihoodRatios.map((p) => ({ number: results.studies[p.study]!.number, label: results.studies[p.study]!.label, lrPositive: p.lrPositive.est, lrNegative: p.lrNegative.est })),
    ...(finite ? { summary: { lrPositive: s.lrPositive, lrNegative: s.lrNegative } } : {}),
    level: results.level,
    // post-test probabilities at the summary-of-findings prevalences (the predictive values)
    ...(finite && results.findings && results.findings.frequencies.length > 0
      ? { prevalences: results.findings.frequencies.map((f, i) => ({ prior: f.prevalence, label: results.findings!.prevalences[i]!.label, postPositive: f.ppv.est, postNegative: 1 - f.npv.est })) }
      : {}),
  };
}

export function leaveOneOutInput(results: AnalysisResults): LeaveOneOutInput | undefined {
  const byStudy = results.influence.studyLeaveOneOut;
  if (byStudy && byStudy.length > 0) {
    // grouped model: one row per study, leaving out all its tables
    return {
      rows: byStudy.map((s) => ({ omitted: studyName(results.studies, s.group), sens: s.fit.sens, spec: s.fit.spec })),
      all: { k: results.k, sens: results.pooled.summary.sens, spec: results.pooled.summary.spec },
      level: results.level,
    };
  }
  const rows = results.influence.studies.filter((s) => s.leaveOneOut !== null);
  if (rows.length === 0) return undefined;
  return {
    rows: rows.map((s) => ({ omitted: results.studies[s.study]!.label, sens: s.leaveOneOut!.sens, spec: s.leaveOneOut!.spec })),
    all: { k: results.k, sens: results.pooled.summary.sens, spec: results.pooled.summary.spec },
    level: results.level,
  };
}
