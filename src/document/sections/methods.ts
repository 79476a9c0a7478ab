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

/** How the AUC and its interval were actually made (the same method string as the summary table). */
function aucClause(auc: AnalysisResults['pooled']['auc'], level: string, requested: 'delta' | 'bootstrap'): string {
  if (!auc || auc.est === null) return 'its area (AUC) is not reported because the shape of the curve is not identified by these data (both between-study variances are about 0).';
  const area = 'its area (AUC) was integrated numerically over the full false-positive range';
  if (auc.method.startsWith('parametric bootstrap')) {
    return `${area}, with a ${level} ${auc.method.replace('parametric bootstrap', 'parametric bootstrap [@efron1993]')}${requested === 'delta' ? ' (the delta method needs the covariance of the variance parameters, which is not available at this boundary fit)' : ''}.`;
  }
  if (auc.method.startsWith('delta method')) return `${area}, with a ${level} interval by the delta method on the logit scale.`;
  return `${area}, without an interval (the parameter covariance is not available).`;
}

export function methodsParagraphs(results: AnalysisResults): string[] {
  const { pooled, options } = results;
  const level = formatLevel(results.level);
  const paragraphs: string[] = [];
  paragraphs.push(
    `For each 2x2 table, sensitivity and specificity were computed with exact (Clopper–Pearson) ${level} confidence intervals [@clopper1934].`,
  );
  if (pooled.model.method === 'glmm') {
    const integration =
      pooled.model.quadrature === 1
        ? 'the Laplace approximation (as R lme4::glmer [@lme4])'
        : `adaptive Gauss–Hermite quadrature [@liu1994; @pinheiro1995] with ${pooled.model.quadrature} points per random effect${pooled.model.quadrature === 7 ? ' (the setting of Stata midas [@midas])' : pooled.model.quadrature === 5 ? ' (the setting of Stata metandi [@metandi])' : ''}${
            pooled.model.nodes === 'upper'
              ? ', the nodes placed with the upper-triangular square root of the conditional covariance of the random effects (as Stata places them for metandi)'
              : pooled.model.nodes === 'lower'
                ? ', the nodes placed with the lower Cholesky factor of the conditional covariance of the random effects (as Stata places them for midas)'
                : ''
          }`;
    paragraphs.push(
      `Sensitivity and specificity were pooled jointly with a bivariate random-effects model with exact binomial within-study likelihood [@chu2006; @reitsma2005], fitted by maximum likelihood with ${integration}. No continuity correction enters this likelihood. Standard errors and confidence intervals of the between-study variances, their correlation and the HSROC parameters were obtained by the delta method from the inverse observed information on the scales Stata metandi uses (log variances, Fisher-z correlation) [@metandi]. Summary likelihood ratios and the diagnostic odds ratio were derived from the pooled logits and their covariance by the delta method on the log scale (as midas, metandi and MetaDTA). The summary ROC curve is the Rutter–Gatsonis curve [@rutter2001] implied by the bivariate parameters [@harbord2007]; ${aucClause(pooled.auc, level, options.aucCi)} Confidence and prediction regions use the ${options.region === 'F' ? 'F-based critical value √(2·F(2, k−2)) of metandi and midas [@metandi; @midas]' : 'χ²-based critical value √χ²₂ of mada [@mada]'}.`,
    );
  } else if (pooled.model.method === 'reitsma') {
    paragraphs.push(
      `Sensitivity and specificity were pooled jointly with the bivariate normal approximation of Reitsma et al. [@reitsma2005], fitted by restricted maximum likelihood (as R mada::reitsma [@mada]), with continuity correction: ${correctionText(options.correction, options.correctionValue)}. Summary likelihood ratios and the diagnostic odds ratio were derived by the delta method.`,
    );
  } else {
    paragraphs.push(
      `With fewer than 4 tables the bivariate model was not fitted; sensitivity, specificity, likelihood ratios and the diagnostic odds ratio were each pooled separately with a univariate random-effects model (REML) [@viechtbauer2005], with 0.5 added to every cell of tables with a zero cell.`,
    );
  }
  paragraphs.push(...groupingMethods(results));
  paragraphs.push(
    `Heterogeneity is described by the between-study variances and correlation, the prediction region, and the plug-in I² of Zhou and Dendukuri [@zhou2014] (τ²/(τ² + σ²), σ² the typical within-study variance of the logit; on the forest plots of sensitivity and specificity and in the heterogeneity table); the forest plots of the DOR and likelihood ratios give Cochran's Q, τ² and I² = τ²/(τ² + s²) [@higgins2002] (as metafor [@metafor]) of the univariate REML pool of each measure. Publication bias was assessed with Deeks' funnel-plot asymmetry test [@deeks2005] (weighted regression of the log DOR on 1/√ESS; continuity correction: ${correctionText(options.correction, options.correctionValue)}).`,
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
  if (results.deeks) {
    parts.push(
      results.deeks.notEstimable
        ? `Deeks' test was not estimable (${results.deeks.notEstimable === 'identical-ess' ? 'all tables have the same effective sample size' : 'zero residual variance'}).`
        : `Deeks' test did ${results.deeks.slopeP < 0.1 ? '' : 'not '}suggest funnel-plot asymmetry (${formatPStatement(results.deeks.slopeP)}).`,
    );
  }
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
   
    blocks: [
      {
        settings: {
          items: [
            { term: 'Model', value: results.pooled.model.label },
            { term: 'Continuity correction (study-level statistics, Deeks)', value: correctionText(results.options.correction, results.options.correctionValue) },
            { term: 'Confidence level', value: formatLevel(results.level) },
            { term: 'Data file', value: spec.data.file },
            { term: 'Software', value: `metadx ${software.metadx} (statistics engine ${software.engine}); Node.js ${software.node}; Vega ${software.vega}, Vega-Lite ${software.vegaLite} [@vegalite]` },
            { term: 'Reference values', value: 'The statistics engine is tested against values computed with R 4.2.2 (lme4 1.1-31, metafor 3.8-1, mada 0.5.12) [@lme4; @metafor; @mada] and against output printed by Stata metandi and midas [@metandi; @midas].' },
          ],
        },
      },
    ],
  };
}
