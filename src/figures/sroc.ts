/**
 * SROC plot (the seed paper's Figure 4; Stata midas `sroc`, metandiplot): study operating points
 * as circles of area ∝ sample size, the summary operating point, the SROC curve (solid), the
 * confidence region (dashed) and prediction region (dotted) as closed `line` paths kept in order by
 * an `order` encoding, on a square plot with specificity reversed (1 → 0) or the false-positive
 * rate on x. Below the plot, a legend drawn from the same mark definitions (sroc-legend.ts).
 *
 * Everything drawn is given: curve, regions, summary and AUC come from the statistics stage; this
 * file only maps (sens, spec) to plot coordinates and formats legend text via numbers.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { IntervalLike } from '../format/numbers.ts';
import { themeConfig, tickLabelExpression } from './theme.ts';
import { SROC_MARKS, legendEntries, legendView, type SrocElement } from './sroc-legend.ts';

/** A point in ROC space, given either by specificity or by false-positive rate (= 1 − specificity). */
export type RocPoint = { sens: number; spec: number } | { sens: number; fpr: number };

export interface SrocStudy {
  label?: string;
  sens: number;
  spec: number;
  /** sample size (diseased + non-diseased): sets the circle's area */
  n: number;
}

export interface SrocInput {
  studies: SrocStudy[];
  /** summary operating point with CIs */
  summary?: { sens: IntervalLike; spec: IntervalLike };
  /**
   * SROC curve points in drawing order (over the observed FPR `range` when given, as mada and
   * metandi draw it), the AUC with its interval for the legend, and optionally the full-range curve
   * (drawn thin and dashed, labelled as extrapolated)
   */
  curve?: { points: RocPoint[]; auc?: IntervalLike; range?: [number, number]; extrapolated?: RocPoint[] };
  /** closed polygons (the first point need not be repeated at the end) */
  confidenceRegion?: RocPoint[];
  predictionRegion?: RocPoint[];
  /** coverage of both regions, for the legend (default 0.95) */
  level?: number;
}

export interface SrocOptions {
  /** x axis: specificity drawn from 1 to 0 (midas, metandi; default) or false-positive rate 0 to 1 */
  xAxis?: 'specificity' | 'fpr';
  /** side of the square plot in px (default 340) */
  size?: number;
  /** width of the legend under the plot in px (default: the plot side) */
  legendWidth?: number;
}

export const SROC_METRICS = {
  maxCircleArea: 324,
  minCircleArea: 12,
  defaultSize: 340,
  /** room taken by the y axis (labels and title) left of the plot */
  yAxisWidth: 44,
} as const;

type Layer = Record<string, unknown>;

function xValue(point: RocPoint, axis: 'specificity' | 'fpr'): number {
  const spec = 'spec' in point ? point.spec : 1 - point.fpr;
  return axis === 'fpr' ? 1 - spec : spec;
}

/** Path rows for a `line` mark: x, y and the drawing order; `close` repeats the first point. */
function pathRows(points: readonly RocPoint[], axis: 'specificity' | 'fpr', close: boolean): Layer[] {
  const rows = points.map((point, order) => ({ x: xValue(point, axis), y: point.sens, order }));
  const first = rows[0];
  const last = rows.at(-1);
  if (close && first && last && (first.x !== last.x || first.y !== last.y)) rows.push({ ...first, order: rows.length });
  return rows;
}

const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

/** x and y encodings shared by every layer, with explicit titles (layered titles would merge). */
function positions(axis: 'specificity' | 'fpr'): { x: Layer; y: Layer } {
  const x = {
    field: 'x',
    type: 'quantitative',
    title: axis === 'fpr' ? '1 − specificity (false-positive rate)' : 'Specificity',
    scale: { domain: [0, 1], nice: false, zero: false, reverse: axis === 'specificity' },
    axis: { values: TICKS, labelExpr: tickLabelExpression(TICKS, 1), labelFlush: false },
  };
  const y = {
    field: 'y',
    type: 'quantitative',
    title: 'Sensitivity',
    scale: { domain: [0, 1], nice: false, zero: false },
    axis: { values: TICKS, labelExpr: tickLabelExpression(TICKS, 1), labelFlush: false },
  };
  return { x, y };
}

function pathLayer(dataset: string, element: SrocElement, axis: 'specificity' | 'fpr'): Layer {
  const { x, y } = positions(axis);
  return {
    data: { name: dataset },
    mark: { type: 'line', clip: true, ...SROC_MARKS[element] },
    encoding: { x, y, order: { field: 'order', type: 'quantitative' } },
  };
}

function studyLayer(axis: 'specificity' | 'fpr'): Layer {
  const { x, y } = positions(axis);
  return {
    data: { name: 'studies' },
    mark: { type: 'point', ...SROC_MARKS.observed },
    encoding: { x, y, size: { field: 'area', type: 'quantitative', scale: null } },
  };
}

function summaryLayer(axis: 'specificity' | 'fpr'): Layer {
  const { x, y } = positions(axis);
  return {
    data: { name: 'summary' },
    mark: { type: 'point', ...SROC_MARKS.summary },
    encoding: { x, y },
  };
}

/** The SROC plot as a Vega-Lite spec. */
export function srocSpec(input: SrocInput, options: SrocOptions = {}): TopLevelSpec {
  const axis = options.xAxis ?? 'specificity';
  const size = options.size ?? SROC_METRICS.defaultSize;
  const largest = Math.max(1, ...input.studies.map((study) => study.n));
  const datasets: Record<string, Layer[]> = {
    studies: input.studies.map((study) => ({
      ...(study.label === undefined ? {} : { label: study.label }),
      x: xValue(study, axis),
      y: study.sens,
      n: study.n,
      area: Math.max(SROC_METRICS.minCircleArea, (SROC_METRICS.maxCircleArea * study.n) / largest),
    })),
  };
  const layers: Layer[] = [];
  if (input.predictionRegion) {
    datasets.predictionRegion = pathRows(input.predictionRegion, axis, true);
    layers.push(pathLayer('predictionRegion', 'predictionRegion', axis));
  }
  if (input.confidenceRegion) {
    datasets.confidenceRegion = pathRows(input.confidenceRegion, axis, true);
    layers.push(pathLayer('confidenceRegion', 'confidenceRegion', axis));
  }
  if (input.curve?.extrapolated) {
    datasets.curveExtrapolated = pathRows(input.curve.extrapolated, axis, false);
    layers.push(pathLayer('curveExtrapolated', 'extrapolated', axis));
  }
  if (input.curve) {
    datasets.curve = pathRows(input.curve.points, axis, false);
    layers.push(pathLayer('curve', 'curve', axis));
  }
  layers.push(studyLayer(axis));
  if (input.summary) {
    datasets.summary = [{ x: xValue({ sens: input.summary.sens.est, spec: input.summary.spec.est }, axis), y: input.summary.sens.est }];
    layers.push(summaryLayer(axis));
  }
  const plot = { width: size, height: size, layer: layers };
  const legendWidth = options.legendWidth ?? size;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `SROC plot, ${input.studies.length} studies`,
    config: themeConfig(),
    datasets,
    vconcat: [plot, legendView(legendEntries(input), legendWidth)],
    spacing: 12,
  };
  return spec as unknown as TopLevelSpec;
}
