/** What every command shares: its input/output, finding analyses, printing diagnostics. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';

type Writer = (text: string) => void;

/** Where progress goes (process.stderr for the command line; tests give none, or their own). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** terminal width */
  columns?: number;
}

export interface CliIo {
  out: Writer;
  err: Writer;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** progress of long work (src/commands/progress.ts); none: silent */
  progress?: ProgressStream;
}

/** Analyses named on the command line, or every analyses/<name>/analysis.yaml (in folder-name order). */
export function discoverAnalyses(targets: string[], cwd: string): string[] {
  if (targets.length > 0) return targets.map((t) => resolve(cwd, t));
  const root = join(cwd, 'analyses');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'analysis.yaml')));
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], io: CliIo): void {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
}
