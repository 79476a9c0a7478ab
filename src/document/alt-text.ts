/**
 * Alt text of each figure: what it shows and its key numbers, in a sentence or two, for readers
 * who cannot see it (screen readers in the HTML; the /Alt of the figure in the tagged PDF). Built
 * from results.json through the formatting module, like every other text of the document; a figure
 * this module does not know gets its title and caption.
 */
import { formatCount, formatCountOf, formatInterval, formatLevel, formatPercent, formatPStatement } from '../format/numbers.ts';
import type { AnalysisResults } from '../results/types.ts';

/** The figure id without its part suffix ("forest-sensitivity-2" → "forest-sensitivity"). */
function baseId(id: string, known: readonly string[]): { base: string; part?: number } {
  for (const base of known) {
    if (id === base) return { base };
    const match = new RegExp(`^${base}-(\\d+)$`).exec(id);
    if (match) return { base, part: Number(match[1]) };
  }
  return { base: id };
}

const KNOWN = ['forest-sensitivity', 'forest-specificity', 'forest-dor', 'forest-lr-positive', 'forest-lr-negative', 'forest', 'sroc', 'meta-regression', 'deeks', 'bivariate-boxplot', 'fagan', 'lr-scattergram', 'leave-one-out', 'cumulative-search', 'cumulative', 'quadas-traffic-light', 'quadas-summary', 'prisma', 'natural-frequencies'] as const;

export function figureAltText(id: string, title: string, caption: string, results: AnalysisResults): string {
  const { base, part } = baseId(id, KNOWN);
  const s = results.pooled.summary;
  const level = formatLevel(results.level);
  const k = formatCountOf(results.k, '2x2 table');
  const partOf = part !== undefined ? ` (part ${part})` : '';
  const pooledSens = `pooled sensitivity ${formatInterval(s.sens)}`;
  const pooledSpec = `pooled specificity ${formatInterval(s.spec)}`;
  switch (base) {
    case 'forest-sensitivity':
      return `Forest plot${partOf} of the sensitivity of each of ${k} with ${level} confidence intervals; ${pooledSens}.`;
    case 'forest-specificity':
      return `Forest plot${partOf} of the specificity of each of ${k} with ${level} confidence intervals; ${pooledSpec}.`;
    case 'forest':
      return `Paired forest plot${partOf} of sensitivity and specificity of ${k}; ${pooledSens}, ${pooledSpec}.`;
    case 'forest-dor':
      return `Forest plot${partOf} of the diagnostic odds ratio of each of ${k} on a log scale; summary diagnostic odds ratio ${formatInterval(s.dor, 'ratio')}.`;
    case 'forest-lr-positive':
      return `Forest plot${partOf} of the positive likelihood ratio of each of ${k} on a log scale; summary LR+ ${formatInterval(s.lrPositive, 'ratio')}.`;
    case 'forest-lr-negative':
      return `Forest plot${partOf} of the negative likelihood ratio of each of ${k} on a log scale; summary LR− ${formatInterval(s.lrNegative, 'ratio')}.`;
    case 'sroc': {
      const auc = results.pooled.auc;
      const area = auc && auc.est !== null ? `; area under the curve ${auc.lo !== null && auc.hi !== null ? formatInterval({ est: auc.est, lo: auc.lo, hi: auc.hi }) : formatInterval({ est: auc.est, lo: Number.NaN, hi: Number.NaN })}` : '';
      return `Summary ROC plot: sensitivity against 1 − specificity of ${k}, the summary point (${pooledSens}, ${pooledSpec}) with its ${level} confidence and prediction regions, and the summary ROC curve${area}.`;
    }
    case 'meta-regression':
      return `Pooled sensitivity and specificity with ${level} confidence intervals in each subgroup of ${results.subgroups.filter((a) => a.type === 'categorical').map((a) => a.label).join(', ')}, beside the estimate from all tables.`;
    case 'deeks': {
      const d = results.deeks;
      return `Deeks' funnel plot: diagnostic odds ratio of each of ${k} against 1/√(effective sample size), with the weighted regression line; ${d && !d.notEstimable ? `slope test ${formatPStatement(d.slopeP)}` : 'the test is not estimable'}.`;
    }
    case 'bivariate-boxplot': {
      const outside = results.influence.boxplot?.studies.filter((st) => st.outsideFence).length ?? 0;
      return `Bivariate box plot of logit sensitivity against logit specificity of ${k}; ${outside === 0 ? 'no table lies' : `${formatCountOf(outside, 'table')} ${outside === 1 ? 'lies' : 'lie'}`} outside the fence.`;
    }
    case 'fagan': {
      const f = results.fagan;
      if (!f) break;
      const priors = f.priors.map((p) => `from ${formatPercent(p.prior, true)} to ${formatPercent(p.postPositive.est, true)} after a positive and ${formatPercent(p.postNegative.est, true)} after a negative result`);
      return `Fagan nomogram with LR+ ${formatInterval(f.lrPositive, 'ratio')} and LR− ${formatInterval(f.lrNegative, 'ratio')}: the probability of the target condition changes ${priors.join('; ')}.`;
    }
    case 'lr-scattergram':
      return `Scattergram of the positive against the negative likelihood ratio of ${k} (log scales) with quadrants at LR+ = 10 and LR− = 0.1; summary LR+ ${formatInterval(s.lrPositive, 'ratio')}, LR− ${formatInterval(s.lrNegative, 'ratio')}.`;
    case 'leave-one-out': {
      const rows = results.influence.studies.flatMap((st) => (st.leaveOneOut ? [st.leaveOneOut] : []));
      const range = (values: number[]) => `${formatInterval({ est: values[0]!, lo: Math.min(...values), hi: Math.max(...values) }).replace(/^\S+ /, '')}`.replace(/[()]/g, '');
      return `Leave-one-out analysis${partOf}: pooled sensitivity and specificity refitted without each of ${formatCountOf(rows.length, 'table')}; sensitivity ranges ${range(rows.map((r) => r.sens.est))} and specificity ${range(rows.map((r) => r.spec.est))}, against ${formatInterval(s.sens)} and ${formatInterval(s.spec)} with all tables.`;
    }
    case 'cumulative':
    case 'cumulative-search':
      return `Cumulative meta-analysis ${base === 'cumulative' ? 'by publication year' : 'by literature search'}: pooled sensitivity and specificity with ${level} confidence intervals as tables accrue, ending at ${pooledSens} and ${pooledSpec}.`;
    case 'quadas-traffic-light':
      return `QUADAS-2 judgements for each of ${formatCountOf(results.quadas?.data.studies.length ?? 0, 'study', 'studies')} in each domain: low, high or unclear risk of bias and concerns about applicability.`;
    case 'quadas-summary':
      return `Bar chart of the share of studies at low, high and unclear risk of bias and with low, high and unclear applicability concerns in each QUADAS-2 domain.`;
    case 'prisma': {
      const flow = results.prisma;
      const included = flow ? flow.total.studies : undefined;
      const n = included && included.status !== 'unknown' ? formatCount(included.n) : 'an unreported number of';
      return `PRISMA 2020 flow diagram of study identification, screening and inclusion, ending with ${n} studies and ${k} in the meta-analysis.`;
    }
    case 'natural-frequencies': {
      const f = results.findings;
      if (!f) break;
      const rows = f.prevalences.map((p, i) => {
        const q = f.frequencies[i]!;
        return `at a prevalence of ${formatPercent(p.value, true)}, ${formatCount(q.truePositives.est)} true positives, ${formatCount(q.falseNegatives.est)} false negatives, ${formatCount(q.falsePositives.est)} false positives and ${formatCount(q.trueNegatives.est)} true negatives`;
      });
      return `Stacked bars of 1,000 people tested: ${rows.join('; ')}.`;
    }
  }
  return `${title}. ${caption}`;
}
