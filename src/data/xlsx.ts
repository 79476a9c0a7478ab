/**
 * XLSX bytes → RawTable (reviewers keep extraction sheets in Excel). Uses read-excel-file; formula
 * cells give their cached value. Positions carry the cell reference ("C5") for messages.
 */
import readXlsxFile from 'read-excel-file/node';
import type { Diagnostic } from '../diagnostics.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, type Limits } from '../limits.ts';
import { dataMessages as M, limitMessages as L } from '../messages.ts';
import { inspectXlsx } from './xlsx-inspect.ts';
import type { ParseOutcome } from './csv.ts';
import { columnLetters, type CellPosition } from './table.ts';

export async function parseXlsx(bytes: Uint8Array, file: string, sheet?: string, limits: Pick<Limits, 'rows' | 'xlsxBytes'> = DEFAULT_LIMITS): Promise<ParseOutcome> {
  // unzipped size and row count first: a zip bomb or a huge sheet is refused before it is parsed
  const inspection = inspectXlsx(bytes, { maxBytes: limits.xlsxBytes, ...(sheet !== undefined ? { sheet } : {}) });
  if (inspection.status === 'too-large') {
    return { diagnostics: [{ severity: 'error', code: 'data.xlsx-too-large', message: L.xlsxTooLarge(limits.xlsxBytes, bytes.byteLength), hint: L.xlsxTooLargeHint(LIMIT_VARIABLES.xlsxBytes, limits.xlsxBytes * 4), file }] };
  }
  if (inspection.status === 'ok' && inspection.rows !== undefined && inspection.rows > limits.rows + 1) {
    return { diagnostics: [{ severity: 'error', code: 'data.too-many-rows', message: L.tooManyRows(limits.rows), hint: L.tooManyRowsHint(LIMIT_VARIABLES.rows, limits.rows * 4), file, line: limits.rows + 2 }] };
  }
  if (inspection.status === 'ok' && inspection.uncachedFormulas.length > 0) {
    // read-excel-file reads these as empty cells: say what they are instead of "fill in the cell"
    return {
      diagnostics: inspection.uncachedFormulas.map((ref) => {
        const [, letters, digits] = /^([A-Z]+)(\d+)$/.exec(ref) ?? [];
        const column = letters ? [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) : undefined;
        return { severity: 'error' as const, code: 'data.xlsx-formula-without-value', message: M.formulaWithoutValue(ref), hint: M.formulaWithoutValueHint(), file, ...(digits ? { line: Number(digits) } : {}), ...(column ? { column } : {}) };
      }),
    };
  }
  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    sheets = (await readXlsxFile(Buffer.from(bytes))) as unknown as { sheet: string; data: unknown[][] }[];
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { diagnostics: [{ severity: 'error', code: 'data.xlsx-invalid', message: M.xlsxUnreadable(detail), hint: M.xlsxUnreadableHint(), file }] };
  }
  const chosen = sheet === undefined ? sheets[0] : sheets.find((s) => s.sheet === sheet);
  if (!chosen) {
    const diagnostic: Diagnostic = { severity: 'error', code: 'data.sheet-missing', message: M.sheetMissing(sheet ?? '', sheets.map((s) => s.sheet)), hint: M.sheetMissingHint(), file };
    return { diagnostics: [diagnostic] };
  }
  const rows = chosen.data.map((cells) => cells.map(cellText));
  const firstNonEmpty = rows.findIndex((cells) => cells.some((c) => c !== ''));
  if (firstNonEmpty < 0) {
    return { diagnostics: [{ severity: 'error', code: 'data.empty-file', message: M.emptyFile(), hint: M.emptyFileHint(), file }] };
  }
  const position = (rowIndex: number, columnIndex: number): CellPosition => ({
    line: rowIndex + 1,
    column: columnIndex + 1,
    cell: `${columnLetters(columnIndex + 1)}${rowIndex + 1}`,
  });
  const header = rows[firstNonEmpty]!;
  const width = rows.reduce((widest, r) => Math.max(widest, r.length), 0);
  const dataRows = rows
    .map((cells, index) => ({ cells, index }))
    .slice(firstNonEmpty + 1)
    .filter(({ cells }) => cells.some((c) => c !== ''));
  return {
    table: {
      header,
      headerPositions: header.map((_, c) => position(firstNonEmpty, c)),
      rows: dataRows.map(({ cells, index }, i) => ({
        row: i + 1,
        cells,
        positions: Array.from({ length: Math.max(width, cells.length) }, (_, c) => position(index, c)),
      })),
      decimalComma: false,
      worksheet: { name: chosen.sheet, all: sheets.map((s) => s.sheet), named: sheet !== undefined },
    },
    diagnostics: [],
  };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  return String(value).trim().normalize('NFC');
}
