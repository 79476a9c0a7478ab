/**
 * The summary of findings of the flagship as the reader gets it: the report section's table, the
 * CSV and the Word file (unzipped and read as XML here) carry the same numbers, the provenance
 * banner and the footnotes; the .docx is byte-identical across runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadAnalysis } from '../../src/run.ts';
import { analyze } from '../../src/results/analyze.ts';
import type { AnalysisResults } from '../../src/results/types.ts';
import { sofModel, sofText, type SofModel } from '../../src/document/findings-table.ts';
import { findingsCsv, findingsDocx } from '../../src/document/findings-export.ts';
import { findingsSection } from '../../src/document/sections/findings.ts';
import { Numbering } from '../../src/document/model.ts';
import { formatFrequency } from '../../src/format/numbers.ts';
import { readZip } from '../helpers/zip.ts';

const root = join(import.meta.dirname, '..', '..');
let results: AnalysisResults;
let model: SofModel;

beforeAll(async () => {
  const analysis = await loadAnalysis(join(root, 'analyses', 'osteoporosis-dl'), root);
  results = analyze(analysis.spec, analysis.data, analysis.name, analysis.quadas ? { quadas: analysis.quadas } : {});
  model = sofModel(results, results.findings!);
}, 120_000);

/** Text of a WordprocessingML part: the runs' text, paragraphs separated by newlines. */
const wordText = (xml: string): string =>
  xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<[^>]+>/g, '')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'");

describe('summary of findings of the flagship', () => {
  it('shows the stand-in banner and the stand-in QUADAS-2 warning in the section', () => {
    const [section] = findingsSection(results, new Numbering(), () => []);
    expect(section?.blocks[0]?.banner?.headline).toMatch(/^PARTLY SIMULATED DATA/);
    expect(section?.blocks.some((b) => b.warning?.includes('STAND-IN QUADAS-2'))).toBe(true);
    const table = section?.blocks.find((b) => b.table?.id === 'table-findings')?.table;
    expect(table?.rows).toHaveLength(4);
    expect(table?.columns).toHaveLength(3 + results.findings!.prevalences.length);
  });

  it('every number of the table is the formatted natural frequency of results.findings', () => {
    results.findings!.frequencies.forEach((f, i) => {
      expect(model.rows.map((r) => r.values[i]!.text)).toEqual([f.truePositives, f.falseNegatives, f.trueNegatives, f.falsePositives].map(formatFrequency));
    });
  });

  it('explains every downgrade and every domain not rated in a footnote', () => {
    for (const outcome of ['sensitivity', 'specificity'] as const) {
      const certainty = results.findings!.certainty[outcome];
      const row = model.rows.find((r) => r.outcome === outcome)!;
      const explained = row.marks.map((mark) => model.footnotes.find((f) => f.mark === mark)!.text);
      for (const domain of certainty.domains.filter((d) => d.downgrade > 0 || d.final === null)) {
        const label = { risk_of_bias: 'Risk of bias', indirectness: 'Indirectness', inconsistency: 'Inconsistency', imprecision: 'Imprecision', publication_bias: 'Publication bias' }[domain.domain];
        expect(explained.some((text) => text.startsWith(`${label}:`)), `${outcome}: ${domain.domain}`).toBe(true);
      }
    }
  });

  it('findings.csv: one row per prevalence and outcome, numbers at full precision next to the display text', () => {
    const rows = parse(findingsCsv(results, results.findings!, model), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4 * results.findings!.prevalences.length);
    for (const row of rows) {
      expect(row.data_provenance).toBe('partly-simulated');
      expect(formatFrequency({ est: Number(row.estimate), lo: Number(row.ci_lower), hi: Number(row.ci_upper) })).toBe(row.display);
    }
    expect(Number(rows[0]!.prevalence)).toBe(results.findings!.prevalences[0]!.value);
  });

  it('findings.csv: a prevalence label a spreadsheet would run as a formula is neutralised (OWASP) and quoted (RFC 4180)', () => {
    const label = '=HYPERLINK("http://x.invalid","click")';
    const findings = { ...results.findings!, prevalences: results.findings!.prevalences.map((p, i) => (i === 0 ? { ...p, label, source: '+cmd|calc' } : p)) };
    const text = findingsCsv(results, findings, model);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows[0]!.prevalence_label).toBe(`'${label}`);
    expect(rows[0]!.prevalence_source).toBe("'+cmd|calc");
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('findings.docx: a Word table with the same numbers, the banner and the footnotes; identical bytes on a re-run', async () => {
    const bytes = await findingsDocx(model, 'Osteoporosis', '2023-12-01');
    const again = await findingsDocx(model, 'Osteoporosis', '2023-12-01');
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    const files = readZip(bytes);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'docProps/core.xml']));
    const xml = files.get('word/document.xml')!.toString('utf8');
    expect(xml.match(/<w:tbl>/g)).toHaveLength(1);
    expect(xml.match(/<w:tr[ >]/g)).toHaveLength(5);
    const body = wordText(xml);
    expect(body).toContain('PARTLY SIMULATED DATA');
    for (const row of model.rows) {
      expect(body).toContain(row.label);
      for (const value of row.values) expect(body).toContain(value.text);
    }
    for (const footnote of model.footnotes) expect(body).toContain(footnote.text);
    expect(files.get('docProps/core.xml')!.toString('utf8')).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2023-12-01T00:00:00Z</dcterms:created>');
  });

  it('renders as plain text with the banner first', () => {
    const text = sofText(model);
    expect(text.split('\n')[0]).toMatch(/^PARTLY SIMULATED DATA/);
    expect(text).toContain('True positives');
  });
});
