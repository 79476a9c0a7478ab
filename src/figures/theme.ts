/**
 * One visual theme for every figure of the supplement: fonts, sizes, palette, line widths and the
 * Vega-Lite `config` that applies them. Figures take sizes and colours from here and never invent
 * their own, so a change of journal style is a change of this file only.
 *
 * Units: Vega works in CSS pixels (1/96 in). Type sizes are given in points and converted, so an
 * 8 pt label stays 8 pt when the 640 px (≈ 170 mm, A4 text width) figure is printed at 100%.
 */
import type { Config } from 'vega-lite';
import { formatFixed } from '../format/numbers.ts';

/** Points to CSS pixels (1 pt = 1/72 in, 1 px = 1/96 in). */
export function pointsToPixels(points: number): number {
  return (points * 96) / 72;
}

export const FONT = {
  sans: 'DejaVu Sans',
  /** numeric text columns: digits line up in monospace */
  mono: 'DejaVu Sans Mono',
} as const;

/** Type sizes in CSS px (journal figures: 8–10 pt at final size). */
export const FONT_SIZE = {
  /** study labels, text columns, tick labels, legend labels */
  label: pointsToPixels(8),
  /** axis titles, column headers */
  title: pointsToPixels(8.5),
  /** notes and footnotes under a figure */
  note: pointsToPixels(7.5),
} as const;

/** Okabe & Ito (2008) colour-blind-safe palette, plus black and greys for the data ink. */
export const PALETTE = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  /** axis lines, separators */
  grey: '#555555',
  /** faint guides (reference lines behind the data) */
  lightGrey: '#BBBBBB',
} as const;

/** Roles of colours in figures, so the forest and SROC plots agree. */
export const COLOUR = {
  study: PALETTE.black,
  pooled: PALETTE.vermillion,
  curve: PALETTE.blue,
  confidenceRegion: PALETTE.vermillion,
  predictionRegion: PALETTE.bluishGreen,
  reference: PALETTE.grey,
  text: PALETTE.black,
} as const;

/** Stroke widths in px (0.75 px ≈ 0.56 pt, the thinnest line most journals accept). */
export const LINE_WIDTH = {
  hairline: 0.75,
  data: 1,
  emphasis: 1.5,
} as const;

/** Dash patterns (px on, px off) shared by plot lines and their legend samples. */
export const DASH = {
  solid: [] as number[],
  dashed: [6, 3],
  dotted: [1.5, 2.5],
  reference: [3, 3],
};

/** Figure widths in px: A4 text width (170 mm) and a single journal column (85 mm). */
export const FIGURE_WIDTH = {
  full: 640,
  column: 320,
} as const;

/**
 * Tallest figure (px) that fits one printed page with a caption of up to four lines: the text
 * column is 263 mm ≈ 994 px high on A4 and 245 mm ≈ 927 px on US Letter (16 mm top and 18 mm
 * bottom margins); the figure's margins and caption take ≈ 95 px. Row-based figures taller than
 * this are split into parts (src/figures/paginate.ts).
 */
export const FIGURE_MAX_HEIGHT = { A4: 900, Letter: 830 } as const;

/** Padding around the whole figure, px. */
export const FIGURE_PADDING = 8;

/** The Vega-Lite config applied to every figure. */
export function themeConfig(): Config {
  return {
    font: FONT.sans,
    background: 'white',
    padding: FIGURE_PADDING,
    view: { stroke: null },
    // Marks carry no generated ARIA text ("labelY: 46.5; label: …" would expose layout fields);
    // each figure sets a top-level `description` instead, and axes keep theirs.
    mark: { aria: false },
    text: { font: FONT.sans, fontSize: FONT_SIZE.label, color: COLOUR.text },
    axis: {
      labelFont: FONT.sans,
      labelFontSize: FONT_SIZE.label,
      labelColor: COLOUR.text,
      labelLimit: 0,
      titleFont: FONT.sans,
      titleFontSize: FONT_SIZE.title,
      titleFontWeight: 'normal',
      titleColor: COLOUR.text,
      domainColor: COLOUR.text,
      domainWidth: LINE_WIDTH.hairline,
      tickColor: COLOUR.text,
      tickWidth: LINE_WIDTH.hairline,
      tickSize: 4,
      labelPadding: 2,
      titlePadding: 4,
      grid: false,
    },
    legend: {
      labelFont: FONT.sans,
      labelFontSize: FONT_SIZE.label,
      labelLimit: 0,
      titleFont: FONT.sans,
      titleFontSize: FONT_SIZE.title,
    },
    title: { font: FONT.sans, fontSize: FONT_SIZE.title, fontWeight: 'bold', anchor: 'start' },
  };
}

/**
 * A Vega expression giving each axis tick the label `formatFixed(value, decimals)` from numbers.ts,
 * so tick labels obey the one formatting module instead of d3-format. Use with an explicit `values`
 * list on the axis (the expression matches those exact values); `labelled` limits which ticks get
 * text (others are drawn unlabelled).
 */
export function tickLabelExpression(values: readonly number[], decimals: number, labelled: readonly number[] = values): string {
  const branches = values.map((value) => {
    const text = labelled.includes(value) ? formatFixed(value, decimals) : '';
    return `datum.value === ${value} ? ${JSON.stringify(text)} : `;
  });
  return `${branches.join('')}''`;
}
