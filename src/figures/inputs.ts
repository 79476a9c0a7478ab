/**
 * Results → figure inputs: each function takes the results artifact and returns the narrow input
 * interface of one figure file. Only selection and relabelling happens here; every number comes
 * from the results (figures never recompute statistics).
 */
import type { PooledResult } from '../results/pooled.ts';
import type { AnalysisResults } from '../results/types.ts';
import { studyRatioEstimates } from '../results/clinical.ts';
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

function heterogeneityOf(h: NonNullable<PooledResult['heterogeneity']['midas']>['sens']): HeterogeneityStatistics {
  return {
    q: h.Q,
    df: h.df,
    p: h.p,
    ...(h.I2Lo !== null && h.I2Hi !== null ? { i2: { est: h.I2 * 100, lo: h.I2Lo * 100, hi: h.I2Hi * 100 } } : {}),
  };
}

export function forestInput(results: AnalysisResults): ForestInput {
  const pooled = results.pooled;
  const midas = pooled.heterogeneity.midas;
  const pooledValid = Number.isFinite(pooled.summary.sens.est) && Number.isFinite(pooled.summary.spec.est);
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
    ...(midas ? { heterogeneity: { sens: heterogeneityOf(midas.sens), spec: heterogeneityOf(midas.spec) } } : {}),
  };
}

export function srocInput(results: AnalysisResults): SrocInput | undefined {
  const pooled = results.pooled;
  if (!pooled.regions || !pooled.sroc) return undefined;
  const auc = pooled.auc && pooled.auc.est !== null && pooled.auc.lo !== null && pooled.auc.hi !== null ? { est: pooled.auc.est, lo: pooled.auc.lo, hi: pooled.auc.hi } : undefined;
  return {
    studies: results.studies.map((s) => ({ label: s.label, sens: s.sens.est, spec: s.spec.est, n: s.nDiseased + s.nNonDiseased })),
    summary: { sens: pooled.summary.sens, spec: pooled.summary.spec },
    curve: { points: pooled.sroc.points.map((p) => ({ sens: p.sens, fpr: p.fpr })), ...(auc ? { auc } : {}) },
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
    studies: deeks.points.map((p) => ({ label: results.studies[p.study]!.label, dor: p.dor, invSqrtEss: p.invSqrtEss })),
    regression: { intercept: deeks.intercept, slope: deeks.slope, p: deeks.slopeP },
  };
}

export function boxplotInput(results: AnalysisResults): BivariateBoxplotInput | undefined {
  const box = results.influence.boxplot;
  if (!box || box.hinge.length === 0) return undefined;
  return {
    studies: box.studies.map((s) => ({ label: results.studies[s.study]!.label, logitSens: s.logitSens, logitSpec: s.logitSpec, outlier: s.outsideFence })),
    hinge: box.hinge.map((p) => ({ logitSens: p.logitSens, logitSpec: p.logitSpec })),
    fence: box.fence.map((p) => ({ logitSens: p.logitSens, logitSpec: p.logitSpec })),
    centre: box.centre,
  };
}

const RATIO_MEASURES = {
  logDor: { measure: 'dor', pooledKey: 'logDor' },
  logLrPos: { measure: 'lrPositive', pooledKey: 'logLrPos' },
  logLrNeg: { measure: 'lrNegative', pooledKey: 'logLrNeg' },
} as const;

/** Forest plot of DOR, LR+ or LR− with the univariate REML pool of that measure. */
export function univariateForestInput(results: AnalysisResults, which: keyof typeof RATIO_MEASURES): UnivariateForestInput | undefined {
  const univariate = results.pooled.univariate[RATIO_MEASURES[which].pooledKey];
  if (!univariate) return undefined;
  const estimates = studyRatioEstimates(
    results.studies.map((s) => s.counts),
    which,
    univariate.tau2,
    results.level,
  );
  return {
    measure: RATIO_MEASURES[which].measure,
    studies: estimates.studies.map((s) => ({ label: results.studies[s.study]!.label, estimate: { est: s.est, lo: s.lo, hi: s.hi }, weight: s.weight })),
    pooled: { method: 'Random effects (REML)', estimate: univariate.backTransformed },
    heterogeneity: { q: univariate.Q, df: univariate.df, p: univariate.pQ ?? Number.NaN, ...(univariate.I2 !== null ? { i2: univariate.I2 * 100 } : {}), tau2: univariate.tau2 },
    level: results.level,
  };
}

export function faganInput(results: AnalysisResults): FaganInput | undefined {
  const fagan = results.fagan;
  if (!fagan) return undefined;
  return {
    prior: fagan.prior,
    positive: { lr: fagan.lrPositive.est, posterior: fagan.postPositive.est },
    negative: { lr: fagan.lrNegative.est, posterior: fagan.postNegative.est },
  };
}

export function lrScattergramInput(results: AnalysisResults): LrScattergramInput | undefined {
  if (results.likelihoodRatios.length === 0) return undefined;
  const s = results.pooled.summary;
  const finite = [s.lrPositive, s.lrNegative].every((m) => [m.est, m.lo, m.hi].every((v) => Number.isFinite(v) && v > 0));
  return {
    studies: results.likelihoodRatios.map((p) => ({ label: results.studies[p.study]!.label, lrPositive: p.lrPositive.est, lrNegative: p.lrNegative.est })),
    ...(finite ? { summary: { lrPositive: s.lrPositive, lrNegative: s.lrNegative } } : {}),
    level: results.level,
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
