/**
 * Several tables per study in the results stage: which structure is fitted, one table per study,
 * participants counted once per shared test set, and that meta-regression, subgroups and
 * leave-one-out use the grouping. Model numbers are compared with lme4::glmer
 * (tests/fixtures-r/grouping.R → grouping.json); counts with arithmetic on the data by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/reference.ts';
import { effectiveStructure, oneTablePerStudy, participantCount, studiesOf, type GroupedCounts } from '../../src/results/grouping.ts';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { metaRegression } from '../../src/results/meta-regression.ts';
import { influenceAnalysis } from '../../src/results/influence.ts';
import { subgroupAnalysis } from '../../src/results/subgroups.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture: any = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures-r', 'grouping.json'), 'utf8'));
const flagship = fixture.datasets.osteoporosis_dl;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const counts: GroupedCounts[] = flagship.tables.map((t: any) => ({ tp: t.tp, fp: t.fp, fn: t.fn, tn: t.tn, group: t.group }));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const validation: string[] = flagship.tables.map((t: any) => t.covariate);

const options = (structure: PooledOptions['structure'], quadrature = 1): PooledOptions => ({
  method: 'glmm', quadrature, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 200, seed: 1, structure,
});
const LOGIT = { name: 'coefficient vs glmer (1e-4 absolute)', abs: 1e-4 };

describe('structure, one table per study, participants', () => {
  it('grouped structures are fitted only where a study has two tables and there are two studies', () => {
    expect(effectiveStructure('nested', counts)).toBe('nested');
    expect(effectiveStructure('shared', counts)).toBe('shared');
    expect(effectiveStructure('nested', counts.map((c, i) => ({ ...c, group: String(i) })))).toBe('independent');
    expect(effectiveStructure('nested', counts.filter((c) => c.group === 'dzierzak2022'))).toBe('independent');
    expect(effectiveStructure(undefined, counts)).toBe('independent');
  });

  it('one table per study: the first in data order, or the highest Youden index', () => {
    const tables: GroupedCounts[] = [
      { tp: 8, fn: 2, tn: 8, fp: 2, group: 'a' }, // J = 0.6
      { tp: 9, fn: 1, tn: 9, fp: 1, group: 'a' }, // J = 0.8
      { tp: 5, fn: 5, tn: 5, fp: 5, group: 'b' }, // J = 0
      { tp: 10, fn: 0, tn: 9, fp: 1 }, // no group: its own study
      { tp: 7, fn: 3, tn: 9, fp: 1, group: 'a' }, // J = 0.6
    ];
    expect(oneTablePerStudy(tables, 'first')).toEqual([0, 2, 3]);
    expect(oneTablePerStudy(tables, 'best')).toEqual([1, 2, 3]);
    expect(studiesOf(tables).map((s) => s.tables)).toEqual([[0, 1, 4], [2], [3]]);
  });

  it('participants: a shared test set counts once, other repeated studies are sums (flagship: 29,251 − 5·100 − 4·340 = 27,391)', () => {
    // Dzierżak 2022: six models on one test set of 50 + 50; Yamamoto 2021: five on 150 + 190
    const result = participantCount(counts, ['dzierzak2022', 'yamamoto2021']);
    expect(result.sumOfTables.participants).toBe(29251);
    expect(result.participants).toBe(29251 - 5 * 100 - 4 * 340);
    expect(result.diseased).toBe(result.sumOfTables.diseased - 5 * 50 - 4 * 150);
    expect(result.countedOnce).toEqual(['dzierzak2022', 'yamamoto2021']);
    expect(result.summed).toEqual(['yamamoto2020', 'hsieh2021', 'kucukciloglu2023']);
  });
});

describe('the results stage uses the grouping (against glmer)', () => {
  it('pooled nested and shared fits reproduce glmer', () => {
    for (const structure of ['shared', 'nested'] as const) {
      const pooled = poolStudies(counts, options(structure));
      expect(pooled.model.structure).toBe(structure);
      expect(pooled.model.studies).toBe(flagship.studies);
      expectClose(`${structure} logit sens`, pooled.mu.sens, flagship.fits[structure].fixef.sens, LOGIT);
      expectClose(`${structure} logit spec`, pooled.mu.spec, flagship.fits[structure].fixef.spec, LOGIT);
    }
  });

  it('meta-regression on validation with nested grouping reproduces glmer', () => {
    const regression = metaRegression(counts, validation, { name: 'validation', type: 'categorical' }, options('nested'));
    const expected = flagship.meta_regression.nested;
    expect(regression.method).toMatch(/table-within-study/);
    expectClose('sens intercept', regression.coefficients.est[0]!, expected.fixef.sens, LOGIT);
    expectClose('sens:internal', regression.coefficients.est[1]!, expected.fixef['sens:x_internal'], LOGIT);
    expectClose('spec intercept', regression.coefficients.est[2]!, expected.fixef.spec, LOGIT);
    expectClose('spec:internal', regression.coefficients.est[3]!, expected.fixef['spec:x_internal'], LOGIT);
    expectClose('logLik with the covariate', regression.lrt.logLikWith, expected.logLik, { name: 'logLik (1e-4 absolute)', abs: 1e-4 });
    expectClose('logLik without', regression.lrt.logLikWithout, flagship.fits.nested.logLik, { name: 'logLik (1e-4 absolute)', abs: 1e-4 });
  });

  it('subgroups fit each level with the grouping; the LRT is the grouped meta-regression', () => {
    const analysis = subgroupAnalysis(counts, validation, { name: 'validation', label: 'Validation', type: 'categorical', levels: ['internal', 'external'] }, options('nested'));
    // both levels contain a study with several tables (internal: Dzierżak 2022 …; external: Hsieh 2021)
    expect(analysis.levels.map((l) => l.pooled.model.structure)).toEqual(['nested', 'nested']);
    expectClose('subgroup LRT logLik', analysis.metaRegression!.lrt.logLikWith, flagship.meta_regression.nested.logLik, { name: 'logLik (1e-4 absolute)', abs: 1e-4 });
  });

  it('leave-one-study-out refits (nested, Laplace) reproduce glmer without each study', () => {
    const influence = influenceAnalysis(counts, poolStudies(counts, options('nested')), options('nested'), { leaveOneOut: true, outliers: false, exclude: [] });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const expected = flagship.leave_one_study_out as any[];
    expect(influence.studyLeaveOneOut!.map((s) => s.group)).toEqual(expected.map((e) => e.study));
    influence.studyLeaveOneOut!.forEach((refit, i) => {
      const reference = expected[i].nested;
      expect(reference.converged, `glmer without ${refit.group}`).toBe(true);
      expectClose(`without ${refit.group}: logit sens`, refit.fit.mu.sens, reference.fixef.sens, LOGIT);
      expectClose(`without ${refit.group}: logit spec`, refit.fit.mu.spec, reference.fixef.spec, LOGIT);
      expectClose(`without ${refit.group}: logLik`, refit.fit.logLik!, reference.logLik, { name: 'logLik (1e-4 absolute)', abs: 1e-4 });
    });
  });

  it('leave-one-out leaves out whole studies under a grouped model (and single tables otherwise)', () => {
    const pooled = poolStudies(counts, options('shared'));
    const influence = influenceAnalysis(counts, pooled, options('shared'), { leaveOneOut: true, outliers: false, exclude: [] });
    expect(influence.leaveOneOutUnit).toBe('study');
    expect(influence.studyLeaveOneOut!.map((s) => s.group)).toEqual(studiesOf(counts).map((s) => s.group));
    const dzierzak = influence.studyLeaveOneOut!.find((s) => s.group === 'dzierzak2022')!;
    expect(dzierzak.tables).toEqual([0, 1, 2, 3, 4, 5]);
    // every table of a study carries the refit without its study
    for (const t of dzierzak.tables) expect(influence.studies[t]!.leaveOneOut).toEqual(dzierzak.fit);
    const without = poolStudies(counts.filter((c) => c.group !== 'dzierzak2022'), options('shared'));
    expect(dzierzak.fit.mu).toEqual(without.mu);
    const independent = influenceAnalysis(counts, poolStudies(counts, options('independent')), options('independent'), { leaveOneOut: true, outliers: false, exclude: [] });
    expect(independent.leaveOneOutUnit).toBe('table');
    expect(independent.studyLeaveOneOut).toBeUndefined();
  });
});
