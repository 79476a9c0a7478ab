/**
 * Stage 3: validated spec + studies → results. Pure: no I/O, no formatting. Each block records the
 * method that produced it.
 */
import type { StudyData } from '../data/studies.ts';
import type { AnalysisSpec, ModelSettings } from '../spec/schema.ts';
import { clopperPearson } from '../stats/clopper-pearson.ts';
import type { Interval } from '../stats/types.ts';
import { ENGINE_VERSION } from '../version.ts';
import { defaultNodePlacement } from '../stats/glmm-node-placement.ts';
import { deeksOrNull, poolStudies, type PooledOptions } from './pooled.ts';
import { subgroupAnalysis, type SubgroupAnalysis } from './subgroups.ts';
import { cumulativeMetaAnalysis, type CumulativeResults } from './cumulative.ts';
import { parallelMap, type ParallelTask } from './parallel.ts';
import { influenceAnalysis } from './influence.ts';
import { midasCompatibility } from './midas-compat.ts';
import { midasBivreg } from './midas-bivreg.ts';
import { faganNomogram, likelihoodRatioPoints, studyRatioEstimates, type StudyRatioEstimates } from './clinical.ts';
import { publishedComparison } from './published.ts';
import { prismaFlow } from './prisma.ts';
import { summaryOfFindings } from './findings.ts';
import { quadasCounts, type QuadasData } from '../data/quadas.ts';
import type { AnalysisResults, ProvenanceSummary, StudyResult } from './types.ts';
import { groupingAnalysis, hasRepeatedStudies, participantCount, type GroupedCounts, type GroupingResult, type Structure } from './grouping.ts';
import type { OnProgress } from './progress.ts';

function interval(result: ReturnType<typeof clopperPearson>): Interval {
  // an empty arm (kept for the other arm) has no proportion: NaN, shown as "no diseased"/"no non-diseased"
  return { est: result.est ?? Number.NaN, lo: result.lo ?? Number.NaN, hi: result.hi ?? Number.NaN };
}

/** Everything `analyze` hands to the parts of the analysis (structured-cloneable: helpers get a copy). */
interface PartsShared {
  spec: AnalysisSpec;
  data: StudyData;
  counts: GroupedCounts[];
  options: PooledOptions;
}

type PartInput = { kind: 'core' } | { kind: 'subgroup'; index: number } | { kind: 'cumulative' };

/** The pooled model with what depends on it: grouping fits, leave-one-out and sensitivity refits. */
function corePart({ spec, data, counts, options }: PartsShared, onProgress: OnProgress | undefined) {
  onProgress?.({ stage: 'results', step: 'model', detail: `${counts.length} tables` });
  const pooled = poolStudies(counts, options, onProgress);
  let grouping: GroupingResult | null = null;
  let independent = pooled;
  if (spec.data.group !== undefined && hasRepeatedStudies(counts)) {
    const analysis = groupingAnalysis(counts, pooled, options, { column: spec.data.group, source: spec.model.structure ? 'spec' : 'default', oneTablePerStudy: spec.sensitivity.one_table_per_study }, poolStudies);
    grouping = analysis.result;
    independent = analysis.independent;
  }
  const excludeLabels = spec.sensitivity.exclude ?? [];
  const influence = influenceAnalysis(counts, pooled, options, {
    leaveOneOut: spec.sensitivity.leave_one_out,
    outliers: spec.sensitivity.outliers,
    exclude: data.studies.flatMap((s, i) => (excludeLabels.includes(s.label) ? [i] : [])),
    ...(onProgress ? { onProgress } : {}),
  });
  return { pooled, grouping, independent, influence };
}

function subgroupPart({ spec, data, counts, options }: PartsShared, index: number, onProgress: OnProgress | undefined): SubgroupAnalysis {
  const name = spec.subgroups[index]!;
  const info = data.covariates.find((c) => c.name === name)!;
  onProgress?.({ stage: 'results', step: 'subgroups', detail: name, done: index, total: spec.subgroups.length });
  return subgroupAnalysis(
    counts,
    data.studies.map((s) => s.covariates[name] ?? null),
    { name, label: info.label, type: info.type, ...(info.levels ? { levels: info.levels } : {}), ...(info.levelLabels ? { levelLabels: info.levelLabels } : {}) },
    options,
    onProgress,
  );
}

type PartOutput = ReturnType<typeof corePart> | SubgroupAnalysis | CumulativeResults;

/**
 * The independent parts of an analysis, as one parallel map (src/results/parallel.ts): the model
 * with its leave-one-out refits first (the longest, taken by this thread), then the cumulative
 * meta-analysis and each subgroup analysis. Each part is a pure function of the spec and the data,
 * so the results do not depend on which thread ran which part.
 */
export const ANALYSIS_PART: ParallelTask<PartsShared, PartInput, PartOutput> = {
  name: 'analysis-part',
  run: (input, shared, context) => {
    const onProgress = context?.onProgress;
    if (input.kind === 'core') return corePart(shared, onProgress);
    if (input.kind === 'subgroup') return subgroupPart(shared, input.index, onProgress);
    onProgress?.({ stage: 'results', step: 'cumulative' });
    return cumulativeMetaAnalysis(shared.data.studies, shared.spec, shared.options);
  },
};

/**
 * The results of an analysis. `extra.onProgress` hears each step (model, bootstrap and
 * leave-one-out refits, subgroups) run on this thread, and each part finished; `extra.cumulative`
 * adds the cumulative meta-analysis (results.cumulative, last).
 */
export function analyze(spec: AnalysisSpec, data: StudyData, name: string, extra: { quadas?: QuadasData; onProgress?: OnProgress; cumulative?: boolean } = {}): AnalysisResults {
  const onProgress = extra.onProgress;
  const level = spec.model.level;
  const studies: StudyResult[] = data.studies.map((study, index) => {
    const { tp, fp, fn, tn } = study.counts;
    return {
      number: index + 1,
      label: study.label,
      row: study.row,
      counts: study.counts,
      nDiseased: tp + fn,
      nNonDiseased: fp + tn,
      sens: interval(clopperPearson(tp, tp + fn, level)),
      spec: interval(clopperPearson(tn, tn + fp, level)),
      ...(study.group !== undefined ? { group: study.group } : {}),
      ...(study.provenance !== undefined ? { provenance: study.provenance } : {}),
      covariates: study.covariates,
    };
  });
  // the tables with their study (data.group): grouped models, leave-one-study-out and participant counts use it
  const counts: GroupedCounts[] = studies.map((s) => (s.group !== undefined ? { ...s.counts, group: s.group } : { ...s.counts }));
  const participants = participantCount(counts, spec.data.shared_test_set ?? []);
  const provenanceCounts: Record<string, number> = {};
  for (const study of studies) {
    const key = study.provenance ?? (spec.data.provenance?.status ?? 'real');
    provenanceCounts[key] = (provenanceCounts[key] ?? 0) + 1;
  }
  const provenance: ProvenanceSummary = {
    status: spec.data.provenance?.status ?? 'real',
    ...(spec.data.provenance?.note ? { note: spec.data.provenance.note } : {}),
    counts: provenanceCounts,
  };
  const options = pooledOptions(spec);
  // the parts on all cores: the model (with leave-one-out) first, then the cumulative analysis and the subgroups
  const parts: PartInput[] = [{ kind: 'core' }, ...(extra.cumulative ? [{ kind: 'cumulative' } as const] : []), ...spec.subgroups.map((_, index) => ({ kind: 'subgroup', index }) as const)];
  const partNames = ['model with leave-one-out', ...(extra.cumulative ? ['cumulative meta-analysis'] : []), ...(spec.subgroups.length > 0 ? [`${spec.subgroups.length} subgroup ${spec.subgroups.length === 1 ? 'analysis' : 'analyses'}`] : [])].join(', ');
  const partsDone = parts.length > 1 && onProgress ? (done: number, total: number) => onProgress({ stage: 'results', step: 'parts', done, total, detail: partNames }) : undefined;
  partsDone?.(0, parts.length);
  const outputs = parallelMap(ANALYSIS_PART, { spec, data, counts, options }, parts, partsDone, {
    minimumJobs: 2,
    ...(onProgress ? { context: { onProgress } } : {}),
  });
  const { pooled, grouping, independent, influence } = outputs[0] as ReturnType<typeof corePart>;
  const cumulative = extra.cumulative ? (outputs[1] as CumulativeResults) : undefined;
  const subgroups = outputs.slice(extra.cumulative ? 2 : 1) as SubgroupAnalysis[];
  // midas treats every table as a study: its compatibility values come from the independent-tables fit
  const midasOptions: PooledOptions = { ...options, structure: 'independent' };
  const totals = {
    participants: participants.participants,
    diseased: participants.diseased,
    nonDiseased: participants.nonDiseased,
    groups: new Set(studies.map((s) => s.group ?? s.label)).size,
    participantsSumOfTables: participants.sumOfTables.participants,
    countedOnce: participants.countedOnce,
    summed: participants.summed,
  };
  // a data set that does not support Deeks' test gets a note with the model's (summary section)
  const deeks = deeksOrNull(counts, options, pooled.model.notes);
  const findings = summaryOfFindings({ spec, studies, totals, pooled, deeks, level, quadas: extra.quadas ? { domains: extra.quadas.domains, provenance: spec.quadas?.provenance ?? 'real' } : null });
  const ratios = (measure: StudyRatioEstimates['measure']): StudyRatioEstimates | null => {
    const univariate = pooled.univariate[measure];
    return univariate ? studyRatioEstimates(counts, measure, univariate.tau2, level) : null;
  };
  return {
    engineVersion: ENGINE_VERSION,
    analysis: { name, title: spec.title, version: String(spec.version) },
    level,
    k: studies.length,
    totals,
    studyMethod: `Study-level sensitivity and specificity with exact (Clopper–Pearson) ${Math.round(level * 100)}% confidence intervals`,
    studies,
    covariates: data.covariates,
    provenance,
    options: { ...options, compat: spec.model.compat },
    pooled,
    deeks,
    influence,
    fagan: faganNomogram(counts, pooled, spec.fagan?.prior, findings?.prevalences.map((p) => ({ value: p.value, label: p.label })) ?? [], participants),
    likelihoodRatios: likelihoodRatioPoints(counts, options.level),
    studyRatios: { dor: ratios('logDor'), lrPositive: ratios('logLrPos'), lrNegative: ratios('logLrNeg') },
    published: publishedComparison(spec.published, { pooled: independent, subgroups, deeks, compat: spec.model.compat }),
    midasCompatibility: spec.model.compat === 'midas' ? midasCompatibility(counts, independent, midasOptions) : null,
    midasMetaRegression:
      spec.model.compat === 'midas'
        ? spec.subgroups.flatMap((name) => {
            const info = data.covariates.find((c) => c.name === name);
            if (!info || info.type !== 'categorical') return [];
            const result = midasBivreg(counts, studies.map((s) => s.covariates[name] ?? null), { name: info.label, ...(info.levels ? { levels: info.levels.map(String) } : {}) }, midasOptions);
            return result ? [{ ...result, levels: { yes: info.levelLabels?.[result.levels.yes] ?? result.levels.yes, no: info.levelLabels?.[result.levels.no] ?? result.levels.no } }] : [];
          })
        : null,
    prisma: prismaFlow(spec, { tablesAnalysed: studies.length }) ?? null,
    grouping,
    quadas: extra.quadas ? { data: extra.quadas, counts: quadasCounts(extra.quadas), provenance: spec.quadas?.provenance ?? 'real' } : null,
    findings,
    subgroups,
    ...(cumulative ? { cumulative } : {}),
  };
}

/**
 * How the GLMM treats several tables of one study: the spec's model.structure, else nested when
 * data.group is given (see grouping.ts for why), else independent.
 */
export function specStructure(spec: Pick<AnalysisSpec, 'data' | 'model'>): Structure {
  if (spec.model.method !== 'glmm') return 'independent';
  return spec.model.structure ?? (spec.data.group !== undefined ? 'nested' : 'independent');
}

/** Model settings from the spec. */
export function pooledOptions(spec: AnalysisSpec): PooledOptions {
  return { ...modelOptions(spec.model), structure: specStructure(spec) };
}

/**
 * Pooling options from the `model:` settings (defaults filled in by ModelSettingsSchema): the one
 * mapping used by `metadx report` and `metadx fit`, so both give the same answer for the same settings.
 */
export function modelOptions(model: ModelSettings): PooledOptions {
  return {
    // grouping needs the data's study column (data.group): pooledOptions sets it from the spec
    structure: model.method === 'glmm' ? (model.structure ?? 'independent') : 'independent',
    method: model.method,
    quadrature: model.quadrature,
    nodes: model.nodes ?? defaultNodePlacement(model.quadrature),
    srocRange: model.sroc_range,
    correction: model.correction,
    correctionValue: model.correction_value,
    region: model.region,
    level: model.level,
    aucCi: model.auc_ci,
    bootstrap: model.bootstrap,
    seed: model.seed,
  };
}
