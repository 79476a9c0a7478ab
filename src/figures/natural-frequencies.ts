/**
 * Natural-frequency figure: for each prevalence of the summary of findings, one bar of 1,000
 * people tested, split into true positives and false negatives (the people with the condition)
 * then false positives and true negatives (the people without it). Under each bar the four counts
 * in words; a legend names the colours. Counts come from results.findings; this file only places
 * and formats them (whole people, through numbers.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatPrevalence } from '../format/numbers.ts';
import type { AnalysisResults } from '../results/types.ts';
import { legendView, type LegendItem } from './figure-legend.ts';
import { wrapText } from './text-metrics.ts';
import { COLOUR, FIGURE_PADDING, FIGURE_WIDTH, FONT_SIZE, LINE_WIDTH, PALETTE, themeConfig } from './theme.ts';

export interface NaturalFrequencyRow {
  /** e.g. "12.6%: Opportunistic screening, adults aged 50 and over" */
  title: string;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  trueNegatives: number;
}

export interface NaturalFrequencyInput {
  /** people tested per bar (1,000) */
  per: number;
  /** the target condition in running text, e.g. "osteoporosis" */
  condition: string;
  rows: NaturalFrequencyRow[];
}

type Layer = Record<string, unknown>;
type Segment = 'truePositives' | 'falseNegatives' | 'falsePositives' | 'trueNegatives';

export const NATURAL_FREQUENCY_METRICS = { barHeight: 22, lineHeight: 12, gap: 4, rowGap: 16, axisHeight: 34 } as const;

const SEGMENTS: { key: Segment; colour: string; name: string }[] = [
  { key: 'truePositives', colour: PALETTE.bluishGreen, name: 'true positives' },
  { key: 'falseNegatives', colour: PALETTE.vermillion, name: 'false negatives' },
  { key: 'falsePositives', colour: PALETTE.orange, name: 'false positives' },
  { key: 'trueNegatives', colour: PALETTE.skyBlue, name: 'true negatives' },
];

const pixel = (field: string) => ({ field, type: 'quantitative', scale: null });

function legendItems(condition: string): LegendItem[] {
  const swatch = (colour: string) => ({ kind: 'swatch' as const, mark: { color: colour, stroke: COLOUR.text, strokeWidth: LINE_WIDTH.hairline } });
  return [
    { sample: swatch(PALETTE.bluishGreen), text: `True positives: have ${condition}, test positive` },
    { sample: swatch(PALETTE.vermillion), text: `False negatives: have ${condition}, test negative (missed)` },
    { sample: swatch(PALETTE.orange), text: `False positives: do not have ${condition}, test positive` },
    { sample: swatch(PALETTE.skyBlue), text: `True negatives: do not have ${condition}, test negative` },
  ];
}

/** The natural-frequency bars as a Vega-Lite spec (640 px wide). */
export function naturalFrequencySpec(input: NaturalFrequencyInput): TopLevelSpec {
  const width = FIGURE_WIDTH.full - 2 * FIGURE_PADDING;
  const { barHeight, lineHeight, gap, rowGap, axisHeight } = NATURAL_FREQUENCY_METRICS;
  const x = (count: number) => (count / input.per) * width;
  const titles: Layer[] = [];
  const bars: Record<string, number | string>[] = [];
  const captions: Layer[] = [];
  let top = 0;
  for (const row of input.rows) {
    const titleLines = wrapText(row.title, width, FONT_SIZE.label, { bold: true });
    titles.push({ lines: titleLines, x: 0, y: top + lineHeight / 2 });
    top += titleLines.length * lineHeight + gap;
    let start = 0;
    for (const segment of SEGMENTS) {
      const count = row[segment.key];
      bars.push({ x: x(start), x2: x(start + count), y: top, y2: top + barHeight, colour: segment.colour });
      start += count;
    }
    top += barHeight + gap;
    const words = SEGMENTS.map((segment) => `${formatCount(row[segment.key])} ${segment.name}`).join(', ');
    const captionLines = wrapText(words, width, FONT_SIZE.label);
    captions.push({ lines: captionLines, x: 0, y: top + lineHeight / 2 });
    top += captionLines.length * lineHeight + rowGap;
  }
  const axisTop = top - rowGap / 2;
  const ticks = Array.from({ length: 11 }, (_, i) => (i * input.per) / 10);
  const text = (values: Layer[], bold = false): Layer => ({
    data: { values },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT_SIZE.label, lineHeight, ...(bold ? { fontWeight: 'bold' } : {}) },
    encoding: { x: pixel('x'), y: pixel('y'), text: { field: 'lines' } },
  });
  const line = { type: 'rule', color: COLOUR.reference, strokeWidth: LINE_WIDTH.hairline };
  const layers: Layer[] = [
    text(titles, true),
    {
      data: { values: bars },
      mark: { type: 'rect' },
      encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y'), y2: { field: 'y2' }, color: { field: 'colour', type: 'nominal', scale: null } },
    },
    text(captions),
    // rules keep 1 px from the view's edges (Vega's bounds of a rule include its stroke)
    { data: { values: [{ x: 1, x2: width - 1, y: axisTop }] }, mark: line, encoding: { x: pixel('x'), x2: { field: 'x2' }, y: pixel('y') } },
    { data: { values: ticks.map((t) => ({ x: Math.min(width - 1, Math.max(1, x(t))), y: axisTop, y2: axisTop + 4 })) }, mark: line, encoding: { x: pixel('x'), y: pixel('y'), y2: { field: 'y2' } } },
    // tick labels: the first left-aligned and the last right-aligned, so both stay inside the view
    ...(['left', 'center', 'right'] as const).map((align) => ({
      data: { values: ticks.map((t, i) => ({ x: x(t), y: axisTop + 11, text: formatCount(t), align: i === 0 ? 'left' : i === ticks.length - 1 ? 'right' : 'center' })).filter((tick) => tick.align === align) },
      mark: { type: 'text', align, baseline: 'middle', fontSize: FONT_SIZE.label },
      encoding: { x: pixel('x'), y: pixel('y'), text: { field: 'text' } },
    })),
    {
      data: { values: [{ x: width / 2, y: axisTop + 25, text: `People per ${formatCount(input.per)} tested` }] },
      mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: FONT_SIZE.title },
      encoding: { x: pixel('x'), y: pixel('y'), text: { field: 'text' } },
    },
  ];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Natural frequencies per ${formatCount(input.per)} people tested at ${input.rows.length} prevalence${input.rows.length === 1 ? '' : 's'}: true positives, false negatives, false positives and true negatives`,
    config: themeConfig(),
    vconcat: [{ width, height: Math.ceil(axisTop + axisHeight), layer: layers }, legendView(legendItems(input.condition), width)],
    spacing: 12,
  };
  return spec as unknown as TopLevelSpec;
}

/** The figure's input from results.findings (rows in the order of the prevalences). */
export function naturalFrequencyInput(results: AnalysisResults): NaturalFrequencyInput | undefined {
  const findings = results.findings;
  if (!findings || findings.frequencies.length === 0) return undefined;
  const condition = findings.header.targetCondition ?? 'the target condition';
  return {
    per: findings.per,
    condition: /^[A-Z][a-z]/.test(condition) ? condition[0]!.toLowerCase() + condition.slice(1) : condition,
    rows: findings.frequencies.map((f, i) => ({
      title: `${formatPrevalence(f.prevalence)}: ${findings.prevalences[i]!.label}`,
      truePositives: f.truePositives.est,
      falseNegatives: f.falseNegatives.est,
      falsePositives: f.falsePositives.est,
      trueNegatives: f.trueNegatives.est,
    })),
  };
}
