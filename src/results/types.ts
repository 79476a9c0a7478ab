/**
 * The results artifact (`results.json`): everything the figures and the document show, computed
 * once by the stats engine at full precision. JSON-serialisable; no formatted strings.
 */
import type { Counts, Interval } from '../stats/types.ts';
import type { DeeksResult } from '../stats/deeks.ts';
import type { PooledOptions, PooledResult } from './pooled.ts';
import type { SubgroupAnalysis } from './subgroups.ts';
import type { InfluenceResult } from './influence.ts';
import type { CompatItem } from './midas-compat.ts';
import type { MidasBivregResult } from './midas-bivreg.ts';
import type { FaganResult, LikelihoodRatioPoint, StudyRatioEstimates } from './clinical.ts';
import type { PublishedComparison } from './published.ts';
import type { PrismaFlow } from './prisma.ts';
import type { CumulativeResults } from './cumulative.ts';
import type { FindingsResult } from './findings.ts';
import type { VersionComparison } from '../output/compare.ts';
import type { QuadasData, QuadasDomainCount } from '../data/quadas.ts';
import type { CovariateInfo, CovariateValue } from '../data/studies.ts';
import type { GroupingResult } from './grouping.ts';

export interface StudyResult {
  /** the table's number: the "#" column of the study table and the point labels of every figure (1…k, data order) */
  number: number;
  label: string;
  row: number;
  counts: Counts;
  nDiseased: number;
  nNonDiseased: number;
  /** sensitivity TP/(TP+FN) with exact Clopper–Pearson CI */
  sens: Interval;
  /** specificity TN/(TN+FP) with exact Clopper–Pearson CI */
  spec: Interval;
  group?: string;
  provenance?: string;
  covariates: Record<string, CovariateValue>;
}

export interface ProvenanceSummary {
  status: 'real' | 'partly-simulated' | 'simulated' | 'incomplete';
  note?: string;
  /** rows per provenance label, e.g. { simulated: 20, extracted: 2 } */
  counts: Record<string, number>;
}

export interface AnalysisResults {
  /** metadx engine version that computed these results */
  engineVersion: string;
  analysis: { name: string; title: string; version: string };
  level: number;
  k: number;
  /**
   * participants, diseased and non-diseased, counted once for the studies whose tables share one
   * test set (data.shared_test_set: `countedOnce`), else summed over tables (`summed`: studies
   * with several tables whose counts are sums of tables); groups = studies
   */
  totals: {
    participants: number;
    diseased: number;
    nonDiseased: number;
    groups: number;
    participantsSumOfTables?: number;
    countedOnce?: string[];
    summed?: string[];
  };
  studyMethod: string;
  studies: StudyResult[];
  covariates: CovariateInfo[];
  provenance: ProvenanceSummary;
  /** settings the models were fitted with (from the spec) */
  options: PooledOptions & { compat: 'none' | 'midas' };
  /** the primary pooled analysis of all studies */
  pooled: PooledResult;
  /** Deeks' funnel-plot asymmetry test (null with fewer than 3 studies) */
  deeks: DeeksResult | null;
  /** PRISMA 2020 flow (counts given, derived or unknown, and arithmetic checks), when the spec has counts */
  prisma: PrismaFlow | null;
  /** QUADAS-2 judgements and per-domain counts, when the spec names a file */
  quadas: { data: QuadasData; counts: QuadasDomainCount[]; provenance: 'real' | 'stand-in' } | null;
  /** outliers (bivariate box plot, standardised residuals), leave-one-out, sensitivity analyses */
  influence: InfluenceResult;
  /** Fagan nomogram from the summary likelihood ratios (null when they are not estimable) */
  fagan: FaganResult | null;
  /** per-study likelihood ratios for the LR scattergram */
  likelihoodRatios: LikelihoodRatioPoint[];
  /** per-study DOR, LR+ and LR− with CIs and their weights in the univariate REML pool (forest plots of these measures) */
  studyRatios: { dor: StudyRatioEstimates | null; lrPositive: StudyRatioEstimates | null; lrNegative: StudyRatioEstimates | null };
  /** the published results (spec `published:`) next to the reproduced ones, with the differences */
  published: PublishedComparison | null;
  /** with `compat: midas`: where Stata midas would print something else, and by how much */
  midasCompatibility: CompatItem[] | null;
  /** with `compat: midas`: midas's meta-regression for each two-level subgroup covariate */
  midasMetaRegression: MidasBivregResult[] | null;
  /** several tables per study (data.group): the fit under each structure and with one table per study */
  grouping?: GroupingResult | null;
  /** one analysis per covariate listed under `subgroups:` in the spec */
  subgroups: SubgroupAnalysis[];
  /** summary of findings: natural frequencies per 1,000 tested at each prevalence and GRADE certainty (null when not estimable) */
  findings: FindingsResult | null;
  /** cumulative meta-analysis by publication year and by search (src/results/cumulative.ts; added by the pipeline) */
  cumulative?: CumulativeResults | null;
  /** what changed since the previous version of this analysis (src/output/compare.ts; set by the pipeline) */
  changes?: VersionComparison | null;
}
