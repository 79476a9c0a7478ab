/**
 * Written methods and results, generated from the results (no number typed into a template), and
 * the software/settings list.
 */
import { formatCount, formatInterval, formatLevel, formatPStatement } from '../../format/numbers.ts';
import type { AnalysisResults } from '../../results/types.ts';
import type { AnalysisSpec } from '../../spec/schema.ts';
import type { Block, SectionView } from '../model.ts';
import { groupingMethods, participantsSentence } from './grouping.ts';

export interface SoftwareVersions {
  metadx: string;
  engine: string;
  node: string;
  vega: string;
  vegaLite: string;
}

const correctionText = (policy: string, value: number): string =>
  policy === 'single'
    ? `${value} added to every cell of tables with a zero cell (as Stata midas)`
    : policy === 'all'
      ? `${value} added to every cell of every table when any table has a zero cell (as R mada)`
      : 'none';

export function methodsParagraphs(results: AnalysisResults): string[] {
  const { pooled, options } = results;
  const level = formatLevel(results.level);
  const paragraphs: string[] = [];
  paragraphs.push(
    `For each 2x2 table, sensitivity and specificity were computed with exact (Clopper–Pearson) ${level} confidence intervals.`,
  );
  if (pooled.model.method === 'glmm') {
    const integration =
      pooled.model.quadrature === 1
        ? 'the Laplace approximation (as R lme4::glmer)'
        : `adaptive Gauss–Hermite quadrature with ${pooled.model.quadrature} points per random effect${pooled.model.quadrature === 7 ? ' (the setting of Stata midas)' : pooled.model.quadrature === 5 ? ' (the setting of Stata metandi)' : ''}`;
    paragraphs.push(
      `Sensitivity and specificity were pooled jointly with a bivariate random-effects model with exact binomial within-study likelihood (Chu & Cole 2006; Reitsma et al. 2005), fitted by maximum likelihood with ${integration}. No continuity correction enters this likelihood. Summary likelihood ratios and the diagnostic odds ratio were derived from the pooled logits and their covariance by the delta method on the log scale (as midas, metandi and MetaDTA). The summary ROC curve is the Rutter–Gatsonis curve implied by the bivariate parameters (Harbord et al. 2007); its area (AUC) was integrated numerically over the full false-positive range, with a ${level} interval by the ${options.aucCi === 'bootstrap' ? `parametric bootstrap (${options.bootstrap} replicates, seed ${options.seed})` : 'delta method on the logit scale'}. Confidence and prediction regions use the ${options.region === 'F' ? 'F-based critical value √(2·F(2, k−2)) of metandi and midas' : 'χ²-based critical value √χ²₂ of mada'}.`,
    );
  } else if (pooled.model.method === 'reitsma') {
    paragraphs.push(
      `Sensitivity and specificity were pooled jointly with the bivariate normal approximation of Reitsma et al. (2005), fitted by restricted maximum likelihood (as R mada::reitsma), with continuity correction: ${correctionText(options.correction, options.correctionValue)}. Summary likelihood ratios and the diagnostic odds ratio were derived by the delta method.`,
    );
  } else {
    paragraphs.push(
      `With fewer than 4 tables the bivariate model was not fitted; sensitivity, specificity, likelihood ratios and the diagnostic odds ratio were each pooled separately with a univariate random-effects model (REML), with 0.5 added to every cell of tables with a zero cell.`,
    );
  }
  paragraphs.push(...groupingMethods(results));
  paragraphs.push(
    `Heterogeneity is described by the between-study variances and correlation, the prediction region, and the plug-in I² of Zhou & Dendukuri (2014); Cochran's Q and I² of the study proportions are shown on the forest plot for comparison with midas output. Publication bias was assessed with Deeks' funnel-plot asymmetry test (weighted regression of the log DOR on 1/√ESS; continuity correction: ${correctionText(options.correction, options.correctionValue)}).`,
  );
  return paragraphs;
}

export function resultsParagraph(results: AnalysisResults): string {
  const { pooled } = results;
  const level = formatLevel(results.level);
  const parts = [
    `In total, ${results.k} 2x2 tables from ${results.totals.groups} ${results.totals.groups === 1 ? 'study' : 'studies'} were included (${formatCount(results.totals.participants)} participants, ${formatCount(results.totals.diseased)} with the target condition).`,
    ...(participantsSentence(results) ? [participantsSentence(results)!] : []),
    `Pooled sensitivity was ${formatInterval(pooled.summary.sens)} and specificity ${formatInterval(pooled.summary.spec)} (${level} CI); LR+ ${formatInterval(pooled.summary.lrPositive, 'ratio')}, LR− ${formatInterval(pooled.summary.lrNegative, 'ratio')} and DOR ${formatInterval(pooled.summary.dor, 'ratio')}.`,
  ];
  if (pooled.auc && pooled.auc.est !== null) {
    parts.push(
      pooled.auc.lo !== null && pooled.auc.hi !== null
        ? `The area under the SROC curve was ${formatInterval({ est: pooled.auc.est, lo: pooled.auc.lo, hi: pooled.auc.hi })}.`
        : `The area under the SROC curve was ${formatInterval({ est: pooled.auc.est, lo: Number.NaN, hi: Number.NaN }).split(' ')[0]}.`,
    );
  }
  if (results.deeks) parts.push(`Deeks' test did ${results.deeks.slopeP < 0.1 ? '' : 'not '}suggest funnel-plot asymmetry (${formatPStatement(results.deeks.slopeP)}).`);
  return parts.join(' ');
}

export function methodsSection(results: AnalysisResults): SectionView {
  const blocks: Block[] = [
    { heading: 'Statistical methods' },
    ...methodsParagraphs(results).map((paragraph) => ({ paragraph })),
    { heading: 'Results' },
    { paragraph: resultsParagraph(results) },
  ];
  return { id: 'methods', title: 'Methods and key results', blocks };
}

export function softwareSection(spec: AnalysisSpec, results: AnalysisResults, software: SoftwareVersions): SectionView {
  return {
    id: 'software',
    title: 'Software and settings',
    newPage: true,
    blocks: [
      {
        settings: {
          items: [
            { term: 'Model', value: results.pooled.model.label },
            { term: 'Continuity correction (study-level statistics, Deeks)', value: correctionText(results.options.correction, results.options.correctionValue) },
            { term: 'Confidence level', value: formatLevel(results.level) },
            { term: 'Data file', value: spec.data.file },
            { term: 'Software', value: `metadx ${software.metadx} (statistics engine ${software.engine}); Node.js ${software.node}; Vega ${software.vega}, Vega-Lite ${software.vegaLite}` },
          ],
        },
      },
    ],
  };
}
