/**
 * Meta-regression and subgroup figure (the seed paper's Figure 5; Stata midas `bivreg`, "Univariable
 * Meta-regression & Subgroup Analyses", METHODS (g)), with the statistics of the defensible
 * alternative rather than midas' star codes: two panels side by side (sensitivity | specificity),
 * one row per covariate level under a bold covariate heading, point + CI per level, a dashed line
 * at the pooled estimate of all studies, and the tests as numbers: the joint likelihood-ratio test
 * of the covariate ("LRT p = 0.002") on the heading row, and the per-measure Wald test in each
 * panel's text column. A diamond row at the bottom repeats the all-studies estimate.
 *
 * Every number is given (subgroup summaries, CIs, p-values from the statistics stage); this file
 * only lays out rows and formats text through numbers.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatInterval, formatLevel, formatPValueClause, type IntervalLike } from '../format/numbers.ts';
import { proportionAxis } from './axis-ticks.ts';
import { intervalPanelsSpec, studyCountText, type IntervalPanel, type PanelRow } from './interval-panels.ts';

/** Summary sensitivity and specificity of one subgroup (covariate level) of `k` studies. */
export interface SubgroupEstimate {
  label: string;
  k: number;
  sens: IntervalLike;
  spec: IntervalLike;
}

export interface CovariateResult {
  /** heading, e.g. "Image type" */
  name: string;
  levels: SubgroupEstimate[];
  /** joint likelihood-ratio test of the covariate on sensitivity and specificity */
  lrtP?: number;
  /** Wald test of the covariate's effect on each measure */
  waldP?: { sens?: number; spec?: number };
}

export interface MetaRegressionInput {
  covariates: CovariateResult[];
  /** the model without covariates: reference lines and the bottom diamond row */
  overall: { label?: string; k: number; sens: IntervalLike; spec: IntervalLike };
  /** coverage of the intervals (default 0.95), for the column headers */
  level?: number;
  /** footnote under the figure */
  note?: string;
}

export interface MetaRegressionOptions {
  /** total width in px (default 640) */
  width?: number;
  /** x axis: 'data' zooms to the intervals shown (default), 'full' is 0–1 */
  xRange?: 'data' | 'full';
}

type Measure = 'sens' | 'spec';
const MEASURE_NAME: Record<Measure, string> = { sens: 'Sensitivity', spec: 'Specificity' };

function headingRow(covariate: CovariateResult): PanelRow {
  const wald = (measure: Measure) => {
    const p = covariate.waldP?.[measure];
    return { text: p === undefined ? '' : formatPValueClause(p, 'Wald p') };
  };
  return {
    kind: 'heading',
    label: covariate.name,
    ...(covariate.lrtP === undefined ? {} : { labelNote: formatPValueClause(covariate.lrtP, 'LRT p') }),
    cells: [wald('sens'), wald('spec')],
  };
}

function levelRow(level: SubgroupEstimate): PanelRow {
  const cell = (measure: Measure) => ({ interval: level[measure], text: formatInterval(level[measure], 'proportion') });
  return { kind: 'row', label: `${level.label} (${studyCountText(level.k)})`, indent: true, cells: [cell('sens'), cell('spec')] };
}

/** The meta-regression and subgroup figure as a Vega-Lite spec. */
export function metaRegressionSpec(input: MetaRegressionInput, options: MetaRegressionOptions = {}): TopLevelSpec {
  const { overall } = input;
  const level = formatLevel(input.level ?? 0.95);
  const rows: PanelRow[] = input.covariates.flatMap((covariate) => [headingRow(covariate), ...covariate.levels.map(levelRow)]);
  rows.push({
    kind: 'pooled',
    label: `${overall.label ?? 'All studies'} (${studyCountText(overall.k)})`,
    cells: (['sens', 'spec'] as const).map((measure) => ({ interval: overall[measure], text: formatInterval(overall[measure], 'proportion') })),
  });
  const panel = (measure: Measure): IntervalPanel => {
    const intervals = [overall[measure], ...input.covariates.flatMap((covariate) => covariate.levels.map((subgroup) => subgroup[measure]))];
    return {
      title: MEASURE_NAME[measure],
      header: `${MEASURE_NAME[measure]} (${level}\u00A0CI)`,
      axis: { type: 'linear', ...proportionAxis(intervals, options.xRange ?? 'data') },
      references: [{ value: overall[measure].est, role: 'pooled' }],
    };
  };
  const levels = input.covariates.reduce((sum, covariate) => sum + covariate.levels.length, 0);
  return intervalPanelsSpec(
    { labelHeader: 'Covariate', rows, panels: [panel('sens'), panel('spec')], marker: 'circle', ...(input.note ? { note: input.note } : {}) },
    `Meta-regression and subgroup analysis: sensitivity and specificity for ${levels} levels of ${input.covariates.length} covariates`,
    options.width === undefined ? {} : { width: options.width },
  );
}
