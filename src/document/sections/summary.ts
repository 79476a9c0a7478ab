/**
 * Summary section: pooled estimates (Sen, Spe, LR+, LR−, DOR, AUC with CIs), heterogeneity and
 * HSROC parameters, model warnings, and the published-vs-reproduced comparison.
 */
import { formatInterval, formatLevel, formatNumber, formatPStatement, formatRatio, formatPercent, formatPValue, formatRange, formatScientific, type IntervalLike, type QuantityKind } from '../../format/numbers.ts';
import { noteMessage } from '../../messages.ts';
import type { PooledResult } from '../../results/pooled.ts';
import type { PublishedCell, PublishedMeasure } from '../../results/published.ts';
import type { AnalysisResults } from '../../results/types.ts';
import type { AnalysisSpec } from '../../spec/schema.ts';
import { cell, type Block, type Numbering, type SectionView, type TableView } from '../model.ts';
import { groupingTable, levelRows } from './grouping.ts';

type Kind = QuantityKind | 'ratio';

const finiteInterval = (i: { est: number | null; lo: number | null; hi: number | null } | null | undefined): IntervalLike | null =>
  i && i.est !== null && i.lo !== null && i.hi !== null && Number.isFinite(i.est) ? { est: i.est, lo: i.lo, hi: i.hi } : null;

/**
 * The rows of the summary table: label, interval, kind, method note. Only the model's estimates and
 * real CIs: what Stata midas would print instead (its AUC "CI") is in the midas comparison section.
 */
export function summaryRows(pooled: Pick<PooledResult, 'summary' | 'auc' | 'pauc'>): { key: string; label: string; value: IntervalLike | null; kind: Kind; method: string }[] {
  const s = pooled.summary;
  const rows = [
    { key: 'sens', label: 'Sensitivity', value: s.sens as IntervalLike | null, kind: 'proportion' as Kind, method: 'logit-scale Wald interval' },
    { key: 'spec', label: 'Specificity', value: s.spec, kind: 'proportion' as Kind, method: 'logit-scale Wald interval' },
    { key: 'lr_positive', label: 'Positive likelihood ratio (LR+)', value: s.lrPositive, kind: 'ratio' as Kind, method: 'delta method, log scale' },
    { key: 'lr_negative', label: 'Negative likelihood ratio (LR−)', value: s.lrNegative, kind: 'ratio' as Kind, method: 'delta method, log scale' },
    { key: 'dor', label: 'Diagnostic odds ratio (DOR)', value: s.dor, kind: 'ratio' as Kind, method: 'delta method, log scale' },
  ];
  if (pooled.auc) rows.push({ key: 'auc', label: 'Area under the SROC curve (AUC), full false-positive range (extrapolated beyond the observed range)', value: pooled.auc.est === null ? null : (finiteInterval(pooled.auc) ?? { est: pooled.auc.est, lo: Number.NaN, hi: Number.NaN }), kind: 'proportion', method: pooled.auc.method });
  if (pooled.pauc && pooled.pauc.est !== null) {
    rows.push({
      key: 'pauc',
      label: `Partial AUC, observed FPR ${formatNumber(pooled.pauc.fprRange[0], 'proportion')}–${formatNumber(pooled.pauc.fprRange[1], 'proportion')} (normalised)`,
      value: { est: pooled.pauc.est, lo: Number.NaN, hi: Number.NaN },
      kind: 'proportion',
      method: 'mada rule, 99 points; no CI',
    });
  }
  return rows;
}

function display(value: IntervalLike | null, kind: Kind): string {
  if (!value) return 'not estimable';
  if (!Number.isFinite(value.est)) return (value as { notEstimable?: string }).notEstimable ? 'not estimable (no finite maximum-likelihood estimate)' : 'not estimable';
  if (!Number.isFinite(value.lo) || !Number.isFinite(value.hi)) return kind === 'ratio' ? formatRatio(value.est) : formatNumber(value.est, kind);
  return formatInterval(value, kind);
}

function summaryTable(results: AnalysisResults, numbering: Numbering): TableView {
  const pooled = results.pooled;
  const level = formatLevel(results.level);
  return {
    id: 'table-summary',
    number: numbering.nextTable(),
    title: 'Summary estimates of diagnostic accuracy',
    caption: `${pooled.model.label}; k = ${pooled.model.k}. Estimates with ${level} confidence intervals.`,
    columns: [
      { label: 'Measure', numeric: false },
      { label: `Estimate (${level} CI)`, numeric: true },
      { label: 'Interval method', numeric: false },
    ],
    rows: summaryRows(pooled).map((row) => ({ flag: false, cells: [cell(row.label), cell(display(row.value, row.kind), true), cell(row.method)] })),
  };
}

function heterogeneityTable(results: AnalysisResults, numbering: Numbering, srocFigure: number | undefined): TableView | undefined {
  const pooled = results.pooled;
  if (pooled.model.method === 'univariate') return undefined;
  const total = pooled.model.levels ? ', between plus within studies' : '';
  const rows: { label: string; value: string }[] = [
    { label: `Between-study variance of logit sensitivity (τ²${total})`, value: formatNumber(pooled.tau2.sens, 'variance') },
    { label: `Between-study variance of logit specificity (τ²${total})`, value: formatNumber(pooled.tau2.spec, 'variance') },
    { label: `Between-study correlation (ρ${total})`, value: pooled.rho === null ? 'not estimable' : formatNumber(pooled.rho, 'correlation') },
    ...levelRows(pooled),
  ];
  const zd = pooled.heterogeneity.zhouDendukuri;
  if (zd) {
    rows.push({ label: 'I², sensitivity (Zhou–Dendukuri, plug-in)', value: formatPercent(zd.I2Sens, true) });
    rows.push({ label: 'I², specificity (Zhou–Dendukuri, plug-in)', value: formatPercent(zd.I2Spec, true) });
    rows.push({ label: 'I², bivariate (Zhou–Dendukuri, plug-in)', value: formatPercent(zd.I2Bivariate, true) });
  }
  const hsroc = pooled.hsroc;
  if (hsroc) {
    rows.push({ label: 'HSROC: accuracy Λ, threshold Θ, shape β', value: `${formatNumber(hsroc.Lambda, 'logit')}, ${formatNumber(hsroc.Theta, 'logit')}, ${formatNumber(hsroc.beta, 'logit')}` });
    rows.push({ label: 'HSROC: σ²α, σ²θ', value: `${formatNumber(hsroc.sigma2Alpha, 'variance')}, ${formatNumber(hsroc.sigma2Theta, 'variance')}` });
  }
  return {
    id: 'table-heterogeneity',
    number: numbering.nextTable(),
    title: 'Between-study heterogeneity',
    caption: `The between-study variances, their correlation and the prediction region${srocFigure !== undefined ? ` (Figure ${srocFigure})` : ''} are the primary description of heterogeneity in a bivariate model; I² values are given for comparison with published reviews.`,
    columns: [
      { label: 'Quantity', numeric: false },
      { label: 'Value', numeric: true },
    ],
    rows: rows.map((r) => ({ flag: false, cells: [cell(r.label), cell(r.value, true)] })),
  };
}

const PARAMETER_LABELS: Record<string, { label: string; kind: QuantityKind }> = {
  muSens: { label: 'Mean logit sensitivity E(logit Se)', kind: 'logit' },
  muSpec: { label: 'Mean logit specificity E(logit Sp)', kind: 'logit' },
  tau2Sens: { label: 'Between-study variance of logit sensitivity (τ²)', kind: 'variance' },
  tau2Spec: { label: 'Between-study variance of logit specificity (τ²)', kind: 'variance' },
  rho: { label: 'Between-study correlation of the logits (ρ)', kind: 'correlation' },
  covMu: { label: 'Covariance of the estimates of E(logit Se) and E(logit Sp)', kind: 'variance' },
  Lambda: { label: 'HSROC accuracy Λ', kind: 'logit' },
  Theta: { label: 'HSROC threshold Θ', kind: 'logit' },
  beta: { label: 'HSROC shape β', kind: 'logit' },
  sigma2Alpha: { label: 'HSROC variance of accuracy σ²α', kind: 'variance' },
  sigma2Theta: { label: 'HSROC variance of threshold σ²θ', kind: 'variance' },
};
const CI_SCALE: Record<string, string> = { wald: 'Wald', log: 'log scale', atanh: 'atanh (Fisher z) scale' };
const MISSING_REASON: Record<string, string> = {
  'rho-near-boundary': 'not given: |ρ| > 0.995 (as metandi)',
  'variance-at-zero': 'not estimable: a between-study variance is 0',
  'covariance-not-available': 'not estimable: the information matrix is singular (boundary)',
};

/** Every model parameter with SE and CI (metandi's scales), fit statistics and the convergence report. */
function parametersTable(results: AnalysisResults, numbering: Numbering): TableView | undefined {
  const pooled = results.pooled;
  const parameters = pooled.parameters;
  if (!parameters || pooled.model.method === 'univariate') return undefined;
  const level = formatLevel(results.level);
  const rows = [...parameters.bivariate, ...parameters.hsroc].map((row) => {
    const info = PARAMETER_LABELS[row.id] ?? { label: row.id, kind: 'logit' as QuantityKind };
    const ci = row.lo !== null && row.hi !== null ? formatRange(row.lo, row.hi, info.kind) : row.reason ? MISSING_REASON[row.reason] ?? '' : '';
    const scale = row.lo !== null && row.ci ? CI_SCALE[row.ci] ?? '' : '';
    const test = row.id === 'beta' && row.p !== null && row.p !== undefined ? `; z = ${formatNumber(row.z, 'statistic')}, ${formatPStatement(row.p)} (symmetric SROC)` : '';
    return { flag: false, cells: [cell(info.label), cell(row.est === null ? 'not estimable' : formatNumber(row.est, info.kind), true), cell(row.se === null ? '–' : formatNumber(row.se, info.kind), true), cell(ci, true), cell(`${scale}${test}`)] };
  });
  const fit = pooled.fitStatistics;
  const convergence = pooled.convergence;
  const extra: string[][] = [];
  if (fit) {
    extra.push([`Log-likelihood (${fit.estimation}; ${fit.nParams} parameters)`, formatNumber(fit.logLik, 'statistic'), '', '', '']);
    if (fit.aic !== null && fit.bic !== null) {
      const basis = fit.estimation === 'REML' ? `REML, as metafor: BIC with N − q = ${(fit.nObservations ?? 0) - (fit.nParams - 3)}; compare only models with the same fixed effects` : `BIC with N = ${fit.nObservations} arms (as Stata)`;
      extra.push(['AIC, BIC', `${formatNumber(fit.aic, 'statistic')}, ${formatNumber(fit.bic, 'statistic')}`, '', '', basis]);
    }
  }
  if (convergence) {
    const flags = [
      convergence.boundary.tau2SensZero ? 'τ² of sensitivity at 0' : '',
      convergence.boundary.tau2SpecZero ? 'τ² of specificity at 0' : '',
      convergence.boundary.rhoAtBound ? 'ρ at ±1' : convergence.boundary.rhoNearBound ? '|ρ| > 0.995' : '',
    ].filter(Boolean);
    const state = [
      convergence.converged ? 'converged' : 'NOT converged',
      convergence.gradientNorm !== null ? `largest gradient component ${formatScientific(convergence.gradientNorm, 2)}` : '',
      convergence.hessianCondition !== null ? `condition number of the information matrix ${formatScientific(convergence.hessianCondition, 2)}` : 'information matrix singular',
      flags.length > 0 ? `boundary: ${flags.join(', ')}` : 'no parameter at a boundary',
    ].filter(Boolean);
    extra.push(['Convergence', '', '', '', state.join('; ')]);
  }
  return {
    id: 'table-parameters',
    number: numbering.nextTable(),
    title: 'Model parameters with standard errors',
    caption: `${pooled.model.label}. Standard errors by the delta method from the inverse observed information on the scales Stata metandi uses (ln τ, atanh ρ); ${level} CIs: Wald for logits and HSROC Λ, Θ, β; log scale for variances; atanh scale for ρ [@metandi].`,
    columns: [
      { label: 'Parameter', numeric: false },
      { label: 'Estimate', numeric: true },
      { label: 'SE', numeric: true },
      { label: `${level} CI`, numeric: true },
      { label: 'CI scale / note', numeric: false },
    ],
    rows: [...rows, ...extra.map((cells) => ({ flag: false, cells: cells.map((c, i) => cell(c, i > 0 && i < 4)) }))],
  };
}

const PUBLISHED_LABELS: Record<PublishedMeasure, { label: string; kind: Kind }> = {
  sens: { label: 'Sensitivity', kind: 'proportion' },
  spec: { label: 'Specificity', kind: 'proportion' },
  lr_positive: { label: 'LR+', kind: 'ratio' },
  lr_negative: { label: 'LR−', kind: 'ratio' },
  dor: { label: 'DOR', kind: 'ratio' },
  auc: { label: 'AUC', kind: 'proportion' },
};

/** A reproduced value as stored in results.published: the interval, or the estimate alone. */
export function publishedValueText(value: PublishedCell['reproduced'], kind: Kind): string {
  if (!value) return 'NA';
  return display(value.lo !== null && value.hi !== null ? { est: value.est, lo: value.lo, hi: value.hi } : { est: value.est, lo: Number.NaN, hi: Number.NaN }, kind);
}

function publishedTable(results: AnalysisResults, spec: AnalysisSpec, numbering: Numbering): TableView | undefined {
  const published = spec.published;
  const comparison = results.published;
  if (!published || !comparison) return undefined;
  // with several tables per study and a grouped main analysis, the like-for-like reproduction of a
  // published analysis (which treated every table as a study) is the independent-tables fit
  // (results.published is computed from it: src/results/analyze.ts)
  const independent = results.grouping && results.grouping.structure !== 'independent' ? results.grouping.fits.find((f) => f.analysis === 'independent') : undefined;
  const reproducedLabel = independent ? `${independent.label}, every table treated as a separate study as in the published analysis; the main analysis groups the tables by study` : results.pooled.model.label;
  const tableRows = comparison.overall.map((c) => {
    const { label, kind } = PUBLISHED_LABELS[c.measure];
    const midas = c.source === 'midas-compatible';
    return {
      flag: c.relativeDifference !== null && Math.abs(c.relativeDifference) > 0.1,
      cells: [
        cell(midas ? `${label} (midas-compatible, as published)` : label),
        cell(formatInterval(c.published, kind), true),
        cell(publishedValueText(c.reproduced, kind), true),
        cell(kind === 'ratio' ? formatPercent(c.relativeDifference, true) : formatNumber(c.difference, 'proportion'), true),
      ],
    };
  });
  const extra: { label: string; published: string; mine: string }[] = comparison.heterogeneity.map((h) => ({
    label: `I², ${h.measure === 'i2_sens' ? 'sensitivity' : 'specificity'} (${h.definition === 'midas' ? 'midas-compatible: (Q − df)/Q, as published' : 'Zhou–Dendukuri'})`,
    published: formatPercent(h.published),
    mine: formatPercent(h.reproduced),
  }));
  if (comparison.deeks) extra.push({ label: "Deeks' test p", published: formatPValue(comparison.deeks.published), mine: results.deeks?.notEstimable ? 'not estimable' : formatPValue(comparison.deeks.reproduced) });
  const midasRows = comparison.overall.some((c) => c.source === 'midas-compatible') || comparison.heterogeneity.some((h) => h.definition === 'midas');
  return {
    id: 'table-published',
    number: numbering.nextTable(),
    title: 'Published and reproduced results',
    caption: `Published: ${published.source ?? 'the published analysis'}${published.software ? ` (${published.software})` : ''}. Reproduced: this analysis (${reproducedLabel}). Difference: reproduced minus published (relative difference for ratios). Shaded rows differ by more than 10%.${midasRows ? ' Rows marked midas-compatible compare like with like: the value reproduced as Stata midas computes it (the AUC by its 500-point trapezoid rule with midas\'s Wilson "CI", which is not a confidence interval; I² from Cochran\'s Q of the study proportions around the pooled value, (Q − df)/Q). The summary and heterogeneity tables give the correct statistics.' : ''}`,
    columns: [
      { label: 'Measure', numeric: false },
      { label: 'Published', numeric: true },
      { label: 'Reproduced', numeric: true },
      { label: 'Difference', numeric: true },
    ],
    rows: [...tableRows, ...extra.map((e) => ({ flag: false, cells: [cell(e.label), cell(e.published, true), cell(e.mine, true), cell('', true)] }))],
    ...(results.provenance.status !== 'real' ? { note: 'The reproduced values rest on stand-in data (see Data provenance); differences are expected and say nothing about the published analysis.' } : {}),
  };
}

export function summarySection(
  results: AnalysisResults,
  spec: AnalysisSpec,
  numbering: Numbering,
  figures: { forest: Block[]; sroc: () => Block[] },
): SectionView {
  const blocks: Block[] = [...figures.forest];
  const pooled = results.pooled;
  const notes = [...pooled.model.notes, ...(pooled.sroc?.notes ?? []), ...(pooled.auc?.notes ?? [])];
  const seen = new Set<string>();
  for (const note of notes) {
    const text = noteMessage(note);
    if (!seen.has(text)) blocks.push({ warning: text });
    seen.add(text);
  }
  if (!pooled.sroc && pooled.model.method !== 'univariate' && !notes.some((n) => /^sroc[_-]/.test(n.code))) blocks.push({ warning: noteMessage({ code: 'sroc-undefined-zero-variance' }) });
  if (!pooled.model.converged && !pooled.model.notes.some((n) => /not.converged/.test(n.code))) {
    blocks.push({ warning: noteMessage({ code: 'glmm-not-converged', detail: { message: pooled.model.optimizer?.message ?? 'not converged' } }) });
  }
  blocks.push({ table: summaryTable(results, numbering) });
  const grouping = groupingTable(results, numbering);
  if (grouping) blocks.push({ table: grouping });
  const sroc = figures.sroc();
  blocks.push(...sroc);
  const heterogeneity = heterogeneityTable(results, numbering, sroc[0]?.figure?.number);
  if (heterogeneity) blocks.push({ table: heterogeneity });
  const parameterTable = parametersTable(results, numbering);
  if (parameterTable) blocks.push({ table: parameterTable });
  const published = publishedTable(results, spec, numbering);
  if (published) {
    blocks.push({ heading: 'Comparison with the published analysis' });
    blocks.push({ table: published });
    if (spec.published?.notes?.length) {
      blocks.push({ paragraph: 'Inconsistencies within the publication:' });
      blocks.push({ list: spec.published.notes });
    }
  }
  return { id: 'summary', title: 'Pooled diagnostic accuracy', blocks };
}
