/**
 * What changed between two versions of an analysis: 2x2 tables added, removed or with changed
 * counts (matched by study label), each pooled estimate before and after with its CI, the number of
 * tables, studies and participants, the model, and the figures whose SVG changed. Pure: it reads
 * two versions' results and figure hashes (from their manifests) and formats nothing; the report's
 * "What changed" section and `metadx diff` format the same object.
 */
import type { Counts } from '../stats/types.ts';

/** The parts of results.json the comparison reads (older results.json files parse into it). */
export interface ComparableResults {
  analysis: { name: string; title: string; version: string };
  level: number;
  k: number;
  totals: { participants: number; groups: number };
  studies: { label: string; group?: string; counts: Counts; provenance?: string }[];
  pooled: {
    model: { method: string; label: string };
    summary: Record<'sens' | 'spec' | 'lrPositive' | 'lrNegative' | 'dor', { est: number | null; lo: number | null; hi: number | null }>;
    auc: { est: number | null; lo: number | null; hi: number | null } | null;
  };
}

export interface VersionSide {
  version: string;
  date: string | null;
  title: string;
  /** 2x2 tables, studies (publications), participants */
  k: number;
  studies: number;
  participants: number;
  model: string;
}

export interface StudyChange {
  label: string;
  group?: string;
  provenance?: string;
  /** counts in the earlier version (absent for added tables) */
  before?: Counts;
  /** counts in this version (absent for removed tables) */
  after?: Counts;
}

export type PooledMeasure = 'sens' | 'spec' | 'lrPositive' | 'lrNegative' | 'dor' | 'auc';

export interface EstimateChange {
  measure: PooledMeasure;
  before: { est: number; lo: number; hi: number } | null;
  after: { est: number; lo: number; hi: number } | null;
}

export interface FigureChange {
  id: string;
  title: string;
  change: 'changed' | 'added' | 'removed';
}

export interface VersionComparison {
  analysis: string;
  level: number;
  before: VersionSide;
  after: VersionSide;
  studies: { added: StudyChange[]; removed: StudyChange[]; changed: StudyChange[]; unchanged: number };
  estimates: EstimateChange[];
  /** figures whose SVG differs, was added or was removed (unchanged ones are not listed) */
  figures: FigureChange[];
  figuresUnchanged: number;
}

export interface ComparisonSide {
  results: ComparableResults;
  date: string | null;
  /** figure id → title and SHA-256 of its SVG */
  figures: { id: string; title: string; svg: string }[];
}

export const POOLED_MEASURES: readonly PooledMeasure[] = ['sens', 'spec', 'lrPositive', 'lrNegative', 'dor', 'auc'];

const sameCounts = (a: Counts, b: Counts): boolean => a.tp === b.tp && a.fp === b.fp && a.fn === b.fn && a.tn === b.tn;

function estimate(results: ComparableResults, measure: PooledMeasure): EstimateChange['before'] {
  const value = measure === 'auc' ? results.pooled.auc : results.pooled.summary[measure];
  if (!value) return null;
  const { est, lo, hi } = value;
  return typeof est === 'number' && typeof lo === 'number' && typeof hi === 'number' && [est, lo, hi].every(Number.isFinite) ? { est, lo, hi } : null;
}

function side(input: ComparisonSide): VersionSide {
  const { results } = input;
  return {
    version: results.analysis.version,
    date: input.date,
    title: results.analysis.title,
    k: results.k,
    studies: results.totals.groups,
    participants: results.totals.participants,
    model: results.pooled.model.label,
  };
}

const identity = (study: ComparableResults['studies'][number]) => ({
  label: study.label,
  ...(study.group !== undefined ? { group: study.group } : {}),
  ...(study.provenance !== undefined ? { provenance: study.provenance } : {}),
});

/** Compare version `before` with version `after` (usually the earlier with the later). */
export function compareVersions(before: ComparisonSide, after: ComparisonSide): VersionComparison {
  const earlier = new Map(before.results.studies.map((study) => [study.label, study]));
  const later = new Map(after.results.studies.map((study) => [study.label, study]));
  const added: StudyChange[] = [];
  const changed: StudyChange[] = [];
  let unchanged = 0;
  for (const study of after.results.studies) {
    const old = earlier.get(study.label);
    if (!old) added.push({ ...identity(study), after: study.counts });
    else if (!sameCounts(old.counts, study.counts)) changed.push({ ...identity(study), before: old.counts, after: study.counts });
    else unchanged++;
  }
  const removed = before.results.studies.filter((study) => !later.has(study.label)).map((study) => ({ ...identity(study), before: study.counts }));

  const oldFigures = new Map(before.figures.map((figure) => [figure.id, figure]));
  const newFigures = new Map(after.figures.map((figure) => [figure.id, figure]));
  const figures: FigureChange[] = [];
  let figuresUnchanged = 0;
  for (const figure of after.figures) {
    const old = oldFigures.get(figure.id);
    if (!old) figures.push({ id: figure.id, title: figure.title, change: 'added' });
    else if (old.svg !== figure.svg) figures.push({ id: figure.id, title: figure.title, change: 'changed' });
    else figuresUnchanged++;
  }
  for (const figure of before.figures) if (!newFigures.has(figure.id)) figures.push({ id: figure.id, title: figure.title, change: 'removed' });

  return {
    analysis: after.results.analysis.name,
    level: after.results.level,
    before: side(before),
    after: side(after),
    studies: { added, removed, changed, unchanged },
    estimates: POOLED_MEASURES.map((measure) => ({ measure, before: estimate(before.results, measure), after: estimate(after.results, measure) })),
    figures,
    figuresUnchanged,
  };
}
