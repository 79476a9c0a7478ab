/**
 * midas-compatible meta-regression: its subgroup estimates are expit of the Laplace (glmer)
 * meta-regression coefficients, checked against lme4::glmer in tests/reference; its "p-value" keeps
 * midas's operator-precedence bug and is labelled as such in the report.
 */
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
    expect(m.z).toBeCloseTo(m.yes.est - m.no.est / Math.sqrt(m.yes.se ** 2 + m.no.se ** 2), 12);
  });

  it('returns null for a covariate without exactly two levels', () => {
    expect(midasBivreg(counts, rows.map(() => 'a'), { name: 'x' }, options)).toBeNull();
  });
});
