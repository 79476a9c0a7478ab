/**
 * Publication bias (Deeks), outliers and influence (bivariate box plot, standardised residuals,
 * Cook's distance, leave-one-out) and sensitivity analyses (side by side with the main analysis).
 */
import { noteMessage } from '../../messages.ts';
import { formatCountOf, formatInterval, formatLevel, formatNumber, formatPStatement } from '../../format/numbers.ts';
import type { PooledResult } from '../../results/pooled.ts';
import type { AnalysisResults } from '../../results/types.ts';
import { cell, type Block, type Numbering, type SectionView, type TableView } from '../model.ts';

export function publicationBiasSection(results: AnalysisResults, figures: Block[]): SectionView | undefined {
  const deeks = results.deeks;
  if (!deeks) return undefined;
  const correction = deeks.correction.correctedStudies.length;
  return {
    id: 'publication-bias',
    title: 'Publication bias',
   
    blocks: [
      {
        paragraph: deeks.notEstimable
          ? `Deeks' funnel-plot asymmetry test [@deeks2005] (k = ${deeks.k}): ${noteMessage({ code: 'deeks-not-estimable', detail: { reason: deeks.notEstimable } })}. No conclusion about small-study effects can be drawn from it.`
          : `Deeks' funnel-plot asymmetry test [@deeks2005]: weighted regression of ln DOR on 1/√ESS (k = ${deeks.k}): slope ${formatNumber(deeks.slope, 'statistic')} (SE ${formatNumber(deeks.slopeSe, 'statistic')}), t = ${formatNumber(deeks.slopeT, 'statistic')} with ${deeks.df} df, ${formatPStatement(deeks.slopeP)}; intercept ${formatNumber(deeks.intercept, 'statistic')}. ${correction > 0 ? `0.5 was added to the cells of ${formatCountOf(correction, 'table')} with a zero cell (${deeks.correction.policy} correction).` : 'No table had a zero cell.'} ${deeks.slopeP < 0.1 ? 'The test suggests small-study effects (p < 0.10).' : 'The test does not suggest small-study effects (p ≥ 0.10); with few studies it has little power.'}`,
      },
      ...figures,
    ],
  };
}

function compare(label: string, pooled: PooledResult, k: number) {
  const auc = pooled.auc && pooled.auc.est !== null && pooled.auc.lo !== null && pooled.auc.hi !== null ? formatInterval({ est: pooled.auc.est, lo: pooled.auc.lo, hi: pooled.auc.hi }) : '–';
  return {
    flag: false,
    cells: [
      cell(label),
      cell(String(k), true),
      cell(formatInterval(pooled.summary.sens), true),
      cell(formatInterval(pooled.summary.spec), true),
      cell(formatInterval(pooled.summary.dor, 'ratio'), true),
      cell(auc, true),
    ],
  };
}

function sensitivityTable(results: AnalysisResults, numbering: Numbering): TableView | undefined {
  const analyses = results.influence.sensitivity;
  if (analyses.length === 0) return undefined;
  const rows = [compare('All tables (main analysis)', results.pooled, results.k)];
  const notes: string[] = [];
  for (const analysis of analyses) {
    const label = analysis.reason === 'outliers' ? 'Without bivariate box-plot outliers' : 'Without the tables listed in the spec';
    rows.push(compare(label, analysis.pooled, analysis.pooled.model.k));
    notes.push(`${label}: left out ${analysis.excluded.map((i) => results.studies[i]!.label).join('; ')}.`);
  }
  return {
    id: 'table-sensitivity',
    number: numbering.nextTable(),
    title: 'Sensitivity analyses',
    caption: `Pooled estimates (${formatLevel(results.level)} CI) of the main analysis and after leaving out tables (${results.pooled.model.label}).`,
    columns: [
      { label: 'Analysis', numeric: false },
      { label: 'k', numeric: true },
      { label: 'Sensitivity', numeric: true },
      { label: 'Specificity', numeric: true },
      { label: 'DOR', numeric: true },
      { label: 'AUC', numeric: true },
    ],
    rows,
    note: notes.join(' '),
  };
}

function influenceTable(results: AnalysisResults, numbering: Numbering): TableView | undefined {
  const rows = results.influence.studies;
  if (rows.every((r) => r.residual === null && r.leaveOneOut === null)) return undefined;
  const level = formatLevel(results.level);
  // grouped model: leave-one-out leaves out a whole study (all its tables)
  const left = results.influence.leaveOneOutUnit === 'study' ? 'study of the table (all its tables)' : 'table';
  return {
    id: 'table-influence',
    number: numbering.nextTable(),
    title: 'Outliers and influence',
    caption: `Standardised residual: squared Mahalanobis distance D² of the table's logits from the pooled mean under Σ̂ + Sᵢ (Σ̂, between-study covariance; Sᵢ, the table's within-study covariance; χ²₂; flagged at p < 0.05/k). Cook's distance: change of the pooled logits when the ${left} is left out, scaled by their covariance (as metafor [@viechtbauer2010influence; @metafor]). Leave-one-out: pooled sensitivity and specificity (${level} CI) without the ${left}. Fence: outside the bivariate box plot's fence.`,
    columns: [
      { label: 'Left out', numeric: false },
      { label: 'D² (p)', numeric: true },
      { label: "Cook's D", numeric: true },
      { label: 'Sensitivity without', numeric: true },
      { label: 'Specificity without', numeric: true },
      { label: 'Fence', numeric: false },
    ],
    rows: rows.map((r) => ({
      flag: r.outsideFence || (r.residual?.flagged ?? false),
      cells: [
        cell(results.studies[r.study]!.label),
        cell(r.residual ? `${formatNumber(r.residual.d2, 'statistic')} (${formatPStatement(r.residual.p).replace(/^p = /, '').replace(/^p /, '')})` : '–', true),
        cell(r.leaveOneOut ? formatNumber(r.leaveOneOut.cooksDistance, 'statistic') : '–', true),
        cell(r.leaveOneOut ? formatInterval(r.leaveOneOut.sens) : '–', true),
        cell(r.leaveOneOut ? formatInterval(r.leaveOneOut.spec) : '–', true),
        cell(r.outsideFence ? 'outside' : ''),
      ],
    })),
    note: 'Shaded: outside the fence or flagged residual.',
  };
}

export function influenceSection(results: AnalysisResults, numbering: Numbering, figures: { boxplot: Block[]; leaveOneOut: () => Block[] }): SectionView | undefined {
  const blocks: Block[] = [...(results.influence.notes ?? []).map((note) => ({ warning: noteMessage(note) })), ...figures.boxplot];
  const sensitivity = sensitivityTable(results, numbering);
  if (sensitivity) blocks.push({ table: sensitivity });
  const influence = influenceTable(results, numbering);
  if (influence) blocks.push({ table: influence });
  if (results.influence.leaveOneOutSkipped === 'too-many-studies') blocks.push({ paragraph: `Leave-one-out refits were skipped: with ${results.k} tables they would take k refits of k tables each.` });
  blocks.push(...figures.leaveOneOut());
  if (blocks.length === 0) return undefined;
  return { id: 'influence', title: 'Outliers, influence and sensitivity analyses', blocks };
}

export function clinicalSection(results: AnalysisResults, figures: Block[]): SectionView | undefined {
  if (figures.length === 0) return undefined;
  return { id: 'clinical', title: 'Clinical utility and further forest plots', blocks: figures };
}
