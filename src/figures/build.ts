/**
 * Stage 4 entry: results → the report's figures (Vega-Lite spec, SVG, PNG, data CSV) with their
 * titles and captions. `planFigures` decides which figures exist and writes their captions (numbers
 * formatted by src/format/numbers.ts, never computed); `buildFigures` renders them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatCountOf, formatLevel, formatPercent, formatPStatement } from '../format/numbers.ts';
import type { AnalysisResults } from '../results/types.ts';
import { defaultFigureNames, type AnalysisSpec } from '../spec/schema.ts';
import { bivariateBoxplotSpec } from './bivariate-boxplot.ts';
import { deeksSpec } from './deeks.ts';
import { faganSpec } from './fagan.ts';
import { forestSpec, paginateForest } from './forest.ts';
import { accuracyForestSpec } from './accuracy-forest.ts';
import { accuracyForestInput, boxplotInput, deeksInput, faganInput, forestInput, leaveOneOutInput, lrScattergramInput, metaRegressionInput, proportionI2Definition, srocInput, univariateForestInput } from './inputs.ts';
import { leaveOneOutSpec } from './leave-one-out.ts';
import { cumulativeSpec, studyWithYear } from './cumulative.ts';
import { lrScattergramSpec } from './lr-scattergram.ts';
import { metaRegressionSpec } from './meta-regression.ts';
import { naturalFrequencyInput, naturalFrequencySpec } from './natural-frequencies.ts';
import { prismaSpec } from './prisma.ts';
import { quadasSummarySpec, quadasTrafficLightSpec } from './quadas.ts';
import { renderFigureDeferred } from './render.ts';
import { srocSpec } from './sroc.ts';
import { splitRows } from './paginate.ts';
import { FIGURE_MAX_HEIGHT } from './theme.ts';
import { univariateForestSpec } from './univariate-forest.ts';
import type { OnProgress } from '../results/progress.ts';
import { csvField } from '../format/csv.ts';

export interface BuiltFigure {
  /** file stem and HTML id, e.g. "forest" */
  id: string;
  title: string;
  caption: string;
  vegaLite: TopLevelSpec;
  svg: string;
  /** drawn by a rasterising worker while the pipeline goes on (src/figures/rasterize.ts) */
  png: Promise<Uint8Array>;
  /** the data behind the figure as CSV (the first inline dataset of the spec) */
  csv: string;
  warnings: string[];
}

type DataRow = Record<string, string | number | boolean | null>;

/** A figure before rendering, with the data behind it (exported as CSV next to the figure). */
export interface FigurePlan {
  id: string;
  title: string;
  caption: string;
  vegaLite: TopLevelSpec;
  data?: DataRow[];
}

const interval = (prefix: string, i: { est: number; lo: number; hi: number }): DataRow => ({ [prefix]: i.est, [`${prefix}_lo`]: i.lo, [`${prefix}_hi`]: i.hi });

/**
 * One figure, or several parts (ids <id>-1, <id>-2, …) that each fit a printed page, for
 * row-based figures; `make(rows, last)` builds the spec of one part (summary rows go on the last).
 */
function paginate<T>(plan: Omit<FigurePlan, 'vegaLite' | 'data'>, rows: readonly T[], make: (rows: T[], last: boolean) => TopLevelSpec, data: (rows: T[]) => DataRow[], maxHeight: number): FigurePlan[] {
  const chunks = splitRows(rows.length, (start, end, last) => make(rows.slice(start, end), last), maxHeight);
  if (chunks.length === 1) return [{ ...plan, vegaLite: make([...rows], true), data: data([...rows]) }];
  return chunks.map(([start, end], i) => {
    const chunk = rows.slice(start, end);
    const last = i === chunks.length - 1;
    return {
      id: `${plan.id}-${i + 1}`,
      title: `${plan.title} (part ${i + 1} of ${chunks.length})`,
      caption: last ? plan.caption : `Rows ${start + 1}–${end} of ${rows.length}; continued on the next page.`,
      vegaLite: make(chunk, last),
      data: data(chunk),
    };
  });
}

/**
 * The sentence naming the I² printed on the sensitivity and specificity forest plots (one
 * definition per figure; see proportionI2Definition in inputs.ts).
 */
function proportionHeterogeneitySentence(results: AnalysisResults, measure: 'sensitivity' | 'specificity' | 'both'): string {
  const of = measure === 'both' ? 'logit sensitivity and logit specificity' : `logit ${measure}`;
  switch (proportionI2Definition(results)) {
    case 'zhou-dendukuri':
      return ` Heterogeneity: τ², the between-study variance of ${of} in the bivariate model; I², the Zhou–Dendukuri I² of the bivariate model, τ²/(τ² + σ²) with σ² the typical within-study variance of ${of} [@zhou2014], the I² of the heterogeneity table.`;
    case 'univariate-reml':
      return ` Heterogeneity: τ², the between-study variance of ${of} in its univariate REML pool; I², τ²/(τ² + s²) with s² the typical within-study variance [@higgins2002], as metafor computes it [@metafor].`;
    default:
      return '';
  }
}

/** The sentences saying which pooled estimates a DOR or LR forest plot draws and whose Q, I² and τ² it prints. */
function ratioForestPooledSentence(results: AnalysisResults, name: 'DOR' | 'LR+' | 'LR−'): string {
  const pooled = results.pooled;
  const level = formatLevel(results.level);
  const i2 = `Under the plot: Cochran's Q with its p-value, I² and τ² of the univariate REML pool: I² = τ²/(τ² + s²), s² the typical within-study variance [@higgins2002], as metafor computes it [@metafor].`;
  if (pooled.model.method === 'univariate') {
    return ` Diamond and dashed line: univariate random-effects pool (REML) with its ${level} CI, the value of the summary table (fewer than 4 tables: no bivariate model). ${i2}`;
  }
  return ` Diamonds: the summary ${name} of the bivariate model (${pooled.model.label}; dashed line) with its ${level} CI, the value of the summary table, and, in grey for comparison, the univariate random-effects pool (REML) of ln ${name}, which ignores the correlation between sensitivity and specificity. ${i2}`;
}

export function planFigures(results: AnalysisResults, spec: AnalysisSpec): FigurePlan[] {
  const wanted = new Set<string>(spec.figures ?? defaultFigureNames);
  const maxHeight = FIGURE_MAX_HEIGHT[spec.output.paper];
  const level = formatLevel(results.level);
  const pooled = results.pooled;
  const plans: FigurePlan[] = [];
  const add = (name: string, plan: () => FigurePlan | FigurePlan[] | undefined): void => {
    if (!wanted.has(name)) return;
    const made = plan();
    if (made) plans.push(...(Array.isArray(made) ? made : [made]));
  };

  add('prisma', () =>
    results.prisma
      ? {
          id: 'prisma',
          title: 'PRISMA 2020 flow diagram',
          caption: `Identification, screening and inclusion of studies (PRISMA 2020 flow diagram [@page2021]), from the counts in the analysis spec; symbols are explained under the diagram.${results.prisma.updated ? ' Updated review: studies from the previous version are shown on the left.' : ''}${results.prisma.note ? ` ${results.prisma.note}` : ''}`,
          vegaLite: prismaSpec(results.prisma),
        }
      : undefined,
  );

  for (const measure of ['sensitivity', 'specificity'] as const) {
    add(`forest-${measure}`, () => {
      const input = accuracyForestInput(results, measure);
      const arm = measure === 'sensitivity' ? 'diseased participants (TP + FN)' : 'non-diseased participants (TN + FP)';
      const caption = `${measure === 'sensitivity' ? 'Sensitivity' : 'Specificity'} of each 2x2 table (k = ${results.k}) with its exact (Clopper–Pearson) ${level} confidence interval, after the table's true positives (TP), false positives (FP), false negatives (FN) and true negatives (TN). Square area is proportional to the number of ${arm}. ${input.pooled ? `Diamond and dashed line: pooled ${measure} (${pooled.model.label}) with its ${level} CI, the value of the summary table.` : `No pooled ${measure} (not estimable).`}${proportionHeterogeneitySentence(results, measure)}`;
      const title = `Forest plot of ${measure}`;
      const largestN = Math.max(0, ...input.studies.map((st) => st.n));
      return paginate(
        { id: `forest-${measure}`, title, caption },
        input.studies,
        (rows, last) => {
          const { pooled: pooledRow, heterogeneity, ...rest } = input;
          return accuracyForestSpec({
            ...rest,
            studies: rows,
            largestN,
            ...(last && pooledRow ? { pooled: pooledRow } : {}),
            ...(!last && pooledRow ? { reference: pooledRow.estimate.est } : {}),
            ...(last && heterogeneity ? { heterogeneity } : {}),
          });
        },
        (rows) => rows.map((st) => ({ number: st.number, study: st.label, ...st.counts, ...interval(measure, st.estimate) })),
        maxHeight,
      );
    });
  }

  add('forest', () => {
    const heterogeneity = proportionHeterogeneitySentence(results, 'both').replace(' Heterogeneity:', ' Under each panel:');
    const caption = `Each row is one 2x2 table (k = ${results.k}). Squares mark the study's sensitivity (left) and specificity (right), with area proportional to the number of diseased and non-diseased participants; horizontal lines are exact (Clopper–Pearson) ${level} confidence intervals, also given as numbers beside each panel. The diamond is the pooled estimate (${pooled.model.label}) with its ${level} CI, the value of the summary table; the vertical line marks it.${heterogeneity}`;
    const input = forestInput(results);
    const data = results.studies.map((st) => ({ number: st.number, study: st.label, ...st.counts, ...interval('sensitivity', st.sens), ...interval('specificity', st.spec) }));
    const part = (start: number, end: number, last: boolean) => {
      const { pooled: _pooled, heterogeneity: _heterogeneity, note: _note, ...middle } = paginateForest(input, [[start, end]])[0]!;
      return forestSpec(last ? paginateForest(input, [[start, end]])[0]! : middle);
    };
    const chunks = splitRows(input.rows.length, part, maxHeight);
    if (chunks.length === 1) return { id: 'forest', title: 'Paired forest plot of sensitivity and specificity', caption, vegaLite: forestSpec(input), data };
    const pages = paginateForest(input, chunks);
    return pages.map((page, i) => ({
      id: `forest-${i + 1}`,
      title: `Paired forest plot of sensitivity and specificity (part ${i + 1} of ${pages.length})`,
      caption: i === pages.length - 1 ? caption : `Rows ${chunks[i]![0] + 1}–${chunks[i]![1]} of ${results.k}; continued on the next page. The pooled row is on the last part.`,
      vegaLite: forestSpec(page),
      data: data.slice(chunks[i]![0], chunks[i]![1]),
    }));
  });

  add('sroc', () => {
    const input = srocInput(results);
    if (!input) return undefined;
    const critical = pooled.regions?.critical === 'F' ? 'the F-based critical value √(2·F(2, k−2)) of metandi and midas' : 'the χ²-based critical value √χ²₂ of mada';
    return {
      id: 'sroc',
      title: 'Summary ROC curve',
      caption: `Circles: studies (area proportional to sample size). Filled marker: summary operating point (${pooled.model.label}). Dashed line: ${level} confidence region of the summary point; dotted line: ${level} prediction region for a new study; both regions use ${critical}. Solid line: SROC curve implied by the bivariate parameters in the Rutter–Gatsonis form [@rutter2001; @harbord2007], ${pooled.sroc?.observed ? `over the observed false-positive rates (as mada and metandi draw it)${results.options.srocRange === 'full' ? '; thin dashed line: the same curve extrapolated to the full range' : ''}` : 'over the full range'}; the legend gives the AUC over the full range (extrapolated beyond the observed false-positive rates) with its CI, by ${pooled.auc?.method ?? 'no interval method'}; the partial AUC over the observed range is in the summary table.`,
      vegaLite: srocSpec(input),
      data: input.studies.map((st) => ({ study: st.label ?? '', sensitivity: st.sens, specificity: st.spec, n: st.n })),
    };
  });

  add('meta-regression', () => {
    const input = metaRegressionInput(results);
    if (!input) return undefined;
    return {
      id: 'meta-regression',
      title: 'Univariable meta-regression and subgroup analyses',
      caption: `Pooled sensitivity (left) and specificity (right) with ${level} CIs in each subgroup (separate fits per subgroup; univariate pooling where a subgroup has fewer than 4 tables). Vertical lines: all studies. LRT p: likelihood-ratio test of the bivariate meta-regression against the model without the covariate; Wald p: test of the covariate's effect on that measure.`,
      vegaLite: metaRegressionSpec(input),
      data: input.covariates.flatMap((c) => c.levels.map((l) => ({ covariate: c.name, level: l.label, k: l.k, ...interval('sensitivity', l.sens), ...interval('specificity', l.spec), lrt_p: c.lrtP ?? null }))),
    };
  });

  add('deeks', () => {
    const input = deeksInput(results);
    if (!input || !results.deeks) return undefined;
    return {
      id: 'deeks',
      title: "Deeks' funnel plot asymmetry test",
      caption: `Deeks' funnel plot [@deeks2005]: diagnostic odds ratio of each table (log scale; 0.5 added to the cells of tables with a zero cell) against 1/√ESS (effective sample size). Dashed line: weighted regression of ln DOR on 1/√ESS (weights ESS). ${results.deeks.notEstimable ? 'The test is not estimable for these tables (no regression line)' : `Slope test ${formatPStatement(results.deeks.slopeP)} (t with ${results.deeks.df} df)`}; P < 0.10 is usually read as evidence of small-study effects. Point numbers are the row numbers (#) of the study table.`,
      vegaLite: deeksSpec(input),
      data: input.studies.map((st) => ({ number: st.number, study: st.label, dor: st.dor, inv_sqrt_ess: st.invSqrtEss })),
    };
  });

  add('bivariate-boxplot', () => {
    const input = boxplotInput(results);
    if (!input) return undefined;
    const outliers = input.studies.filter((s) => s.outlier).length;
    const outside = outliers === 0 ? 'No table lies outside the fence.' : `${outliers === 1 ? 'One table lies' : `${formatCountOf(outliers, 'table')} lie`} outside the fence (filled, labelled with row number and name); the sensitivity analysis leaves ${outliers === 1 ? 'it' : 'them'} out.`;
    return {
      id: 'bivariate-boxplot',
      title: 'Bivariate box plot',
      caption: `Logit sensitivity against logit specificity of each table (continuity-corrected), with the robust hinge (inner region) and fence (outer region, 1.58 × hinge) of the bivariate box plot [@goldberg1992] as Stata midas draws it [@midas]. Point numbers are the row numbers (#) of the study table. ${outside}`,
      vegaLite: bivariateBoxplotSpec(input),
      data: input.studies.map((st) => ({ number: st.number, study: st.label, logit_sensitivity: st.logitSens, logit_specificity: st.logitSpec, outside_fence: st.outlier ?? false })),
    };
  });

  add('forest-dor', () => {
    const input = univariateForestInput(results, 'logDor');
    if (!input) return undefined;
    const { pooled: pooledRow, heterogeneity, ...rest } = input;
    return paginate(
      {
        id: 'forest-dor',
        title: 'Forest plot of the diagnostic odds ratio',
        caption: `DOR of each table with its ${level} CI (log-scale Wald interval; 0.5 added to the cells of tables with a zero cell); square area proportional to the table's weight in the univariate random-effects pool.${ratioForestPooledSentence(results, 'DOR')}`,
      },
      input.studies,
      (rows, last) => univariateForestSpec({ ...rest, studies: rows, ...(last && pooledRow ? { pooled: pooledRow } : {}), ...(last && heterogeneity ? { heterogeneity } : {}) }),
      (rows) => rows.map((st) => ({ study: st.label, ...interval('dor', st.estimate), weight_percent: st.weight ?? null })),
      maxHeight,
    );
  });

  add('forest-lr', () =>
    (['logLrPos', 'logLrNeg'] as const).flatMap((which) => {
      const input = univariateForestInput(results, which);
      const name = which === 'logLrPos' ? 'positive' : 'negative';
      if (!input) return [];
      const { pooled: pooledRow, heterogeneity, ...rest } = input;
      return paginate(
        {
          id: `forest-lr-${name}`,
          title: `Forest plot of the ${name} likelihood ratio`,
          caption: `LR${which === 'logLrPos' ? '+' : '−'} of each table with its ${level} CI (log-scale Wald interval; 0.5 added to the cells of tables with a zero cell); square area proportional to the table's weight in the univariate random-effects pool.${ratioForestPooledSentence(results, which === 'logLrPos' ? 'LR+' : 'LR−')}`,
        },
        input.studies,
        (rows, last) => univariateForestSpec({ ...rest, studies: rows, ...(last && pooledRow ? { pooled: pooledRow } : {}), ...(last && heterogeneity ? { heterogeneity } : {}) }),
        (rows) => rows.map((st) => ({ study: st.label, ...interval(`lr_${name}`, st.estimate), weight_percent: st.weight ?? null })),
        maxHeight,
      );
    }),
  );

  add('fagan', () => {
    const input = faganInput(results);
    if (!input || !results.fagan) return undefined;
    const f = results.fagan;
    return {
      id: 'fagan',
      title: 'Fagan nomogram',
      caption:
        (f.priors ?? []).length > 1
          ? `Fagan's nomogram [@fagan1975]. Pre-test probabilities: the prevalences of the summary of findings. ${f.priors
              .map((p) => `${p.label}: at ${formatPercent(p.prior, true)}, a positive result raises it to ${formatPercent(p.postPositive.est, true)} (${formatPercent(p.postPositive.lo, true)}–${formatPercent(p.postPositive.hi, true)} over the LR+ CI) and a negative result lowers it to ${formatPercent(p.postNegative.est, true)} (${formatPercent(p.postNegative.lo, true)}–${formatPercent(p.postNegative.hi, true)}).`)
              .join(' ')} Summary likelihood ratios from the bivariate model.`
          : `Fagan's nomogram [@fagan1975]. Pre-test probability ${formatPercent(f.prior, true)}, ${f.priorSource === 'spec' ? 'from the analysis spec' : f.priorSource === 'findings' ? (f.priors?.[0]?.label ?? 'the summary-of-findings prevalence') : 'the pooled prevalence of the included studies'}. A positive result raises it to ${formatPercent(f.postPositive.est, true)} (${formatPercent(f.postPositive.lo, true)}–${formatPercent(f.postPositive.hi, true)} over the LR+ CI); a negative result lowers it to ${formatPercent(f.postNegative.est, true)} (${formatPercent(f.postNegative.lo, true)}–${formatPercent(f.postNegative.hi, true)}). Summary likelihood ratios from the bivariate model.`,
      vegaLite: faganSpec(input),
      data: (f.priors ?? [{ prior: f.prior, label: '', postPositive: f.postPositive, postNegative: f.postNegative }]).map((p) => ({ prior: p.prior, label: p.label, ...interval('lr_positive', f.lrPositive), ...interval('post_test_positive', p.postPositive), ...interval('lr_negative', f.lrNegative), ...interval('post_test_negative', p.postNegative) })),
    };
  });

  add('lr-scattergram', () => {
    const input = lrScattergramInput(results);
    return input
      ? {
          id: 'lr-scattergram',
          title: 'Likelihood-ratio scattergram',
          caption: `LR+ against LR− of each table (log scales) with the summary point and its ${level} CIs. Quadrants at LR+ = 10 and LR− = 0.1 [@stengel2003], as midas lrmatrix draws them [@midas]: upper left, exclusion and confirmation; upper right, confirmation only; lower left, exclusion only; lower right, neither.${input.prevalences ? ' Under the legend: the post-test probabilities the summary LRs give at each prevalence of the summary of findings.' : ''}`,
          vegaLite: lrScattergramSpec(input),
          data: input.studies.map((st) => ({ study: st.label, lr_positive: st.lrPositive, lr_negative: st.lrNegative })),
        }
      : undefined;
  });

  add('leave-one-out', () => {
    const input = leaveOneOutInput(results);
    if (!input) return undefined;
    return paginate(
      {
        id: 'leave-one-out',
        title: 'Leave-one-out sensitivity analysis',
        caption: `Pooled sensitivity and specificity (${pooled.model.label}) refitted without each ${results.influence.leaveOneOutUnit === 'study' ? 'study (all its 2x2 tables)' : 'table'} in turn. Shaded band and dashed line: estimate and ${level} CI with all tables; highlighted estimates fall outside that CI.`,
      },
      input.rows,
      (rows) => leaveOneOutSpec({ ...input, rows }),
      (rows) => rows.map((r) => ({ omitted: r.omitted, ...interval('sensitivity', r.sens), ...interval('specificity', r.spec) })),
      maxHeight,
    );
  });

  add('cumulative', () => {
    const analyses = [results.cumulative?.byYear, results.cumulative?.bySearch].filter((a): a is NonNullable<typeof a> => a !== null && a !== undefined && a.steps.length > 1);
    return analyses.map((analysis) => {
      const bySearch = analysis.order === 'search';
      return {
        id: bySearch ? 'cumulative-search' : 'cumulative',
        title: bySearch ? 'Cumulative meta-analysis by search' : 'Cumulative meta-analysis by publication year',
        caption: `Pooled sensitivity and specificity (${level} CI) as ${bySearch ? 'each literature search added studies' : 'studies accrue in order of publication'}; each row pools every table up to and including it [@lau1992]: ${pooled.model.label} from 4 tables on, univariate pooling before. Vertical lines: all tables.${analysis.unplaced.length > 0 ? ` Not placed (no publication year): ${analysis.unplaced.join('; ')}.` : ''}`,
        vegaLite: cumulativeSpec({
          level: results.level,
          steps: analysis.steps.map((step) => ({
            added: step.search ? { searchDate: step.search.date } : { study: step.study ?? step.groups.join(', '), ...(step.year !== undefined ? { year: step.year } : {}) },
            k: step.k,
            ...(step.sens ? { sens: step.sens } : {}),
            ...(step.spec ? { spec: step.spec } : {}),
          })),
        }),
        data: analysis.steps.map((step) => ({
          step: step.search ? `search ${step.search.date}` : studyWithYear(step.study ?? step.groups.join(', '), step.year),
          tables: step.k,
          studies: step.studies,
          method: step.method,
          ...(step.sens ? interval('sensitivity', step.sens) : {}),
          ...(step.spec ? interval('specificity', step.spec) : {}),
        })),
      };
    });
  });

  add('quadas', () => {
    if (!results.quadas) return undefined;
    const labels = quadasLabels(results);
    const standIn = results.quadas.provenance === 'stand-in';
    const note = standIn ? 'STAND-IN judgements: they match only the totals reported in the paper, not the real per-study ratings.' : undefined;
    return [
      {
        id: 'quadas-traffic-light',
        title: 'QUADAS-2 risk of bias and applicability concerns per study',
        caption: `QUADAS-2 [@whiting2011] judgements per study and domain: + low, − high, ? unclear.${standIn ? ' These judgements are a stand-in (see the note in the figure).' : ''}`,
        vegaLite: quadasTrafficLightSpec(results.quadas.data, { labels, ...(note ? { note } : {}) }),
      },
      {
        id: 'quadas-summary',
        title: 'QUADAS-2 summary',
        caption: `Proportion of studies with low, high and unclear risk of bias and applicability concerns per domain (${results.quadas.data.studies.length} studies).${standIn ? ' Stand-in judgements.' : ''}`,
        vegaLite: quadasSummarySpec(results.quadas.data, results.quadas.counts, { ...(note ? { note } : {}) }),
      },
    ];
  });
  add('natural-frequencies', () => {
    const input = naturalFrequencyInput(results);
    if (!input || !results.findings) return undefined;
    return {
      id: 'natural-frequencies',
      title: `Natural frequencies per ${formatCount(input.per)} people tested`,
      caption: `For each prevalence of the summary of findings, ${formatCount(input.per)} people tested: true positives and false negatives (people with ${input.condition}), then false positives and true negatives (people without), from the pooled sensitivity and specificity (${pooled.model.label}). Point estimates; their ${level} CIs are in the summary-of-findings table.${results.provenance.status !== 'real' ? ' The counts rest on stand-in data (see Data provenance).' : ''}`,
      vegaLite: naturalFrequencySpec(input),
      data: results.findings.frequencies.map((f, i) => ({
        prevalence: f.prevalence,
        label: results.findings!.prevalences[i]!.label,
        source: results.findings!.prevalences[i]!.source,
        per: f.per,
        ...interval('true_positives', f.truePositives),
        ...interval('false_negatives', f.falseNegatives),
        ...interval('true_negatives', f.trueNegatives),
        ...interval('false_positives', f.falsePositives),
      })),
    };
  });
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

/**
 * Rows as CSV, for authors who re-plot the figure: RFC 4180 (CRLF line ends; fields with a comma,
 * quote, CR or LF in double quotes, quotes doubled), and text that a spreadsheet would run as a
 * formula (a study label "=HYPERLINK(…)", "+cmd", "@SUM(1)") neutralised with a leading '.
 */
export function rowsToCsv(rows: readonly DataRow[]): string {
  if (rows.length === 0) return '';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return `${[columns.map(csvField).join(','), ...rows.map((row) => columns.map((c) => csvField(row[c])).join(','))].join('\r\n')}\r\n`;
}

/**
 * Every figure as SVG (one after another on this thread); the PNGs are drawn meanwhile by the
 * rasterising workers and arrive as promises, so the caller can go on to the document and the PDF.
 * `png: false` skips the rasters (the preview shows inline SVG only); `onProgress` hears which
 * figure is being laid out.
 */
export async function buildFigures(results: AnalysisResults, spec: AnalysisSpec, options: { maxPngPixels?: number; png?: boolean; onProgress?: OnProgress } = {}): Promise<BuiltFigure[]> {
  const figures: BuiltFigure[] = [];
  const plans = planFigures(results, spec);
  for (const [index, plan] of plans.entries()) {
    options.onProgress?.({ stage: 'figures', detail: plan.id, done: index, total: plans.length });
    const rendered = await renderFigureDeferred(plan.vegaLite, { dpi: spec.output.dpi, id: plan.id, ...(options.maxPngPixels !== undefined ? { maxPixels: options.maxPngPixels } : {}), ...(options.png === false ? { png: false } : {}) });
    rendered.png.catch(() => undefined); // awaited by the caller; never an unhandled rejection meanwhile
    figures.push({ ...plan, svg: rendered.svg, png: rendered.png, csv: rowsToCsv(plan.data ?? []), warnings: rendered.warnings });
  }
  return figures;
}
