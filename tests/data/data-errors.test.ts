/**
 * Golden messages for invalid data files: file, line, column (character position), data row,
 * column name, what is wrong and what to do. Goldens hand-checked against the fixtures.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.ts';
import { loadStudyData } from '../../src/data/load.ts';
import { expectGolden } from '../helpers/golden.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'data');
const spec = { data: { file: 'x.csv' }, covariates: {}, subgroups: [] };

describe('data validation messages (golden)', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
    it(file, async () => {
      const { data, diagnostics } = await loadStudyData(readFileSync(join(dir, file)), { file: `tests/fixtures/data/${file}`, spec });
      const text = diagnostics.length > 0 ? diagnostics.map(formatDiagnostic).join('\n') : `ok: ${data?.studies.map((s) => `${s.label} ${JSON.stringify(s.counts)}`).join('; ')}`;
      expectGolden(join(dir, file.replace(/\.csv$/, '.expected')), `${text}\n`);
      if (file === 'ok.csv' || file === 'european-semicolon.csv') expect(diagnostics).toEqual([]);
      else expect(diagnostics.length).toBeGreaterThan(0);
    });
  }
});
