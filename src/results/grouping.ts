/**
 * Several 2x2 tables from one study (`data.group`): which random-effects structure the pooled
 * model uses, the same analysis under the other structures and with one table per study (a
 * sensitivity analysis), and participant counts that count a shared test set once. Pure; no
 * formatting.
 *
 * Structures (`model.structure`, `metadx fit --structure`):
 * - independent: every table its own study (what midas/metandi/MetaDTA do with repeated studies);
 * - shared: the tables of a study share one bivariate random-effect pair (glmer
 *   `(0 + sens + spec | study)`, Stata `|| study_id:`), `glmm-grouped-likelihood.ts`;
 * - nested: study and table-within-study random effects (glmer `(… | study) + (… | study:table)`),
 *   `glmm-nested.ts`.
 * Default when `data.group` is given and some study has several tables: nested. The tables of one
 * study usually differ in ways the model does not otherwise know (other index tests, models,
 * thresholds), so a reviewer should neither treat them as independent studies (which counts a
 * study's participants once per table and understates the uncertainty of the pooled estimates)
 * nor force them to share one accuracy (shared: the differences between a study's tables would be
 * attributed to chance). The nested model allows both between-study and within-study
 * heterogeneity, and reduces to `shared` when the within-study variance is 0.
 * A structure is applied to any subset of the tables (subgroups, leave-one-out, cumulative
 * steps): where no study of the subset has two tables, all three structures are the same model
 * and the independent fit is used (note 'grouping-no-repeated-studies').
 *
 * One table per study: `first` (the first table of each study in data order: a rule fixed before
 * seeing the results) or `best` (the table with the highest Youden index, sensitivity +
 * specificity − 1, in each study; ties: the first): selected on the outcome, so optimistic, and
 * labelled so.
 */
import type { Counts, StatsNote } from '../stats/types.ts';
import type { PooledOptions, PooledResult } from './pooled.ts';

export type Structure = 'independent' | 'shared' | 'nested';
export type OneTableRule = 'first' | 'best';

/** A 2x2 table with the study (`data.group`) it belongs to; tables without one are their own study. */
export interface GroupedCounts extends Counts {
  group?: string;
}

/** The group label of each table (a table without one is its own group). */
export function tableGroups(counts: readonly GroupedCounts[]): string[] {
  return counts.map((c, i) => c.group ?? `\u0000table-${i}`);
}

/** True when at least one study has two or more tables. */
export function hasRepeatedStudies(counts: readonly GroupedCounts[]): boolean {
  const seen = new Set<string>();
  for (const group of tableGroups(counts)) {
    if (seen.has(group)) return true;
    seen.add(group);
  }
  return false;
}

/**
 * The structure actually fitted to these tables: the requested one, or independent when no study
 * has two tables (the structures coincide) or all tables come from one study (no between-study
 * variation to estimate).
 */
export function effectiveStructure(requested: Structure | undefined, counts: readonly GroupedCounts[]): Structure {
  if (!requested || requested === 'independent') return 'independent';
  // tables without participants carry no likelihood (the GLMM drops them)
  const used = counts.filter((c) => c.tp + c.fp + c.fn + c.tn > 0);
  return hasRepeatedStudies(used) && new Set(tableGroups(used)).size >= 2 ? requested : 'independent';
}

/** Tables grouped by study, in order of first appearance. */
export function studiesOf(counts: readonly GroupedCounts[]): { group: string; tables: number[] }[] {
  const byGroup = new Map<string, number[]>();
  tableGroups(counts).forEach((group, index) => {
    const list = byGroup.get(group);
    if (list) list.push(index);
    else byGroup.set(group, [index]);
  });
  return [...byGroup.entries()].map(([group, tables]) => ({ group, tables }));
}

/** One table per study by `rule` (input indices, in data order). */
export function oneTablePerStudy(counts: readonly GroupedCounts[], rule: OneTableRule): number[] {
  const youden = (c: Counts): number => {
    const sens = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : Number.NEGATIVE_INFINITY;
    const spec = c.tn + c.fp > 0 ? c.tn / (c.tn + c.fp) : Number.NEGATIVE_INFINITY;
    return sens + spec - 1;
  };
  return studiesOf(counts)
    .map(({ tables }) => (rule === 'first' ? tables[0]! : tables.reduce((best, t) => (youden(counts[t]!) > youden(counts[best]!) ? t : best), tables[0]!)))
    .sort((a, b) => a - b);
}

export interface ParticipantCount {
  /** participants, diseased and non-diseased counted once per study whose tables share a test set */
  participants: number;
  diseased: number;
  nonDiseased: number;
  /** the plain sum over tables */
  sumOfTables: { participants: number; diseased: number; nonDiseased: number };
  /** studies whose tables share one test set: counted once (the largest table's diseased and non-diseased) */
  countedOnce: string[];
  /** studies with several tables not declared to share a test set: their counts are sums of tables */
  summed: string[];
}

/**
 * Participants counted once per study where the tables share one test set (`sharedTestSet`: study
 * identifiers, `data.shared_test_set`): such a study contributes the largest number of diseased
 * and of non-diseased participants among its tables (the same test set, so normally equal); every
 * other table is added.
 */
export function participantCount(counts: readonly GroupedCounts[], sharedTestSet: readonly string[] = []): ParticipantCount {
  const shared = new Set(sharedTestSet);
  let diseased = 0, nonDiseased = 0, sumDiseased = 0, sumNonDiseased = 0;
  const countedOnce: string[] = [];
  const summed: string[] = [];
  for (const { group, tables } of studiesOf(counts)) {
    const d = tables.map((t) => counts[t]!.tp + counts[t]!.fn);
    const n = tables.map((t) => counts[t]!.tn + counts[t]!.fp);
    sumDiseased += d.reduce((a, b) => a + b, 0);
    sumNonDiseased += n.reduce((a, b) => a + b, 0);
    const real = counts[tables[0]!]!.group !== undefined;
    if (real && shared.has(group) && tables.length > 1) {
      diseased += Math.max(...d);
      nonDiseased += Math.max(...n);
      countedOnce.push(group);
    } else {
      diseased += d.reduce((a, b) => a + b, 0);
      nonDiseased += n.reduce((a, b) => a + b, 0);
      if (real && tables.length > 1) summed.push(group);
    }
  }
  return {
    participants: diseased + nonDiseased,
    diseased,
    nonDiseased,
    sumOfTables: { participants: sumDiseased + sumNonDiseased, diseased: sumDiseased, nonDiseased: sumNonDiseased },
    countedOnce,
    summed,
  };
}

/** One fit of the comparison of structures (the numbers the report sets side by side). */
export interface GroupingFit {
  analysis: Structure | 'one-table-per-study';
  /** one-table-per-study: the rule that picked the tables */
  rule?: OneTableRule;
  label: string;
  method: PooledResult['model']['method'];
  k: number;
  studies: number;
  converged: boolean;
  logLik: number | null;
  nParams: number | null;
  mu: { sens: number; spec: number };
  se: { sens: number; spec: number };
  /** sensitivity, specificity, LRs and DOR with CIs; the AUC (and its midas-compatible value) */
  summary: PooledResult['summary'];
  auc: PooledResult['auc'];
  pauc: PooledResult['pauc'];
  aucMidas: PooledResult['aucMidas'];
  tau2: { sens: number; spec: number };
  rho: number | null;
  levels?: PooledResult['model']['levels'];
  notes: StatsNote[];
}

export interface GroupingResult {
  /** the data.group column */
  column: string;
  /** structure of the main analysis, and whether the spec set it or the default chose it */
  structure: Structure;
  source: 'spec' | 'default';
  tables: number;
  studies: number;
  /** studies with two or more tables */
  repeated: { group: string; tables: number[] }[];
  /** independent, shared, nested (GLMM) and one table per study, as computed */
  fits: GroupingFit[];
  oneTablePerStudy: { rule: OneTableRule; tables: number[] } | null;
}

/** The comparison entry of one pooled result. */
export function groupingFit(analysis: GroupingFit['analysis'], pooled: PooledResult, studies: number, rule?: OneTableRule): GroupingFit {
  return {
    analysis,
    ...(rule ? { rule } : {}),
    label: pooled.model.label,
    method: pooled.model.method,
    k: pooled.model.k,
    studies,
    converged: pooled.model.converged,
    logLik: pooled.model.logLik,
    nParams: pooled.model.nParams,
    mu: pooled.mu,
    se: pooled.se,
    summary: pooled.summary,
    auc: pooled.auc,
    pauc: pooled.pauc,
    aucMidas: pooled.aucMidas,
    tau2: pooled.tau2,
    rho: pooled.rho,
    ...(pooled.model.levels ? { levels: pooled.model.levels } : {}),
    notes: pooled.model.notes,
  };
}

/**
 * The same tables under every structure and with one table per study (see the file comment).
 * `main` is the primary analysis (fitted with `options.structure`), reused for its structure.
 */
export function groupingAnalysis(
  counts: readonly GroupedCounts[],
  main: PooledResult,
  options: PooledOptions,
  settings: { column: string; source: 'spec' | 'default'; oneTablePerStudy: OneTableRule | 'none' },
  pool: (counts: readonly GroupedCounts[], options: PooledOptions) => PooledResult,
): { result: GroupingResult; independent: PooledResult } {
  const studies = studiesOf(counts);
  const structure: Structure = main.model.structure ?? 'independent';
  const fast: PooledOptions = { ...options, aucCi: 'delta' };
  const fitted = new Map<Structure, PooledResult>([[structure, main]]);
  const structures: Structure[] = options.method === 'glmm' ? ['independent', 'shared', 'nested'] : ['independent'];
  for (const s of structures) if (!fitted.has(s)) fitted.set(s, pool(counts, { ...fast, structure: s }));
  const fits = structures.map((s) => groupingFit(s, fitted.get(s)!, studies.length));
  let one: GroupingResult['oneTablePerStudy'] = null;
  if (settings.oneTablePerStudy !== 'none') {
    const tables = oneTablePerStudy(counts, settings.oneTablePerStudy);
    const pooled = pool(tables.map((t) => counts[t]!), { ...fast, structure: 'independent' });
    fits.push(groupingFit('one-table-per-study', pooled, tables.length, settings.oneTablePerStudy));
    one = { rule: settings.oneTablePerStudy, tables };
  }
  return {
    result: {
      column: settings.column,
      structure,
      source: settings.source,
      tables: counts.length,
      studies: studies.length,
      repeated: studies.filter((s) => s.tables.length > 1),
      fits,
      oneTablePerStudy: one,
    },
    independent: fitted.get('independent')!,
  };
}

/**
 * Display name of a study (data.group value): "<first author> <year>" from the covariates of its
 * first table when the data have them, else the identifier.
 */
export function studyName(tables: readonly { group?: string; covariates: Record<string, string | number | null> }[], group: string): string {
  const first = tables.find((t) => t.group === group);
  if (!first) return group;
  const author = first.covariates.first_author ?? first.covariates.author;
  const year = first.covariates.year;
  if (typeof author !== 'string' || author.trim() === '') return group;
  return year === null || year === undefined || year === '' ? author : `${author} ${year}`;
}
