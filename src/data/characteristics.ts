/**
 * Characteristics of included studies (the paper's Table 2): a free-form table, shown as given.
 * Columns to show come from the spec (column -> heading); every named column must exist.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { dataMessages as M } from '../messages.ts';
import { closest } from '../suggest.ts';
import type { RawTable } from './table.ts';

export interface CharacteristicsTable {
  /** path as written in the spec (relative to the analysis folder), for captions */
  file: string;
  columns: { key: string; label: string }[];
  rows: { row: number; cells: string[]; id: string }[];
}

const normalise = (name: string): string => name.trim().toLowerCase().replace(/[\s.-]+/g, '_');

export function buildCharacteristics(
  table: RawTable,
  options: { file: string; displayFile?: string; columns?: Record<string, string> },
): { data?: CharacteristicsTable; diagnostics: Diagnostic[] } {
  const keys = table.header.map(normalise);
  const wanted = options.columns ? Object.entries(options.columns) : table.header.map((h) => [h, h] as [string, string]);
  const diagnostics: Diagnostic[] = [];
  const indices: number[] = [];
  for (const [column] of wanted) {
    const index = keys.indexOf(normalise(column));
    if (index < 0) {
      const suggestion = closest(normalise(column), keys);
      diagnostics.push({
        severity: 'error',
        code: 'data.missing-column',
        message: M.missingColumn(column, table.header, suggestion && table.header[keys.indexOf(suggestion)]),
        hint: M.characteristicsColumnHint(),
        file: options.file,
        line: table.headerPositions[0]?.line ?? 1,
        column: 1,
        field: column,
      });
    }
    indices.push(index);
  }
  if (diagnostics.length > 0) return { diagnostics };
  const idIndex = ['study', 'study_id', 'id', 'label'].map((k) => keys.indexOf(k)).find((i) => i >= 0) ?? 0;
  return {
    data: {
      file: options.displayFile ?? options.file,
      columns: wanted.map(([key, label]) => ({ key, label })),
      rows: table.rows.map((row) => ({ row: row.row, cells: indices.map((i) => row.cells[i] ?? ''), id: row.cells[idIndex] ?? '' })),
    },
    diagnostics,
  };
}
