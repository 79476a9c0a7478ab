/**
 * Data stage entry: file bytes → validated studies. Chooses the parser by extension; pure apart
 * from taking bytes the caller has read.
 */
import { extname } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { dataMessages as M } from '../messages.ts';
import { parseCsv } from './csv.ts';
import { buildStudies, type BuildOptions, type StudyData } from './studies.ts';
import { parseXlsx } from './xlsx.ts';

export async function loadStudyData(
  bytes: Uint8Array,
  options: BuildOptions & { sheet?: string },
): Promise<{ data?: StudyData; diagnostics: Diagnostic[] }> {
  const extension = extname(options.file).toLowerCase();
  const parsed =
    extension === '.csv' || extension === '.txt' || extension === '.tsv'
      ? parseCsv(bytes, options.file)
      : extension === '.xlsx'
        ? await parseXlsx(bytes, options.file, options.sheet)
        : {
            diagnostics: [
              { severity: 'error' as const, code: 'data.unsupported-format', message: M.unsupportedFormat(extension), hint: M.unsupportedFormatHint(), file: options.file },
            ],
          };
  if (!parsed.table) return { diagnostics: parsed.diagnostics };
  return buildStudies(parsed.table, options);
}
