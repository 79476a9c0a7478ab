/**
 * Several 2x2 tables per study (results.grouping, src/results/grouping.ts): the methods text that
 * says how the tables of one study were modelled and why, the participant-count sentence, the
 * table setting the pooled estimates under each structure side by side, and the heterogeneity rows
 * of a nested model.
 */
import { formatCount, formatInterval, formatLevel, formatNumber } from '../../format/numbers.ts';
import { studyName, type GroupingFit, type GroupingResult, type OneTableRule, type Structure } from '../../results/grouping.ts';
import type { PooledResult } from '../../results/pooled.ts';
import type { AnalysisResults } from '../../results/types.ts';
import { cell, type Numbering, type TableView } from '../model.ts';

const STRUCTURE_TEXT: Record<Structure, string> = {
  independent: 'every table is treated as a separate study (as Stata midas and metandi do)',
  shared: 'the tables of a study share one pair of random effects (shared structure; Stata "|| study_id:", lme4 "(0 + sens + spec | study)")',
  nested: 'the model has random effects for each study and, within it, for each table (nested structure; lme4 "(0 + sens + spec | study) + (0 + sens + spec | study:table)")',
};

const RULE_TEXT: Record<OneTableRule, string> = {
  first: 'the first table of each study in data order',
  best: 'the table with the highest Youden index (sensitivity + specificity − 1) of each study, selected on the observed results and therefore optimistic',
};

function rowLabel(fit: GroupingFit, main: Structure): string {
  if (fit.analysis === 'one-table-per-study') return `One table per study (${fit.rule === 'best' ? 'best table: optimistic' : 'first table'})`;
  const name = fit.analysis === 'nested' ? 'Nested: study and table-within-study random effects' : fit.analysis === 'shared' ? 'Shared: the tables of a study share its random effects' : 'Independent: every table its own study';
  return fit.analysis === main ? `${name} (main analysis)` : name;
}

/** Methods paragraphs about the grouping (empty without several tables per study). */
export function groupingMethods(results: AnalysisResults): string[] {
  const grouping = results.grouping;
  if (!grouping) return [];
  const repeated = grouping.repeated.map((r) => r.tables.length);
  const range = Math.min(...repeated) === Math.max(...repeated) ? String(repeated[0]) : `${Math.min(...repeated)}–${Math.max(...repeated)}`;
  const paragraphs: string[] = [];
  const glmm = results.pooled.model.method === 'glmm';
  const main = grouping.structure;
  const one = grouping.oneTablePerStudy;
  let text = `${grouping.repeated.length} of the ${grouping.studies} studies contributed several 2x2 tables (${range} each; ${grouping.tables} tables in all). `;
  if (glmm) {
    text += `In the main analysis, ${STRUCTURE_TEXT[main]}${grouping.source === 'spec' ? ', as set in the analysis specification' : ''}. `;
    if (grouping.source === 'default' && main === 'nested') {
      text +=
        'This is the default when the study of each table is known: the tables of one study differ in ways the model does not otherwise describe (other index tests, models or thresholds), so treating them as separate studies would count the study and its participants once per table and understate the uncertainty of the pooled estimates, while forcing them to share one pair of random effects would attribute the differences between a study\u2019s tables to chance. The nested model allows heterogeneity between and within studies, and reduces to the shared model when the within-study variance is 0. ';
    }
    text += `The summary ROC curve, the prediction region and the AUC use the variance of a new table from a new study${main === 'nested' ? ' (the between-study plus the within-study covariance)' : ''}. Subgroup analyses, meta-regression, leave-one-out (leaving out one study with all its tables) and the cumulative analysis use the same structure; where a subset has no study with several tables, the structures coincide and independent tables are fitted. `;
    if (main === 'nested' && results.pooled.model.quadrature !== undefined) {
      text +=
        results.pooled.model.quadrature === 1
          ? 'The likelihood of each study was integrated with the Laplace approximation over its study and table effects jointly (as lme4::glmer). '
          : `The likelihood of each study was integrated by nested adaptive Gauss–Hermite quadrature, ${results.pooled.model.quadrature} points per random effect at each level: the study effects around their joint mode and, at each of those nodes, each table\u2019s effects around their conditional mode (with 1 point this is the Laplace approximation of lme4::glmer). `;
    }
  }
  text += `For comparison, the table \u201cSeveral tables per study\u201d (Pooled diagnostic accuracy) shows the pooled estimates with ${glmm ? 'each structure' : 'independent tables'}${one ? ` and with one table per study (${RULE_TEXT[one.rule]})` : ''}. Neither grouped model describes the correlation between tables computed on the same participants (several models on one test set); the one-table-per-study analysis avoids it.`;
  paragraphs.push(text);
  return paragraphs;
}

/** The participants sentence: which totals count a shared test set once and which are sums of tables. */
export function participantsSentence(results: AnalysisResults): string | undefined {
  const once = results.totals.countedOnce ?? [];
  const summed = results.totals.summed ?? [];
  if (once.length === 0 && summed.length === 0) return undefined;
  const names = (groups: string[]) => {
    const list = groups.map((g) => studyName(results.studies, g));
    return list.length < 2 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
  };
  const parts: string[] = [];
  if (once.length > 0) parts.push(`the participants of ${names(once)}, whose tables share one test set, are counted once (the sum over tables would be ${formatCount(results.totals.participantsSumOfTables ?? results.totals.participants)})`);
  if (summed.length > 0) parts.push(`for ${names(summed)} the counts are sums over their tables (whether those tables share participants is not recorded)`);
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The side-by-side table of the structures (undefined without several tables per study). */
export function groupingTable(results: AnalysisResults, numbering: Numbering): TableView | undefined {
  const grouping: GroupingResult | null | undefined = results.grouping;
  if (!grouping) return undefined;
  const level = formatLevel(results.level);
  return {
    id: 'table-grouping',
    number: numbering.nextTable(),
    title: 'Several tables per study: pooled estimates by how the tables of one study are modelled',
    caption: `Pooled sensitivity and specificity (${level} CI) of the ${grouping.tables} tables from ${grouping.studies} studies with independent tables, with random effects shared by the tables of a study, with study and table-within-study random effects, and${grouping.oneTablePerStudy ? ` with one table per study (${RULE_TEXT[grouping.oneTablePerStudy.rule]})` : ''}. Log-likelihoods compare the models of the same ${grouping.tables} tables; the one-table-per-study fit uses other data.`,
    columns: [
      { label: 'Analysis', numeric: false },
      { label: 'Tables', numeric: true },
      { label: 'Studies', numeric: true },
      { label: `Sensitivity (${level} CI)`, numeric: true },
      { label: `Specificity (${level} CI)`, numeric: true },
      { label: 'Log-likelihood', numeric: true },
    ],
    rows: grouping.fits.map((fit) => ({
      flag: fit.rule === 'best' || !fit.converged,
      cells: [
        cell(`${rowLabel(fit, grouping.structure)}${fit.converged ? '' : ' — not converged'}`, false, fit.analysis === grouping.structure),
        cell(String(fit.k), true),
        cell(String(fit.studies), true),
        cell(formatInterval(fit.summary.sens), true),
        cell(formatInterval(fit.summary.spec), true),
        cell(fit.logLik === null ? '–' : formatNumber(fit.logLik, 'statistic'), true),
      ],
    })),
    ...(grouping.fits.some((fit) => fit.rule === 'best') ? { note: 'Shaded: the best table of each study is chosen on its observed accuracy, so this row is optimistic.' } : {}),
  };
}

/** Heterogeneity rows of a nested model: the between-study and the within-study components. */
export function levelRows(pooled: PooledResult): { label: string; value: string }[] {
  const levels = pooled.model.levels;
  if (!levels) return [];
  const text = (l: NonNullable<typeof levels>['study']) =>
    `τ² ${formatNumber(l.tau2.sens, 'variance')} (sensitivity), ${formatNumber(l.tau2.spec, 'variance')} (specificity); ρ ${l.rho === null ? 'not estimable' : formatNumber(l.rho, 'correlation')}`;
  return [
    { label: 'Between studies (study random effects)', value: text(levels.study) },
    { label: 'Within studies (between the tables of a study)', value: text(levels.table) },
  ];
}
