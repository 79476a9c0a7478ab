/**
 * Results + rendered figures → the document view model: every number formatted (through
 * src/format/numbers.ts), every section and caption in order. The templates only place these strings.
 */
import type { CharacteristicsTable } from '../data/characteristics.ts';
import type { AnalysisResults } from '../results/types.ts';
import type { AnalysisSpec } from '../spec/schema.ts';
import { formatCount, formatInterval } from '../format/numbers.ts';
import { displayColumn, MISSING_MARK } from '../format/characteristics.ts';
import { noteMessage, prismaMessages, provenanceMessages } from '../messages.ts';
import { cell, Numbering, type Block, type DocumentView, type SectionView, type TableView } from './model.ts';
import { methodsSection, softwareSection, type SoftwareVersions } from './sections/methods.ts';
import { summarySection } from './sections/summary.ts';
import { subgroupsSection } from './sections/subgroups.ts';
import { compatSection } from './sections/compat.ts';
import { clinicalSection, influenceSection, publicationBiasSection } from './sections/robustness.ts';
import { changesSection } from './sections/changes.ts';
import { inlineSvg } from './inline-svg.ts';
import { figureAltText } from './alt-text.ts';
import { tableOrientation } from './table-width.ts';
import { formatReference, resolveCitations, withoutCitations } from './references.ts';
import { findingsSection } from './sections/findings.ts';
import { correspondenceSection } from './sections/correspondence.ts';

export type { Block, DocumentView, FigureView, SectionView, TableView } from './model.ts';

/** A rendered figure as the document needs it (the SVG is inlined). */
export interface FigureForDocument {
  id: string;
  title: string;
  caption: string;
  /** alt text: what the figure shows and its key numbers (default: title and caption) */
  alt?: string;
  svg: string;
}

export interface DocumentInput {
  spec: AnalysisSpec;
  characteristics?: CharacteristicsTable;
  results: AnalysisResults;
  figures: FigureForDocument[];
  date: string;
  software: SoftwareVersions;
}

export function buildDocumentView(input: DocumentInput): DocumentView {
  const { spec, results, figures, date } = input;
  const numbering = new Numbering();
  const bannerHeadline = provenanceMessages.banner(results.provenance.status);
  // the banner's headline on the title page; the note behind it once, under Data provenance
  const banner = bannerHeadline ? { headline: bannerHeadline } : undefined;
  const sections: SectionView[] = [];

  /** figures are numbered when placed, so numbers follow the order of appearance */
  const place = (id: string): Block[] => {
    // a figure split across pages has parts <id>-1, <id>-2, ...; they are placed in order
    const parts = figures.filter((f) => f.id === id || new RegExp(`^${id}-\\d+$`).test(f.id));
    return parts.map((figure) => ({ figure: { ...figure, svg: inlineSvg(figure.svg, figure.id, withoutCitations(figure.alt ?? figureAltText(figure.id, figure.title, figure.caption, results))), number: numbering.nextFigure() } }));
  };

  sections.push(provenanceSection(results, banner));
  sections.push(...changesSection(results, numbering)); // what changed since the previous version (src/document/sections/changes.ts)
  sections.push(methodsSection(results));
  const selection = selectionSection(results, place('prisma'));
  if (selection) sections.push(selection);
  if (input.characteristics) sections.push(characteristicsSection(input.characteristics, numbering));
  sections.push(studiesSection(results, numbering));
  sections.push(summarySection(results, spec, numbering, { forest: [...place('forest-sensitivity'), ...place('forest-specificity'), ...place('forest')], sroc: () => place('sroc') }));
  sections.push(...findingsSection(results, numbering, () => place('natural-frequencies'))); // summary of findings, GRADE certainty (src/document/sections/findings.ts)
  const subgroups = subgroupsSection(results, spec, numbering, () => place('meta-regression'));
  if (subgroups) sections.push(subgroups);
  const bias = publicationBiasSection(results, place('deeks'));
  if (bias) sections.push(bias);
  const influence = influenceSection(results, numbering, { boxplot: place('bivariate-boxplot'), leaveOneOut: () => place('leave-one-out') });
  if (influence) sections.push(influence);
  const cumulativeNotes = [results.cumulative?.byYear, results.cumulative?.bySearch].flatMap((analysis) => analysis?.steps.flatMap((step) => (step.note ? [{ warning: noteMessage(step.note) }] : [])) ?? []);
  const cumulative = [...cumulativeNotes, ...place('cumulative'), ...place('cumulative-search')];
  if (cumulative.length > 0) sections.push({ id: 'cumulative', title: 'Cumulative meta-analysis', blocks: [{ paragraph: 'A cumulative meta-analysis [@lau1992] pools the tables in the order in which they became available, to show how the estimates and their precision developed.' }, ...cumulative] });
  const clinical = clinicalSection(results, [...place('fagan'), ...place('lr-scattergram'), ...place('forest-dor'), ...place('forest-lr-positive'), ...place('forest-lr-negative')]);
  if (clinical) sections.push(clinical);
  const quality = qualitySection(results, [...place('quadas-traffic-light'), ...place('quadas-summary')]);
  if (quality) sections.push(quality);
  const compat = compatSection(results, numbering);
  if (compat) sections.push(compat);
  sections.push(...correspondenceSection(spec, sections, numbering)); // the published article's Figure/Table numbers (src/document/sections/correspondence.ts)
  sections.push(softwareSection(spec, results, input.software));

  // citations numbered in reading order, and the list of the works cited
  const cited = resolveCitations({ paper: spec.output.paper, title: spec.title, authorsText: '', date, version: '', analysisName: '', kText: '', metadxVersion: '', sections, references: [] });
  sections.splice(0, sections.length, ...cited.view.sections);
  if (cited.references.length > 0) {
    sections.push({ id: 'references', title: 'References', blocks: [{ references: cited.references.map((reference, i) => ({ number: i + 1, text: formatReference(reference) })) }] });
  }

  // tables too wide for a portrait column go on a landscape page (never shrink the document)
  // (a heading directly above such a table goes with it)
  for (const section of sections) {
    section.blocks.forEach((block, i) => {
      if (!block.table || tableOrientation(block.table) !== 'landscape') return;
      block.table.landscape = true;
      const before = section.blocks[i - 1];
      if (before?.heading !== undefined) before.landscape = true;
      if (section.blocks.slice(0, i).every((b) => b.heading !== undefined)) section.landscape = true;
    });
  }

  return {
    paper: spec.output.paper,
    title: spec.title,
    ...(spec.subtitle ? { subtitle: spec.subtitle } : {}),
    authorsText: spec.authors.join(', '),
    date,
    version: String(spec.version),
    analysisName: results.analysis.name,
    kText: groupedKText(results) ?? `${results.k} (${formatCount(results.totals.participants)} participants)`,
    metadxVersion: input.software.metadx,
    ...(banner ? { banner } : {}),
    sections,
    references: cited.references,
  };
}

/** Title-page counts when studies report several tables (src/results/grouping.ts): studies, tables, participants counted once per shared test set. */
function groupedKText(results: AnalysisResults): string | undefined {
  if (results.totals.groups === results.k) return undefined;
  const once = results.totals.countedOnce?.length ?? 0;
  return `${results.totals.groups} studies, ${results.k} tables (${formatCount(results.totals.participants)} participants${once > 0 ? `, counting the test set shared by the tables of ${once === 1 ? 'one study' : `${once} studies`} once` : ''})`;
}

function provenanceSection(results: AnalysisResults, banner: DocumentView['banner']): SectionView {
  // the banner is shown once, on the title page; here the status and the note in full
  const blocks: Block[] = [{ paragraph: provenanceMessages.status(results.provenance.status) }];
  if (results.provenance.note) blocks.push({ paragraph: results.provenance.note });
  const entries = Object.entries(results.provenance.counts).sort((a, b) => b[1] - a[1]);
  if (entries.length > 1 || banner) {
    blocks.push({
      paragraph: `Rows by provenance: ${entries.map(([label, n]) => `${label} ${n}`).join(', ')} (of ${results.k}). The per-row label is shown in the study table.`,
    });
  }
  return { id: 'provenance', title: 'Data provenance', blocks };
}

function selectionSection(results: AnalysisResults, figure: Block[]): SectionView | undefined {
  const flow = results.prisma;
  if (!flow) return undefined;
  const blocks: Block[] = flow.checks.map((check) => ({ warning: prismaMessages.warning(prismaMessages.check(check), check.search) }));
  blocks.push(...figure);
  return { id: 'selection', title: 'Study selection', blocks };
}

function qualitySection(results: AnalysisResults, figures: Block[]): SectionView | undefined {
  const quadas = results.quadas;
  if (!quadas) return undefined;
  const blocks: Block[] = [{ paragraph: `Risk of bias and concerns about applicability were judged with QUADAS-2 [@whiting2011] in four domains (patient selection, index test, reference standard, flow and timing; applicability in the first three), for ${quadas.data.studies.length} studies.` }];
  if (quadas.provenance === 'stand-in') {
    blocks.push({ banner: { headline: 'STAND-IN QUADAS-2 JUDGEMENTS: the per-study ratings are not public; these only match the totals reported in the paper.' } });
  }
  blocks.push(...figures);
  return { id: 'quality', title: 'Risk of bias and applicability (QUADAS-2)', blocks };
}

function characteristicsSection(table: CharacteristicsTable, numbering: Numbering): SectionView {
  const columns = table.columns.map((c, i) => ({ label: c.label, ...displayColumn(c.key, table.rows.map((row) => row.cells[i] ?? '')) }));
  const view: TableView = {
    id: 'table-characteristics',
    number: numbering.nextTable(),
    title: 'Characteristics of included studies',
    caption: `As extracted from the included studies (${table.rows.length} studies; source: ${table.file}), with text in sentence case and counts with thousands separators; ${MISSING_MARK}, not reported.`,
    columns: columns.map((c) => ({ label: c.label, numeric: c.numeric })),
    rows: table.rows.map((_, r) => ({ flag: false, cells: columns.map((c) => ({ text: c.cells[r]!, numeric: c.numeric })) })),
  };
  return { id: 'characteristics', title: 'Characteristics of included studies', blocks: [{ table: view }] };
}

function studiesSection(results: AnalysisResults, numbering: Numbering): SectionView {
  const showProvenance = results.studies.some((s) => s.provenance !== undefined);
  const level = Math.round(results.level * 100);
  const columns = [
    { label: '#', numeric: true },
    { label: 'Study', numeric: false },
    { label: 'TP', numeric: true },
    { label: 'FP', numeric: true },
    { label: 'FN', numeric: true },
    { label: 'TN', numeric: true },
    { label: `Sensitivity (${level}% CI)`, numeric: true },
    { label: `Specificity (${level}% CI)`, numeric: true },
    ...(showProvenance ? [{ label: 'Provenance', numeric: false }] : []),
  ];
  const rows = results.studies.map((study) => ({
    flag: study.provenance !== undefined && /simulat/i.test(study.provenance),
    cells: [
      { text: String(study.number), numeric: true },
      cell(study.label),
      { text: formatCount(study.counts.tp), numeric: true },
      { text: formatCount(study.counts.fp), numeric: true },
      { text: formatCount(study.counts.fn), numeric: true },
      { text: formatCount(study.counts.tn), numeric: true },
      { text: study.nDiseased === 0 ? 'no diseased' : formatInterval(study.sens), numeric: true },
      { text: study.nNonDiseased === 0 ? 'no non-diseased' : formatInterval(study.spec), numeric: true },
      ...(showProvenance ? [{ text: study.provenance ?? '', numeric: false }] : []),
    ],
  }));
  const table: TableView = {
    id: 'table-studies',
    number: numbering.nextTable(),
    title: 'Included 2x2 tables',
    caption: `True positives (TP), false positives (FP), false negatives (FN) and true negatives (TN) of each study, with sensitivity and specificity and their exact (Clopper–Pearson) ${level}% confidence intervals. #: the table's number, used for the points of the figures.`,
    columns,
    rows,
    ...(showProvenance ? { note: 'Shaded rows: counts simulated (stand-in), not data from the study.' } : {}),
  };
  return { id: 'studies', title: 'Included studies', blocks: [{ table }] };
}
