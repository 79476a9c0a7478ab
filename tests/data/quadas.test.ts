import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.ts';
import { applyQuadasCovariate, buildQuadas, loadQuadas, parseJudgement, quadasCounts, quadasCovariate, type QuadasData } from '../../src/data/quadas.ts';
import type { Study } from '../../src/data/studies.ts';
import { formatDiagnostic } from '../../src/diagnostics.ts';
import { quadasMessages } from '../../src/messages.ts';

const standinFile = 'analyses/osteoporosis-dl/data/quadas2_standin.csv';
const standinBytes = readFileSync(new URL(`../../${standinFile}`, import.meta.url));

function fromCsv(text: string, file = 'quadas.csv') {
  const parsed = parseCsv(new TextEncoder().encode(text), file);
  if (!parsed.table) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
  return buildQuadas(parsed.table, { file });
}

/** MetaDTA's layout (its QUADAS-2 example dataset style): author, year, counts, rob_* and ac_* coded 1/2/3. */
const metaDtaCsv = `author,year,TP,FN,FP,TN,rob_PS,rob_IT,rob_RS,rob_FT,ac_PS,ac_IT,ac_RS
Flicker,1997,64,6,40,189,1,3,1,2,2,1,1
Fuh,1995,41,3,4,52,3,1,1,3,1,1,3
Goncalves,2011,71,6,31,192,2,2,1,1,1,2,1
`;

describe('QUADAS-2 stand-in of the seed analysis (4 risk-of-bias domains only)', () => {
  const { data, diagnostics } = buildQuadas(parseCsv(standinBytes, standinFile).table!, { file: standinFile });

  it('reads 10 studies without diagnostics (the provenance column is ignored)', () => {
    expect(diagnostics).toEqual([]);
    expect(data!.studies.map((study) => study.study)).toEqual([
      'dzierzak2022', 'hsieh2021', 'yamamoto2020', 'mao2022', 'hong2023', 'liu2019', 'yamamoto2021', 'jang2021', 'yasaka2020', 'kucukciloglu2023',
    ]);
    expect(data!.domains).toEqual(['rob_patient_selection', 'rob_index_test', 'rob_reference_standard', 'rob_flow_timing']);
    expect(data!.studies[5]).toEqual({
      study: 'liu2019',
      row: 6,
      judgements: { rob_patient_selection: 'unclear', rob_index_test: 'low', rob_reference_standard: 'low', rob_flow_timing: 'high' },
    });
  });

  it('counts per domain, applicability reported as not assessed', () => {
    const counts = quadasCounts(data!);
    expect(counts.map((c) => [c.domain, c.low, c.high, c.unclear, c.notAssessed, c.total])).toEqual([
      ['rob_patient_selection', 9, 0, 1, 0, 10],
      ['rob_index_test', 10, 0, 0, 0, 10],
      ['rob_reference_standard', 9, 0, 1, 0, 10],
      ['rob_flow_timing', 3, 1, 6, 0, 10],
      ['applicability_patient_selection', 0, 0, 0, 10, 10],
      ['applicability_index_test', 0, 0, 0, 10, 10],
      ['applicability_reference_standard', 0, 0, 0, 10, 10],
    ]);
  });
});

describe('MetaDTA-coded tables (1 = low, 2 = high, 3 = unclear)', () => {
  const { data, diagnostics } = fromCsv(metaDtaCsv);

  it('reads all 7 domains and names studies "author year"; count columns are ignored silently', () => {
    expect(diagnostics).toEqual([]);
    expect(data!.domains).toHaveLength(7);
    expect(data!.studies[0]).toEqual({
      study: 'Flicker 1997',
      row: 1,
      judgements: {
        rob_patient_selection: 'low', rob_index_test: 'unclear', rob_reference_standard: 'low', rob_flow_timing: 'high',
        applicability_patient_selection: 'high', applicability_index_test: 'low', applicability_reference_standard: 'low',
      },
    });
  });

  it('reads the same from an .xlsx workbook with numeric cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('quadas');
    metaDtaCsv.trim().split('\n').forEach((line, index) => sheet.addRow(line.split(',').map((cell) => (index > 0 && /^\d+$/.test(cell) ? Number(cell) : cell))));
    const path = join(mkdtempSync(join(tmpdir(), 'metadx-quadas-')), 'quadas.xlsx');
    await workbook.xlsx.writeFile(path);
    const fromXlsx = await loadQuadas(readFileSync(path), { file: 'quadas.xlsx' });
    expect(fromXlsx.diagnostics).toEqual([]);
    expect(fromXlsx.data!.studies).toEqual(data!.studies);
  });
});

describe('column names and values', () => {
  it('accepts the usual spellings of domains and judgements', () => {
    const { data, diagnostics } = fromCsv(
      'Study ID,Patient Selection,RoB index test,risk_of_bias_reference_standard,Flow & timing,Applicability - patient selection,app_it,reference_standard_concerns\n' +
        'A,Low,h,?,U,low concern,High risk,UNCLEAR\n' +
        'B,low risk,High Risk of Bias,l,1,NA,,\n',
    );
    expect(diagnostics).toEqual([]);
    expect(data!.domains).toHaveLength(7);
    expect(data!.studies[0]!.judgements).toEqual({
      rob_patient_selection: 'low', rob_index_test: 'high', rob_reference_standard: 'unclear', rob_flow_timing: 'unclear',
      applicability_patient_selection: 'low', applicability_index_test: 'high', applicability_reference_standard: 'unclear',
    });
    expect(data!.studies[1]!.judgements).toEqual({ rob_patient_selection: 'low', rob_index_test: 'high', rob_reference_standard: 'low', rob_flow_timing: 'low' });
    expect(quadasCounts(data!).find((c) => c.domain === 'applicability_index_test')).toMatchObject({ high: 1, notAssessed: 1 });
  });

  it('parseJudgement', () => {
    expect(['LOW', ' l ', '1', '+', 'low risk', 'Low concerns'].map(parseJudgement)).toEqual(Array(6).fill('low'));
    expect(['High', 'H', '2', 'high risk of bias', 'high applicability concern'].map(parseJudgement)).toEqual(Array(5).fill('high'));
    expect(['unclear', 'U', '?', '3', 'Unclear risk'].map(parseJudgement)).toEqual(Array(5).fill('unclear'));
    expect(['', 'NA', 'n/a', '-', 'not assessed'].map(parseJudgement)).toEqual(Array(5).fill('not-assessed'));
    expect(['some concerns', 'moderate', '4', 'yes', 'lo w'].map(parseJudgement)).toEqual(Array(5).fill(undefined));
  });
});

describe('errors, all at once, with positions and suggestions', () => {
  it('invalid judgements', () => {
    const { data, diagnostics } = fromCsv(
      'study,patient_selection,index_test,reference_standard,flow_and_timing\nA,low,hgh,low,low\nB,some concerns,low,4,low\n',
    );
    expect(data).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      `quadas.csv:2:7: error: row 1, column index_test: index_test = "hgh" is not a QUADAS-2 judgement (low, high, unclear); did you mean "high"?\n    ${quadasMessages.invalidJudgementHint()}`,
      `quadas.csv:3:3: error: row 2, column patient_selection: patient_selection = "some concerns" is not a QUADAS-2 judgement (low, high, unclear); did you mean "unclear"?\n    ${quadasMessages.invalidJudgementHint()}`,
      `quadas.csv:3:21: error: row 2, column reference_standard: reference_standard = "4" is not a QUADAS-2 judgement (low, high, unclear)\n    ${quadasMessages.invalidJudgementHint()}`,
    ]);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', code: 'quadas.invalid-judgement', file: 'quadas.csv', line: 2, column: 7, row: 1, field: 'index_test' });
  });

  it('missing and misspelt domain columns, applicability flow and timing', () => {
    const { diagnostics } = fromCsv('study,patient_selecton,index_test,reference_standard,flow_and_timing,ac_ft\nA,low,low,low,low,low\n');
    expect(diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['warning', 'quadas.unknown-column', 'column "patient_selecton" is not a QUADAS-2 domain and is ignored; did you mean "patient_selection"?'],
      ['warning', 'quadas.no-applicability-flow', 'QUADAS-2 has no applicability concerns for flow and timing; column "ac_ft" is ignored'],
      ['error', 'quadas.missing-domain', 'no column for the QUADAS-2 domain "Risk of bias: Patient selection"; columns present: study, patient_selecton, index_test, reference_standard, flow_and_timing, ac_ft'],
    ]);
    expect(diagnostics[0]).toMatchObject({ line: 1, column: 7, field: 'patient_selecton' });
  });

  it('study column, duplicate studies and domains, empty risk-of-bias cells', () => {
    expect(fromCsv('patient_selection,index_test,reference_standard,flow_and_timing\nlow,low,low,low\n').diagnostics.map((d) => d.code)).toEqual(['quadas.missing-study-column']);
    const { data, diagnostics } = fromCsv('study,rob_ps,patient_selection,index_test,reference_standard,flow_and_timing\nA,low,low,low,low,low\na,low,low,,low,low\n');
    expect(data).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      `quadas.csv:1:14: error: column "patient_selection" is the same QUADAS-2 domain as column "rob_ps"\n    ${quadasMessages.domainColumnsHint()}`,
    ]);
    const empty = fromCsv('study,patient_selection,index_test,reference_standard,flow_and_timing\nA,low,low,low,low\nA,low,,low,low\n');
    expect(empty.diagnostics.map((d) => [d.severity, d.code, d.row, d.field])).toEqual([
      ['error', 'quadas.duplicate-study', 2, 'study'],
      ['warning', 'quadas.not-judged', 2, 'index_test'],
    ]);
  });
});

describe('QUADAS-2 domains as subgroup covariates', () => {
  const { data } = buildQuadas(parseCsv(standinBytes, standinFile).table!, { file: standinFile }) as { data: QuadasData };

  it('levels low, high, unclear (reference: low), one value per study', () => {
    const covariate = quadasCovariate(data.studies, 'rob_flow_timing');
    expect(covariate.info).toEqual({
      name: 'quadas_rob_flow_timing',
      label: 'Risk of bias: flow and timing',
      type: 'categorical',
      levels: ['low', 'high', 'unclear'],
      levelLabels: { low: 'Low', high: 'High', unclear: 'Unclear' },
    });
    expect(covariate.values.liu2019).toBe('high');
    expect(quadasCovariate(data.studies, 'applicability_index_test').values.liu2019).toBeNull();
  });

  it('attaches to the 2x2 rows of each study by data.group, and lists rows without judgements', () => {
    const row = (label: string, group?: string): Study => ({ label, row: 1, counts: { tp: 1, fp: 1, fn: 1, tn: 1 }, ...(group ? { group } : {}), covariates: { validation: 'internal' }, fields: {} });
    const { studies, unmatched } = applyQuadasCovariate(
      [row('Liu 2019 (model A)', 'liu2019'), row('Liu 2019 (model B)', 'LIU2019'), row('Hsieh 2021', 'hsieh2021'), row('Other 2020', 'other2020')],
      quadasCovariate(data.studies, 'rob_flow_timing'),
    );
    expect(studies.map((study) => study.covariates.quadas_rob_flow_timing)).toEqual(['high', 'high', 'low', null]);
    expect(studies[0]!.covariates.validation).toBe('internal');
    expect(unmatched).toEqual(['Other 2020']);
  });
});
