/**
 * Summary accuracy measures from the pooled logits of a bivariate model.
 *
 * Input: μ = (μA, μB) = (pooled logit sensitivity, pooled logit specificity) and V, the 2x2
 * covariance matrix of (μ̂A, μ̂B) (including the covariance). With Se = expit(μA), Sp = expit(μB),
 * z = Φ⁻¹(1 − (1 − level)/2):
 *
 *   sens, spec:  expit(μ ± z·SE(μ))                          (logit-scale Wald)
 *   fpr:         1 − spec, limits swapped (logit FPR = −μB)
 *   ln DOR    = μA + μB,                       g = (1, 1)
 *   ln LR+    = ln Se − ln(1 − Sp),            g = (1 − Se, Sp)
 *   ln LR−    = ln(1 − Se) − ln Sp,            g = (−Se, −(1 − Sp))
 *   SE = sqrt(g'Vg),  CI = exp(f̂ ± z·SE)                     (delta method, log scale)
 *   1/LR− (metandi) and the diagnostic score ln DOR (midas) are reported too.
 *
 * These are conditional ("median study") summaries; between-study variances do not enter. This is
 * what midas (`nlcom`), metandi (`_diparm`), MetaDTA and Meta-DiSc 2.0 report (METHODS (b)).
 *
 * Reference: Harbord RM, Whiting P (2009). metandi: Meta-analysis of diagnostic accuracy using
 * hierarchical logistic regression. Stata J 9:211–229. doi:10.1177/1536867X0900900203
 *
 * Edge cases: V must be symmetric with non-negative diagonal (a tiny asymmetry, |V12 − V21| up to
 * 1e-8 relative, is averaged away); non-finite μ or V throws. SE = 0 gives a zero-width interval.
 */
import type { Matrix2 } from './types.ts';
import { expit, normalCritical } from './distributions.ts';
import { NotEstimableError } from './errors.ts';

export interface SummaryMeasure {
  est: number;
  lo: number;
  hi: number;
  /** standard error on the transformed (logit or log) scale */
  seTransformed: number;
  /** set (est, lo, hi NaN) when a pooled logit it depends on has no finite ML estimate (separated data) */
  notEstimable?: 'no-finite-estimate';
}

export interface SummaryMeasuresResult {
  method: 'delta-method-summary';
  level: number;
  mu: { sens: number; spec: number };
  vcov: Matrix2;
  sens: SummaryMeasure;
  spec: SummaryMeasure;
  fpr: SummaryMeasure;
  dor: SummaryMeasure;
  lrPos: SummaryMeasure;
  lrNeg: SummaryMeasure;
  /** 1 / LR− (metandi) */
  invLrNeg: SummaryMeasure;
  /** ln DOR with a symmetric Wald interval (midas "diagnostic score") */
  logDor: SummaryMeasure;
}

/** Validates a 2x2 covariance matrix and returns its symmetrised copy. */
export function checkCovariance2(vcov: Matrix2, name = 'vcov'): Matrix2 {
  const [[a, b], [c, d]] = vcov;
  for (const v of [a, b, c, d]) if (!Number.isFinite(v)) throw new NotEstimableError(`${name} must be finite`);
  if (a < 0 || d < 0) throw new NotEstimableError(`${name} must have a non-negative diagonal`);
  if (Math.abs(b - c) > 1e-8 * Math.max(1, Math.abs(b), Math.abs(c))) throw new RangeError(`${name} must be symmetric`);
  const off = (b + c) / 2;
  return [
    [a, off],
    [off, d],
  ];
}

function quadForm(g: [number, number], v: Matrix2): number {
  return g[0] * g[0] * v[0][0] + 2 * g[0] * g[1] * v[0][1] + g[1] * g[1] * v[1][1];
}

function logScale(est: number, se: number, z: number): SummaryMeasure {
  return { est: Math.exp(est), lo: Math.exp(est - z * se), hi: Math.exp(est + z * se), seTransformed: se };
}

/**
 * Summary sensitivity, specificity, FPR, DOR, LR+, LR− with delta-method intervals. A covariance
 * that is not available (NaN entries: a fit whose information matrix is singular, e.g. every study
 * perfect) gives the point estimates with NaN intervals; the fit's notes say why.
 */
export function summaryMeasures(mu: { sens: number; spec: number }, vcov: Matrix2, level = 0.95): SummaryMeasuresResult {
  if (!Number.isFinite(mu.sens) || !Number.isFinite(mu.spec)) throw new NotEstimableError('mu must be finite');
  const unavailable = vcov.flat().some(Number.isNaN);
  const v: Matrix2 = unavailable ? [[Number.NaN, Number.NaN], [Number.NaN, Number.NaN]] : checkCovariance2(vcov);
  const z = normalCritical(level);
  const seA = Math.sqrt(v[0][0]);
  const seB = Math.sqrt(v[1][1]);
  const se = expit(mu.sens);
  const sp = expit(mu.spec);
  const oneMinusSe = expit(-mu.sens);
  const oneMinusSp = expit(-mu.spec);

  const sens: SummaryMeasure = { est: se, lo: expit(mu.sens - z * seA), hi: expit(mu.sens + z * seA), seTransformed: seA };
  const spec: SummaryMeasure = { est: sp, lo: expit(mu.spec - z * seB), hi: expit(mu.spec + z * seB), seTransformed: seB };
  const fpr: SummaryMeasure = { est: oneMinusSp, lo: expit(-mu.spec - z * seB), hi: expit(-mu.spec + z * seB), seTransformed: seB };

  const lnDor = mu.sens + mu.spec;
  const seDor = Math.sqrt(quadForm([1, 1], v));
  // ln expit(x) = -ln(1 + e^-x): use log1p for accuracy far in the tails
  const lnSe = -Math.log1p(Math.exp(-mu.sens));
  const ln1mSe = -Math.log1p(Math.exp(mu.sens));
  const lnSp = -Math.log1p(Math.exp(-mu.spec));
  const ln1mSp = -Math.log1p(Math.exp(mu.spec));
  const lnLrPos = lnSe - ln1mSp;
  const lnLrNeg = ln1mSe - lnSp;
  const seLrPos = Math.sqrt(quadForm([oneMinusSe, sp], v));
  const seLrNeg = Math.sqrt(quadForm([-se, -oneMinusSp], v));

  return {
    method: 'delta-method-summary',
    level,
    mu: { sens: mu.sens, spec: mu.spec },
    vcov: v,
    sens,
    spec,
    fpr,
    dor: logScale(lnDor, seDor, z),
    lrPos: logScale(lnLrPos, seLrPos, z),
    lrNeg: logScale(lnLrNeg, seLrNeg, z),
    invLrNeg: logScale(-lnLrNeg, seLrNeg, z),
    logDor: { est: lnDor, lo: lnDor - z * seDor, hi: lnDor + z * seDor, seTransformed: seDor },
  };
}
