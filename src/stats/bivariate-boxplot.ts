/**
 * Bivariate boxplot of (logit specificity, logit sensitivity) exactly as midas v2.00 `bvbox`
 * (METHODS (f)): a Goldberg–Iglewicz-style robust elliptic plot with a smoothed radius.
 *
 * With y = logit Se_c, x = logit Sp_c (0.5 added to all cells of studies with a zero cell), medians
 * m(·) (mean of the two middle order statistics) and MAD(v) = m(|v − m(v)|) (unscaled):
 *   s_y = (y − m(y))/MAD(y),  s_x = (x − m(x))/MAD(x)
 *   d = (s_y − s_x)/MAD(s_y − s_x),  s = (s_y + s_x)/MAD(s_y + s_x)
 *   r = (s² + d²)^(1/3),  θ = atan2(d, s);  OLS  r ~ 1 + sin θ + cos θ  → fitted r̂(θ_i)
 *   hinge radius R = r̂^(3/2), fence radius 1.58·r̂^(3/2)
 *   back-transform: d' = MAD(s_y − s_x)·R·sin θ,  s' = MAD(s_y + s_x)·R·cos θ,
 *                   x = m(x) + MAD(x)·(s' − d')/2,  y = m(y) + MAD(y)·(s' + d')/2
 * Curves are traced through the data angles sorted by θ and closed (first point repeated).
 * midas only draws the plot; here a study is flagged outside the hinge/fence when its own
 * standardised radius sqrt(s² + d²) exceeds R resp. 1.58·R at its angle (the ray test, which is what
 * the drawn curve shows at the data angles). midas's overlaid robust regression lines (`rreg`) are not
 * reproduced.
 *
 * Reference: Goldberg KM, Iglewicz B (1992). Bivariate extensions of the boxplot. Technometrics
 * 34:307–320. doi:10.1080/00401706.1992.10485280
 *
 * Edge cases: fewer than 4 studies throws (the radius regression has 3 coefficients); a zero MAD
 * (half or more of the values identical) makes the standardisation undefined — the result has empty
 * curves and the note `bvbox_zero_mad`; a negative fitted radius (possible with very few, odd points)
 * leaves that curve point out (`bvbox_negative_radius`). Studies with an empty arm are excluded.
 */
import type { Counts, StatsNote } from './types.ts';
import { applyContinuityCorrection, type CorrectionPolicy } from './continuity.ts';
import { weightedLeastSquares } from './linear-model.ts';
import { expit } from './distributions.ts';
import { NotEstimableError } from './errors.ts';

export interface BoxplotPoint {
  logitSens: number;
  logitSpec: number;
  sens: number;
  spec: number;
  fpr: number;
}

export interface BoxplotStudy {
  /** input index */
  study: number;
  logitSens: number;
  logitSpec: number;
  theta: number;
  /** standardised radius sqrt(s² + d²) */
  radius: number;
  hingeRadius: number;
  fenceRadius: number;
  outsideHinge: boolean;
  outsideFence: boolean;
}

export interface BivariateBoxplotResult {
  method: 'midas-bivariate-boxplot';
  correction: { policy: CorrectionPolicy; value: number };
  fenceFactor: number;
  centre: { logitSens: number; logitSpec: number };
  studies: BoxplotStudy[];
  /** closed curves ordered by θ */
  hinge: BoxplotPoint[];
  fence: BoxplotPoint[];
  notes: StatsNote[];
}

/** Median as the mean of the two middle order statistics. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return (s[Math.ceil(n / 2) - 1]! + s[Math.floor((n + 2) / 2) - 1]!) / 2;
}

/** Unscaled median absolute deviation around the median. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

function point(logitSens: number, logitSpec: number): BoxplotPoint {
  return { logitSens, logitSpec, sens: expit(logitSens), spec: expit(logitSpec), fpr: expit(-logitSpec) };
}

/**
 * midas `bvbox` on given coordinates (y = logit sens, x = logit spec); `index` labels the studies.
 */
export function bivariateBoxplotXY(
  y: readonly number[],
  x: readonly number[],
  index: readonly number[] = y.map((_, i) => i),
  fenceFactor = 1.58,
): Omit<BivariateBoxplotResult, 'correction'> {
  const n = y.length;
  if (x.length !== n || index.length !== n) throw new RangeError('x, y and index must have the same length');
  if (n < 4) throw new NotEstimableError(`the bivariate boxplot needs at least 4 studies, got ${n}`);
  if (![...x, ...y].every(Number.isFinite)) throw new NotEstimableError('coordinates must be finite');
  const ymed = median(y);
  const xmed = median(x);
  const ymad = mad(y);
  const xmad = mad(x);
  const empty = (code: string): Omit<BivariateBoxplotResult, 'correction'> => ({
    method: 'midas-bivariate-boxplot',
    fenceFactor,
    centre: { logitSens: ymed, logitSpec: xmed },
    studies: [],
    hinge: [],
    fence: [],
    notes: [{ code }],
  });
  if (!(ymad > 0 && xmad > 0)) return empty('bvbox_zero_mad');
  const sy = y.map((v) => (v - ymed) / ymad);
  const sx = x.map((v) => (v - xmed) / xmad);
  const diffRaw = sy.map((v, i) => v - sx[i]!);
  const sumRaw = sy.map((v, i) => v + sx[i]!);
  const dmad = mad(diffRaw);
  const smad = mad(sumRaw);
  if (!(dmad > 0 && smad > 0)) return empty('bvbox_zero_mad');
  const d = diffRaw.map((v) => v / dmad);
  const s = sumRaw.map((v) => v / smad);
  const r = d.map((v, i) => (s[i]! * s[i]! + v * v) ** (1 / 3));
  const theta = d.map((v, i) => Math.atan2(v, s[i]!));
  const fit = weightedLeastSquares(
    theta.map((t) => [1, Math.sin(t), Math.cos(t)]),
    r,
  );
  const notes: StatsNote[] = [];
  const studies: BoxplotStudy[] = theta.map((t, i) => {
    const sm = fit.fitted[i]!;
    const hingeRadius = sm > 0 ? sm ** 1.5 : Number.NaN;
    const radius = Math.sqrt(s[i]! * s[i]! + d[i]! * d[i]!);
    return {
      study: index[i]!,
      logitSens: y[i]!,
      logitSpec: x[i]!,
      theta: t,
      radius,
      hingeRadius,
      fenceRadius: fenceFactor * hingeRadius,
      outsideHinge: radius > hingeRadius,
      outsideFence: radius > fenceFactor * hingeRadius,
    };
  });
  if (studies.some((st) => !Number.isFinite(st.hingeRadius))) notes.push({ code: 'bvbox_negative_radius' });
  const order = studies.map((_, i) => i).sort((a, b) => theta[a]! - theta[b]!);
  const curve = (factor: number): BoxplotPoint[] => {
    const pts: BoxplotPoint[] = [];
    for (const i of order) {
      const R = factor * studies[i]!.hingeRadius;
      if (!Number.isFinite(R)) continue;
      const dp = dmad * R * Math.sin(theta[i]!);
      const sp = smad * R * Math.cos(theta[i]!);
      pts.push(point(ymed + (ymad * (sp + dp)) / 2, xmed + (xmad * (sp - dp)) / 2));
    }
    if (pts.length > 0) pts.push({ ...pts[0]! });
    return pts;
  };
  return {
    method: 'midas-bivariate-boxplot',
    fenceFactor,
    centre: { logitSens: ymed, logitSpec: xmed },
    studies,
    hinge: curve(1),
    fence: curve(fenceFactor),
    notes,
  };
}

/** midas `bvbox` from 2x2 counts (corrected logits; default 0.5 to studies with a zero cell). */
export function bivariateBoxplot(
  counts: readonly Counts[],
  options: { correction?: CorrectionPolicy; correctionValue?: number; fenceFactor?: number } = {},
): BivariateBoxplotResult {
  const policy = options.correction ?? 'single';
  const corr = applyContinuityCorrection(counts, { policy, value: options.correctionValue ?? 0.5 });
  const notes: StatsNote[] = [];
  const y: number[] = [];
  const x: number[] = [];
  const index: number[] = [];
  corr.counts.forEach((c, i) => {
    const raw = counts[i]!;
    const ly = Math.log(c.tp / c.fn);
    const lx = Math.log(c.tn / c.fp);
    if (raw.tp + raw.fn === 0 || raw.tn + raw.fp === 0 || !Number.isFinite(ly) || !Number.isFinite(lx)) {
      notes.push({ code: 'study_excluded', detail: { study: i, reason: raw.tp + raw.fn === 0 || raw.tn + raw.fp === 0 ? 'empty_arm' : 'zero_cell_uncorrected' } });
      return;
    }
    y.push(ly);
    x.push(lx);
    index.push(i);
  });
  const r = bivariateBoxplotXY(y, x, index, options.fenceFactor ?? 1.58);
  return { ...r, correction: { policy, value: corr.value }, notes: [...notes, ...r.notes] };
}
