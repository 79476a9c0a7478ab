/**
 * Pooled analysis of one set of 2x2 tables: the bivariate model (GLMM or Reitsma) and everything
 * derived from it (summary measures, HSROC, SROC/AUC, regions, heterogeneity), or, with fewer than
 * 4 studies, univariate pooling clearly labelled as such. Used for the whole data set, for each
 * subgroup, for sensitivity analyses and by `metadx fit`. Pure; no formatting.
 */
import { applyContinuityCorrection, type CorrectionPolicy } from '../stats/continuity.ts';
import { confidenceRegion, predictionRegion, midasCompatPredictionRegion, type RegionPoint } from '../stats/ellipse.ts';
import { fitBivariateGlmm, type BivariateGlmmFit } from '../stats/glmm-bivariate.ts';
import { defaultNodePlacement, type NodePlacement } from '../stats/glmm-node-placement.ts';
import { midasForestHeterogeneity, zhouDendukuriI2, type MidasHeterogeneityResult, type ZhouDendukuriResult } from '../stats/heterogeneity.ts';
import { hsrocFromBivariate, type HsrocResult } from '../stats/hsroc.ts';
import { fitReitsma, type ReitsmaResult } from '../stats/reitsma.ts';
import { aucDeltaMethodCi, aucExact, aucParametricBootstrap, midasAuc, observedFprRange, paucMadaGrid, srocCurve, srocSensAtFpr } from '../stats/sroc.ts';
import { summaryMeasures, type SummaryMeasure } from '../stats/summary-measures.ts';
import type { Counts, Matrix2, StatsNote } from '../stats/types.ts';
import { univariateMetaAnalysis, type UnivariateResult } from '../stats/univariate.ts';
import { expit } from '../stats/distributions.ts';
import { clopperPearson } from '../stats/clopper-pearson.ts';
import { deeksFunnelTest, type DeeksResult } from '../stats/deeks.ts';
import type { OnProgress } from './progress.ts';
import type { SharedInterceptFit } from '../stats/glmm-shared-intercept.ts';
import { conditionNumber, parameterUncertainty, thetaVcovFromPsi, type ParameterUncertainty } from '../stats/parameter-uncertainty.ts';
import { NotEstimableError, notEstimableNote } from '../stats/errors.ts';
import { fitNestedGlmm, type NestedGlmmFit } from '../stats/glmm-nested.ts';
import { memoizedFit } from './fit-memo.ts';
import { effectiveStructure, tableGroups, type GroupedCounts, type Structure } from './grouping.ts';
import type { BivariateParameters } from '../stats/bivariate-parameters.ts';
import { parallelMap, type ParallelTask } from './parallel.ts';

export interface PooledOptions {
  method: 'glmm' | 'reitsma';
  quadrature: number;
  /** orientation of the quadrature grid (default: defaultNodePlacement(quadrature), see glmm-node-placement.ts) */
  nodes?: NodePlacement;
  correction: CorrectionPolicy;
  correctionValue: number;
  region: 'F' | 'chi2';
  level: number;
  aucCi: 'bootstrap' | 'delta';
  bootstrap: number;
  seed: number;
  /** SROC figure: the curve over the observed FPR range only (default), or also the full range, labelled as extrapolated */
  srocRange?: 'observed' | 'full';
  /** fewer studies than this: univariate pooling instead of the bivariate model */
  minimumBivariate?: number;
  /** how several tables of one study (GroupedCounts.group) are modelled by the GLMM (default independent; see grouping.ts) */
  structure?: Structure;
  /**
   * false: the AUC gets its point estimate only, no interval (for refits whose AUC is not reported:
   * leave-one-out, cumulative steps, the midas Laplace reference line). Saves the parametric
   * bootstrap's B refits where the delta method is not available. Default true.
   */
  aucInterval?: boolean;
  /**
   * false: no forest-plot Q and I² as midas prints them (heterogeneity.midas null), whose
   * shared-random-intercept fit costs as much as a quarter of a 26-table nested fit; for refits
   * that report only the model and its summary measures (leave-one-out, cumulative steps, the
   * midas Laplace reference line). Default true.
   */
  forestHeterogeneity?: boolean;
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
  /** orientation of the quadrature grid (GLMM with 2 or more points) */
  nodes?: 'upper' | 'lower' | null;
  estimation?: 'ML' | 'REML';
  correction?: { policy: CorrectionPolicy; value: number; correctedStudies: number[] };
  optimizer?: BivariateGlmmFit['optimizer'];
  boundary?: BivariateGlmmFit['boundary'];
  /** how tables of one study were modelled (absent: independent tables) */
  structure?: Structure;
  /** studies (groups of tables) in a shared or nested fit */
  studies?: number;
  /** nested: the between-study and the within-study (between-table) components; tau2/covRe/rho are their sum */
  levels?: NestedGlmmFit['levels'];
}

export interface FitStatistics {
  logLik: number;
  /** estimation the log-likelihood belongs to */
  estimation: 'ML' | 'REML';
  nParams: number;
  /** arms with participants (2k rows of the long data, Stata's e(N)); null where not used */
  nObservations: number | null;
  /**
   * −2 ln L + 2p. For REML fits (Reitsma) as metafor's fitstats() gives it: comparable only between
   * models with the same fixed effects.
   */
  aic: number | null;
  /** −2 ln L + p ln N: ML fits N = arms (as midas and Stata); REML fits N − q (q fixed effects, as metafor) */
  bic: number | null;
}

export interface ConvergenceReport {
  converged: boolean;
  /** largest |∂ ln L/∂x| over the internal parameters at the optimum (GLMM); null when not recorded */
  gradientNorm: number | null;
  /** condition number of the observed information of (μ, ln τ, atanh ρ); null at a boundary */
  hessianCondition: number | null;
  boundary: { tau2SensZero: boolean; tau2SpecZero: boolean; rhoAtBound: boolean; rhoNearBound: boolean };
  /** how the SEs of the pooled logits were obtained */
  seMethod: string;
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
  /**
   * SROC curve: `points` over the full FPR range (0–1; beyond the observed FPRs it is extrapolated),
   * `observed` over the range of FPRs of the tables (with both arms), as mada and metandi draw it
   */
  sroc: { points: RocPointLite[]; observed?: RocPointLite[]; fprRange?: [number, number]; notes: StatsNote[] } | null;
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
    /** midas forest-plot Q and I² for sensitivity and specificity, as midas prints them (centred on its shared-random-intercept model) */
    midas: { sens: MidasHeterogeneityResult; spec: MidasHeterogeneityResult; centre?: SharedInterceptFit } | null;
  };
  /** SEs and CIs of every model parameter on metandi's scales (null for univariate pooling) */
  parameters?: ParameterUncertainty | null;
  /** log-likelihood, AIC, BIC (null for univariate pooling) */
  fitStatistics?: FitStatistics | null;
  /** how well the optimum is determined (null for univariate pooling) */
  convergence?: ConvergenceReport | null;
  /** univariate pooling (REML) of logit sens, logit spec, ln DOR, ln LR+, ln LR− */
  univariate: Record<'logitSens' | 'logitSpec' | 'logDor' | 'logLrPos' | 'logLrNeg', UnivariateResult | null>;
}

/**
 * SROC curve sampled evenly on the logit-FPR scale (smooth where the curve is steep), ends included;
 * and the part over the observed FPR range (tables with non-diseased participants), its ends exact.
 */
function srocPoints(
  parameters: { mu: { sens: number; spec: number }; tau2: { sens: number; spec: number }; covRe: number },
  fprRange: [number, number] | null,
): { points: RocPointLite[]; observed?: RocPointLite[]; fprRange?: [number, number]; notes: StatsNote[] } {
  const fpr = [0, ...Array.from({ length: 241 }, (_, j) => expit(-12 + (24 * j) / 240)), 1];
  const sens = srocSensAtFpr(parameters, fpr);
  if (!sens) return { points: [], notes: srocCurve(parameters).notes };
  const points = fpr.map((f, j) => ({ fpr: f, sens: sens[j]! }));
  if (!fprRange || !(fprRange[1] > fprRange[0])) return { points, notes: [] };
  const [lo, hi] = fprRange;
  const inside = [lo, ...fpr.filter((f) => f > lo && f < hi), hi];
  const observedSens = srocSensAtFpr(parameters, inside)!;
  return { points, observed: inside.map((f, j) => ({ fpr: f, sens: observedSens[j]! })), fprRange, notes: [] };
}

const toPoints = (points: readonly RegionPoint[]): RocPointLite[] => points.map((p) => ({ fpr: p.fpr, sens: p.sens }));

const UNIVARIATE_MEASURES = { logitSens: 'logit sensitivity', logitSpec: 'logit specificity', logDor: 'ln DOR', logLrPos: 'ln LR+', logLrNeg: 'ln LR−' } as const;

/** Univariate REML pooling of each measure; one the data do not support is null, with a note. */
function univariateAll(counts: readonly Counts[], level: number, notes: StatsNote[]): PooledResult['univariate'] {
  const run = (measure: keyof typeof UNIVARIATE_MEASURES): UnivariateResult | null => {
    try {
      return univariateMetaAnalysis(counts, measure, { estimator: 'REML', level, add: 0.5, to: 'only0' });
    } catch (error) {
      if (!(error instanceof NotEstimableError)) throw error;
      notes.push(notEstimableNote(`univariate pooling of ${UNIVARIATE_MEASURES[measure]}`, error));
      return null;
    }
  };
  return { logitSens: run('logitSens'), logitSpec: run('logitSpec'), logDor: run('logDor'), logLrPos: run('logLrPos'), logLrNeg: run('logLrNeg') };
}

/** Pool the tables; see the module comment. Tables carrying a `group` are grouped by `options.structure`; `onProgress` hears the AUC bootstrap's refits. */
export function poolStudies(counts: readonly GroupedCounts[], options: PooledOptions, onProgress?: OnProgress): PooledResult {
  const k = counts.length;
  /** statistics the data do not support (NotEstimableError), shown with the model's notes */
  const notEstimable: StatsNote[] = [];
  const univariate = univariateAll(counts, options.level, notEstimable);
  const minimum = options.minimumBivariate ?? 4;
  if (k < minimum) {
    const fallback = univariateFallback(counts, options, univariate);
    return { ...fallback, model: { ...fallback.model, notes: [...fallback.model.notes, ...notEstimable] } };
  }

  let model: ModelInfo;
  let mu: { sens: number; spec: number };
  let vcov: Matrix2;
  let tau2: { sens: number; spec: number };
  let covRe: number;
  let rho: number | null;
  let glmm: BivariateGlmmFit | undefined;
  let reitsma: ReitsmaResult | undefined;
  if (options.method === 'glmm') {
    const structure = effectiveStructure(options.structure, counts);
    const groups = tableGroups(counts);
    if (structure === 'nested') {
      const settings = { quadrature: options.quadrature, groups };
      glmm = memoizedFit('nested', counts.length, [counts, settings], () => fitNestedGlmm([...counts], settings));
    } else {
      const settings = { quadrature: options.quadrature, nodes: options.nodes ?? defaultNodePlacement(options.quadrature), ...(structure === 'shared' ? { groups } : {}) };
      glmm = memoizedFit('bivariate', counts.length, [counts, settings], () => fitBivariateGlmm([...counts], settings));
    }
    const groupingNotes: StatsNote[] =
      options.structure && options.structure !== structure
        ? [{ code: new Set(groups).size < 2 ? 'grouping-single-study' : 'grouping-no-repeated-studies', detail: { structure: options.structure } }]
        : [];
    // the nested model places its nodes one way only (lower factor): say so when the spec asked otherwise
    if (structure === 'nested' && options.nodes === 'upper' && options.quadrature > 1) groupingNotes.push({ code: 'nested-nodes-lower', detail: {} });
    model = {
      method: 'glmm',
      label: glmm.label,
      k: glmm.k,
      converged: glmm.converged,
      notes: [...groupingNotes, ...glmm.notes],
      logLik: glmm.logLik,
      nParams: glmm.nParams,
      quadrature: glmm.quadrature,
      nodes: glmm.nodes,
      estimation: 'ML',
      optimizer: glmm.optimizer,
      boundary: glmm.boundary,
      ...(structure !== 'independent' ? { structure, studies: glmm.studies ?? k } : {}),
      ...('levels' in glmm ? { levels: (glmm as NestedGlmmFit).levels } : {}),
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

  const noDiseased = counts.filter((c) => c.tp + c.fn === 0).length;
  const noNonDiseased = counts.filter((c) => c.tn + c.fp === 0).length;
  if (noDiseased + noNonDiseased > 0) model.notes = [...model.notes, { code: 'single-arm-tables', detail: { noDiseased, noNonDiseased, method: model.method } }];
  const parameters = { mu, tau2, covRe };
  const measures = summaryMeasures(mu, vcov, options.level);
  // separated data (a pooled logit diverges, note 'mu-at-bound'): the ratio measures that depend on it
  // have no finite estimate; they are reported as not estimable instead of as 1e23 with a CI of (0–NA)
  const diverges = (arm: 'sens' | 'spec') => model.notes.some((n) => n.code === 'mu-at-bound' && n.detail?.parameter === arm);
  const blank = (m: SummaryMeasure, depends: ('sens' | 'spec')[]): SummaryMeasure =>
    depends.some(diverges) ? { est: Number.NaN, lo: Number.NaN, hi: Number.NaN, seTransformed: Number.NaN, notEstimable: 'no-finite-estimate' } : m;
  // (sensitivity and specificity stay: their estimate is the bound 0 or 1, with the note saying so)
  measures.lrPos = blank(measures.lrPos, ['spec']);
  measures.lrNeg = blank(measures.lrNeg, ['sens']);
  measures.dor = blank(measures.dor, ['sens', 'spec']);
  measures.logDor = blank(measures.logDor, ['sens', 'spec']);
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
  const fprRange = safeFprRange(counts);
  const curve = srocPoints(parameters, fprRange);
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
  } catch (error) {
    if (!(error instanceof NotEstimableError)) throw error;
    // drawn only with compat: midas, whose table notes the same failure (midas-compat.ts,
    // 'prediction-region'); noting it here would add it to every report with τ² at 0
    predictionMidas = null;
  }
  const midas = midasAuc(parameters);
  const pauc = fprRange ? paucMadaGrid(parameters, fprRange) : { auc: null, fprRange: [Number.NaN, Number.NaN] as [number, number] };
  const auc = aucInterval(counts, parameters, glmm, options, onProgress);
  let midasHeterogeneity: PooledResult['heterogeneity']['midas'] = null;
  if (options.forestHeterogeneity !== false) {
    try {
      // as midas prints them: centred on its shared-random-intercept ("fixed-effects") model
      midasHeterogeneity = midasForestHeterogeneity(counts, options.level);
    } catch (error) {
      if (!(error instanceof NotEstimableError)) throw error;
      notEstimable.push(notEstimableNote("Cochran's Q and I² of the forest plot (midas)", error));
      midasHeterogeneity = null;
    }
  }
  return {
    model: { ...model, notes: [...model.notes, ...notEstimable] },
    mu,
    vcov,
    se: { sens: Math.sqrt(vcov[0][0]), spec: Math.sqrt(vcov[1][1]) },
    tau2,
    covRe,
    rho,
    summary,
    hsroc: hsrocFromBivariate(parameters),
    sroc: curve.points.length > 0 ? curve : null,
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
    ...modelUncertainty(mu, vcov, tau2, covRe, rho, glmm, reitsma, options.level),
    univariate,
  };
}

/** Observed FPR range of the tables with both arms; null when there is none. */
function safeFprRange(counts: readonly Counts[]): [number, number] | null {
  const both = counts.filter((c) => c.tp + c.fn > 0 && c.tn + c.fp > 0);
  return both.length > 0 ? observedFprRange(both) : null;
}

/** Parameter SEs/CIs, fit statistics and the convergence report of a bivariate fit. */
/**
 * Log-likelihood, AIC and BIC of a REML fit as metafor's fitstats() reports them for rma.mv
 * (Viechtbauer 2010, doi:10.18637/jss.v036.i03): p parameters (q fixed effects and the three
 * between-study (co)variances), N = 2k observations; AIC = −2 ln L + 2p, BIC = −2 ln L + p ln(N − q).
 * Checked against metafor (tests/fixtures-r/reitsma-fitstats.R).
 */
export function remlFitStatistics(fit: ReitsmaResult): FitStatistics {
  const observations = 2 * fit.k;
  const fixed = fit.nParams - 3;
  return {
    logLik: fit.logLik,
    estimation: 'REML',
    nParams: fit.nParams,
    nObservations: observations,
    aic: -2 * fit.logLik + 2 * fit.nParams,
    bic: -2 * fit.logLik + fit.nParams * Math.log(observations - fixed),
  };
}

function modelUncertainty(
  mu: { sens: number; spec: number },
  vcov: Matrix2,
  tau2: { sens: number; spec: number },
  covRe: number,
  rho: number | null,
  glmm: BivariateGlmmFit | undefined,
  reitsma: ReitsmaResult | undefined,
  level: number,
): Pick<PooledResult, 'parameters' | 'fitStatistics' | 'convergence'> {
  const thetaVcov = glmm ? glmm.theta.vcov : thetaVcovFromPsi(vcov, tau2, covRe, reitsma?.psiVcov ?? null);
  const parameters = parameterUncertainty({ mu, covMu: vcov[0][1], tau2, rho, thetaVcov, muVcov: vcov, level });
  const zero = (v: number) => v < 1e-8;
  const boundary = {
    tau2SensZero: glmm ? glmm.boundary.tau2SensZero : zero(tau2.sens),
    tau2SpecZero: glmm ? glmm.boundary.tau2SpecZero : zero(tau2.spec),
    rhoAtBound: glmm ? glmm.boundary.rhoAtBound : rho !== null && 1 - Math.abs(rho) < 1e-8,
    rhoNearBound: rho !== null && Math.abs(rho) > 0.995,
  };
  if (glmm) {
    return {
      parameters,
      fitStatistics: { logLik: glmm.logLik, estimation: 'ML', nParams: glmm.nParams, nObservations: glmm.nObservations, aic: glmm.aic, bic: glmm.bic },
      convergence: {
        converged: glmm.converged,
        gradientNorm: glmm.optimizer.gradientNorm,
        hessianCondition: conditionNumber(thetaVcov),
        boundary,
        seMethod: glmm.seMethod,
      },
    };
  }
  return {
    parameters,
    fitStatistics: reitsma ? remlFitStatistics(reitsma) : null,
    convergence: reitsma ? { converged: reitsma.converged, gradientNorm: null, hessianCondition: conditionNumber(thetaVcov), boundary, seMethod: 'inverse Fisher information of the REML likelihood' } : null,
  };
}

export interface AucRefitSettings {
  method: 'glmm' | 'reitsma';
  quadrature: number;
  nodes: NodePlacement;
  correction: CorrectionPolicy;
  correctionValue: number;
}

/** One bootstrap refit: the model's parameters, or null when the fit does not converge. */
export function aucRefit(simulated: Counts[], settings: AucRefitSettings): BivariateParameters | null {
  if (settings.method === 'glmm') {
    const fit = fitBivariateGlmm(simulated, { quadrature: settings.quadrature, nodes: settings.nodes, randomEffects: false });
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
  onProgress?: OnProgress,
): AucSummary {
  const exact = aucExact(parameters);
  // no curve (shape not identified or a variance at 0): no AUC, and no interval as if it were estimated
  if (exact.auc === null) return { est: null, lo: null, hi: null, method: 'not estimated: the SROC curve is not identified', notes: exact.notes };
  if (options.aucInterval === false) return { est: exact.auc, lo: null, hi: null, method: 'exact SROC AUC (interval not computed: not reported for this refit)', notes: exact.notes };
  const thetaVcov = glmm?.theta.vcov;
  const deltaAvailable = glmm !== undefined && thetaVcov !== null && thetaVcov !== undefined && thetaVcov.length >= 4 && !glmm.boundary.tau2SensZero && !glmm.boundary.tau2SpecZero;
  const grouped = glmm?.structure === 'shared' || glmm?.structure === 'nested';
  // the parametric bootstrap simulates independent tables, not the grouped model (and a grouped refit per replicate is too slow)
  const groupedNotes: StatsNote[] = grouped && options.aucCi === 'bootstrap' ? [{ code: 'auc-bootstrap-not-grouped' }] : [];
  if (grouped) {
    if (!deltaAvailable) return { est: exact.auc, lo: null, hi: null, method: 'exact SROC AUC (no interval: the delta method is not available at this boundary fit, and the bootstrap does not simulate grouped tables)', notes: [...exact.notes, ...groupedNotes, { code: 'auc_ci_not_estimable' }] };
  } else if (options.aucCi === 'bootstrap' || !deltaAvailable) {
    const settings: AucRefitSettings = { method: options.method, quadrature: options.quadrature, nodes: options.nodes ?? defaultNodePlacement(options.quadrature), correction: options.correction, correctionValue: options.correctionValue };
    const boot = aucParametricBootstrap(parameters, {
      studySizes: counts.map((c) => ({ n1: c.tp + c.fn, n0: c.tn + c.fp })),
      refit: (simulated) => aucRefit(simulated, settings),
      // the B refits on all cores (src/results/parallel.ts): the same fits, in the same order
      refitAll: (datasets, progress) => parallelMap(AUC_REFIT, settings, datasets, progress),
      replicates: options.bootstrap,
      seed: options.seed,
      level: options.level,
      ...(onProgress ? { onProgress: (done: number, total: number) => onProgress({ stage: 'results', step: 'bootstrap', done, total }) } : {}),
    });
    return { est: exact.auc, lo: boot.lo, hi: boot.hi, method: `parametric bootstrap percentile interval (${boot.replicates} replicates, seed ${boot.seed})`, notes: [...exact.notes, ...boot.notes] };
  }
  // delta method on (μ_sens, μ_spec, ln τ_sens, ln τ_spec) from the model's parameter covariance
  if (thetaVcov) {
    const cov = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => thetaVcov[i]![j]!));
    const delta = aucDeltaMethodCi(parameters, cov, { scale: 'logSd', level: options.level });
    return { est: exact.auc, lo: delta.lo, hi: delta.hi, method: 'delta method (logit scale) on the exact SROC AUC', notes: [...exact.notes, ...groupedNotes, ...delta.notes] };
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

/**
 * Deeks' funnel-plot asymmetry test when it can be computed (k >= 3), else null; a data set that
 * does not support it (NotEstimableError) adds a note to `notes`.
 */
export function deeksOrNull(counts: readonly Counts[], options: Pick<PooledOptions, 'correction' | 'correctionValue'>, notes?: StatsNote[]): DeeksResult | null {
  if (counts.length < 3) return null;
  try {
    return deeksFunnelTest(counts, { correction: options.correction, correctionValue: options.correctionValue });
  } catch (error) {
    if (!(error instanceof NotEstimableError)) throw error;
    notes?.push(notEstimableNote("Deeks' funnel-plot asymmetry test", error));
    return null;
  }
}
