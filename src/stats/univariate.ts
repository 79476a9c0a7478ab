/**
 * Univariate meta-analysis of one accuracy measure: fixed effect (inverse variance),
 * DerSimonian–Laird and REML random effects, as `metafor::rma.uni` (test = "z").
 *
 * Study effect sizes (metafor `escalc` conventions, `add = 0.5, to = "only0"` by default):
 *   logDor    measure "OR": ln(TP·TN/(FP·FN)), v = 1/TP + 1/FN + 1/FP + 1/TN; 0.5 added to all four
 *             cells of a study with any zero cell
 *   logLrPos  measure "RR" (TP of n1 vs FP of n0): ln((TP/n1)/(FP/n0)), v = 1/TP − 1/n1 + 1/FP − 1/n0;
 *             same correction (midas §0 formulas)
 *   logLrNeg  measure "RR" (FN of n1 vs TN of n0): ln((FN/n1)/(TN/n0)), v = 1/FN − 1/n1 + 1/TN − 1/n0
 *   logitSens measure "PLO" (TP of n1): ln(TP/FN), v = 1/TP + 1/FN; 0.5 added to TP and FN only
 *             when one of them is 0 (arm-level)
 *   logitSpec measure "PLO" (TN of n0): ln(TN/FP), v = 1/TN + 1/FP
 * Studies with an empty arm (n1 = 0 or n0 = 0; for logit sens/spec only the arm used) are dropped.
 *
 * Pooling with weights w_i = 1/(v_i + τ²):  μ̂ = Σwy/Σw, SE = (Σw)^(−1/2), z-test, Wald CI.
 *   Q = Σ (y_i − μ̂_FE)²/v_i, df = k − 1, p from χ²(df);
 *   DL:   τ² = max(0, (Q − df)/(Σw − Σw²/Σw))  (w = 1/v),
 *         SE(τ²) = sqrt((2·df + 4τ²·trP + 2τ⁴·tr(P²)))/trP   (metafor)
 *   REML: Fisher scoring τ² ← τ² + (y'PPy − trP)/tr(P²), P = W − ww'/Σw, W = diag(1/(v+τ²)),
 *         from the Hedges start max(0, s²_y − mean v), step-halving at 0, iterated to |Δτ²| < 1e-10
 *         (option `tolerance`; metafor stops at 1e-5, pass that to reproduce its digits);
 *         SE(τ²) = sqrt(2/tr(P²))
 *   I² = τ²/(τ² + ṽ), H² = (τ² + ṽ)/ṽ with ṽ = df/(Σw − Σw²/Σw) (w = 1/v), metafor's definition
 *   (for DL equal to (Q − df)/Q); FE: I² = max(0, (Q − df)/Q), H² = Q/df. I² is a proportion in [0, 1].
 *
 * References: DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Control Clin Trials
 * 7:177–188. doi:10.1016/0197-2456(86)90046-2. Viechtbauer W (2005). Bias and efficiency of
 * meta-analytic variance estimators in the random-effects model. J Educ Behav Stat 30:261–293.
 * doi:10.3102/10769986030003261. Viechtbauer W (2010). metafor. J Stat Softw 36(3).
 * doi:10.18637/jss.v036.i03. Higgins JPT, Thompson SG (2002). Stat Med 21:1539–1558. doi:10.1002/sim.1186
 *
 * Edge cases: k = 1 gives the study itself with τ² = 0, Q = 0, df = 0 and Q p-value/I²/H² null
 * (note `single_study`); k = 0 throws; non-positive variances throw.
 */
import type { Counts, StatsNote } from './types.ts';
import { checkCounts } from './continuity.ts';
import { chiSquareUpperTail, expit, normalCritical, normalTwoSidedP } from './distributions.ts';
import { NotEstimableError } from './errors.ts';

export type UnivariateMeasure = 'logDor' | 'logLrPos' | 'logLrNeg' | 'logitSens' | 'logitSpec';
export type UnivariateEstimator = 'FE' | 'DL' | 'REML';

export interface EffectSizeOptions {
  /** value added to zero cells (default 0.5) */
  add?: number;
  /** 'only0' (default): studies/arms with a zero; 'all': every study; 'none' */
  to?: 'only0' | 'all' | 'none';
}

export interface EffectSizes {
  method: 'escalc';
  measure: UnivariateMeasure;
  yi: number[];
  vi: number[];
  /** input indices of the studies in yi/vi */
  studiesUsed: number[];
  /** input indices of studies that received the correction */
  correctedStudies: number[];
  notes: StatsNote[];
}

/** Study-level effect sizes and sampling variances (see module comment). */
export function effectSizes(counts: readonly Counts[], measure: UnivariateMeasure, options: EffectSizeOptions = {}): EffectSizes {
  checkCounts(counts);
  const add = options.add ?? 0.5;
  const to = options.to ?? 'only0';
  if (!Number.isFinite(add) || add < 0) throw new RangeError(`add must be finite and >= 0, got ${add}`);
  const yi: number[] = [];
  const vi: number[] = [];
  const studiesUsed: number[] = [];
  const correctedStudies: number[] = [];
  const notes: StatsNote[] = [];
  counts.forEach((c, i) => {
    const n1 = c.tp + c.fn;
    const n0 = c.tn + c.fp;
    const arm = measure === 'logitSens' ? 'n1' : measure === 'logitSpec' ? 'n0' : 'both';
    if ((arm !== 'n0' && n1 === 0) || (arm !== 'n1' && n0 === 0)) {
      notes.push({ code: 'study_excluded', detail: { study: i, reason: 'empty_arm' } });
      return;
    }
    const cells =
      measure === 'logitSens' ? [c.tp, c.fn] : measure === 'logitSpec' ? [c.tn, c.fp] : [c.tp, c.fp, c.fn, c.tn];
    const needs = to === 'all' || (to === 'only0' && cells.some((v) => v === 0));
    const a = needs && add > 0 ? add : 0;
    if (a > 0) correctedStudies.push(i);
    const tp = c.tp + a;
    const fp = c.fp + a;
    const fn = c.fn + a;
    const tn = c.tn + a;
    let y: number;
    let v: number;
    switch (measure) {
      case 'logDor':
        y = Math.log((tp * tn) / (fp * fn));
        v = 1 / tp + 1 / fp + 1 / fn + 1 / tn;
        break;
      case 'logLrPos':
        y = Math.log(tp / (tp + fn)) - Math.log(fp / (fp + tn));
        v = 1 / tp - 1 / (tp + fn) + 1 / fp - 1 / (fp + tn);
        break;
      case 'logLrNeg':
        y = Math.log(fn / (tp + fn)) - Math.log(tn / (fp + tn));
        v = 1 / fn - 1 / (tp + fn) + 1 / tn - 1 / (fp + tn);
        break;
      case 'logitSens':
        y = Math.log(tp / fn);
        v = 1 / tp + 1 / fn;
        break;
      case 'logitSpec':
        y = Math.log(tn / fp);
        v = 1 / tn + 1 / fp;
        break;
    }
    if (!Number.isFinite(y) || !Number.isFinite(v) || !(v > 0)) {
      notes.push({ code: 'study_excluded', detail: { study: i, reason: 'zero_cell_uncorrected' } });
      return;
    }
    yi.push(y);
    vi.push(v);
    studiesUsed.push(i);
  });
  return { method: 'escalc', measure, yi, vi, studiesUsed, correctedStudies, notes };
}

export interface UnivariatePooled {
  method: 'univariate-meta-analysis';
  estimator: UnivariateEstimator;
  level: number;
  k: number;
  est: number;
  se: number;
  lo: number;
  hi: number;
  z: number;
  p: number;
  tau2: number;
  /** standard error of τ² (null for FE) */
  seTau2: number | null;
  Q: number;
  df: number;
  /** p-value of Q (null when df = 0) */
  pQ: number | null;
  /** proportion in [0, 1] (null when df = 0) */
  I2: number | null;
  H2: number | null;
  converged: boolean;
  iterations: number;
  notes: StatsNote[];
}

function sums(w: readonly number[]): { s1: number; s2: number; s3: number } {
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (const x of w) {
    s1 += x;
    s2 += x * x;
    s3 += x * x * x;
  }
  return { s1, s2, s3 };
}

/** tr(P) and tr(P²) for P = W − ww'/Σw, W = diag(w). */
function traces(w: readonly number[]): { trP: number; trPP: number } {
  const { s1, s2, s3 } = sums(w);
  return { trP: s1 - s2 / s1, trPP: s2 - (2 * s3) / s1 + (s2 * s2) / (s1 * s1) };
}

/** Pools effect sizes yi with sampling variances vi (see module comment). */
export function poolUnivariate(
  yi: readonly number[],
  vi: readonly number[],
  options: {
    estimator?: UnivariateEstimator;
    level?: number;
    maxIterations?: number;
    /** REML stops when |Δτ²| < tolerance (default 1e-10; metafor's default threshold is 1e-5) */
    tolerance?: number;
  } = {},
): UnivariatePooled {
  const estimator = options.estimator ?? 'REML';
  const level = options.level ?? 0.95;
  const k = yi.length;
  if (k === 0) throw new NotEstimableError('no studies to pool');
  if (vi.length !== k) throw new RangeError('yi and vi must have the same length');
  if (!yi.every(Number.isFinite) || !vi.every((v) => Number.isFinite(v) && v > 0)) throw new NotEstimableError('yi must be finite and vi finite and > 0');
  const notes: StatsNote[] = [];
  const df = k - 1;
  const w0 = vi.map((v) => 1 / v);
  const { s1: sw0 } = sums(w0);
  const muFe = yi.reduce((s, y, i) => s + w0[i]! * y, 0) / sw0;
  const Q = yi.reduce((s, y, i) => s + w0[i]! * (y - muFe) ** 2, 0);
  const { trP: trP0 } = traces(w0);

  let tau2 = 0;
  let seTau2: number | null = null;
  let converged = true;
  let iterations = 0;
  if (df === 0) notes.push({ code: 'single_study' });
  if (estimator === 'DL' && df > 0) {
    tau2 = Math.max(0, (Q - df) / trP0);
    const { trPP } = traces(w0);
    seTau2 = Math.sqrt(2 * df + 4 * tau2 * trP0 + 2 * tau2 * tau2 * trPP) / trP0;
  } else if (estimator === 'REML' && df > 0) {
    // start: Hedges (HE) estimator, as metafor
    const ybar = yi.reduce((s, y) => s + y, 0) / k;
    const s2 = yi.reduce((s, y) => s + (y - ybar) ** 2, 0) / df;
    tau2 = Math.max(0, s2 - vi.reduce((s, v) => s + v, 0) / k);
    converged = false;
    const maxIterations = options.maxIterations ?? 1000;
    const tolerance = options.tolerance ?? 1e-10;
    for (iterations = 1; iterations <= maxIterations; iterations++) {
      const w = vi.map((v) => 1 / (v + tau2));
      const { s1 } = sums(w);
      const mu = yi.reduce((s, y, i) => s + w[i]! * y, 0) / s1;
      const { trP, trPP } = traces(w);
      // P y = w_i (y_i − μ̂); y'PPy = Σ w_i² (y_i − μ̂)²
      const yPPy = yi.reduce((s, y, i) => s + (w[i]! * (y - mu)) ** 2, 0);
      let adj = (yPPy - trP) / trPP;
      while (tau2 + adj < 0) adj /= 2;
      tau2 += adj;
      if (Math.abs(adj) < tolerance) {
        converged = true;
        break;
      }
    }
    if (!converged) notes.push({ code: 'not_converged', detail: { iterations: iterations - 1 } });
    const { trPP } = traces(vi.map((v) => 1 / (v + tau2)));
    seTau2 = Math.sqrt(2 / trPP);
  }
  if (estimator !== 'FE' && df > 0 && tau2 === 0) notes.push({ code: 'tau2_at_boundary', detail: { value: 0 } });

  const w = vi.map((v) => 1 / (v + tau2));
  const { s1 } = sums(w);
  const est = yi.reduce((s, y, i) => s + w[i]! * y, 0) / s1;
  const se = 1 / Math.sqrt(s1);
  const zc = normalCritical(level);
  let I2: number | null = null;
  let H2: number | null = null;
  if (df > 0) {
    if (estimator === 'FE') {
      I2 = Q > 0 ? Math.max(0, (Q - df) / Q) : 0;
      H2 = Q / df;
    } else {
      const vTypical = df / trP0;
      I2 = tau2 / (tau2 + vTypical);
      H2 = (tau2 + vTypical) / vTypical;
    }
  }
  return {
    method: 'univariate-meta-analysis',
    estimator,
    level,
    k,
    est,
    se,
    lo: est - zc * se,
    hi: est + zc * se,
    z: est / se,
    p: normalTwoSidedP(est / se),
    tau2,
    seTau2,
    Q,
    df,
    pQ: df > 0 ? chiSquareUpperTail(Q, df) : null,
    I2,
    H2,
    converged,
    iterations,
    notes,
  };
}

export interface UnivariateResult extends UnivariatePooled {
  measure: UnivariateMeasure;
  /** exp (log measures) or expit (logit measures) of est, lo, hi */
  backTransformed: { est: number; lo: number; hi: number };
  studiesUsed: number[];
  correctedStudies: number[];
}

/** Effect sizes + pooling + back-transformation for one measure. */
export function univariateMetaAnalysis(
  counts: readonly Counts[],
  measure: UnivariateMeasure,
  options: EffectSizeOptions & { estimator?: UnivariateEstimator; level?: number; tolerance?: number } = {},
): UnivariateResult {
  const es = effectSizes(counts, measure, options);
  const pooled = poolUnivariate(es.yi, es.vi, options);
  const back = measure === 'logitSens' || measure === 'logitSpec' ? expit : Math.exp;
  return {
    ...pooled,
    measure,
    backTransformed: { est: back(pooled.est), lo: back(pooled.lo), hi: back(pooled.hi) },
    studiesUsed: es.studiesUsed,
    correctedStudies: es.correctedStudies,
    notes: [...es.notes, ...pooled.notes],
  };
}
