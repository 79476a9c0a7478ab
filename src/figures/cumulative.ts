/**
 * Cumulative meta-analysis: the pooled sensitivity and specificity (point + CI, two panels) as
 * evidence accrues, one row per step in accrual order — a study added ("+ Hsieh 2021 (2021)") or a
 * search update ("Search 2023-12-01 (k = 26)") — with a dashed line at the latest estimate, so a
 * reader sees when the estimates settled. Steps where the model could not be fitted (too few
 * studies) keep their row, with "not estimable" in the text column.
 *
 * Every estimate comes from the statistics stage (one fit per step); this file only builds the row
 * labels and formats the intervals through numbers.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatInterval, formatLevel, type IntervalLike } from '../format/numbers.ts';
import { proportionAxis } from './axis-ticks.ts';
import { intervalPanelsSpec, studyCountText, type IntervalPanel, type PanelCell, type PanelRow } from './interval-panels.ts';

/** What a step adds: one study (with its publication year), or every study found by a search. */
export type CumulativeAddition = { study: string; year?: number } | { searchDate: string };

export interface CumulativeStep {
  added: CumulativeAddition;
  /** number of studies pooled at this step */
  k: number;
  /** pooled estimates at this step; absent when the model could not be fitted */
  sens?: IntervalLike;
  spec?: IntervalLike;
}

export interface CumulativeInput {
  /** steps in accrual order (by publication year or search date) */
  steps: CumulativeStep[];
  level?: number;
  note?: string;
}

export interface CumulativeOptions {
  width?: number;
  /** x axis: 'data' zooms to the intervals shown (default), 'full' is 0–1 */
  xRange?: 'data' | 'full';
}

type Measure = 'sens' | 'spec';
const MEASURE_NAME: Record<Measure, string> = { sens: 'Sensitivity', spec: 'Specificity' };

export const NOT_ESTIMABLE = 'not estimable';

/**
 * "Hsieh (2021)": a study with its publication year, unless its name already gives the year
 * ("Kindermann 1970") or ends in parentheses ("Author 1 (model)" → "Author 1 (model), 2021"), so
 * labels never repeat the year or nest parentheses.
 */
export function studyWithYear(study: string, year: number | undefined): string {
  if (year === undefined || new RegExp(`\\b${year}\\b`).test(study)) return study;
  return study.endsWith(')') ? `${study}, ${year}` : `${study} (${year})`;
}

/** "+ Hsieh (2021)" for a study, "Search 2023-12-01 (k = 26)" for a search update. */
export function stepLabel(step: CumulativeStep): string {
  if ('searchDate' in step.added) return `Search ${step.added.searchDate} (${studyCountText(step.k)})`;
  return `+ ${studyWithYear(step.added.study, step.added.year)}`;
}

/** The cumulative meta-analysis figure as a Vega-Lite spec. */
export function cumulativeSpec(input: CumulativeInput, options: CumulativeOptions = {}): TopLevelSpec {
  const level = formatLevel(input.level ?? 0.95);
  const cell = (interval: IntervalLike | undefined): PanelCell =>
    interval ? { interval, text: formatInterval(interval, 'proportion') } : { text: NOT_ESTIMABLE };
  const rows: PanelRow[] = input.steps.map((step) => ({
    kind: 'row',
    label: stepLabel(step),
    // a study step shows how many studies are pooled so far (a search step has it in its label)
    ...('study' in step.added ? { labelNote: studyCountText(step.k) } : {}),
    cells: [cell(step.sens), cell(step.spec)],
  }));
  const latest = [...input.steps].reverse().find((step) => step.sens && step.spec);
  const panel = (measure: Measure): IntervalPanel => {
    const intervals = input.steps.flatMap((step) => (step[measure] ? [step[measure]] : []));
    const reference = latest?.[measure];
    return {
      title: MEASURE_NAME[measure],
      header: `${MEASURE_NAME[measure]} (${level}\u00A0CI)`,
      axis: { type: 'linear', ...proportionAxis(intervals, options.xRange ?? 'data') },
      ...(reference ? { references: [{ value: reference.est, role: 'pooled' as const }] } : {}),
    };
  };
  const bySearch = input.steps.some((step) => 'searchDate' in step.added);
  return intervalPanelsSpec(
    { labelHeader: bySearch ? 'Search update' : 'Study added', rows, panels: [panel('sens'), panel('spec')], marker: 'circle', ...(input.note ? { note: input.note } : {}) },
    `Cumulative meta-analysis: pooled sensitivity and specificity over ${input.steps.length} ${bySearch ? 'search updates' : 'added studies'}`,
    options.width === undefined ? {} : { width: options.width },
  );
}
