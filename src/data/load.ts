/**
 * Data stage entry: file bytes → validated studies. Chooses the parser by extension; pure apart
 * from taking bytes the caller has read.
 */
import { extname } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { DEFAULT_LIMITS, type Limits } from '../limits.ts';
import { dataMessages as M } from '../messages.ts';
import { parseCsv, type ParseOutcome } from './csv.ts';
import { buildStudies, type BuildOptions, type StudyData } from './studies.ts';
import { parseXlsx } from './xlsx.ts';

/** Parse a CSV or XLSX file into a RawTable (chosen by extension). */
export async function parseTableFile(bytes: Uint8Array, file: string, sheet?: string, limits: Limits = DEFAULT_LIMITS): Promise<ParseOutcome> {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv' || extension === '.txt' || extension === '.tsv') return parseCsv(bytes, file, limits);
  if (extension === '.xlsx') return parseXlsx(bytes, file, sheet, limits);
  return {
    diagnostics: [{ severity: 'error', code: 'data.unsupported-format', message: M.unsupportedFormat(extension), hint: M.unsupportedFormatHint(), file }],
  };
}

export async function loadStudyData(
  bytes: Uint8Array,
  options: BuildOptions & { sheet?: string; limits?: Limits },
): Promise<{ data?: StudyData; diagnostics: Diagnostic[] }> {
  const parsed = await parseTableFile(bytes, options.file, options.sheet, options.limits);
  if (!parsed.table) {
    // a missing worksheet or an unsupported file type is a mistake in the spec: point at it there
    const located = parsed.diagnostics.map((d) =>
      d.code === 'data.sheet-missing' && options.specFile
        ? { ...d, file: options.specFile, ...(options.locateSpec?.(['data', 'sheet']) ?? {}), field: 'data.sheet' }
        : d.code === 'data.unsupported-format' && options.specFile
          ? { ...d, file: options.specFile, ...(options.locateSpec?.(['data', 'file']) ?? {}), field: 'data.file' }
          : d,
    );
    return { diagnostics: located };
  }
  return buildStudies(parsed.table, options);
}
