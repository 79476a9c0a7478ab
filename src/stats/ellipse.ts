/**
 * Confidence and prediction regions for the summary point, as polygons in ROC space.
 *
 * In (A, B) = (logit sens, logit spec) space the region is {x : (x − μ)' C⁻¹ (x − μ) ≤ c²} with
 *   confidence: C = V (covariance of μ̂)
 *   prediction: C = Ψ + V (between-study covariance plus V; metandi, mada `plot(predict=TRUE)`,
 *               MetaDTA and Meta-DiSc 2.0)
 * and critical value c selectable:
 *   'F'    c = sqrt(2·F⁻¹(level; 2, k − 2))   (metandi, midas, MetaDTA, Meta-DiSc 2.0; needs k ≥ 3)
 *   'chi2' c = sqrt(χ²⁻¹(level; 2))           (mada / R `ellipse`; 2.4477 at 95%)
 * Boundary (metandi parametrisation): with SEs s_A, s_B and correlation r = C_AB/(s_A·s_B),
 *   B(t) = μB + s_B·c·cos t,  A(t) = μA + s_A·c·cos(t + acos r),  t ∈ [0, 2π];
 * mapped to ROC space as sens = expit(A), spec = expit(B), fpr = 1 − spec. The polygon is closed
 * (last point = first point).
 *
 * midas v2.00 prediction region (quirk Q2, METHODS (i)): midas multiplies the LOG standard deviations,
 * σ_AB,midas = ρ·ln σ_B·ln σ_A, instead of ρ·σ_A·σ_B. `midasCompatPredictionCovariance` reproduces that
 * covariance for compatibility only; `predictionRegion` is the correct region.
 *
 * References: Harbord RM, Whiting P (2009). Stata J 9:211–229. doi:10.1177/1536867X0900900203
 * Reitsma JB et al. (2005). J Clin Epidemiol 58:982–990. doi:10.1016/j.jclinepi.2005.02.022
 *
 * Edge cases: C must be symmetric positive semi-definite; a zero variance collapses the region to a
 * segment (points still satisfy the boundary equation in the non-degenerate direction) and raises
 * `region_degenerate`; 'F' with k < 3 throws.
 */
import type { Matrix2, StatsNote } from './types.ts';
import { chiSquareQuantile, expit, fQuantile } from './distributions.ts';
import { checkCovariance2 } from './summary-measures.ts';
import { NotEstimableError } from './errors.ts';

export type CriticalValueKind = 'F' | 'chi2';

export interface CriticalValueOptions {
  /** 'F' (default; metandi/midas) or 'chi2' (mada) */
  critical?: CriticalValueKind;
  level?: number;
  /** number of studies; required for 'F' */
  k?: number;
}

/** Radius c of the region (see module comment). */
export function ellipseCriticalValue(options: CriticalValueOptions = {}): number {
  const kind = options.critical ?? 'F';
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (kind === 'chi2') return Math.sqrt(chiSquareQuantile(level, 2));
  const k = options.k;
  if (k === undefined || !Number.isInteger(k) || k < 3) throw new NotEstimableError(`the F critical value needs the number of studies k >= 3, got ${k}`);
  return Math.sqrt(2 * fQuantile(level, 2, k - 2));
}

export interface RegionPoint {
  logitSens: number;
  logitSpec: number;
  sens: number;
  spec: number;
  fpr: number;
}

export interface RegionResult {
  method: 'confidence-region' | 'prediction-region' | 'prediction-region-midas-compat';
  critical: CriticalValueKind;
  level: number;
  radius: number;
  center: [number, number];
  covariance: Matrix2;
  points: RegionPoint[];
  notes: StatsNote[];
}

/** Boundary points of {x : (x − center)' C⁻¹ (x − center) = radius²}, closed polygon. */
export function ellipseBoundary(center: [number, number], covariance: Matrix2, radius: number, npoints = 361): { points: RegionPoint[]; degenerate: boolean } {
  if (!Number.isInteger(npoints) || npoints < 4) throw new RangeError('npoints must be an integer >= 4');
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new RangeError('radius must be finite and >= 0');
  const c = checkCovariance2(covariance, 'covariance');
  const sA = Math.sqrt(c[0][0]);
  const sB = Math.sqrt(c[1][1]);
  const degenerate = !(sA > 0 && sB > 0) || Math.abs(c[0][1]) >= sA * sB * (1 - 1e-14);
  if (Math.abs(c[0][1]) > sA * sB * (1 + 1e-10)) throw new NotEstimableError('covariance must be positive semi-definite');
  const r = sA > 0 && sB > 0 ? Math.max(-1, Math.min(1, c[0][1] / (sA * sB))) : 0;
  const d = Math.acos(r);
  const points: RegionPoint[] = [];
  for (let j = 0; j < npoints; j++) {
    const t = (2 * Math.PI * j) / (npoints - 1);
    const b = center[1] + sB * radius * Math.cos(t);
    const a = center[0] + sA * radius * Math.cos(t + d);
    const spec = expit(b);
    points.push({ logitSens: a, logitSpec: b, sens: expit(a), spec, fpr: expit(-b) });
  }
  points[npoints - 1] = { ...points[0]! };
  return { points, degenerate };
}

function region(
  method: RegionResult['method'],
  mu: { sens: number; spec: number },
  cov: Matrix2,
  options: CriticalValueOptions & { npoints?: number },
): RegionResult {
  if (!Number.isFinite(mu.sens) || !Number.isFinite(mu.spec)) throw new NotEstimableError('mu must be finite');
  const radius = ellipseCriticalValue(options);
  const center: [number, number] = [mu.sens, mu.spec];
  if (cov.flat().some(Number.isNaN)) {
    // no covariance (singular information matrix): no region, with a note instead of a throw
    return { method, critical: options.critical ?? 'F', level: options.level ?? 0.95, radius, center, covariance: cov, points: [], notes: [{ code: 'region_not_estimable' }] };
  }
  const { points, degenerate } = ellipseBoundary(center, cov, radius, options.npoints ?? 361);
  return {
    method,
    critical: options.critical ?? 'F',
    level: options.level ?? 0.95,
    radius,
    center,
    covariance: checkCovariance2(cov),
    points,
    notes: degenerate ? [{ code: 'region_degenerate' }] : [],
  };
}

/** Confidence region for the summary point (C = vcov of the pooled logits). */
export function confidenceRegion(mu: { sens: number; spec: number }, vcov: Matrix2, options: CriticalValueOptions & { npoints?: number } = {}): RegionResult {
  return region('confidence-region', mu, vcov, options);
}

/** Prediction region for a new study (C = Ψ + vcov). */
export function predictionRegion(
  mu: { sens: number; spec: number },
  vcov: Matrix2,
  psi: Matrix2,
  options: CriticalValueOptions & { npoints?: number } = {},
): RegionResult {
  if ([...vcov.flat(), ...psi.flat()].some(Number.isNaN)) return region('prediction-region', mu, [[Number.NaN, Number.NaN], [Number.NaN, Number.NaN]], options);
  const v = checkCovariance2(vcov);
  const p = checkCovariance2(psi, 'psi');
  const c: Matrix2 = [
    [p[0][0] + v[0][0], p[0][1] + v[0][1]],
    [p[1][0] + v[1][0], p[1][1] + v[1][1]],
  ];
  return region('prediction-region', mu, c, options);
}

/**
 * midas v2.00's (incorrect) prediction covariance: variances σ² + SE², covariance
 * ρ·ln σ_A·ln σ_B + V_AB (METHODS (i), quirk Q2). For reproducing midas figures only.
 */
export function midasCompatPredictionCovariance(tau2: { sens: number; spec: number }, rho: number, vcov: Matrix2): Matrix2 {
  if (!(tau2.sens > 0 && tau2.spec > 0)) throw new NotEstimableError('midas prediction covariance needs tau2 > 0 (it takes log SDs)');
  if (!(rho >= -1 && rho <= 1)) throw new NotEstimableError('rho must be in [-1, 1]');
  const v = checkCovariance2(vcov);
  const cov = rho * Math.log(Math.sqrt(tau2.sens)) * Math.log(Math.sqrt(tau2.spec)) + v[0][1];
  return [
    [tau2.sens + v[0][0], cov],
    [cov, tau2.spec + v[1][1]],
  ];
}

/**
 * midas-compatible prediction region (quirk Q2): the midas covariance above, F critical value.
 * Its covariance can exceed the Cauchy–Schwarz bound, in which case midas's acos fails; here that
 * throws a RangeError.
 */
export function midasCompatPredictionRegion(
  mu: { sens: number; spec: number },
  vcov: Matrix2,
  tau2: { sens: number; spec: number },
  rho: number,
  options: { level?: number; k: number; npoints?: number },
): RegionResult {
  const c = midasCompatPredictionCovariance(tau2, rho, vcov);
  return region('prediction-region-midas-compat', mu, c, { ...options, critical: 'F' });
}
