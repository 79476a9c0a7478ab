/**
 * Meta-regression against R: glmer (Laplace) coefficients and LRT vs the model without the
 * covariate, and mada/metafor (Reitsma REML coefficients, ML LRT), for every covariate analysed in
 * tests/reference (meta_regression.<covariate>).
 */
import { describe, expect, it } from 'vitest';
import { metaRegression } from '../../src/results/meta-regression.ts';
import type { PooledOptions } from '../../src/results/pooled.ts';
import { expectClose, referenceDatasets, referenceExpected, referenceRows } from '../helpers/reference.ts';

const base: PooledOptions = { method: 'glmm', quadrature: 1, correction: 'all', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 1 };

const cases = referenceDatasets().flatMap((name) =>
  Object.entries((referenceExpected(name).meta_regression ?? {}) as Record<string, { type: string; glmer: { status: string } }>).map(([covariate, block]) => [name, covariate, block.type] as const),
);

/**
 * Position of a reference coefficient (glmer: sens, sens__level_X, sens__slope; mada:
 * sens__(Intercept), sens__cvX, sens__cv) in our coefficient vector (sens terms, then spec terms).
 */
function referenceIndex(name: string, terms: string[]): number {
  const [measure, term = '(Intercept)'] = name.split('__') as [string, string?];
  const offset = measure === 'sens' ? 0 : terms.length;
  if (term === '(Intercept)') return offset;
  const others = terms.slice(1);
  if (others.length === 1) return offset + 1;
  const normalise = (t: string) => t.replace(/^(level_|cv)/, '').replace(/[^A-Za-z0-9]+/g, '_');
  return offset + 1 + others.findIndex((t) => normalise(t) === normalise(term));
}

describe.each(cases)('meta-regression %s ~ %s (%s)', (name, covariate, type) => {
  const rows = referenceRows(name);
  const counts = rows.map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));
  const continuous = type === 'continuous';
  const values = rows.map((r) => (continuous ? Number(r.covariates[covariate]) : String(r.covariates[covariate])));
  const block = referenceExpected(name).meta_regression[covariate];

  it('GLMM (Laplace) matches glmer: coefficients and LRT', () => {
    if (block.glmer.status !== 'ok') return;
    const result = metaRegression(counts, values, { name: covariate, type: continuous ? 'continuous' : 'categorical' }, base);
    const reference = block.glmer;
    const lrt = reference.lrt_vs_no_covariate;
    // glmer can stop early (its own convergence flags); our ML fits must then be at least as good
    expect(result.lrt.logLikWith, `${name}/${covariate}: logLik with covariate`).toBeGreaterThanOrEqual(lrt.logLik_with - 1e-4);
    if (Math.abs(result.lrt.logLikWith - lrt.logLik_with) < 1e-4 && reference.converged) {
      reference.fixed.names.forEach((coefficient: string, i: number) => {
        expectClose(`${name}/${covariate} glmer ${coefficient}`, result.coefficients.est[referenceIndex(coefficient, result.terms)]!, reference.fixed.est[i], {
          name: 'coefficient (1e-3 relative, floor 1)',
          rel: 1e-3,
        });
      });
      expectClose(`${name}/${covariate} LRT statistic`, result.lrt.statistic, lrt.statistic, { name: 'LRT (2e-3 absolute)', abs: 2e-3 });
    }
    expect(result.lrt.df).toBe(lrt.df);
  });

  it('Reitsma matches mada (REML coefficients, ML LRT)', () => {
    const reference = block.mada_reml;
    if (!reference || reference.status !== 'ok') return;
    const result = metaRegression(counts, values, { name: covariate, type: continuous ? 'continuous' : 'categorical' }, { ...base, method: 'reitsma' });
    reference.fixed.names.forEach((coefficient: string, i: number) => {
      const index = referenceIndex(coefficient, result.terms);
      // mada reports logit FPR for specificity terms; the reference converts them to logit spec
      expectClose(`${name}/${covariate} mada ${coefficient}`, result.coefficients.est[index]!, reference.fixed.est[i], { name: 'coefficient (1e-4 relative, floor 1)', rel: 1e-4 });
    });
    expectClose(`${name}/${covariate} mada ML LRT`, result.lrt.statistic, block.mada_ml_lrt.statistic, { name: 'LRT (1e-5 absolute)', abs: 1e-5 });
  });
});
