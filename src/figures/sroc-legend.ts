/**
 * Legend of the SROC plot, drawn as its own small view under the plot rather than as a Vega-Lite
 * legend: the five entries mix point symbols and dash patterns, their texts are long (the summary
 * point carries both CIs) and must wrap rather than truncate. Samples use the same mark properties
 * as the plot (`SROC_MARKS`), so legend and plot cannot disagree.
 */
import { formatInterval, formatLevel, formatRange, type IntervalLike } from '../format/numbers.ts';
import { COLOUR, DASH, FONT_SIZE, LINE_WIDTH } from './theme.ts';
import { wrapText } from './text-metrics.ts';
import type { SrocInput } from './sroc.ts';

export type SrocElement = 'observed' | 'summary' | 'curve' | 'extrapolated' | 'confidenceRegion' | 'predictionRegion';

/** Mark properties of each element, shared by the plot layers and the legend samples. */
export const SROC_MARKS: Record<SrocElement, Record<string, unknown>> = {
  observed: { shape: 'circle', filled: false, color: COLOUR.study, strokeWidth: LINE_WIDTH.data, opacity: 1 },
  summary: { shape: 'diamond', filled: true, color: COLOUR.pooled, stroke: 'white', strokeWidth: LINE_WIDTH.hairline, size: 120, opacity: 1 },
  curve: { color: COLOUR.curve, strokeWidth: LINE_WIDTH.emphasis },
  extrapolated: { color: COLOUR.curve, strokeWidth: LINE_WIDTH.hairline, strokeDash: DASH.reference },
  confidenceRegion: { color: COLOUR.confidenceRegion, strokeWidth: LINE_WIDTH.data, strokeDash: DASH.dashed },
  predictionRegion: { color: COLOUR.predictionRegion, strokeWidth: LINE_WIDTH.data, strokeDash: DASH.dotted },
};

const POINT_ELEMENTS: readonly SrocElement[] = ['observed', 'summary'];

export const LEGEND_METRICS = {
  rowHeight: 16,
  lineHeight: 12.5,
  sampleWidth: 24,
  textOffset: 32,
  observedSampleArea: 64,
} as const;

export interface LegendEntry {
  element: SrocElement;
  text: string;
}

const NO_BREAK = '\u00A0';

/** "0.87 (0.82–0.91)": estimate with its interval, in the one CI style of the supplement. */
function intervalText(interval: IntervalLike): string {
  return formatInterval(interval, 'proportion');
}

/** "SENS = 0.87 (0.82–0.91)" held together by no-break spaces, so wrapping happens between groups. */
function group(name: string, interval: IntervalLike): string {
  return `${name} = ${intervalText(interval)}`.replaceAll(' ', NO_BREAK);
}

/** Legend entries for the elements present in the input, in midas' order. */
export function legendEntries(input: SrocInput): LegendEntry[] {
  const level = formatLevel(input.level ?? 0.95);
  const entries: LegendEntry[] = [{ element: 'observed', text: 'Observed data' }];
  if (input.summary) {
    const { sens, spec } = input.summary;
    entries.push({ element: 'summary', text: `Summary operating point: ${group('SENS', sens)}, ${group('SPEC', spec)}` });
  }
  if (input.curve) {
    const auc = input.curve.auc;
    const range = input.curve.range;
    const over = range ? ` over the observed false-positive rates ${formatRange(range[0], range[1], 'proportion')}` : '';
    entries.push({ element: 'curve', text: auc ? `SROC curve${over}${over ? '; ' : ': '}${group('AUC', auc)}${range ? ' over the full range' : ''}` : `SROC curve${over}` });
    if (input.curve.extrapolated) entries.push({ element: 'extrapolated', text: 'SROC curve extrapolated beyond the observed false-positive rates' });
  }
  if (input.confidenceRegion) entries.push({ element: 'confidenceRegion', text: `${level} confidence region` });
  if (input.predictionRegion) entries.push({ element: 'predictionRegion', text: `${level} prediction region` });
  return entries;
}

type Layer = Record<string, unknown>;

function sampleLayer(element: SrocElement, y: number): Layer {
  const { sampleWidth } = LEGEND_METRICS;
  if (POINT_ELEMENTS.includes(element)) {
    const size = element === 'observed' ? { size: LEGEND_METRICS.observedSampleArea } : {};
    return {
      data: { values: [{}] },
      mark: { type: 'point', ...SROC_MARKS[element], ...size },
      encoding: { x: { value: sampleWidth / 2 }, y: { value: y } },
    };
  }
  return {
    data: { values: [{}] },
    mark: { type: 'rule', ...SROC_MARKS[element] },
    encoding: { x: { value: 0 }, x2: { value: sampleWidth }, y: { value: y } },
  };
}

/** The legend view: one row per entry (a sample, then the wrapped text), `width` px wide. */
export function legendView(entries: readonly LegendEntry[], width: number): Layer {
  const { rowHeight, lineHeight, textOffset } = LEGEND_METRICS;
  let top = 0;
  const rows = entries.map((entry) => {
    const lines = wrapText(entry.text, width - textOffset, FONT_SIZE.label);
    const height = rowHeight + (lines.length - 1) * lineHeight;
    const row = { element: entry.element, lines, centre: top + rowHeight / 2, top };
    top += height;
    return row;
  });
  const text: Layer = {
    data: { values: rows.map((row) => ({ lines: row.lines, y: row.centre })) },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT_SIZE.label, lineHeight },
    encoding: { x: { value: textOffset }, y: { field: 'y', type: 'quantitative', scale: null }, text: { field: 'lines' } },
  };
  return { width, height: Math.ceil(top), layer: [...rows.map((row) => sampleLayer(row.element, row.centre)), text] };
}
