/**
 * QUADAS-2 figures (robvis' `rob_traffic_light` and `rob_summary`, McGuinness & Higgins, Res Synth
 * Methods 2021;12:55–61, redrawn for QUADAS-2's own levels):
 *
 *  (a) traffic-light table: one row per study, one column per domain — the 4 risk-of-bias domains,
 *      a gap, the 3 applicability domains — under group headers; each judgement a filled circle
 *      with a symbol (+ low, − high, ? unclear), so it reads in greyscale and for colour-blind
 *      readers. The colours differ in lightness (teal 59, amber 82, dark red 35 L*) and stay apart
 *      under simulated protan/deutan/tritan vision (ΔE ≥ 34). Height grows with the studies.
 *  (b) summary: one 100% stacked bar per domain (proportion of studies low / high / unclear / not
 *      assessed), risk of bias and applicability as separate panels, counts printed in segments.
 *
 * Both read QuadasData / QuadasDomainCount (src/data/quadas.ts) and place marks in pixels
 * (`scale: null`); domains with no column in the file are left out and named in a note.
 */
import type { TopLevelSpec } from 'vega-lite';
import { QUADAS_DOMAINS, QUADAS_GROUP_LABELS, type QuadasData, type QuadasDomain, type QuadasDomainCount, type QuadasGroup, type QuadasJudgement } from '../data/quadas.ts';
import { formatCount, formatFixed } from '../format/numbers.ts';
import { COLOUR, FIGURE_PADDING, FIGURE_WIDTH, FONT_SIZE, LINE_WIDTH, PALETTE, themeConfig } from './theme.ts';
import { maxTextWidth, measureText, wrapText } from './text-metrics.ts';

type Level = QuadasJudgement | 'notAssessed';
type Datum = Record<string, unknown>;

/** Fill, symbol and symbol colour per level (symbols black on light fills, white on dark red). */
export const QUADAS_STYLE: Record<Level, { fill: string; symbol: string; ink: string; label: string }> = {
  low: { fill: '#2E9E8A', symbol: '+', ink: COLOUR.text, label: 'Low' },
  high: { fill: '#9E1B32', symbol: '\u2212', ink: '#FFFFFF', label: 'High' },
  unclear: { fill: '#F5C842', symbol: '?', ink: COLOUR.text, label: 'Unclear' },
  notAssessed: { fill: '#FFFFFF', symbol: '', ink: PALETTE.grey, label: 'Not assessed' },
};
export const QUADAS_LEVELS: readonly Level[] = ['low', 'high', 'unclear', 'notAssessed'];

export const QUADAS_METRICS = {
  fontSize: FONT_SIZE.label,
  lineHeight: 12.5,
  rowHeight: 20,
  columnWidth: 62,
  groupGap: 16,
  labelGap: 10,
  maxLabelWidth: 190,
  circleDiameter: 15,
  symbolSize: 11,
  legendGap: 12,
  barHeight: 16,
  barGap: 6,
} as const;

export interface QuadasFigureOptions {
  /** display label per study identifier (default: the identifier) */
  labels?: Record<string, string>;
  /** extra note under the figure (e.g. that the judgements are a stand-in) */
  note?: string;
  width?: number;
}

const pixel = (field: string) => ({ field, type: 'quantitative', scale: null });
const identity = (field: string) => ({ field, type: 'nominal', scale: null });
const shownDomains = (data: QuadasData): QuadasDomain[] => QUADAS_DOMAINS.filter((domain) => data.domains.includes(domain.id));
const groupsOf = (domains: QuadasDomain[]): QuadasGroup[] => [...new Set(domains.map((domain) => domain.group))];

/** Text marks: one datum per line, left/centre/right aligned, optional bold. */
function textLayer(name: string, extra: Record<string, unknown> = {}): Datum {
  return {
    data: { name },
    mark: { type: 'text', baseline: 'middle', fontSize: QUADAS_METRICS.fontSize, ...extra },
    encoding: { x: pixel('x'), y: pixel('y'), text: { field: 'text' }, color: identity('colour') },
  };
}

/** Circles with their symbols (table cells and legend samples share this). */
function judgementLayers(name: string): Datum[] {
  const { circleDiameter, symbolSize } = QUADAS_METRICS;
  return [
    {
      data: { name },
      mark: { type: 'point', shape: 'circle', filled: true, opacity: 1, size: Math.PI * (circleDiameter / 2) ** 2, strokeWidth: LINE_WIDTH.hairline },
      encoding: { x: pixel('x'), y: pixel('y'), fill: identity('fill'), stroke: identity('stroke') },
    },
    { data: { name }, transform: [{ filter: "datum.symbol !== ''" }], mark: { type: 'text', align: 'center', baseline: 'middle', fontWeight: 'bold', fontSize: symbolSize, dy: 0.5 }, encoding: { x: pixel('x'), y: pixel('y'), text: { field: 'symbol' }, color: identity('ink') } },
  ];
}

function judgementDatum(level: Level, x: number, y: number): Datum {
  const style = QUADAS_STYLE[level];
  return { x, y, fill: style.fill, stroke: level === 'notAssessed' ? PALETTE.lightGrey : style.fill, symbol: style.symbol, ink: style.ink };
}

/**
 * Legend row(s): sample + label per level, wrapping to the width. Samples are the table's circles
 * with symbols, or squares for the bar chart; returns data and height.
 */
function legend(levels: Level[], top: number, width: number, sample: 'circle' | 'square'): { samples: Datum[]; texts: Datum[]; height: number } {
  const { circleDiameter, lineHeight, fontSize, rowHeight } = QUADAS_METRICS;
  const title = 'Judgement:';
  const texts: Datum[] = [{ text: title, x: 0, y: top + rowHeight / 2, colour: COLOUR.text }];
  const samples: Datum[] = [];
  let x = measureText(title, fontSize) + 10;
  let y = top + rowHeight / 2;
  for (const level of levels) {
    const label = QUADAS_STYLE[level].label;
    const itemWidth = circleDiameter + 5 + measureText(label, fontSize);
    if (x + itemWidth > width) {
      x = 0;
      y += rowHeight;
    }
    const half = circleDiameter / 2 - 1;
    samples.push(sample === 'circle'
      ? judgementDatum(level, x + circleDiameter / 2, y)
      : { x: x + 1, x2: x + 1 + 2 * half, y: y - half, y2: y + half, fill: QUADAS_STYLE[level].fill, stroke: level === 'notAssessed' ? PALETTE.lightGrey : QUADAS_STYLE[level].fill });
    texts.push({ text: label, x: x + circleDiameter + 5, y, colour: COLOUR.text });
    x += itemWidth + 16;
  }
  return { samples, texts, height: y - top + rowHeight / 2 + lineHeight / 4 };
}

/** Notes under a figure: domains without a column, then the caller's note. */
function noteLines(data: QuadasData, note: string | undefined, top: number, width: number): { texts: Datum[]; height: number } {
  const missing = groupsOf(QUADAS_DOMAINS.filter((domain) => !data.domains.includes(domain.id)));
  const notes = [
    ...missing.map((group) => `${QUADAS_GROUP_LABELS[group]}${QUADAS_DOMAINS.filter((d) => d.group === group).every((d) => !data.domains.includes(d.id)) ? '' : ' (some domains)'}: not assessed.`),
    ...(note ? [note] : []),
  ];
  const lines = notes.flatMap((text) => wrapText(text, width, FONT_SIZE.note));
  const lineHeight = QUADAS_METRICS.lineHeight - 1;
  return { texts: lines.map((text, index) => ({ text, x: 0, y: top + (index + 0.5) * lineHeight, colour: COLOUR.text })), height: lines.length * lineHeight };
}

function levelsUsed(data: QuadasData, domains: QuadasDomain[]): Level[] {
  const anyMissing = data.studies.some((study) => domains.some((domain) => study.judgements[domain.id] === undefined));
  return QUADAS_LEVELS.filter((level) => level !== 'notAssessed' || anyMissing);
}

function assemble(description: string, width: number, height: number, datasets: Record<string, Datum[]>, layer: Datum[]): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', description, config: themeConfig(), width, height, datasets, layer } as unknown as TopLevelSpec;
}

/** (a) Traffic-light table of QUADAS-2 judgements. */
export function quadasTrafficLightSpec(data: QuadasData, options: QuadasFigureOptions = {}): TopLevelSpec {
  const m = QUADAS_METRICS;
  const width = options.width ?? FIGURE_WIDTH.full - 2 * FIGURE_PADDING;
  const domains = shownDomains(data);
  const groups = groupsOf(domains);
  const domainsWidth = domains.length * m.columnWidth + (groups.length - 1) * m.groupGap;
  const labels = data.studies.map((study) => options.labels?.[study.study] ?? study.study);
  const labelWidth = Math.min(Math.max(maxTextWidth([...labels, 'Study'], m.fontSize), 40), m.maxLabelWidth, width - domainsWidth - m.labelGap);
  const tableWidth = labelWidth + m.labelGap + domainsWidth;
  const columnX = new Map(domains.map((domain, index) => {
    const gaps = groups.indexOf(domain.group) * m.groupGap;
    return [domain.id, labelWidth + m.labelGap + gaps + index * m.columnWidth + m.columnWidth / 2] as const;
  }));

  // header: group titles with a rule under each, then wrapped domain names aligned at the bottom
  const domainLines = domains.map((domain) => wrapText(domain.label, m.columnWidth - 6, m.fontSize));
  const maxLines = Math.max(...domainLines.map((lines) => lines.length));
  const groupRow = m.lineHeight + 8;
  const headerHeight = groupRow + maxLines * m.lineHeight + 6;
  const headerTexts: Datum[] = [];
  const rules: Datum[] = [];
  for (const group of groups) {
    const xs = domains.filter((domain) => domain.group === group).map((domain) => columnX.get(domain.id)!);
    const [first, last] = [Math.min(...xs) - m.columnWidth / 2 + 3, Math.max(...xs) + m.columnWidth / 2 - 3];
    headerTexts.push({ text: QUADAS_GROUP_LABELS[group], x: (first + last) / 2, y: m.lineHeight / 2, colour: COLOUR.text });
    rules.push({ x: first, x2: last, y: m.lineHeight + 3, y2: m.lineHeight + 3 });
  }
  const domainTexts = domains.flatMap((domain, index) => {
    const lines = domainLines[index]!;
    return lines.map((text, line) => ({ text, x: columnX.get(domain.id)!, y: headerHeight - 6 - (lines.length - line - 0.5) * m.lineHeight, colour: COLOUR.text }));
  });
  const studyHeader = { text: 'Study', x: 0, y: headerHeight - 6 - m.lineHeight / 2, colour: COLOUR.text };
  rules.push({ x: 0.5, x2: tableWidth - 0.5, y: headerHeight, y2: headerHeight });

  // rows: wrapped labels, zebra stripes, one circle per judged domain
  let y = headerHeight;
  const labelTexts: Datum[] = [];
  const stripes: Datum[] = [];
  const cells: Datum[] = [];
  data.studies.forEach((study, index) => {
    const lines = wrapText(labels[index]!, labelWidth, m.fontSize);
    const height = Math.max(m.rowHeight, lines.length * m.lineHeight + 7);
    const centre = y + height / 2;
    if (index % 2 === 1) stripes.push({ x: 0, x2: tableWidth, y, y2: y + height });
    lines.forEach((text, line) => labelTexts.push({ text, x: 0, y: centre + (line - (lines.length - 1) / 2) * m.lineHeight, colour: COLOUR.text }));
    for (const domain of domains) cells.push(judgementDatum(study.judgements[domain.id] ?? 'notAssessed', columnX.get(domain.id)!, centre));
    y += height;
  });
  rules.push({ x: 0.5, x2: tableWidth - 0.5, y, y2: y });

  const key = legend(levelsUsed(data, domains), y + m.legendGap, width, 'circle');
  const notes = noteLines(data, options.note, y + m.legendGap + key.height + 4, width);
  const height = Math.ceil(y + m.legendGap + key.height + (notes.height > 0 ? notes.height + 4 : 0));
  return assemble(
    `QUADAS-2 traffic-light table: ${data.studies.length} studies, ${domains.length} domains`,
    width,
    height,
    { stripes, rules, cells, labels: labelTexts, groupHeaders: headerTexts, studyHeader: [studyHeader], domainHeaders: domainTexts, legendSamples: key.samples, legendTexts: key.texts, notes: notes.texts },
    [
      { data: { name: 'stripes' }, mark: { type: 'rect', color: '#F3F3F3' }, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' } } },
      { data: { name: 'rules' }, mark: { type: 'rule', color: COLOUR.text, strokeWidth: LINE_WIDTH.hairline }, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' } } },
      ...judgementLayers('cells'),
      textLayer('labels', { align: 'left' }),
      textLayer('groupHeaders', { align: 'center', fontWeight: 'bold' }),
      textLayer('studyHeader', { align: 'left', fontWeight: 'bold' }),
      textLayer('domainHeaders', { align: 'center' }),
      ...judgementLayers('legendSamples'),
      textLayer('legendTexts', { align: 'left' }),
      textLayer('notes', { align: 'left', fontSize: FONT_SIZE.note }),
    ],
  );
}

/**
 * (b) Summary bars: proportion of studies per judgement, one bar per domain, from the per-domain
 * counts of the results (results.quadas.counts).
 */
export function quadasSummarySpec(data: QuadasData, domainCounts: readonly QuadasDomainCount[], options: QuadasFigureOptions = {}): TopLevelSpec {
  const m = QUADAS_METRICS;
  const width = options.width ?? FIGURE_WIDTH.full - 2 * FIGURE_PADDING;
  const domains = shownDomains(data);
  const counts = new Map(domainCounts.map((count) => [count.domain, count]));
  const labelWidth = Math.min(maxTextWidth(domains.map((domain) => domain.label), m.fontSize), m.maxLabelWidth);
  const plotX = labelWidth + m.labelGap;
  const plotWidth = width - plotX - Math.ceil(measureText('100%', m.fontSize) / 2);
  const segments: Datum[] = [];
  const segmentTexts: Datum[] = [];
  const labels: Datum[] = [];
  const titles: Datum[] = [];
  let y = 0;
  for (const group of groupsOf(domains)) {
    titles.push({ text: QUADAS_GROUP_LABELS[group], x: 0, y: y + m.lineHeight / 2, colour: COLOUR.text });
    y += m.lineHeight + 6;
    for (const domain of domains.filter((d) => d.group === group)) {
      const count = counts.get(domain.id)!;
      labels.push({ text: domain.label, x: labelWidth, y: y + m.barHeight / 2, colour: COLOUR.text });
      let x = plotX;
      for (const level of QUADAS_LEVELS) {
        const n = count[level];
        if (n === 0 || count.total === 0) continue;
        const segmentWidth = (plotWidth * n) / count.total;
        const style = QUADAS_STYLE[level];
        segments.push({ x, x2: x + segmentWidth, y, y2: y + m.barHeight, fill: style.fill, stroke: level === 'notAssessed' ? PALETTE.lightGrey : '#FFFFFF' });
        const text = formatCount(n);
        if (measureText(text, m.fontSize, { bold: true }) + 6 <= segmentWidth) segmentTexts.push({ text, x: x + segmentWidth / 2, y: y + m.barHeight / 2, colour: style.ink });
        x += segmentWidth;
      }
      y += m.barHeight + m.barGap;
    }
    y += 6;
  }
  // axis: 0–100% ticks under the bars
  const axisY = y - 6;
  const ticks = [0, 25, 50, 75, 100];
  const rules: Datum[] = [{ x: plotX, x2: plotX + plotWidth, y: axisY, y2: axisY }, ...ticks.map((tick) => ({ x: plotX + (plotWidth * tick) / 100, x2: plotX + (plotWidth * tick) / 100, y: axisY, y2: axisY + 4 }))];
  const axisTexts: Datum[] = ticks.map((tick) => ({ text: `${formatFixed(tick, 0)}%`, x: plotX + (plotWidth * tick) / 100, y: axisY + 4 + m.lineHeight / 2 + 1, colour: COLOUR.text }));
  axisTexts.push({ text: `Percentage of studies (k = ${formatCount(data.studies.length)})`, x: plotX + plotWidth / 2, y: axisY + 6 + m.lineHeight * 1.6, colour: COLOUR.text });
  const legendTop = axisY + 6 + m.lineHeight * 2.2 + m.legendGap / 2;
  const key = legend(levelsUsed(data, domains), legendTop, width, 'square');
  const notes = noteLines(data, options.note, legendTop + key.height + 4, width);
  const height = Math.ceil(legendTop + key.height + (notes.height > 0 ? notes.height + 4 : 0));
  return assemble(
    `QUADAS-2 summary: proportion of ${data.studies.length} studies with low, high and unclear risk of bias and applicability concerns, per domain`,
    width,
    height,
    { segments, segmentTexts, labels, titles, rules, axisTexts, legendSamples: key.samples, legendTexts: key.texts, notes: notes.texts },
    [
      { data: { name: 'segments' }, mark: { type: 'rect', strokeWidth: 1 }, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' }, fill: identity('fill'), stroke: identity('stroke') } },
      textLayer('segmentTexts', { align: 'center', fontWeight: 'bold' }),
      textLayer('labels', { align: 'right' }),
      textLayer('titles', { align: 'left', fontWeight: 'bold' }),
      { data: { name: 'rules' }, mark: { type: 'rule', color: COLOUR.text, strokeWidth: LINE_WIDTH.hairline }, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' } } },
      textLayer('axisTexts', { align: 'center' }),
      { data: { name: 'legendSamples' }, mark: { type: 'rect', strokeWidth: 1 }, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' }, fill: identity('fill'), stroke: identity('stroke') } },
      textLayer('legendTexts', { align: 'left' }),
      textLayer('notes', { align: 'left', fontSize: FONT_SIZE.note }),
    ],
  );
}
