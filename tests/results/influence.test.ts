/**
 * Leave-one-out refits and Cook's distance against lme4::glmer (Laplace) refits in R
 * (tests/fixtures-r/cooks-distance.R), and the outlier/sensitivity bookkeeping.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { influenceAnalysis } from '../../src/results/influence.ts';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { expectClose, referenceRows } from '../helpers/reference.ts';

const oracle = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures-r', 'cooks-distance.json'), 'utf8'));
const laplace: PooledOptions = { method: 'glmm', quadrature: 1, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 1 };

describe.each(['scheidler_lag', 'dementia'])('leave-one-out and Cook\'s distance: %s', (name) => {
  const counts = referenceRows(name).map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));
  const pooled = poolStudies(counts, laplace);
  const result = influenceAnalysis(counts, pooled, laplace, { leaveOneOut: true, outliers: true, exclude: [] });
  const reference = oracle[name];

  it('refits without each study as glmer does', () => {
    reference.leave_one_out.forEach((row: { study: string; mu_sens: number; mu_spec: number; logLik: number; cooks_distance: number }, i: number) => {
      const ours = result.studies[i]!.leaveOneOut!;
      // glmer may stop at a worse (boundary) optimum; ours must then be at least as good
      expect(ours.logLik!, `${name} without ${row.study}: logLik`).toBeGreaterThanOrEqual(row.logLik - 1e-4);
      if (Math.abs(ours.logLik! - row.logLik) > 1e-4) return;
      expectClose(`${name} without ${row.study}: mu sens`, ours.mu.sens, row.mu_sens, { name: 'pooled logit (1e-4 relative)', rel: 1e-4 });
      expectClose(`${name} without ${row.study}: mu spec`, ours.mu.spec, row.mu_spec, { name: 'pooled logit (1e-4 relative)', rel: 1e-4 });
      expectClose(`${name} without ${row.study}: Cook's distance`, ours.cooksDistance, row.cooks_distance, { name: "Cook's distance (2e-3 relative, floor 0.01)", rel: 2e-3, floor: 0.01 });
    });
  });

  it('flags bivariate box-plot outliers and refits without them', () => {
    const flagged = result.studies.filter((s) => s.outsideFence).map((s) => s.study);
    const outlierAnalysis = result.sensitivity.find((s) => s.reason === 'outliers');
    if (flagged.length === 0) expect(outlierAnalysis).toBeUndefined();
    else {
      expect(outlierAnalysis?.excluded).toEqual(flagged);
      expect(outlierAnalysis?.pooled.model.k).toBe(counts.length - flagged.length);
    }
  });
});

describe('sensitivity analysis from the spec', () => {
  it('refits without the listed studies', () => {
    const counts = referenceRows('scheidler_lag').map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));
    const pooled = poolStudies(counts, laplace);
    const result = influenceAnalysis(counts, pooled, laplace, { leaveOneOut: false, outliers: false, exclude: [0, 3] });
    expect(result.leaveOneOutSkipped).toBe('disabled');
    expect(result.sensitivity).toHaveLength(1);
    expect(result.sensitivity[0]!.excluded).toEqual([0, 3]);
    expect(result.sensitivity[0]!.pooled.model.k).toBe(15);
  });
});
