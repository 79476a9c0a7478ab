/**
 * The common shape of a data file after parsing (CSV or XLSX) and before validation: text cells
 * with their position in the file, so every later error can name file, line and column.
 */

export interface CellPosition {
  /** 1-based line (CSV) or sheet row (XLSX) */
  line: number;
  /** 1-based character column (CSV) or sheet column number (XLSX) */
  column: number;
  /** spreadsheet cell reference, e.g. "C5" (XLSX only) */
  cell?: string;
}

export interface RawRow {
  /** 1-based data row number, header excluded */
  row: number;
  cells: string[];
  positions: CellPosition[];
}

export interface RawTable {
  header: string[];
  headerPositions: CellPosition[];
  rows: RawRow[];
  /** the delimiter found in a CSV (',' ';' or tab); undefined for XLSX */
  delimiter?: string;
  /** true when numbers use a decimal comma (semicolon-separated European exports) */
  decimalComma: boolean;
  /** XLSX only: the worksheet read, every worksheet of the workbook, and whether the spec named it */
  worksheet?: { name: string; all: string[]; named: boolean };
}

/** Spreadsheet column letters for a 1-based column number: 1 -> A, 27 -> AA. */
export function columnLetters(column: number): string {
  let n = column;
  let letters = '';
  while (n > 0) {
    const remainder = (n - 1) % 26;
    letters = String.fromCharCode(65 + remainder) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
