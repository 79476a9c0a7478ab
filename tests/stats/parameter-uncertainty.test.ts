/**
 * SEs and CIs of every bivariate parameter (variances, ρ, HSROC Λ/Θ/β/σ²α/σ²θ), against an
 * independent R computation (tests/fixtures-r/parameter-uncertainty.R → .json):
 * - glmer_laplace: lme4 glmer (Laplace), Hessian of glmer's own deviance function by optimHess,
 *   delta method with numerical gradients → metadx at quadrature 1;
 * - aghq_q5_upper: an own R AGHQ written in b-space with Stata's (upper-triangular) node placement
 *   and Stata's parameterisation (μ, ln τ, atanh ρ) → metadx at quadrature 5 (default nodes 'upper').
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { expectClose, referenceDir, referenceRows } from '../helpers/reference.ts';

const fixture = JSON.parse(readFileSync(join(referenceDir, '..', 'fixtures-r', 'parameter-uncertainty.json'), 'utf8'));

const options = (quadrature: number): PooledOptions => ({ method: 'glmm', quadrature, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 200, seed: 1 });

/** Hessians by finite differences (metadx: of its analytic gradient; R: optimHess) agree to ~1e-4 */
const SE = { name: 'standard error (numerical Hessians, 2e-3 relative)', rel: 2e-3, floor: 0.01 };
const ESTIMATE_Q5 = { name: 'estimate, same 5-point likelihood (1e-6 relative)', rel: 1e-6 };
const ESTIMATE_LAPLACE = { name: 'estimate vs glmer Laplace (2e-4 relative, floor 0.1)', rel: 2e-4, floor: 0.1 };
const CI = { name: 'CI limit (2e-3 relative, floor 0.1)', rel: 2e-3, floor: 0.1 };

function schuetz() {
  const [, ...lines] = readFileSync(join(referenceDir, 'published', 'schuetz_ct.csv'), 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [, tp, fp, fn, tn] = line.split(',').map(Number);
    return { tp: tp!, fp: fp!, fn: fn!, tn: tn! };
  });
}
const counts = (name: string) => (name === 'schuetz_ct' ? schuetz() : referenceRows(name).map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn })));

describe.each(Object.keys(fixture.datasets))('parameter SEs and CIs: %s', (name) => {
  it.each([
    ['glmer_laplace', 1, ESTIMATE_LAPLACE],
    ['aghq_q5_upper', 5, ESTIMATE_Q5],
  ] as const)('%s', (block, quadrature, estimateTolerance) => {
    const reference = fixture.datasets[name][block];
    const pooled = poolStudies(counts(name), options(quadrature));
    expect(pooled.model.nodes).toBe(quadrature === 5 ? 'upper' : null);
    const rows = Object.fromEntries([...pooled.parameters!.bivariate, ...pooled.parameters!.hsroc].map((r) => [r.id, r]));
    const ctx = `${name} ${block}`;
    expectClose(`${ctx} logLik`, pooled.model.logLik!, reference.logLik, quadrature === 5 ? { name: 'logLik (1e-7 absolute)', abs: 1e-6 } : { name: 'logLik vs glmer (1e-4 absolute)', abs: 1e-4 });
    expectClose(`${ctx} se muSens`, rows.muSens!.se!, reference.se_mu[0], SE);
    expectClose(`${ctx} se muSpec`, rows.muSpec!.se!, reference.se_mu[1], SE);
    for (const id of ['tau2Sens', 'tau2Spec', 'rho', 'Lambda', 'Theta', 'beta', 'sigma2Alpha', 'sigma2Theta']) {
      const row = rows[id]!;
      expectClose(`${ctx} ${id} estimate`, row.est!, reference.est[id], estimateTolerance);
      expectClose(`${ctx} ${id} SE`, row.se!, reference.se[id], SE);
      expectClose(`${ctx} ${id} CI lower`, row.lo!, reference.ci[id][0], CI);
      expectClose(`${ctx} ${id} CI upper`, row.hi!, reference.ci[id][1], CI);
    }
    expect(pooled.convergence!.hessianCondition).toBeGreaterThan(1);
    expect(pooled.fitStatistics!.aic).toBeCloseTo(-2 * pooled.model.logLik! + 10, 10);
  });
});
