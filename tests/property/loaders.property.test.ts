/**
 * Property-based tests of the loaders (fast-check, fixed seeds): whatever the bytes, the CSV/XLSX
 * data loader and the spec loader return a result or located diagnostics — they never throw —
 * and what they accept satisfies the invariants later stages rely on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadStudyData } from '../../src/data/load.ts';
import type { Diagnostic } from '../../src/diagnostics.ts';
import { formatDiagnostic } from '../../src/diagnostics.ts';
import { loadSpec } from '../../src/spec/load.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const spec = { data: { file: 'data.csv' }, covariates: { site: { levels: { a: 'Site A', b: 'Site B' } } }, subgroups: [] };

/** Every accepted study is a valid 2x2 table with a unique label; every diagnostic is located. */
function checkData(result: Awaited<ReturnType<typeof loadStudyData>>, lines: number): void {
  if (result.data) {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.data.studies.length).toBeGreaterThan(0);
    const labels = new Set<string>();
    for (const study of result.data.studies) {
      for (const value of Object.values(study.counts)) expect(Number.isInteger(value) && value >= 0 && value <= 10_000_000).toBe(true);
      expect(study.counts.tp + study.counts.fn).toBeGreaterThan(0);
      expect(study.counts.fp + study.counts.tn).toBeGreaterThan(0);
      expect(study.label.trim()).not.toBe('');
      expect(labels.has(study.label)).toBe(false);
      labels.add(study.label);
      for (const value of Object.values(study.covariates)) if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
    }
  } else {
    expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  }
  for (const d of result.diagnostics) checkDiagnostic(d, lines);
}

function checkDiagnostic(d: Diagnostic, lines: number): void {
  expect(d.file, formatDiagnostic(d)).toBeTruthy();
  expect(d.message.length).toBeGreaterThan(0);
  expect(formatDiagnostic(d)).not.toMatch(/undefined|NaN|\[object /);
  if (d.line !== undefined) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines + 1);
  }
  if (d.column !== undefined) expect(d.column).toBeGreaterThanOrEqual(1);
}

const lineCount = (bytes: Uint8Array): number => Buffer.from(bytes).toString('latin1').split(/\r\n|\n|\r/).length;

/** Cells reviewers' spreadsheets contain: counts, junk, separators, quotes, Unicode, empties. */
const cellText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }).map(String) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('', 'NA', '-3', '2.5', '1,5', '1e3', '1e400', '99999999999', 'ten', ' 7 ', '"4"', '"5', 'a"b', '0x1F', '∞', '½', 'Dzierżak', 'Küçükçiloğlu', 'Smith, J', '<img src=x onerror=alert(1)>', 'a', 'b', 'c', '\t', ';', ','),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const headerNames = fc.constantFrom('study', 'Study', 'tp', 'TP', 'fp', 'fn', 'tn', 'TN', 'author', 'year', 'site', 'id', 'true_positive', 'tp ', '', 'stduy', 'fn');
const csvText = fc
  .record({
    header: fc.oneof(fc.constant(['study', 'tp', 'fp', 'fn', 'tn', 'site']), fc.shuffledSubarray(['study', 'tp', 'fp', 'fn', 'tn', 'site', 'year']), fc.array(headerNames, { maxLength: 8 })),
    rows: fc.array(fc.array(cellText, { maxLength: 9 }), { maxLength: 12 }),
    separator: fc.constantFrom(',', ';', '\t'),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
  })
  .map(({ header, rows, separator, newline, bom }) => `${bom ? '\uFEFF' : ''}${[header, ...rows].map((r) => r.join(separator)).join(newline)}${newline}`);

describe('data loader', () => {
  it('structured CSV text with messy cells: data or located diagnostics, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const bytes = new TextEncoder().encode(text);
        checkData(await loadStudyData(bytes, { file: 'data.csv', spec }), lineCount(bytes));
      }),
      { seed: 101, numRuns: RUNS * 3 },
    );
  }, 120_000);

  it('arbitrary bytes and strings as .csv, .tsv or .xlsx: never an exception', async () => {
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
      fc.constantFrom('"', '"""', '\uFEFF', ',,,\n,,,', 'study,tp,fp,fn,tn\n"', 'PK\u0003\u0004junk').map((s) => new TextEncoder().encode(s)),
    );
    await fc.assert(
      fc.asyncProperty(input, fc.constantFrom('data.csv', 'data.tsv', 'data.xlsx', 'data.CSV'), async (bytes, file) => {
        checkData(await loadStudyData(bytes, { file, spec }), lineCount(bytes));
      }),
      { seed: 202, numRuns: RUNS },
    );
  }, 120_000);
});

/** Spec text built from real keys, typos, wrong types, tags, anchors and broken indentation. */
const KEYS = ['title', 'version', 'date', 'data', 'file', 'model', 'method', 'quadrature', 'subgroups', 'covariates', 'levels', 'output', 'dpi', 'paper', 'titel', 'verison', 'flie', '__proto__', 'constructor', '<<'];
const SCALARS = ['T', '1', '-1', '7.5', 'glmm', 'reitsma', 'bivariate', 'data.csv', '../x.csv', '2024-13-45', '2024-02-29', 'null', '~', 'true', '"quoted"', "'single'", '[a, b', '{a: 1}', '[]', '{}', '!!js/function "f"', '!include x', '!!binary aGk=', '&a 1', '*a', '*missing', '|', '>', '"unterminated', '1e400', '0x1F', '.inf', '.nan'];
const specLine = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(...KEYS), fc.constantFrom(':', ': ', ':: ', ' '), fc.constantFrom(...SCALARS, '')).map(([depth, key, colon, value]) => `${'  '.repeat(depth)}${key}${colon}${value}`);
const specText = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.oneof(specLine, fc.constantFrom('- a', '---', '\t- x', '# comment', '')), { maxLength: 14 }).map((lines) => lines.join('\n')) },
  { weight: 2, arbitrary: fc.array(specLine, { maxLength: 10 }).map((lines) => `title: T\nversion: 1\ndata:\n  file: data.csv\n${lines.join('\n')}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
);

describe('spec loader', () => {
  it('YAML-ish text: a spec or located diagnostics, never an exception', () => {
    fc.assert(
      fc.property(specText, (text) => {
        const result = loadSpec(text, 'analysis.yaml');
        const lines = text.split(/\r\n|\n|\r/).length;
        if (result.spec) {
          expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          expect(typeof result.spec.title).toBe('string');
          expect(typeof result.spec.data.file).toBe('string');
        } else {
          expect(result.diagnostics.length).toBeGreaterThan(0);
        }
        for (const d of result.diagnostics) checkDiagnostic(d, lines);
        // the spec carries no prototype tricks
        expect(Object.getPrototypeOf(result.spec ?? {})).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { seed: 303, numRuns: RUNS * 5 },
    );
  });

  it('an alias bomb is refused quickly', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'title: *h'].join('\n');
    const started = performance.now();
    const result = loadSpec(bomb, 'analysis.yaml');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'analysis.yaml:2:8: error: the spec expands YAML aliases (*name) more than 50 times\n    write the values out instead of repeating anchors and aliases',
    ]);
  });
});
