/**
 * Leave-one-out sensitivity analysis (Stata midas `inf(graph)`; MetaDTA's sensitivity-analysis
 * tab): one row per omitted study ("Omitting Hsieh 2021"), the pooled sensitivity and specificity
 * refitted without it (point + CI) in two panels like the paired forest plot, a bottom diamond row
 * with the all-studies estimate, a dashed line at that estimate and a shaded band over its CI.
 * An estimate that leaves the all-studies CI is drawn in the highlight colour, with its text bold,
 * so the influential studies stand out; a legend under the figure says what the marks mean.
 *
 * The refitted estimates come from the statistics stage. Deciding which estimates lie outside the
 * all-studies interval is a comparison of given numbers, not a statistic.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatInterval, formatLevel, type IntervalLike } from '../format/numbers.ts';
import { proportionAxis } from './axis-ticks.ts';
import { COLOUR, DASH, LINE_WIDTH } from './theme.ts';
import type { LegendItem } from './figure-legend.ts';
import { HIGHLIGHT_COLOUR, intervalPanelsSpec, studyCountText, type IntervalPanel, type PanelCell, type PanelRow } from './interval-panels.ts';

/** The pooled estimates refitted without one study. */
export interface LeaveOneOutRow {
  /** label of the omitted study */
  omitted: string;
  sens: IntervalLike;
  spec: IntervalLike;
}

export interface LeaveOneOutInput {
  rows: LeaveOneOutRow[];
  /** the fit to all studies: reference lines, shaded CI bands and the bottom diamond row */
  all: { k: number; sens: IntervalLike; spec: IntervalLike };
  /** coverage of the intervals (default 0.95) */
  level?: number;
  note?: string;
}

export interface LeaveOneOutOptions {
  width?: number;
  /** x axis: 'data' zooms to the intervals shown (default), 'full' is 0–1 */
  xRange?: 'data' | 'full';
}

type Measure = 'sens' | 'spec';
const MEASURE_NAME: Record<Measure, string> = { sens: 'Sensitivity', spec: 'Specificity' };

/** True when the estimate lies outside the all-studies interval. */
export function outsideInterval(estimate: number, interval: IntervalLike): boolean {
  return estimate < interval.lo || estimate > interval.hi;
}

function legend(input: LeaveOneOutInput, anyOutside: boolean): LegendItem[] {
  const level = formatLevel(input.level ?? 0.95);
  const items: LegendItem[] = [
    { sample: { kind: 'line', mark: { color: COLOUR.pooled, strokeWidth: LINE_WIDTH.hairline, strokeDash: DASH.reference } }, text: 'Estimate from all studies' },
    { sample: { kind: 'swatch', mark: { color: COLOUR.pooled, opacity: 0.12 } }, text: `${level} CI from all studies` },
  ];
  if (anyOutside) {
    items.push({ sample: { kind: 'point', mark: { shape: 'circle', filled: true, opacity: 1, color: HIGHLIGHT_COLOUR, size: 42 } }, text: `Estimate outside the ${level} CI from all studies` });
  }
  return items;
}

/** The leave-one-out figure as a Vega-Lite spec. */
export function leaveOneOutSpec(input: LeaveOneOutInput, options: LeaveOneOutOptions = {}): TopLevelSpec {
  const { all } = input;
  const level = formatLevel(input.level ?? 0.95);
  const cell = (interval: IntervalLike, measure: Measure): PanelCell => ({
    interval,
    text: formatInterval(interval, 'proportion'),
    highlight: outsideInterval(interval.est, all[measure]),
  });
  const rows: PanelRow[] = input.rows.map((row) => ({ kind: 'row', label: `Omitting ${row.omitted}`, cells: [cell(row.sens, 'sens'), cell(row.spec, 'spec')] }));
  rows.push({
    kind: 'pooled',
    label: `All studies (${studyCountText(all.k)})`,
    cells: (['sens', 'spec'] as const).map((measure) => ({ interval: all[measure], text: formatInterval(all[measure], 'proportion') })),
  });
  const panel = (measure: Measure): IntervalPanel => ({
    title: MEASURE_NAME[measure],
    header: `${MEASURE_NAME[measure]} (${level}\u00A0CI)`,
    axis: { type: 'linear', ...proportionAxis([all[measure], ...input.rows.map((row) => row[measure])], options.xRange ?? 'data') },
    references: [{ value: all[measure].est, role: 'pooled' }],
    band: [all[measure].lo, all[measure].hi],
  });
  const anyOutside = rows.some((row) => row.cells.some((entry) => entry.highlight));
  return intervalPanelsSpec(
    { labelHeader: 'Analysis', rows, panels: [panel('sens'), panel('spec')], marker: 'circle', legend: legend(input, anyOutside), ...(input.note ? { note: input.note } : {}) },
    `Leave-one-out analysis: pooled sensitivity and specificity omitting each of ${input.rows.length} studies in turn`,
    options.width === undefined ? {} : { width: options.width },
  );
}
