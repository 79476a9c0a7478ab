/**
 * The analysis spec (`analyses/<name>/analysis.yaml`): one zod schema that is at the same time the
 * validator, the TypeScript type (`AnalysisSpec`) and, via `npm run schema`, the JSON Schema in
 * `schema/analysis.schema.json` that editors use for autocompletion. Keys are snake_case.
 */
import { z } from 'zod';

const text = z.string().min(1);

const interval = z
  .object({
    est: z.number(),
    lo: z.number(),
    hi: z.number(),
  })
  .strict()
  .describe('A point estimate with its 95% CI');

const provenance = z
  .object({
    status: z
      .enum(['real', 'partly-simulated', 'simulated', 'incomplete'])
      .describe('Whether the 2x2 counts are real (as published), partly simulated or simulated. Shown prominently in the report.'),
    column: text.optional().describe('Data column holding a per-row provenance label (e.g. extracted / simulated)'),
    note: text.optional().describe('Where the data come from; printed in the report'),
  })
  .strict();

const data = z
  .object({
    file: text.describe('CSV or XLSX file with one 2x2 table per row (columns study/tp/fp/fn/tn, case-insensitive)'),
    sheet: text.optional().describe('Worksheet name for .xlsx files (default: the first sheet)'),
    label: text
      .optional()
      .describe('Template for study labels from columns, e.g. "{first_author} {year}, {model}". A placeholder in parentheses whose value has parentheses of its own is written after a comma instead of nesting them; an empty one leaves no "()". Default: the study column'),
    group: text.optional().describe('Column identifying the publication when a study reports several 2x2 tables'),
    shared_test_set: z
      .array(text)
      .optional()
      .describe('Studies (values of the data.group column) whose 2x2 tables were all computed on one set of participants, e.g. several models on one test set: their participants are counted once'),
    provenance: provenance.optional(),
  })
  .strict();

const covariate = z
  .object({
    label: text.optional().describe('Display name, e.g. "Image type"'),
    type: z.enum(['categorical', 'continuous']).optional().describe('Default: categorical unless all values are numeric'),
    levels: z
      .record(z.string(), text)
      .optional()
      .describe('Allowed levels (data value -> display label), in display order; other values are reported as errors'),
    reference: text.optional().describe('Reference level for meta-regression (default: the first level)'),
  })
  .strict();

const model = z
  .object({
    method: z
      .enum(['glmm', 'reitsma'])
      .default('glmm')
      .describe('glmm = bivariate binomial GLMM (ML, as midas/metandi/glmer); reitsma = normal approximation (REML, as mada)'),
    quadrature: z
      .number()
      .int()
      .min(1)
      .max(41)
      .default(7)
      .describe('Adaptive Gauss-Hermite points per random effect: 1 = Laplace (glmer), 5 = metandi, 7 = midas'),
    nodes: z
      .enum(['upper', 'lower'])
      .optional()
      .describe('Orientation of the quadrature grid (2 or more points): upper = upper-triangular square root of the conditional covariance of the random effects, as Stata places the nodes for metandi (reproduces its printed digits); lower = lower Cholesky factor, as Stata places them for midas and as the R reference. Default: upper at 5 points (metandi), lower otherwise'),
    sroc_range: z
      .enum(['observed', 'full'])
      .default('observed')
      .describe('SROC figure: the curve over the observed false-positive rates (as mada and metandi), or also over the full range, drawn thin and labelled as extrapolated'),
    correction: z
      .enum(['single', 'all', 'none'])
      .default('single')
      .describe('Continuity correction for study-level logits/LRs/DOR, Deeks and Reitsma: single = studies with a zero cell (midas), all = every study if any zero (mada)'),
    correction_value: z.number().positive().max(1).default(0.5),
    region: z
      .enum(['F', 'chi2'])
      .default('F')
      .describe('Critical value of confidence/prediction regions: F (metandi/midas) or chi2 (mada)'),
    level: z.number().gt(0.5).lt(1).default(0.95).describe('Confidence level'),
    auc_ci: z.enum(['delta', 'bootstrap']).default('delta').describe('Method of the real 95% CI of the AUC: delta method on the fitted parameters, or parametric bootstrap (slower; used automatically when the delta method is not available)'),
    bootstrap: z.number().int().min(100).max(100000).default(1000).describe('Parametric bootstrap replicates for the AUC CI'),
    seed: z.number().int().nonnegative().default(20231201).describe('Random seed (bootstrap); recorded in the manifest'),
    compat: z
      .enum(['none', 'midas'])
      .default('none')
      .describe('midas: also show the values Stata midas would print (its AUC "CI", forest I2), labelled as such'),
    structure: z
      .enum(['independent', 'shared', 'nested'])
      .optional()
      .describe('How the GLMM treats several 2x2 tables of one study (data.group): independent (every table its own study), shared (the tables of a study share one random-effect pair, as Stata `|| study_id:`) or nested (study and table-within-study random effects). Default: nested when data.group is given, else independent'),
  })
  .strict();

const prismaCount = z.number().int().nonnegative();

/** PRISMA 2020 flow counts of one search (all optional: unknown counts are shown as such). */
const prismaCounts = {
  databases: z
    .array(z.object({ name: text, records: prismaCount.optional() }).strict())
    .optional()
    .describe('Databases searched, with the records found in each'),
  registers: z
    .array(z.object({ name: text, records: prismaCount.optional() }).strict())
    .optional()
    .describe('Trial registers searched, with the records found in each'),
  records_identified: prismaCount.optional().describe('Records identified in total (default: sum over databases and registers)'),
  duplicates_removed: prismaCount.optional(),
  automation_removed: prismaCount.optional().describe('Records marked as ineligible by automation tools'),
  other_removed: prismaCount.optional().describe('Records removed before screening for other reasons'),
  records_screened: prismaCount.optional(),
  records_excluded: prismaCount.optional().describe('Records excluded at title/abstract screening'),
  reports_sought: prismaCount.optional().describe('Reports sought for retrieval'),
  reports_not_retrieved: prismaCount.optional(),
  reports_assessed: prismaCount.optional().describe('Full-text reports assessed for eligibility'),
  reports_excluded: z
    .array(z.object({ reason: text, n: prismaCount }).strict())
    .optional()
    .describe('Full-text exclusions with reasons'),
  reports_excluded_total: prismaCount.optional().describe('Full-text exclusions when reasons are not itemised'),
  studies_included: prismaCount.optional().describe('New studies included'),
  reports_included: prismaCount.optional().describe('Reports of the new included studies'),
  tables_included: prismaCount.optional().describe('2x2 tables (e.g. models) included in the meta-analysis'),
  note: text.optional(),
};

const prisma = z
  .object({
    ...prismaCounts,
    previous: z
      .object({ studies: prismaCount, reports: prismaCount.optional(), tables: prismaCount.optional() })
      .strict()
      .optional()
      .describe('Studies included in the previous version of an updated review (PRISMA 2020 "previous studies" boxes)'),
  })
  .strict();

const search = z
  .object({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD').describe('Date the search was run'),
    label: text.optional().describe('e.g. "Original search" or "Update 1"'),
    ...prismaCounts,
    added: z.array(text).optional().describe('Study (group) identifiers this search added'),
    demonstration: z.boolean().optional().describe('true for a hypothetical search used only to demonstrate an update'),
  })
  .strict();

const tableFile = z
  .object({
    file: text.describe('CSV or XLSX file, relative to the analysis folder'),
    sheet: text.optional(),
    columns: z
      .record(z.string(), text)
      .optional()
      .describe('Columns to show (column -> heading), in order; default: all'),
    provenance: z.enum(['real', 'stand-in']).optional().describe('stand-in: judgements are not real (shown in the report)'),
  })
  .strict();

/** The accuracy measures a publication reports, overall and per subgroup. */
const accuracyMeasures = {
  sens: interval.optional(),
  spec: interval.optional(),
  lr_positive: interval.optional(),
  lr_negative: interval.optional(),
  dor: interval.optional(),
  auc: interval.optional(),
};

const published = z
  .object({
    source: text.optional().describe('Citation of the published analysis'),
    software: text.optional(),
    ...accuracyMeasures,
    i2_sens: z.number().optional(),
    i2_spec: z.number().optional(),
    deeks_p: z.number().optional(),
    subgroups: z
      .record(
        z.string(),
        z.record(
          z.string(),
          z
            .object({ n: z.number().int().optional(), ...accuracyMeasures })
            .strict(),
        ),
      )
      .optional()
      .describe('Published subgroup results: covariate -> level -> values (Table 3)'),
    notes: z.array(text).optional().describe('Known inconsistencies of the publication'),
    correspondence: z
      .record(z.string(), text)
      .optional()
      .describe(
        'For a reproduction: this supplement\'s figure and table ids (e.g. forest-sensitivity, sroc, table-subgroups; see figures/*.svg and the table ids in supplement.html) -> the number the published article gives the same item ("Figure 2", "Table 3", "Supplementary file 2, Fig. S4"), or "unknown" when the article has the item but its number is not known. Shown as the table "Correspondence with the published article".',
      ),
  })
  .strict();

const output = z
  .object({
    dpi: z.number().int().min(72).max(1200).default(300).describe('Resolution of PNG figures'),
    paper: z.enum(['A4', 'Letter']).default('A4'),
  })
  .strict();

/** GRADE certainty: the reviewers' judgement of one domain for one outcome, overriding the computed suggestion. */
const certaintyJudgement = z
  .object({
    rating: z.enum(['not-serious', 'serious', 'very-serious']).describe('not-serious (no downgrade), serious (−1) or very-serious (−2)'),
    reason: text.describe('Why (printed in the footnote next to the computed suggestion)'),
  })
  .strict();

const certaintyOutcome = z
  .object({
    risk_of_bias: certaintyJudgement.optional(),
    indirectness: certaintyJudgement.optional(),
    inconsistency: certaintyJudgement.optional(),
    imprecision: certaintyJudgement.optional(),
    publication_bias: certaintyJudgement.optional(),
  })
  .strict();

const findings = z
  .object({
    setting: text.optional().describe('Population and setting of the summary-of-findings table (index test, target condition and reference standard come from the top-level keys)'),
    prevalences: z
      .array(
        z
          .object({
            value: z.number().gt(0).lt(1).describe('Prevalence (pre-test probability) as a proportion, e.g. 0.126 for 12.6%'),
            label: text.describe('Who is tested, e.g. "Screening: women aged 65 and over"'),
            source: text.describe('Where the value comes from (a citation), or "illustrative"'),
          })
          .strict(),
      )
      .min(1)
      .max(6)
      .optional()
      .describe('Prevalences for natural frequencies per 1,000 tested, the Fagan nomogram and the LR scattergram (default: the lowest, median and highest prevalence of the included 2x2 tables)'),
    imprecision_thresholds: z
      .object({
        sensitivity: z.array(z.number().gt(0).lt(1)).min(1).max(3).optional(),
        specificity: z.array(z.number().gt(0).lt(1)).min(1).max(3).optional(),
      })
      .strict()
      .optional()
      .describe('Judgement thresholds for imprecision (GRADE guidance 37): sensitivity or specificity values at which the decision would change. A CI that crosses one is rated serious, two or more very serious; without thresholds the CI width rule applies'),
    certainty: z
      .object({
        sensitivity: certaintyOutcome.optional().describe('Outcomes true positives and false negatives'),
        specificity: certaintyOutcome.optional().describe('Outcomes true negatives and false positives'),
      })
      .strict()
      .optional()
      .describe('GRADE judgements that override the computed suggestions (each with a reason)'),
  })
  .strict();

export const figureNames = [
  'prisma',
  'forest-sensitivity',
  'forest-specificity',
  'forest',
  'sroc',
  'meta-regression',
  'deeks',
  'bivariate-boxplot',
  'forest-dor',
  'forest-lr',
  'fagan',
  'lr-scattergram',
  'leave-one-out',
  'cumulative',
  'quadas',
  'natural-frequencies',
] as const;

/** Figures made when the spec lists none: all but the paired forest plot (`forest`), which the separate sensitivity and specificity forest plots replace. */
export const defaultFigureNames: readonly (typeof figureNames)[number][] = figureNames.filter((name) => name !== 'forest');

export const AnalysisSpecSchema = z
  .object({
    title: text.describe('Title of the analysis / supplement'),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-" (not starting with "." or "-")')
      .optional()
      .describe('Output name: the report goes to out/<name>/<version>/ (default: the name of the folder holding analysis.yaml). Give two spec folders the same name to make them versions of one analysis.'),
    subtitle: text.optional(),
    authors: z.array(text).default([]),
    version: z
      .union([z.number().int().nonnegative(), z.string().regex(/^(?!latest$)[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-", starting with a letter or digit, and not "latest"')])
      .describe('Version of this analysis (e.g. 1, 2 or a search date); names the output folder'),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
      .optional()
      .describe('Date printed on the report (fixed, for byte-identical re-runs); default: SOURCE_DATE_EPOCH or today'),
    description: text.optional(),
    index_test: text.optional(),
    target_condition: text.optional(),
    reference_standard: text.optional(),
    data,
    covariates: z.record(z.string(), covariate).default({}),
    model: model.default(model.parse({})),
    subgroups: z.array(text).default([]).describe('Covariates analysed by subgroup and meta-regression'),
    sensitivity: z
      .object({
        exclude: z.array(text).optional().describe('Study labels to leave out in the sensitivity analysis'),
        outliers: z.boolean().default(true).describe('Also refit without the studies flagged as outliers (bivariate box plot fence)'),
        leave_one_out: z.boolean().default(true).describe('Refit leaving out each study in turn (with data.group: all tables of the study)'),
        one_table_per_study: z
          .enum(['first', 'best', 'none'])
          .default('first')
          .describe('With several tables per study (data.group): also pool one table per study, the first of each study in data order (first) or the one with the highest Youden index (best; selected on the outcome, so optimistic)'),
      })
      .strict()
      .default({ outliers: true, leave_one_out: true, one_table_per_study: 'first' })
      .describe('Sensitivity analyses'),
    fagan: z
      .object({ prior: z.number().gt(0).lt(1).describe('One pre-test probability for the nomogram, as a proportion (default: the prevalences of findings.prevalences, else the lowest, median and highest prevalence of the included tables)') })
      .strict()
      .optional()
      .describe('Fagan nomogram settings'),
    findings: findings.optional().describe('Summary of findings: setting, prevalences and GRADE certainty judgements'),
    figures: z
      .array(z.enum(figureNames))
      .optional()
      .describe('Figures to produce (default: all but "forest", the paired forest plot of sensitivity and specificity; "forest-sensitivity" and "forest-specificity" are the separate full-width forest plots)'),
    prisma: prisma.optional().describe('PRISMA 2020 flow counts (single search; see searches: for updates)'),
    searches: z.array(search).optional().describe('Literature searches in date order; the last one is the current update'),
    characteristics: tableFile.optional().describe('Characteristics of included studies (Table 2)'),
    quadas: tableFile.optional().describe('QUADAS-2 judgements per study: 4 risk-of-bias and 3 applicability domains (low/high/unclear)'),
    published: published.optional(),
    output: output.default(output.parse({})),
  })
  .strict();

/** The validated spec, with defaults filled in. */
export type AnalysisSpec = z.infer<typeof AnalysisSpecSchema>;
/** The spec as written by a user (defaults optional). */
export type AnalysisSpecInput = z.input<typeof AnalysisSpecSchema>;

/** JSON Schema of the spec (draft 2020-12), for editors. */
export function analysisJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AnalysisSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://metadx.invalid/schema/analysis.schema.json', title: 'metadx analysis spec' };
}

/** The `model:` section alone: its defaults are the defaults of every entry point (report, fit). */
export const ModelSettingsSchema = model;
/** Model settings with defaults filled in. */
export type ModelSettings = z.infer<typeof model>;
