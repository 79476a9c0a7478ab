/**
 * Summary ROC curve implied by the bivariate parameters (Rutter–Gatsonis / HSROC form) and its
 * area under the curve, with the rules of the reference programs and two honest intervals.
 *
 * Curve (ρ does not enter; Harbord et al. 2007):
 *   logit Se(fpr) = μ_se + (τ_se/τ_sp)·(logit fpr + μ_sp) = a + b·logit fpr,
 *   a = μ_se + b·μ_sp,  b = τ_se/τ_sp.
 *
 * AUC rules:
 *  - `aucExact`: ∫₀¹ Se(fpr) dfpr. With t = logit fpr it is ∫ expit(a + b·t)·g(t) dt, g the logistic
 *    density; evaluated by the trapezoid rule on t ∈ [−50, 50], step 0.05 (exponentially convergent
 *    for this analytic, fast-decaying integrand; error < 1e-12). For b > 1 the mirrored identity
 *    AUC = 1 − ∫₀¹ fpr(Se) dSe (slope 1/b) is used so the integrand never has a steep step.
 *    If τ²_se or τ²_sp is exactly 0 the curve (like the HSROC shape β) is undefined: results are
 *    null with the note `sroc_undefined_zero_variance` (the reference programs do the same); when
 *    both are below SROC_SHAPE_TAU2_MIN the shape is not identified: null, `sroc_shape_not_identified`.
 *  - `aucMadaGrid`: mada `AUC.reitsma` — (s₁/2 + s₂ + … + s₉₈ + s₉₉/2)/99 on fpr = 0.01…0.99.
 *  - `paucMadaGrid`: same rule on 99 points over the observed FPR range clamped to [0.01, 0.99]
 *    (mada's "partial AUC, normalised").
 *  - `midasAuc`: midas v2 — trapezoid over 500 equally spaced specificities on [0, 1] of the curve
 *    with variances floored at 0.001, plus midas's "95% CI", a Wilson score interval for a
 *    proportion with N = 500 (the number of grid points). That interval does not depend on the data;
 *    it is reproduced only for compatibility (METHODS (c), quirk Q1) and is NOT a confidence interval.
 *
 * Real intervals for the AUC (the AUC depends on μ_se, μ_sp, τ_se, τ_sp):
 *  - `aucDeltaMethodCi`: delta method with a supplied 4x4 covariance of (μ_se, μ_sp, x_se, x_sp),
 *    x = τ², τ or ln τ; central-difference gradient of `aucExact`; the interval is formed on the
 *    logit scale and back-transformed (stays inside (0, 1)).
 *  - `aucParametricBootstrap`: simulate k new studies of the observed sizes from the fitted model,
 *    refit with a caller-supplied function (any engine), percentile interval; seeded (random.ts).
 *    Noma H, Matsushima Y, Ishii R (2021). Confidence interval for the AUC of SROC curves and its
 *    application to the meta-analysis of diagnostic studies. Jpn J Stat Data Sci 4:1–16.
 *    doi:10.1007/s42081-020-00094-6
 *  Which to use: the delta method when the engine supplies the parameter covariance (Reitsma:
 *  `reitsmaAucCovariance(fit)` with scale 'tau2'; GLMM: the (μ, ln τ) block with scale 'logSd') and
 *  the variances are away from 0; the bootstrap otherwise (boundary fits) or when requested. The
 *  delta interval is first-order and can be too narrow for small k; the bootstrap costs B refits.
 *
 * References: Rutter CM, Gatsonis CA (2001). A hierarchical regression approach to meta-analysis of
 * diagnostic test accuracy evaluations. Stat Med 20:2865–2884. doi:10.1002/sim.942
 * Harbord RM et al. (2007). Biostatistics 8:239–251. doi:10.1093/biostatistics/kxl004
 */
import type { Counts, StatsNote } from './types.ts';
import { type BivariateParameters, checkBivariateParameters } from './bivariate-parameters.ts';
import { expit, logit, normalCritical } from './distributions.ts';
import { createRng } from './random.ts';
import { NotEstimableError } from './errors.ts';

export interface SrocPoint {
  fpr: number;
  sens: number;
}

export interface SrocCurveResult {
  method: 'sroc-rutter-gatsonis';
  /** logit Se = intercept + slope·logit fpr; null when the curve is undefined */
  intercept: number | null;
  slope: number | null;
  points: SrocPoint[];
  notes: StatsNote[];
}

interface Line {
  a: number;
  b: number;
}

/**
 * Below this, both between-study variances are treated as 0 for the curve: its slope τ_se/τ_sp (the
 * HSROC shape β) is then a ratio of two estimates at their boundary and not identified by the data
 * (identical tables give slopes anywhere from 0.5 to 2 depending on rounding and quadrature), so no
 * curve and no AUC are reported (note `sroc_shape_not_identified`). τ < 0.01 on the logit scale.
 */
export const SROC_SHAPE_TAU2_MIN = 1e-4;

/** True when the SROC shape is not identified: a τ² is 0, or both are below SROC_SHAPE_TAU2_MIN. */
export function srocShapeUndefined(p: BivariateParameters): boolean {
  return p.tau2.sens === 0 || p.tau2.spec === 0 || (p.tau2.sens < SROC_SHAPE_TAU2_MIN && p.tau2.spec < SROC_SHAPE_TAU2_MIN);
}

/** Intercept and slope on the logit scale, or null when the shape is not identified (srocShapeUndefined). */
function srocLine(p: BivariateParameters): Line | null {
  checkBivariateParameters(p);
  const tSe = Math.sqrt(p.tau2.sens);
  const tSp = Math.sqrt(p.tau2.spec);
  if (srocShapeUndefined(p)) return null;
  const b = tSe / tSp;
  return { a: p.mu.sens + b * p.mu.spec, b };
}

function undefinedNote(p: BivariateParameters): StatsNote {
  if (p.tau2.sens > 0 && p.tau2.spec > 0) return { code: 'sroc_shape_not_identified', detail: { tau2Sens: p.tau2.sens, tau2Spec: p.tau2.spec, threshold: SROC_SHAPE_TAU2_MIN } };
  return { code: 'sroc_undefined_zero_variance', detail: { tau2Sens: p.tau2.sens, tau2Spec: p.tau2.spec } };
}

/** Sensitivity of the SROC curve at each FPR, or null when the curve is undefined (a τ² is 0). */
export function srocSensAtFpr(p: BivariateParameters, fpr: readonly number[]): number[] | null {
  const line = srocLine(p);
  if (!line) return null;
  return fpr.map((f) => {
    if (!(f >= 0 && f <= 1)) throw new RangeError(`fpr must be in [0, 1], got ${f}`);
    if (f === 0) return 0;
    if (f === 1) return 1;
    return expit(line.a + line.b * logit(f));
  });
}

/**
 * SROC curve as points: `npoints` equally spaced FPR values over `range` (default the full (0, 1),
 * endpoints included as the curve's limits).
 */
export function srocCurve(p: BivariateParameters, options: { npoints?: number; range?: [number, number] } = {}): SrocCurveResult {
  const npoints = options.npoints ?? 101;
  const [lo, hi] = options.range ?? [0, 1];
  if (!Number.isInteger(npoints) || npoints < 2) throw new RangeError('npoints must be an integer >= 2');
  if (!(lo >= 0 && hi <= 1 && lo < hi)) throw new RangeError('range must satisfy 0 <= lo < hi <= 1');
  const line = srocLine(p);
  if (!line) {
    return { method: 'sroc-rutter-gatsonis', intercept: null, slope: null, points: [], notes: [undefinedNote(p)] };
  }
  const fpr = Array.from({ length: npoints }, (_, j) => lo + ((hi - lo) * j) / (npoints - 1));
  const sens = srocSensAtFpr(p, fpr)!;
  return { method: 'sroc-rutter-gatsonis', intercept: line.a, slope: line.b, points: fpr.map((f, j) => ({ fpr: f, sens: sens[j]! })), notes: [] };
}

const LOGISTIC_STEP = 0.05;
const LOGISTIC_NODES = 2000;
let logisticDensity: Float64Array | undefined;

/** ∫ expit(a + b·t)·g(t) dt, g = logistic density, for 0 ≤ b ≤ 1 (trapezoid, see module comment). */
function logisticIntegral(a: number, b: number): number {
  const h = LOGISTIC_STEP;
  const n = LOGISTIC_NODES;
  // g(t_j) does not depend on a and b: computed once (the same expression, so the same values)
  if (!logisticDensity) {
    logisticDensity = new Float64Array(n + 1);
    for (let j = 0; j <= n; j++) {
      const t = -50 + j * h;
      logisticDensity[j] = expit(t) * expit(-t);
    }
  }
  const density = logisticDensity;
  let s = 0;
  for (let j = 0; j <= n; j++) {
    const t = -50 + j * h;
    s += (j === 0 || j === n ? 0.5 : 1) * expit(a + b * t) * (density[j] as number);
  }
  return s * h;
}

export interface AucResult {
  method: string;
  /** null when the SROC curve is undefined (both τ² = 0) */
  auc: number | null;
  notes: StatsNote[];
}

/** Exact area under the SROC curve over fpr ∈ (0, 1) (numerical integral, error < 1e-12). */
export function aucExact(p: BivariateParameters): AucResult {
  const line = srocLine(p);
  const method = 'sroc-auc-exact-integral';
  if (!line) return { method, auc: null, notes: [undefinedNote(p)] };
  if (line.b <= 1) return { method, auc: logisticIntegral(line.a, line.b), notes: [] };
  // mirror: fpr(Se) = expit((logit Se − a)/b)
  return { method, auc: 1 - logisticIntegral(-line.a / line.b, 1 / line.b), notes: [] };
}

function madaRule(p: BivariateParameters, fpr: number[]): number | null {
  const s = srocSensAtFpr(p, fpr);
  if (!s) return null;
  const n = s.length;
  let sum = s[0]! / 2 + s[n - 1]! / 2;
  for (let j = 1; j < n - 1; j++) sum += s[j]!;
  return sum / n;
}

/** mada's AUC rule on fpr = 0.01, …, 0.99 (sum/99). */
export function aucMadaGrid(p: BivariateParameters): AucResult {
  const fpr = Array.from({ length: 99 }, (_, j) => (j + 1) / 100);
  const auc = madaRule(p, fpr);
  return { method: 'sroc-auc-mada-grid', auc, notes: auc === null ? [undefinedNote(p)] : [] };
}

/** Range of the observed (raw) false-positive rates FP/(FP+TN); studies with FP+TN = 0 are skipped. */
export function observedFprRange(counts: readonly Counts[]): [number, number] {
  const f = counts.filter((c) => c.fp + c.tn > 0).map((c) => c.fp / (c.fp + c.tn));
  if (f.length === 0) throw new NotEstimableError('no study has non-diseased participants');
  return [Math.min(...f), Math.max(...f)];
}

/** mada's partial AUC: its rule on 99 points over the observed FPR range clamped to [0.01, 0.99]. */
export function paucMadaGrid(p: BivariateParameters, fprRange: [number, number]): AucResult & { fprRange: [number, number] } {
  const lo = Math.max(0.01, fprRange[0]);
  const hi = Math.min(0.99, fprRange[1]);
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new RangeError('FPR range must be numbers');
  // every study at FPR 0 (or every one at 1): no observed range to integrate over
  if (lo > hi) return { method: 'sroc-pauc-mada-grid', auc: null, notes: [{ code: 'pauc-empty-fpr-range', detail: { lo: fprRange[0], hi: fprRange[1] } }], fprRange: [fprRange[0], fprRange[1]] };
  const fpr = Array.from({ length: 99 }, (_, j) => lo + ((hi - lo) * j) / 98);
  const auc = madaRule(p, fpr);
  return { method: 'sroc-pauc-mada-grid', auc, notes: auc === null ? [undefinedNote(p)] : [], fprRange: [lo, hi] };
}

export interface MidasAucResult {
  method: 'midas-compatible-auc';
  auc: number;
  /** midas's "CI": Wilson interval with N = npoints — not a confidence interval for the AUC */
  wilsonLo: number;
  wilsonHi: number;
  npoints: number;
  notes: StatsNote[];
}

/**
 * midas v2.00 AUC: trapezoid over 500 specificity points, variances floored at 0.001, and its
 * Wilson "CI" with N = 500 (z fixed at the 95% value, as midas). Compatibility output only.
 */
export function midasAuc(p: BivariateParameters): MidasAucResult {
  checkBivariateParameters(p);
  const npoints = 500;
  const mbeta = (Math.max(0.001, p.tau2.spec) / Math.max(0.001, p.tau2.sens)) ** 0.25;
  const malpha = p.mu.sens * mbeta + p.mu.spec / mbeta;
  const y = (x: number): number => {
    if (x <= 0) return 1;
    if (x >= 1) return 0;
    return expit((-logit(x) / mbeta + malpha) / mbeta);
  };
  let auc = 0;
  let xPrev = 0;
  let yPrev = y(0);
  for (let j = 1; j < npoints; j++) {
    const x = j / (npoints - 1);
    const yj = y(x);
    auc += ((x - xPrev) * (yPrev + yj)) / 2;
    xPrev = x;
    yPrev = yj;
  }
  const z = normalCritical(0.95);
  const c = z * z;
  const N = npoints;
  const centre = auc + c / (2 * N);
  const half = z * Math.sqrt((auc * (1 - auc) + c / (4 * N)) / N);
  return {
    method: 'midas-compatible-auc',
    auc,
    wilsonLo: Math.min(1, (centre - half) / (1 + c / N)),
    wilsonHi: Math.max(0, (centre + half) / (1 + c / N)),
    npoints,
    notes: [{ code: 'midas_auc_ci_not_a_confidence_interval' }],
  };
}

export type VarianceScale = 'tau2' | 'sd' | 'logSd';

export interface AucIntervalResult {
  method: string;
  level: number;
  auc: number | null;
  lo: number | null;
  hi: number | null;
  /** standard error of the AUC (delta method) or SD of the bootstrap AUCs */
  se: number | null;
  notes: StatsNote[];
}

/**
 * Delta-method confidence interval for the exact SROC AUC.
 * `cov` is the 4x4 covariance of (μ_se, μ_sp, x_se, x_sp) where x is τ², τ or ln τ per `scale`.
 */
export function aucDeltaMethodCi(
  p: BivariateParameters,
  cov: readonly (readonly number[])[],
  options: { scale?: VarianceScale; level?: number } = {},
): AucIntervalResult & { gradient: number[] | null } {
  const scale = options.scale ?? 'tau2';
  const level = options.level ?? 0.95;
  const method = `sroc-auc-delta-method-logit-scale (${scale})`;
  if (cov.length !== 4 || cov.some((r) => r.length !== 4 || !r.every(Number.isFinite))) throw new RangeError('cov must be a finite 4x4 matrix');
  const base = aucExact(p).auc;
  const fail = (code: string): AucIntervalResult & { gradient: null } => ({ method, level, auc: base, lo: null, hi: null, se: null, notes: [{ code }], gradient: null });
  if (base === null || p.tau2.sens <= 0 || p.tau2.spec <= 0) return fail('auc_ci_not_estimable_zero_variance');
  const toX = (t2: number): number => (scale === 'tau2' ? t2 : scale === 'sd' ? Math.sqrt(t2) : 0.5 * Math.log(t2));
  const fromX = (x: number): number => (scale === 'tau2' ? x : scale === 'sd' ? x * x : Math.exp(2 * x));
  const theta = [p.mu.sens, p.mu.spec, toX(p.tau2.sens), toX(p.tau2.spec)];
  const f = (th: number[]): number => {
    const t2se = fromX(th[2]!);
    const t2sp = fromX(th[3]!);
    const r = Math.sqrt(p.tau2.sens * p.tau2.spec) > 0 ? p.covRe / Math.sqrt(p.tau2.sens * p.tau2.spec) : 0;
    const auc = aucExact({ mu: { sens: th[0]!, spec: th[1]! }, tau2: { sens: t2se, spec: t2sp }, covRe: r * Math.sqrt(t2se * t2sp) }).auc;
    return auc ?? Number.NaN;
  };
  const gradient = theta.map((v, i) => {
    const h = 1e-4 * Math.max(1, Math.abs(v));
    if (scale !== 'logSd' && i >= 2 && v - h <= 0) {
      // one-sided near zero
      const up = [...theta];
      up[i] = v + h;
      return (f(up) - f(theta)) / h;
    }
    const up = [...theta];
    const dn = [...theta];
    up[i] = v + h;
    dn[i] = v - h;
    return (f(up) - f(dn)) / (2 * h);
  });
  let variance = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) variance += gradient[i]! * cov[i]![j]! * gradient[j]!;
  if (!(variance >= 0)) return fail('auc_ci_negative_variance');
  // an AUC at 0 or 1 to integration accuracy (degenerate fits, e.g. every study perfect) has no
  // logit-scale interval: it would come out as NaN or as 0–1
  if (!(base > 1e-9 && base < 1 - 1e-9)) return fail('auc_ci_not_estimable_at_bound');
  const se = Math.sqrt(variance);
  const z = normalCritical(level);
  const seLogit = se / (base * (1 - base));
  const lo = expit(logit(base) - z * seLogit);
  const hi = expit(logit(base) + z * seLogit);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return fail('auc_ci_not_estimable_at_bound');
  return { method, level, auc: base, lo, hi, se, notes: [], gradient };
}

export interface BootstrapOptions {
  /** observed arm sizes per study (n1 = TP+FN, n0 = TN+FP) */
  studySizes: readonly { n1: number; n0: number }[];
  /** refits the model to simulated counts; return null when the fit fails */
  refit: (counts: Counts[]) => BivariateParameters | null;
  /**
   * refits all B simulated data sets at once (e.g. on several threads), in order; must give what
   * `refit` gives for each (null for a failed fit, never throw). Default: `refit` on each in turn.
   */
  refitAll?: (datasets: Counts[][], onProgress?: (done: number, total: number) => void) => (BivariateParameters | null)[];
  replicates?: number;
  seed?: number;
  level?: number;
  /** called after each refit with the number done and B (progress display; must not throw) */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Parametric bootstrap percentile interval for the exact SROC AUC: B data sets of k studies with
 * (logit Se_i, logit Sp_i) ~ N2(μ, Σ), TP_i ~ Bin(n1_i, Se_i), TN_i ~ Bin(n0_i, Sp_i), each refitted
 * by `refit` (independent of the estimation engine). Failed refits are skipped and counted.
 */
export function aucParametricBootstrap(
  p: BivariateParameters,
  options: BootstrapOptions,
): AucIntervalResult & { replicates: number; failed: number; seed: number } {
  checkBivariateParameters(p);
  const B = options.replicates ?? 2000;
  const seed = options.seed ?? 20240607;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(B) || B < 10) throw new RangeError('replicates must be an integer >= 10');
  for (const s of options.studySizes) {
    if (!Number.isInteger(s.n1) || !Number.isInteger(s.n0) || s.n1 < 0 || s.n0 < 0) throw new RangeError('study sizes must be integers >= 0');
  }
  const rng = createRng(seed);
  const l11 = Math.sqrt(p.tau2.sens);
  const l21 = l11 > 0 ? p.covRe / l11 : 0;
  const l22 = Math.sqrt(Math.max(0, p.tau2.spec - l21 * l21));
  // simulate every data set first (the random stream does not depend on the refits), then refit
  const datasets: Counts[][] = [];
  for (let b = 0; b < B; b++) {
    datasets.push(options.studySizes.map(({ n1, n0 }) => {
      const z1 = rng.normal();
      const z2 = rng.normal();
      const tp = rng.binomial(n1, expit(p.mu.sens + l11 * z1));
      const tn = rng.binomial(n0, expit(p.mu.spec + l21 * z1 + l22 * z2));
      return { tp, fn: n1 - tp, tn, fp: n0 - tn };
    }));
  }
  const refitOne = (counts: Counts[]): BivariateParameters | null => {
    try {
      return options.refit(counts);
    } catch {
      return null;
    }
  };
  const fits = options.refitAll
    ? options.refitAll(datasets, options.onProgress)
    : datasets.map((counts, b) => {
        const fit = refitOne(counts);
        options.onProgress?.(b + 1, B);
        return fit;
      });
  const aucs: number[] = [];
  let failed = 0;
  for (const fit of fits) {
    const auc = fit ? aucExact(fit).auc : null;
    if (auc === null || !Number.isFinite(auc)) failed++;
    else aucs.push(auc);
  }
  const method = 'sroc-auc-parametric-bootstrap-percentile';
  const base = aucExact(p).auc;
  const notes: StatsNote[] = failed > 0 ? [{ code: 'bootstrap_refits_failed', detail: { failed, replicates: B } }] : [];
  if (aucs.length < 10) return { method, level, auc: base, lo: null, hi: null, se: null, notes, replicates: B, failed, seed };
  aucs.sort((x, y) => x - y);
  const q = (prob: number): number => {
    // R type 7 quantile
    const h = (aucs.length - 1) * prob;
    const lo = Math.floor(h);
    const hi = Math.min(aucs.length - 1, lo + 1);
    return aucs[lo]! + (h - lo) * (aucs[hi]! - aucs[lo]!);
  };
  const mean = aucs.reduce((s, v) => s + v, 0) / aucs.length;
  const sd = Math.sqrt(aucs.reduce((s, v) => s + (v - mean) ** 2, 0) / (aucs.length - 1));
  const alpha = 1 - level;
  return { method, level, auc: base, lo: q(alpha / 2), hi: q(1 - alpha / 2), se: sd, notes, replicates: B, failed, seed };
}
