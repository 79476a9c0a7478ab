/**
 * A legend drawn as its own small view under a figure (as sroc-legend.ts does for the SROC plot):
 * one row per entry, a sample drawn with the same mark properties as the plot layer it explains,
 * then the text, wrapped to the legend width and never truncated. Entries whose text needs no
 * sample (a test result such as "Deeks' test: slope p = 0.30") leave the sample column empty.
 */
import { FONT_SIZE } from './theme.ts';
import { wrapText } from './text-metrics.ts';

type Layer = Record<string, unknown>;

/** How an entry's sample is drawn: a point symbol, a line, a filled swatch, or nothing. */
export type LegendSample =
  | { kind: 'point'; mark: Record<string, unknown> }
  | { kind: 'line'; mark: Record<string, unknown> }
  | { kind: 'swatch'; mark: Record<string, unknown> }
  | { kind: 'none' };

export interface LegendItem {
  sample: LegendSample;
  text: string;
}

export const FIGURE_LEGEND_METRICS = {
  rowHeight: 16,
  lineHeight: 12.5,
  sampleWidth: 24,
  textOffset: 32,
  /** default area of a point sample, px² */
  pointArea: 64,
} as const;

function sampleLayer(sample: LegendSample, centre: number): Layer | undefined {
  const { sampleWidth, pointArea } = FIGURE_LEGEND_METRICS;
  const single = { data: { values: [{}] } };
  switch (sample.kind) {
    case 'point':
      return { ...single, mark: { type: 'point', size: pointArea, ...sample.mark }, encoding: { x: { value: sampleWidth / 2 }, y: { value: centre } } };
    case 'line':
      return { ...single, mark: { type: 'rule', ...sample.mark }, encoding: { x: { value: 1 }, x2: { value: sampleWidth - 1 }, y: { value: centre } } };
    case 'swatch':
      return {
        ...single,
        mark: { type: 'rect', ...sample.mark },
        encoding: { x: { value: 2 }, x2: { value: sampleWidth - 2 }, y: { value: centre - 5 }, y2: { value: centre + 5 } },
      };
    case 'none':
      return undefined;
  }
}

/** Height in px that `legendView(items, width)` takes. */
export function legendHeight(items: readonly LegendItem[], width: number): number {
  return legendRows(items, width).reduce((sum, row) => sum + row.height, 0);
}

function legendRows(items: readonly LegendItem[], width: number) {
  const { rowHeight, lineHeight, textOffset } = FIGURE_LEGEND_METRICS;
  let top = 0;
  return items.map((item) => {
    const offset = item.sample.kind === 'none' ? 0 : textOffset;
    const lines = wrapText(item.text, width - offset, FONT_SIZE.label);
    const height = rowHeight + (lines.length - 1) * lineHeight;
    const row = { item, lines, offset, centre: top + rowHeight / 2, height };
    top += height;
    return row;
  });
}

/** The legend view: `width` px wide, as tall as its wrapped rows. */
export function legendView(items: readonly LegendItem[], width: number): Layer {
  const rows = legendRows(items, width);
  const text: Layer = {
    data: { values: rows.map((row) => ({ lines: row.lines, x: row.offset, y: row.centre })) },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT_SIZE.label, lineHeight: FIGURE_LEGEND_METRICS.lineHeight },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: null },
      y: { field: 'y', type: 'quantitative', scale: null },
      text: { field: 'lines' },
    },
  };
  const samples = rows.map((row) => sampleLayer(row.item.sample, row.centre)).filter((layer): layer is Layer => layer !== undefined);
  return { width, height: Math.ceil(legendHeight(items, width)), layer: [...samples, text] };
}
