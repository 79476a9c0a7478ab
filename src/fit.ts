/**
 * `metadx fit <data.csv>`: fit one dataset and print a readable summary, or with --json one JSON
 * object. The JSON layout is a stable interface (other tools and tests call it):
 *   k, method, quadrature, correction, converged, warnings, logLik, mu {sens, spec} (logit),
 *   vcov (2x2 of mu), se, tau2 {sens, spec}, rho, summary {sens, spec, lrPositive, lrNegative, dor}
 *   each {est, lo, hi}, hsroc {Lambda, Theta, beta, sigma2Alpha, sigma2Theta}, auc {est, lo, hi,
 *   method}, aucMidas {est, lo, hi}, heterogeneity, deeks {intercept, slope, se, t, df, p};
 *   with --group: structure (independent | shared | nested), studies, and for nested the
 *   between-study and within-study components `levels` (tau2/rho are then their sum).
 */
import type { StudyData } from './data/studies.ts';
import { formatInterval, formatNumber, formatPercent, formatPStatement, formatScientific } from './format/numbers.ts';
import { noteMessage } from './messages.ts';
import { deeksOrNull, poolStudies, type ConvergenceReport, type FitStatistics, type PooledOptions, type PooledResult } from './results/pooled.ts';
import type { ParameterUncertainty } from './stats/parameter-uncertainty.ts';
import type { DeeksResult } from './stats/deeks.ts';
import { metaRegression } from './results/meta-regression.ts';
import type { GroupedCounts } from './results/grouping.ts';

export interface FitJson {
  k: number;
  /** how tables of one study were modelled, and the number of studies (with --group) */
  structure: 'independent' | 'shared' | 'nested';
  studies?: number;
  levels?: PooledResult['model']['levels'];
  method: string;
  label: string;
  quadrature: number | null;
  /** orientation of the quadrature grid (null for Laplace and Reitsma) */
  nodes: 'upper' | 'lower' | null;
  correction: string;
  converged: boolean;
  warnings: string[];
  notes: { code: string; detail?: Record<string, unknown> }[];
  logLik: number | null;
  mu: { sens: number; spec: number };
  vcov: [[number, number], [number, number]];
  se: { sens: number; spec: number };
  tau2: { sens: number; spec: number };
  rho: number | null;
  summary: Record<'sens' | 'spec' | 'lrPositive' | 'lrNegative' | 'dor', { est: number; lo: number; hi: number }>;
  hsroc: { Lambda: number | null; Theta: number | null; beta: number | null; sigma2Alpha: number; sigma2Theta: number } | null;
  auc: { est: number | null; lo: number | null; hi: number | null; method: string } | null;
  aucMidas: { est: number; lo: number; hi: number } | null;
  /** AUC over the observed FPR range (mada's partial AUC, normalised; no CI) — the full-range AUC above is extrapolated beyond it */
  pauc: { est: number | null; fprRange: [number, number] } | null;
  heterogeneity: {
    zhouDendukuri: { sens: number; spec: number; bivariate: number } | null;
    midas: { sens: { Q: number; df: number; p: number; I2: number; lo: number | null; hi: number | null }; spec: { Q: number; df: number; p: number; I2: number; lo: number | null; hi: number | null } } | null;
  };
  /** Deeks' test; statistics null and notEstimable set ('identical-ess' | 'zero-residual-variance') when it cannot be computed */
  deeks: { intercept: number; slope: number; se: number; t: number; df: number; p: number; notEstimable: string | null } | null;
  /** SE and CI of every parameter on metandi's scales (bivariate: muSens, muSpec, tau2Sens, tau2Spec, rho, covMu; HSROC) */
  parameters: ParameterUncertainty | null;
  /** logLik, AIC, BIC, number of parameters and of observations (arms) */
  fitStatistics: FitStatistics | null;
  /** gradient norm, Hessian condition number, boundary flags */
  convergence: ConvergenceReport | null;
  /** with --covariate: bivariate meta-regression (same model and quadrature as the main fit) */
  metaRegression?: {
    covariate: string;
    type: 'categorical' | 'continuous';
    k: number;
    excluded: number[];
    lrt: { statistic: number; df: number; p: number };
    wald: { sens: { statistic: number; df: number; p: number }; spec: { statistic: number; df: number; p: number } };
    coefficients: { names: string[]; est: number[]; se: number[] };
    levels: { level: string; k: number; value?: number; sens: { est: number; lo: number; hi: number }; spec: { est: number; lo: number; hi: number } }[];
  };
}

const interval = (m: { est: number; lo: number; hi: number }) => ({ est: m.est, lo: m.lo, hi: m.hi });

export function fitToJson(pooled: PooledResult, deeks: DeeksResult | null, options: PooledOptions): FitJson {
  const midas = pooled.heterogeneity.midas;
  const midasPanel = (h: NonNullable<typeof midas>['sens']) => ({ Q: h.Q, df: h.df, p: h.p, I2: h.I2, lo: h.I2Lo, hi: h.I2Hi });
  const notes = [...pooled.model.notes, ...(pooled.auc?.notes ?? [])];
  return {
    k: pooled.model.k,
    structure: pooled.model.structure ?? 'independent',
    ...(pooled.model.studies !== undefined ? { studies: pooled.model.studies } : {}),
    ...(pooled.model.levels ? { levels: pooled.model.levels } : {}),
    method: pooled.model.method,
    label: pooled.model.label,
    quadrature: pooled.model.method === 'glmm' ? (pooled.model.quadrature ?? options.quadrature) : null,
    nodes: pooled.model.nodes ?? null,
    correction: pooled.model.method === 'glmm' ? 'none (exact binomial likelihood)' : `${options.correction} (${options.correctionValue})`,
    converged: pooled.model.converged,
    warnings: notes.map(noteMessage),
    notes,
    logLik: pooled.model.logLik,
    mu: pooled.mu,
    vcov: pooled.vcov,
    se: pooled.se,
    tau2: pooled.tau2,
    rho: pooled.rho,
    summary: {
      sens: interval(pooled.summary.sens),
      spec: interval(pooled.summary.spec),
      lrPositive: interval(pooled.summary.lrPositive),
      lrNegative: interval(pooled.summary.lrNegative),
      dor: interval(pooled.summary.dor),
    },
    hsroc: pooled.hsroc
      ? { Lambda: pooled.hsroc.Lambda, Theta: pooled.hsroc.Theta, beta: pooled.hsroc.beta, sigma2Alpha: pooled.hsroc.sigma2Alpha, sigma2Theta: pooled.hsroc.sigma2Theta }
      : null,
    auc: pooled.auc ? { est: pooled.auc.est, lo: pooled.auc.lo, hi: pooled.auc.hi, method: pooled.auc.method } : null,
    aucMidas: pooled.aucMidas,
    pauc: pooled.pauc && pooled.pauc.est !== null ? pooled.pauc : null,
    heterogeneity: {
      zhouDendukuri: pooled.heterogeneity.zhouDendukuri
        ? { sens: pooled.heterogeneity.zhouDendukuri.I2Sens, spec: pooled.heterogeneity.zhouDendukuri.I2Spec, bivariate: pooled.heterogeneity.zhouDendukuri.I2Bivariate }
        : null,
      midas: midas ? { sens: midasPanel(midas.sens), spec: midasPanel(midas.spec) } : null,
    },
    deeks: deeks ? { intercept: deeks.intercept, slope: deeks.slope, se: deeks.slopeSe, t: deeks.slopeT, df: deeks.df, p: deeks.slopeP, notEstimable: deeks.notEstimable } : null,
    parameters: pooled.parameters ?? null,
    fitStatistics: pooled.fitStatistics ?? null,
    convergence: pooled.convergence ?? null,
  };
}

export function runFit(data: StudyData, options: PooledOptions, covariate?: string): FitJson {
  const counts: GroupedCounts[] = data.studies.map((s) => (s.group !== undefined ? { ...s.counts, group: s.group } : { ...s.counts }));
  const pooled = poolStudies(counts, options);
  const fit = fitToJson(pooled, deeksOrNull(counts, options), options);
  if (covariate === undefined) return fit;
  const info = data.covariates.find((c) => c.name === covariate)!;
  const regression = metaRegression(
    counts,
    data.studies.map((s) => s.covariates[covariate] ?? null),
    { name: covariate, type: info.type, ...(info.levels ? { levels: info.levels } : {}) },
    options,
  );
  return {
    ...fit,
    metaRegression: {
      covariate,
      type: regression.type,
      k: regression.k,
      excluded: regression.excluded,
      lrt: { statistic: regression.lrt.statistic, df: regression.lrt.df, p: regression.lrt.p },
      wald: regression.wald,
      coefficients: { names: regression.coefficients.names, est: regression.coefficients.est, se: regression.coefficients.se },
      levels: regression.levels.map((l) => ({ level: l.level, k: l.k, ...(l.value !== undefined ? { value: l.value } : {}), sens: interval(l.summary.sens), spec: interval(l.summary.spec) })),
    },
  };
}

/** Human-readable summary of a fit (uses the one formatting module). */
export function fitToText(fit: FitJson, file: string): string {
  const lines: string[] = [];
  lines.push(`${file}: k = ${fit.k}`);
  lines.push(`Model: ${fit.label}${fit.converged ? '' : ' — NOT CONVERGED'}`);
  if (fit.studies !== undefined) lines.push(`Tables of one study: ${fit.structure} (${fit.k} tables from ${fit.studies} studies)`);
  if (fit.logLik !== null) lines.push(`Log-likelihood: ${formatNumber(fit.logLik, 'statistic')}`);
  lines.push('');
  lines.push(`  Sensitivity   ${formatInterval(fit.summary.sens)}`);
  lines.push(`  Specificity   ${formatInterval(fit.summary.spec)}`);
  lines.push(`  LR+           ${formatInterval(fit.summary.lrPositive, 'ratio')}`);
  lines.push(`  LR−           ${formatInterval(fit.summary.lrNegative, 'ratio')}`);
  lines.push(`  DOR           ${formatInterval(fit.summary.dor, 'ratio')}`);
  if (fit.auc?.est !== null && fit.auc !== null) {
    const ci = fit.auc.lo !== null && fit.auc.hi !== null ? formatInterval({ est: fit.auc.est!, lo: fit.auc.lo, hi: fit.auc.hi }) : formatNumber(fit.auc.est, 'proportion');
    lines.push(`  AUC           ${ci}   [${fit.auc.method}]`);
  }
  if (fit.pauc && fit.pauc.est !== null) lines.push(`  AUC, observed FPR ${formatNumber(fit.pauc.fprRange[0], 'proportion')}–${formatNumber(fit.pauc.fprRange[1], 'proportion')}   ${formatNumber(fit.pauc.est, 'proportion')}   [partial AUC, normalised (mada rule); the AUC above covers the full FPR range, extrapolated beyond the observed one]`);
  if (fit.aucMidas) lines.push(`  AUC (midas)   ${formatInterval(fit.aucMidas)}   [midas-compatible; its "CI" is a Wilson interval with N = 500, not a CI]`);
  lines.push('');
  lines.push(`  tau² sens ${formatNumber(fit.tau2.sens, 'variance')}, tau² spec ${formatNumber(fit.tau2.spec, 'variance')}, rho ${formatNumber(fit.rho, 'correlation')}${fit.levels ? ' (between studies + within studies)' : ''}`);
  if (fit.levels) {
    for (const [name, level] of [['between studies', fit.levels.study], ['within studies (between tables)', fit.levels.table]] as const) {
      lines.push(`    ${name}: tau² sens ${formatNumber(level.tau2.sens, 'variance')}, tau² spec ${formatNumber(level.tau2.spec, 'variance')}, rho ${formatNumber(level.rho, 'correlation')}`);
    }
  }
  if (fit.parameters) {
    lines.push('  Parameters (estimate, SE, 95% CI; metandi scales):');
    for (const row of [...fit.parameters.bivariate, ...fit.parameters.hsroc]) {
      if (row.id === 'covMu') continue;
      const ci = row.lo !== null && row.hi !== null ? formatInterval({ est: row.est ?? Number.NaN, lo: row.lo, hi: row.hi }, 'logit') : `${formatNumber(row.est, 'logit')} (${row.reason ?? 'no CI'})`;
      lines.push(`    ${row.id.padEnd(12)} ${ci}${row.se !== null ? `, SE ${formatNumber(row.se, 'logit')}` : ''}`);
    }
  }
  if (fit.fitStatistics?.aic != null && fit.fitStatistics.bic !== null) lines.push(`  AIC ${formatNumber(fit.fitStatistics.aic, 'statistic')}, BIC ${formatNumber(fit.fitStatistics.bic, 'statistic')}`);
  if (fit.convergence) {
    const c = fit.convergence;
    lines.push(`  Convergence: ${c.converged ? 'converged' : 'NOT converged'}; largest gradient ${c.gradientNorm === null ? 'NA' : formatScientific(c.gradientNorm, 2)}; information condition number ${c.hessianCondition === null ? 'NA (singular)' : formatScientific(c.hessianCondition, 2)}${c.boundary.tau2SensZero || c.boundary.tau2SpecZero || c.boundary.rhoAtBound ? '; at a boundary' : ''}`);
  }
  if (fit.heterogeneity.zhouDendukuri) {
    const zd = fit.heterogeneity.zhouDendukuri;
    lines.push(`  I² (Zhou–Dendukuri): sens ${formatPercent(zd.sens, true)}, spec ${formatPercent(zd.spec, true)}, bivariate ${formatPercent(zd.bivariate, true)}`);
  }
  if (fit.metaRegression) {
    const m = fit.metaRegression;
    lines.push(`  Meta-regression on ${m.covariate} (k = ${m.k}): LRT χ² = ${formatNumber(m.lrt.statistic, 'statistic')}, df = ${m.lrt.df}, ${formatPStatement(m.lrt.p)}`);
    for (const level of m.levels) lines.push(`    ${level.level} (k = ${level.k}): sensitivity ${formatInterval(level.sens)}, specificity ${formatInterval(level.spec)}`);
  }
  if (fit.deeks) lines.push(fit.deeks.notEstimable ? `  Deeks' funnel-plot asymmetry test: not estimable (${fit.deeks.notEstimable})` : `  Deeks' funnel-plot asymmetry test: slope ${formatNumber(fit.deeks.slope, 'statistic')}, ${formatPStatement(fit.deeks.p)}`);
  for (const warning of fit.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}
