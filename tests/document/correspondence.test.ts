/**
 * "Correspondence with the published article" (src/document/sections/correspondence.ts): every
 * figure and table of the supplement with its number, the article's number from the spec, split
 * figures as one row, unknown numbers marked, and ids that name nothing listed in a note.
 */
import { describe, expect, it } from 'vitest';
import { correspondenceSection, placedItems } from '../../src/document/sections/correspondence.ts';
import { Numbering, type SectionView } from '../../src/document/model.ts';
import type { AnalysisSpec } from '../../src/spec/schema.ts';

const figure = (id: string, number: number, title: string) => ({ figure: { id, number, title, caption: '', svg: '' } });
const table = (id: string, number: number, title: string) => ({ table: { id, number, title, caption: '', columns: [], rows: [] } });

const sections: SectionView[] = [
  { id: 'a', title: 'A', blocks: [figure('prisma', 1, 'PRISMA 2020 flow diagram'), table('table-studies', 1, 'Included 2x2 tables')] },
  {
    id: 'b',
    title: 'B',
    blocks: [
      figure('forest-sensitivity-1', 2, 'Forest plot of sensitivity (part 1 of 2)'),
      figure('forest-sensitivity-2', 3, 'Forest plot of sensitivity (part 2 of 2)'),
      { paragraph: 'text' },
      figure('sroc', 4, 'Summary ROC curve'),
      table('table-summary', 2, 'Summary estimates of diagnostic accuracy'),
    ],
  },
];

const spec = (correspondence?: Record<string, string>) => ({ published: { source: 'Journal 2024', ...(correspondence ? { correspondence } : {}) } }) as unknown as AnalysisSpec;

describe('correspondence with the published article', () => {
  it('lists placed figures and tables in order, the parts of a split figure as one item', () => {
    expect(placedItems(sections).map((item) => [item.id, item.kind, item.numbers])).toEqual([
      ['prisma', 'Figure', [1]],
      ['table-studies', 'Table', [1]],
      ['forest-sensitivity', 'Figure', [2, 3]],
      ['sroc', 'Figure', [4]],
      ['table-summary', 'Table', [2]],
    ]);
  });

  it('is absent without a mapping in the spec', () => {
    expect(correspondenceSection(spec(), sections, new Numbering())).toEqual([]);
  });

  it('maps each item to the article, marks unknown numbers and notes ids that name nothing here', () => {
    const numbering = new Numbering();
    numbering.nextTable();
    numbering.nextTable();
    const [section] = correspondenceSection(spec({ prisma: 'Figure 1', 'forest-sensitivity': 'Figure 2', sroc: 'unknown', 'forest-specificity': 'Figure 3' }), sections, numbering);
    const view = section!.blocks[0]!.table!;
    expect(view.number).toBe(3);
    expect(view.rows.map((row) => row.cells.map((cell) => cell.text))).toEqual([
      ['Figure 1', 'PRISMA 2020 flow diagram', 'Figure 1'],
      ['Table 1', 'Included 2x2 tables', '–'],
      ['Figures 2–3', 'Forest plot of sensitivity', 'Figure 2'],
      ['Figure 4', 'Summary ROC curve', 'in the article; number not known'],
      ['Table 2', 'Summary estimates of diagnostic accuracy', '–'],
    ]);
    expect(view.note).toContain('forest-specificity (Figure 3)');
    expect(view.caption).toContain('Journal 2024');
  });
});
