/**
 * Input and geometry of the paired forest plot (src/figures/forest.ts): what the figure shows, and
 * where each row and column goes in pixels. The geometry is plain arithmetic on text widths
 * (measured from the DejaVu TTFs), so rows of the label column and of both panels line up exactly
 * and no label is ever clipped: labels wider than the label column wrap onto extra lines.
 */
import type { IntervalLike } from '../format/numbers.ts';
import { formatCount, formatInterval, formatLevel, formatNumber, formatPercent } from '../format/numbers.ts';
import { FIGURE_PADDING, FIGURE_WIDTH, FONT_SIZE } from './theme.ts';
import { maxTextWidth, measureText, wrapText } from './text-metrics.ts';

/** One study: its label, per-study sensitivity and specificity with CIs, and the arm sizes. */
export interface ForestStudy {
  label: string;
  sens: IntervalLike;
  spec: IntervalLike;
  /** TP + FN: sets the square's area in the sensitivity panel */
  nDiseased: number;
  /** TN + FP: sets the square's area in the specificity panel */
  nNonDiseased: number;
  /** the 2x2 counts, shown as columns when `ForestOptions.showCounts` is set */
  counts?: { tp: number; fp: number; fn: number; tn: number };
}

/** The pooled estimates drawn as diamonds in the bottom row, e.g. label "Pooled (bivariate GLMM)". */
export interface ForestPooled {
  label: string;
  sens: IntervalLike;
  spec: IntervalLike;
}

/**
 * Heterogeneity under a sensitivity or specificity panel: the between-study variance of the logit
 * and an I² whose definition is named in the text (and in the figure caption), e.g. from the
 * bivariate model: τ² and the Zhou–Dendukuri I².
 */
export interface HeterogeneityStatistics {
  /** between-study variance of the logit */
  tau2?: number;
  /** I² as a proportion (0–1) */
  i2?: number;
  /** name of the I² definition, printed after the value, e.g. "Zhou–Dendukuri" */
  i2Name: string;
}

export interface ForestInput {
  rows: ForestStudy[];
  pooled?: ForestPooled;
  /** text under each panel: a preformatted string or raw statistics formatted by numbers.ts */
  heterogeneity?: { sens?: string | HeterogeneityStatistics; spec?: string | HeterogeneityStatistics };
  /** positions of the vertical reference lines when there is no pooled row (defaults to pooled.est) */
  reference?: { sens?: number; spec?: number };
  /** footnote under the figure (e.g. the CI method) */
  note?: string;
  /** coverage of the CIs, for the column headers (default 0.95) */
  level?: number;
  /** fixed label column width in px (set by paginateForest so all pages share one layout) */
  labelColumnWidth?: number;
}

export interface ForestOptions {
  /** total figure width in px including padding (default 640 ≈ 170 mm) */
  width?: number;
  /** show TP, FP, FN, TN columns after the study label */
  showCounts?: boolean;
  /** widest label column as a fraction of the width; longer labels wrap (default 0.25) */
  maxLabelFraction?: number;
  /** panel names (default "Sensitivity", "Specificity") */
  titles?: { sens?: string; spec?: string };
}

/** Fixed vertical metrics, px. */
export const FOREST_METRICS = {
  rowHeight: 16,
  lineHeight: 12.5,
  headerGap: 5,
  pooledGap: 8,
  columnGap: 10,
  /** inner padding of the plot panels so squares and tick labels at 0 and 1 stay inside */
  plotPadding: 9,
  /** space before and after a CI text column */
  textGapBefore: 8,
  textGapAfter: 6,
  /** largest square: side ≈ 0.75 row height */
  maxSquareArea: 144,
  minSquareArea: 6,
  minimumPlotWidth: 90,
  minimumLabelWidth: 80,
} as const;

export const COUNT_COLUMNS = ['tp', 'fp', 'fn', 'tn'] as const;

/** "τ² = 0.669; I² = 81.8% (Zhou–Dendukuri)" from raw statistics, via numbers.ts. */
export function formatHeterogeneity(statistics: string | HeterogeneityStatistics): string {
  if (typeof statistics === 'string') return statistics;
  const parts: string[] = [];
  if (statistics.tau2 !== undefined) parts.push(`τ² = ${formatNumber(statistics.tau2, 'variance')}`);
  if (statistics.i2 !== undefined) parts.push(`I² = ${formatPercent(statistics.i2, true)} (${statistics.i2Name})`);
  return parts.join('; ');
}

/** Interval text of a CI column, "0.90 (0.79–0.96)". */
export function intervalText(interval: IntervalLike): string {
  return formatInterval(interval, 'proportion');
}

export interface ForestColumns {
  label: number;
  counts: number[];
  plot: number;
  text: number;
  /** total of all columns (the figure width minus padding) */
  total: number;
}

export interface ForestRow {
  /** label lines (wrapped) */
  lines: string[];
  top: number;
  centre: number;
  bottom: number;
}

export interface ForestGeometry {
  columns: ForestColumns;
  headerLines: { label: string[]; counts: string[]; sens: string[]; spec: string[] };
  headerHeight: number;
  rows: ForestRow[];
  pooled?: ForestRow;
  heterogeneity: { top: number; sens: string[]; spec: string[] };
  height: number;
}

const MONO = { mono: true } as const;

/** Width of the study label column (without its gap): the widest label, capped (then labels wrap). */
export function labelColumnWidth(input: Pick<ForestInput, 'rows' | 'pooled'>, options: ForestOptions = {}): number {
  const width = options.width ?? FIGURE_WIDTH.full;
  const cap = width * (options.maxLabelFraction ?? 0.25);
  const widest = Math.max(
    maxTextWidth(input.rows.map((row) => row.label), FONT_SIZE.label),
    measureText(input.pooled?.label ?? '', FONT_SIZE.label, { bold: true }),
    measureText('Study', FONT_SIZE.label, { bold: true }),
  );
  return Math.ceil(Math.min(cap, widest));
}

function columnWidths(input: ForestInput, options: ForestOptions): ForestColumns {
  const total = (options.width ?? FIGURE_WIDTH.full) - 2 * FIGURE_PADDING;
  const gap = FOREST_METRICS.columnGap;
  const wantedLabel = (input.labelColumnWidth ?? labelColumnWidth(input, options)) + gap;
  const counts = options.showCounts
    ? COUNT_COLUMNS.map((column) => {
        const values = input.rows.map((row) => (row.counts ? formatCount(row.counts[column]) : ''));
        return Math.ceil(Math.max(maxTextWidth(values, FONT_SIZE.label, MONO), measureText('TP', FONT_SIZE.label, { bold: true }))) + gap;
      })
    : [];
  const sample = intervalText({ est: 0.5, lo: 0.5, hi: 0.5 });
  const text = Math.ceil(measureText(sample, FONT_SIZE.label, MONO)) + FOREST_METRICS.textGapBefore + FOREST_METRICS.textGapAfter;
  const countsWidth = counts.reduce((sum, value) => sum + value, 0);
  // Narrow the label column (labels then wrap) before squeezing the plots below their minimum.
  const labelBudget = total - countsWidth - 2 * (text + FOREST_METRICS.minimumPlotWidth);
  const label = Math.min(wantedLabel, Math.max(labelBudget, FOREST_METRICS.minimumLabelWidth + gap));
  const plot = Math.max(FOREST_METRICS.minimumPlotWidth, Math.floor((total - label - countsWidth - 2 * text) / 2));
  // Rounding slack goes to the label column so the figure is exactly `width` wide.
  const slack = Math.max(0, total - label - countsWidth - 2 * (plot + text));
  return { label: label + slack, counts, plot, text, total: label + slack + countsWidth + 2 * (plot + text) };
}

/** Rows of the given line counts stacked from `top`; each row is one row height plus extra lines. */
function stackRows(lineSets: string[][], top: number): ForestRow[] {
  const rows: ForestRow[] = [];
  let y = top;
  for (const lines of lineSets) {
    const height = FOREST_METRICS.rowHeight + (lines.length - 1) * FOREST_METRICS.lineHeight;
    rows.push({ lines, top: y, centre: y + height / 2, bottom: y + height });
    y += height;
  }
  return rows;
}

/** Pixel geometry of the whole forest plot. */
export function forestGeometry(input: ForestInput, options: ForestOptions = {}): ForestGeometry {
  const columns = columnWidths(input, options);
  const gap = FOREST_METRICS.columnGap;
  const { lineHeight, rowHeight } = FOREST_METRICS;
  const wrapHeader = (text: string, available: number) => wrapText(text, available, FONT_SIZE.label, { bold: true });
  const textAvailable = columns.text - FOREST_METRICS.textGapBefore - FOREST_METRICS.textGapAfter;
  const headerLines = {
    label: wrapHeader('Study', columns.label - gap),
    counts: options.showCounts ? COUNT_COLUMNS.map((column) => column.toUpperCase()) : [],
    sens: wrapHeader(`${options.titles?.sens ?? 'Sensitivity'} (${formatLevel(input.level ?? 0.95)}\u00A0CI)`, textAvailable),
    spec: wrapHeader(`${options.titles?.spec ?? 'Specificity'} (${formatLevel(input.level ?? 0.95)}\u00A0CI)`, textAvailable),
  };
  const headerLineCount = Math.max(headerLines.label.length, headerLines.sens.length, headerLines.spec.length);
  const headerHeight = rowHeight + (headerLineCount - 1) * lineHeight + FOREST_METRICS.headerGap;
  const labelWidth = columns.label - gap;
  const wrapLabel = (label: string, bold: boolean) => wrapText(label, labelWidth, FONT_SIZE.label, { bold });
  const rows = stackRows(input.rows.map((row) => wrapLabel(row.label, false)), headerHeight + FOREST_METRICS.headerGap);
  let y = rows.at(-1)?.bottom ?? headerHeight + FOREST_METRICS.headerGap;
  let pooled: ForestRow | undefined;
  if (input.pooled) {
    pooled = stackRows([wrapLabel(input.pooled.label, true)], y + FOREST_METRICS.pooledGap)[0];
    y = pooled?.bottom ?? y;
  }
  const panelWidth = columns.plot - FOREST_METRICS.plotPadding + columns.text - FOREST_METRICS.textGapAfter;
  const wrapHeterogeneity = (statistics: string | HeterogeneityStatistics | undefined): string[] =>
    statistics === undefined
      ? []
      : formatHeterogeneity(statistics)
          .split(/(?<=;)\s+/)
          .flatMap((part) => wrapText(part, panelWidth, FONT_SIZE.note));
  const heterogeneity = {
    top: y + lineHeight / 2,
    sens: wrapHeterogeneity(input.heterogeneity?.sens),
    spec: wrapHeterogeneity(input.heterogeneity?.spec),
  };
  const heterogeneityLines = Math.max(heterogeneity.sens.length, heterogeneity.spec.length);
  const height = Math.ceil(heterogeneityLines > 0 ? heterogeneity.top + heterogeneityLines * lineHeight + lineHeight / 2 : y + lineHeight / 2);
  return { columns, headerLines, headerHeight, rows, ...(pooled ? { pooled } : {}), heterogeneity, height };
}

/**
 * Split a forest plot into pages of at most `rowsPerPage` studies. Every page keeps the same label
 * column width and the reference lines at the pooled estimates; only the last page carries the
 * pooled row, the heterogeneity text and the note.
 */
export function paginateForest(input: ForestInput, rowsPerPage: number | readonly [number, number][], options: ForestOptions = {}): ForestInput[] {
  if (typeof rowsPerPage === 'number' && (!Number.isInteger(rowsPerPage) || rowsPerPage < 1)) throw new RangeError(`rowsPerPage must be a positive integer, got ${rowsPerPage}`);
  const shared = {
    labelColumnWidth: input.labelColumnWidth ?? labelColumnWidth(input, options),
    reference: {
      sens: input.reference?.sens ?? input.pooled?.sens.est,
      spec: input.reference?.spec ?? input.pooled?.spec.est,
    },
  };
  const chunks = typeof rowsPerPage === 'number' ? Array.from({ length: Math.max(1, Math.ceil(input.rows.length / rowsPerPage)) }, (_unused, page): [number, number] => [page * rowsPerPage, Math.min(input.rows.length, (page + 1) * rowsPerPage)]) : rowsPerPage;
  return chunks.map(([start, end], page) => {
    const rows = input.rows.slice(start, end);
    const last = page === chunks.length - 1;
    const { pooled, heterogeneity, note } = input;
    return { rows, ...shared, ...(input.level !== undefined ? { level: input.level } : {}), ...(last && pooled ? { pooled } : {}), ...(last && heterogeneity ? { heterogeneity } : {}), ...(last && note ? { note } : {}) };
  });
}
