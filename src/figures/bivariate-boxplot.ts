/**
 * Bivariate box plot (Stata midas `bvbox`, METHODS (f)): logit specificity on x, logit sensitivity
 * on y, one open circle per study, the inner "hinge" curve (solid, light fill) and the outer "fence"
 * curve (dashed, lighter fill), the median centre as a cross; studies flagged as outlying are drawn
 * filled in the highlight colour and labelled with their row number in the study table and name,
 * the others by row number (as midas) or not at all. Labels are placed clear of each other, of the
 * points and of the hinge and fence lines (point-labels.ts). Axes show logits, or (option) the same
 * logit positions labelled with proportions.
 *
 * Curves, centre and outlier flags are given by the statistics stage (src/stats/bivariate-boxplot.ts);
 * this file draws them and places the labels.
 */
import type { TopLevelSpec } from 'vega-lite';
import { linearTicks, logitProbabilityTicks, tickAxis, type AxisTicks } from './axis-ticks.ts';
import { legendView, type LegendItem } from './figure-legend.ts';
import { axisPixel, leaderLayer, placePointLabels, symbolRadius } from './point-labels.ts';
import { COLOUR, DASH, FONT_SIZE, LINE_WIDTH, PALETTE, themeConfig } from './theme.ts';

export interface LogitPoint {
  logitSens: number;
  logitSpec: number;
}

export interface BoxplotStudyPoint extends LogitPoint {
  /** row number of the table in the study table ("#") */
  number: number;
  label: string;
  /** outside the fence: highlighted and labelled by name */
  outlier?: boolean;
}

export interface BivariateBoxplotInput {
  studies: BoxplotStudyPoint[];
  /** closed curves in drawing order (the first point need not be repeated) */
  hinge: LogitPoint[];
  fence: LogitPoint[];
  centre?: LogitPoint;
}

export interface BivariateBoxplotOptions {
  /** tick labels: logits (default) or proportions at their logit positions */
  axes?: 'logit' | 'probability';
  /** labels of non-outlying studies: row number (default) or none */
  pointLabels?: 'number' | 'none';
  /** side of the square plot in px (default 340) */
  size?: number;
}

type Layer = Record<string, unknown>;

const HIGHLIGHT = PALETTE.vermillion;

const MARKS = {
  study: { shape: 'circle', filled: false, color: COLOUR.study, strokeWidth: LINE_WIDTH.data, opacity: 1, size: 36 },
  outlier: { shape: 'circle', filled: true, color: HIGHLIGHT, opacity: 1, size: 36 },
  centre: { shape: 'cross', filled: true, color: COLOUR.study, opacity: 1, size: 64 },
  hinge: { stroke: COLOUR.curve, strokeWidth: LINE_WIDTH.data, fill: PALETTE.skyBlue, fillOpacity: 0.3 },
  fence: { stroke: COLOUR.curve, strokeWidth: LINE_WIDTH.data, strokeDash: DASH.dashed, fill: PALETTE.skyBlue, fillOpacity: 0.12 },
} as const;

/** Axes over every point and curve, widened by 5% of the range on each side. */
function axesFor(input: BivariateBoxplotInput, mode: 'logit' | 'probability'): { x: AxisTicks; y: AxisTicks } {
  const points: LogitPoint[] = [...input.studies, ...input.hinge, ...input.fence];
  const axis = (values: number[]) => {
    const low = Math.min(...values);
    const high = Math.max(...values);
    const margin = (high - low) * 0.05;
    return mode === 'logit' ? linearTicks(low - margin, high + margin, { target: 7 }) : logitProbabilityTicks(low - margin, high + margin);
  };
  return { x: axis(points.map((point) => point.logitSpec)), y: axis(points.map((point) => point.logitSens)) };
}

function encodings(ticks: { x: AxisTicks; y: AxisTicks }, mode: 'logit' | 'probability'): { x: Layer; y: Layer } {
  const title = (measure: string) => (mode === 'logit' ? `Logit ${measure.toLowerCase()}` : `${measure} (logit scale)`);
  const channel = (field: string, axis: AxisTicks, measure: string) => ({
    field, type: 'quantitative', title: title(measure),
    scale: { domain: axis.domain, nice: false, zero: false },
    axis: { ...tickAxis(axis.ticks), labelFlush: false },
  });
  return { x: channel('logitSpec', ticks.x, 'Specificity'), y: channel('logitSens', ticks.y, 'Sensitivity') };
}

/** A closed curve as a filled `line` path (interpolate 'linear-closed'), kept in order by `order`. */
function curveLayer(points: readonly LogitPoint[], style: Record<string, unknown>, x: Layer, y: Layer): Layer {
  return {
    data: { values: points.map((point, order) => ({ ...point, order })) },
    mark: { type: 'line', interpolate: 'linear-closed', ...style },
    encoding: { x, y, order: { field: 'order', type: 'quantitative' } },
  };
}

function labelLayers(input: BivariateBoxplotInput, mode: 'number' | 'none', ticks: { x: AxisTicks; y: AxisTicks }, size: number): Layer[] {
  const pixel = (point: LogitPoint) => ({
    x: axisPixel(point.logitSpec, { type: 'linear', domain: ticks.x.domain }, size),
    y: axisPixel(point.logitSens, { type: 'linear', domain: ticks.y.domain, reverse: true }, size),
  });
  const requests = input.studies.flatMap((study) => {
    if (!study.outlier && mode === 'none') return [];
    return [{ text: study.outlier ? `${study.number} ${study.label}` : String(study.number), ...pixel(study), radius: symbolRadius(MARKS.study.size), outlier: study.outlier === true }];
  });
  if (requests.length === 0) return [];
  // Outliers first, so their names get the best places; hinge and fence are closed curves labels must not cross.
  const ordered = [...requests.filter((request) => request.outlier), ...requests.filter((request) => !request.outlier)];
  const closed = (curve: readonly LogitPoint[]) => [...curve, ...curve.slice(0, 1)].map(pixel);
  const placed = placePointLabels(ordered, FONT_SIZE.note, { width: size, height: size }, { lines: [closed(input.hinge), closed(input.fence)] });
  const colour = (members: number[]) => (members.some((member) => ordered[member]?.outlier) ? HIGHLIGHT : COLOUR.text);
  const leaders = leaderLayer(placed, COLOUR.reference, LINE_WIDTH.hairline);
  return [
    ...(leaders ? [leaders] : []),
    {
      data: { values: placed.map((label) => ({ text: label.text, x: label.x, y: label.y, colour: colour(label.members) })) },
      mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: FONT_SIZE.note },
      encoding: {
        x: { field: 'x', type: 'quantitative', scale: null }, y: { field: 'y', type: 'quantitative', scale: null },
        text: { field: 'text' }, color: { field: 'colour', type: 'nominal', scale: null },
      },
    },
  ];
}

/** The bivariate box plot as a Vega-Lite spec. */
export function bivariateBoxplotSpec(input: BivariateBoxplotInput, options: BivariateBoxplotOptions = {}): TopLevelSpec {
  const size = options.size ?? 340;
  const axisMode = options.axes ?? 'logit';
  const ticks = axesFor(input, axisMode);
  const { x, y } = encodings(ticks, axisMode);
  const studies = input.studies.map((study) => ({ logitSens: study.logitSens, logitSpec: study.logitSpec, outlier: study.outlier === true }));
  const layers: (Layer | undefined)[] = [
    curveLayer(input.fence, MARKS.fence, x, y),
    curveLayer(input.hinge, MARKS.hinge, x, y),
    { data: { values: studies.filter((study) => !study.outlier) }, mark: { type: 'point', ...MARKS.study }, encoding: { x, y } },
    { data: { values: studies.filter((study) => study.outlier) }, mark: { type: 'point', ...MARKS.outlier }, encoding: { x, y } },
    input.centre ? { data: { values: [input.centre] }, mark: { type: 'point', ...MARKS.centre }, encoding: { x, y } } : undefined,
    ...labelLayers(input, options.pointLabels ?? 'number', ticks, size),
  ];
  const legend: LegendItem[] = [
    { sample: { kind: 'point', mark: MARKS.study }, text: options.pointLabels === 'none' ? 'Study' : 'Study (number: row of the study table)' },
    ...(studies.some((study) => study.outlier) ? [{ sample: { kind: 'point', mark: MARKS.outlier }, text: 'Study outside the fence (number and name)' } as LegendItem] : []),
    ...(input.centre ? [{ sample: { kind: 'point', mark: MARKS.centre }, text: 'Median' } as LegendItem] : []),
    { sample: { kind: 'swatch', mark: { ...MARKS.hinge, strokeWidth: LINE_WIDTH.data } }, text: 'Hinge' },
    { sample: { kind: 'swatch', mark: MARKS.fence }, text: 'Fence' },
  ];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Bivariate box plot of logit sensitivity against logit specificity, ${input.studies.length} studies, ${studies.filter((study) => study.outlier).length} outside the fence`,
    config: themeConfig(),
    vconcat: [{ width: size, height: size, layer: layers.filter((layer): layer is Layer => layer !== undefined) }, legendView(legend, size)],
    spacing: 12,
  };
  return spec as unknown as TopLevelSpec;
}
