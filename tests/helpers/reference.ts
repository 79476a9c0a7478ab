/**
 * Access to the R oracle values in tests/reference (see its README.md and PROVENANCE.md).
 * Tests loop over `referenceDatasets()` and compare with `expectClose`, which names the dataset,
 * the quantity, got, expected and the tolerance on failure.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';

export const referenceDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'reference');

export interface ReferenceRow {
  study: string;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** remaining columns, as text (covariates) */
  covariates: Record<string, string>;
}

/** Names of all datasets that have expected values (e.g. 'auditc', 'scheidler_lag'). */
export function referenceDatasets(): string[] {
  return readdirSync(join(referenceDir, 'expected'))
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/** The 2x2 rows of a reference dataset, in file order. */
export function referenceRows(name: string): ReferenceRow[] {
  const text = readFileSync(join(referenceDir, 'datasets', `${name}.csv`), 'utf8');
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return records.map((r) => {
    const { study, tp, fp, fn, tn, ...rest } = r;
    return { study: String(study), tp: Number(tp), fp: Number(fp), fn: Number(fn), tn: Number(tn), covariates: rest };
  });
}

/** expected/<name>.json, parsed (loosely typed: the README documents the fields). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function referenceExpected(name: string): any {
  return JSON.parse(readFileSync(join(referenceDir, 'expected', `${name}.json`), 'utf8'));
}

/** expected-q7/<name>.json (7-point adaptive quadrature, the midas setting), or undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function referenceExpectedQ7(name: string): any {
  const path = join(referenceDir, 'expected-q7', `${name}.json`);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

export interface Tolerance {
  /** name shown in failures, e.g. 'pooled logit (1e-4 relative)' */
  name: string;
  /** relative tolerance, applied to max(|expected|, floor) */
  rel?: number;
  /** absolute tolerance */
  abs?: number;
  /** floor for the relative scale (default 1) so values near 0 are judged absolutely */
  floor?: number;
}

/**
 * Asserts |got - expected| <= max(abs, rel * max(|expected|, floor)) and prints context on failure.
 */
export function expectClose(context: string, got: number, expected: number, tol: Tolerance): void {
  const scale = Math.max(Math.abs(expected), tol.floor ?? 1);
  const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * scale);
  const diff = Math.abs(got - expected);
  const ok = Number.isFinite(got) && diff <= allowed;
  expect(
    ok,
    `${context}: got ${got}, expected ${expected}, |diff| ${diff.toExponential(3)} > allowed ${allowed.toExponential(3)} (tolerance: ${tol.name})`,
  ).toBe(true);
}
