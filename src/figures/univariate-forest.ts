/**
 * Forest plot of one univariate measure (Stata midas `uforest`; metafor `forest.rma`): the
 * diagnostic odds ratio or a likelihood ratio on a log axis with a solid line at 1 (no
 * discrimination), or sensitivity or specificity placed on a logit axis labelled in proportions.
 * Columns: study label, the plot (square of area ∝ study weight + CI rule, dashed line at the first
 * pooled estimate), and the "12.3 (4.5–33.1)" text column; one pooled diamond row per pooled
 * estimate (the first in the pooled colour, the others grey), each labelled with its method ("Pooled (bivariate GLMM)", "Univariate random effects
 * (REML)"), and the heterogeneity statistics (Q, df, p, I², τ²) under the plot, labelled with the
 * pool they belong to.
 *
 * Estimates, intervals, weights and heterogeneity statistics are given; the only arithmetic here is
 * the axis geometry (a proportion's position on the logit axis) and square sizes from the weights.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatInterval, formatLevel, formatNumber, formatPercent, formatPValueClause, type IntervalLike } from '../format/numbers.ts';
import { logitProbabilityTicks, powerOfTenTicks, type AxisTicks } from './axis-ticks.ts';
import { intervalPanelsSpec, type IntervalPanel, type PanelCell, type PanelRow } from './interval-panels.ts';

export type UnivariateForestMeasure = 'dor' | 'lrPositive' | 'lrNegative' | 'sensitivity' | 'specificity';

export interface UnivariateForestStudy {
  label: string;
  estimate: IntervalLike;
  /** percentage weight in the pooled estimate: sets the square's area (equal squares without it) */
  weight?: number;
}

export interface UnivariateHeterogeneity {
  /** what the statistics belong to, printed before them, e.g. "Univariate REML pool" */
  label?: string;
  q: number;
  df: number;
  p: number;
  /** I² as a proportion (0–1) */
  i2?: number;
  tau2?: number;
}

export interface UnivariateForestInput {
  measure: UnivariateForestMeasure;
  studies: UnivariateForestStudy[];
  /**
   * pooled estimates drawn as diamonds, each labelled with the method that produced it, e.g.
   * "Pooled (bivariate GLMM)" and "Univariate random effects (REML)"; the first gets the dashed line
   */
  pooled?: { method: string; estimate: IntervalLike }[];
  heterogeneity?: UnivariateHeterogeneity;
  level?: number;
  note?: string;
}

export interface UnivariateForestOptions {
  width?: number;
}

const MEASURES: Record<UnivariateForestMeasure, { title: string; short: string; ratio: boolean }> = {
  dor: { title: 'Diagnostic odds ratio (log scale)', short: 'DOR', ratio: true },
  lrPositive: { title: 'Positive likelihood ratio (log scale)', short: 'LR+', ratio: true },
  lrNegative: { title: 'Negative likelihood ratio (log scale)', short: 'LR−', ratio: true },
  sensitivity: { title: 'Sensitivity (logit scale)', short: 'Sensitivity', ratio: false },
  specificity: { title: 'Specificity (logit scale)', short: 'Specificity', ratio: false },
};

export const UNIVARIATE_SQUARE = { maxArea: 110, minArea: 6, defaultArea: 42 } as const;

/** Logits beyond ±logit(0.999) are drawn at the axis end (estimates of 0 or 1 have no logit). */
const LOGIT_LIMIT = Math.log(0.999 / 0.001);

function logit(probability: number): number {
  return Math.max(-LOGIT_LIMIT, Math.min(LOGIT_LIMIT, Math.log(probability / (1 - probability))));
}

/** "Q = 212.35, df = 25, p < 0.001; I² = 95.8%; τ² = 1.459", every number through numbers.ts. */
export function formatUnivariateHeterogeneity(statistics: UnivariateHeterogeneity): string {
  const parts = [`${statistics.label ? `${statistics.label}: ` : ''}Q = ${formatNumber(statistics.q, 'statistic')}, df = ${formatCount(statistics.df)}, ${formatPValueClause(statistics.p)}`];
  if (statistics.i2 !== undefined) parts.push(`I² = ${formatPercent(statistics.i2, true)}`);
  if (statistics.tau2 !== undefined) parts.push(`τ² = ${formatNumber(statistics.tau2, 'variance')}`);
  return parts.join('; ');
}

/** The axis: powers of ten (ratios), or proportions on the logit scale, over every interval drawn. */
function axisFor(input: UnivariateForestInput): AxisTicks {
  const intervals = [...input.studies.map((study) => study.estimate), ...(input.pooled ?? []).map((pooled) => pooled.estimate)];
  const lows = intervals.map((interval) => interval.lo).filter(Number.isFinite);
  const highs = intervals.map((interval) => interval.hi).filter(Number.isFinite);
  if (MEASURES[input.measure].ratio) {
    return powerOfTenTicks(Math.min(...lows.filter((value) => value > 0)), Math.max(...highs), { include: [1] });
  }
  return logitProbabilityTicks(logit(Math.min(...lows)), logit(Math.max(...highs)), { snap: true });
}

/** The univariate forest plot as a Vega-Lite spec. */
export function univariateForestSpec(input: UnivariateForestInput, options: UnivariateForestOptions = {}): TopLevelSpec {
  const measure = MEASURES[input.measure];
  const kind = measure.ratio ? 'ratio' : 'proportion';
  const position = (interval: IntervalLike): IntervalLike =>
    measure.ratio ? interval : { est: logit(interval.est), lo: logit(interval.lo), hi: logit(interval.hi) };
  const largest = Math.max(0, ...input.studies.map((study) => study.weight ?? 0));
  const area = (weight: number | undefined) =>
    weight === undefined || largest === 0 ? UNIVARIATE_SQUARE.defaultArea : Math.max(UNIVARIATE_SQUARE.minArea, (UNIVARIATE_SQUARE.maxArea * weight) / largest);
  const cell = (interval: IntervalLike, weight?: number): PanelCell => ({ interval: position(interval), text: formatInterval(interval, kind), area: area(weight) });
  const rows: PanelRow[] = input.studies.map((study) => ({ kind: 'row', label: study.label, cells: [cell(study.estimate, study.weight)] }));
  (input.pooled ?? []).forEach((pooled, index) => rows.push({ kind: 'pooled', label: pooled.method, cells: [{ ...cell(pooled.estimate), ...(index > 0 ? { secondary: true } : {}) }] }));
  const references: NonNullable<IntervalPanel['references']> = measure.ratio ? [{ value: 1, role: 'null' }] : [];
  const main = input.pooled?.[0];
  if (main) references.push({ value: position(main.estimate).est, role: 'pooled' });
  const panel: IntervalPanel = {
    title: measure.title,
    header: `${measure.short} (${formatLevel(input.level ?? 0.95)}\u00A0CI)`,
    axis: { type: measure.ratio ? 'log' : 'linear', ...axisFor(input) },
    references,
    ...(input.heterogeneity ? { notes: formatUnivariateHeterogeneity(input.heterogeneity) } : {}),
  };
  return intervalPanelsSpec(
    { labelHeader: 'Study', rows, panels: [panel], marker: 'square', ...(input.note ? { note: input.note } : {}) },
    `Forest plot of ${measure.title.replace(/ \(.*\)$/, '').toLowerCase()}, ${input.studies.length} studies${main ? ` and the pooled estimate${(input.pooled?.length ?? 0) > 1 ? 's' : ''}` : ''}`,
    options.width === undefined ? {} : { width: options.width },
  );
}
