/**
 * Resource limits: every input is bounded, and an input beyond a limit is refused at once (before
 * it is read, unzipped or rendered) with a message that names the limit and how to raise it.
 * Defaults are far above any real diagnostic-test-accuracy review (the largest shipped spec is
 * 6 KB; a 2,000-table analysis is tested in tests/robustness/scale.test.ts); each can be raised
 * for one run with an environment variable (README.md, "Limits").
 */

export interface Limits {
  /** bytes of analysis.yaml */
  specBytes: number;
  /** bytes on disk of each data file (2x2 data, characteristics, QUADAS-2; CSV or XLSX) */
  dataBytes: number;
  /** data rows (header excluded) of each table file */
  rows: number;
  /** total bytes of an .xlsx workbook once unzipped (a "zip bomb" is refused before it expands) */
  xlsxBytes: number;
  /** pixels (width × height) of one PNG figure */
  pngPixels: number;
}

export const DEFAULT_LIMITS: Limits = {
  specBytes: 1_000_000,
  dataBytes: 10_000_000,
  rows: 5_000,
  xlsxBytes: 50_000_000,
  pngPixels: 100_000_000,
};

/** The environment variable that raises each limit. */
export const LIMIT_VARIABLES: Record<keyof Limits, string> = {
  specBytes: 'METADX_MAX_SPEC_BYTES',
  dataBytes: 'METADX_MAX_DATA_BYTES',
  rows: 'METADX_MAX_ROWS',
  xlsxBytes: 'METADX_MAX_XLSX_BYTES',
  pngPixels: 'METADX_MAX_PNG_PIXELS',
};

/** A value beyond a limit (thrown where the check needs to leave deep code, e.g. rendering). */
export class LimitError extends Error {
  constructor(
    readonly limit: keyof Limits,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'LimitError';
  }
}

/**
 * The limits of this run: the defaults, raised or lowered by METADX_MAX_* variables. A variable
 * that is not a positive whole number is a usage error (returned as `invalid`, with its name).
 */
export function readLimits(env: NodeJS.ProcessEnv): { limits: Limits; invalid?: { variable: string; value: string } } {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_VARIABLES) as (keyof Limits)[]) {
    const variable = LIMIT_VARIABLES[key];
    const value = env[variable]?.trim();
    if (value === undefined || value === '') continue;
    const digits = value.replace(/_/g, '');
    if (!/^\d+$/.test(digits) || Number(digits) <= 0 || !Number.isSafeInteger(Number(digits))) return { limits, invalid: { variable, value } };
    limits[key] = Number(digits);
  }
  return { limits };
}

/** A round value above `actual` to suggest when a limit is raised (two significant digits, +20%). */
export function suggestedLimit(actual: number): number {
  const target = actual * 1.2;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(target)) - 1);
  return Math.ceil(target / magnitude) * magnitude;
}
