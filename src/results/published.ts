/**
 * Published versus reproduced results (spec `published:`): for every measure the publication
 * reports, overall and per subgroup, the reproduced value it is compared with and the difference
 * (reproduced − published; relative difference (reproduced − published)/published as well, which
 * the document uses for ratios). Computed here so that results.json holds every number the
 * comparison tables show; the document only formats them. Pure.
 *
 * Which reproduced value is compared:
 * - Sensitivity, specificity, LR+, LR−, DOR: the pooled model's summary (results.pooled.summary, or
 *   the subgroup's own fit).
 * - AUC: the exact SROC AUC and its confidence interval; with `compat: midas` the publication used
 *   Stata midas, so the midas-compatible AUC and its Wilson "CI" (N = 500, not a confidence
 *   interval) are compared instead, and marked `source: 'midas-compatible'`.
 * - I² of sensitivity and specificity: with `compat: midas`, I² as midas computes it for its forest
 *   plots (Higgins–Thompson (Q − df)/Q with Cochran's Q of the study proportions around the pooled
 *   value; src/stats/heterogeneity.ts (a)); otherwise the Zhou–Dendukuri I² of the bivariate model,
 *   the I² the rest of the supplement reports. `definition` says which.
 * - Deeks' test: the slope p-value of results.deeks.
 */
import type { AnalysisSpec } from '../spec/schema.ts';
import type { DeeksResult } from '../stats/deeks.ts';
import type { PooledResult } from './pooled.ts';
import type { SubgroupAnalysis } from './subgroups.ts';

export type PublishedMeasure = 'sens' | 'spec' | 'lr_positive' | 'lr_negative' | 'dor' | 'auc';

export const PUBLISHED_MEASURES: readonly PublishedMeasure[] = ['sens', 'spec', 'lr_positive', 'lr_negative', 'dor', 'auc'];

export interface PublishedCell {
  measure: PublishedMeasure;
  published: { est: number; lo: number; hi: number };
  /** the reproduced value it is compared with (interval bounds null when there is none); null when not estimable */
  reproduced: { est: number; lo: number | null; hi: number | null } | null;
  /** 'model': the pooled model's estimate; 'midas-compatible': the AUC as Stata midas prints it (compat: midas) */
  source: 'model' | 'midas-compatible';
  /** reproduced − published (null when not estimable) */
  difference: number | null;
  /** (reproduced − published)/published (null when not estimable or the published value is 0) */
  relativeDifference: number | null;
}

export interface PublishedHeterogeneity {
  measure: 'i2_sens' | 'i2_spec';
  /** as published, in percent */
  published: number;
  /** reproduced with the same definition where possible, in percent (null when not estimable) */
  reproduced: number | null;
  /** 'midas': Higgins–Thompson (Q − df)/Q as midas's forest plots; 'zhou-dendukuri': the bivariate model's I² */
  definition: 'midas' | 'zhou-dendukuri';
}

export interface PublishedSubgroupLevel {
  covariate: string;
  level: string;
  /** number of tables: as published (null when not given) and reproduced */
  n: { published: number | null; reproduced: number };
  cells: PublishedCell[];
}

export interface PublishedComparison {
  overall: PublishedCell[];
  heterogeneity: PublishedHeterogeneity[];
  deeks: { published: number; reproduced: number | null } | null;
  subgroups: PublishedSubgroupLevel[];
  /** published subgroup entries with no reproduced counterpart ("covariate: level"), shown as a note */
  unmatched: string[];
}

type Published = NonNullable<AnalysisSpec['published']>;
type Measures = Pick<Published, PublishedMeasure>;

const finite = (value: number | null | undefined): value is number => value !== null && value !== undefined && Number.isFinite(value);

/** The reproduced value of one measure from a pooled result (null when not estimable). */
export function reproducedValue(pooled: PooledResult, measure: PublishedMeasure, compat: 'none' | 'midas'): { value: PublishedCell['reproduced']; source: PublishedCell['source'] } {
  const interval = (i: { est: number | null; lo: number | null; hi: number | null } | null | undefined): PublishedCell['reproduced'] =>
    i && finite(i.est) ? { est: i.est, lo: finite(i.lo) ? i.lo : null, hi: finite(i.hi) ? i.hi : null } : null;
  switch (measure) {
    case 'sens':
      return { value: interval(pooled.summary.sens), source: 'model' };
    case 'spec':
      return { value: interval(pooled.summary.spec), source: 'model' };
    case 'lr_positive':
      return { value: interval(pooled.summary.lrPositive), source: 'model' };
    case 'lr_negative':
      return { value: interval(pooled.summary.lrNegative), source: 'model' };
    case 'dor':
      return { value: interval(pooled.summary.dor), source: 'model' };
    case 'auc':
      if (compat === 'midas' && pooled.aucMidas) return { value: interval(pooled.aucMidas), source: 'midas-compatible' };
      return { value: interval(pooled.auc), source: 'model' };
  }
}

function cells(published: Measures, pooled: PooledResult, compat: 'none' | 'midas'): PublishedCell[] {
  return PUBLISHED_MEASURES.flatMap((measure) => {
    const theirs = published[measure];
    if (!theirs) return [];
    const { value, source } = reproducedValue(pooled, measure, compat);
    const difference = value ? value.est - theirs.est : null;
    return [{
      measure,
      published: { est: theirs.est, lo: theirs.lo, hi: theirs.hi },
      reproduced: value,
      source,
      difference,
      relativeDifference: difference !== null && theirs.est !== 0 ? difference / theirs.est : null,
    }];
  });
}

/** The comparison with the publication, or null when the spec has no `published:` block. */
export function publishedComparison(
  published: Published | undefined,
  results: { pooled: PooledResult; subgroups: readonly SubgroupAnalysis[]; deeks: DeeksResult | null; compat: 'none' | 'midas' },
): PublishedComparison | null {
  if (!published) return null;
  const { pooled, compat } = results;
  const heterogeneity: PublishedHeterogeneity[] = [];
  for (const [measure, panel] of [['i2_sens', 'sens'], ['i2_spec', 'spec']] as const) {
    const value = published[measure];
    if (value === undefined) continue;
    if (compat === 'midas') {
      const midas = pooled.heterogeneity.midas?.[panel];
      heterogeneity.push({ measure, published: value, reproduced: midas ? midas.I2 * 100 : null, definition: 'midas' });
    } else {
      const zd = pooled.heterogeneity.zhouDendukuri;
      heterogeneity.push({ measure, published: value, reproduced: zd ? (panel === 'sens' ? zd.I2Sens : zd.I2Spec) * 100 : null, definition: 'zhou-dendukuri' });
    }
  }
  const subgroups: PublishedSubgroupLevel[] = [];
  const unmatched: string[] = [];
  for (const [covariate, levels] of Object.entries(published.subgroups ?? {})) {
    const analysis = results.subgroups.find((a) => a.covariate === covariate);
    for (const [level, theirs] of Object.entries(levels)) {
      const mine = analysis?.levels.find((l) => l.level === level);
      if (!mine) {
        unmatched.push(`${covariate}: ${level}`);
        continue;
      }
      subgroups.push({ covariate, level, n: { published: theirs.n ?? null, reproduced: mine.k }, cells: cells(theirs, mine.pooled, compat) });
    }
  }
  // reproduced subgroup levels in the order of the analysis (covariates as analysed, levels in display order)
  const order = (s: PublishedSubgroupLevel): number => {
    const a = results.subgroups.findIndex((analysis) => analysis.covariate === s.covariate);
    const l = results.subgroups[a]?.levels.findIndex((level) => level.level === s.level) ?? 0;
    return a * 1000 + l;
  };
  subgroups.sort((a, b) => order(a) - order(b));
  return {
    overall: cells(published, pooled, compat),
    heterogeneity,
    deeks: published.deeks_p === undefined ? null : { published: published.deeks_p, reproduced: results.deeks ? results.deeks.slopeP : null },
    subgroups,
    unmatched,
  };
}
