/**
 * Deeks' funnel-plot asymmetry test for small-study effects in diagnostic meta-analysis.
 *
 *   ESS_i = 4·n1_i·n0_i/(n1_i + n0_i)                      (effective sample size)
 *   y_i   = ln(TP·TN/(FP·FN))  (continuity-corrected cells)
 *   x_i   = 1/sqrt(ESS_i),  weights ESS_i
 *   WLS y = β0 + β1·x;  H0: β1 = 0,  t = β̂1/SE(β̂1) on k − 2 df, two-sided p.
 *
 * Correction policy is explicit: `correction` (default 'single': 0.5 added to all four cells of
 * studies with a zero cell) and `essFrom` (default 'uncorrected': ESS from the raw n1, n0, as the
 * reference R computation and metadat's recipe; midas v2 uses the corrected counts — pass
 * `essFrom: 'corrected'` for midas compatibility).
 *
 * Reference: Deeks JJ, Macaskill P, Irwig L (2005). The performance of tests of publication bias and
 * other sample size effects in systematic reviews of diagnostic test accuracy was assessed.
 * J Clin Epidemiol 58:882–893. doi:10.1016/j.jclinepi.2005.01.016
 *
 * Edge cases: studies with an empty arm (ESS = 0) and, with policy 'none', studies with a zero cell
 * are excluded (`study_excluded`); fewer than 3 usable studies throws. Identical effective sample
 * sizes (spread of 1/√ESS ≤ 1e-9 relative) or zero residual variance (residual SE ≤ 1e-9 relative to
 * the spread of ln DOR, or ln DOR constant) make the test not estimable: `notEstimable` says why,
 * the statistics are NaN and the note `deeks_not_estimable` is raised (rounding noise would otherwise
 * give p < 0.001 for identical tables).
 * Output also holds the funnel-plot points and the fitted line (for the figure; no recomputation).
 */
import type { Counts, StatsNote } from './types.ts';
import { applyContinuityCorrection, type CorrectionPolicy } from './continuity.ts';
import { weightedLeastSquares } from './linear-model.ts';
import { NotEstimableError } from './errors.ts';

export interface DeeksOptions {
  correction?: CorrectionPolicy;
  correctionValue?: number;
  essFrom?: 'uncorrected' | 'corrected';
}

export interface DeeksPoint {
  /** input index of the study */
  study: number;
  lnDor: number;
  dor: number;
  ess: number;
  invSqrtEss: number;
}

export interface DeeksResult {
  method: 'deeks-funnel-asymmetry-test';
  correction: { policy: CorrectionPolicy; value: number; correctedStudies: number[] };
  essFrom: 'uncorrected' | 'corrected';
  k: number;
  df: number;
  intercept: number;
  interceptSe: number;
  /** "bias" coefficient on 1/sqrt(ESS) */
  slope: number;
  slopeSe: number;
  slopeT: number;
  slopeP: number;
  /** residual standard error (R lm convention, weights = ESS) */
  sigma: number;
  /**
   * null when the test is estimable; otherwise why not: every table has the same effective sample
   * size (the regressor is constant, so no slope), or the points lie exactly on a line (zero residual
   * variance, so no standard error). Slope, SE, t and p are then NaN, never a confident p-value.
   */
  notEstimable: 'identical-ess' | 'zero-residual-variance' | null;
  points: DeeksPoint[];
  /** fitted line at the smallest and largest observed 1/sqrt(ESS) */
  line: { invSqrtEss: number; lnDor: number; dor: number }[];
  notes: StatsNote[];
}

/** Deeks' test; see the module comment for the policy options. */
export function deeksFunnelTest(counts: readonly Counts[], options: DeeksOptions = {}): DeeksResult {
  const policy = options.correction ?? 'single';
  const essFrom = options.essFrom ?? 'uncorrected';
  const corr = applyContinuityCorrection(counts, { policy, value: options.correctionValue ?? 0.5 });
  const notes: StatsNote[] = [];
  const points: DeeksPoint[] = [];
  corr.counts.forEach((c, i) => {
    const raw = counts[i]!;
    const src = essFrom === 'uncorrected' ? raw : c;
    const n1 = src.tp + src.fn;
    const n0 = src.tn + src.fp;
    if (raw.tp + raw.fn === 0 || raw.tn + raw.fp === 0) {
      notes.push({ code: 'study_excluded', detail: { study: i, reason: 'empty_arm' } });
      return;
    }
    const lnDor = Math.log((c.tp * c.tn) / (c.fp * c.fn));
    if (!Number.isFinite(lnDor)) {
      notes.push({ code: 'study_excluded', detail: { study: i, reason: 'zero_cell_uncorrected' } });
      return;
    }
    const ess = (4 * n1 * n0) / (n1 + n0);
    points.push({ study: i, lnDor, dor: Math.exp(lnDor), ess, invSqrtEss: 1 / Math.sqrt(ess) });
  });
  const k = points.length;
  if (k < 3) throw new NotEstimableError(`Deeks' test needs at least 3 usable studies, got ${k}`);
  const xs0 = points.map((p) => p.invSqrtEss);
  const ys0 = points.map((p) => p.lnDor);
  const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
  if (!(spread(xs0) > 1e-9 * Math.max(...xs0.map(Math.abs)))) {
    return notEstimable('identical-ess', { policy, value: corr.value, correctedStudies: corr.corrected.flatMap((c, i) => (c ? [i] : [])) }, essFrom, points, notes);
  }
  const fit = weightedLeastSquares(
    points.map((p) => [1, p.invSqrtEss]),
    points.map((p) => p.lnDor),
    points.map((p) => p.ess),
  );
  const xs = points.map((p) => p.invSqrtEss);
  if (!(fit.sigma > 1e-9 * Math.max(spread(ys0), 1e-300))) {
    return notEstimable('zero-residual-variance', { policy, value: corr.value, correctedStudies: corr.corrected.flatMap((c, i) => (c ? [i] : [])) }, essFrom, points, notes);
  }
  const line = [Math.min(...xs), Math.max(...xs)].map((x) => {
    const y = fit.coefficients[0]! + fit.coefficients[1]! * x;
    return { invSqrtEss: x, lnDor: y, dor: Math.exp(y) };
  });
  return {
    method: 'deeks-funnel-asymmetry-test',
    correction: { policy, value: corr.value, correctedStudies: corr.corrected.flatMap((c, i) => (c ? [i] : [])) },
    essFrom,
    k,
    df: fit.df,
    intercept: fit.coefficients[0]!,
    interceptSe: fit.se[0]!,
    slope: fit.coefficients[1]!,
    slopeSe: fit.se[1]!,
    slopeT: fit.t[1]!,
    slopeP: fit.pValues[1]!,
    sigma: fit.sigma,
    notEstimable: null,
    points,
    line,
    notes,
  };
}

function notEstimable(reason: 'identical-ess' | 'zero-residual-variance', correction: DeeksResult['correction'], essFrom: DeeksResult['essFrom'], points: DeeksPoint[], notes: StatsNote[]): DeeksResult {
  return {
    method: 'deeks-funnel-asymmetry-test',
    correction,
    essFrom,
    k: points.length,
    df: points.length - 2,
    intercept: Number.NaN,
    interceptSe: Number.NaN,
    slope: Number.NaN,
    slopeSe: Number.NaN,
    slopeT: Number.NaN,
    slopeP: Number.NaN,
    sigma: Number.NaN,
    notEstimable: reason,
    points,
    line: [],
    notes: [...notes, { code: 'deeks_not_estimable', detail: { reason } }],
  };
}
