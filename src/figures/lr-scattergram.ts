/**
 * Likelihood-ratio scattergram (Stata midas `lrmatrix`): each study's negative likelihood ratio
 * (x, log axis, at least 0.01–1) against its positive likelihood ratio (y, log axis, at least
 * 1–100), the summary point with its CIs as whiskers in both directions, reference lines at
 * LR+ = 10 and LR− = 0.1, and the four quadrants named as midas names them: LUQ "Exclusion &
 * Confirmation", RUQ "Confirmation only", LLQ "Exclusion only", RLQ "No exclusion or
 * confirmation". A legend under the plot carries the summary values.
 *
 * Study and summary likelihood ratios are given; this file places them and formats the legend.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatInterval, formatLevel, formatProbabilityPercent, type IntervalLike } from '../format/numbers.ts';
import { powerOfTenTicks, tickAxis, type AxisTicks } from './axis-ticks.ts';
import { legendView, type LegendItem } from './figure-legend.ts';
import { axisPixel, leaderLayer, placePointLabels, symbolRadius } from './point-labels.ts';
import { COLOUR, FONT_SIZE, LINE_WIDTH, themeConfig } from './theme.ts';
import { wrapText } from './text-metrics.ts';

export interface LrStudy {
  /** row number of the table in the study table ("#"), the point's label */
  number: number;
  label: string;
  lrPositive: number;
  lrNegative: number;
}

export interface LrScattergramInput {
  studies: LrStudy[];
  summary?: { lrPositive: IntervalLike; lrNegative: IntervalLike };
  /** coverage of the summary CIs (default 0.95) */
  level?: number;
  /** pre-test probabilities (e.g. the summary-of-findings prevalences) with the post-test probabilities the summary LRs give */
  prevalences?: { prior: number; label?: string; postPositive: number; postNegative: number }[];
}

export interface LrScattergramOptions {
  /** side of the square plot in px (default 360) */
  size?: number;
  /** label studies by row number (default: no labels, as midas) */
  pointLabels?: 'number' | 'none';
}

type Layer = Record<string, unknown>;

/** The thresholds midas draws: LR+ above 10 confirms, LR− below 0.1 excludes. */
export const LR_THRESHOLDS = { positive: 10, negative: 0.1 } as const;

const STUDY_MARK = { shape: 'circle', filled: false, color: COLOUR.study, strokeWidth: LINE_WIDTH.data, opacity: 1, size: 36 };
const SUMMARY_MARK = { shape: 'diamond', filled: true, color: COLOUR.pooled, stroke: 'white', strokeWidth: LINE_WIDTH.hairline, opacity: 1, size: 120 };
const QUADRANT_PADDING = 5;
const LINE_HEIGHT = 11;

const QUADRANTS = [
  { corner: 'top-left', lines: ['LUQ: Exclusion & Confirmation', 'LR+ > 10, LR− < 0.1'] },
  { corner: 'top-right', lines: ['RUQ: Confirmation only', 'LR+ > 10, LR− > 0.1'] },
  { corner: 'bottom-left', lines: ['LLQ: Exclusion only', 'LR+ < 10, LR− < 0.1'] },
  { corner: 'bottom-right', lines: ['RLQ: No exclusion or confirmation', 'LR+ < 10, LR− > 0.1'] },
] as const;

function axesFor(input: LrScattergramInput): { x: AxisTicks; y: AxisTicks } {
  const negatives = [...input.studies.map((study) => study.lrNegative), ...(input.summary ? [input.summary.lrNegative.lo, input.summary.lrNegative.hi] : [])];
  const positives = [...input.studies.map((study) => study.lrPositive), ...(input.summary ? [input.summary.lrPositive.lo, input.summary.lrPositive.hi] : [])];
  return {
    x: powerOfTenTicks(0.01, 1, { include: negatives }),
    y: powerOfTenTicks(1, 100, { include: positives }),
  };
}

function encodings(ticks: { x: AxisTicks; y: AxisTicks }): { x: Layer; y: Layer } {
  const channel = (field: string, title: string, axis: AxisTicks) => ({
    field, type: 'quantitative', title, scale: { type: 'log', domain: axis.domain, nice: false }, axis: { ...tickAxis(axis.ticks), labelFlush: false },
  });
  return { x: channel('lrNegative', 'Negative likelihood ratio (LR−)', ticks.x), y: channel('lrPositive', 'Positive likelihood ratio (LR+)', ticks.y) };
}

/** Quadrant names in the outer corner of each quadrant, wrapped to the quadrant's width. */
function quadrantLayers(ticks: { x: AxisTicks; y: AxisTicks }, size: number): Layer[] {
  const splitX = axisPixel(LR_THRESHOLDS.negative, { type: 'log', domain: ticks.x.domain }, size);
  const splitY = axisPixel(LR_THRESHOLDS.positive, { type: 'log', domain: ticks.y.domain, reverse: true }, size);
  const rows = QUADRANTS.map((quadrant) => {
    const left = quadrant.corner.endsWith('left');
    const top = quadrant.corner.startsWith('top');
    const width = (left ? splitX : size - splitX) - 2 * QUADRANT_PADDING;
    const lines = quadrant.lines.flatMap((line) => wrapText(line, width, FONT_SIZE.note));
    const firstLine = top ? QUADRANT_PADDING + LINE_HEIGHT / 2 : size - QUADRANT_PADDING - LINE_HEIGHT / 2 - (lines.length - 1) * LINE_HEIGHT;
    return { lines, x: left ? QUADRANT_PADDING : size - QUADRANT_PADDING, y: firstLine, align: left ? 'left' : 'right' };
  });
  return (['left', 'right'] as const).map((align) => ({
    data: { values: rows.filter((row) => row.align === align) },
    mark: { type: 'text', align, baseline: 'middle', fontSize: FONT_SIZE.note, lineHeight: LINE_HEIGHT, color: COLOUR.reference },
    encoding: { x: { field: 'x', type: 'quantitative', scale: null }, y: { field: 'y', type: 'quantitative', scale: null }, text: { field: 'lines' } },
  }));
}

function referenceLayers(x: Layer, y: Layer): Layer[] {
  const mark = { type: 'rule', color: COLOUR.reference, strokeWidth: LINE_WIDTH.hairline };
  return [
    { data: { values: [{ lrNegative: LR_THRESHOLDS.negative }] }, mark, encoding: { x } },
    { data: { values: [{ lrPositive: LR_THRESHOLDS.positive }] }, mark, encoding: { y } },
  ];
}

function summaryLayers(summary: NonNullable<LrScattergramInput['summary']>, x: Layer, y: Layer): Layer[] {
  const whisker = { type: 'rule', color: COLOUR.pooled, strokeWidth: LINE_WIDTH.emphasis };
  const { lrPositive, lrNegative } = summary;
  return [
    { data: { values: [{ lrNegative: lrNegative.lo, high: lrNegative.hi, lrPositive: lrPositive.est }] }, mark: whisker, encoding: { x, x2: { field: 'high', title: x.title }, y } },
    { data: { values: [{ lrPositive: lrPositive.lo, high: lrPositive.hi, lrNegative: lrNegative.est }] }, mark: whisker, encoding: { x, y, y2: { field: 'high', title: y.title } } },
    { data: { values: [{ lrNegative: lrNegative.est, lrPositive: lrPositive.est }] }, mark: { type: 'point', ...SUMMARY_MARK }, encoding: { x, y } },
  ];
}

function labelLayers(input: LrScattergramInput, ticks: { x: AxisTicks; y: AxisTicks }, size: number): Layer[] {
  const requests = input.studies.map((study) => ({
    text: String(study.number),
    x: axisPixel(study.lrNegative, { type: 'log', domain: ticks.x.domain }, size),
    y: axisPixel(study.lrPositive, { type: 'log', domain: ticks.y.domain, reverse: true }, size),
    radius: symbolRadius(STUDY_MARK.size),
  }));
  // the threshold lines at LR− = 0.1 and LR+ = 10 span the plot
  const splitX = axisPixel(LR_THRESHOLDS.negative, { type: 'log', domain: ticks.x.domain }, size);
  const splitY = axisPixel(LR_THRESHOLDS.positive, { type: 'log', domain: ticks.y.domain, reverse: true }, size);
  const lines = [[{ x: splitX, y: 0 }, { x: splitX, y: size }], [{ x: 0, y: splitY }, { x: size, y: splitY }]];
  const placed = placePointLabels(requests, FONT_SIZE.note, { width: size, height: size }, { lines });
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

/** "LR+ = 8.35 (5.62–12.43)" held together by no-break spaces, so wrapping falls between groups. */
function group(name: string, interval: IntervalLike): string {
  return `${name} = ${formatInterval(interval, 'ratio')}`.replaceAll(' ', '\u00A0');
}

/** The likelihood-ratio scattergram as a Vega-Lite spec. */
export function lrScattergramSpec(input: LrScattergramInput, options: LrScattergramOptions = {}): TopLevelSpec {
  const size = options.size ?? 360;
  const ticks = axesFor(input);
  const { x, y } = encodings(ticks);
  const studies = input.studies.map((study) => ({ lrNegative: study.lrNegative, lrPositive: study.lrPositive }));
  const layers: Layer[] = [
    ...quadrantLayers(ticks, size),
    ...referenceLayers(x, y),
    { data: { values: studies }, mark: { type: 'point', ...STUDY_MARK }, encoding: { x, y } },
    ...(input.summary ? summaryLayers(input.summary, x, y) : []),
    ...(options.pointLabels === 'number' ? labelLayers(input, ticks, size) : []),
  ];
  const legend: LegendItem[] = [{ sample: { kind: 'point', mark: STUDY_MARK }, text: options.pointLabels === 'number' ? 'Study (number: row of the study table)' : 'Study' }];
  if (input.summary) {
    const level = formatLevel(input.level ?? 0.95);
    legend.push({ sample: { kind: 'point', mark: SUMMARY_MARK }, text: `Summary with ${level} CIs: ${group('LR+', input.summary.lrPositive)}, ${group('LR−', input.summary.lrNegative)}` });
  }
  for (const p of input.prevalences ?? []) {
    legend.push({ sample: { kind: 'none' }, text: `At a pre-test probability of ${formatProbabilityPercent(p.prior)}${p.label ? ` (${p.label})` : ''}, the summary LRs give ${formatProbabilityPercent(p.postPositive)} after a positive and ${formatProbabilityPercent(p.postNegative)} after a negative result` });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Likelihood-ratio scattergram of ${input.studies.length} studies${input.summary ? ' with the summary likelihood ratios' : ''}`,
    config: themeConfig(),
    vconcat: [{ width: size, height: size, layer: layers }, legendView(legend, size)],
    spacing: 12,
  };
  return spec as unknown as TopLevelSpec;
}
