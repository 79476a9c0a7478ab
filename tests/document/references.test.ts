/**
 * Citations: numbered in order of first citation through the document (Vancouver), ranges
 * collapsed, unknown keys refused; the list and its BibTeX/RIS exports carry every work cited.
 */
import { describe, expect, it } from 'vitest';
import { REFERENCES } from '../../src/document/reference-catalogue.ts';
import { Citations, citedKeys, formatReference, resolveCitations, toBibTeX, toRis } from '../../src/document/references.ts';
import type { DocumentView } from '../../src/document/model.ts';

const view = (texts: string[]): DocumentView => ({
  paper: 'A4', title: 't', authorsText: '', date: '2024-01-01', version: '1', analysisName: 'a', kText: '', metadxVersion: '0', references: [],
  sections: [
    { id: 's1', title: 'One', blocks: [{ paragraph: texts[0]! }, { figure: { id: 'f', number: 1, title: 'F', caption: texts[1]!, svg: '<svg/>' } }] },
    { id: 's2', title: 'Two', blocks: [{ table: { id: 't', number: 1, title: 'T', caption: texts[2]!, columns: [{ label: 'A', numeric: false }], rows: [{ flag: false, cells: [{ text: texts[3]!, numeric: false }] }], note: texts[4]! } }] },
  ],
});

describe('citations', () => {
  it('numbers works in order of first citation, reuses numbers and collapses ranges', () => {
    const { view: resolved, references } = resolveCitations(view([
      'Model [@chu2006; @reitsma2005].',
      'Curve [@rutter2001] from [@reitsma2005].',
      'Table caption [@deeks2005; @chu2006; @rutter2001; @reitsma2005].',
      'cell [@zhou2014]',
      'note [@chu2006]',
    ]));
    expect(references.map((r) => r.key)).toEqual(['chu2006', 'reitsma2005', 'rutter2001', 'deeks2005', 'zhou2014']);
    const s1 = resolved.sections[0]!.blocks;
    expect(s1[0]!.paragraph).toBe('Model [1, 2].');
    expect(s1[1]!.figure!.caption).toBe('Curve [3] from [2].');
    const table = resolved.sections[1]!.blocks[0]!.table!;
    expect(table.caption).toBe('Table caption [1–4].');
    expect(table.rows[0]!.cells[0]!.text).toBe('cell [5]');
    expect(table.note).toBe('note [1]');
  });

  it('refuses a key that is not in the catalogue', () => {
    expect(() => new Citations().resolve('see [@nobody1999]')).toThrow(/unknown work: \[@nobody1999\]/);
  });

  it('finds the keys of a text', () => {
    expect(citedKeys('a [@x1; @y-2] b [@z]')).toEqual(['x1', 'y-2', 'z']);
  });

  it('has a DOI or an address, a year and authors for every work, and unique keys', () => {
    expect(new Set(REFERENCES.map((r) => r.key)).size).toBe(REFERENCES.length);
    for (const r of REFERENCES) {
      expect(r.doi ?? r.url, r.key).toBeTruthy();
      if (r.doi) expect(r.doi, r.key).toMatch(/^10\.\d{4,9}\/\S+$/);
      expect(r.authors.length, r.key).toBeGreaterThan(0);
      expect(r.year, r.key).toBeGreaterThan(1900);
    }
  });

  it('formats Vancouver entries', () => {
    const reitsma = REFERENCES.find((r) => r.key === 'reitsma2005')!;
    expect(formatReference(reitsma)).toBe('Reitsma JB, Glas AS, Rutjes AWS, Scholten RJPM, Bossuyt PM, Zwinderman AH. Bivariate analysis of sensitivity and specificity produces informative summary measures in diagnostic reviews. J Clin Epidemiol. 2005;58(10):982–990. doi:10.1016/j.jclinepi.2005.02.022');
    const midas = REFERENCES.find((r) => r.key === 'midas')!;
    expect(formatReference(midas)).toMatch(/^Dwamena B\. MIDAS: .*, version 2\.00 .*S456880.*; 2009\. Available from: https:\/\/ideas\.repec\.org\//);
  });

  it('writes BibTeX and RIS with one record per work', () => {
    const works = REFERENCES.filter((r) => ['reitsma2005', 'midas', 'efron1993', 'page2021'].includes(r.key));
    const bib = toBibTeX(works);
    expect(bib.match(/^@\w+\{/gm)).toHaveLength(4);
    expect(bib).toContain('author = {Reitsma, J. B. and Glas, A. S. and Rutjes, A. W. S.');
    expect(bib).toContain('pages = {982--990}');
    expect(bib).toContain('and others}'); // "et al." in PRISMA 2020
    // braces balance in every record
    for (const record of bib.split(/\n(?=@)/)) expect((record.match(/\{/g) ?? []).length - (record.match(/\}/g) ?? []).length, record.slice(0, 40)).toBe(0);
    const ris = toRis(works);
    expect(ris.match(/^TY {2}- /gm)).toHaveLength(4);
    expect(ris.match(/^ER {2}- /gm)).toHaveLength(4);
    expect(ris).toContain('DO  - 10.1016/j.jclinepi.2005.02.022');
    expect(ris).toContain('SP  - 982\r\nEP  - 990');
  });
});
