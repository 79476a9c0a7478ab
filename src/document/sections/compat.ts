/**
 * midas compatibility table: every place where Stata midas would print something other than the
 * correct statistic for this data set, both values, and the difference.
 */
import { formatInterval, formatNumber, formatPercent, formatPValue } from '../../format/numbers.ts';
import type { CompatItem } from '../../results/midas-compat.ts';
import { noteMessage } from '../../messages.ts';
import type { AnalysisResults } from '../../results/types.ts';
import { cell, type Numbering, type SectionView, type TableView } from '../model.ts';

function show(value: CompatItem['midas'], kind: CompatItem['kind']): string {
  if (!value) return '–';
  switch (kind) {
    case 'interval':
      return value.lo !== undefined && value.hi !== undefined ? formatInterval({ est: value.est, lo: value.lo, hi: value.hi }) : formatNumber(value.est, 'proportion');
    case 'percent':
      return value.lo !== undefined && value.hi !== undefined ? `${formatPercent(value.est)} (${formatPercent(value.lo)}–${formatPercent(value.hi)})` : formatPercent(value.est);
    case 'p':
      return formatPValue(value.est);
    case 'proportion':
      return formatNumber(value.est, 'proportion');
    default:
      return formatNumber(value.est, 'correlation');
  }
}

const forestReason = (item: CompatItem): string =>
  `midas centres Q on its "fixed-effects" model, which still has one random intercept per study shared by both arms (pooled value ${formatNumber(item.detail?.centre, 'proportion')}), not on the fixed-effect pooled proportion (${formatNumber(item.detail?.fixedEffect, 'proportion')}) that the χ² distribution of Q assumes (Q = ${formatNumber(item.detail?.midasQ, 'statistic')} instead of ${formatNumber(item.detail?.correctQ, 'statistic')}). The model-based description of heterogeneity is the between-study variance (Heterogeneity table).`;

const REASONS: Record<string, (item: CompatItem, quadrature: number) => string> = {
  'auc-ci': () =>
    'midas integrates the SROC curve by the trapezoid rule over 500 points and reports a Wilson score interval [@wilson1927] with N = 500 grid points as the "CI": it depends only on the AUC value, not on the data.',
  'forest-i2-sens': (item) => forestReason(item),
  'forest-i2-spec': (item) => forestReason(item),
  'dor-i2': (item) =>
    `midas's "odds ratio" panel sums exp(z²) instead of z² around the DOR of its "fixed-effects" model (Q = ${formatNumber(item.detail?.midasQ, 'statistic')} instead of Cochran's Q = ${formatNumber(item.detail?.correctQ, 'statistic')} around the inverse-variance mean [@higgins2002]), so I² is almost always 100%.`,
  'lr-positive-i2': () => 'midas prints the lower confidence limit of I² in place of I² for LR+ (I² as defined by Higgins and Thompson [@higgins2002]).',
  'prediction-region': () =>
    'midas multiplies ρ by the logarithms of the between-study SDs instead of the SDs when it builds the prediction ellipse, which distorts its shape and orientation whenever an SD differs from 1; the region of metandi [@metandi] uses the SDs.',
  'deeks-p': () =>
    'midas computes the effective sample size from the continuity-corrected counts of tables with a zero cell; Deeks et al. [@deeks2005] use the observed numbers of participants.',
  'meta-regression-integration': (_item, quadrature) =>
    `midas fits its meta-regression models by the Laplace approximation while the main model uses 7-point quadrature, so the reference line of its meta-regression figure differs slightly from the summary estimate; metadx fits every model with ${quadrature} points.`,
};

function difference(item: CompatItem): string {
  if (!item.midas || !item.correct) return '–';
  if (item.kind === 'interval') {
    const width = (v: NonNullable<CompatItem['midas']>) => (v.hi ?? Number.NaN) - (v.lo ?? Number.NaN);
    const ratio = width(item.midas) / width(item.correct);
    return Number.isFinite(ratio) ? `CI width ${formatNumber(ratio, 'statistic')}× the real CI` : '–';
  }
  const d = item.midas.est - item.correct.est;
  return item.kind === 'percent' ? `${formatNumber(d, 'percent')} points` : formatNumber(d, item.kind === 'p' || item.kind === 'proportion' ? 'logit' : 'correlation');
}

function bivregTable(results: AnalysisResults, numbering: Numbering): TableView | undefined {
  const rows = results.midasMetaRegression ?? [];
  if (rows.length === 0) return undefined;
  const correct = new Map(results.subgroups.map((a) => [a.label, a]));
  return {
    id: 'table-midas-bivreg',
    number: numbering.nextTable(),
    title: 'Meta-regression as Stata midas reports it',
    caption:
      'midas bivreg: Laplace fits; subgroup estimates with symmetric probability-scale CIs; stars from its z statistic on the logit scale, which divides only the second term by the standard error (an operator-precedence error in midas.ado [@midas]). The correct tests (likelihood-ratio and Wald, same quadrature as the main model) are in the meta-regression table.',
    columns: [
      { label: 'Covariate (Yes / No)', numeric: false },
      { label: 'Sen Yes / No (midas CI)', numeric: true },
      { label: 'midas p (stars)', numeric: true },
      { label: 'Correct Wald p', numeric: true },
      { label: 'Spe Yes / No (midas CI)', numeric: true },
      { label: 'midas p (stars)', numeric: true },
      { label: 'Correct Wald p', numeric: true },
    ],
    rows: rows.map((r) => {
      const regression = correct.get(r.covariate)?.metaRegression;
      const pair = (m: typeof r.sens) => `${formatInterval(m.yes)} / ${formatInterval(m.no)}`;
      return {
        flag: false,
        cells: [
          cell(`${r.covariate} (${r.levels.yes} / ${r.levels.no})`),
          cell(pair(r.sens), true),
          cell(`${formatPValue(r.sens.p)} ${r.sens.stars}`.trim(), true),
          cell(regression ? formatPValue(regression.wald.sens.p) : '–', true),
          cell(pair(r.spec), true),
          cell(`${formatPValue(r.spec.p)} ${r.spec.stars}`.trim(), true),
          cell(regression ? formatPValue(regression.wald.spec.p) : '–', true),
        ],
      };
    }),
  };
}

export function compatSection(results: AnalysisResults, numbering: Numbering): SectionView | undefined {
  const items = results.midasCompatibility;
  if (!items || items.length === 0) return undefined;
  const mainNumber = numbering.nextTable();
  const bivreg = bivregTable(results, numbering);
  return {
    id: 'midas-compatibility',
    title: 'Compatibility with Stata midas',
   
    blocks: [
      {
        paragraph:
          'The published analysis used Stata midas [@midas]. Where midas prints a value that is not the correct statistic, the table gives both for these data. Figures and tables of this supplement show the correct statistics; values labelled "midas-compatible" reproduce midas for comparison with the publication.',
      },
      {
        table: {
          id: 'table-midas',
          number: mainNumber,
          title: 'Where Stata midas differs from the correct statistic',
          caption: 'What midas version 2.00 (midas.ado of 21 December 2008, as distributed on SSC [@midas]) computes, read from its source code and checked against the output printed in its manual; the correct statistic as defined in the works cited in each row and in the methods.',
          columns: [
            { label: 'Quantity', numeric: false },
            { label: 'midas prints', numeric: true },
            { label: 'Correct', numeric: true },
            { label: 'Difference', numeric: true },
            { label: 'Why', numeric: false },
          ],
          rows: items.map((item) => ({
            flag: false,
            cells: [cell(item.quantity), cell(show(item.midas, item.kind), true), cell(show(item.correct, item.kind), true), cell(difference(item), true), cell(item.note ? noteMessage(item.note) : (REASONS[item.id]?.(item, results.options.quadrature) ?? ''))],
          })),
        },
      },
      ...(bivreg ? [{ table: bivreg }] : []),
    ],
  };
}
