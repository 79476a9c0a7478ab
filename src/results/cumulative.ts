/**
 * Cumulative meta-analysis: the pooled sensitivity and specificity recomputed as the evidence
 * accrues (Lau et al., N Engl J Med 1992;327:248–54, doi:10.1056/NEJM199207233270406), so a reader
 * sees whether, and when, the estimates settled.
 *
 * Two accrual orders, each computed when the spec and data allow it:
 * - by publication year (`byYear`): one step per study (publication: `data.group`, else the 2x2
 *   table), ordered by the `year` covariate, then by study name; a study adds all its 2x2 tables
 *   at once (with more than MAX_STUDY_STEPS studies: one step per year, so the cost stays about
 *   years × k rather than k²). Studies without a year are left out of the steps and listed in `unplaced`.
 * - by search (`bySearch`, with two or more `searches:`): one step per search, adding the studies
 *   named under its `added:`; studies no search names belong to the first (original) search.
 *   Identifiers under `added:` that match no study are listed in `unknownIds`.
 * Each step pools every table accrued so far with `poolStudies` (with the grouping of the main
 * analysis: the tables keep their study; bivariate model from 4 tables,
 * univariate pooling below; a single table is not pooled and shows as not estimable). The AUC
 * interval is not reported here, so it is not computed (no bootstrap refits). Pure; no formatting.
 */
import type { AnalysisSpec } from '../spec/schema.ts';
import { NotEstimableError, notEstimableNote } from '../stats/errors.ts';
import type { Counts, Interval, StatsNote } from '../stats/types.ts';
import { poolStudies, type PooledOptions } from './pooled.ts';
import type { GroupedCounts } from './grouping.ts';
import { parallelMap, type ParallelTask } from './parallel.ts';

export interface CumulativeStep {
  /** study (publication) identifiers this step adds */
  groups: string[];
  /** by year: display name of the study added (first author, else its identifier) and its year */
  study?: string;
  year?: number;
  /** by search: the search that added the studies */
  search?: { index: number; date: string; label?: string; demonstration?: boolean };
  /** 2x2 tables this step adds */
  added: number;
  /** 2x2 tables and studies pooled at this step */
  k: number;
  studies: number;
  method: 'glmm' | 'reitsma' | 'univariate' | 'none';
  converged: boolean;
  sens: Interval | null;
  spec: Interval | null;
  /** why this step could not be pooled (an expected numerical failure), shown in the report */
  note?: StatsNote;
}

export interface CumulativeAnalysis {
  order: 'year' | 'search';
  steps: CumulativeStep[];
  /** by year: studies without a publication year (not in the steps) */
  unplaced: string[];
  /** by search: identifiers under `added:` that match no study */
  unknownIds: string[];
}

export interface CumulativeResults {
  byYear: CumulativeAnalysis | null;
  bySearch: CumulativeAnalysis | null;
}

/** The 2x2 tables of the analysis with what the accrual orders need. */
export interface CumulativeStudy {
  label: string;
  group?: string;
  counts: Counts;
  covariates: Record<string, string | number | null>;
}

interface Publication {
  id: string;
  name: string;
  year: number | undefined;
  tables: number[];
}

/** Above this many studies the by-year analysis steps by publication year instead of by study. */
export const MAX_STUDY_STEPS = 60;

function publications(studies: readonly CumulativeStudy[]): Publication[] {
  const byId = new Map<string, Publication>();
  studies.forEach((study, index) => {
    const id = study.group ?? study.label;
    let publication = byId.get(id);
    if (!publication) {
      const author = study.covariates.first_author ?? study.covariates.author;
      const name = typeof author === 'string' && author.trim() !== '' ? author : id;
      publication = { id, name, year: undefined, tables: [] };
      byId.set(id, publication);
    }
    const year = study.covariates.year;
    const numeric = typeof year === 'number' ? year : typeof year === 'string' && /^\d{4}$/.test(year.trim()) ? Number(year) : undefined;
    if (publication.year === undefined && numeric !== undefined && Number.isFinite(numeric)) publication.year = numeric;
    publication.tables.push(index);
  });
  return [...byId.values()];
}

const finite = (interval: Interval): Interval | null => ([interval.est, interval.lo, interval.hi].every(Number.isFinite) ? { est: interval.est, lo: interval.lo, hi: interval.hi } : null);

function pool(counts: GroupedCounts[], options: PooledOptions): Pick<CumulativeStep, 'method' | 'converged' | 'sens' | 'spec' | 'note'> {
  if (counts.length < 2) return { method: 'none', converged: false, sens: null, spec: null };
  try {
    // only the summary sensitivity and specificity of each step are reported: no AUC interval
    const pooled = poolStudies(counts, { ...options, aucInterval: false, forestHeterogeneity: false });
    return { method: pooled.model.method, converged: pooled.model.converged, sens: finite(pooled.summary.sens), spec: finite(pooled.summary.spec) };
  } catch (error) {
    if (!(error instanceof NotEstimableError)) throw error;
    return { method: 'none', converged: false, sens: null, spec: null, note: notEstimableNote(`the pooled estimate of the first ${counts.length} tables`, error) };
  }
}

/** One step: the tables with these input indices pooled (see `pool`), as a parallel task. */
export const CUMULATIVE_STEP: ParallelTask<{ counts: readonly GroupedCounts[]; options: PooledOptions }, number[], ReturnType<typeof pool>> = {
  name: 'cumulative-step',
  run: (indices, { counts, options }) => pool(indices.map((index) => counts[index]!), options),
};

function accrue(
  groups: { publications: Publication[]; step: Omit<CumulativeStep, 'groups' | 'added' | 'k' | 'studies' | 'method' | 'converged' | 'sens' | 'spec'> }[],
  studies: readonly CumulativeStudy[],
  options: PooledOptions,
): CumulativeStep[] {
  const included: number[] = [];
  let publicationCount = 0;
  const steps = groups.map(({ publications: added, step }) => {
    const tables = added.flatMap((publication) => publication.tables);
    included.push(...tables);
    publicationCount += added.length;
    return { groups: added.map((publication) => publication.id), ...step, added: tables.length, k: included.length, studies: publicationCount, indices: [...included].sort((a, b) => a - b) };
  });
  // the refits on all cores (src/results/parallel.ts): the same fits, in step order
  const pooled = parallelMap(CUMULATIVE_STEP, { counts: studies.map((study): GroupedCounts => (study.group !== undefined ? { ...study.counts, group: study.group } : study.counts)), options }, steps.map((step) => step.indices));
  return steps.map(({ indices: _indices, ...step }, i) => ({ ...step, ...pooled[i]! }));
}

/** Cumulative meta-analysis by publication year (null when no study has a year). */
export function cumulativeByYear(studies: readonly CumulativeStudy[], options: PooledOptions): CumulativeAnalysis | null {
  const all = publications(studies);
  const dated = all.filter((publication) => publication.year !== undefined);
  if (dated.length === 0) return null;
  dated.sort((a, b) => a.year! - b.year! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // one step per study; with many studies, one step per publication year (k refits of up to k tables each)
  const groups =
    dated.length <= MAX_STUDY_STEPS
      ? dated.map((publication) => ({ publications: [publication], step: { study: publication.name, year: publication.year! } }))
      : [...new Set(dated.map((publication) => publication.year!))].map((year) => {
          const inYear = dated.filter((publication) => publication.year === year);
          return { publications: inYear, step: { study: `${inYear.length} ${inYear.length === 1 ? 'study' : 'studies'}`, year } };
        });
  const steps = accrue(groups, studies, options);
  return { order: 'year', steps, unplaced: all.filter((publication) => publication.year === undefined).map((publication) => publication.id), unknownIds: [] };
}

/** Cumulative meta-analysis by search (null with fewer than two searches). */
export function cumulativeBySearch(studies: readonly CumulativeStudy[], searches: AnalysisSpec['searches'], options: PooledOptions): CumulativeAnalysis | null {
  if (!searches || searches.length < 2) return null;
  const all = publications(studies);
  const known = new Set(all.map((publication) => publication.id));
  const owner = new Map<string, number>();
  searches.forEach((search, index) => {
    for (const id of search.added ?? []) if (!owner.has(id)) owner.set(id, index);
  });
  const groups = searches.map((search, index) => ({
    publications: all.filter((publication) => (owner.get(publication.id) ?? 0) === index),
    step: { search: { index, date: search.date, ...(search.label ? { label: search.label } : {}), ...(search.demonstration !== undefined ? { demonstration: search.demonstration } : {}) } },
  }));
  const unknownIds = [...owner.keys()].filter((id) => !known.has(id));
  return { order: 'search', steps: accrue(groups, studies, options), unplaced: [], unknownIds };
}

/** Both accrual orders (see the module comment). */
export function cumulativeMetaAnalysis(studies: readonly CumulativeStudy[], spec: Pick<AnalysisSpec, 'searches'>, options: PooledOptions): CumulativeResults {
  return { byYear: cumulativeByYear(studies, options), bySearch: cumulativeBySearch(studies, spec.searches, options) };
}
