/**
 * Paired forest plot of sensitivity and specificity (Stata midas `bforest`; the seed paper's
 * Figures 2 and 3): study labels on the left, then a sensitivity panel and a specificity panel,
 * each a plot (square of area ∝ arm size + horizontal CI rule, dashed reference line at the pooled
 * estimate, pooled diamond, heterogeneity text) followed by its "0.90 [0.79, 0.96]" column.
 *
 * Layout: one row of views (`hconcat`, `bounds: 'flush'`, no spacing) that all share a pixel y
 * coordinate (`scale: null`) computed in forest-layout.ts, so every row lines up across columns
 * whatever the label wrapping. Each function below returns one layer. Numbers reach the figure as
 * text produced by src/format/numbers.ts; nothing here computes a statistic.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatCount } from '../format/numbers.ts';
import { COLOUR, DASH, FONT, FONT_SIZE, LINE_WIDTH, themeConfig, tickLabelExpression } from './theme.ts';
import { wrapText } from './text-metrics.ts';
import {
  COUNT_COLUMNS,
  FOREST_METRICS,
  forestGeometry,
  intervalText,
  type ForestGeometry,
  type ForestInput,
  type ForestOptions,
  type ForestRow,
} from './forest-layout.ts';

export { paginateForest, formatHeterogeneity, type ForestInput, type ForestOptions, type ForestStudy, type ForestPooled, type HeterogeneityStatistics } from './forest-layout.ts';

type Panel = 'sens' | 'spec';
// Layer and view objects are checked as a whole against TopLevelSpec at the end of forestSpec.
type Layer = Record<string, unknown>;

const PANEL_TITLE: Record<Panel, string> = { sens: 'Sensitivity', spec: 'Specificity' };

/** y of the first line of a (possibly wrapped) label centred on its row, for baseline 'middle'. */
function firstLineY(row: ForestRow): number {
  return row.centre - ((row.lines.length - 1) * FOREST_METRICS.lineHeight) / 2;
}

const pixelY = (field: string) => ({ field, type: 'quantitative', scale: null });

/** Rows of the named datasets: one per study, one for the pooled row. */
function datasets(input: ForestInput, geometry: ForestGeometry): Record<string, Layer[]> {
  const { maxSquareArea, minSquareArea } = FOREST_METRICS;
  const largest = (key: 'nDiseased' | 'nNonDiseased') => Math.max(1, ...input.rows.map((row) => row[key]));
  const area = (n: number, max: number) => Math.max(minSquareArea, (maxSquareArea * n) / max);
  const studies = input.rows.map((study, index) => {
    const row = geometry.rows[index] as ForestRow;
    return {
      label: row.lines,
      labelY: firstLineY(row),
      y: row.centre,
      sensEst: study.sens.est, sensLo: study.sens.lo, sensHi: study.sens.hi,
      specEst: study.spec.est, specLo: study.spec.lo, specHi: study.spec.hi,
      sensText: intervalText(study.sens),
      specText: intervalText(study.spec),
      sensArea: area(study.nDiseased, largest('nDiseased')),
      specArea: area(study.nNonDiseased, largest('nNonDiseased')),
      ...Object.fromEntries(COUNT_COLUMNS.map((column) => [column, study.counts ? formatCount(study.counts[column]) : ''])),
    };
  });
  const pooled = input.pooled && geometry.pooled
    ? [{ label: geometry.pooled.lines, labelY: firstLineY(geometry.pooled), y: geometry.pooled.centre,
         sensText: intervalText(input.pooled.sens), specText: intervalText(input.pooled.spec) }]
    : [];
  return { studies, pooled };
}

/** Column header: bold, bottom-aligned with the other headers. */
function headerLayer(lines: string[], geometry: ForestGeometry, x: number, align: 'left' | 'right' = 'left'): Layer {
  const lastLineY = geometry.headerHeight - FOREST_METRICS.headerGap - FOREST_METRICS.rowHeight / 2;
  return {
    data: { values: [{ lines, y: lastLineY - (lines.length - 1) * FOREST_METRICS.lineHeight }] },
    mark: { type: 'text', align, baseline: 'middle', fontWeight: 'bold', fontSize: FONT_SIZE.label, lineHeight: FOREST_METRICS.lineHeight },
    encoding: { x: { value: x }, y: pixelY('y'), text: { field: 'lines' } },
  };
}

/**
 * Thin rule under the header across the whole view (views touch, so the rules join into one line).
 * At the figure's outer ends it stops half a pixel short so the stroke does not widen the figure.
 */
function headerRuleLayer(geometry: ForestGeometry, width: number, ends: { first?: boolean; last?: boolean } = {}): Layer {
  return {
    data: { values: [{}] },
    mark: { type: 'rule', color: COLOUR.text, strokeWidth: LINE_WIDTH.hairline },
    encoding: { x: { value: ends.first ? 0.5 : 0 }, x2: { value: ends.last ? width - 0.5 : width }, y: { value: geometry.headerHeight } },
  };
}

/** Study (or pooled) labels; wrapped labels are multi-line text centred on their row. */
function labelLayer(dataset: 'studies' | 'pooled'): Layer {
  return {
    data: { name: dataset },
    mark: { type: 'text', align: 'left', baseline: 'middle', lineHeight: FOREST_METRICS.lineHeight, ...(dataset === 'pooled' ? { fontWeight: 'bold' } : {}) },
    encoding: { x: { value: 0 }, y: pixelY('labelY'), text: { field: 'label' } },
  };
}

/** A monospace text column (interval text or a count), right- or left-aligned at `x`. */
function textColumnLayer(dataset: 'studies' | 'pooled', field: string, x: number, align: 'left' | 'right'): Layer {
  return {
    data: { name: dataset },
    mark: { type: 'text', font: FONT.mono, align, baseline: 'middle', ...(dataset === 'pooled' ? { fontWeight: 'bold' } : {}) },
    encoding: { x: { value: x }, y: pixelY('y'), text: { field } },
  };
}

/** x encoding of a panel, identical on every layer so the merged axis has one explicit title. */
function panelX(field: string, panel: Panel, geometry: ForestGeometry, options: ForestOptions): Layer {
  const width = geometry.columns.plot;
  const pad = FOREST_METRICS.plotPadding;
  const wide = width - 2 * pad >= 200;
  const values = wide ? [0, 0.2, 0.4, 0.6, 0.8, 1] : [0, 0.25, 0.5, 0.75, 1];
  return {
    field,
    type: 'quantitative',
    title: options.titles?.[panel] ?? PANEL_TITLE[panel],
    scale: { domain: [0, 1], range: [pad, width - pad], nice: false, zero: false },
    axis: { values, labelExpr: tickLabelExpression(values, 1, wide ? values : [0, 0.5, 1]), labelFlush: false },
  };
}

function ciRuleLayer(panel: Panel, geometry: ForestGeometry, options: ForestOptions): Layer {
  const title = options.titles?.[panel] ?? PANEL_TITLE[panel];
  return {
    data: { name: 'studies' },
    mark: { type: 'rule', color: COLOUR.study, strokeWidth: LINE_WIDTH.data },
    encoding: { x: panelX(`${panel}Lo`, panel, geometry, options), x2: { field: `${panel}Hi`, title }, y: pixelY('y') },
  };
}

function squareLayer(panel: Panel, geometry: ForestGeometry, options: ForestOptions): Layer {
  return {
    data: { name: 'studies' },
    mark: { type: 'point', shape: 'square', filled: true, opacity: 1, color: COLOUR.study },
    encoding: {
      x: panelX(`${panel}Est`, panel, geometry, options),
      y: pixelY('y'),
      size: { field: `${panel}Area`, type: 'quantitative', scale: null },
    },
  };
}

/** Dashed vertical line at the pooled (or given reference) estimate, from the first study down. */
function referenceLayer(panel: Panel, value: number, geometry: ForestGeometry, options: ForestOptions): Layer {
  const top = geometry.rows[0]?.top ?? geometry.headerHeight;
  const bottom = geometry.pooled?.centre ?? geometry.rows.at(-1)?.bottom ?? top;
  return {
    data: { values: [{ x: value, top, bottom }] },
    mark: { type: 'rule', color: COLOUR.pooled, strokeWidth: LINE_WIDTH.hairline, strokeDash: DASH.reference },
    encoding: { x: panelX('x', panel, geometry, options), y: pixelY('top'), y2: { field: 'bottom' } },
  };
}

/** Pooled estimate as a diamond: an area between the upper and lower edges through lo, est, hi. */
function diamondLayer(panel: Panel, input: ForestInput, geometry: ForestGeometry, options: ForestOptions): Layer | undefined {
  const interval = input.pooled?.[panel];
  const row = geometry.pooled;
  if (!interval || !row) return undefined;
  const half = FOREST_METRICS.rowHeight * 0.35;
  const values = [
    { x: interval.lo, upper: row.centre, lower: row.centre },
    { x: interval.est, upper: row.centre - half, lower: row.centre + half },
    { x: interval.hi, upper: row.centre, lower: row.centre },
  ];
  return {
    data: { values },
    mark: { type: 'area', orient: 'vertical', color: COLOUR.pooled, stroke: COLOUR.pooled, strokeWidth: LINE_WIDTH.hairline, opacity: 1 },
    encoding: { x: panelX('x', panel, geometry, options), y: pixelY('upper'), y2: { field: 'lower' } },
  };
}

/** Heterogeneity lines under the pooled row, starting at the axis origin (may extend under the CI column). */
function heterogeneityLayer(panel: Panel, geometry: ForestGeometry): Layer | undefined {
  const lines = geometry.heterogeneity[panel];
  if (lines.length === 0) return undefined;
  return {
    data: { values: [{ lines, y: geometry.heterogeneity.top + FOREST_METRICS.lineHeight / 2 }] },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT_SIZE.note, lineHeight: FOREST_METRICS.lineHeight },
    encoding: { x: { value: FOREST_METRICS.plotPadding }, y: pixelY('y'), text: { field: 'lines' } },
  };
}

function view(width: number, geometry: ForestGeometry, layers: (Layer | undefined)[]): Layer {
  return { width, height: geometry.height, layer: layers.filter((layer): layer is Layer => layer !== undefined) };
}

function panelViews(panel: Panel, input: ForestInput, geometry: ForestGeometry, options: ForestOptions): Layer[] {
  const { plot, text } = geometry.columns;
  const reference = input.reference?.[panel] ?? input.pooled?.[panel].est;
  const plotView = view(plot, geometry, [
    headerRuleLayer(geometry, plot),
    reference === undefined ? undefined : referenceLayer(panel, reference, geometry, options),
    ciRuleLayer(panel, geometry, options),
    squareLayer(panel, geometry, options),
    diamondLayer(panel, input, geometry, options),
    heterogeneityLayer(panel, geometry),
  ]);
  const gap = FOREST_METRICS.textGapBefore;
  const textView = view(text, geometry, [
    headerLayer(geometry.headerLines[panel], geometry, gap),
    headerRuleLayer(geometry, text, { last: panel === 'spec' }),
    textColumnLayer('studies', `${panel}Text`, gap, 'left'),
    input.pooled ? textColumnLayer('pooled', `${panel}Text`, gap, 'left') : undefined,
  ]);
  return [plotView, textView];
}

/** The paired forest plot as a Vega-Lite spec. */
export function forestSpec(input: ForestInput, options: ForestOptions = {}): TopLevelSpec {
  const geometry = forestGeometry(input, options);
  const { columns } = geometry;
  const labelView = view(columns.label, geometry, [
    headerLayer(geometry.headerLines.label, geometry, 0),
    headerRuleLayer(geometry, columns.label, { first: true }),
    labelLayer('studies'),
    input.pooled ? labelLayer('pooled') : undefined,
  ]);
  const countViews = columns.counts.map((width, index) => {
    const column = COUNT_COLUMNS[index] ?? 'tp';
    const right = width - FOREST_METRICS.columnGap / 2;
    return view(width, geometry, [
      headerLayer([column.toUpperCase()], geometry, right, 'right'),
      headerRuleLayer(geometry, width),
      textColumnLayer('studies', column, right, 'right'),
    ]);
  });
  const rowOfViews = {
    hconcat: [labelView, ...countViews, ...panelViews('sens', input, geometry, options), ...panelViews('spec', input, geometry, options)],
    spacing: 0,
    bounds: 'flush',
  };
  const noteLines = input.note ? wrapText(input.note, columns.total, FONT_SIZE.note) : [];
  const noteView = {
    width: columns.total,
    height: noteLines.length * FOREST_METRICS.lineHeight,
    data: { values: [{ lines: noteLines }] },
    mark: { type: 'text', align: 'left', baseline: 'top', fontSize: FONT_SIZE.note, lineHeight: FOREST_METRICS.lineHeight },
    encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'lines' } },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Paired forest plot of sensitivity and specificity, ${input.rows.length} studies${input.pooled ? ' and the pooled estimate' : ''}`,
    config: themeConfig(),
    datasets: datasets(input, geometry),
    vconcat: noteLines.length > 0 ? [rowOfViews, noteView] : [rowOfViews],
    spacing: 8,
  };
  return spec as unknown as TopLevelSpec;
}
