/** Column layouts and file formats reviewers actually use: mada, MetaDTA, European CSV, XLSX. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadStudyData } from '../../src/data/load.ts';
import { formatDiagnostic } from '../../src/diagnostics.ts';

const spec = { data: { file: 'x.csv' }, covariates: {}, subgroups: [] };
const load = (text: string, file = 'x.csv', extra: Partial<typeof spec> = {}) =>
  loadStudyData(Buffer.from(text, 'utf8'), { file, spec: { ...spec, ...extra } });

describe('column layouts', () => {
  it('accepts mada order TP FN FP TN in upper case', async () => {
    const { data, diagnostics } = await load('names,TP,FN,FP,TN\nA,10,2,3,40\n'.replace('names', 'study'));
    expect(diagnostics).toEqual([]);
    expect(data?.studies[0]?.counts).toEqual({ tp: 10, fn: 2, fp: 3, tn: 40 });
  });

  it('builds labels from MetaDTA author + year columns and keeps year as a covariate', async () => {
    const { data } = await load('author,year,TP,FN,FP,TN\nSmith,2001,1,2,3,4\nJones,2003,5,6,7,8\n');
    expect(data?.studies.map((s) => s.label)).toEqual(['Smith 2001', 'Jones 2003']);
    expect(data?.covariates.find((c) => c.name === 'year')?.type).toBe('continuous');
  });

  it('builds labels from a template and reports an unknown template column', async () => {
    const text = 'study,model,tp,fp,fn,tn\ns1,VGG,1,2,3,4\ns1,ResNet,5,6,7,8\n';
    const ok = await load(text, 'x.csv', { data: { file: 'x.csv', label: '{study} ({model})' } } as never);
    expect(ok.data?.studies.map((s) => s.label)).toEqual(['s1 (VGG)', 's1 (ResNet)']);
    const bad = await load(text, 'x.csv', { data: { file: 'x.csv', label: '{study} ({modell})' } } as never);
    expect(bad.diagnostics.map((d) => d.message)).toEqual(['data.label refers to column "modell", which the data file does not have']);
  });

  it('never nests parentheses or leaves "()" in templated labels', async () => {
    const text = 'first_author,year,model,tp,fp,fn,tn\nHsieh,2021,VGG-16 (hip),1,2,3,4\nJang,2021,VGG16 + random (external),5,6,7,8\nLiu,2019,U-Net,1,1,1,1\nMao,2022,,2,2,2,2\n';
    const nested = await load(text, 'x.csv', { data: { file: 'x.csv', label: '{first_author} {year} ({model})' } } as never);
    expect(nested.data?.studies.map((s) => s.label)).toEqual(['Hsieh 2021, VGG-16 (hip)', 'Jang 2021, VGG16 + random (external)', 'Liu 2019 (U-Net)', 'Mao 2022']);
    const comma = await load(text, 'x.csv', { data: { file: 'x.csv', label: '{first_author} {year}, {model}' } } as never);
    expect(comma.data?.studies.map((s) => s.label)).toEqual(['Hsieh 2021, VGG-16 (hip)', 'Jang 2021, VGG16 + random (external)', 'Liu 2019, U-Net', 'Mao 2022']);
  });

  it('reads semicolon-separated files with BOM, CRLF, decimal commas and Unicode names', async () => {
    const bytes = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'data', 'european-semicolon.csv'));
    const { data, diagnostics } = await loadStudyData(bytes, { file: 'e.csv', spec });
    expect(diagnostics).toEqual([]);
    expect(data?.studies.map((s) => s.label)).toEqual(['Dzierżak 2022', 'Küçükçiloğlu 2023']);
    expect(data?.studies[0]?.covariates.age).toBe(63.5);
  });

  it('checks categorical covariates against declared levels and suggests the closest', async () => {
    const { diagnostics } = await load('study,tp,fp,fn,tn,validation\nA,1,2,3,4,internal\nB,1,2,3,4,extrenal\n', 'x.csv', {
      covariates: { validation: { levels: { internal: 'Internal', external: 'External' } } },
    } as never);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'x.csv:3:11: error: row 2, column validation: validation = "extrenal" is not a declared level ("internal", "external"); did you mean "external"?\n    correct the value, or add it under covariates.validation.levels in analysis.yaml',
    ]);
  });
});

describe('xlsx extraction sheets', () => {
  it('reads a named sheet and reports errors with the cell reference position', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('notes').addRow(['extraction notes']);
    const sheet = workbook.addWorksheet('extraction');
    sheet.addRow(['Study', 'TP', 'FP', 'FN', 'TN', 'Validation']);
    sheet.addRow(['Hsieh 2021 (hip)', 890, 207, 220, 3847, 'external']);
    sheet.addRow(['Jang 2021', 34, 16, 16, 51, 'external']);
    const path = join(mkdtempSync(join(tmpdir(), 'metadx-xlsx-')), 'extraction.xlsx');
    await workbook.xlsx.writeFile(path);
    const { data, diagnostics } = await loadStudyData(readFileSync(path), { file: 'extraction.xlsx', sheet: 'extraction', spec });
    expect(diagnostics).toEqual([]);
    expect(data?.studies.map((s) => [s.label, s.counts.tn])).toEqual([
      ['Hsieh 2021 (hip)', 3847],
      ['Jang 2021', 51],
    ]);

    sheet.getCell('C3').value = -16;
    await workbook.xlsx.writeFile(path);
    const bad = await loadStudyData(readFileSync(path), { file: 'extraction.xlsx', sheet: 'extraction', spec });
    expect(bad.diagnostics.map(formatDiagnostic)[0]).toBe(
      'extraction.xlsx:3:3: error: row 2, column fp (cell C3): fp = -16 is negative\n    counts cannot be negative; check the extraction',
    );
    const missing = await loadStudyData(readFileSync(path), { file: 'extraction.xlsx', sheet: 'data', spec });
    expect(missing.diagnostics[0]?.message).toBe('worksheet "data" not found; the workbook has "notes", "extraction"');
  });
});
