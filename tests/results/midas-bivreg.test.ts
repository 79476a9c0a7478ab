/**
 * midas-compatible meta-regression: its subgroup estimates are expit of the Laplace (glmer)
 * meta-regression coefficients, checked against lme4::glmer in tests/reference; its "p-value" keeps
 * midas's operator-precedence bug and is labelled as such in the report.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { midasBivreg } from '../../src/results/midas-bivreg.ts';
import type { PooledOptions } from '../../src/results/pooled.ts';
import { expectClose, referenceExpected, referenceRows } from '../helpers/reference.ts';

const options: PooledOptions = { method: 'glmm', quadrature: 7, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 1 };
const expit = (x: number) => 1 / (1 + Math.exp(-x));

describe('midas bivreg (compat)', () => {
  const rows = referenceRows('osteoporosis_dl_standin');
  const counts = rows.map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));
  const glmer = referenceExpected('osteoporosis_dl_standin').meta_regression.image_type.glmer;
  const coef = Object.fromEntries(glmer.fixed.names.map((n: string, i: number) => [n, glmer.fixed.est[i]]));
  const result = midasBivreg(counts, rows.map((r) => r.covariates.image_type ?? null), { name: 'image_type' }, options)!;

  it('uses Laplace fits: subgroup sensitivity/specificity = expit(glmer coefficients)', () => {
    expect(result.levels).toEqual({ yes: 'lumbar_spine', no: 'hip' });
    const tol = { name: 'proportion (1e-5 absolute)', abs: 1e-5 };
    expectClose('Se no', result.sens.no.est, expit(coef.sens), tol);
    expectClose('Se yes', result.sens.yes.est, expit(coef.sens + coef.sens__level_lumbar_spine), tol);
    expectClose('Sp no', result.spec.no.est, expit(coef.spec), tol);
    expectClose('Sp yes', result.spec.yes.est, expit(coef.spec + coef.spec__level_lumbar_spine), tol);
  });

  it('keeps midas\'s symmetric probability-scale CI (capped at 1) and its z with the precedence bug', () => {
    const m = result.sens;
    expect(m.yes.hi).toBeLessThanOrEqual(1);
    expect(m.yes.est - m.yes.lo).toBeCloseTo(Math.min(1, m.yes.est + 1.959963984540054 * m.yes.se) - m.yes.est, 10);
    // logit scale: (α + γ) − α / sqrt(se(α+γ)² + se(α)²), from the glmer coefficients and covariance
    const v = glmer.fixed.vcov as number[][];
    const names = glmer.fixed.names as string[];
    const a = names.indexOf('sens');
    const g = names.indexOf('sens__level_lumbar_spine');
    const varYes = v[a]![a]! + 2 * v[a]![g]! + v[g]![g]!;
    expectClose('midas z (logit scale)', m.z, coef.sens + coef.sens__level_lumbar_spine - coef.sens / Math.sqrt(varYes + v[a]![a]!), { name: 'z (1e-3 absolute)', abs: 1e-3 });
  });

  it('returns null for a covariate without exactly two levels', () => {
    expect(midasBivreg(counts, rows.map(() => 'a'), { name: 'x' }, options)).toBeNull();
  });
});

/**
 * The midas manual's printed meta-regression (PET example, tests/fixtures/published/midas_manual_pet.json):
 * the LRT of every binary covariate and the 16 stars of its Figure 7.
 */
describe('midas bivreg reproduces the midas manual (PET example)', () => {
  const published = JSON.parse(readFileSync(new URL('../fixtures/published/midas_manual_pet.json', import.meta.url), 'utf8'));
  const rows = referenceRows('midas_example');
  const counts = rows.map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));
  it.each(Object.entries<any>(published.meta_regression.covariates))('%s', (name, printed) => {
    const result = midasBivreg(counts, rows.map((r) => r.covariates[name] ?? null), { name, levels: ['0', '1'] }, options)!;
    expect(result.levels).toEqual({ yes: '1', no: '0' });
    const LRT = { name: 'LRT as printed (2 decimals)', abs: 0.005 };
    expectClose(`${name} (manual: ${printed.manual}) LRT`, result.lrt.statistic, Number(printed.LRTChi2), LRT);
    expectClose(`${name} LRT p`, result.lrt.p, Number(printed.Pvalue), { name: 'p as printed (2 decimals)', abs: 0.005 });
    expect(result.sens.stars, `${name} sensitivity stars (z ${result.sens.z}, p ${result.sens.p})`).toBe(printed.stars_sens);
    expect(result.spec.stars, `${name} specificity stars (z ${result.spec.z}, p ${result.spec.p})`).toBe(printed.stars_spec);
  });
});
