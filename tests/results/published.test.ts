/**
 * Published versus reproduced (src/results/published.ts): which reproduced value each published one
 * is compared with, and the differences, held in results.json so the document only formats them.
 * Inputs are hand-made; expected differences are worked out by hand below each case.
 */
import { describe, expect, it } from 'vitest';
import { publishedComparison } from '../../src/results/published.ts';
import type { PooledResult } from '../../src/results/pooled.ts';
import type { SubgroupAnalysis } from '../../src/results/subgroups.ts';
import type { DeeksResult } from '../../src/stats/deeks.ts';

const measure = (est: number, lo: number, hi: number) => ({ est, lo, hi, seTransformed: 0.1 });

function pooled(overrides: Partial<PooledResult> = {}): PooledResult {
  return {
    summary: {
      sens: measure(0.8668, 0.8155, 0.9055),
      spec: measure(0.8962, 0.8487, 0.9301),
      fpr: measure(0.1038, 0.0699, 0.1513),
      lrPositive: measure(8.3527, 5.6107, 12.4348),
      lrNegative: measure(0.1486, 0.1053, 0.2098),
      dor: measure(56.2, 30.2, 104.6),
      logDor: measure(4.029, 3.408, 4.65),
      method: 'test',
    },
    auc: { est: 0.9427, lo: 0.9109, hi: 0.9636, method: 'delta', notes: [] },
    aucMidas: { est: 0.9427, lo: 0.9187, hi: 0.9599 },
    heterogeneity: {
      zhouDendukuri: { I2Sens: 0.8179, I2Spec: 0.8386 } as PooledResult['heterogeneity']['zhouDendukuri'],
      midas: { sens: { I2: 0.946 }, spec: { I2: 0.962 } } as PooledResult['heterogeneity']['midas'],
    },
    ...overrides,
  } as PooledResult;
}

const published = {
  sens: { est: 0.86, lo: 0.82, hi: 0.89 },
  dor: { est: 49.09, lo: 28.74, hi: 83.84 },
  auc: { est: 0.94, lo: 0.91, hi: 0.95 },
  i2_sens: 97.9,
  deeks_p: 0.4,
  subgroups: {
    validation: { external: { n: 5, sens: { est: 0.78, lo: 0.69, hi: 0.85 } }, missing: { sens: { est: 0.5, lo: 0.4, hi: 0.6 } } },
    not_analysed: { a: { sens: { est: 0.5, lo: 0.4, hi: 0.6 } } },
  },
};

const subgroups = [
  { covariate: 'validation', levels: [{ level: 'internal', k: 21, pooled: pooled() }, { level: 'external', k: 5, pooled: pooled({ summary: { ...pooled().summary, sens: measure(0.79, 0.66, 0.88) } }) }] },
] as unknown as SubgroupAnalysis[];

describe('publishedComparison', () => {
  it('is null without a published block', () => {
    expect(publishedComparison(undefined, { pooled: pooled(), subgroups: [], deeks: null, compat: 'none' })).toBeNull();
  });

  it('compares with the model estimates and the real AUC CI; I² with the Zhou–Dendukuri I² (compat: none)', () => {
    const c = publishedComparison(published, { pooled: pooled(), subgroups, deeks: { slopeP: 0.3012 } as DeeksResult, compat: 'none' })!;
    expect(c.overall.map((cell) => cell.measure)).toEqual(['sens', 'dor', 'auc']);
    const [sens, dor, auc] = c.overall;
    // 0.8668 − 0.86 = 0.0068; 0.0068 / 0.86 = 0.0079070
    expect(sens!.difference).toBeCloseTo(0.0068, 12);
    expect(sens!.relativeDifference).toBeCloseTo(0.0068 / 0.86, 12);
    expect(sens!.reproduced).toEqual({ est: 0.8668, lo: 0.8155, hi: 0.9055 });
    // 56.2 − 49.09 = 7.11; 7.11 / 49.09 = 0.144836
    expect(dor!.difference).toBeCloseTo(7.11, 10);
    expect(dor!.relativeDifference).toBeCloseTo(0.144836, 6);
    expect(auc!.source).toBe('model');
    expect(auc!.reproduced).toEqual({ est: 0.9427, lo: 0.9109, hi: 0.9636 });
    expect(c.heterogeneity).toHaveLength(1);
    expect(c.heterogeneity[0]).toMatchObject({ measure: 'i2_sens', published: 97.9, definition: 'zhou-dendukuri' });
    expect(c.heterogeneity[0]!.reproduced).toBeCloseTo(81.79, 10);
    expect(c.deeks).toEqual({ published: 0.4, reproduced: 0.3012 });
  });

  it('with compat: midas compares the AUC and I² as Stata midas computes them, and says so', () => {
    const c = publishedComparison(published, { pooled: pooled(), subgroups, deeks: null, compat: 'midas' })!;
    const auc = c.overall.find((cell) => cell.measure === 'auc')!;
    expect(auc.source).toBe('midas-compatible');
    expect(auc.reproduced).toEqual({ est: 0.9427, lo: 0.9187, hi: 0.9599 });
    expect(c.heterogeneity[0]).toMatchObject({ definition: 'midas' });
    expect(c.heterogeneity[0]!.reproduced).toBeCloseTo(94.6, 10);
    expect(c.deeks).toEqual({ published: 0.4, reproduced: null });
  });

  it('matches published subgroups to the analysed levels and lists the ones it cannot match', () => {
    const c = publishedComparison(published, { pooled: pooled(), subgroups, deeks: null, compat: 'none' })!;
    expect(c.subgroups).toHaveLength(1);
    expect(c.subgroups[0]).toMatchObject({ covariate: 'validation', level: 'external', n: { published: 5, reproduced: 5 } });
    // 0.79 − 0.78 = 0.01
    expect(c.subgroups[0]!.cells[0]!.difference).toBeCloseTo(0.01, 12);
    expect(c.unmatched).toEqual(['validation: missing', 'not_analysed: a']);
  });

  it('gives no difference when the reproduced value is not estimable', () => {
    const c = publishedComparison({ dor: { est: 49, lo: 29, hi: 84 } }, { pooled: pooled({ summary: { ...pooled().summary, dor: measure(Number.NaN, Number.NaN, Number.NaN) } }), subgroups: [], deeks: null, compat: 'none' })!;
    expect(c.overall[0]).toMatchObject({ reproduced: null, difference: null, relativeDifference: null });
  });
});
