/**
 * Stage 4 entry: results → the report's figures (Vega-Lite spec, SVG, PNG) with their titles and
 * captions. Maps results onto each figure's input; figures never recompute statistics.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatLevel } from '../format/numbers.ts';
import type { PooledResult } from '../results/pooled.ts';
import type { AnalysisResults } from '../results/types.ts';
import type { AnalysisSpec } from '../spec/schema.ts';
import { forestSpec, type ForestInput, type HeterogeneityStatistics } from './forest.ts';
import { renderFigure } from './render.ts';
import { srocSpec, type SrocInput } from './sroc.ts';
import { prismaSpec } from './prisma.ts';
import { quadasSummarySpec, quadasTrafficLightSpec } from './quadas.ts';
import { figureNames } from '../spec/schema.ts';

export interface BuiltFigure {
  /** file stem and HTML id, e.g. "forest" */
  id: string;
  title: string;
  caption: string;
  vegaLite: TopLevelSpec;
  svg: string;
  png: Uint8Array;
  warnings: string[];
}

/** A figure before rendering. */
interface FigurePlan {
  id: string;
  title: string;
  caption: string;
  vegaLite: TopLevelSpec;
}

function pooledLabel(pooled: PooledResult): string {
  switch (pooled.model.method) {
    case 'glmm':
      return 'Pooled (bivariate GLMM)';
    case 'reitsma':
      return 'Pooled (bivariate, Reitsma)';
    default:
      return 'Pooled (univariate REML)';
  }
}

function heterogeneityOf(h: NonNullable<PooledResult['heterogeneity']['midas']>['sens']): HeterogeneityStatistics {
  return {
    q: h.Q,
    df: h.df,
    p: h.p,
    ...(h.I2Lo !== null && h.I2Hi !== null ? { i2: { est: h.I2 * 100, lo: h.I2Lo * 100, hi: h.I2Hi * 100 } } : {}),
  };
}

export function forestInput(results: AnalysisResults): ForestInput {
  const pooled = results.pooled;
  const midas = pooled.heterogeneity.midas;
  const pooledValid = Number.isFinite(pooled.summary.sens.est) && Number.isFinite(pooled.summary.spec.est);
  return {
    rows: results.studies.map((study) => ({
      label: study.label,
      sens: study.sens,
      spec: study.spec,
      nDiseased: study.nDiseased,
      nNonDiseased: study.nNonDiseased,
      counts: study.counts,
    })),
    ...(pooledValid ? { pooled: { label: pooledLabel(pooled), sens: pooled.summary.sens, spec: pooled.summary.spec } } : {}),
    ...(midas ? { heterogeneity: { sens: heterogeneityOf(midas.sens), spec: heterogeneityOf(midas.spec) } } : {}),
  };
}

export function srocInput(results: AnalysisResults): SrocInput | undefined {
  const pooled = results.pooled;
  if (!pooled.regions || !pooled.sroc) return undefined;
  const auc = pooled.auc && pooled.auc.est !== null && pooled.auc.lo !== null && pooled.auc.hi !== null ? { est: pooled.auc.est, lo: pooled.auc.lo, hi: pooled.auc.hi } : undefined;
  return {
    studies: results.studies.map((s) => ({ label: s.label, sens: s.sens.est, spec: s.spec.est, n: s.nDiseased + s.nNonDiseased })),
    summary: { sens: pooled.summary.sens, spec: pooled.summary.spec },
    curve: { points: pooled.sroc.points.map((p) => ({ sens: p.sens, fpr: p.fpr })), ...(auc ? { auc } : {}) },
    confidenceRegion: pooled.regions.confidence.map((p) => ({ sens: p.sens, fpr: p.fpr })),
    predictionRegion: pooled.regions.prediction.map((p) => ({ sens: p.sens, fpr: p.fpr })),
    level: results.level,
  };
}

/** Which figures to draw, with their captions (numbers in captions are formatted, never computed). */
export function planFigures(results: AnalysisResults, spec: AnalysisSpec): FigurePlan[] {
  const wanted = new Set<string>(spec.figures ?? figureNames);
  const level = formatLevel(results.level);
  const pooled = results.pooled;
  const plans: FigurePlan[] = [];
  if (wanted.has('prisma') && results.prisma) {
    const failed = results.prisma.checks.length > 0;
    plans.push({
      id: 'prisma',
      title: 'PRISMA 2020 flow diagram',
      caption: `Identification, screening and inclusion of studies, from the counts in the analysis spec.${results.prisma.updated ? ' Updated review: studies from the previous version are shown on the left.' : ''} "Not reported": the count is not given; † derived from the other counts.${failed ? ' ⚠ marks counts that do not add up (see the warning in the text).' : ''}${results.prisma.note ? ` ${results.prisma.note}` : ''}`,
      vegaLite: prismaSpec(results.prisma),
    });
  }
  if (wanted.has('forest')) {
    const heterogeneity = pooled.heterogeneity.midas
      ? ` Under each panel: Cochran's Q of the study proportions around the pooled value and I² with its test-based ${level} CI (as Stata midas prints them; univariate statistics that ignore the threshold effect).`
      : '';
    plans.push({
      id: 'forest',
      title: 'Paired forest plot of sensitivity and specificity',
      caption: `Each row is one 2x2 table (k = ${results.k}). Squares mark the study's sensitivity (left) and specificity (right), with area proportional to the number of diseased and non-diseased participants; horizontal lines are exact (Clopper–Pearson) ${level} confidence intervals, also given as numbers beside each panel. The diamond is the pooled estimate (${pooled.model.label}) with its ${level} CI; the vertical line marks it.${heterogeneity}`,
      vegaLite: forestSpec(forestInput(results)),
    });
  }
  const sroc = srocInput(results);
  if (wanted.has('sroc') && sroc) {
    const critical = pooled.regions?.critical === 'F' ? `F-based (metandi/midas: √(2·F(2, k−2)))` : 'χ²-based (mada: √χ²(2))';
    plans.push({
      id: 'sroc',
      title: 'Summary ROC curve',
      caption: `Circles: studies (area proportional to sample size). Filled marker: summary operating point (${pooled.model.label}). Dashed line: ${level} confidence region of the summary point; dotted line: ${level} prediction region for a new study (${critical} critical value). Solid line: SROC curve implied by the bivariate parameters (Rutter–Gatsonis form), over the full range; the AUC and its CI are given in the legend (${pooled.auc?.method ?? 'no interval'}).`,
      vegaLite: srocSpec(sroc),
    });
  }
  if (wanted.has('quadas') && results.quadas) {
    const labels = quadasLabels(results);
    const standIn = results.quadas.provenance === 'stand-in';
    const note = standIn ? 'STAND-IN judgements: they match only the totals reported in the paper, not the real per-study ratings.' : undefined;
    plans.push({
      id: 'quadas-traffic-light',
      title: 'QUADAS-2 risk of bias and applicability concerns per study',
      caption: `Judgements per study and domain (+ low, − high, ? unclear).${standIn ? ' These judgements are a stand-in (see the note in the figure).' : ''}`,
      vegaLite: quadasTrafficLightSpec(results.quadas.data, { labels, ...(note ? { note } : {}) }),
    });
    plans.push({
      id: 'quadas-summary',
      title: 'QUADAS-2 summary',
      caption: `Proportion of studies with low, high and unclear risk of bias and applicability concerns per domain (${results.quadas.data.studies.length} studies).${standIn ? ' Stand-in judgements.' : ''}`,
      vegaLite: quadasSummarySpec(results.quadas.data, { ...(note ? { note } : {}) }),
    });
  }
  return plans;
}

/** Display names for QUADAS-2 study ids: "Author Year" from the 2x2 data when the id is a group id. */
function quadasLabels(results: AnalysisResults): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const study of results.studies) {
    const author = study.covariates.first_author ?? study.covariates.author;
    const year = study.covariates.year;
    if (study.group && author !== undefined && author !== null) labels[study.group] = `${author}${year !== undefined && year !== null ? ` ${year}` : ''}`;
  }
  return labels;
}

export async function buildFigures(results: AnalysisResults, spec: AnalysisSpec): Promise<BuiltFigure[]> {
  const figures: BuiltFigure[] = [];
  for (const plan of planFigures(results, spec)) {
    const rendered = await renderFigure(plan.vegaLite, { dpi: spec.output.dpi });
    figures.push({ ...plan, svg: rendered.svg, png: rendered.png, warnings: rendered.warnings });
  }
  return figures;
}
