/**
 * Full-width forest plot of sensitivity or of specificity, one measure per figure, laid out as
 * RevMan lays out DTA forest plots (the flagship paper's Figures 2 and 3): study label, the 2x2
 * counts TP, FP, FN, TN, the study's estimate with its exact CI as text ("0.86 (0.82–0.90)"), then
 * the plot on a 0–1 axis (square of area ∝ the arm size, horizontal CI rule), a dashed line and a
 * diamond at the pooled estimate, and the heterogeneity statistics under the figure with the name
 * of the I² definition.
 *
 * Built on interval-panels.ts (one panel, count columns, text before the plot). Estimates, CIs,
 * arm sizes and heterogeneity statistics are given; the only arithmetic here is the square size
 * (area proportional to the arm size) and text placement.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatInterval, formatLevel, type IntervalLike } from '../format/numbers.ts';
import { ticksOf } from './axis-ticks.ts';
import { formatHeterogeneity, type HeterogeneityStatistics } from './forest-layout.ts';
import { intervalPanelsSpec, type IntervalPanel, type PanelRow } from './interval-panels.ts';

export type AccuracyMeasure = 'sensitivity' | 'specificity';

export interface AccuracyForestStudy {
  /** row number in the study table ("#"), for the data behind the figure */
  number: number;
  label: string;
  counts: { tp: number; fp: number; fn: number; tn: number };
  /** the study's sensitivity (or specificity) with its exact CI */
  estimate: IntervalLike;
  /** participants in the arm the measure is computed from (TP + FN, or TN + FP): sets the square's area */
  n: number;
}

export interface AccuracyForestInput {
  measure: AccuracyMeasure;
  studies: AccuracyForestStudy[];
  /** pooled estimate drawn as a diamond, labelled with the model, e.g. "Pooled (bivariate GLMM)" */
  pooled?: { label: string; estimate: IntervalLike };
  /** position of the dashed reference line when the pooled row is on another page (pagination) */
  reference?: number;
  /** heterogeneity statistics printed under the figure, e.g. τ² and the Zhou–Dendukuri I² */
  heterogeneity?: HeterogeneityStatistics;
  /** largest arm size of all pages, so squares keep one scale across pages (default: this page's) */
  largestN?: number;
  /** coverage of the CIs (default 0.95) */
  level?: number;
  note?: string;
}

export interface AccuracyForestOptions {
  /** total width in px including padding (default 640, the full text width) */
  width?: number;
}

export const ACCURACY_SQUARE = { maxArea: 120, minArea: 20 } as const;

const TITLE: Record<AccuracyMeasure, string> = { sensitivity: 'Sensitivity', specificity: 'Specificity' };

const AXIS = { type: 'linear' as const, domain: [0, 1] as [number, number], ticks: ticksOf([0, 0.2, 0.4, 0.6, 0.8, 1]) };

/** The forest plot of one measure as a Vega-Lite spec. */
export function accuracyForestSpec(input: AccuracyForestInput, options: AccuracyForestOptions = {}): TopLevelSpec {
  const title = TITLE[input.measure];
  const largest = Math.max(1, input.largestN ?? 0, ...input.studies.map((study) => study.n));
  const area = (n: number) => Math.max(ACCURACY_SQUARE.minArea, (ACCURACY_SQUARE.maxArea * n) / largest);
  const rows: PanelRow[] = input.studies.map((study) => ({
    kind: 'row',
    label: study.label,
    columns: [study.counts.tp, study.counts.fp, study.counts.fn, study.counts.tn].map(formatCount),
    cells: [{ interval: study.estimate, text: formatInterval(study.estimate), area: area(study.n) }],
  }));
  if (input.pooled) rows.push({ kind: 'pooled', label: input.pooled.label, cells: [{ interval: input.pooled.estimate, text: formatInterval(input.pooled.estimate) }] });
  const reference = input.pooled?.estimate.est ?? input.reference;
  const panel: IntervalPanel = {
    title,
    header: `${title} (${formatLevel(input.level ?? 0.95)}\u00A0CI)`,
    axis: AXIS,
    ...(reference !== undefined ? { references: [{ value: reference, role: 'pooled' as const }] } : {}),
  };
  const notes = [input.heterogeneity ? `Heterogeneity: ${formatHeterogeneity(input.heterogeneity)}.` : '', input.note ?? ''].filter((text) => text !== '');
  return intervalPanelsSpec(
    {
      labelHeader: 'Study',
      rows,
      columns: ['TP', 'FP', 'FN', 'TN'].map((header) => ({ header })),
      textBeforePlot: true,
      panels: [panel],
      marker: 'square',
      ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
    },
    `Forest plot of ${title.toLowerCase()}, ${input.studies.length} studies${input.pooled ? ` and the pooled estimate ${formatInterval(input.pooled.estimate)}` : ''}`,
    { width: options.width ?? 640, maxLabelFraction: 0.24 },
  );
}
