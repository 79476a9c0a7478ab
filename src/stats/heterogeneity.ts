/**
 * Heterogeneity statistics for diagnostic meta-analysis.
 *
 * (a) midas forest-plot heterogeneity (METHODS (d); midas v2.00 `bforest(dss)`, `table()`):
 *     Q_Se = Σ (Se_i − Se_f)² / (Se_f(1 − Se_f)/n1_i)  (raw Se_i; Sp likewise with n0), df = k − 1,
 *     Se_f = the pooled proportion (default ΣTP/Σn1, the fixed-effect logistic estimate);
 *     midas itself centres on expit(β̂) of its "fixed-effects" model, which has one random intercept
 *     per study shared by both arms, fitted with 7-point adaptive quadrature
 *     (`midasForestHeterogeneity`, `glmm-shared-intercept.ts`; reproduces the midas manual's PET
 *     example: Q 273.36 and 217.71, I² 86.10% and 82.55%);
 *     log-scale panels Q = Σ (y_i − ŷ)²/v_i around a supplied summary (midas uses the bivariate
 *     summary LR+/LR−/DOR), y_i with 0.5 added to all cells of studies with a zero cell.
 *     I² and its interval by the Higgins–Thompson test-based method exactly as midas `homogeni`:
 *       H² = Q/df;  I² = max(0, (H² − 1)/H²), capped at 1;
 *       SE(ln H) = ½·(ln Q − ln df)/(√(2Q) − √(2K − 3))       if Q > K = df + 1,
 *                = sqrt(1/(2(K − 2))·(1 − 1/(3(K − 2)²)))     otherwise;
 *       H² floored at 1 after I² is computed; Var(I²) = 4·SE(ln H)²/H⁴;
 *       interval I² ± z·sqrt(Var), truncated to [0, 1].
 *     Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a meta-analysis. Stat Med
 *     21:1539–1558. doi:10.1002/sim.1186
 *
 * (b) Zhou & Dendukuri (2014) I² for sensitivity, specificity and jointly, plug-in version with the
 *     bivariate estimates (θ = pooled logit, τ², ρ) and the study sizes (METHODS (j)):
 *       σ²_A = (e^{τA²/2 − θA} + e^{τA²/2 + θA} + 2)·mean_i(1/n1_i)   (typical within-study variance)
 *       σ²_B = (e^{τB²/2 − θB} + e^{τB²/2 + θB} + 2)·mean_i(1/n0_i)
 *       I²_A = τA²/(τA² + σ²_A),  I²_B = τB²/(τB² + σ²_B),
 *       I²_biv = sqrt(det T)/(sqrt(det T) + sqrt(σ²_A·σ²_B)),  det T = τA²τB² − σ²_AB.
 *     Zhou Y, Dendukuri N (2014). Statistics for quantifying heterogeneity in univariate and bivariate
 *     meta-analyses of binary data: the case of meta-analyses of diagnostic accuracy. Stat Med
 *     33:2701–2717. doi:10.1002/sim.6115
 *
 * (c) midas compatibility quirks, explicitly named (METHODS (d), quirks Q3/Q4):
 *     `midasCompatDorHeterogeneity`: "ODDS RATIO" panel Q = Σ exp((ln DOR_i − ln DOR_f)²/v_i) — not a
 *     valid statistic (each term ≥ 1), drives I² to 100%;
 *     `midasCompatLrPosHeterogeneity`: the LR+ panel prints the LOWER limit of the I² interval as I².
 *
 * All I² values are proportions in [0, 1]. Edge cases: df < 1 throws; for df = 1 with Q ≤ 2 the
 * test-based SE is undefined (division by K − 2 = 0) — the interval is null with note
 * `i2_interval_undefined`; studies with an empty arm are excluded (note `study_excluded`).
 */
import type { Counts, StatsNote } from './types.ts';
import { checkCounts } from './continuity.ts';
import { type BivariateParameters, checkBivariateParameters } from './bivariate-parameters.ts';
import { chiSquareUpperTail, normalCritical } from './distributions.ts';
import { effectSizes } from './univariate.ts';
import { fitSharedInterceptGlmm, type SharedInterceptFit } from './glmm-shared-intercept.ts';
import { NotEstimableError } from './errors.ts';

export interface HigginsThompsonResult {
  method: 'higgins-thompson-test-based-i2';
  Q: number;
  df: number;
  p: number;
  /** Q/df, floored at 1 (as midas) */
  H2: number;
  I2: number;
  I2Lo: number | null;
  I2Hi: number | null;
  level: number;
  notes: StatsNote[];
}

/** I² with the Higgins–Thompson test-based interval, exactly as midas `homogeni`. */
export function higginsThompsonI2(Q: number, df: number, level = 0.95): HigginsThompsonResult {
  if (!Number.isFinite(Q) || Q < 0) throw new NotEstimableError(`Q must be finite and >= 0, got ${Q}`);
  if (!Number.isInteger(df) || df < 1) throw new NotEstimableError(`df must be an integer >= 1, got ${df}`);
  const K = df + 1;
  let H2 = Q / df;
  const I2 = Math.min(1, Math.max(0, (H2 - 1) / H2));
  if (H2 < 1) H2 = 1;
  const notes: StatsNote[] = [];
  let seLnH: number;
  if (Q > K) seLnH = (0.5 * (Math.log(Q) - Math.log(df))) / (Math.sqrt(2 * Q) - Math.sqrt(2 * K - 3));
  else seLnH = K > 2 ? Math.sqrt((1 / (2 * (K - 2))) * (1 - 1 / (3 * (K - 2) ** 2))) : Number.NaN;
  let I2Lo: number | null = null;
  let I2Hi: number | null = null;
  if (Number.isFinite(seLnH)) {
    const sd = Math.sqrt((4 * seLnH * seLnH) / (H2 * H2));
    const z = normalCritical(level);
    // midas computes the interval around the uncapped (H² − 1)/H²
    const centre = Math.max(0, (Q / df - 1) / (Q / df));
    I2Lo = Math.max(0, centre - z * sd);
    I2Hi = Math.min(1, centre + z * sd);
  } else {
    notes.push({ code: 'i2_interval_undefined', detail: { Q, df } });
  }
  return { method: 'higgins-thompson-test-based-i2', Q, df, p: chiSquareUpperTail(Q, df), H2, I2, I2Lo, I2Hi, level, notes };
}

export interface MidasHeterogeneityResult extends HigginsThompsonResult {
  panel: 'sens' | 'spec' | 'logLrPos' | 'logLrNeg' | 'logDor' | 'dorCompat' | 'lrPosCompat';
  /** the pooled value the deviations are taken from (proportion or log scale) */
  pooled: number;
  studiesUsed: number[];
}

/**
 * midas Q and I² for study sensitivities or specificities around a pooled proportion
 * (default ΣTP/Σn1 resp. ΣTN/Σn0).
 */
export function midasProportionHeterogeneity(
  counts: readonly Counts[],
  outcome: 'sens' | 'spec',
  options: { pooled?: number; level?: number } = {},
): MidasHeterogeneityResult {
  checkCounts(counts);
  const notes: StatsNote[] = [];
  const xs: number[] = [];
  const ns: number[] = [];
  const studiesUsed: number[] = [];
  counts.forEach((c, i) => {
    const x = outcome === 'sens' ? c.tp : c.tn;
    const n = outcome === 'sens' ? c.tp + c.fn : c.tn + c.fp;
    if (n === 0) {
      notes.push({ code: 'study_excluded', detail: { study: i, reason: 'empty_arm' } });
      return;
    }
    xs.push(x);
    ns.push(n);
    studiesUsed.push(i);
  });
  const pooled = options.pooled ?? xs.reduce((s, v) => s + v, 0) / ns.reduce((s, v) => s + v, 0);
  if (!(pooled > 0 && pooled < 1)) throw new NotEstimableError(`pooled proportion must be in (0, 1), got ${pooled}`);
  const Q = xs.reduce((s, x, i) => s + (x / ns[i]! - pooled) ** 2 / ((pooled * (1 - pooled)) / ns[i]!), 0);
  const ht = higginsThompsonI2(Q, xs.length - 1, options.level);
  return { ...ht, notes: [...notes, ...ht.notes], panel: outcome, pooled, studiesUsed };
}

export interface MidasForestHeterogeneity {
  sens: MidasHeterogeneityResult;
  spec: MidasHeterogeneityResult;
  /** midas's "fixed-effects" (shared random intercept) model the Q statistics are centred on */
  centre: SharedInterceptFit;
}

/**
 * Q and I² of sensitivity and specificity exactly as midas prints them on its forest plots: centred
 * on expit(β̂) of the shared-random-intercept model (METHODS (d)). Throws when that model has no
 * finite estimate for an arm.
 */
export function midasForestHeterogeneity(counts: readonly Counts[], level = 0.95): MidasForestHeterogeneity {
  checkCounts(counts);
  const centre = fitSharedInterceptGlmm(counts, 7);
  if (!centre.converged) throw new NotEstimableError('the shared-random-intercept model did not converge');
  const expitOf = (x: number) => 1 / (1 + Math.exp(-x));
  return {
    sens: midasProportionHeterogeneity(counts, 'sens', { pooled: expitOf(centre.beta.sens), level }),
    spec: midasProportionHeterogeneity(counts, 'spec', { pooled: expitOf(centre.beta.spec), level }),
    centre,
  };
}

type LogPanel = 'logLrPos' | 'logLrNeg' | 'logDor';

function logDeviations(counts: readonly Counts[], panel: LogPanel, pooledLog: number): { terms: number[]; studiesUsed: number[]; notes: StatsNote[] } {
  if (!Number.isFinite(pooledLog)) throw new NotEstimableError('pooled log value must be finite');
  const es = effectSizes(counts, panel, { add: 0.5, to: 'only0' });
  return { terms: es.yi.map((y, i) => (y - pooledLog) ** 2 / es.vi[i]!), studiesUsed: es.studiesUsed, notes: es.notes };
}

/** midas Q and I² of ln LR+, ln LR− or ln DOR around a supplied pooled log value. */
export function midasLogScaleHeterogeneity(counts: readonly Counts[], panel: LogPanel, pooledLog: number, level = 0.95): MidasHeterogeneityResult {
  const d = logDeviations(counts, panel, pooledLog);
  const ht = higginsThompsonI2(
    d.terms.reduce((s, v) => s + v, 0),
    d.terms.length - 1,
    level,
  );
  return { ...ht, notes: [...d.notes, ...ht.notes], panel, pooled: pooledLog, studiesUsed: d.studiesUsed };
}

/**
 * midas-compatible "ODDS RATIO" panel statistic Q = Σ exp((ln DOR_i − ln DOR_f)²/v_i) (quirk Q3).
 * Reproduces midas's printed Q/I² (typically I² = 100%); not a valid heterogeneity statistic.
 */
export function midasCompatDorHeterogeneity(counts: readonly Counts[], pooledLogDor: number, level = 0.95): MidasHeterogeneityResult {
  const d = logDeviations(counts, 'logDor', pooledLogDor);
  const Q = d.terms.reduce((s, v) => s + Math.exp(v), 0);
  const ht = higginsThompsonI2(Q, d.terms.length - 1, level);
  return { ...ht, notes: [...d.notes, ...ht.notes, { code: 'midas_compat_invalid_statistic' }], panel: 'dorCompat', pooled: pooledLogDor, studiesUsed: d.studiesUsed };
}

/**
 * midas-compatible LR+ panel: Q as `midasLogScaleHeterogeneity`, but I² := the lower limit of its
 * interval, as midas prints it (quirk Q4).
 */
export function midasCompatLrPosHeterogeneity(counts: readonly Counts[], pooledLogLrPos: number, level = 0.95): MidasHeterogeneityResult {
  const r = midasLogScaleHeterogeneity(counts, 'logLrPos', pooledLogLrPos, level);
  return { ...r, I2: r.I2Lo ?? Number.NaN, panel: 'lrPosCompat', notes: [...r.notes, { code: 'midas_compat_i2_is_lower_limit' }] };
}

export interface ZhouDendukuriResult {
  method: 'zhou-dendukuri-i2-plugin';
  /** typical within-study variances of logit sens / logit spec */
  sigma2Sens: number;
  sigma2Spec: number;
  I2Sens: number;
  I2Spec: number;
  I2Bivariate: number;
  studiesUsed: { sens: number[]; spec: number[] };
  notes: StatsNote[];
}

/** Plug-in Zhou–Dendukuri I² from bivariate estimates and the raw arm sizes. */
export function zhouDendukuriI2(p: BivariateParameters, counts: readonly Counts[]): ZhouDendukuriResult {
  checkBivariateParameters(p);
  checkCounts(counts);
  const notes: StatsNote[] = [];
  const sensIdx: number[] = [];
  const specIdx: number[] = [];
  let inv1 = 0;
  let inv0 = 0;
  counts.forEach((c, i) => {
    const n1 = c.tp + c.fn;
    const n0 = c.tn + c.fp;
    if (n1 > 0) {
      inv1 += 1 / n1;
      sensIdx.push(i);
    }
    if (n0 > 0) {
      inv0 += 1 / n0;
      specIdx.push(i);
    }
    if (n1 === 0 || n0 === 0) notes.push({ code: 'study_excluded', detail: { study: i, reason: 'empty_arm' } });
  });
  if (sensIdx.length === 0 || specIdx.length === 0) throw new NotEstimableError('need studies with diseased and non-diseased participants');
  const within = (tau2: number, theta: number, meanInv: number): number => (Math.exp(tau2 / 2 - theta) + Math.exp(tau2 / 2 + theta) + 2) * meanInv;
  const sigma2Sens = within(p.tau2.sens, p.mu.sens, inv1 / sensIdx.length);
  const sigma2Spec = within(p.tau2.spec, p.mu.spec, inv0 / specIdx.length);
  const detT = Math.max(0, p.tau2.sens * p.tau2.spec - p.covRe * p.covRe);
  const sqrtDet = Math.sqrt(detT);
  return {
    method: 'zhou-dendukuri-i2-plugin',
    sigma2Sens,
    sigma2Spec,
    I2Sens: p.tau2.sens / (p.tau2.sens + sigma2Sens),
    I2Spec: p.tau2.spec / (p.tau2.spec + sigma2Spec),
    I2Bivariate: sqrtDet / (sqrtDet + Math.sqrt(sigma2Sens * sigma2Spec)),
    studiesUsed: { sens: sensIdx, spec: specIdx },
    notes,
  };
}
