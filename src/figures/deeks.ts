/**
 * Deeks' funnel plot (the seed paper's Figure 6; Stata midas `pubbias`, METHODS (e)): each study's
 * diagnostic odds ratio on a log x axis against 1/√ESS on a reversed y axis (larger studies at the
 * top), studies labelled by row number (or their label), the fitted regression line dashed, and the
 * asymmetry test "Deeks' test: slope p = 0.30" above the plot. A legend under the plot says what the
 * marks are.
 *
 * The fitted line comes from the results (its DOR at the smallest and largest 1/√ESS, straight on
 * the log axis); nothing is fitted or evaluated here. Points are labelled with the study table's
 * row numbers, placed clear of each other and of the line (point-labels.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatPValueClause } from '../format/numbers.ts';
import { linearTicks, powerOfTenTicks, tickAxis, type AxisTicks } from './axis-ticks.ts';
import { legendView, type LegendItem } from './figure-legend.ts';
import { axisPixel, leaderLayer, placePointLabels, symbolRadius } from './point-labels.ts';
import { COLOUR, DASH, FONT_SIZE, LINE_WIDTH, themeConfig } from './theme.ts';

export interface DeeksStudy {
  /** row number of the table in the study table ("#"), the point's label */
  number: number;
  label: string;
  /** diagnostic odds ratio (continuity-corrected as in the test) */
  dor: number;
  /** 1/√ESS, ESS = 4·n1·n0/(n1 + n0) */
  invSqrtEss: number;
}

export interface DeeksInput {
  studies: DeeksStudy[];
  /** the p-value of the slope (the test) and the fitted line at its two ends (DOR at the smallest and largest 1/√ESS) */
  regression: { p: number; line: { invSqrtEss: number; dor: number }[] };
}

export interface DeeksOptions {
  /** point labels: row number in the data (default, as midas), the study label, or none */
  pointLabels?: 'number' | 'label' | 'none';
  /** plot area size in px (default 420 × 300) */
  width?: number;
  height?: number;
}

type Layer = Record<string, unknown>;

const STUDY_MARK = { shape: 'circle', filled: false, color: COLOUR.study, strokeWidth: LINE_WIDTH.data, opacity: 1, size: 36 };
const LINE_MARK = { color: COLOUR.curve, strokeWidth: LINE_WIDTH.emphasis, strokeDash: DASH.dashed };

function axes(input: DeeksInput): { x: AxisTicks; y: AxisTicks } {
  const dors = [...input.studies.map((study) => study.dor), ...input.regression.line.map((end) => end.dor)];
  const x = powerOfTenTicks(Math.min(...dors), Math.max(...dors), { include: [1] });
  const y = linearTicks(0, Math.max(...input.studies.map((study) => study.invSqrtEss)), { target: 5 });
  return { x, y };
}

function encodings(x: AxisTicks, y: AxisTicks): { x: Layer; y: Layer } {
  return {
    x: { field: 'dor', type: 'quantitative', title: 'Diagnostic odds ratio (log scale)', scale: { type: 'log', domain: x.domain, nice: false }, axis: { ...tickAxis(x.ticks), labelFlush: false } },
    y: { field: 'invSqrtEss', type: 'quantitative', title: '1/√ESS', scale: { domain: y.domain, nice: false, zero: false, reverse: true }, axis: { ...tickAxis(y.ticks), labelFlush: false } },
  };
}

/** Study labels placed clear of each other in pixel space (same geometry as the scales). */
function labelLayers(input: DeeksInput, mode: 'number' | 'label', ticks: { x: AxisTicks; y: AxisTicks }, size: { width: number; height: number }): Layer[] {
  const pixel = (point: { dor: number; invSqrtEss: number }) => ({
    x: axisPixel(point.dor, { type: 'log', domain: ticks.x.domain }, size.width),
    y: axisPixel(point.invSqrtEss, { type: 'linear', domain: ticks.y.domain }, size.height),
  });
  const requests = input.studies.map((study) => ({ text: mode === 'number' ? String(study.number) : study.label, ...pixel(study), radius: symbolRadius(STUDY_MARK.size) }));
  const placed = placePointLabels(requests, FONT_SIZE.note, size, { lines: [input.regression.line.map(pixel)] });
  const leaders = leaderLayer(placed, COLOUR.reference, LINE_WIDTH.hairline);
  return [
    ...(leaders ? [leaders] : []),
    {
      data: { values: placed.map((label) => ({ text: label.text, x: label.x, y: label.y })) },
      mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: FONT_SIZE.note },
      encoding: { x: { field: 'x', type: 'quantitative', scale: null }, y: { field: 'y', type: 'quantitative', scale: null }, text: { field: 'text' } },
    },
  ];
}

/** Deeks' funnel plot as a Vega-Lite spec. */
export function deeksSpec(input: DeeksInput, options: DeeksOptions = {}): TopLevelSpec {
  const size = { width: options.width ?? 420, height: options.height ?? 300 };
  const ticks = axes(input);
  const { x, y } = encodings(ticks.x, ticks.y);
  const mode = options.pointLabels ?? 'number';
  const layers: Layer[] = [
    { data: { values: input.regression.line.map((end) => ({ dor: end.dor, invSqrtEss: end.invSqrtEss })) }, mark: { type: 'line', ...LINE_MARK }, encoding: { x, y } },
    { data: { values: input.studies.map((study) => ({ dor: study.dor, invSqrtEss: study.invSqrtEss })) }, mark: { type: 'point', ...STUDY_MARK }, encoding: { x, y } },
  ];
  if (mode !== 'none') layers.push(...labelLayers(input, mode, ticks, size));
  const test = Number.isFinite(input.regression.p) ? `Deeks' test: slope ${formatPValueClause(input.regression.p)}` : "Deeks' test: not estimable";
  const heading = {
    width: size.width, height: 14,
    data: { values: [{ text: test }] },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT_SIZE.label },
    encoding: { x: { value: 0 }, y: { value: 7 }, text: { field: 'text' } },
  };
  const legend: LegendItem[] = [
    { sample: { kind: 'point', mark: STUDY_MARK }, text: mode === 'number' ? 'Study (number: row of the study table)' : 'Study' },
    { sample: { kind: 'line', mark: LINE_MARK }, text: 'Regression line of ln DOR on 1/√ESS, weighted by ESS' },
  ];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Deeks' funnel plot of ${input.studies.length} studies: diagnostic odds ratio against 1/√ESS with the fitted regression line; ${test}`,
    config: themeConfig(),
    vconcat: [heading, { ...size, layer: layers }, legendView(legend, size.width)],
    spacing: 8,
  };
  return spec as unknown as TopLevelSpec;
}
