/**
 * Fagan nomogram (Stata midas `fagan(prior)`; Fagan 1975, N Engl J Med 293:257): three vertical
 * axes — pre-test probability (%), likelihood ratio (log scale, 0.001–1000), post-test probability
 * (%) — and two straight lines from the pre-test probability through LR+ (to the post-test
 * probability after a positive test) and through LR− (after a negative test). A legend under the
 * nomogram gives the numbers: "Pre-test probability 20%", "LR+ = 8.35 → post-test probability 68%".
 *
 * Geometry, not statistics: Bayes' theorem in odds form, logit(post) = logit(pre) + ln LR, is a
 * straight line when the left axis is placed at −logit(pre), the right at logit(post) and the
 * middle (halfway) at ln(LR)/2, all in the same units. The probabilities and ratios drawn are given
 * in the input; the figure only places them on these axes.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatFixed, formatProbabilityPercent, formatRatio } from '../format/numbers.ts';
import { decimalsOf } from './axis-ticks.ts';
import { legendView, type LegendItem } from './figure-legend.ts';
import { COLOUR, DASH, FONT_SIZE, LINE_WIDTH, PALETTE, themeConfig } from './theme.ts';
import { wrapText } from './text-metrics.ts';

export interface FaganInput {
  /** pre-test probability, 0–1 */
  prior: number;
  /** summary LR+ and the post-test probability after a positive result (0–1) */
  positive: { lr: number; posterior: number };
  /** summary LR− and the post-test probability after a negative result (0–1) */
  negative: { lr: number; posterior: number };
  /**
   * Further pre-test probabilities (e.g. the prevalences of the summary of findings), each drawn as
   * its own pair of lines with the same LRs; with them the legend names every pre-test probability.
   */
  more?: { prior: number; label?: string; positive: number; negative: number }[];
  /** label of the first pre-test probability (used in the legend when `more` is given) */
  label?: string;
}

export interface FaganOptions {
  /** nomogram size in px (default 360 × 460) */
  width?: number;
  height?: number;
}

type Layer = Record<string, unknown>;

const PROBABILITY_TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 98, 99, 99.5, 99.8, 99.9];
const LR_TICKS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
/** Half-height of the nomogram in logit units: the probability axes run from 0.1% to 99.9%. */
const LOGIT_RANGE = Math.log(0.999 / 0.001);

export const FAGAN_METRICS = { titleHeight: 30, axisInset: 62, tickLength: 4, labelGap: 3, titleWidth: 100, lineHeight: 11 } as const;

const LINES = {
  positive: { color: PALETTE.vermillion, strokeWidth: LINE_WIDTH.emphasis },
  negative: { color: PALETTE.blue, strokeWidth: LINE_WIDTH.emphasis, strokeDash: DASH.dashed },
} as const;

function logit(probability: number): number {
  return Math.log(probability / (1 - probability));
}

/** Geometry: x of the three axes and y of a nomogram coordinate u (logit units, + is up). */
function geometry(options: FaganOptions) {
  const width = options.width ?? 360;
  const height = options.height ?? 460;
  const top = FAGAN_METRICS.titleHeight;
  const half = (height - top) / 2;
  const clamp = (u: number) => Math.max(-LOGIT_RANGE, Math.min(LOGIT_RANGE, u));
  const y = (u: number) => top + half - (clamp(u) / LOGIT_RANGE) * half;
  return {
    width, height,
    x: { pre: FAGAN_METRICS.axisInset, lr: width / 2, post: width - FAGAN_METRICS.axisInset },
    pre: (probability: number) => y(-logit(probability)),
    post: (probability: number) => y(logit(probability)),
    lr: (ratio: number) => y(Math.log(ratio) / 2),
    top: y(LOGIT_RANGE),
  };
}

type Geometry = ReturnType<typeof geometry>;

const pixel = (field: string) => ({ field, type: 'quantitative', scale: null });

/** One axis: its line (over the ticks' span), ticks (to `side`, or both sides), labels and a wrapped title above the nomogram. */
function axisLayers(x: number, ticks: { y: number; text: string }[], side: 'left' | 'right' | 'both', title: string, shape: Geometry): Layer[] {
  const top = Math.min(...ticks.map((tick) => tick.y));
  const bottom = Math.max(...ticks.map((tick) => tick.y));
  const { tickLength, labelGap, lineHeight } = FAGAN_METRICS;
  const tickStart = side === 'right' ? x : x - tickLength;
  const tickEnd = side === 'left' ? x : x + tickLength;
  const labelX = side === 'left' ? x - tickLength - labelGap : x + tickLength + labelGap;
  const titleLines = wrapText(title, FAGAN_METRICS.titleWidth, FONT_SIZE.label);
  const line = { type: 'rule', color: COLOUR.text, strokeWidth: LINE_WIDTH.hairline };
  return [
    { data: { values: [{ x, top, bottom }] }, mark: line, encoding: { x: pixel('x'), y: pixel('top'), y2: { field: 'bottom' } } },
    { data: { values: ticks.map((tick) => ({ ...tick, start: tickStart, end: tickEnd })) }, mark: line, encoding: { x: pixel('start'), x2: { field: 'end' }, y: pixel('y') } },
    {
      data: { values: ticks.filter((tick) => tick.text !== '').map((tick) => ({ ...tick, x: labelX })) },
      mark: { type: 'text', align: side === 'left' ? 'right' : 'left', baseline: 'middle', fontSize: FONT_SIZE.note },
      encoding: { x: pixel('x'), y: pixel('y'), text: { field: 'text' } },
    },
    {
      data: { values: [{ lines: titleLines, x, y: shape.top - 8 - (titleLines.length - 0.5) * lineHeight }] },
      mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: FONT_SIZE.label, lineHeight },
      encoding: { x: pixel('x'), y: pixel('y'), text: { field: 'lines' } },
    },
  ];
}

/**
 * Which ticks get a label: powers of ten always, then 5× and 2× each power where the label stays
 * at least 1.3 text heights from every labelled tick (on the LR axis, a decade is only ~40 px).
 */
function spacedLabels(ticks: { value: number; y: number }[]): Set<number> {
  const minimum = FONT_SIZE.note * 1.3;
  const labelled = new Set<number>();
  const leading = (value: number) => Math.round(value / 10 ** Math.floor(Math.log10(value) + 1e-9));
  for (const digit of [1, 5, 2]) {
    for (const tick of ticks.filter((candidate) => leading(candidate.value) === digit)) {
      const clear = ticks.every((other) => !labelled.has(other.value) || Math.abs(other.y - tick.y) >= minimum);
      if (digit === 1 || clear) labelled.add(tick.value);
    }
  }
  return labelled;
}

/** A tick label: decimals as needed ("0.5", "99.9", "0.001"), grouped from 1,000 up. */
function tickText(value: number): string {
  return value >= 1000 ? formatCount(value) : formatFixed(value, decimalsOf(value));
}

/** The line from the pre-test probability to a post-test probability, with a dot at each end. */
function testLayers(input: Pick<FaganInput, 'prior' | 'positive' | 'negative'>, result: 'positive' | 'negative', shape: Geometry): Layer[] {
  const ends = [
    { x: shape.x.pre, y: shape.pre(input.prior) },
    { x: shape.x.post, y: shape.post(input[result].posterior) },
  ];
  return [
    { data: { values: [{ x: ends[0]?.x, y: ends[0]?.y, x2: ends[1]?.x, y2: ends[1]?.y }] }, mark: { type: 'rule', ...LINES[result] }, encoding: { x: pixel('x'), y: pixel('y'), x2: { field: 'x2' }, y2: { field: 'y2' } } },
    { data: { values: ends }, mark: { type: 'point', shape: 'circle', filled: true, opacity: 1, size: 24, color: LINES[result].color }, encoding: { x: pixel('x'), y: pixel('y') } },
  ];
}

/** Legend lines, numbers through numbers.ts: "LR+ = 8.35 → post-test probability 68%". */
export function faganLegend(input: FaganInput): LegendItem[] {
  if (input.more && input.more.length > 0) {
    const all = [{ prior: input.prior, label: input.label, positive: input.positive.posterior, negative: input.negative.posterior }, ...input.more];
    return [
      { sample: { kind: 'line', mark: LINES.positive }, text: `Positive result: LR+ = ${formatRatio(input.positive.lr)}` },
      { sample: { kind: 'line', mark: LINES.negative }, text: `Negative result: LR− = ${formatRatio(input.negative.lr)}` },
      ...all.map((p) => ({
        sample: { kind: 'point' as const, mark: { shape: 'circle', filled: true, opacity: 1, size: 24, color: COLOUR.text } },
        text: `Pre-test probability ${formatProbabilityPercent(p.prior)}${p.label ? ` (${p.label})` : ''} → ${formatProbabilityPercent(p.positive)} after a positive, ${formatProbabilityPercent(p.negative)} after a negative result`,
      })),
    ];
  }
  return [
    { sample: { kind: 'point', mark: { shape: 'circle', filled: true, opacity: 1, size: 24, color: COLOUR.text } }, text: `Pre-test probability ${formatProbabilityPercent(input.prior)}` },
    { sample: { kind: 'line', mark: LINES.positive }, text: `LR+ = ${formatRatio(input.positive.lr)} → post-test probability ${formatProbabilityPercent(input.positive.posterior)}` },
    { sample: { kind: 'line', mark: LINES.negative }, text: `LR− = ${formatRatio(input.negative.lr)} → post-test probability ${formatProbabilityPercent(input.negative.posterior)}` },
  ];
}

function lrTicks(shape: Geometry): { y: number; text: string }[] {
  const placed = LR_TICKS.map((value) => ({ value, y: shape.lr(value) }));
  const labelled = spacedLabels(placed);
  return placed.map((tick) => ({ y: tick.y, text: labelled.has(tick.value) ? tickText(tick.value) : '' }));
}

/** The Fagan nomogram as a Vega-Lite spec. */
export function faganSpec(input: FaganInput, options: FaganOptions = {}): TopLevelSpec {
  const shape = geometry(options);
  const probabilityTicks = (place: (probability: number) => number) => PROBABILITY_TICKS.map((percent) => ({ y: place(percent / 100), text: tickText(percent) }));
  const extra = (input.more ?? []).map((p) => ({ prior: p.prior, positive: { lr: input.positive.lr, posterior: p.positive }, negative: { lr: input.negative.lr, posterior: p.negative } }));
  const layers: Layer[] = [
    // test lines under the axes, so tick labels stay on top where a line crosses them
    ...testLayers(input, 'positive', shape),
    ...testLayers(input, 'negative', shape),
    ...extra.flatMap((line) => [...testLayers(line, 'positive', shape), ...testLayers(line, 'negative', shape)]),
    ...axisLayers(shape.x.pre, probabilityTicks(shape.pre), 'left', 'Pre-test probability (%)', shape),
    ...axisLayers(shape.x.lr, lrTicks(shape), 'both', 'Likelihood ratio', shape),
    ...axisLayers(shape.x.post, probabilityTicks(shape.post), 'right', 'Post-test probability (%)', shape),
  ];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Fagan nomogram: pre-test probability ${formatProbabilityPercent(input.prior)}, post-test probability ${formatProbabilityPercent(input.positive.posterior)} after a positive and ${formatProbabilityPercent(input.negative.posterior)} after a negative test`,
    config: themeConfig(),
    vconcat: [{ width: shape.width, height: shape.height, layer: layers }, legendView(faganLegend(input), shape.width)],
    spacing: 12,
  };
  return spec as unknown as TopLevelSpec;
}
