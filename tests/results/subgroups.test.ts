/**
 * Subgroup analyses: the per-level bivariate fits against glmer fits of each subgroup separately
 * (tests/reference meta_regression.<cov>.subgroups_separate_fits), and the edge cases a reviewer
 * meets: a level with one study, a covariate with a single level, missing values.
 */
import { describe, expect, it } from 'vitest';
import type { PooledOptions } from '../../src/results/pooled.ts';
import { subgroupAnalysis } from '../../src/results/subgroups.ts';
import { expectClose, referenceDatasets, referenceExpected, referenceRows } from '../helpers/reference.ts';

const laplace: PooledOptions = { method: 'glmm', quadrature: 1, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 1 };

const cases = referenceDatasets().flatMap((name) =>
  Object.entries((referenceExpected(name).meta_regression ?? {}) as Record<string, { type: string; subgroups_separate_fits?: Record<string, unknown> }>)
    .filter(([, block]) => block.type !== 'continuous' && block.subgroups_separate_fits)
    .map(([covariate]) => [name, covariate] as const),
);

describe.each(cases)('subgroups of %s by %s', (name, covariate) => {
  it('fits each level as glmer does (Laplace)', () => {
    const rows = referenceRows(name);
    const result = subgroupAnalysis(
      rows.map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn })),
      rows.map((r) => r.covariates[covariate] ?? null),
      { name: covariate, label: covariate, type: 'categorical' },
      laplace,
    );
    const separate = referenceExpected(name).meta_regression[covariate].subgroups_separate_fits;
    for (const level of result.levels) {
      const reference = separate[level.level]?.glmer;
      expect(level.k).toBe(separate[level.level]?.k ?? level.k);
      if (!reference || reference.status !== 'ok' || level.k < 4) continue;
      const ours = level.pooled;
      expect(ours.model.logLik!, `${name}/${covariate}=${level.level}: logLik not below glmer's`).toBeGreaterThanOrEqual(reference.logLik - 1e-4);
      if (Math.abs(ours.model.logLik! - reference.logLik) < 1e-4) {
        expectClose(`${name}/${covariate}=${level.level} mu sens`, ours.mu.sens, reference.mu_logit_sens, { name: 'pooled logit (1e-3 relative)', rel: 1e-3 });
        expectClose(`${name}/${covariate}=${level.level} mu spec`, ours.mu.spec, reference.mu_logit_spec, { name: 'pooled logit (1e-3 relative)', rel: 1e-3 });
      }
    }
  });
});

describe('subgroup edge cases', () => {
  const counts = [
    { tp: 45, fp: 5, fn: 5, tn: 45 },
    { tp: 40, fp: 8, fn: 10, tn: 42 },
    { tp: 30, fp: 3, fn: 12, tn: 60 },
    { tp: 80, fp: 20, fn: 10, tn: 90 },
    { tp: 25, fp: 6, fn: 5, tn: 44 },
    { tp: 60, fp: 9, fn: 15, tn: 70 },
  ];

  it('pools a one-study level without a model and labels it', () => {
    const result = subgroupAnalysis(counts, ['a', 'a', 'a', 'a', 'a', 'b'], { name: 'x', label: 'X', type: 'categorical' }, laplace);
    const single = result.levels.find((l) => l.level === 'b')!;
    expect(single.k).toBe(1);
    expect(single.pooled.model.notes.map((n) => n.code)).toEqual(['single-study']);
    // exact CI of 60/75, as R binom.test(60, 75): 0.6917 to 0.8835
    expect(single.pooled.summary.sens.lo).toBeCloseTo(0.69167, 4);
    expect(single.pooled.summary.sens.hi).toBeCloseTo(0.88353, 4);
    expect(result.notes.map((n) => n.code)).toContain('subgroup-univariate');
    expect(result.metaRegression?.lrt.df).toBe(2);
  });

  it('reports a covariate with a single level instead of testing it', () => {
    const result = subgroupAnalysis(counts, counts.map(() => 'same'), { name: 'x', label: 'X', type: 'categorical' }, laplace);
    expect(result.metaRegression).toBeNull();
    expect(result.notes.map((n) => n.code)).toEqual(['covariate-single-level']);
  });

  it('leaves out studies with a missing continuous covariate and names them', () => {
    const result = subgroupAnalysis(counts, [2001, 2003, null, 2010, 2015, 2020], { name: 'year', label: 'Year', type: 'continuous' }, laplace);
    expect(result.excluded).toEqual([2]);
    expect(result.metaRegression?.k).toBe(5);
    expect(result.metaRegression?.lrt.df).toBe(2);
    expect(result.notes.map((n) => n.code)).toEqual(['covariate-missing-excluded']);
  });
});
