/**
 * Subgroup analyses (the paper's Table 3): for one categorical covariate, a separate pooled
 * analysis per level (bivariate when the level has at least 4 studies, otherwise univariate,
 * labelled), the meta-regression LRT as the test of a difference between levels, and a test of
 * equal between-study (co)variances across levels (separate fits vs common covariance,
 * LRT df = 3·(levels − 1); Meta-DiSc 2.0 / Cochrane Handbook ch. 10). Pure.
 */
import { chiSquareUpperTail } from '../stats/distributions.ts';
import type { Counts, StatsNote } from '../stats/types.ts';
import { metaRegression, type MetaRegressionResult } from './meta-regression.ts';
import { poolStudies, type PooledOptions, type PooledResult } from './pooled.ts';
import { NotEstimableError } from '../stats/errors.ts';
import type { OnProgress } from './progress.ts';

export interface SubgroupLevel {
  level: string;
  label: string;
  k: number;
  /** share of the tables with a non-missing covariate value */
  fraction: number;
  /** input indices of the studies in this level */
  studies: number[];
  pooled: PooledResult;
}

export interface SubgroupAnalysis {
  covariate: string;
  label: string;
  type: 'categorical' | 'continuous';
  /** input indices of studies without a value (left out, named in the report) */
  excluded: number[];
  levels: SubgroupLevel[];
  /** null when the covariate has a single level (nothing to compare) */
  metaRegression: MetaRegressionResult | null;
  /** equal vs level-specific between-study covariance; null unless every level was fitted bivariately */
  varianceTest: { statistic: number; df: number; p: number } | null;
  notes: StatsNote[];
}

export interface CovariateSpec {
  name: string;
  label: string;
  type: 'categorical' | 'continuous';
  /** level keys in display order (categorical) */
  levels?: string[];
  levelLabels?: Record<string, string>;
}

/** The meta-regression, or null with a note when the model cannot be fitted (e.g. too few studies). */
function tryRegression(fit: () => MetaRegressionResult, covariate: string, notes: StatsNote[]): MetaRegressionResult | null {
  try {
    return fit();
  } catch (error) {
    if (!(error instanceof NotEstimableError)) throw error;
    notes.push({ code: 'meta-regression-not-fitted', detail: { covariate, reason: error.message } });
    return null;
  }
}

export function subgroupAnalysis(
  counts: readonly Counts[],
  values: readonly (string | number | null)[],
  covariate: CovariateSpec,
  options: PooledOptions,
  onProgress?: OnProgress,
): SubgroupAnalysis {
  const excluded = values.flatMap((v, i) => (v === null || v === '' ? [i] : []));
  const notes: StatsNote[] = [];
  if (excluded.length > 0) notes.push({ code: 'covariate-missing-excluded', detail: { covariate: covariate.name, n: excluded.length } });
  if (covariate.type === 'continuous') {
    const regression = tryRegression(() => metaRegression(counts, values, covariate, options), covariate.name, notes);
    return { covariate: covariate.name, label: covariate.label, type: 'continuous', excluded, levels: [], metaRegression: regression, varianceTest: null, notes };
  }
  const present = new Set(values.filter((v): v is string | number => v !== null && v !== '').map(String));
  const order = (covariate.levels ?? [...present].sort()).filter((level) => present.has(level));
  const used = values.length - excluded.length;
  const levels: SubgroupLevel[] = order.map((level) => {
    const studies = values.flatMap((v, i) => (v !== null && String(v) === level ? [i] : []));
    return {
      level,
      label: covariate.levelLabels?.[level] ?? level,
      k: studies.length,
      fraction: studies.length / used,
      studies,
      pooled: poolStudies(studies.map((i) => counts[i]!), options, onProgress),
    };
  });
  if (levels.length < 2) {
    notes.push({ code: 'covariate-single-level', detail: { covariate: covariate.name, level: order[0] ?? '' } });
    return { covariate: covariate.name, label: covariate.label, type: 'categorical', excluded, levels, metaRegression: null, varianceTest: null, notes };
  }
  for (const level of levels) {
    if (level.k < 4) notes.push({ code: 'subgroup-univariate', detail: { covariate: covariate.name, level: level.label, k: level.k } });
  }
  const regression = tryRegression(() => metaRegression(counts, values, { name: covariate.name, type: 'categorical', levels: order }, options), covariate.name, notes);
  let varianceTest: SubgroupAnalysis['varianceTest'] = null;
  const separate = levels.map((l) => l.pooled.model);
  if (regression && options.method === 'glmm' && separate.every((m) => m.method === 'glmm' && m.logLik !== null)) {
    const logLikSeparate = separate.reduce((sum, m) => sum + m.logLik!, 0);
    const statistic = Math.max(0, 2 * (logLikSeparate - regression.lrt.logLikWith));
    const df = 3 * (levels.length - 1);
    varianceTest = { statistic, df, p: chiSquareUpperTail(statistic, df) };
  }
  return { covariate: covariate.name, label: covariate.label, type: 'categorical', excluded, levels, metaRegression: regression, varianceTest, notes };
}
