/**
 * Vega-Lite spec of an "interval panels" figure (geometry in interval-panels-layout.ts): a label
 * view, then per panel a plot view (band, reference line, CI rules, squares or circles, pooled
 * diamonds, notes) and a text view, side by side in one `hconcat` with no spacing, all sharing one
 * pixel y coordinate so rows line up; legend and footnote below. Each function returns one layer.
 * The figures built on it (meta-regression, leave-one-out, cumulative, univariate forest) only
 * turn their results into rows and cells; nothing here computes a statistic.
 */
import type { TopLevelSpec } from 'vega-lite';
import { COLOUR, DASH, FONT, FONT_SIZE, LINE_WIDTH, PALETTE, themeConfig } from './theme.ts';
import { wrapText } from './text-metrics.ts';
import { thinTickLabels, tickAxis } from './axis-ticks.ts';
import { legendView } from './figure-legend.ts';
import {
  PANEL_METRICS,
  anchorY,
  firstLineY,
  panelsGeometry,
  type IntervalPanel,
  type IntervalPanelsInput,
  type IntervalPanelsOptions,
  type PanelsGeometry,
} from './interval-panels-layout.ts';

export * from './interval-panels-layout.ts';

type Layer = Record<string, unknown>;

/** Colour of highlighted cells (Okabe–Ito blue: distinct from the vermillion pooled estimate). */
export const HIGHLIGHT_COLOUR = PALETTE.blue;

const pixelY = (field: string) => ({ field, type: 'quantitative', scale: null });

/** Per panel, one dataset row per table row: positions, texts, colours. */
function panelDatasets(input: IntervalPanelsInput, geometry: PanelsGeometry): Record<string, Layer[]> {
  const datasets: Record<string, Layer[]> = {
    labels: geometry.rows.map((row) => ({
      lines: row.lines, y: firstLineY(row), x: row.row.indent ? PANEL_METRICS.indent : 0, weight: row.row.kind === 'row' ? 'normal' : 'bold',
      note: row.note?.text ?? '', noteX: row.note?.x ?? 0, noteY: row.note?.y ?? 0, noteAlign: row.note?.align ?? '',
    })),
  };
  // one dataset per extra column, holding only the rows that have a text in it
  (input.columns ?? []).forEach((_column, index) => {
    datasets[`column${index}`] = geometry.rows.flatMap((row) => {
      const text = row.row.columns?.[index] ?? '';
      return text === '' ? [] : [{ y: anchorY(row), text, weight: row.row.kind === 'pooled' ? 'bold' : 'normal' }];
    });
  });
  input.panels.forEach((_panel, index) => {
    datasets[`panel${index}`] = geometry.rows.map((row, order) => {
      const cell = row.row.cells[index];
      const colour = cell?.highlight ? HIGHLIGHT_COLOUR : row.row.kind === 'pooled' ? COLOUR.pooled : COLOUR.study;
      return {
        order, kind: row.row.kind, y: anchorY(row), text: cell?.text ?? '', colour, textColour: cell?.highlight ? HIGHLIGHT_COLOUR : COLOUR.text,
        font: row.row.kind === 'heading' ? FONT.sans : FONT.mono,
        weight: row.row.kind === 'pooled' || cell?.highlight ? 'bold' : 'normal',
        ...(cell?.interval ? { est: cell.interval.est, lo: cell.interval.lo, hi: cell.interval.hi } : {}),
        area: cell?.area ?? PANEL_METRICS.defaultSquareArea,
      };
    });
  });
  return datasets;
}

/** x encoding of a panel, identical on every layer so the merged axis keeps its explicit title. */
function panelX(field: string, panel: IntervalPanel, width: number): Layer {
  const pad = PANEL_METRICS.plotPadding;
  const { type, domain, ticks } = panel.axis;
  const transform = type === 'log' ? Math.log10 : (value: number) => value;
  const [start, end] = domain.map(transform) as [number, number];
  const position = (value: number) => pad + ((transform(value) - start) / (end - start)) * (width - 2 * pad);
  return {
    field,
    type: 'quantitative',
    title: panel.title,
    scale: { type, domain, range: [pad, width - pad], nice: false, ...(type === 'log' ? {} : { zero: false }) },
    axis: { ...tickAxis(thinTickLabels(ticks, position, FONT_SIZE.label)), labelFlush: false },
  };
}

function headerLayer(lines: string[], geometry: PanelsGeometry, x: number, align: 'left' | 'right' = 'left'): Layer {
  const lastLineY = geometry.headerHeight - PANEL_METRICS.headerGap - PANEL_METRICS.rowHeight / 2;
  return {
    data: { values: [{ lines, y: lastLineY - (lines.length - 1) * PANEL_METRICS.lineHeight }] },
    mark: { type: 'text', align, baseline: 'middle', fontWeight: 'bold', lineHeight: PANEL_METRICS.lineHeight },
    encoding: { x: { value: x }, y: pixelY('y'), text: { field: 'lines' } },
  };
}

/** Rule under the header; views touch, so the rules join into one line across the figure. */
function headerRuleLayer(geometry: PanelsGeometry, width: number, ends: { first?: boolean; last?: boolean } = {}): Layer {
  return {
    data: { values: [{}] },
    mark: { type: 'rule', color: COLOUR.text, strokeWidth: LINE_WIDTH.hairline },
    encoding: { x: { value: ends.first ? 0.5 : 0 }, x2: { value: ends.last ? width - 0.5 : width }, y: { value: geometry.headerHeight } },
  };
}

function labelLayers(): Layer[] {
  const labels = (weight: 'normal' | 'bold'): Layer => ({
    data: { name: 'labels' },
    transform: [{ filter: `datum.weight === '${weight}'` }],
    mark: { type: 'text', align: 'left', baseline: 'middle', fontWeight: weight, lineHeight: PANEL_METRICS.lineHeight },
    encoding: { x: { field: 'x', type: 'quantitative', scale: null }, y: pixelY('y'), text: { field: 'lines' } },
  });
  const notes = (align: 'left' | 'right'): Layer => ({
    data: { name: 'labels' },
    transform: [{ filter: `datum.noteAlign === '${align}'` }],
    mark: { type: 'text', align, baseline: 'middle' },
    encoding: { x: { field: 'noteX', type: 'quantitative', scale: null }, y: pixelY('noteY'), text: { field: 'note' } },
  });
  return [labels('normal'), labels('bold'), notes('right'), notes('left')];
}

/** Rows span from the first row's top to the last row's bottom (reference lines, bands). */
function rowSpan(geometry: PanelsGeometry): { top: number; bottom: number } {
  const top = geometry.rows[0]?.top ?? geometry.headerHeight;
  return { top, bottom: geometry.rows.at(-1)?.bottom ?? top };
}

function bandLayer(panel: IntervalPanel, width: number, geometry: PanelsGeometry): Layer | undefined {
  if (!panel.band) return undefined;
  const [lo, hi] = panel.band;
  return {
    data: { values: [{ lo, hi, ...rowSpan(geometry) }] },
    mark: { type: 'rect', color: COLOUR.pooled, opacity: 0.12 },
    encoding: { x: panelX('lo', panel, width), x2: { field: 'hi', title: panel.title }, y: pixelY('top'), y2: { field: 'bottom' } },
  };
}

function referenceLayer(panel: IntervalPanel, role: 'pooled' | 'null', width: number, geometry: PanelsGeometry): Layer | undefined {
  const values = (panel.references ?? []).filter((reference) => reference.role === role).map((reference) => ({ x: reference.value, ...rowSpan(geometry) }));
  if (values.length === 0) return undefined;
  const pooled = role === 'pooled';
  return {
    data: { values },
    mark: { type: 'rule', color: pooled ? COLOUR.pooled : COLOUR.reference, strokeWidth: LINE_WIDTH.hairline, ...(pooled ? { strokeDash: DASH.reference } : {}) },
    encoding: { x: panelX('x', panel, width), y: pixelY('top'), y2: { field: 'bottom' } },
  };
}

function ciRuleLayer(index: number, panel: IntervalPanel, width: number): Layer {
  return {
    data: { name: `panel${index}` },
    transform: [{ filter: "datum.kind !== 'pooled' && isValid(datum.lo)" }],
    mark: { type: 'rule', strokeWidth: LINE_WIDTH.data, clip: true },
    encoding: { x: panelX('lo', panel, width), x2: { field: 'hi', title: panel.title }, y: pixelY('y'), color: { field: 'colour', type: 'nominal', scale: null } },
  };
}

function markerLayer(index: number, panel: IntervalPanel, width: number, marker: 'square' | 'circle'): Layer {
  return {
    data: { name: `panel${index}` },
    transform: [{ filter: "datum.kind !== 'pooled' && isValid(datum.est)" }],
    mark: { type: 'point', shape: marker, filled: true, opacity: 1, clip: true },
    encoding: {
      x: panelX('est', panel, width), y: pixelY('y'),
      size: { field: 'area', type: 'quantitative', scale: null }, color: { field: 'colour', type: 'nominal', scale: null },
    },
  };
}

/** Pooled rows as diamonds: an area through (lo, centre), (est, centre ± half), (hi, centre), one per row. */
function diamondLayer(index: number, panel: IntervalPanel, width: number, geometry: PanelsGeometry): Layer | undefined {
  const half = PANEL_METRICS.rowHeight * 0.35;
  const values = geometry.rows.flatMap((row, order) => {
    const cell = row.row.kind === 'pooled' ? row.row.cells[index] : undefined;
    const interval = cell?.interval;
    if (!interval) return [];
    const { centre } = row;
    const colour = cell?.secondary ? PALETTE.grey : COLOUR.pooled;
    return [
      { order, colour, x: interval.lo, upper: centre, lower: centre },
      { order, colour, x: interval.est, upper: centre - half, lower: centre + half },
      { order, colour, x: interval.hi, upper: centre, lower: centre },
    ];
  });
  if (values.length === 0) return undefined;
  return {
    data: { values },
    mark: { type: 'area', orient: 'vertical', strokeWidth: LINE_WIDTH.hairline, opacity: 1 },
    encoding: {
      x: panelX('x', panel, width), y: pixelY('upper'), y2: { field: 'lower' }, detail: { field: 'order', type: 'nominal' },
      color: { field: 'colour', type: 'nominal', scale: null }, stroke: { field: 'colour', type: 'nominal', scale: null },
    },
  };
}

function notesLayer(index: number, geometry: PanelsGeometry): Layer | undefined {
  const lines = geometry.notes.lines[index] ?? [];
  if (lines.length === 0) return undefined;
  return {
    data: { values: [{ lines, y: geometry.notes.top + PANEL_METRICS.lineHeight / 2 }] },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT_SIZE.note, lineHeight: PANEL_METRICS.lineHeight },
    encoding: { x: { value: PANEL_METRICS.plotPadding }, y: pixelY('y'), text: { field: 'lines' } },
  };
}

/** The text column: one layer per face (Vega-Lite has no font channel): sans on heading rows, else monospace. */
function textColumnLayers(index: number): Layer[] {
  const faces = [
    { font: FONT.sans, weight: 'normal' },
    { font: FONT.mono, weight: 'normal' },
    { font: FONT.mono, weight: 'bold' },
  ];
  return faces.map(({ font, weight }) => ({
    data: { name: `panel${index}` },
    transform: [{ filter: `datum.font === '${font}' && datum.weight === '${weight}' && datum.text !== ''` }],
    mark: { type: 'text', align: 'left', baseline: 'middle', font, fontWeight: weight },
    encoding: { x: { value: PANEL_METRICS.textGapBefore }, y: pixelY('y'), text: { field: 'text' }, color: { field: 'textColour', type: 'nominal', scale: null } },
  }));
}

function view(width: number, geometry: PanelsGeometry, layers: (Layer | undefined)[]): Layer {
  return { width, height: geometry.height, layer: layers.filter((layer): layer is Layer => layer !== undefined) };
}

/** One of the input's `columns`: header and texts right-aligned, monospace (bold on pooled rows). */
function extraColumnView(index: number, header: string, geometry: PanelsGeometry): Layer {
  const width = geometry.columns.extra[index] ?? 0;
  const right = width - PANEL_METRICS.columnGap / 2;
  const texts = (weight: 'normal' | 'bold'): Layer => ({
    data: { name: `column${index}` },
    transform: [{ filter: `datum.weight === '${weight}'` }],
    mark: { type: 'text', align: 'right', baseline: 'middle', font: FONT.mono, fontWeight: weight },
    encoding: { x: { value: right }, y: pixelY('y'), text: { field: 'text' } },
  });
  return view(width, geometry, [headerLayer([header], geometry, right, 'right'), headerRuleLayer(geometry, width), texts('normal'), texts('bold')]);
}

function panelViews(index: number, panel: IntervalPanel, input: IntervalPanelsInput, geometry: PanelsGeometry): Layer[] {
  const width = geometry.columns.plot;
  const textWidth = geometry.columns.text[index] ?? 0;
  const last = index === input.panels.length - 1;
  const before = input.textBeforePlot === true;
  const plotView = view(width, geometry, [
    headerRuleLayer(geometry, width, { last: last && before }), bandLayer(panel, width, geometry),
    referenceLayer(panel, 'null', width, geometry), referenceLayer(panel, 'pooled', width, geometry),
    ciRuleLayer(index, panel, width), markerLayer(index, panel, width, input.marker ?? 'square'),
    diamondLayer(index, panel, width, geometry), notesLayer(index, geometry),
  ]);
  const textView = view(textWidth, geometry, [
    headerLayer(geometry.headerLines.panels[index] ?? [], geometry, PANEL_METRICS.textGapBefore),
    headerRuleLayer(geometry, textWidth, { last: last && !before }), ...textColumnLayers(index),
  ]);
  return before ? [textView, plotView] : [plotView, textView];
}

/** The figure as a Vega-Lite spec; `description` is its accessible summary. */
export function intervalPanelsSpec(input: IntervalPanelsInput, description: string, options: IntervalPanelsOptions = {}): TopLevelSpec {
  const geometry = panelsGeometry(input, options);
  const { columns } = geometry;
  const labelView = view(columns.label, geometry, [
    headerLayer(geometry.headerLines.label, geometry, 0), headerRuleLayer(geometry, columns.label, { first: true }), ...labelLayers(),
  ]);
  const extraViews = (input.columns ?? []).map((column, index) => extraColumnView(index, column.header, geometry));
  const rowOfViews = { hconcat: [labelView, ...extraViews, ...input.panels.flatMap((panel, index) => panelViews(index, panel, input, geometry))], spacing: 0, bounds: 'flush' };
  const below: Layer[] = [];
  if (input.legend && input.legend.length > 0) below.push(legendView(input.legend, columns.total));
  const noteLines = input.note ? wrapText(input.note, columns.total, FONT_SIZE.note) : [];
  if (noteLines.length > 0) {
    below.push({
      width: columns.total, height: noteLines.length * PANEL_METRICS.lineHeight,
      data: { values: [{ lines: noteLines }] },
      mark: { type: 'text', align: 'left', baseline: 'top', fontSize: FONT_SIZE.note, lineHeight: PANEL_METRICS.lineHeight },
      encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'lines' } },
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description,
    config: themeConfig(),
    datasets: panelDatasets(input, geometry),
    vconcat: [rowOfViews, ...below],
    spacing: 8,
  };
  return spec as unknown as TopLevelSpec;
}
