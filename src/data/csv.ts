/**
 * CSV bytes → RawTable. Accepts what reviewers' spreadsheets export: UTF-8 with or without BOM,
 * CRLF or LF, comma, semicolon (European Excel, then with decimal commas) or tab separators.
 * Non-UTF-8 bytes are reported with the line where they occur. Parsing by csv-parse.
 */
import { parse } from 'csv-parse/sync';
import type { Diagnostic } from '../diagnostics.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, type Limits } from '../limits.ts';
import { dataMessages as M, limitMessages as L } from '../messages.ts';
import type { CellPosition, RawTable } from './table.ts';

export interface ParseOutcome {
  table?: RawTable;
  diagnostics: Diagnostic[];
}

export function parseCsv(bytes: Uint8Array, file: string, limits: Pick<Limits, 'rows'> = DEFAULT_LIMITS): ParseOutcome {
  const sniffed = sniffBinary(bytes, file);
  if (sniffed) return { diagnostics: [sniffed] };
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') {
    return { diagnostics: [{ severity: 'error', code: 'data.not-utf8', message: M.notUtf8(), hint: M.notUtf8Hint(), file, line: text.line, column: text.column }] };
  }
  const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(text);
  if (control) {
    const before = text.slice(0, control.index);
    const line = (before.match(/\r\n|\n|\r/g)?.length ?? 0) + 1;
    const column = control.index - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    return { diagnostics: [{ severity: 'error', code: 'data.binary', message: M.controlCharacter(code), hint: M.controlCharacterHint(), file, line, column }] };
  }
  // one Unicode form for every cell, so "Küçükçiloğlu" typed on a Mac (decomposed) equals the same
  // name typed elsewhere (duplicate labels, declared covariate levels)
  const content = text.replace(/^\uFEFF/, '').normalize('NFC');
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
      // one record more than the limit allows (header + rows) is enough to refuse: stop there
      to: limits.rows + 2,
    }) as unknown as { record: string[]; raw: string; info: { lines: number } }[];
  } catch (error) {
    const e = error as { code?: string; message?: string; lines?: number };
    // csv-parse counts a CRLF inside quotes as two lines: locate quote problems with our own scan
    const problem = findQuoteProblem(content, delimiter);
    let detail: string;
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') detail = M.csvQuoteNotClosed();
    else if (e.code === 'INVALID_OPENING_QUOTE') detail = M.csvStrayQuote();
    else if (e.code === 'CSV_INVALID_CLOSING_QUOTE') detail = M.csvTextAfterQuote();
    else detail = (e.message ?? String(error)).replace(/^[A-Za-z ]+: /, '');
    const lines = content.split(/\r\n|\n|\r/).length;
    const where = problem ? { line: problem.line, column: problem.column } : e.lines ? { line: Math.min(e.lines, lines) } : {};
    return { diagnostics: [{ severity: 'error', code: 'data.csv-syntax', message: M.csvSyntax(detail), hint: M.csvSyntaxHint(), file, ...where }] };
  }
  if (records.length > limits.rows + 1) {
    return { diagnostics: [{ severity: 'error', code: 'data.too-many-rows', message: L.tooManyRows(limits.rows), hint: L.tooManyRowsHint(LIMIT_VARIABLES.rows, limits.rows * 4), file, line: records.at(-1)!.info.lines }] };
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

/**
 * Files that are not text CSV at all, recognised by their first bytes: an Excel workbook or other
 * zip archive saved under a .csv name, a legacy .xls, a PDF, UTF-16 text (with a byte-order mark,
 * or without one: every other byte 0).
 */
function sniffBinary(bytes: Uint8Array, file: string): Diagnostic | undefined {
  const starts = (...signature: number[]): boolean => signature.every((b, i) => bytes[i] === b);
  const at = { file, line: 1, column: 1 };
  if (starts(0x50, 0x4b, 0x03, 0x04)) return { severity: 'error', code: 'data.not-csv', message: M.looksLike('an Excel workbook (.xlsx) or another zip archive'), hint: M.looksLikeXlsxHint(), ...at };
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return { severity: 'error', code: 'data.not-csv', message: M.looksLike('a legacy Excel workbook (.xls)'), hint: M.looksLikeXlsHint(), ...at };
  if (starts(0x25, 0x50, 0x44, 0x46)) return { severity: 'error', code: 'data.not-csv', message: M.looksLike('a PDF document'), hint: M.notUtf8Hint(), ...at };
  const sample = bytes.subarray(0, 200);
  let evenZeros = 0;
  let oddZeros = 0;
  sample.forEach((b, i) => {
    if (b === 0) (i % 2 === 0 ? evenZeros++ : oddZeros++);
  });
  const utf16 = starts(0xff, 0xfe) || starts(0xfe, 0xff) || (sample.length >= 4 && Math.max(evenZeros, oddZeros) >= sample.length / 4);
  if (utf16) return { severity: 'error', code: 'data.utf16', message: M.utf16(), hint: M.notUtf8Hint(), ...at };
  return undefined;
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

/**
 * The first quoting problem, scanning as RFC 4180 does: a quote opening a field that is never
 * closed (its position), a quote inside an unquoted field, or text after a closing quote.
 */
function findQuoteProblem(content: string, delimiter: string): { line: number; column: number } | undefined {
  let line = 1;
  let column = 0;
  let fieldStart = true;
  let quoted = false;
  let afterClose = false;
  let opened = { line: 1, column: 1 };
  for (let i = 0; i < content.length; i++) {
    const ch = content[i]!;
    const newline = ch === '\n' || ch === '\r';
    if (ch === '\r' && content[i + 1] === '\n') i++;
    column++;
    if (quoted) {
      if (ch === '"') {
        if (content[i + 1] === '"') {
          i++;
          column++;
        } else {
          quoted = false;
          afterClose = true;
        }
      }
    } else if (afterClose) {
      if (ch === delimiter || newline) afterClose = false;
      else return { line, column };
      fieldStart = true;
    } else if (ch === '"') {
      if (!fieldStart) return { line, column };
      quoted = true;
      opened = { line, column };
    } else fieldStart = ch === delimiter || newline;
    if (newline) {
      line++;
      column = 0;
    }
  }
  return quoted ? opened : undefined;
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
