/**
 * The summary-of-findings table as files written beside the report: `findings.csv` (one row per
 * prevalence and outcome, full-precision numbers next to the display text) and `findings.docx` (a
 * Word table, for manuscripts and GRADEpro users), both from the same SofModel as the report
 * section, so every number reads the same. The data-provenance banner travels with both.
 *
 * The .docx is made by the `docx` package and then re-zipped with fixed timestamps (fflate), and its
 * core properties get the document date, so identical inputs give identical bytes.
 */
import { AlignmentType, BorderStyle, Document, HeadingLevel, Packer, PageOrientation, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { FindingsResult } from '../results/findings.ts';
import type { AnalysisResults } from '../results/types.ts';
import { superscript, type SofModel } from './findings-table.ts';
import { citationsAsAuthorYear } from './references.ts';
import { csvField } from '../format/csv.ts';

// numbers as numbers (non-finite: empty); text quoted per RFC 4180 and, where a spreadsheet would
// run it as a formula (a prevalence label from the spec "=HYPERLINK(…)"), neutralised (OWASP)
const csvCell = (value: string | number | null): string => (typeof value === 'number' && !Number.isFinite(value) ? '' : csvField(value));

/** findings.csv: one row per prevalence × outcome, with the certainty and its footnotes. */
export function findingsCsv(results: AnalysisResults, findings: FindingsResult, model: SofModel): string {
  const footnotes = new Map(model.footnotes.map((f) => [f.mark, f.text]));
  const columns = ['data_provenance', 'prevalence', 'prevalence_label', 'prevalence_source', 'outcome', 'per', 'estimate', 'ci_lower', 'ci_upper', 'display', 'tables', 'studies', 'participants', 'certainty', 'certainty_footnotes'];
  const lines = [columns.join(',')];
  findings.prevalences.forEach((prevalence, i) => {
    for (const row of model.rows) {
      const value = row.values[i]!;
      const participants = row.outcome === 'sensitivity' ? findings.evidence.diseased : findings.evidence.nonDiseased;
      const level = findings.certainty[row.outcome].level;
      lines.push(
        [
          results.provenance.status,
          prevalence.value,
          prevalence.label,
          prevalence.source,
          row.label,
          findings.per,
          value.interval.est,
          value.interval.lo,
          value.interval.hi,
          value.text,
          findings.evidence.tables,
          findings.evidence.studies,
          participants,
          level,
          row.marks.map((mark) => `${mark}. ${footnotes.get(mark) ?? ''}`).join(' '),
        ]
          .map(csvCell)
          .join(','),
      );
    }
  });
  return `${lines.join('\n')}\n`;
}

const FONT = 'DejaVu Sans';
const text = (value: string, options: { bold?: boolean; size?: number; italics?: boolean } = {}) => new TextRun({ text: value, font: FONT, size: options.size ?? 18, ...(options.bold ? { bold: true } : {}), ...(options.italics ? { italics: true } : {}) });
const paragraph = (value: string, options: { bold?: boolean; size?: number; italics?: boolean } = {}) => new Paragraph({ children: [text(value, options)], spacing: { after: 80 } });

function tableCell(lines: string[], options: { bold?: boolean; header?: boolean; right?: boolean } = {}): TableCell {
  return new TableCell({
    children: lines.map((line, i) => new Paragraph({ ...(options.right ? { alignment: AlignmentType.RIGHT } : {}), children: [text(line, { bold: options.bold || (options.header ?? false), size: i === 0 ? 16 : 14, italics: i > 0 })] })),
    ...(options.header ? { shading: { type: ShadingType.CLEAR, fill: 'E8E8E8', color: 'auto' } } : {}),
    margins: { top: 40, bottom: 40, left: 60, right: 60 },
  });
}

/** The Word document: heading, banner, question, the table, prevalences, footnotes, method, plain language. */
function findingsDocument(model: SofModel, title: string, date: string): Document {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
  const header = new TableRow({
    tableHeader: true,
    children: [tableCell(['Outcome'], { header: true }), tableCell(['Number of tables, studies and participants'], { header: true }), tableCell(['Certainty of the evidence'], { header: true }), ...model.prevalences.map((p) => tableCell([`Per 1,000 tested, prevalence ${p.percent}`, p.label], { header: true, right: true }))],
  });
  const rows = model.rows.map((row) => new TableRow({ children: [tableCell([row.label, row.description], { bold: true }), tableCell([row.evidence]), tableCell([row.certainty]), ...row.values.map((v) => tableCell([v.text], { right: true }))] }));
  const table = new Table({
    rows: [header, ...rows],
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
  });
  const children = [
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [text(`${model.title}: ${title}`, { bold: true, size: 26 })] }),
    ...(model.banner ? [paragraph(model.banner, { bold: true })] : []),
    ...(model.standInQuadas ? [paragraph(model.standInQuadas, { bold: true })] : []),
    ...model.header.map((h) => new Paragraph({ children: [text(`${h.term}: `, { bold: true }), text(h.value)], spacing: { after: 40 } })),
    new Paragraph({ children: [], spacing: { after: 80 } }),
    table,
    new Paragraph({ children: [], spacing: { after: 80 } }),
    ...model.prevalences.map((p) => paragraph(`Prevalence ${p.percent}: ${p.label} (source: ${p.source})`, { size: 16 })),
    ...model.footnotes.map((f) => paragraph(`${superscript(f.mark)} ${f.text}`, { size: 16 })),
    ...(model.participantsNote ? [paragraph(model.participantsNote, { size: 16 })] : []),
    paragraph(model.method, { size: 16 }),
    paragraph(citationsAsAuthorYear(model.certaintyMethod), { size: 16 }),
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [text('In plain language', { bold: true, size: 22 })] }),
    ...model.plainLanguage.map((p) => paragraph(p)),
    paragraph(`Generated by metadx on ${date} from results.json.`, { size: 14, italics: true }),
  ];
  return new Document({
    creator: 'metadx',
    title: `${model.title}: ${title}`,
    description: 'GRADE summary of findings (test accuracy)',
    sections: [{ properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } }, children }],
  });
}

/** Re-zip with fixed timestamps and the document date in the core properties: same inputs, same bytes. */
function deterministic(bytes: Uint8Array, date: string): Uint8Array {
  const entries = unzipSync(bytes);
  const stamp = `${date}T00:00:00Z`;
  const files: Zippable = {};
  for (const [name, content] of Object.entries(entries)) {
    let data = content;
    if (name === 'docProps/core.xml') {
      const xml = new TextDecoder().decode(content).replace(/(<dcterms:(created|modified)[^>]*>)[^<]*(<\/dcterms:\2>)/g, `$1${stamp}$3`);
      data = new TextEncoder().encode(xml);
    }
    files[name] = [data, { mtime: new Date(Date.UTC(1980, 0, 1)), level: 6 }];
  }
  return zipSync(files);
}

/** findings.docx as bytes. */
export async function findingsDocx(model: SofModel, title: string, date: string): Promise<Uint8Array> {
  const packed = await Packer.toBuffer(findingsDocument(model, title, date));
  return deterministic(new Uint8Array(packed), date);
}

/** The files written beside the report: findings.csv and findings.docx (none when there are no findings). */
export async function findingsFiles(results: AnalysisResults, title: string, date: string): Promise<{ path: string; content: string | Uint8Array }[]> {
  const findings = results.findings;
  if (!findings) return [];
  const { sofModel } = await import('./findings-table.ts');
  const model = sofModel(results, findings);
  return [
    { path: 'findings.csv', content: findingsCsv(results, findings, model) },
    { path: 'findings.docx', content: await findingsDocx(model, title, date) },
  ];
}
