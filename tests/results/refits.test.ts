/**
 * Refits whose AUC is not reported (leave-one-out, cumulative steps, the midas Laplace reference)
 * skip the AUC interval (`aucInterval: false`): everything they report must equal the full
 * `poolStudies` result. Checked on data where the delta method is unavailable (ρ at its bound), so
 * the full result runs the parametric bootstrap. The same for skipping midas's forest-plot Q/I²
 * (`forestHeterogeneity: false`).
 */
import { describe, expect, it } from 'vitest';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { userStudies } from '../../bench/user-analysis.ts';
import { fitBivariateGlmm } from '../../src/stats/glmm-bivariate.ts';
import { exactJson } from '../../src/output/hash.ts';

const options: PooledOptions = { method: 'glmm', quadrature: 7, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 20231201 };

describe('refits without the AUC interval', () => {
  const counts = userStudies();
  it('change nothing but the AUC interval', () => {
    const full = poolStudies(counts, options);
    // the situation the option is for: the interval needs the bootstrap
    expect(full.model.boundary?.rhoAtBound).toBe(true);
    expect(full.auc?.method).toMatch(/bootstrap/);
    expect(full.auc?.lo).toBeTypeOf('number');
    const light = poolStudies(counts, { ...options, aucInterval: false });
    expect(light.auc).toMatchObject({ est: full.auc?.est, lo: null, hi: null });
    expect({ ...light, auc: null }).toEqual({ ...full, auc: null });
  });

  it('without the midas forest Q/I² (forestHeterogeneity: false) change nothing but that', () => {
    const full = poolStudies(counts, { ...options, aucInterval: false });
    expect(full.heterogeneity.midas).not.toBeNull();
    const light = poolStudies(counts, { ...options, aucInterval: false, forestHeterogeneity: false });
    expect(light.heterogeneity.midas).toBeNull();
    expect({ ...light, heterogeneity: { ...light.heterogeneity, midas: null } }).toEqual({ ...full, heterogeneity: { ...full.heterogeneity, midas: null } });
  });

  it('bootstrap refits without the conditional modes (randomEffects: false) change nothing but those', () => {
    const exact = exactJson.stringify;
    for (const nodes of ['lower', 'upper'] as const) {
      const full = fitBivariateGlmm(counts, { quadrature: 7, nodes });
      const light = fitBivariateGlmm(counts, { quadrature: 7, nodes, randomEffects: false });
      expect(full.randomEffects.sens.every((x) => typeof x === 'number')).toBe(true);
      expect(light.randomEffects).toEqual({ sens: counts.map(() => null), spec: counts.map(() => null) });
      expect(exact({ ...light, randomEffects: null })).toBe(exact({ ...full, randomEffects: null }));
    }
  });
});
