/**
 * Certainty of the evidence (GRADE for test accuracy) for the two pairs of outcomes of a
 * summary-of-findings table: true positives and false negatives (from sensitivity), true negatives
 * and false positives (from specificity). Evidence from cross-sectional or cohort accuracy studies
 * starts at high certainty and is rated down one level for a serious and two for a very serious
 * concern in each domain (Schünemann et al. 2008, 2020).
 *
 * Each domain gets a computed SUGGESTION from stated thresholds, with the numbers behind it; the
 * reviewers' judgement from the spec (`findings.certainty`, with a reason) overrides it, and both
 * are kept. A domain the data cannot inform (no QUADAS-2 file, no applicability columns, no
 * prediction region, no Deeks test) has no suggestion and is not rated down unless the reviewers
 * rate it; the report says so.
 *
 * Rules (THRESHOLDS below):
 * - risk of bias (QUADAS-2 risk-of-bias domains; both outcomes): per domain the share of 2x2
 *   tables judged at high risk, and at high or unclear risk (each table takes its study's
 *   judgement; tables without one are left out of the share). Very serious if any domain has
 *   ≥ 50% of tables at high risk; serious if any domain has ≥ 25% at high risk or ≥ 50% at high or
 *   unclear risk.
 * - indirectness (QUADAS-2 applicability domains; both outcomes): the same rule on concerns.
 * - inconsistency (per outcome): the range of sensitivity (specificity) covered by the prediction
 *   region of the SROC plot; serious if wider than 0.20, very serious if wider than 0.40 (on the
 *   proportion scale). τ² and the Zhou–Dendukuri I² are reported with it.
 * - imprecision (per outcome): with judgement thresholds in the spec (findings.imprecision_thresholds,
 *   GRADE guidance 37), the number of thresholds the CI of sensitivity (specificity) crosses: one
 *   serious, two or more very serious. Without them, the width of the CI of true positives (= of
 *   false negatives) per 1,000 people with the condition, i.e. 1,000 × the width of the CI of
 *   sensitivity (likewise true negatives/false positives per 1,000 without the condition); serious
 *   above 100, very serious above 200. The widths per 1,000 tested at each prevalence are reported.
 * - publication bias (both outcomes): Deeks' test; serious (suspected) if p < 0.10. With fewer
 *   than 10 tables the test has little power, which the footnote says.
 *
 * References: Schünemann HJ et al. (2008). BMJ 336:1106–1110. doi:10.1136/bmj.39500.677199.AE;
 * Schünemann HJ et al. (2020). GRADE guidelines: 21 part 1. J Clin Epidemiol 122:129–141.
 * doi:10.1016/j.jclinepi.2019.12.020; part 2. J Clin Epidemiol 122:142–152.
 * doi:10.1016/j.jclinepi.2019.12.021; Mustafa RA et al. (2024). GRADE guidance 37: rating
 * imprecision in a body of evidence on test accuracy. J Clin Epidemiol 165:111189.
 * doi:10.1016/j.jclinepi.2023.10.005; Deeks JJ et al. (2005). J Clin Epidemiol 58:882–893.
 * doi:10.1016/j.jclinepi.2005.01.016
 */
import { QUADAS_DOMAINS, type QuadasDomainId, type QuadasGroup } from '../data/quadas.ts';
import type { AnalysisSpec } from '../spec/schema.ts';
import type { DeeksResult } from '../stats/deeks.ts';
import type { NaturalFrequencies } from '../stats/natural-frequencies.ts';
import { predictionRange } from '../stats/prediction-range.ts';
import type { Interval } from '../stats/types.ts';
import type { PooledResult } from './pooled.ts';
import type { StudyResult } from './types.ts';

export type CertaintyDomain = 'risk_of_bias' | 'indirectness' | 'inconsistency' | 'imprecision' | 'publication_bias';
export type Rating = 'not-serious' | 'serious' | 'very-serious';
export type FindingsOutcome = 'sensitivity' | 'specificity';
export type CertaintyLevel = 'high' | 'moderate' | 'low' | 'very-low';

export const CERTAINTY_DOMAINS: readonly CertaintyDomain[] = ['risk_of_bias', 'indirectness', 'inconsistency', 'imprecision', 'publication_bias'];

/** The thresholds of the suggestions (see the module comment). */
export const THRESHOLDS = {
  quadas: { highSerious: 0.25, highVerySerious: 0.5, highOrUnclearSerious: 0.5 },
  predictionRangeWidth: { serious: 0.2, verySerious: 0.4 },
  ciWidthPer1000: { serious: 100, verySerious: 200 },
  deeksP: 0.1,
  deeksLowPowerBelow: 10,
} as const;

export interface QuadasShare {
  domain: QuadasDomainId;
  /** tables with a judgement in this domain */
  assessed: number;
  high: number;
  unclear: number;
  notAssessed: number;
  shareHigh: number;
  shareHighOrUnclear: number;
}

/** The numbers behind a suggestion. */
export type CertaintyBasis =
  | { kind: 'quadas'; group: QuadasGroup; shares: QuadasShare[]; provenance: 'real' | 'stand-in' }
  | { kind: 'prediction-region'; pooled: Interval; range: Interval; width: number; tau2: number; i2: number | null }
  | { kind: 'ci-width'; ci: Interval; widthPer1000: number; atPrevalences: { prevalence: number; lo: number; hi: number; width: number }[] }
  | { kind: 'ci-thresholds'; ci: Interval; thresholds: number[]; crossed: number[] }
  | { kind: 'deeks'; p: number; k: number }
  | { kind: 'not-available'; reason: 'no-quadas' | 'no-applicability' | 'no-prediction-region' | 'no-ci' | 'no-deeks' };

export interface DomainAssessment {
  domain: CertaintyDomain;
  /** computed suggestion (null: the data cannot inform it) */
  suggested: Rating | null;
  basis: CertaintyBasis;
  /** the reviewers' judgement from the spec, when given (it wins) */
  reviewer: { rating: Rating; reason: string } | null;
  /** reviewer ?? suggested; null: not rated (not downgraded) */
  final: Rating | null;
  /** levels rated down: 0, 1 or 2 */
  downgrade: number;
}

export interface OutcomeCertainty {
  outcome: FindingsOutcome;
  start: 'high';
  domains: DomainAssessment[];
  downgrades: number;
  level: CertaintyLevel;
  /** domains with neither a suggestion nor a reviewer judgement */
  notRated: CertaintyDomain[];
}

export interface CertaintyInput {
  studies: readonly StudyResult[];
  pooled: PooledResult;
  deeks: DeeksResult | null;
  quadas: { domains: readonly QuadasDomainId[]; provenance: 'real' | 'stand-in' } | null;
  frequencies: readonly NaturalFrequencies[];
  judgements: NonNullable<AnalysisSpec['findings']>['certainty'];
  /** judgement thresholds of sensitivity / specificity for imprecision (GRADE guidance 37), when given */
  thresholds?: NonNullable<AnalysisSpec['findings']>['imprecision_thresholds'];
}

const LEVELS: CertaintyLevel[] = ['very-low', 'low', 'moderate', 'high'];
const STEPS: Record<Rating, number> = { 'not-serious': 0, serious: 1, 'very-serious': 2 };

/** Share of tables per QUADAS-2 domain of a group, from the per-table covariates quadas_<domain>. */
export function quadasShares(studies: readonly StudyResult[], domains: readonly QuadasDomainId[], group: QuadasGroup): QuadasShare[] {
  return QUADAS_DOMAINS.filter((d) => d.group === group && domains.includes(d.id)).map(({ id }) => {
    const values = studies.map((s) => s.covariates[`quadas_${id}`]);
    const high = values.filter((v) => v === 'high').length;
    const unclear = values.filter((v) => v === 'unclear').length;
    const assessed = values.filter((v) => v === 'high' || v === 'unclear' || v === 'low').length;
    return { domain: id, assessed, high, unclear, notAssessed: studies.length - assessed, shareHigh: assessed > 0 ? high / assessed : 0, shareHighOrUnclear: assessed > 0 ? (high + unclear) / assessed : 0 };
  });
}

function quadasRating(shares: readonly QuadasShare[]): Rating {
  const t = THRESHOLDS.quadas;
  if (shares.some((s) => s.shareHigh >= t.highVerySerious)) return 'very-serious';
  if (shares.some((s) => s.shareHigh >= t.highSerious || s.shareHighOrUnclear >= t.highOrUnclearSerious)) return 'serious';
  return 'not-serious';
}

const byWidth = (width: number, serious: number, verySerious: number): Rating => (width > verySerious ? 'very-serious' : width > serious ? 'serious' : 'not-serious');

function suggest(domain: CertaintyDomain, outcome: FindingsOutcome, input: CertaintyInput): { suggested: Rating | null; basis: CertaintyBasis } {
  const { pooled, quadas } = input;
  switch (domain) {
    case 'risk_of_bias':
    case 'indirectness': {
      const group: QuadasGroup = domain === 'risk_of_bias' ? 'risk_of_bias' : 'applicability';
      if (!quadas) return { suggested: null, basis: { kind: 'not-available', reason: 'no-quadas' } };
      const shares = quadasShares(input.studies, quadas.domains, group);
      if (shares.length === 0 || shares.every((s) => s.assessed === 0)) return { suggested: null, basis: { kind: 'not-available', reason: group === 'applicability' ? 'no-applicability' : 'no-quadas' } };
      return { suggested: quadasRating(shares), basis: { kind: 'quadas', group, shares, provenance: quadas.provenance } };
    }
    case 'inconsistency': {
      const which = outcome === 'sensitivity' ? 'sens' : 'spec';
      if (!pooled.regions || pooled.covRe === null || ![pooled.tau2.sens, pooled.tau2.spec, pooled.covRe, ...pooled.vcov.flat()].every(Number.isFinite)) {
        return { suggested: null, basis: { kind: 'not-available', reason: 'no-prediction-region' } };
      }
      const range = predictionRange(pooled.mu, pooled.vcov, [[pooled.tau2.sens, pooled.covRe], [pooled.covRe, pooled.tau2.spec]], pooled.regions.radius)[which];
      const width = range.hi - range.lo;
      const zd = pooled.heterogeneity.zhouDendukuri;
      const summary = pooled.summary[which];
      return {
        suggested: byWidth(width, THRESHOLDS.predictionRangeWidth.serious, THRESHOLDS.predictionRangeWidth.verySerious),
        basis: { kind: 'prediction-region', pooled: { est: summary.est, lo: summary.lo, hi: summary.hi }, range, width, tau2: pooled.tau2[which], i2: zd ? (which === 'sens' ? zd.I2Sens : zd.I2Spec) : null },
      };
    }
    case 'imprecision': {
      const summary = pooled.summary[outcome === 'sensitivity' ? 'sens' : 'spec'];
      if (!Number.isFinite(summary.lo) || !Number.isFinite(summary.hi)) return { suggested: null, basis: { kind: 'not-available', reason: 'no-ci' } };
      const thresholds = input.thresholds?.[outcome];
      if (thresholds && thresholds.length > 0) {
        // GRADE guidance 37: count the judgement thresholds the CI crosses (strictly inside it)
        const crossed = thresholds.filter((t) => t > summary.lo && t < summary.hi);
        return {
          suggested: crossed.length >= 2 ? 'very-serious' : crossed.length === 1 ? 'serious' : 'not-serious',
          basis: { kind: 'ci-thresholds', ci: { est: summary.est, lo: summary.lo, hi: summary.hi }, thresholds: [...thresholds], crossed },
        };
      }
      const widthPer1000 = 1000 * (summary.hi - summary.lo);
      const atPrevalences = input.frequencies.map((f) => {
        const cell = outcome === 'sensitivity' ? f.truePositives : f.trueNegatives;
        return { prevalence: f.prevalence, lo: cell.lo, hi: cell.hi, width: cell.hi - cell.lo };
      });
      return {
        suggested: byWidth(widthPer1000, THRESHOLDS.ciWidthPer1000.serious, THRESHOLDS.ciWidthPer1000.verySerious),
        basis: { kind: 'ci-width', ci: { est: summary.est, lo: summary.lo, hi: summary.hi }, widthPer1000, atPrevalences },
      };
    }
    case 'publication_bias': {
      const deeks = input.deeks;
      if (!deeks || !Number.isFinite(deeks.slopeP)) return { suggested: null, basis: { kind: 'not-available', reason: 'no-deeks' } };
      return { suggested: deeks.slopeP < THRESHOLDS.deeksP ? 'serious' : 'not-serious', basis: { kind: 'deeks', p: deeks.slopeP, k: deeks.k } };
    }
  }
}

/** GRADE certainty of one outcome pair: suggestions, the reviewers' judgements and the result. */
export function outcomeCertainty(outcome: FindingsOutcome, input: CertaintyInput): OutcomeCertainty {
  const judgements = input.judgements?.[outcome];
  const domains = CERTAINTY_DOMAINS.map((domain): DomainAssessment => {
    const { suggested, basis } = suggest(domain, outcome, input);
    const given = judgements?.[domain];
    const reviewer = given ? { rating: given.rating, reason: given.reason } : null;
    const final = reviewer?.rating ?? suggested;
    return { domain, suggested, basis, reviewer, final, downgrade: final ? STEPS[final] : 0 };
  });
  const downgrades = domains.reduce((sum, d) => sum + d.downgrade, 0);
  return {
    outcome,
    start: 'high',
    domains,
    downgrades,
    level: LEVELS[Math.max(0, 3 - downgrades)]!,
    notRated: domains.filter((d) => d.final === null).map((d) => d.domain),
  };
}
