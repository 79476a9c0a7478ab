/**
 * Input and pixel geometry of an "interval panels" figure: a label column, then one or more panels,
 * each a plot (point + CI rule per row on its own axis) followed by a text column ("0.90 [0.79,
 * 0.96]"). It is the forest-plot layout of forest-layout.ts generalised to any number of panels,
 * heading rows (a covariate above its levels), highlighted cells and log axes; the meta-regression,
 * leave-one-out, cumulative and univariate forest figures are all built on it. Labels wider than
 * the label column wrap onto extra lines; nothing is truncated.
 */
import { formatCount, type IntervalLike } from '../format/numbers.ts';
import type { AxisTicks } from './axis-ticks.ts';
import type { LegendItem } from './figure-legend.ts';
import { FIGURE_PADDING, FIGURE_WIDTH, FONT_SIZE } from './theme.ts';
import { maxTextWidth, measureText, wrapText } from './text-metrics.ts';

export type PanelRowKind = 'heading' | 'row' | 'pooled';

/** One row's content in one panel; the interval is in the panel axis' units. */
export interface PanelCell {
  interval?: IntervalLike;
  /** text of the panel's text column (an interval, or a p-value on heading rows) */
  text: string;
  /** drawn in the highlight colour (e.g. an estimate outside the all-studies CI) */
  highlight?: boolean;
  /** area of the square in px² (default: a fixed middle size) */
  area?: number;
  /** a pooled row's diamond in grey instead of the pooled colour (a second pool shown for comparison) */
  secondary?: boolean;
}

export interface PanelRow {
  kind: PanelRowKind;
  label: string;
  /**
   * short text right-aligned in the label column on the row's first line (e.g. "k = 6"); on heading
   * rows it goes on a line of its own below the heading when it would widen the column ("LRT p = 0.002")
   */
  labelNote?: string;
  /** indent the label (levels under a heading) */
  indent?: boolean;
  /** one cell per panel */
  cells: PanelCell[];
  /** texts of the input's `columns`, in order (e.g. the 2x2 counts) */
  columns?: string[];
}

export interface IntervalPanel {
  /** axis title under the plot */
  title: string;
  /** header of the text column, e.g. "Sensitivity (95% CI)" (wraps) */
  header: string;
  axis: AxisTicks & { type: 'linear' | 'log' };
  /** vertical lines: 'pooled' dashed in the pooled colour (an estimate), 'null' solid grey (no effect, e.g. 1) */
  references?: { value: number; role: 'pooled' | 'null' }[];
  /** shaded band between two values (e.g. the all-studies CI), behind the rows */
  band?: [number, number];
  /** text under the panel (e.g. heterogeneity statistics); wrapped, and broken after each ";" */
  notes?: string;
}

export interface IntervalPanelsInput {
  /** header of the label column, e.g. "Study" */
  labelHeader: string;
  rows: PanelRow[];
  /** text columns between the label column and the panels (e.g. TP, FP, FN, TN): right-aligned, monospace */
  columns?: { header: string }[];
  /** put each panel's text column before its plot (RevMan) instead of after it (midas; default) */
  textBeforePlot?: boolean;
  panels: IntervalPanel[];
  /** symbol of non-pooled rows (default 'square') */
  marker?: 'square' | 'circle';
  /** legend under the figure */
  legend?: LegendItem[];
  /** footnote under the figure */
  note?: string;
}

export interface IntervalPanelsOptions {
  /** total width in px including padding (default 640) */
  width?: number;
  /** widest label column as a fraction of the width (default 0.3); longer labels wrap */
  maxLabelFraction?: number;
}

/** "k = 13" with no-break spaces, so a wrapped label never splits the study count. */
export function studyCountText(k: number): string {
  return `k\u00A0=\u00A0${formatCount(k)}`;
}

export const PANEL_METRICS = {
  rowHeight: 16,
  lineHeight: 12.5,
  headerGap: 5,
  /** extra space above a heading row that follows other rows */
  groupGap: 6,
  pooledGap: 8,
  columnGap: 10,
  indent: 12,
  plotPadding: 9,
  textGapBefore: 8,
  textGapAfter: 6,
  defaultSquareArea: 42,
  minimumPlotWidth: 90,
  minimumLabelWidth: 80,
} as const;

export interface RowGeometry {
  row: PanelRow;
  /** label lines (wrapped) */
  lines: string[];
  /** the label note and where it goes (beside the first line, or on a line below the label) */
  note?: { text: string; x: number; y: number; align: 'left' | 'right' };
  top: number;
  centre: number;
  bottom: number;
}

export interface PanelColumns {
  label: number;
  /** widths of the input's `columns` (each with its gap) */
  extra: number[];
  plot: number;
  /** text column width per panel */
  text: number[];
  total: number;
}

export interface PanelsGeometry {
  columns: PanelColumns;
  headerLines: { label: string[]; panels: string[][] };
  headerHeight: number;
  rows: RowGeometry[];
  /** first line y of the notes under the panels, and their lines per panel */
  notes: { top: number; lines: string[][] };
  height: number;
}

const BOLD = { bold: true } as const;
const MONO = { mono: true } as const;

/** Width a cell's text takes: heading rows use the sans face, other rows monospace. */
function cellTextWidth(row: PanelRow, cell: PanelCell | undefined): number {
  if (!cell) return 0;
  return row.kind === 'heading' ? measureText(cell.text, FONT_SIZE.label) : measureText(cell.text, FONT_SIZE.label, row.kind === 'pooled' ? { mono: true, bold: true } : MONO);
}

function noteWidth(row: PanelRow): number {
  return row.labelNote ? measureText(row.labelNote, FONT_SIZE.label) + PANEL_METRICS.columnGap : 0;
}

function labelTextWidth(row: PanelRow): number {
  return measureText(row.label, FONT_SIZE.label, { bold: row.kind !== 'row' }) + (row.indent ? PANEL_METRICS.indent : 0);
}

/**
 * Label column width, capped: the widest label, with its note beside it on rows; a heading's note
 * does not widen the column (it moves under the heading instead when it does not fit beside it).
 */
function labelWidthWanted(input: IntervalPanelsInput, options: IntervalPanelsOptions): number {
  const cap = (options.width ?? FIGURE_WIDTH.full) * (options.maxLabelFraction ?? 0.3);
  const labels = Math.max(
    measureText(input.labelHeader, FONT_SIZE.label, BOLD),
    ...input.rows.map((row) => labelTextWidth(row) + (row.kind === 'heading' ? 0 : noteWidth(row))),
  );
  const notes = Math.max(0, ...input.rows.map((row) => (row.labelNote ? measureText(row.labelNote, FONT_SIZE.label) + PANEL_METRICS.indent : 0)));
  return Math.ceil(Math.min(cap, Math.max(labels, notes)));
}

function columnWidths(input: IntervalPanelsInput, options: IntervalPanelsOptions): PanelColumns {
  const total = (options.width ?? FIGURE_WIDTH.full) - 2 * FIGURE_PADDING;
  const { columnGap, textGapBefore, textGapAfter, minimumPlotWidth, minimumLabelWidth } = PANEL_METRICS;
  const text = input.panels.map((panel, index) => {
    const longestWord = maxTextWidth(panel.header.split(/\s+/), FONT_SIZE.label, BOLD);
    const widest = Math.max(longestWord, ...input.rows.map((row) => cellTextWidth(row, row.cells[index])));
    return Math.ceil(widest) + textGapBefore + textGapAfter;
  });
  const extra = (input.columns ?? []).map((column, index) =>
    Math.ceil(Math.max(measureText(column.header, FONT_SIZE.label, BOLD), maxTextWidth(input.rows.map((row) => row.columns?.[index] ?? ''), FONT_SIZE.label, MONO))) + columnGap,
  );
  const textTotal = text.reduce((sum, width) => sum + width, 0) + extra.reduce((sum, width) => sum + width, 0);
  const panelCount = Math.max(1, input.panels.length);
  const labelBudget = total - textTotal - panelCount * minimumPlotWidth;
  const label = Math.min(labelWidthWanted(input, options) + columnGap, Math.max(labelBudget, minimumLabelWidth + columnGap));
  const plot = Math.max(minimumPlotWidth, Math.floor((total - label - textTotal) / panelCount));
  const slack = Math.max(0, total - label - textTotal - panelCount * plot);
  return { label: label + slack, extra, plot, text, total: label + slack + textTotal + panelCount * plot };
}

/** Pixel geometry of the whole figure (without legend and footnote, which sit below it). */
export function panelsGeometry(input: IntervalPanelsInput, options: IntervalPanelsOptions = {}): PanelsGeometry {
  const columns = columnWidths(input, options);
  const { rowHeight, lineHeight, headerGap, columnGap } = PANEL_METRICS;
  const wrapBold = (text: string, width: number) => wrapText(text, width, FONT_SIZE.label, BOLD);
  const headerLines = {
    label: wrapBold(input.labelHeader, columns.label - columnGap),
    panels: input.panels.map((panel, index) => wrapBold(panel.header, (columns.text[index] ?? 0) - PANEL_METRICS.textGapBefore - PANEL_METRICS.textGapAfter)),
  };
  const headerLineCount = Math.max(headerLines.label.length, ...headerLines.panels.map((lines) => lines.length));
  const headerHeight = rowHeight + (headerLineCount - 1) * lineHeight + headerGap;
  let y = headerHeight + headerGap;
  const labelWidth = columns.label - columnGap;
  const rows = input.rows.map((row, index) => {
    const indent = row.indent ? PANEL_METRICS.indent : 0;
    const labelOnly = wrapText(row.label, Math.max(labelWidth - indent, PANEL_METRICS.minimumLabelWidth / 2), FONT_SIZE.label, { bold: row.kind !== 'row' });
    // A note sits right-aligned on the first line when both fit, else on a line of its own below.
    const noteBeside = row.labelNote !== undefined && labelTextWidth(row) + noteWidth(row) <= labelWidth;
    const lines = noteBeside ? wrapText(row.label, labelWidth - indent - noteWidth(row), FONT_SIZE.label, { bold: row.kind !== 'row' }) : labelOnly;
    const extraLines = row.labelNote !== undefined && !noteBeside ? 1 : 0;
    if (row.kind === 'pooled') y += PANEL_METRICS.pooledGap;
    else if (row.kind === 'heading' && index > 0) y += PANEL_METRICS.groupGap;
    const height = rowHeight + (lines.length + extraLines - 1) * lineHeight;
    const firstLine = y + rowHeight / 2;
    const note = row.labelNote === undefined
      ? undefined
      : noteBeside
        ? { text: row.labelNote, x: labelWidth, y: firstLine, align: 'right' as const }
        : { text: row.labelNote, x: indent + PANEL_METRICS.indent, y: firstLine + lines.length * lineHeight, align: 'left' as const };
    const geometry: RowGeometry = { row, lines, ...(note ? { note } : {}), top: y, centre: y + height / 2, bottom: y + height };
    y += height;
    return geometry;
  });
  // notes start at the plot's left edge and may run on under the text column that follows the plot
  const panelWidth = input.textBeforePlot
    ? columns.plot - 2 * PANEL_METRICS.plotPadding
    : columns.plot - PANEL_METRICS.plotPadding + Math.min(...columns.text, columns.plot) - PANEL_METRICS.textGapAfter;
  const noteLines = input.panels.map((panel) => (panel.notes === undefined ? [] : packNote(panel.notes, panelWidth)));
  const noteCount = Math.max(0, ...noteLines.map((lines) => lines.length));
  const notesTop = y + lineHeight / 2;
  const height = Math.ceil(noteCount > 0 ? notesTop + noteCount * lineHeight + lineHeight / 2 : y + lineHeight / 2);
  return { columns, headerLines, headerHeight, rows, notes: { top: notesTop, lines: noteLines }, height };
}

/**
 * Lines of a panel note: its ";"-separated parts joined greedily while they fit on a line, so a
 * line break falls between statistics ("…, p < 0.001;" / "I² = 95.8%") rather than inside one.
 */
function packNote(note: string, width: number): string[] {
  const lines: string[] = [];
  for (const part of note.split(/(?<=;)\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && last.endsWith(';') && measureText(`${last} ${part}`, FONT_SIZE.note) <= width) lines[lines.length - 1] = `${last} ${part}`;
    else lines.push(...wrapText(part, width, FONT_SIZE.note));
  }
  return lines;
}

/**
 * y of the first label line, for baseline 'middle': labels are centred on their row, except that a
 * label with its note on a line below starts at the top (the note takes the last line).
 */
export function firstLineY(row: RowGeometry): number {
  if (row.note?.align === 'left') return row.top + PANEL_METRICS.rowHeight / 2;
  return row.centre - ((row.lines.length - 1) * PANEL_METRICS.lineHeight) / 2;
}

/**
 * y where a row's marks and texts go: its centre; a heading's texts (p-values) go on its first line,
 * as does everything of a row whose note sits on a line below the label.
 */
export function anchorY(row: RowGeometry): number {
  return row.row.kind === 'heading' || row.note?.align === 'left' ? firstLineY(row) : row.centre;
}
