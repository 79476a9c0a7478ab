/**
 * Diagnostics: problems found in the user's input or raised by a stage, passed explicitly from stage
 * to stage (no global logger). Each carries a location (file, line/row, column) and a stable code;
 * the wording comes from `messages.ts`.
 */

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  severity: Severity;
  /** stable machine code, e.g. 'spec.unknown-key', 'data.negative-count' */
  code: string;
  message: string;
  /** what the user can do about it */
  hint?: string;
  /** path of the file concerned, as given by the user (relative to the working directory) */
  file?: string;
  /** 1-based line in the file */
  line?: number;
  /** 1-based column in the file (characters) */
  column?: number;
  /** 1-based data row (excluding the header), for tabular files */
  row?: number;
  /** column name in a tabular file, or key path in the spec */
  field?: string;
}

/** A user error: the run stops, the diagnostics are printed without a stack trace. */
export class UserError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly exitCode: number;

  constructor(diagnostics: Diagnostic[], exitCode = 1) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'UserError';
    this.diagnostics = diagnostics;
    this.exitCode = exitCode;
  }
}

/** "file:line:col: error: message (hint)". Missing location parts are left out. */
export function formatDiagnostic(d: Diagnostic): string {
  const where: string[] = [];
  if (d.file !== undefined) {
    let location = d.file;
    if (d.line !== undefined) {
      location += `:${d.line}`;
      if (d.column !== undefined) location += `:${d.column}`;
    }
    where.push(location);
  }
  const prefix = where.length > 0 ? `${where.join(' ')}: ` : '';
  const hint = d.hint ? `\n    ${d.hint}` : '';
  const cell = d.row !== undefined ? `row ${d.row}${d.field !== undefined ? `, column ${d.field}` : ''}: ` : '';
  return `${prefix}${d.severity}: ${cell}${d.message}${hint}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sort by file, then line, then column, so all problems print in reading order. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}
