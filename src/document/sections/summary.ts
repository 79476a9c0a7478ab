/**
 * Summary section: pooled estimates (Sen, Spe, LR+, LR−, DOR, AUC with CIs), heterogeneity and
 * HSROC parameters, model warnings, and the published-vs-reproduced comparison.
 */
import { formatInterval, formatLevel, formatNumber, formatPStatement, formatRatio, formatPercent, formatPValue, type IntervalLike, type QuantityKind } from '../../format/numbers.ts';
import { noteMessage } from '../../messages.ts';
import type { PooledResult } from '../../results/pooled.ts';
import type { AnalysisResults } from '../../results/types.ts';
import type { AnalysisSpec } from '../../spec/schema.ts';
import { cell, type Block, type Numbering, type SectionView, type TableView } from '../model.ts';
import { groupingTable, levelRows } from './grouping.ts';

type Kind = QuantityKind | 'ratio';

const finiteInterval = (i: { est: number | null; lo: number | null; hi: number | null } | null | undefined): IntervalLike | null =>
  i && i.est !== null && i.lo !== null && i.hi !== null && Number.isFinite(i.est) ? { est: i.est, lo: i.lo, hi: i.hi } : null;

/** The rows of the summary table: label, interval, kind, method note. */
export function summaryRows(pooled: Pick<PooledResult, 'summary' | 'auc' | 'pauc' | 'aucMidas'>, compat: 'none' | 'midas'): { key: string; label: string; value: IntervalLike | null; kind: Kind; method: string }[] {
  const s = pooled.summary;
  const rows = [
    { key: 'sens', label: 'Sensitivity', value: s.sens as IntervalLike, kind: 'proportion' as Kind, method: 'logit-scale Wald interval' },
    { key: 'spec', label: 'Specificity', value: s.spec, kind: 'proportion' as Kind, method: 'logit-scale Wald interval' },
    { key: 'lr_positive', label: 'Positive likelihood ratio (LR+)', value: s.lrPositive, kind: 'ratio' as Kind, method: 'delta method, log scale' },
    { key: 'lr_negative', label: 'Negative likelihood ratio (LR−)', value: s.lrNegative, kind: 'ratio' as Kind, method: 'delta method, log scale' },
    { key: 'dor', label: 'Diagnostic odds ratio (DOR)', value: s.dor, kind: 'ratio' as Kind, method: 'delta method, log scale' },
  ];
  if (pooled.auc) rows.push({ key: 'auc', label: 'Area under the SROC curve (AUC)', value: finiteInterval(pooled.auc) ?? { est: pooled.auc.est ?? Number.NaN, lo: Number.NaN, hi: Number.NaN }, kind: 'proportion', method: pooled.auc.method });
  if (pooled.pauc && pooled.pauc.est !== null) {
    rows.push({
      key: 'pauc',
      label: `Partial AUC, observed FPR ${formatNumber(pooled.pauc.fprRange[0], 'proportion')}–${formatNumber(pooled.pauc.fprRange[1], 'proportion')} (normalised)`,
      value: { est: pooled.pauc.est, lo: Number.NaN, hi: Number.NaN },
      kind: 'proportion',
      method: 'mada rule, 99 points; no CI',
    });
  }
  if (compat === 'midas' && pooled.aucMidas) {
    rows.push({ key: 'auc_midas', label: 'AUC as Stata midas prints it', value: pooled.aucMidas, kind: 'proportion', method: 'midas-compatible: trapezoid over 500 points; its "CI" is a Wilson interval with N = 500, not a confidence interval' });
  }
  return rows;
}

function display(value: IntervalLike | null, kind: Kind): string {
  if (!value) return 'NA';
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
    rows: summaryRows(pooled, results.options.compat).map((row) => ({ flag: row.key === 'auc_midas', cells: [cell(row.label), cell(display(row.value, row.kind), true), cell(row.method)] })),
    ...(results.options.compat === 'midas' ? { note: 'Shaded: value reproduced for comparison with papers that used Stata midas; not a valid confidence interval.' } : {}),
  };
}

function heterogeneityTable(results: AnalysisResults, numbering: Numbering): TableView | undefined {
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
  const midas = pooled.heterogeneity.midas;
  if (midas) {
    for (const [label, h] of [['sensitivity', midas.sens], ['specificity', midas.spec]] as const) {
      const ci = h.I2Lo !== null && h.I2Hi !== null ? ` (${formatPercent(h.I2Lo, true)}–${formatPercent(h.I2Hi, true)})` : '';
      rows.push({ label: `Q and I², ${label} (univariate, as midas forest plots)`, value: `Q = ${formatNumber(h.Q, 'statistic')}, df = ${h.df}, ${formatPStatement(h.p)}; I² = ${formatPercent(h.I2, true)}${ci}` });
    }
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
    caption: 'The between-study variances, their correlation and the prediction region (Figure of the SROC) are the primary description of heterogeneity in a bivariate model; I² values are given for comparison with published reviews.',
    columns: [
      { label: 'Quantity', numeric: false },
      { label: 'Value', numeric: true },
    ],
    rows: rows.map((r) => ({ flag: false, cells: [cell(r.label), cell(r.value, true)] })),
  };
}

const PUBLISHED_KEYS: { key: 'sens' | 'spec' | 'lr_positive' | 'lr_negative' | 'dor' | 'auc'; label: string; kind: Kind }[] = [
  { key: 'sens', label: 'Sensitivity', kind: 'proportion' },
  { key: 'spec', label: 'Specificity', kind: 'proportion' },
  { key: 'lr_positive', label: 'LR+', kind: 'ratio' },
  { key: 'lr_negative', label: 'LR−', kind: 'ratio' },
  { key: 'dor', label: 'DOR', kind: 'ratio' },
  { key: 'auc', label: 'AUC', kind: 'proportion' },
];

function publishedTable(results: AnalysisResults, spec: AnalysisSpec, numbering: Numbering): TableView | undefined {
  const published = spec.published;
  if (!published) return undefined;
  // with several tables per study and a grouped main analysis, the like-for-like reproduction of a
  // published analysis (which treated every table as a study) is the independent-tables fit
  const independent = results.grouping && results.grouping.structure !== 'independent' ? results.grouping.fits.find((f) => f.analysis === 'independent') : undefined;
  const reproduced = independent ?? results.pooled;
  const reproducedLabel = independent ? `${independent.label}, every table treated as a separate study as in the published analysis; the main analysis groups the tables by study` : results.pooled.model.label;
  const rows = summaryRows(reproduced, results.options.compat);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const tableRows = PUBLISHED_KEYS.filter((p) => published[p.key]).map((p) => {
    const mine = p.key === 'auc' && results.options.compat === 'midas' ? (byKey.get('auc_midas') ?? byKey.get('auc')) : byKey.get(p.key);
    const theirs = published[p.key]!;
    const difference = mine?.value ? mine.value.est - theirs.est : Number.NaN;
    const relative = mine?.value && theirs.est !== 0 ? difference / theirs.est : Number.NaN;
    return {
      flag: Math.abs(relative) > 0.1,
      cells: [
        cell(p.label),
        cell(formatInterval(theirs, p.kind), true),
        cell(display(mine?.value ?? null, p.kind), true),
        cell(p.kind === 'ratio' ? formatPercent(relative, true) : formatNumber(difference, 'proportion'), true),
      ],
    };
  });
  const extra: { label: string; published: string; mine: string }[] = [];
  const midas = results.pooled.heterogeneity.midas;
  if (published.i2_sens !== undefined) extra.push({ label: 'I², sensitivity (%)', published: formatPercent(published.i2_sens), mine: midas ? formatPercent(midas.sens.I2, true) : 'NA' });
  if (published.i2_spec !== undefined) extra.push({ label: 'I², specificity (%)', published: formatPercent(published.i2_spec), mine: midas ? formatPercent(midas.spec.I2, true) : 'NA' });
  if (published.deeks_p !== undefined) extra.push({ label: "Deeks' test p", published: formatPValue(published.deeks_p), mine: results.deeks ? formatPValue(results.deeks.slopeP) : 'NA' });
  return {
    id: 'table-published',
    number: numbering.nextTable(),
    title: 'Published and reproduced results',
    caption: `Published: ${published.source ?? 'the published analysis'}${published.software ? ` (${published.software})` : ''}. Reproduced: this analysis (${reproducedLabel}). Difference: reproduced minus published (relative difference for ratios). Shaded rows differ by more than 10%.${results.options.compat === 'midas' ? ' The AUC row uses the midas-compatible value and "CI".' : ''}`,
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
  if (!pooled.sroc && pooled.model.method !== 'univariate') blocks.push({ warning: noteMessage({ code: 'sroc-undefined-zero-variance' }) });
  if (!pooled.model.converged && !pooled.model.notes.some((n) => /not.converged/.test(n.code))) {
    blocks.push({ warning: noteMessage({ code: 'glmm-not-converged', detail: { message: pooled.model.optimizer?.message ?? 'not converged' } }) });
  }
  blocks.push({ table: summaryTable(results, numbering) });
  const grouping = groupingTable(results, numbering);
  if (grouping) blocks.push({ table: grouping });
  blocks.push(...figures.sroc());
  const heterogeneity = heterogeneityTable(results, numbering);
  if (heterogeneity) blocks.push({ table: heterogeneity });
  const published = publishedTable(results, spec, numbering);
  if (published) {
    blocks.push({ heading: 'Comparison with the published analysis' });
    blocks.push({ table: published });
    if (spec.published?.notes?.length) {
      blocks.push({ paragraph: 'Inconsistencies within the publication:' });
      blocks.push({ list: spec.published.notes });
    }
  }
  return { id: 'summary', title: 'Pooled diagnostic accuracy', newPage: true, blocks };
}
