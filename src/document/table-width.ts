/**
 * Will a table fit the text column of a portrait page without shrinking the document?
 *
 * Chromium shrinks the whole printed document when one element is wider than the page (a 900 px
 * table once printed every page at 74 %). Text cells may wrap between words and numeric cells
 * between an estimate and its interval ("0.86" / "(0.82–0.90)"), but nothing narrower: the width a
 * table needs is, per column, its widest unbreakable piece (measured with the DejaVu metrics the
 * PDF uses) plus the cell padding. A table that needs more than the portrait column goes on a
 * landscape page; one that needs more than that too is flagged (`tooWide`), which the tests forbid.
 */
import { measureText } from '../figures/text-metrics.ts';
import type { TableView } from './model.ts';

const PX_PER_PT = 96 / 72;
const PX_PER_MM = 96 / 25.4;
/** templates/style.css: table text and cell padding */
const TABLE_FONT_PT = 8;
const CELL_PADDING_MM = 2 * 1.5;
/** text column of A4/Letter portrait and landscape pages with 16 mm side margins (the narrower paper: A4 width, Letter height) */
export const COLUMN_MM = { portrait: 210 - 32, landscape: 279.4 - 32 } as const;

/** The pieces a cell's text may not be broken within. */
export function unbreakablePieces(text: string, numeric: boolean): string[] {
  if (numeric) {
    // an estimate and its interval, "0.86 (0.82–0.90)" (templates/partials/table.hbs, cellText)
    const interval = /^(\S*\d\S*) (\(.*\))$/.exec(text);
    return interval ? [interval[1]!, interval[2]!] : [text];
  }
  return text.split(/[\s/]+/).filter((piece) => piece !== '');
}

/** Width in mm that a table needs at the least (every column at its widest unbreakable piece). */
export function minimumTableWidthMm(table: Pick<TableView, 'columns' | 'rows'>): number {
  const fontPx = TABLE_FONT_PT * PX_PER_PT;
  const widths = table.columns.map((column) => Math.max(...unbreakablePieces(column.label, false).map((piece) => measureText(piece, fontPx, { bold: true }))));
  for (const row of table.rows) {
    if (row.group !== undefined) continue;
    row.cells.forEach((cell, i) => {
      const need = Math.max(0, ...unbreakablePieces(cell.text, cell.numeric).map((piece) => measureText(piece, fontPx, cell.strong ? { bold: true } : {})));
      widths[i] = Math.max(widths[i] ?? 0, need);
    });
  }
  return widths.reduce((sum, w) => sum + w / PX_PER_MM + CELL_PADDING_MM, 0);
}

/** Comfortable width: numeric cells on one line, text at its widest word. */
export function comfortableTableWidthMm(table: Pick<TableView, 'columns' | 'rows'>): number {
  const joined = { ...table, rows: table.rows.map((row) => ({ ...row, cells: row.cells.map((cell) => (cell.numeric ? { ...cell, text: cell.text.replace(/ \(/, '\u00a0(') } : cell)) })) };
  return minimumTableWidthMm(joined);
}

/** Portrait when the table fits the portrait column with its numbers on one line, else landscape. */
export function tableOrientation(table: Pick<TableView, 'columns' | 'rows'>): 'portrait' | 'landscape' {
  return comfortableTableWidthMm(table) <= COLUMN_MM.portrait ? 'portrait' : 'landscape';
}
