/**
 * Several 2x2 tables per study: the shared and nested bivariate binomial GLMMs.
 *
 * Against R (tests/fixtures-r/grouping.R → grouping.json, lme4 1.1-31 glmer, Laplace, bobyqa,
 * tolPwrss 1e-12): intercept-only and one-covariate fits of the shared
 * `(0 + sens + spec | study)` and nested `(… | study) + (… | study:table)` models on the
 * flagship, scheidler, catheter and smoking data. Quadrature Q > 1 against an independent R
 * computation of the marginal likelihood at glmer's estimates (product Gauss–Legendre rules on
 * ±9 SD boxes, two grid sizes). Identities: with one table per study the shared likelihood is the
 * independent one (itself checked against R in glmm.test.ts); the nested model with Σ_table = 0
 * is the shared one and with Σ_study = 0 the independent one. Gradients against central
 * differences.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClose, type Tolerance } from '../helpers/reference.ts';
import { fitBivariateGlmm, type BivariateGlmmFit } from '../../src/stats/glmm-bivariate.ts';
import { fitNestedGlmm } from '../../src/stats/glmm-nested.ts';
import { bivariateGlmmData, createBivariateGlmmLikelihood } from '../../src/stats/glmm-likelihood.ts';
import { clusterIndex, createSharedGlmmLikelihood } from '../../src/stats/glmm-grouped-likelihood.ts';
import { createNestedGlmmLikelihood } from '../../src/stats/glmm-nested-likelihood.ts';
import { categoricalDesign } from '../../src/stats/design.ts';
import type { Counts } from '../../src/stats/types.ts';

const TOLERANCE = {
  pooledLogit: { name: 'pooled logit / coefficient (1e-4 absolute)', abs: 1e-4 },
  standardError: { name: 'standard error (1e-3 relative)', rel: 1e-3, floor: 1e-3 },
  variance: { name: 'variance component (1e-3 relative, floor 0.01)', rel: 1e-3, floor: 1e-2 },
  covariance: { name: 'covariance component (1e-3 absolute)', abs: 1e-3 },
  logLik: { name: 'logLik at the optimum (1e-4 absolute)', abs: 1e-4 },
  laplaceAtSameParameters: { name: 'Laplace logLik at the same parameters as glmer (1e-6 absolute)', abs: 1e-6 },
  sharedQuadrature: { name: 'shared logLik, Q = 25 vs R 60-point box rule (1e-6 absolute)', abs: 1e-6 },
  nestedQuadrature: { name: 'nested logLik, Q = 21 vs R 40 × 48-point box rules (1e-6 absolute)', abs: 1e-6 },
  gradient: { name: 'analytic vs central-difference gradient (1e-6 relative, floor 1)', rel: 1e-6 },
  identity: { name: 'identity of two formulas (1e-9 absolute)', abs: 1e-9 },
} satisfies Record<string, Tolerance>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture: any = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures-r', 'grouping.json'), 'utf8'));
const datasets = Object.keys(fixture.datasets);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function tablesOf(entry: any): { counts: Counts[]; groups: string[]; covariate: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const tables = entry.tables as any[];
  return {
    counts: tables.map((t) => ({ tp: t.tp, fp: t.fp, fn: t.fn, tn: t.tn })),
    groups: tables.map((t) => String(t.group)),
    covariate: tables.map((t) => String(t.covariate)),
  };
}

/** glmer's coefficient name (sens, spec, sens:x_LEVEL, spec:x_LEVEL) for ours (sens, sens__LEVEL, …). */
function glmerName(ours: string): string {
  const [arm, level] = ours.split('__') as [string, string | undefined];
  return level === undefined ? arm : `${arm}:x_${level.replace(/^level_/, '').replace(/[^A-Za-z0-9_.]/g, '.')}`;
}

/** Lower Cholesky factor of a 2×2 covariance [[a, c], [c, b]] (singular allowed). */
function lowerFactor(sigma: number[][]): [number, number, number] {
  const L11 = Math.sqrt(Math.max(sigma[0]![0]!, 0));
  const L21 = L11 > 0 ? sigma[0]![1]! / L11 : 0;
  return [L11, L21, Math.sqrt(Math.max(sigma[1]![1]! - L21 * L21, 0))];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function compareComponents(context: string, got: { tau2: { sens: number; spec: number }; covRe: number }, expected: any): void {
  expectClose(`${context} tau2_sens`, got.tau2.sens, expected.tau2_sens, TOLERANCE.variance);
  expectClose(`${context} tau2_spec`, got.tau2.spec, expected.tau2_spec, TOLERANCE.variance);
  expectClose(`${context} cov`, got.covRe, expected.cov, TOLERANCE.covariance);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function compareFit(context: string, fit: BivariateGlmmFit, expected: any): void {
  expect(expected.converged, `${context}: glmer did not converge (${expected.messages.join('; ')})`).toBe(true);
  expect(fit.converged, `${context}: not converged (${JSON.stringify(fit.notes)})`).toBe(true);
  fit.coefficients.names.forEach((name, i) => {
    const key = glmerName(name);
    const index = (expected.fixef_names as string[]).indexOf(key);
    expect(index, `${context}: glmer has no coefficient ${key} (has ${expected.fixef_names.join(', ')})`).toBeGreaterThanOrEqual(0);
    expectClose(`${context} ${key}`, fit.coefficients.est[i]!, expected.fixef[key], TOLERANCE.pooledLogit);
    expectClose(`${context} se(${key})`, fit.coefficients.se[i]!, expected.se[key], TOLERANCE.standardError);
  });
  expectClose(`${context} logLik`, fit.logLik, expected.logLik, TOLERANCE.logLik);
}

describe('grouped bivariate GLMM against lme4::glmer (Laplace)', () => {
  for (const name of datasets) {
    const entry = fixture.datasets[name];
    const { counts, groups, covariate } = tablesOf(entry);
    it(`${name}: shared (study random effects), intercept only and with ${entry.covariate}`, () => {
      const fit = fitBivariateGlmm(counts, { quadrature: 1, groups });
      compareFit(`${name} shared`, fit, entry.fits.shared);
      compareComponents(`${name} shared`, fit, entry.fits.shared.study);
      expect(fit.structure).toBe('shared');
      expect(fit.studies).toBe(entry.studies);
      const regression = fitBivariateGlmm(counts, { quadrature: 1, groups, design: categoricalDesign(covariate) });
      compareFit(`${name} shared meta-regression`, regression, entry.meta_regression.shared);
    });
    it(`${name}: nested (study and table-within-study random effects), intercept only and with ${entry.covariate}`, () => {
      const fit = fitNestedGlmm(counts, { quadrature: 1, groups });
      compareFit(`${name} nested`, fit, entry.fits.nested);
      compareComponents(`${name} nested, study level`, fit.levels.study, entry.fits.nested.study);
      compareComponents(`${name} nested, table level`, fit.levels.table, entry.fits.nested.table);
      // the reported between-table covariance of a new table from a new study is the sum of the levels
      expectClose(`${name} nested total tau2_sens`, fit.tau2.sens, entry.fits.nested.study.tau2_sens + entry.fits.nested.table.tau2_sens, TOLERANCE.variance);
      const regression = fitNestedGlmm(counts, { quadrature: 1, groups, design: categoricalDesign(covariate) });
      compareFit(`${name} nested meta-regression`, regression, entry.meta_regression.nested);
    });
    it(`${name}: independent tables as before (the same long-data glmer with one group per table)`, () => {
      compareFit(`${name} independent`, fitBivariateGlmm(counts, { quadrature: 1 }), entry.fits.independent);
    });
  }
});

describe('grouped likelihoods at glmer estimates: Laplace identity and Q > 1 against an independent R quadrature', () => {
  for (const name of datasets) {
    const entry = fixture.datasets[name];
    const { counts, groups } = tablesOf(entry);
    const data = bivariateGlmmData(counts, counts.map(() => [1]), counts.map(() => [1]));
    const clusters = clusterIndex(groups);
    it(`${name}: shared`, () => {
      const check = entry.quadrature_check.shared;
      const theta = [...check.at.beta, ...lowerFactor(check.at.sigma)];
      expectClose(`${name} shared Q = 1 at glmer's estimates vs glmer logLik`, -createSharedGlmmLikelihood(data, clusters, 1).negativeLogLik(theta), check.logLik_laplace_glmer, TOLERANCE.laplaceAtSameParameters);
      const box = check.logLik.G60;
      expect(Math.abs(box - check.logLik.G40), `${name}: the R box rule has not converged`).toBeLessThan(1e-7);
      expectClose(`${name} shared Q = 25 vs R box rule`, -createSharedGlmmLikelihood(data, clusters, 25).negativeLogLik(theta), box, TOLERANCE.sharedQuadrature);
    });
    it(`${name}: nested`, () => {
      const check = entry.quadrature_check.nested;
      const theta = [...check.at.beta, ...lowerFactor(check.at.sigma_study), ...lowerFactor(check.at.sigma_table)];
      expectClose(`${name} nested Q = 1 at glmer's estimates vs glmer logLik`, -createNestedGlmmLikelihood(data, clusters, 1).negativeLogLik(theta), check.logLik_laplace_glmer, TOLERANCE.laplaceAtSameParameters);
      const [coarse, fine] = Object.values<number>(check.logLik);
      // tolerance: the R rule's own change between its two grid sizes (plus 1e-6)
      expect(Math.abs(fine! - coarse!), `${name}: the R box rule has not converged`).toBeLessThan(1e-7);
      // Q = 21: smoking (tables with few events and large variances) needs it; the flagship agrees to 1e-10 from Q = 15
      expectClose(`${name} nested Q = 21 vs R box rule`, -createNestedGlmmLikelihood(data, clusters, 21).negativeLogLik(theta), fine!, TOLERANCE.nestedQuadrature);
    });
  }
});

describe('grouped likelihood identities and gradients', () => {
  const tables: Counts[] = [
    { tp: 48, fp: 3, fn: 2, tn: 47 }, { tp: 42, fp: 5, fn: 8, tn: 45 }, { tp: 43, fp: 9, fn: 7, tn: 41 },
    { tp: 95, fp: 25, fn: 5, tn: 101 }, { tp: 51, fp: 21, fn: 49, tn: 105 }, { tp: 12, fp: 5, fn: 3, tn: 13 },
    { tp: 250, fp: 24, fn: 50, tn: 376 }, { tp: 20, fp: 3, fn: 0, tn: 27 }, { tp: 0, fp: 0, fn: 0, tn: 30 },
  ];
  const groups = ['a', 'b', 'a', 'b', 'b', 'c', 'd', 'a', 'c'];
  const design = tables.map((_, i) => [1, i % 2]);
  const data = bivariateGlmmData(tables, design, design);
  const beta = [1.5, 0.2, 2.0, -0.3];
  const L = [0.8, -0.2, 0.6];
  const clusters = clusterIndex(groups);
  const singletons = clusterIndex(tables.map((_, i) => i));

  for (const Q of [1, 3, 7]) {
    it(`Q = ${Q}: shared with one table per study = independent; nested with Σ_table = 0 = shared, with Σ_study = 0 = independent`, () => {
      const independent = createBivariateGlmmLikelihood(data, Q);
      const gIndependent = new Float64Array(7), gSingleton = new Float64Array(7);
      const a = independent.negativeLogLik([...beta, ...L], gIndependent);
      const b = createSharedGlmmLikelihood(data, singletons, Q).negativeLogLik([...beta, ...L], gSingleton);
      expectClose(`Q ${Q} shared (singletons) vs independent`, b, a, TOLERANCE.identity);
      gIndependent.forEach((g, i) => expectClose(`Q ${Q} gradient[${i}] shared (singletons) vs independent`, gSingleton[i]!, g, TOLERANCE.identity));
      const shared = createSharedGlmmLikelihood(data, clusters, Q).negativeLogLik([...beta, ...L]);
      const nested = createNestedGlmmLikelihood(data, clusters, Q);
      expectClose(`Q ${Q} nested (Σ_table = 0) vs shared`, nested.negativeLogLik([...beta, ...L, 0, 0, 0]), shared, TOLERANCE.identity);
      expectClose(`Q ${Q} nested (Σ_study = 0) vs independent`, nested.negativeLogLik([...beta, 0, 0, 0, ...L]), a, TOLERANCE.identity);
    });
    it(`Q = ${Q}: analytic gradients of the shared and nested likelihoods match central differences`, () => {
      const cases = [
        { label: 'shared', f: createSharedGlmmLikelihood(data, clusters, Q), theta: [...beta, ...L] },
        { label: 'nested', f: createNestedGlmmLikelihood(data, clusters, Q), theta: [...beta, 0.7, -0.3, 0.5, 0.4, 0.1, 0.3] },
      ];
      for (const { label, f, theta } of cases) {
        const gradient = new Float64Array(theta.length);
        f.negativeLogLik(theta, gradient);
        theta.forEach((_, i) => {
          const h = 1e-5;
          const up = [...theta], down = [...theta];
          up[i] = up[i]! + h;
          down[i] = down[i]! - h;
          const numeric = (f.negativeLogLik(up) - f.negativeLogLik(down)) / (2 * h);
          expectClose(`${label} Q ${Q} d/dθ[${i}]`, gradient[i]!, numeric, TOLERANCE.gradient);
        });
      }
    });
  }

  it('the nested fit refuses data in which no study has two tables; shared with one table per study equals the independent fit', () => {
    expect(() => fitNestedGlmm(tables, { groups: tables.map((_, i) => String(i)), quadrature: 1 })).toThrow(/two or more tables/);
    const independent = fitBivariateGlmm(tables, { quadrature: 3 });
    const shared = fitBivariateGlmm(tables, { quadrature: 3, groups: tables.map((_, i) => i) });
    expectClose('shared (singletons) logLik vs independent', shared.logLik, independent.logLik, { name: 'same model, same optimiser path (1e-9)', abs: 1e-9 });
    expectClose('shared (singletons) mu_sens vs independent', shared.mu.sens, independent.mu.sens, { name: 'same model (1e-9)', abs: 1e-9 });
  });

  it('higher quadrature converges: Q = 15 and Q = 21 agree for the shared and nested fits of the flagship', () => {
    const entry = fixture.datasets.osteoporosis_dl;
    const { counts, groups: flagshipGroups } = tablesOf(entry);
    const flagship = bivariateGlmmData(counts, counts.map(() => [1]), counts.map(() => [1]));
    const flagshipClusters = clusterIndex(flagshipGroups);
    const check = entry.quadrature_check.nested;
    const theta = [...check.at.beta, ...lowerFactor(check.at.sigma_study), ...lowerFactor(check.at.sigma_table)];
    const nested = (Q: number) => createNestedGlmmLikelihood(flagship, flagshipClusters, Q).negativeLogLik(theta);
    expectClose('nested Q = 15 vs Q = 21', nested(15), nested(21), { name: 'quadrature converged (1e-7)', abs: 1e-7 });
    const sharedTheta = [...entry.quadrature_check.shared.at.beta, ...lowerFactor(entry.quadrature_check.shared.at.sigma)];
    const shared = (Q: number) => createSharedGlmmLikelihood(flagship, flagshipClusters, Q).negativeLogLik(sharedTheta);
    expectClose('shared Q = 15 vs Q = 21', shared(15), shared(21), { name: 'quadrature converged (1e-9)', abs: 1e-9 });
  });
});
