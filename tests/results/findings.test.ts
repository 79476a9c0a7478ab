/**
 * Summary of findings from the pipeline's own fit (bivariate GLMM, Laplace) against the R oracle
 * (tests/fixtures-r/natural-frequencies.R: lme4::glmer fit, natural frequencies at two prevalences,
 * default prevalences), and the GRADE certainty rules at and around their thresholds.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outcomeCertainty, quadasShares, THRESHOLDS, type CertaintyInput } from '../../src/results/certainty.ts';
import { findingsPrevalences, summaryOfFindings } from '../../src/results/findings.ts';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import type { StudyResult } from '../../src/results/types.ts';
import { AnalysisSpecSchema, type AnalysisSpec } from '../../src/spec/schema.ts';
import type { DeeksResult } from '../../src/stats/deeks.ts';
import { referenceRows } from '../helpers/reference.ts';

const laplace: PooledOptions = { method: 'glmm', quadrature: 1, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 1 };
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures-r', 'natural-frequencies.json'), 'utf8'));
/** metadx's Laplace fit matches glmer's pooled logits to ~1e-6; per 1,000 that is ~1e-3 at most. */
const PER_1000 = 2e-3;
const PROPORTION = 2e-6;

const spec = (findings?: unknown): AnalysisSpec => AnalysisSpecSchema.parse({ title: 'T', version: 1, data: { file: 'd.csv' }, ...(findings ? { findings } : {}) });

function studiesOf(name: string): StudyResult[] {
  return referenceRows(name).map((r, i) => ({
    label: r.study,
    row: i + 1,
    number: i + 1,
    counts: { tp: r.tp, fp: r.fp, fn: r.fn, tn: r.tn },
    nDiseased: r.tp + r.fn,
    nNonDiseased: r.fp + r.tn,
    sens: { est: 0, lo: 0, hi: 0 },
    spec: { est: 0, lo: 0, hi: 0 },
    covariates: {},
  }));
}

function findingsFor(name: string, prevalences?: number[]) {
  const studies = studiesOf(name);
  const pooled = poolStudies(studies.map((s) => s.counts), laplace);
  const diseased = studies.reduce((a, s) => a + s.nDiseased, 0);
  const nonDiseased = studies.reduce((a, s) => a + s.nNonDiseased, 0);
  return summaryOfFindings({
    spec: spec(prevalences ? { prevalences: prevalences.map((value) => ({ value, label: `p = ${value}`, source: 'test' })) } : undefined),
    studies,
    totals: { participants: diseased + nonDiseased, diseased, nonDiseased, groups: studies.length },
    pooled,
    deeks: null,
    quadas: null,
    level: 0.95,
  })!;
}

const CELLS = [
  ['truePositives', 'true_positives', PER_1000],
  ['falseNegatives', 'false_negatives', PER_1000],
  ['trueNegatives', 'true_negatives', PER_1000],
  ['falsePositives', 'false_positives', PER_1000],
  ['testPositive', 'test_positive', PER_1000],
  ['testNegative', 'test_negative', PER_1000],
  ['ppv', 'ppv', PROPORTION],
  ['npv', 'npv', PROPORTION],
] as const;

describe.each(Object.keys(fixture.datasets))('summary of findings of %s vs R (glmer Laplace)', (name) => {
  const expected = fixture.datasets[name];
  it('natural frequencies per 1,000 with CIs at two prevalences', () => {
    const findings = findingsFor(name, expected.at.map((a: { prevalence: number }) => a.prevalence));
    expected.at.forEach((at: Record<string, { est: number; lo: number; hi: number }> & { prevalence: number }, i: number) => {
      const got = findings.frequencies[i]!;
      expect(got.prevalence).toBe(at.prevalence);
      for (const [ours, theirs, tolerance] of CELLS) {
        for (const key of ['est', 'lo', 'hi'] as const) {
          const message = `${name} p=${at.prevalence} ${ours}.${key}: got ${got[ours][key]}, expected ${at[theirs]![key]} (tolerance ${tolerance})`;
          expect(Math.abs(got[ours][key] - at[theirs]![key]), message).toBeLessThanOrEqual(tolerance);
        }
      }
    });
  });
  it('default prevalences: lowest, median and highest of the included tables', () => {
    const prevalences = findingsPrevalences(spec(), studiesOf(name));
    const { min, median, max } = expected.default_prevalences;
    const distinct = [min, median, max].filter((v, i, all) => all.indexOf(v) === i);
    expect(prevalences.map((p) => p.value)).toHaveLength(distinct.length);
    prevalences.forEach((p, i) => expect(p.value).toBeCloseTo(distinct[i]!, 12));
    expect(prevalences[0]!.source).toMatch(/^the included table /);
    expect(prevalences.map((p) => p.origin)).toContain('median');
  });
});

describe('GRADE certainty suggestions', () => {
  const studies = (judgements: string[]): StudyResult[] =>
    judgements.map((j, i) => ({ ...studiesOf('scheidler_lag')[0]!, label: `t${i}`, covariates: { quadas_rob_patient_selection: j, quadas_rob_index_test: 'low', quadas_rob_reference_standard: 'low', quadas_rob_flow_timing: 'low' } }));
  const pooled = poolStudies(studiesOf('scheidler_lag').map((s) => s.counts), laplace);
  const deeks = (p: number) => ({ slopeP: p, k: 17 }) as DeeksResult;
  const input = (over: Partial<CertaintyInput>): CertaintyInput => ({
    studies: studies(['low', 'low', 'low', 'low']),
    pooled,
    deeks: deeks(0.5),
    quadas: { domains: ['rob_patient_selection', 'rob_index_test', 'rob_reference_standard', 'rob_flow_timing'], provenance: 'real' },
    frequencies: [],
    judgements: undefined,
    ...over,
  });
  const rating = (over: Partial<CertaintyInput>, domain: string, outcome: 'sensitivity' | 'specificity' = 'sensitivity') => outcomeCertainty(outcome, input(over)).domains.find((d) => d.domain === domain)!;

  it('risk of bias: shares of tables per QUADAS-2 domain, at the stated thresholds', () => {
    expect(rating({ studies: studies(['low', 'low', 'low', 'low']) }, 'risk_of_bias').suggested).toBe('not-serious');
    expect(rating({ studies: studies(['high', 'low', 'low', 'low', 'low']) }, 'risk_of_bias').suggested).toBe('not-serious'); // 20% high
    expect(rating({ studies: studies(['high', 'low', 'low', 'low']) }, 'risk_of_bias').suggested).toBe('serious'); // 25% high
    expect(rating({ studies: studies(['unclear', 'unclear', 'low', 'low']) }, 'risk_of_bias').suggested).toBe('serious'); // 50% high or unclear
    expect(rating({ studies: studies(['unclear', 'low', 'low', 'low']) }, 'risk_of_bias').suggested).toBe('not-serious'); // 25% unclear
    expect(rating({ studies: studies(['high', 'high', 'low', 'low']) }, 'risk_of_bias').suggested).toBe('very-serious'); // 50% high
    const shares = quadasShares(studies(['high', 'unclear', 'low', 'x']), ['rob_patient_selection'], 'risk_of_bias');
    expect(shares).toEqual([{ domain: 'rob_patient_selection', assessed: 3, high: 1, unclear: 1, notAssessed: 1, shareHigh: 1 / 3, shareHighOrUnclear: 2 / 3 }]);
  });

  it('no QUADAS-2 file or no applicability columns: no suggestion, not rated down', () => {
    const none = rating({ quadas: null }, 'risk_of_bias');
    expect(none.suggested).toBeNull();
    expect(none.basis).toEqual({ kind: 'not-available', reason: 'no-quadas' });
    const indirectness = rating({}, 'indirectness');
    expect(indirectness.basis).toEqual({ kind: 'not-available', reason: 'no-applicability' });
    expect(outcomeCertainty('sensitivity', input({ quadas: null })).notRated).toEqual(['risk_of_bias', 'indirectness']);
  });

  it('publication bias from Deeks p against 0.10', () => {
    expect(THRESHOLDS.deeksP).toBe(0.1);
    expect(rating({ deeks: deeks(0.099) }, 'publication_bias').suggested).toBe('serious');
    expect(rating({ deeks: deeks(0.1) }, 'publication_bias').suggested).toBe('not-serious');
    expect(rating({ deeks: null }, 'publication_bias').suggested).toBeNull();
  });

  it('inconsistency from the range of the prediction region; imprecision from the CI width per 1,000', () => {
    const inconsistency = rating({}, 'inconsistency');
    expect(inconsistency.basis.kind).toBe('prediction-region');
    if (inconsistency.basis.kind !== 'prediction-region') return;
    const width = inconsistency.basis.width;
    expect(inconsistency.suggested).toBe(width > 0.4 ? 'very-serious' : width > 0.2 ? 'serious' : 'not-serious');
    const imprecision = rating({}, 'imprecision', 'specificity');
    if (imprecision.basis.kind !== 'ci-width') throw new Error('expected a CI width');
    expect(imprecision.basis.widthPer1000).toBeCloseTo(1000 * (pooled.summary.spec.hi - pooled.summary.spec.lo), 9);
  });

  it('imprecision with judgement thresholds (GRADE guidance 37): thresholds crossed by the CI', () => {
    const { lo, hi } = pooled.summary.sens;
    const inside = (lo + hi) / 2;
    expect(rating({ thresholds: { sensitivity: [lo / 2] } }, 'imprecision')).toMatchObject({ suggested: 'not-serious', basis: { kind: 'ci-thresholds', crossed: [] } });
    expect(rating({ thresholds: { sensitivity: [inside, hi + (1 - hi) / 2] } }, 'imprecision')).toMatchObject({ suggested: 'serious', basis: { crossed: [inside] } });
    expect(rating({ thresholds: { sensitivity: [lo + (hi - lo) / 3, lo + (2 * (hi - lo)) / 3] } }, 'imprecision').suggested).toBe('very-serious');
    // thresholds for sensitivity leave specificity to the width rule
    expect(rating({ thresholds: { sensitivity: [inside] } }, 'imprecision', 'specificity').basis.kind).toBe('ci-width');
  });

  it('the reviewers win, and both judgements are kept; certainty counts the downgrades', () => {
    const judgements = { sensitivity: { publication_bias: { rating: 'not-serious' as const, reason: 'Deeks test has low power here' }, risk_of_bias: { rating: 'very-serious' as const, reason: 'case-control sampling' } } };
    const result = outcomeCertainty('sensitivity', input({ deeks: deeks(0.01), judgements }));
    const bias = result.domains.find((d) => d.domain === 'publication_bias')!;
    expect(bias).toMatchObject({ suggested: 'serious', reviewer: { rating: 'not-serious', reason: 'Deeks test has low power here' }, final: 'not-serious', downgrade: 0 });
    expect(result.domains.find((d) => d.domain === 'risk_of_bias')!.downgrade).toBe(2);
    const total = result.domains.reduce((a, d) => a + d.downgrade, 0);
    expect(result.downgrades).toBe(total);
    expect(result.level).toBe(['high', 'moderate', 'low', 'very-low'][Math.min(3, total)]);
  });
});
