/**
 * Layout decisions of the document stage: which tables need a landscape page, and how the
 * characteristics table is shown (case, numbers, missing values) without changing the data.
 */
import { describe, expect, it } from 'vitest';
import { comfortableTableWidthMm, COLUMN_MM, minimumTableWidthMm, tableOrientation, unbreakablePieces } from '../../src/document/table-width.ts';
import { displayColumn } from '../../src/format/characteristics.ts';
import type { TableView } from '../../src/document/model.ts';

const table = (columns: string[], rows: string[][], numeric: boolean[]): Pick<TableView, 'columns' | 'rows'> => ({
  columns: columns.map((label, i) => ({ label, numeric: numeric[i]! })),
  rows: rows.map((cells) => ({ flag: false, cells: cells.map((text, i) => ({ text, numeric: numeric[i]! })) })),
});

describe('table width', () => {
  it('breaks numeric cells only between the estimate and its interval, text between words', () => {
    expect(unbreakablePieces('0.86 (0.82–0.90)', true)).toEqual(['0.86', '(0.82–0.90)']);
    expect(unbreakablePieces('Transfer learning (ImageNet)', false)).toEqual(['Transfer', 'learning', '(ImageNet)']);
  });

  it('keeps a narrow table portrait and puts a table with six intervals per row on a landscape page', () => {
    const narrow = table(['Measure', 'Estimate (95% CI)'], [['Sensitivity', '0.86 (0.82–0.90)']], [false, true]);
    expect(tableOrientation(narrow)).toBe('portrait');
    const ci = '56.2 (30.2–104.6)';
    const wide = table(['Subgroup', 'N (%)', 'Sen', 'Spe', 'PLR', 'NLR', 'DOR', 'AUC'], [['Non-transfer learning', '4 (15.4%)', ci, ci, ci, ci, ci, ci]], [false, true, true, true, true, true, true, true]);
    expect(comfortableTableWidthMm(wide)).toBeGreaterThan(COLUMN_MM.portrait);
    expect(minimumTableWidthMm(wide)).toBeLessThan(comfortableTableWidthMm(wide));
    expect(tableOrientation(wide)).toBe('landscape');
  });
});

describe('characteristics as displayed', () => {
  it('shows counts with one thousands separator, right-aligned, and years as written', () => {
    expect(displayColumn('n_patients', ['100', '36,279', '1131', 'NA'])).toEqual({ numeric: true, cells: ['100', '36,279', '1,131', '–'] });
    expect(displayColumn('year', ['2022', '2021'])).toEqual({ numeric: true, cells: ['2022', '2021'] });
  });

  it('writes text in sentence case, Yes/No consistently, and leaves acronyms and names alone', () => {
    expect(displayColumn('design', ['retrospective', 'Cohort', 'cohort']).cells).toEqual(['Retrospective', 'Cohort', 'Cohort']);
    expect(displayColumn('external', ['NO', 'Yes', 'no']).cells).toEqual(['No', 'Yes', 'No']);
    expect(displayColumn('modality', ['CT', 'X-Ray', 'MRI - CT', 'lumbar spine', 'EfficientNet b3, GoogleNet']).cells).toEqual(['CT', 'X-Ray', 'MRI - CT', 'Lumbar spine', 'EfficientNet b3, GoogleNet']);
    expect(displayColumn('age', ['> 60', '67.2 ± 12.5', 'n/a']).cells).toEqual(['> 60', '67.2 ± 12.5', '–']);
  });
});
