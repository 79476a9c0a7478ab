/**
 * `metadx validate [ANALYSIS...] [--json]`: check specs and data as `metadx report` would (the same
 * loading, the same limits, the same output-name rules), without writing anything; print every
 * problem with file:line:column, or with --json one JSON object (README.md, "Machine-readable
 * output").
 */
import { join, relative } from 'node:path';
import { UserError, type Diagnostic } from '../diagnostics.ts';
import type { Limits } from '../limits.ts';
import { specMessages } from '../messages.ts';
import { METADX_VERSION } from '../version.ts';
import { discoverAnalyses, printDiagnostics, type CliIo } from './common.ts';

export interface ValidateOutcome {
  target: string;
  spec: string | null;
  outcome: 'ok' | 'invalid';
  name: string | null;
  version: string | null;
  studies: number | null;
  diagnostics: Diagnostic[];
}

export async function commandValidate(targets: string[], io: CliIo, options: { allowOutsideData?: boolean; json?: boolean; limits?: Limits } = {}): Promise<number> {
  const { loadAnalysis, resolveSpecPath } = await import('../run.ts');
  const analyses = discoverAnalyses(targets, io.cwd);
  const shown = (path: string) => relative(io.cwd, path) || path;
  if (analyses.length === 0) {
    const diagnostic: Diagnostic = { severity: 'error', code: 'spec.no-analyses', message: specMessages.noAnalyses(join(io.cwd, 'analyses')) };
    if (options.json) io.out(JSON.stringify({ command: 'validate', metadx: METADX_VERSION, outcome: 'invalid', exitCode: 1, diagnostics: [diagnostic], analyses: [] }, null, 2));
    else io.err(`error: ${diagnostic.message}`);
    return 1;
  }
  const outcomes: ValidateOutcome[] = [];
  for (const target of analyses) {
    try {
      const loaded = await loadAnalysis(target, io.cwd, { allowOutsideData: options.allowOutsideData ?? false, ...(options.limits ? { limits: options.limits } : {}) });
      outcomes.push({ target: shown(target), spec: loaded.specFile, outcome: 'ok', name: loaded.name, version: String(loaded.spec.version), studies: loaded.data.studies.length, diagnostics: loaded.diagnostics });
      if (!options.json) {
        printDiagnostics(loaded.diagnostics, io);
        io.out(`ok: ${shown(target)} (${loaded.data.studies.length} ${loaded.data.studies.length === 1 ? 'study' : 'studies'})`);
      }
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      outcomes.push({ target: shown(target), spec: shown(resolveSpecPath(target)), outcome: 'invalid', name: null, version: null, studies: null, diagnostics: error.diagnostics });
      if (!options.json) {
        printDiagnostics(error.diagnostics, io);
        const errors = error.diagnostics.filter((d) => d.severity === 'error').length;
        io.err(`${shown(target)}: ${errors} problem${errors === 1 ? '' : 's'} found`);
      }
    }
  }
  const code = outcomes.some((o) => o.outcome === 'invalid') ? 1 : 0;
  if (options.json) io.out(JSON.stringify({ command: 'validate', metadx: METADX_VERSION, outcome: code === 0 ? 'ok' : 'invalid', exitCode: code, analyses: outcomes }, null, 2));
  return code;
}
