/**
 * Summary of findings section: the GRADE summary-of-findings table (natural frequencies per 1,000
 * tested at each prevalence, with certainty and footnotes), the natural-frequency figure, a
 * plain-language summary, and the certainty table with the computed suggestions next to the
 * reviewers' judgements. Shows the data-provenance banner like the title page.
 */
import { cell, type Block, type Numbering, type SectionView, type TableView } from '../model.ts';
import { sofModel, superscript, type SofModel } from '../findings-table.ts';
import type { AnalysisResults } from '../../results/types.ts';
import { formatLevel } from '../../format/numbers.ts';

function sofTable(model: SofModel, numbering: Numbering, level: string): TableView {
  return {
    id: 'table-findings',
    number: numbering.nextTable(),
    title: 'Summary of findings',
    caption: `Per 1,000 people tested at each prevalence: number of true positives, false negatives, true negatives and false positives with ${level} CIs, the evidence behind each outcome and its certainty (GRADE for test accuracy [@schunemann2008; @schunemann2020a; @schunemann2020b]). Who each prevalence describes, and its source, is listed below the table; letters refer to the footnotes.`,
    columns: [
      { label: 'Outcome', numeric: false },
      { label: 'Number of tables, studies and participants', numeric: false },
      { label: 'Certainty of the evidence', numeric: false },
      ...model.prevalences.map((p) => ({ label: p.header, numeric: true })),
    ],
    rows: model.rows.map((row) => ({
      flag: false,
      cells: [{ ...cell(row.label, false, true), sub: row.description }, cell(row.evidence), cell(row.certainty), ...row.values.map((v) => cell(v.text, true))],
    })),
    ...(model.participantsNote ? { note: model.participantsNote } : {}),
  };
}

function certaintyTable(model: SofModel, numbering: Numbering): TableView {
  const rows: TableView['rows'] = [];
  for (const outcome of ['sensitivity', 'specificity'] as const) {
    rows.push({ flag: false, group: outcome === 'sensitivity' ? 'True positives and false negatives (sensitivity)' : 'True negatives and false positives (specificity)', cells: [] });
    for (const d of model.domains.filter((x) => x.outcome === outcome)) {
      rows.push({ flag: d.reviewer !== '–' && !d.reviewer.startsWith(`${d.suggested}:`), cells: [cell(d.domain), cell(d.basis), cell(d.suggested), cell(d.reviewer), cell(d.final, false, true)] });
    }
  }
  return {
    id: 'table-certainty',
    number: numbering.nextTable(),
    title: 'Certainty of the evidence: computed suggestions and reviewers’ judgements',
    caption: 'For each outcome and GRADE domain: the numbers behind the computed suggestion, the suggestion, the reviewers’ judgement from the analysis spec (with their reason) and the rating used. Shaded rows: the reviewers’ judgement differs from the suggestion.',
    columns: [
      { label: 'Domain', numeric: false },
      { label: 'Numbers behind the suggestion', numeric: false },
      { label: 'Suggested', numeric: false },
      { label: 'Reviewers', numeric: false },
      { label: 'Rating used', numeric: false },
    ],
    rows,
  };
}

export function findingsSection(results: AnalysisResults, numbering: Numbering, figures: () => Block[]): SectionView[] {
  const findings = results.findings;
  if (!findings) return [];
  const model = sofModel(results, findings);
  const level = formatLevel(findings.level);
  const blocks: Block[] = [];
  if (model.banner) blocks.push({ banner: { headline: model.banner, ...(results.provenance.note ? { detail: results.provenance.note } : {}) } });
  if (model.standInQuadas) blocks.push({ warning: model.standInQuadas });
  blocks.push({ settings: { items: model.header } });
  blocks.push({ table: sofTable(model, numbering, level) });
  blocks.push({ paragraph: 'Prevalences:' });
  blocks.push({ list: model.prevalences.map((p) => `${p.percent}: ${p.label} (source: ${p.source})`) });
  if (model.footnotes.length > 0) {
    blocks.push({ paragraph: 'Footnotes:' });
    blocks.push({ list: model.footnotes.map((f) => `${superscript(f.mark)} ${f.text}`) });
  }
  blocks.push({ paragraph: model.method });
  blocks.push(...figures());
  blocks.push({ heading: 'In plain language' });
  for (const text of model.plainLanguage) blocks.push({ paragraph: text });
  blocks.push({ heading: 'Certainty of the evidence' });
  blocks.push({ paragraph: model.certaintyMethod });
  blocks.push({ table: certaintyTable(model, numbering) });
  return [{ id: 'findings', title: 'Summary of findings', blocks }];
}
