/**
 * Pooled analysis of one set of 2x2 tables: the bivariate model (GLMM or Reitsma) and everything
 * derived from it (summary measures, HSROC, SROC/AUC, regions, heterogeneity), or, with fewer than
 * 4 studies, univariate pooling clearly labelled as such. Used for the whole data set, for each
 * subgroup, for sensitivity analyses and by `metadx fit`. Pure; no formatting.
 */
import { applyContinuityCorrection, type CorrectionPolicy } from '../stats/continuity.ts';
import { confidenceRegion, predictionRegion, midasCompatPredictionRegion, type RegionPoint } from '../stats/ellipse.ts';
import { fitBivariateGlmm, type BivariateGlmmFit } from '../stats/glmm-bivariate.ts';
import { midasProportionHeterogeneity, zhouDendukuriI2, type MidasHeterogeneityResult, type ZhouDendukuriResult } from '../stats/heterogeneity.ts';
import { hsrocFromBivariate, type HsrocResult } from '../stats/hsroc.ts';
import { fitReitsma, type ReitsmaResult } from '../stats/reitsma.ts';
import { aucDeltaMethodCi, aucExact, aucParametricBootstrap, midasAuc, observedFprRange, paucMadaGrid, srocCurve, srocSensAtFpr } from '../stats/sroc.ts';
import { summaryMeasures, type SummaryMeasure } from '../stats/summary-measures.ts';
import type { Counts, Matrix2, StatsNote } from '../stats/types.ts';
import { univariateMetaAnalysis, type UnivariateResult } from '../stats/univariate.ts';
import { expit } from '../stats/distributions.ts';
import { clopperPearson } from '../stats/clopper-pearson.ts';
import { deeksFunnelTest, type DeeksResult } from '../stats/deeks.ts';
import type { BivariateParameters } from '../stats/bivariate-parameters.ts';
import { parallelMap, type ParallelTask } from './parallel.ts';

export interface PooledOptions {
  method: 'glmm' | 'reitsma';
  quadrature: number;
  correction: CorrectionPolicy;
  correctionValue: number;
  region: 'F' | 'chi2';
  level: number;
  aucCi: 'bootstrap' | 'delta';
  bootstrap: number;
  seed: number;
  /** fewer studies than this: univariate pooling instead of the bivariate model */
  minimumBivariate?: number;
  /**
   * false: the AUC gets its point estimate only, no interval (for refits whose AUC is not reported:
   * leave-one-out, cumulative steps, the midas Laplace reference line). Saves the parametric
   * bootstrap's B refits where the delta method is not available. Default true.
   */
  aucInterval?: boolean;
}

export interface ModelInfo {
  method: 'glmm' | 'reitsma' | 'univariate';
  /** e.g. "bivariate binomial GLMM, ML, adaptive Gauss–Hermite quadrature, 7 points" */
  label: string;
  k: number;
  converged: boolean;
  notes: StatsNote[];
  logLik: number | null;
  nParams: number | null;
  quadrature?: number;
  estimation?: 'ML' | 'REML';
  correction?: { policy: CorrectionPolicy; value: number; correctedStudies: number[] };
  optimizer?: BivariateGlmmFit['optimizer'];
  boundary?: BivariateGlmmFit['boundary'];
}

export interface PooledSummary {
  sens: SummaryMeasure;
  spec: SummaryMeasure;
  fpr: SummaryMeasure;
  lrPositive: SummaryMeasure;
  lrNegative: SummaryMeasure;
  dor: SummaryMeasure;
  /** ln DOR with its Wald interval ("diagnostic score" in midas) */
  logDor: SummaryMeasure;
  method: string;
}

export interface AucSummary {
  est: number | null;
  lo: number | null;
  hi: number | null;
  method: string;
  notes: StatsNote[];
}

export interface RocPointLite {
  fpr: number;
  sens: number;
}

export interface PooledResult {
  model: ModelInfo;
  /** pooled logit sensitivity / specificity (null for univariate pooling: no joint model) */
  mu: { sens: number; spec: number };
  vcov: Matrix2;
  se: { sens: number; spec: number };
  tau2: { sens: number; spec: number };
  covRe: number | null;
  rho: number | null;
  summary: PooledSummary;
  hsroc: HsrocResult | null;
  sroc: { points: RocPointLite[]; notes: StatsNote[] } | null;
  auc: AucSummary | null;
  /** midas-compatible AUC and its Wilson "CI" (N = 500 grid points; not a confidence interval) */
  aucMidas: { est: number; lo: number; hi: number } | null;
  pauc: { est: number | null; fprRange: [number, number] } | null;
  regions: {
    critical: 'F' | 'chi2';
    radius: number;
    confidence: RocPointLite[];
    prediction: RocPointLite[];
    /** midas v2.00's prediction region (log-SD covariance bug), for compat figures only */
    predictionMidas: RocPointLite[] | null;
  } | null;
  heterogeneity: {
    zhouDendukuri: ZhouDendukuriResult | null;
    /** midas forest-plot Q and I² for sensitivity and specificity around the pooled estimates */
    midas: { sens: MidasHeterogeneityResult; spec: MidasHeterogeneityResult } | null;
  };
  /** univariate pooling (REML) of logit sens, logit spec, ln DOR, ln LR+, ln LR− */
  univariate: Record<'logitSens' | 'logitSpec' | 'logDor' | 'logLrPos' | 'logLrNeg', UnivariateResult | null>;
}

/** SROC curve sampled evenly on the logit-FPR scale (smooth where the curve is steep), ends included. */
function srocPoints(parameters: { mu: { sens: number; spec: number }; tau2: { sens: number; spec: number }; covRe: number }): { points: RocPointLite[]; notes: StatsNote[] } {
  const fpr = [0, ...Array.from({ length: 241 }, (_, j) => expit(-12 + (24 * j) / 240)), 1];
  const sens = srocSensAtFpr(parameters, fpr);
  if (!sens) return { points: [], notes: srocCurve(parameters).notes };
  return { points: fpr.map((f, j) => ({ fpr: f, sens: sens[j]! })), notes: [] };
}

const toPoints = (points: readonly RegionPoint[]): RocPointLite[] => points.map((p) => ({ fpr: p.fpr, sens: p.sens }));

function univariateAll(counts: readonly Counts[], level: number): PooledResult['univariate'] {
  const run = (measure: 'logitSens' | 'logitSpec' | 'logDor' | 'logLrPos' | 'logLrNeg'): UnivariateResult | null => {
    try {
      return univariateMetaAnalysis(counts, measure, { estimator: 'REML', level, add: 0.5, to: 'only0' });
    } catch {
      return null;
    }
  };
  return { logitSens: run('logitSens'), logitSpec: run('logitSpec'), logDor: run('logDor'), logLrPos: run('logLrPos'), logLrNeg: run('logLrNeg') };
}

/** Pool the tables; see the module comment. */
export function poolStudies(counts: readonly Counts[], options: PooledOptions): PooledResult {
  const k = counts.length;
  const univariate = univariateAll(counts, options.level);
  const minimum = options.minimumBivariate ?? 4;
  if (k < minimum) return univariateFallback(counts, options, univariate);

  let model: ModelInfo;
  let mu: { sens: number; spec: number };
  let vcov: Matrix2;
  let tau2: { sens: number; spec: number };
  let covRe: number;
  let rho: number | null;
  let glmm: BivariateGlmmFit | undefined;
  let reitsma: ReitsmaResult | undefined;
  if (options.method === 'glmm') {
    glmm = fitBivariateGlmm([...counts], { quadrature: options.quadrature });
    model = {
      method: 'glmm',
      label: glmm.label,
      k: glmm.k,
      converged: glmm.converged,
      notes: glmm.notes,
      logLik: glmm.logLik,
      nParams: glmm.nParams,
      quadrature: glmm.quadrature,
      estimation: 'ML',
      optimizer: glmm.optimizer,
      boundary: glmm.boundary,
    };
    ({ mu, vcov, tau2, covRe, rho } = glmm);
  } else {
    reitsma = fitReitsma(counts, { method: 'reml', correction: options.correction, correctionValue: options.correctionValue });
    model = {
      method: 'reitsma',
      label: `bivariate normal approximation (Reitsma), REML, continuity correction ${options.correctionValue} (${options.correction})`,
      k: reitsma.k,
      converged: reitsma.converged,
      notes: reitsma.notes,
      logLik: reitsma.logLik,
      nParams: reitsma.nParams,
      estimation: 'REML',
      correction: reitsma.correction,
    };
    ({ mu, vcov, tau2, covRe } = reitsma);
    rho = reitsma.rho;
  }

  const parameters = { mu, tau2, covRe };
  const measures = summaryMeasures(mu, vcov, options.level);
  const summary: PooledSummary = {
    sens: measures.sens,
    spec: measures.spec,
    fpr: measures.fpr,
    lrPositive: measures.lrPos,
    lrNegative: measures.lrNeg,
    dor: measures.dor,
    logDor: measures.logDor,
    method: 'delta method on the logit/log scale from the pooled logits and their covariance',
  };
  const curve = srocPoints(parameters);
  const psi: Matrix2 = [
    [tau2.sens, covRe],
    [covRe, tau2.spec],
  ];
  const regionOptions = { critical: options.region, level: options.level, k };
  const confidence = confidenceRegion(mu, vcov, regionOptions);
  const prediction = predictionRegion(mu, vcov, psi, regionOptions);
  let predictionMidas: RocPointLite[] | null = null;
  try {
    predictionMidas = toPoints(midasCompatPredictionRegion(mu, vcov, tau2, rho ?? 0, { level: options.level, k }).points);
  } catch {
    predictionMidas = null;
  }
  const midas = midasAuc(parameters);
  const fprRange = observedFprRange(counts);
  const pauc = paucMadaGrid(parameters, fprRange);
  const auc = aucInterval(counts, parameters, glmm, options);
  let midasHeterogeneity: PooledResult['heterogeneity']['midas'] = null;
  try {
    midasHeterogeneity = {
      sens: midasProportionHeterogeneity(counts, 'sens', { pooled: expit(mu.sens), level: options.level }),
      spec: midasProportionHeterogeneity(counts, 'spec', { pooled: expit(mu.spec), level: options.level }),
    };
  } catch {
    midasHeterogeneity = null;
  }
  return {
    model,
    mu,
    vcov,
    se: { sens: Math.sqrt(vcov[0][0]), spec: Math.sqrt(vcov[1][1]) },
    tau2,
    covRe,
    rho,
    summary,
    hsroc: hsrocFromBivariate(parameters),
    sroc: curve.points.length > 0 ? { points: curve.points, notes: curve.notes } : null,
    auc,
    aucMidas: { est: midas.auc, lo: midas.wilsonLo, hi: midas.wilsonHi },
    pauc: { est: pauc.auc, fprRange: pauc.fprRange },
    regions: {
      critical: options.region,
      radius: confidence.radius,
      confidence: toPoints(confidence.points),
      prediction: toPoints(prediction.points),
      predictionMidas,
    },
    heterogeneity: { zhouDendukuri: zhouDendukuriI2(parameters, counts), midas: midasHeterogeneity },
    univariate,
  };
}

export interface AucRefitSettings {
  method: 'glmm' | 'reitsma';
  quadrature: number;
  correction: CorrectionPolicy;
  correctionValue: number;
}

/** One bootstrap refit: the model's parameters, or null when the fit does not converge. */
export function aucRefit(simulated: Counts[], settings: AucRefitSettings): BivariateParameters | null {
  if (settings.method === 'glmm') {
    const fit = fitBivariateGlmm(simulated, { quadrature: settings.quadrature });
    return fit.converged ? { mu: fit.mu, tau2: fit.tau2, covRe: fit.covRe } : null;
  }
  const fit = fitReitsma(simulated, { method: 'reml', correction: settings.correction, correctionValue: settings.correctionValue });
  return fit.converged ? { mu: fit.mu, tau2: fit.tau2, covRe: fit.covRe } : null;
}

/** `aucRefit` as a parallel task; a refit that throws counts as failed (null), as in the bootstrap. */
export const AUC_REFIT: ParallelTask<AucRefitSettings, Counts[], BivariateParameters | null> = {
  name: 'auc-refit',
  run: (simulated, settings) => {
    try {
      return aucRefit(simulated, settings);
    } catch {
      return null;
    }
  },
};

function aucInterval(
  counts: readonly Counts[],
  parameters: { mu: { sens: number; spec: number }; tau2: { sens: number; spec: number }; covRe: number },
  glmm: BivariateGlmmFit | undefined,
  options: PooledOptions,
): AucSummary {
  const exact = aucExact(parameters);
  if (options.aucInterval === false) return { est: exact.auc, lo: null, hi: null, method: 'exact SROC AUC (interval not computed: not reported for this refit)', notes: exact.notes };
  const thetaVcov = glmm?.theta.vcov;
  const deltaAvailable = glmm !== undefined && thetaVcov !== null && thetaVcov !== undefined && thetaVcov.length >= 4 && !glmm.boundary.tau2SensZero && !glmm.boundary.tau2SpecZero;
  if (options.aucCi === 'bootstrap' || !deltaAvailable) {
    const settings: AucRefitSettings = { method: options.method, quadrature: options.quadrature, correction: options.correction, correctionValue: options.correctionValue };
    const boot = aucParametricBootstrap(parameters, {
      studySizes: counts.map((c) => ({ n1: c.tp + c.fn, n0: c.tn + c.fp })),
      refit: (simulated) => aucRefit(simulated, settings),
      // the B refits on all cores (src/results/parallel.ts): the same fits, in the same order
      refitAll: (datasets) => parallelMap(AUC_REFIT, settings, datasets),
      replicates: options.bootstrap,
      seed: options.seed,
      level: options.level,
    });
    return { est: exact.auc, lo: boot.lo, hi: boot.hi, method: `parametric bootstrap percentile interval (${boot.replicates} replicates, seed ${boot.seed})`, notes: [...exact.notes, ...boot.notes] };
  }
  // delta method on (μ_sens, μ_spec, ln τ_sens, ln τ_spec) from the model's parameter covariance
  if (thetaVcov) {
    const cov = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => thetaVcov[i]![j]!));
    const delta = aucDeltaMethodCi(parameters, cov, { scale: 'logSd', level: options.level });
    return { est: exact.auc, lo: delta.lo, hi: delta.hi, method: 'delta method (logit scale) on the exact SROC AUC', notes: [...exact.notes, ...delta.notes] };
  }
  return { est: exact.auc, lo: null, hi: null, method: 'exact SROC AUC (no interval: parameter covariance not available)', notes: [...exact.notes, { code: 'auc_ci_not_estimable' }] };
}

function univariateFallback(counts: readonly Counts[], options: PooledOptions, univariate: PooledResult['univariate']): PooledResult {
  const sens = univariate.logitSens;
  const spec = univariate.logitSpec;
  const asMeasure = (u: UnivariateResult | null): SummaryMeasure =>
    u ? { est: u.backTransformed.est, lo: u.backTransformed.lo, hi: u.backTransformed.hi, seTransformed: u.se } : { est: Number.NaN, lo: Number.NaN, hi: Number.NaN, seTransformed: Number.NaN };
  const fprOf = (m: SummaryMeasure): SummaryMeasure => ({ est: 1 - m.est, lo: 1 - m.hi, hi: 1 - m.lo, seTransformed: m.seTransformed });
  const logDor = univariate.logDor;
  const correction = applyContinuityCorrection(counts, { policy: 'single', value: 0.5 });
  const single = counts.length === 1;
  const exact = (x: number, n: number): SummaryMeasure => {
    const ci = clopperPearson(x, n, options.level);
    return { est: ci.est ?? Number.NaN, lo: ci.lo ?? Number.NaN, hi: ci.hi ?? Number.NaN, seTransformed: Number.NaN };
  };
  const only = counts[0]!;
  return {
    model: {
      method: 'univariate',
      label: single
        ? 'single study: not pooled (exact CIs for sensitivity and specificity; log-scale Wald CIs for LRs and DOR)'
        : 'univariate random-effects pooling (REML), separately for each measure; bivariate model not fitted (fewer than 4 studies)',
      k: counts.length,
      converged: single || [sens, spec].every((u) => u?.converged ?? false),
      notes: [single ? { code: 'single-study' } : { code: 'fewer-than-4-studies', detail: { k: counts.length } }],
      logLik: null,
      nParams: null,
      estimation: 'REML',
      correction: { policy: 'single', value: 0.5, correctedStudies: correction.zeroCellStudies },
    },
    mu: { sens: sens?.est ?? Number.NaN, spec: spec?.est ?? Number.NaN },
    vcov: [
      [(sens?.se ?? Number.NaN) ** 2, 0],
      [0, (spec?.se ?? Number.NaN) ** 2],
    ],
    se: { sens: sens?.se ?? Number.NaN, spec: spec?.se ?? Number.NaN },
    tau2: { sens: sens?.tau2 ?? Number.NaN, spec: spec?.tau2 ?? Number.NaN },
    covRe: null,
    rho: null,
    summary: {
      sens: single ? exact(only.tp, only.tp + only.fn) : asMeasure(sens),
      spec: single ? exact(only.tn, only.tn + only.fp) : asMeasure(spec),
      fpr: fprOf(single ? exact(only.tn, only.tn + only.fp) : asMeasure(spec)),
      lrPositive: asMeasure(univariate.logLrPos),
      lrNegative: asMeasure(univariate.logLrNeg),
      dor: asMeasure(logDor),
      logDor: logDor ? { est: logDor.est, lo: logDor.lo, hi: logDor.hi, seTransformed: logDor.se } : asMeasure(null),
      method: 'univariate random-effects pooling (REML) of each measure separately (continuity correction 0.5 for tables with a zero cell)',
    },
    hsroc: null,
    sroc: null,
    auc: null,
    aucMidas: null,
    pauc: null,
    regions: null,
    heterogeneity: { zhouDendukuri: null, midas: null },
    univariate,
  };
}

/** Deeks' funnel-plot asymmetry test when it can be computed (k >= 3), else null. */
export function deeksOrNull(counts: readonly Counts[], options: Pick<PooledOptions, 'correction' | 'correctionValue'>): DeeksResult | null {
  if (counts.length < 3) return null;
  try {
    return deeksFunnelTest(counts, { correction: options.correction, correctionValue: options.correctionValue });
  } catch {
    return null;
  }
}
