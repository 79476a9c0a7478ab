/** `metadx validate [ANALYSIS...]`: check specs and data; print every problem with file:line:column. */
import { join, relative } from 'node:path';
import { UserError } from '../diagnostics.ts';
import { specMessages } from '../messages.ts';
import { discoverAnalyses, printDiagnostics, type CliIo } from './common.ts';

export async function commandValidate(targets: string[], io: CliIo, options: { allowOutsideData?: boolean } = {}): Promise<number> {
  const { loadAnalysis } = await import('../run.ts');
  const analyses = discoverAnalyses(targets, io.cwd);
  if (analyses.length === 0) {
    io.err(`error: ${specMessages.noAnalyses(join(io.cwd, 'analyses'))}`);
    return 1;
  }
  let failed = 0;
  for (const target of analyses) {
    try {
      const loaded = await loadAnalysis(target, io.cwd, { allowOutsideData: options.allowOutsideData ?? false });
      printDiagnostics(loaded.diagnostics, io);
      io.out(`ok: ${relative(io.cwd, target) || target} (${loaded.data.studies.length} ${loaded.data.studies.length === 1 ? "study" : "studies"})`);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      printDiagnostics(error.diagnostics, io);
      const errors = error.diagnostics.filter((d) => d.severity === 'error').length;
      io.err(`${relative(io.cwd, target) || target}: ${errors} problem${errors === 1 ? '' : 's'} found`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}
