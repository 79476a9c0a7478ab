/**
 * Results + rendered figures → the document view model: every number formatted (through
 * src/format/numbers.ts), every section and caption in order. The templates only place these strings.
 */
import type { CharacteristicsTable } from '../data/characteristics.ts';
import type { AnalysisResults } from '../results/types.ts';
import type { AnalysisSpec } from '../spec/schema.ts';
import { formatCount, formatInterval } from '../format/numbers.ts';
import { prismaMessages, provenanceMessages } from '../messages.ts';
import { cell, Numbering, type Block, type DocumentView, type SectionView, type TableView } from './model.ts';
import { methodsSection, softwareSection, type SoftwareVersions } from './sections/methods.ts';
import { summarySection } from './sections/summary.ts';
import { subgroupsSection } from './sections/subgroups.ts';
import { compatSection } from './sections/compat.ts';
import { clinicalSection, influenceSection, publicationBiasSection } from './sections/robustness.ts';
import { changesSection } from './sections/changes.ts';

export type { Block, DocumentView, FigureView, SectionView, TableView } from './model.ts';

/** A rendered figure as the document needs it (the SVG is inlined). */
export interface FigureForDocument {
  id: string;
  title: string;
  caption: string;
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
  const banner = bannerHeadline ? { headline: bannerHeadline, ...(results.provenance.note ? { detail: results.provenance.note } : {}) } : undefined;
  const sections: SectionView[] = [];

  /** figures are numbered when placed, so numbers follow the order of appearance */
  const place = (id: string): Block[] => {
    // a figure split across pages has parts <id>-1, <id>-2, ...; they are placed in order
    const parts = figures.filter((f) => f.id === id || new RegExp(`^${id}-\\d+$`).test(f.id));
    return parts.map((figure) => ({ figure: { ...figure, number: numbering.nextFigure() } }));
  };

  sections.push(provenanceSection(results, banner));
  sections.push(...changesSection(results, numbering)); // what changed since the previous version (src/document/sections/changes.ts)
  sections.push(methodsSection(results));
  const selection = selectionSection(results, place('prisma'));
  if (selection) sections.push(selection);
  if (input.characteristics) sections.push(characteristicsSection(input.characteristics, numbering));
  sections.push(studiesSection(results, numbering));
  sections.push(summarySection(results, spec, numbering, { forest: place('forest'), sroc: () => place('sroc') }));
  const subgroups = subgroupsSection(results, spec, numbering, () => place('meta-regression'));
  if (subgroups) sections.push(subgroups);
  const bias = publicationBiasSection(results, place('deeks'));
  if (bias) sections.push(bias);
  const influence = influenceSection(results, numbering, { boxplot: place('bivariate-boxplot'), leaveOneOut: () => place('leave-one-out') });
  if (influence) sections.push(influence);
  const cumulative = [...place('cumulative'), ...place('cumulative-search')];
  if (cumulative.length > 0) sections.push({ id: 'cumulative', title: 'Cumulative meta-analysis', newPage: true, blocks: cumulative });
  const clinical = clinicalSection(results, [...place('fagan'), ...place('lr-scattergram'), ...place('forest-dor'), ...place('forest-lr-positive'), ...place('forest-lr-negative')]);
  if (clinical) sections.push(clinical);
  const quality = qualitySection(results, [...place('quadas-traffic-light'), ...place('quadas-summary')]);
  if (quality) sections.push(quality);
  const compat = compatSection(results, numbering);
  if (compat) sections.push(compat);
  sections.push(softwareSection(spec, results, input.software));

  return {
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
  };
}

/** Title-page counts when studies report several tables (src/results/grouping.ts): studies, tables, participants counted once per shared test set. */
function groupedKText(results: AnalysisResults): string | undefined {
  if (results.totals.groups === results.k) return undefined;
  const once = results.totals.countedOnce?.length ?? 0;
  return `${results.totals.groups} studies, ${results.k} tables (${formatCount(results.totals.participants)} participants${once > 0 ? `, counting the test set shared by the tables of ${once === 1 ? 'one study' : `${once} studies`} once` : ''})`;
}

function provenanceSection(results: AnalysisResults, banner: DocumentView['banner']): SectionView {
  const blocks: Block[] = [];
  if (banner) blocks.push({ banner });
  else blocks.push({ paragraph: 'All 2x2 counts are as extracted from the included studies.' });
  if (results.provenance.note && !banner) blocks.push({ paragraph: results.provenance.note });
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
  return { id: 'selection', title: 'Study selection', newPage: true, blocks };
}

function qualitySection(results: AnalysisResults, figures: Block[]): SectionView | undefined {
  const quadas = results.quadas;
  if (!quadas) return undefined;
  const blocks: Block[] = [];
  if (quadas.provenance === 'stand-in') {
    blocks.push({ banner: { headline: 'STAND-IN QUADAS-2 JUDGEMENTS: the per-study ratings are not public; these only match the totals reported in the paper.' } });
  }
  blocks.push(...figures);
  return { id: 'quality', title: 'Risk of bias and applicability (QUADAS-2)', newPage: true, blocks };
}

function characteristicsSection(table: CharacteristicsTable, numbering: Numbering): SectionView {
  const view: TableView = {
    id: 'table-characteristics',
    number: numbering.nextTable(),
    title: 'Characteristics of included studies',
    caption: `As extracted (${table.rows.length} studies; source: ${table.file}).`,
    columns: table.columns.map((c) => ({ label: c.label, numeric: false })),
    rows: table.rows.map((row) => ({ flag: false, cells: row.cells.map((text) => ({ text: text === 'NA' ? '–' : text, numeric: false })) })),
  };
  return { id: 'characteristics', title: 'Characteristics of included studies', newPage: true, blocks: [{ table: view }] };
}

function studiesSection(results: AnalysisResults, numbering: Numbering): SectionView {
  const showProvenance = results.studies.some((s) => s.provenance !== undefined);
  const level = Math.round(results.level * 100);
  const columns = [
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
      cell(study.label),
      { text: formatCount(study.counts.tp), numeric: true },
      { text: formatCount(study.counts.fp), numeric: true },
      { text: formatCount(study.counts.fn), numeric: true },
      { text: formatCount(study.counts.tn), numeric: true },
      { text: formatInterval(study.sens), numeric: true },
      { text: formatInterval(study.spec), numeric: true },
      ...(showProvenance ? [{ text: study.provenance ?? '', numeric: false }] : []),
    ],
  }));
  const table: TableView = {
    id: 'table-studies',
    number: numbering.nextTable(),
    title: 'Included 2x2 tables',
    caption: `True positives (TP), false positives (FP), false negatives (FN) and true negatives (TN) of each study, with sensitivity and specificity and their exact (Clopper–Pearson) ${level}% confidence intervals.`,
    columns,
    rows,
    ...(showProvenance ? { note: 'Shaded rows: counts simulated (stand-in), not data from the study.' } : {}),
  };
  return { id: 'studies', title: 'Included studies', newPage: true, blocks: [{ table }] };
}
