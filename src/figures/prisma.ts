/**
 * Figure 1: the PRISMA 2020 flow diagram (Page et al., BMJ 2021;372:n71) for "new systematic
 * reviews which included searches of databases and registers only", and its variant for updated
 * reviews with the "Previous studies" column. Layout follows the official template: a gold title
 * bar over the flow, blue phase bands on the left (Identification / Screening / Included), the main
 * boxes in a column with arrows down, exclusion boxes on the right with arrows across.
 *
 * Everything is placed in pixels (`scale: null`) by `prismaLayout`: box texts are wrapped to the box
 * width with measured DejaVu widths, boxes of one row share a height, rows grow to fit their text
 * (never clipped). Counts arrive as a PrismaFlow; the figure only formats them: "(n = 74†)" for a
 * count derived from the others (footnote), "(n = not reported)" for an unknown one, and a
 * vermillion border with "⚠" on the boxes of a check that does not add up (footnote).
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatCountOf } from '../format/numbers.ts';
import { prismaMessages as M } from '../messages.ts';
import type { PrismaBoxId, PrismaCheck, PrismaCount, PrismaFlow, PrismaSource } from '../results/prisma.ts';
import { COLOUR, FIGURE_PADDING, FIGURE_WIDTH, FONT_SIZE, LINE_WIDTH, PALETTE, themeConfig } from './theme.ts';
import { measureText, wrapText } from './text-metrics.ts';

export const PRISMA_METRICS = {
  fontSize: FONT_SIZE.label,
  lineHeight: 13,
  noteLineHeight: 11.5,
  paddingX: 7,
  paddingY: 6,
  indent: 10,
  bandWidth: 22,
  bandGap: 10,
  headerGap: 12,
  rowGap: 24,
  sideGap: 40,
  previousWidth: 150,
  previousGap: 22,
  arrowLength: 7,
  markerWidth: 16,
  noteGap: 12,
} as const;

/** PRISMA 2020 template colours: gold title, grey "previous studies" title, blue phase bands. */
export const PRISMA_COLOURS = {
  title: '#FFC125',
  previousTitle: '#DCDCDC',
  previousBox: '#F2F2F2',
  band: '#BCD2EE',
  box: '#FFFFFF',
  border: COLOUR.text,
  warning: PALETTE.vermillion,
  muted: PALETTE.grey,
} as const;

const NO_BREAK = '\u00A0';
const DAGGER = '\u2020';
const WARNING = '\u26A0';
/** Boxes are drawn inside their column by half the widest border, so no stroke leaves the figure. */
const INSET = LINE_WIDTH.emphasis / 2;

type BoxName = 'identification' | 'removed' | 'screened' | 'excluded' | 'sought' | 'notRetrieved' | 'assessed' | 'reportsExcluded' | 'included' | 'previous' | 'total' | 'tables';
type Phase = 'Identification' | 'Screening' | 'Included';
type Column = 'previous' | 'main' | 'side';

/** One paragraph of box text; `muted` paragraphs (unknown counts) are grey. */
interface Paragraph { text: string; indent?: boolean; muted?: boolean }
interface Line { text: string; x: number; y: number; colour: string; bold?: boolean }

export interface PrismaBox {
  name: BoxName;
  column: Column;
  x: number;
  width: number;
  top: number;
  height: number;
  lines: Line[];
  /** check markers ("⚠", or "⚠1,2" with several checks) */
  marker?: string;
  fill: string;
}

export interface PrismaLayout {
  width: number;
  height: number;
  boxes: PrismaBox[];
  headers: { x: number; width: number; top: number; height: number; fill: string; lines: Line[] }[];
  bands: { phase: Phase; x: number; top: number; height: number }[];
  rules: { x: number; y: number; x2: number; y2: number }[];
  arrowheads: { x: number; y: number; angle: number }[];
  notes: Line[];
}

const BOX_OF: Partial<Record<PrismaBoxId, BoxName>> = {
  records_identified: 'identification', databases: 'identification', registers: 'identification',
  duplicates_removed: 'removed', automation_removed: 'removed', other_removed: 'removed', records_removed: 'removed',
  records_screened: 'screened', records_excluded: 'excluded', reports_sought: 'sought', reports_not_retrieved: 'notRetrieved',
  reports_assessed: 'assessed', reports_excluded: 'reportsExcluded', studies_included: 'included', reports_included: 'included',
  tables_included: 'tables', previous_studies: 'previous', previous_reports: 'previous', previous_tables: 'previous',
  total_studies: 'total', total_reports: 'total', total_tables: 'tables',
};

/** "(n = 74)", "(n = 74†)" for a count inferred from the flow, "(n = not reported)"; spaces no-break. */
function countText(count: PrismaCount): string {
  const value = count.status === 'unknown' ? M.notReported() : `${formatCount(count.n)}${count.status === 'derived' && count.derivation === 'difference' ? DAGGER : ''}`;
  return `(n = ${value})`.replaceAll(' ', NO_BREAK);
}

const countParagraph = (count: PrismaCount): Paragraph => ({ text: countText(count), muted: count.status === 'unknown' });
const item = (label: string, count: PrismaCount, indent = false): Paragraph => ({ text: `${label} ${countText(count)}`, indent, muted: count.status === 'unknown' });
const known = (count: PrismaCount): number | undefined => (count.status === 'unknown' ? undefined : count.n);

function sourceParagraphs(label: string, sources: PrismaSource[], fallback: PrismaCount): Paragraph[] {
  const counts = sources.map((source) => known(source.records));
  const total: PrismaCount = counts.every((n) => n !== undefined) ? { status: 'given', n: counts.reduce((sum: number, n) => sum + n!, 0) } : fallback;
  const anyCount = counts.some((n) => n !== undefined);
  return [item(label, total), ...sources.map((source) => (anyCount ? item(source.name, source.records, true) : { text: source.name, indent: true }))];
}

/** The text of every box (paragraphs before wrapping). */
function boxTexts(flow: PrismaFlow): Record<BoxName, Paragraph[]> {
  const { counts, databases, registers, reasons } = flow.current;
  const identified = counts.records_identified;
  const sourcesKnown = (list: PrismaSource[]) => list.every((source) => source.records.status !== 'unknown');
  const identification: Paragraph[] = databases.length + registers.length === 0
    ? [{ text: 'Records identified' }, countParagraph(identified)]
    : [
        { text: 'Records identified from:' },
        ...(databases.length > 0 ? sourceParagraphs('Databases', databases, registers.length === 0 ? identified : { status: 'unknown' }) : []),
        ...(registers.length > 0 ? sourceParagraphs('Registers', registers, databases.length === 0 ? identified : { status: 'unknown' }) : []),
        ...(databases.length > 0 && registers.length > 0 && !(sourcesKnown(databases) && sourcesKnown(registers)) ? [item('Total', identified)] : []),
      ];
  const parts = ([['duplicates_removed', 'Duplicate records removed'], ['automation_removed', 'Records marked as ineligible by automation tools'], ['other_removed', 'Records removed for other reasons']] as const)
    .filter(([box]) => counts[box].status !== 'unknown');
  const removed: Paragraph[] = parts.length > 0
    ? [{ text: 'Records removed before screening:' }, ...parts.map(([box, label]) => item(label, counts[box]))]
    : [{ text: 'Records removed before screening' }, countParagraph(counts.records_removed)];
  const reportsExcluded: Paragraph[] = reasons.length > 0
    ? [{ text: `Reports excluded ${countText(counts.reports_excluded)}:` }, ...reasons.map((reason) => item(reason.reason, { status: 'given', n: reason.n }))]
    : [{ text: 'Reports excluded' }, countParagraph(counts.reports_excluded)];
  const simple = (title: string, count: PrismaCount): Paragraph[] => [{ text: title }, countParagraph(count)];
  const studies = (studiesTitle: string, studyCount: PrismaCount, reportsTitle: string, reportCount: PrismaCount): Paragraph[] =>
    [{ text: studiesTitle }, countParagraph(studyCount), { text: reportsTitle }, countParagraph(reportCount)];
  return {
    identification,
    removed,
    screened: simple('Records screened', counts.records_screened),
    excluded: simple('Records excluded', counts.records_excluded),
    sought: simple('Reports sought for retrieval', counts.reports_sought),
    notRetrieved: simple('Reports not retrieved', counts.reports_not_retrieved),
    assessed: simple('Reports assessed for eligibility', counts.reports_assessed),
    reportsExcluded,
    included: flow.updated
      ? studies('New studies included in review', counts.studies_included, 'Reports of new included studies', counts.reports_included)
      : studies('Studies included in review', counts.studies_included, 'Reports of included studies', counts.reports_included),
    previous: studies('Studies included in previous version of review', flow.previous.studies, 'Reports of studies included in previous version of review', flow.previous.reports),
    total: studies('Total studies included in review', flow.total.studies, 'Reports of total included studies', flow.total.reports),
    tables: flow.updated
      ? [...simple('2×2 tables included in the meta-analysis', flow.total.tables), item('of which from new studies', counts.tables_included)]
      : simple('2×2 tables included in the meta-analysis', flow.total.tables),
  };
}

/** Wrap paragraphs to a width; returns lines relative to the box's text origin. */
function wrapParagraphs(paragraphs: Paragraph[], width: number): { text: string; dx: number; dy: number; colour: string }[] {
  const { fontSize, lineHeight, indent } = PRISMA_METRICS;
  let row = 0;
  return paragraphs.flatMap((paragraph) => {
    const offset = paragraph.indent ? indent : 0;
    return wrapText(paragraph.text, width - offset, fontSize).map((text) => ({
      text,
      dx: offset,
      dy: (row++ + 0.5) * lineHeight,
      colour: paragraph.muted ? PRISMA_COLOURS.muted : COLOUR.text,
    }));
  });
}

/** Which checks mark which box: "⚠" (one check) or "⚠1", "⚠1,2" (numbered footnotes). */
function markers(checks: PrismaCheck[], currentIndex: number | undefined): Map<BoxName, string> {
  const byBox = new Map<BoxName, number[]>();
  checks.forEach((check, index) => {
    const earlier = check.search !== undefined && check.search.index !== currentIndex;
    const names = earlier ? (['previous'] as BoxName[]) : check.boxes.map((box) => BOX_OF[box]).filter((name): name is BoxName => name !== undefined);
    for (const name of new Set(names)) byBox.set(name, [...(byBox.get(name) ?? []), index + 1]);
  });
  return new Map([...byBox].map(([name, numbers]) => [name, checks.length === 1 ? WARNING : `${WARNING}${numbers.join(',')}`]));
}

/** Pixel layout of the whole diagram. */
export function prismaLayout(flow: PrismaFlow, width: number = FIGURE_WIDTH.full - 2 * FIGURE_PADDING): PrismaLayout {
  const m = PRISMA_METRICS;
  const texts = boxTexts(flow);
  const marks = markers(flow.checks, flow.current.index);
  const left = m.bandWidth + m.bandGap;
  const previousWidth = flow.updated ? m.previousWidth : 0;
  const mainX = left + (flow.updated ? previousWidth + m.previousGap : 0);
  const mainWidth = Math.floor((width - mainX - m.sideGap) / 2);
  const columns: Record<Column, { x: number; width: number }> = {
    previous: { x: left, width: previousWidth },
    main: { x: mainX, width: mainWidth },
    side: { x: width - mainWidth, width: mainWidth },
  };
  const showTables = flow.total.tables.status !== 'unknown';
  const rows: { phase: Phase; cells: [Column, BoxName][] }[] = [
    { phase: 'Identification', cells: [['main', 'identification'], ['side', 'removed'], ...(flow.updated ? [['previous', 'previous'] as [Column, BoxName]] : [])] },
    { phase: 'Screening', cells: [['main', 'screened'], ['side', 'excluded']] },
    { phase: 'Screening', cells: [['main', 'sought'], ['side', 'notRetrieved']] },
    { phase: 'Screening', cells: [['main', 'assessed'], ['side', 'reportsExcluded']] },
    { phase: 'Included', cells: [['main', 'included']] },
    ...(flow.updated ? [{ phase: 'Included' as Phase, cells: [['main', 'total']] as [Column, BoxName][] }] : []),
    ...(showTables ? [{ phase: 'Included' as Phase, cells: [['main', 'tables']] as [Column, BoxName][] }] : []),
  ];

  // 1. title bars
  const headerWidth = columns.side.x + columns.side.width - columns.main.x;
  const subtitle = searchSubtitle(flow);
  const headerTexts = [
    { x: columns.main.x, width: headerWidth, fill: PRISMA_COLOURS.title, paragraphs: [flow.updated ? 'Identification of new studies via databases and registers' : 'Identification of studies via databases and registers', ...(subtitle ? [subtitle] : [])] },
    ...(flow.updated ? [{ x: columns.previous.x, width: previousWidth, fill: PRISMA_COLOURS.previousTitle, paragraphs: ['Previous studies', ...(previousSubtitle(flow) ? [previousSubtitle(flow)!] : [])] }] : []),
  ].map((header) => ({ ...header, wrapped: header.paragraphs.map((text, index) => ({ index, lines: wrapText(text, header.width - 2 * m.paddingX, m.fontSize, { bold: index === 0 }) })) }));
  const headerHeight = Math.max(...headerTexts.map((header) => header.wrapped.reduce((n, p) => n + p.lines.length, 0))) * m.lineHeight + 2 * m.paddingY;
  const headers = headerTexts.map((header) => {
    let row = 0;
    const lines = header.wrapped.flatMap((paragraph) => paragraph.lines.map((text) => ({ text, x: header.x + header.width / 2, y: m.paddingY + (row++ + 0.5) * m.lineHeight, colour: COLOUR.text, bold: paragraph.index === 0 })));
    return { x: header.x, width: header.width, top: 0, height: headerHeight, fill: header.fill, lines };
  });

  // 2. rows of boxes: a row is as tall as its tallest text; a phase band at least as tall as its label
  const boxes: PrismaBox[] = [];
  let y = headerHeight + m.headerGap;
  const bandTops = new Map<Phase, number>();
  const bandBottoms = new Map<Phase, number>();
  for (const row of rows) {
    const cells = row.cells.map(([column, name]) => {
      const { x, width: boxWidth } = columns[column];
      const marker = marks.get(name);
      const textWidth = boxWidth - 2 * m.paddingX - (marker ? m.markerWidth : 0);
      return { column, name, x, boxWidth, marker, lines: wrapParagraphs(texts[name], textWidth) };
    });
    const content = Math.max(...cells.map((cell) => cell.lines.length)) * m.lineHeight + 2 * m.paddingY;
    const labelNeed = measureText(row.phase, m.fontSize, { bold: true }) + 2 * m.paddingY;
    const phaseRows = rows.filter((other) => other.phase === row.phase).length;
    const height = Math.ceil(Math.max(content, phaseRows === 1 ? labelNeed : 0));
    for (const cell of cells) {
      const blockTop = y + (height - cell.lines.length * m.lineHeight) / 2;
      boxes.push({
        name: cell.name, column: cell.column, x: cell.x, width: cell.boxWidth, top: y, height,
        lines: cell.lines.map((line) => ({ text: line.text, x: cell.x + m.paddingX + line.dx, y: blockTop + line.dy, colour: line.colour })),
        ...(cell.marker ? { marker: cell.marker } : {}),
        fill: cell.column === 'previous' || cell.name === 'total' ? PRISMA_COLOURS.previousBox : PRISMA_COLOURS.box,
      });
    }
    if (!bandTops.has(row.phase)) bandTops.set(row.phase, y);
    bandBottoms.set(row.phase, y + height);
    y += height + m.rowGap;
  }
  const bands = [...bandTops].map(([phase, top]) => ({ phase, x: 0, top, height: bandBottoms.get(phase)! - top }));
  const { rules, arrowheads } = connectors(boxes);
  return { width, boxes, headers, bands, rules, arrowheads, ...footnotes(flow, y - m.rowGap, width) };
}

/** "Update 1, search of 2024-05-01 (hypothetical search, for demonstration)". */
function searchSubtitle(flow: PrismaFlow): string | undefined {
  const { label, date, demonstration } = flow.current;
  const parts = [label, date ? `search of ${date}` : undefined].filter((part): part is string => part !== undefined);
  if (parts.length === 0) return undefined;
  return `${parts.join(', ')}${demonstration ? ' (hypothetical search, for demonstration)' : ''}`;
}

function previousSubtitle(flow: PrismaFlow): string | undefined {
  const last = flow.earlier.at(-1);
  if (!last) return undefined;
  return flow.earlier.length === 1 ? [last.label, last.date].filter(Boolean).join(', ') || undefined : `${flow.earlier.length} searches, to ${last.date ?? '?'}`;
}

/** Arrows: down the main column, across to the exclusion boxes, and previous → total. */
function connectors(boxes: PrismaBox[]): Pick<PrismaLayout, 'rules' | 'arrowheads'> {
  const { arrowLength } = PRISMA_METRICS;
  const rules: PrismaLayout['rules'] = [];
  const arrowheads: PrismaLayout['arrowheads'] = [];
  const main = boxes.filter((box) => box.column === 'main');
  const centreY = (box: PrismaBox) => box.top + box.height / 2;
  main.slice(1).forEach((below, index) => {
    const above = main[index]!;
    const x = above.x + above.width / 2;
    rules.push({ x, y: above.top + above.height, x2: x, y2: below.top - arrowLength + 1 });
    arrowheads.push({ x, y: below.top, angle: 90 });
  });
  for (const side of boxes.filter((box) => box.column === 'side')) {
    const source = main.find((box) => box.top === side.top)!;
    rules.push({ x: source.x + source.width, y: centreY(side), x2: side.x - arrowLength + 1, y2: centreY(side) });
    arrowheads.push({ x: side.x, y: centreY(side), angle: 0 });
  }
  const previous = boxes.find((box) => box.name === 'previous');
  const total = boxes.find((box) => box.name === 'total');
  if (previous && total) {
    const x = previous.x + previous.width / 2;
    rules.push({ x, y: previous.top + previous.height, x2: x, y2: centreY(total) });
    rules.push({ x, y: centreY(total), x2: total.x - arrowLength + 1, y2: centreY(total) });
    arrowheads.push({ x: total.x, y: centreY(total), angle: 0 });
  }
  return { rules, arrowheads };
}

/** Footnotes: † derived counts, ⚠ checks; sets the figure height. */
function footnotes(flow: PrismaFlow, bottom: number, width: number): Pick<PrismaLayout, 'notes' | 'height'> {
  const m = PRISMA_METRICS;
  const entries: { symbol: string; text: string }[] = [];
  const derived = Object.entries(flow.current.counts).flatMap(([box, count]) =>
    count.status === 'derived' && count.derivation === 'difference' ? [{ box, terms: count.terms }] : []);
  if (derived.length > 0) entries.push({ symbol: DAGGER, text: M.derivedFootnote(derived) });
  flow.checks.forEach((check, index) => {
    const where = check.search !== undefined && check.search.index !== flow.current.index ? `Search ${check.search.index + 1}${check.search.label ? ` (${check.search.label})` : ''}: ` : '';
    entries.push({ symbol: flow.checks.length === 1 ? WARNING : `${WARNING}${index + 1}`, text: where + M.checkFootnote(M.check(check)) });
  });
  const notes: Line[] = [];
  let y = bottom + m.noteGap;
  const symbolWidth = Math.max(0, ...entries.map((entry) => measureText(entry.symbol, FONT_SIZE.note))) + 4;
  for (const entry of entries) {
    const lines = wrapText(entry.text.replace(/ ([\u2212+=]) /g, ` $1${NO_BREAK}`), width - symbolWidth, FONT_SIZE.note);
    notes.push({ text: entry.symbol, x: 0, y: y + m.noteLineHeight / 2, colour: entry.symbol === DAGGER ? COLOUR.text : PRISMA_COLOURS.warning });
    lines.forEach((text, index) => notes.push({ text, x: symbolWidth, y: y + (index + 0.5) * m.noteLineHeight, colour: COLOUR.text }));
    y += lines.length * m.noteLineHeight + 2;
  }
  return { notes, height: Math.ceil(entries.length > 0 ? y : bottom) };
}

const pixel = (field: string) => ({ field, type: 'quantitative', scale: null });
const identity = (field: string, type: 'nominal' | 'quantitative' = 'nominal') => ({ field, type, scale: null });

/** The PRISMA 2020 flow diagram as a Vega-Lite spec. */
export function prismaSpec(flow: PrismaFlow): TopLevelSpec {
  const layout = prismaLayout(flow);
  const m = PRISMA_METRICS;
  const text = (name: string, extra: Record<string, unknown> = {}) => ({
    data: { name },
    mark: { type: 'text', baseline: 'middle', fontSize: m.fontSize, ...extra },
    encoding: { x: pixel('x'), y: pixel('y'), text: { field: 'text' }, color: identity('colour') },
  });
  const allLines = layout.boxes.flatMap((box) => box.lines);
  const headerLines = layout.headers.flatMap((header) => header.lines);
  const datasets = {
    rounded: [
      ...layout.headers.map((header) => ({ x: header.x, x2: header.x + header.width, y: header.top, y2: header.top + header.height, fill: header.fill })),
      ...layout.bands.map((band) => ({ x: band.x, x2: band.x + m.bandWidth, y: band.top, y2: band.top + band.height, fill: PRISMA_COLOURS.band })),
    ],
    boxes: layout.boxes.map((box) => ({
      x: box.x + INSET, x2: box.x + box.width - INSET, y: box.top, y2: box.top + box.height, fill: box.fill,
      stroke: box.marker ? PRISMA_COLOURS.warning : PRISMA_COLOURS.border, strokeWidth: box.marker ? LINE_WIDTH.emphasis : LINE_WIDTH.hairline,
    })),
    lines: allLines,
    headerLines: headerLines.filter((line) => !line.bold),
    headerTitles: headerLines.filter((line) => line.bold),
    bands: layout.bands.map((band) => ({ text: band.phase, x: band.x + m.bandWidth / 2, y: band.top + band.height / 2, colour: COLOUR.text })),
    markers: layout.boxes.filter((box) => box.marker).map((box) => ({ text: box.marker, x: box.x + box.width - m.paddingX + 1, y: box.top + m.paddingY + m.lineHeight / 2, colour: PRISMA_COLOURS.warning })),
    rules: layout.rules,
    arrowheads: layout.arrowheads,
    notes: layout.notes,
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `PRISMA 2020 flow diagram${flow.updated ? ' for an updated review (previous studies and new search)' : ''}${flow.checks.length > 0 ? `; ${formatCountOf(flow.checks.length, 'count')} ${flow.checks.length === 1 ? 'does' : 'do'} not add up` : ''}`,
    config: themeConfig(),
    width: layout.width,
    height: layout.height,
    datasets,
    layer: [
      { data: { name: 'rounded' }, mark: { type: 'rect', cornerRadius: 6 }, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' }, fill: identity('fill') } },
      { data: { name: 'rules' }, mark: { type: 'rule', color: COLOUR.text, strokeWidth: LINE_WIDTH.data }, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' } } },
      { data: { name: 'arrowheads' }, mark: { type: 'point', shape: 'M0,0L-1,-0.5L-1,0.5Z', filled: true, opacity: 1, color: COLOUR.text, size: (2 * m.arrowLength) ** 2 }, encoding: { x: pixel('x'), y: pixel('y'), angle: identity('angle', 'quantitative') } },
      { data: { name: 'boxes' }, mark: { type: 'rect' }, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' }, fill: identity('fill'), stroke: identity('stroke'), strokeWidth: identity('strokeWidth', 'quantitative') } },
      text('lines', { align: 'left' }),
      text('headerTitles', { align: 'center', fontWeight: 'bold' }),
      text('headerLines', { align: 'center' }),
      text('bands', { align: 'center', fontWeight: 'bold', angle: 270 }),
      text('markers', { align: 'right', fontWeight: 'bold', fontSize: FONT_SIZE.title }),
      text('notes', { align: 'left', fontSize: FONT_SIZE.note }),
    ],
  };
  return spec as unknown as TopLevelSpec;
}
