/**
 * CSV bytes → RawTable. Accepts what reviewers' spreadsheets export: UTF-8 with or without BOM,
 * CRLF or LF, comma, semicolon (European Excel, then with decimal commas) or tab separators.
 * Non-UTF-8 bytes are reported with the line where they occur. Parsing by csv-parse.
 */
import { parse } from 'csv-parse/sync';
import type { Diagnostic } from '../diagnostics.ts';
import { dataMessages as M } from '../messages.ts';
import type { CellPosition, RawTable } from './table.ts';

export interface ParseOutcome {
  table?: RawTable;
  diagnostics: Diagnostic[];
}

export function parseCsv(bytes: Uint8Array, file: string): ParseOutcome {
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') {
    return { diagnostics: [{ severity: 'error', code: 'data.not-utf8', message: M.notUtf8(), hint: M.notUtf8Hint(), file, line: text.line, column: text.column }] };
  }
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') {
    return { diagnostics: [{ severity: 'error', code: 'data.empty-file', message: M.emptyFile(), hint: M.emptyFileHint(), file, line: 1, column: 1 }] };
  }
  const delimiter = detectDelimiter(content);
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    records = parse(content, {
      delimiter,
      raw: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as { record: string[]; raw: string; info: { lines: number } }[];
  } catch (error) {
    const e = error as { code?: string; message?: string; lines?: number };
    let line = e.lines;
    let detail: string;
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      line = unclosedQuoteLine(content) ?? line;
      detail = M.csvQuoteNotClosed();
    } else if (e.code === 'INVALID_OPENING_QUOTE') detail = M.csvStrayQuote();
    else if (e.code === 'CSV_INVALID_CLOSING_QUOTE') detail = M.csvTextAfterQuote();
    else detail = (e.message ?? String(error)).replace(/^[A-Za-z ]+: /, '');
    return { diagnostics: [{ severity: 'error', code: 'data.csv-syntax', message: M.csvSyntax(detail), hint: M.csvSyntaxHint(), file, ...(line ? { line } : {}) }] };
  }
  const [headerRecord, ...dataRecords] = records;
  if (!headerRecord) {
    return { diagnostics: [{ severity: 'error', code: 'data.empty-file', message: M.emptyFile(), hint: M.emptyFileHint(), file, line: 1, column: 1 }] };
  }
  const positionsOf = (entry: { raw: string; info: { lines: number } }, count: number): CellPosition[] => {
    const startLine = entry.info.lines - (entry.raw.replace(/\r\n?|\n$/g, '').match(/\r\n|\n|\r/g)?.length ?? 0);
    return fieldColumns(entry.raw, delimiter, count).map((column) => ({ line: startLine, column }));
  };
  const header = headerRecord.record.map((h) => h.trim());
  const table: RawTable = {
    header,
    headerPositions: positionsOf(headerRecord, header.length),
    rows: dataRecords
      .filter((entry) => entry.record.some((cell) => cell.trim() !== ''))
      .map((entry, index) => ({
        row: index + 1,
        cells: entry.record.map((cell) => cell.trim()),
        positions: positionsOf(entry, Math.max(entry.record.length, header.length)),
      })),
    delimiter,
    decimalComma: delimiter === ';' && /\d,\d/.test(content),
  };
  return { table, diagnostics: [] };
}

/** Decode strictly; on invalid bytes return the 1-based line/column of the first bad byte. */
function decodeUtf8(bytes: Uint8Array): string | { line: number; column: number } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let start = 0;
    let line = 1;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i));
        } catch {
          const lineBytes = bytes.subarray(start, i);
          let column = 1;
          for (let j = 1; j <= lineBytes.length; j++) {
            try {
              new TextDecoder('utf-8', { fatal: true }).decode(lineBytes.subarray(0, j));
              column = j + 1;
            } catch {
              break;
            }
          }
          return { line, column };
        }
        start = i + 1;
        line++;
      }
    }
    return { line: 1, column: 1 };
  }
}

/** 1-based line on which a quoted field starts that is never closed. */
function unclosedQuoteLine(content: string): number | undefined {
  let quoted = false;
  let openedAt: number | undefined;
  let line = 1;
  for (const ch of content) {
    if (ch === '"') {
      quoted = !quoted;
      if (quoted) openedAt = line;
    } else if (ch === '\n') line++;
  }
  return quoted ? openedAt : undefined;
}

/** The separator of the header line: the most frequent of , ; and tab outside quotes. */
function detectDelimiter(content: string): string {
  const firstLine = content.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** 1-based character column where each field of a raw record starts (quote-aware). */
function fieldColumns(raw: string, delimiter: string, count: number): number[] {
  const columns = [1];
  let quoted = false;
  let position = 1;
  for (const ch of raw) {
    if (ch === '\r' || ch === '\n') break;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === delimiter) columns.push(position + 1);
    position++;
  }
  while (columns.length < count) columns.push(position);
  return columns;
}
