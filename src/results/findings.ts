/**
 * Summary of findings (GRADE, test accuracy): the pooled sensitivity and specificity turned into
 * natural frequencies per 1,000 people tested at each prevalence of the spec (`findings.prevalences`;
 * default: the lowest, median and highest prevalence of the included 2x2 tables), with CIs, the
 * evidence behind each outcome and its certainty (src/results/certainty.ts). Pure; no formatting.
 * The document section, the figure and the CSV/Word exports read this record only.
 */
import type { QuadasDomainId } from '../data/quadas.ts';
import type { AnalysisSpec } from '../spec/schema.ts';
import type { DeeksResult } from '../stats/deeks.ts';
import { naturalFrequencies, type NaturalFrequencies } from '../stats/natural-frequencies.ts';
import type { Interval } from '../stats/types.ts';
import { outcomeCertainty, THRESHOLDS, type OutcomeCertainty } from './certainty.ts';
import type { PooledResult } from './pooled.ts';
import type { AnalysisResults, StudyResult } from './types.ts';

/** People tested that natural frequencies refer to. */
export const FINDINGS_PER = 1000;

export interface FindingsPrevalence {
  value: number;
  label: string;
  source: string;
  /** from the spec, or a default derived from the included tables */
  origin: 'spec' | 'lowest' | 'median' | 'highest';
}

export interface FindingsResult {
  method: { cells: string; totals: string };
  per: number;
  level: number;
  header: { indexTest: string | null; targetCondition: string | null; referenceStandard: string | null; setting: string | null };
  pooled: { sens: Interval; spec: Interval; model: string };
  /**
   * The evidence behind every row. SEAM (grouping of tables by study): participants are summed
   * over the 2x2 tables (results.totals), so a study that reports several tables on the same
   * participants counts them more than once, unless the spec lists it under data.shared_test_set
   * (then it is counted once: `countedPer: 'test set'`, `countedOnce`); `summed` lists the studies
   * whose count is a sum over their tables.
   */
  evidence: { tables: number; studies: number; participants: number; diseased: number; nonDiseased: number; countedPer: 'table' | 'test set'; countedOnce: string[]; summed: string[] };
  prevalences: FindingsPrevalence[];
  /** one entry per prevalence, in the order of `prevalences` */
  frequencies: NaturalFrequencies[];
  certainty: { sensitivity: OutcomeCertainty; specificity: OutcomeCertainty; thresholds: typeof THRESHOLDS };
}

export interface FindingsInput {
  spec: AnalysisSpec;
  studies: readonly StudyResult[];
  totals: AnalysisResults['totals'];
  pooled: PooledResult;
  deeks: DeeksResult | null;
  quadas: { domains: readonly QuadasDomainId[]; provenance: 'real' | 'stand-in' } | null;
  level: number;
}

/** R's median(): the mean of the two middle values for an even count. */
function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The prevalences of the spec, else the lowest, median and highest prevalence (TP + FN)/n of the
 * included tables, each labelled with where it came from; equal values are given once.
 */
export function findingsPrevalences(spec: AnalysisSpec, studies: readonly StudyResult[]): FindingsPrevalence[] {
  const given = spec.findings?.prevalences;
  if (given && given.length > 0) return given.map((p) => ({ value: p.value, label: p.label, source: p.source, origin: 'spec' as const }));
  if (studies.length === 0) return [];
  const tables = studies.map((s) => ({ label: s.label, value: s.nDiseased / (s.nDiseased + s.nNonDiseased) })).sort((a, b) => a.value - b.value);
  const values = tables.map((t) => t.value);
  const lowest = tables[0]!;
  const highest = tables.at(-1)!;
  const candidates: FindingsPrevalence[] = [
    { value: lowest.value, label: 'Lowest prevalence among the included tables', source: `the included table ${lowest.label}`, origin: 'lowest' },
    { value: median(values), label: 'Median prevalence of the included tables', source: `median over the ${tables.length} included tables`, origin: 'median' },
    { value: highest.value, label: 'Highest prevalence among the included tables', source: `the included table ${highest.label}`, origin: 'highest' },
  ];
  return candidates.filter((p, i) => p.value > 0 && p.value < 1 && candidates.findIndex((q) => q.value === p.value) === i);
}

/** The summary-of-findings record, or null when the pooled estimates are not finite. */
export function summaryOfFindings(input: FindingsInput): FindingsResult | null {
  const { spec, pooled, level } = input;
  if (!Number.isFinite(pooled.mu.sens) || !Number.isFinite(pooled.mu.spec)) return null;
  const prevalences = findingsPrevalences(spec, input.studies);
  // univariate pooling (k < 4) has no joint covariance: its vcov has zero covariance, which the
  // cells do not use and the totals take as independence
  const frequencies = prevalences.map((p) => naturalFrequencies(pooled.mu, pooled.vcov, p.value, { per: FINDINGS_PER, level }));
  const certaintyInput = { studies: input.studies, pooled, deeks: input.deeks, quadas: input.quadas, frequencies, judgements: spec.findings?.certainty, thresholds: spec.findings?.imprecision_thresholds };
  const { sens, spec: specificity } = pooled.summary;
  return {
    method: {
      cells:
        'true positives and false negatives = 1,000 × prevalence × sensitivity (× 1 − sensitivity), true negatives and false positives = 1,000 × (1 − prevalence) × specificity (× 1 − specificity); CIs from the CI of the pooled sensitivity or specificity at a fixed prevalence (as GRADEpro computes them)',
      totals: 'people testing positive or negative and predictive values: delta method on the logit scale with the covariance of the pooled logit sensitivity and specificity',
    },
    per: FINDINGS_PER,
    level,
    header: {
      indexTest: spec.index_test ?? null,
      targetCondition: spec.target_condition ?? null,
      referenceStandard: spec.reference_standard ?? null,
      setting: spec.findings?.setting ?? null,
    },
    pooled: { sens: { est: sens.est, lo: sens.lo, hi: sens.hi }, spec: { est: specificity.est, lo: specificity.lo, hi: specificity.hi }, model: pooled.model.label },
    evidence: {
      tables: input.studies.length,
      studies: input.totals.groups,
      participants: input.totals.participants,
      diseased: input.totals.diseased,
      nonDiseased: input.totals.nonDiseased,
      // studies whose tables share one test set (data.shared_test_set) are counted once (grouping.ts)
      countedPer: (input.totals.countedOnce ?? []).length > 0 ? 'test set' : 'table',
      countedOnce: input.totals.countedOnce ?? [],
      summed: input.totals.summed ?? [],
    },
    prevalences,
    frequencies,
    certainty: { sensitivity: outcomeCertainty('sensitivity', certaintyInput), specificity: outcomeCertainty('specificity', certaintyInput), thresholds: THRESHOLDS },
  };
}
