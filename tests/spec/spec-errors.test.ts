/**
 * Golden messages for invalid specs: every problem at once, as file:line:col with a suggestion for
 * misspelt keys. The goldens in tests/fixtures/spec/*.expected were written by hand-checking each
 * line and column against the fixture.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { expectGolden } from '../helpers/golden.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'spec');

describe('spec validation messages (golden)', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    it(file, () => {
      const shown = `tests/fixtures/spec/${file}`;
      const { spec, diagnostics } = loadSpec(readFileSync(join(dir, file), 'utf8'), shown);
      expect(spec).toBeUndefined();
      expectGolden(join(dir, file.replace(/\.yaml$/, '.expected')), diagnostics.map(formatDiagnostic).join('\n') + '\n');
    });
  }
});

describe('spec defaults', () => {
  it('fills model defaults that reproduce midas (7-point AGHQ, single correction, F regions)', () => {
    const { spec, diagnostics } = loadSpec('title: T\nversion: 1\ndata: {file: d.csv}\n', 'x.yaml');
    expect(diagnostics).toEqual([]);
    expect(spec?.model).toMatchObject({ method: 'glmm', quadrature: 7, correction: 'single', region: 'F', level: 0.95 });
    expect(spec?.output).toEqual({ dpi: 300, paper: 'A4' });
  });

  it('reports the line and column of every problem in the three-mistake spec', () => {
    const source = readFileSync(join(dir, 'three-mistakes.yaml'), 'utf8');
    const { diagnostics } = loadSpec(source, 'three-mistakes.yaml');
    expect(diagnostics.map((d) => [d.line, d.column])).toEqual([
      [6, 11], // method: bivariate
      [7, 15], // quadrature: 7.5
      [8, 1], // subgroup:
    ]);
  });
});
