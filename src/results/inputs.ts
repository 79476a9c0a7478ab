/**
 * What the results depend on, and nothing else: the key of the results cache.
 *
 * `results.json` (before its `changes` section, which compares figures with the previous version)
 * is a function of the statistical inputs below and of the engine's code. Every top-level spec key
 * is listed here as statistical or presentation-only; `tests/output/results-key.test.ts` fails when
 * the schema gains a key that is in neither list, and checks, for every presentation-only key,
 * that changing it leaves results.json byte-identical apart from `analysis` (name, title, version:
 * the results' identity, stamped on after a cache lookup by `withIdentity`).
 *
 * Presentation-only keys (a change only redraws: figures, document, PDF):
 * - title, subtitle, authors, description, date: the title page, metadata and headings;
 * - name, version: the output folder (and the identity stamped on the results);
 * - figures: which figures are drawn; output (dpi, paper): how they are drawn and printed;
 * - characteristics: Table 2 (its file is read for the document only, never by the statistics).
 * Everything else is statistical, including text that results.json carries (index_test,
 * target_condition, reference_standard and findings.setting head the summary-of-findings table in
 * results.json). The data enter as parsed (the 2x2 tables, labels, covariates and the QUADAS-2
 * judgements as analysed), so a data file that is only re-saved or re-quoted keeps its results, and
 * the key does not depend on the working folder.
 */
import type { CovariateInfo, Study, StudyData } from '../data/studies.ts';
import type { QuadasData } from '../data/quadas.ts';
import type { AnalysisSpec } from '../spec/schema.ts';
import type { AnalysisResults } from './types.ts';

/** Spec keys that change only the presentation, never a number in results.json. */
export const PRESENTATION_KEYS = ['title', 'subtitle', 'authors', 'description', 'date', 'name', 'version', 'figures', 'output', 'characteristics'] as const satisfies readonly (keyof AnalysisSpec)[];

/** Spec keys that results.json depends on (the test checks that these and the above are all the keys). */
export const STATISTICAL_KEYS = ['index_test', 'target_condition', 'reference_standard', 'data', 'covariates', 'model', 'subgroups', 'sensitivity', 'fagan', 'findings', 'prisma', 'searches', 'quadas', 'published'] as const satisfies readonly (keyof AnalysisSpec)[];

export interface StatisticalInputs {
  /** the validated spec (defaults filled in) without its presentation-only keys */
  spec: Record<string, unknown>;
  studies: Study[];
  covariates: CovariateInfo[];
  quadas: QuadasData | null;
}

const presentation = new Set<string>(PRESENTATION_KEYS);

/** The inputs the results are computed from (see the module comment). */
export function statisticalInputs(spec: AnalysisSpec, data: StudyData, quadas: QuadasData | undefined): StatisticalInputs {
  return {
    spec: Object.fromEntries(Object.entries(spec).filter(([key]) => !presentation.has(key))),
    studies: data.studies,
    covariates: data.covariates,
    quadas: quadas ?? null,
  };
}

/** Results with this analysis's identity (name, title, version), whoever computed them. */
export function withIdentity(results: AnalysisResults, name: string, spec: Pick<AnalysisSpec, 'title' | 'version'>): AnalysisResults {
  return { ...results, analysis: { name, title: spec.title, version: String(spec.version) } };
}
