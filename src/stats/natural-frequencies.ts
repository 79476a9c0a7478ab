/**
 * Natural frequencies: what pooled sensitivity and specificity mean for N people tested (N = 1,000
 * by default) at a given prevalence p, with confidence intervals — the numbers of a GRADE
 * summary-of-findings table for test accuracy.
 *
 * Input: μ = (μA, μB) = pooled (logit sensitivity, logit specificity) and V, the covariance of
 * (μ̂A, μ̂B). With Se = expit(μA), Sp = expit(μB), z = Φ⁻¹(1 − (1 − level)/2):
 *
 *   cells (prevalence fixed, as GRADEpro computes them):
 *     TP = N·p·Se         CI  N·p·[Se_lo, Se_hi]
 *     FN = N·p·(1 − Se)   CI  N·p·[1 − Se_hi, 1 − Se_lo]
 *     TN = N·(1 − p)·Sp   CI  N·(1 − p)·[Sp_lo, Sp_hi]
 *     FP = N·(1 − p)·(1 − Sp)  CI  N·(1 − p)·[1 − Sp_hi, 1 − Sp_lo]
 *   with Se_lo,hi = expit(μA ∓ z·√V_AA) (logit-scale Wald, the summary table's interval). Each cell
 *   depends on one of the two pooled logits only, so its interval is exact in V's diagonal.
 *
 *   totals, using the joint uncertainty (delta method on the logit scale, covariance V_AB included):
 *     q = p·Se + (1 − p)·(1 − Sp)  (share testing positive)
 *     ∂q/∂μA = p·Se·(1 − Se),  ∂q/∂μB = −(1 − p)·Sp·(1 − Sp),  g = ∇q / (q·(1 − q))
 *     test positive = N·expit(logit q ± z·√(g'Vg)),  test negative = N − test positive
 *   predictive values (Bayes in odds form, delta method for ln LR±; as the Fagan nomogram):
 *     PPV = expit(logit p + ln LR+),  ln LR+ = ln Se − ln(1 − Sp),  g = (1 − Se, Sp)
 *     NPV = 1 − expit(logit p + ln LR−),  ln LR− = ln(1 − Se) − ln Sp,  g = (−Se, −(1 − Sp))
 *
 * References: Schünemann HJ et al. (2008). Grading quality of evidence and strength of
 * recommendations for diagnostic tests and strategies. BMJ 336:1106–1110.
 * doi:10.1136/bmj.39500.677199.AE; Schünemann HJ et al. (2020). GRADE guidelines: 21 part 2.
 * J Clin Epidemiol 122:142–152. doi:10.1016/j.jclinepi.2019.12.021.
 *
 * Edge cases: p must lie strictly between 0 and 1 and N be positive (else RangeError); a covariance
 * with NaN entries (not estimable) gives the point estimates with NaN limits; a zero variance gives
 * zero-width intervals. Example: μ = (logit 0.9, logit 0.8), V = 0, p = 0.1, N = 1000 → TP 90,
 * FN 10, TN 720, FP 180, test positive 270, PPV 1/3.
 */
import { expit, logit, normalCritical } from './distributions.ts';
import type { Interval, Matrix2 } from './types.ts';

export interface NaturalFrequencies {
  method: 'natural-frequencies';
  /** people tested (e.g. 1000) */
  per: number;
  prevalence: number;
  level: number;
  /** N·p and N·(1 − p) */
  withCondition: number;
  withoutCondition: number;
  truePositives: Interval;
  falseNegatives: Interval;
  trueNegatives: Interval;
  falsePositives: Interval;
  /** TP + FP and FN + TN, delta method on the logit scale with the covariance of the pooled logits */
  testPositive: Interval;
  testNegative: Interval;
  /** positive and negative predictive values (proportions), delta method for ln LR± */
  ppv: Interval;
  npv: Interval;
}

const quadratic = (g: [number, number], v: Matrix2): number => g[0] * g[0] * v[0][0] + 2 * g[0] * g[1] * v[0][1] + g[1] * g[1] * v[1][1];

/** N·p·[…] of a proportion interval; `complement` turns (lo, hi) of x into (1 − hi, 1 − lo). */
const scaled = (factor: number, est: number, lo: number, hi: number): Interval => ({ est: factor * est, lo: factor * lo, hi: factor * hi });

export function naturalFrequencies(mu: { sens: number; spec: number }, vcov: Matrix2, prevalence: number, options: { per?: number; level?: number } = {}): NaturalFrequencies {
  const per = options.per ?? 1000;
  const level = options.level ?? 0.95;
  if (!(prevalence > 0 && prevalence < 1)) throw new RangeError(`prevalence must lie strictly between 0 and 1, got ${prevalence}`);
  if (!(per > 0) || !Number.isFinite(per)) throw new RangeError(`per must be a positive number, got ${per}`);
  if (!Number.isFinite(mu.sens) || !Number.isFinite(mu.spec)) throw new RangeError('mu must be finite');
  const z = normalCritical(level);
  const p = prevalence;
  const se = expit(mu.sens);
  const sp = expit(mu.spec);
  const seA = Math.sqrt(vcov[0][0]);
  const seB = Math.sqrt(vcov[1][1]);
  const sensLo = expit(mu.sens - z * seA);
  const sensHi = expit(mu.sens + z * seA);
  const specLo = expit(mu.spec - z * seB);
  const specHi = expit(mu.spec + z * seB);

  const q = p * se + (1 - p) * (1 - sp);
  const gq: [number, number] = [(p * se * (1 - se)) / (q * (1 - q)), (-(1 - p) * sp * (1 - sp)) / (q * (1 - q))];
  const seQ = Math.sqrt(quadratic(gq, vcov));
  const testPositive = scaled(per, q, expit(logit(q) - z * seQ), expit(logit(q) + z * seQ));

  const logLrPos = Math.log(se) - Math.log(1 - sp);
  const seLrPos = Math.sqrt(quadratic([1 - se, sp], vcov));
  const logLrNeg = Math.log(1 - se) - Math.log(sp);
  const seLrNeg = Math.sqrt(quadratic([-se, -(1 - sp)], vcov));
  const priorLogit = logit(p);
  const post = (logLr: number) => expit(priorLogit + logLr);

  return {
    method: 'natural-frequencies',
    per,
    prevalence: p,
    level,
    withCondition: per * p,
    withoutCondition: per * (1 - p),
    truePositives: scaled(per * p, se, sensLo, sensHi),
    falseNegatives: scaled(per * p, 1 - se, 1 - sensHi, 1 - sensLo),
    trueNegatives: scaled(per * (1 - p), sp, specLo, specHi),
    falsePositives: scaled(per * (1 - p), 1 - sp, 1 - specHi, 1 - specLo),
    testPositive,
    testNegative: { est: per - testPositive.est, lo: per - testPositive.hi, hi: per - testPositive.lo },
    ppv: { est: post(logLrPos), lo: post(logLrPos - z * seLrPos), hi: post(logLrPos + z * seLrPos) },
    npv: { est: 1 - post(logLrNeg), lo: 1 - post(logLrNeg + z * seLrNeg), hi: 1 - post(logLrNeg - z * seLrNeg) },
  };
}
