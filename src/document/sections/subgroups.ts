/**
 * Subgroup analyses (Table 3 layout: overall row first, then each covariate's levels with N (%),
 * Sen, Spe, PLR, NLR, DOR, AUC), the meta-regression tests, and — when the spec lists published
 * subgroup results — the published Table 3 with the difference in each cell.
 */
import { formatCountOf, formatInterval, formatLevel, formatNumber, formatPercent, formatPStatement, formatRatio, type IntervalLike } from '../../format/numbers.ts';
import { noteMessage } from '../../messages.ts';
import type { PooledResult } from '../../results/pooled.ts';
import type { SubgroupAnalysis } from '../../results/subgroups.ts';
import type { AnalysisResults } from '../../results/types.ts';
import type { AnalysisSpec } from '../../spec/schema.ts';
import { cell, type Block, type CellView, type Numbering, type SectionView, type TableView } from '../model.ts';

type MeasureKey = 'sens' | 'spec' | 'lr_positive' | 'lr_negative' | 'dor' | 'auc';
const MEASURES: { key: MeasureKey; label: string; ratio: boolean }[] = [
  { key: 'sens', label: 'Sen', ratio: false },
  { key: 'spec', label: 'Spe', ratio: false },
  { key: 'lr_positive', label: 'PLR', ratio: true },
  { key: 'lr_negative', label: 'NLR', ratio: true },
  { key: 'dor', label: 'DOR', ratio: true },
  { key: 'auc', label: 'AUC', ratio: false },
];

/** The model's estimate of one measure, with its real CI (the AUC's real CI, never midas's Wilson "CI"). */
function measureOf(pooled: PooledResult, key: MeasureKey): IntervalLike | null {
  switch (key) {
    case 'sens':
      return pooled.summary.sens;
    case 'spec':
      return pooled.summary.spec;
    case 'lr_positive':
      return pooled.summary.lrPositive;
    case 'lr_negative':
      return pooled.summary.lrNegative;
    case 'dor':
      return pooled.summary.dor;
    case 'auc': {
      // without an interval (not estimable) the estimate is shown alone
      const a = pooled.auc;
      return a && a.est !== null ? { est: a.est, lo: a.lo ?? Number.NaN, hi: a.hi ?? Number.NaN } : null;
    }
  }
}

const show = (value: IntervalLike | null, ratio: boolean): string =>
  !value || !Number.isFinite(value.est) ? '–' : Number.isFinite(value.lo) ? formatInterval(value, ratio ? 'ratio' : 'proportion') : ratio ? formatRatio(value.est) : formatNumber(value.est, 'proportion');

function rowCells(label: string, k: number, fraction: number, pooled: PooledResult, strong = false): CellView[] {
  const univariate = pooled.model.method === 'univariate';
  return [
    cell(`${label}${univariate ? ' †' : ''}`, false, strong),
    cell(`${k} (${formatPercent(fraction, true).replace('.0%', '%')})`, true, strong),
    ...MEASURES.map((m) => cell(show(measureOf(pooled, m.key), m.ratio), true, strong)),
  ];
}

function table3(results: AnalysisResults, numbering: Numbering): TableView {
  const rows: TableView['rows'] = [{ flag: false, cells: rowCells('Overall', results.k, 1, results.pooled, true) }];
  for (const analysis of results.subgroups.filter((a) => a.type === 'categorical')) {
    const lrt = analysis.metaRegression?.lrt;
    rows.push({ flag: false, group: `${analysis.label}${lrt ? ` (meta-regression LRT ${formatPStatement(lrt.p)})` : ''}`, cells: [] });
    for (const level of analysis.levels) rows.push({ flag: false, cells: rowCells(level.label, level.k, level.fraction, level.pooled) });
  }
  const level = formatLevel(results.level);
  return {
    id: 'table-subgroups',
    number: numbering.nextTable(),
    title: 'Subgroup analyses',
    caption: `Pooled estimates (${level} CI) per subgroup: ${results.pooled.model.label} fitted separately in each subgroup. N (%): number of 2x2 tables. Sen, sensitivity; Spe, specificity; PLR/NLR, positive/negative likelihood ratio; DOR, diagnostic odds ratio; AUC, area under the SROC curve with its confidence interval, computed as for the summary table (the AUC alone where no interval could be computed; never the Wilson "CI" that Stata midas prints). The p-value tests the difference between subgroups: likelihood-ratio test of the bivariate meta-regression (covariate on logit sensitivity and logit specificity) against the model without it.`,
    columns: [
      { label: 'Subgroup', numeric: false },
      { label: 'N (%)', numeric: true },
      ...MEASURES.map((m) => ({ label: m.label, numeric: true })),
    ],
    rows,
    // the footnote only when a row carries its mark
    ...(rows.some((row) => row.cells[0]?.text.endsWith(' †')) ? { note: '† fewer than 4 tables: univariate pooling of each measure (REML), no AUC.' } : {}),
  };
}

function testsTable(results: AnalysisResults, numbering: Numbering): TableView {
  const rows = results.subgroups
    .filter((a) => a.metaRegression)
    .map((a: SubgroupAnalysis) => {
      const m = a.metaRegression!;
      return {
        flag: false,
        cells: [
          cell(`${a.label}${a.type === 'continuous' ? ' (continuous)' : ''}`),
          cell(String(m.k), true),
          cell(`χ² = ${formatNumber(m.lrt.statistic, 'statistic')}, df = ${m.lrt.df}, ${formatPStatement(m.lrt.p)}`, true),
          cell(formatPStatement(m.wald.sens.p), true),
          cell(formatPStatement(m.wald.spec.p), true),
          cell(a.varianceTest ? formatPStatement(a.varianceTest.p) : '–', true),
        ],
      };
    });
  return {
    id: 'table-meta-regression',
    number: numbering.nextTable(),
    title: 'Meta-regression tests',
    caption: `${results.subgroups[0]?.metaRegression?.method ?? 'Bivariate meta-regression'}. LRT: likelihood-ratio test against the model without the covariate (df = 2 × (levels − 1)). Wald: tests of the covariate terms on logit sensitivity and on logit specificity separately. Equal variances: likelihood-ratio test of level-specific against common between-study (co)variances (df = 3 × (levels − 1); only when every level has at least 4 tables).`,
    columns: [
      { label: 'Covariate', numeric: false },
      { label: 'k', numeric: true },
      { label: 'Joint LRT', numeric: true },
      { label: 'Wald, Sen', numeric: true },
      { label: 'Wald, Spe', numeric: true },
      { label: 'Equal variances', numeric: true },
    ],
    rows,
  };
}

function publishedTable3(results: AnalysisResults, spec: AnalysisSpec, numbering: Numbering): TableView | undefined {
  const comparison = results.published;
  if (!comparison || comparison.subgroups.length === 0) return undefined;
  const rows: TableView['rows'] = [];
  let covariate: string | undefined;
  for (const entry of comparison.subgroups) {
    const analysis = results.subgroups.find((a) => a.covariate === entry.covariate);
    const level = analysis?.levels.find((l) => l.level === entry.level);
    if (!analysis || !level) continue;
    if (entry.covariate !== covariate) rows.push({ flag: false, group: analysis.label, cells: [] });
    covariate = entry.covariate;
    const cells: CellView[] = [cell(level.label), cell(entry.n.published !== null ? `${entry.n.published} / ${entry.n.reproduced}` : String(entry.n.reproduced), true)];
    for (const m of MEASURES) {
      const c = entry.cells.find((candidate) => candidate.measure === m.key);
      if (!c) {
        cells.push(cell('–', true));
        continue;
      }
      const diffText = m.ratio
        ? c.relativeDifference === null ? 'Δ NA' : `Δ ${formatPercent(c.relativeDifference, true)}`
        : c.difference === null ? 'Δ NA' : `Δ ${formatNumber(c.difference, 'proportion').replace(/^(?=\d)/, '+')}`;
      cells.push({ ...cell(show(c.published, m.ratio), true), sub: diffText });
    }
    rows.push({ flag: false, cells });
  }
  if (rows.length === 0) return undefined;
  const midas = comparison.subgroups.some((entry) => entry.cells.some((c) => c.source === 'midas-compatible'));
  const notes = [
    ...(results.provenance.status !== 'real' ? ['The reproduced values rest on stand-in data (see Data provenance); differences are expected.'] : []),
    ...(comparison.unmatched.length > 0 ? [`Published subgroups not reproduced (no such covariate or level in the analysis): ${comparison.unmatched.join('; ')}.`] : []),
  ];
  return {
    id: 'table-subgroups-published',
    number: numbering.nextTable(),
    title: 'Published subgroup results and differences',
    caption: `Each cell: the published estimate (${spec.published?.source ?? 'publication'}) and, below it, Δ = reproduced − published (relative difference for ratios). N: published / reproduced number of tables.${midas ? ' AUC: compared with the AUC as Stata midas computes it (the publication used midas); the real AUC and its CI are in the subgroup table.' : ''}`,
    columns: [
      { label: 'Subgroup', numeric: false },
      { label: 'N', numeric: true },
      ...MEASURES.map((m) => ({ label: m.label, numeric: true })),
    ],
    rows,
    ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
  };
}

export function subgroupsSection(results: AnalysisResults, spec: AnalysisSpec, numbering: Numbering, figure: () => Block[] = () => []): SectionView | undefined {
  if (results.subgroups.length === 0) return undefined;
  const blocks: Block[] = [];
  for (const analysis of results.subgroups) {
    for (const note of analysis.notes) blocks.push({ warning: noteMessage(note) });
    if (analysis.excluded.length > 0) {
      blocks.push({ paragraph: `${analysis.label}: ${formatCountOf(analysis.excluded.length, 'table')} without a value ${analysis.excluded.length === 1 ? 'was' : 'were'} left out: ${analysis.excluded.map((i) => results.studies[i]!.label).join('; ')}.` });
    }
  }
  if (results.subgroups.some((a) => a.type === 'categorical')) blocks.push({ table: table3(results, numbering) });
  blocks.push(...figure());
  blocks.push({ table: testsTable(results, numbering) });
  const published = publishedTable3(results, spec, numbering);
  if (published) blocks.push({ table: published });
  return { id: 'subgroups', title: 'Subgroup analyses and meta-regression', blocks };
}
