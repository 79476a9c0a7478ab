/**
 * The "where midas differs" items for the forest plots: midas's values are centred on its
 * shared-random-intercept model (reproducing the midas manual's PET example), the correct ones on
 * the fixed-effect estimate (Pearson χ² homogeneity for proportions; Cochran's Q around the
 * inverse-variance mean for ln DOR, as metafor rma.uni method = "FE" computes it, tests/reference).
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { midasCompatibility } from '../../src/results/midas-compat.ts';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { expectClose, referenceExpected, referenceRows } from '../helpers/reference.ts';

const options: PooledOptions = { method: 'glmm', quadrature: 7, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 100, seed: 1 };
const manual = JSON.parse(readFileSync(new URL('../fixtures/published/midas_manual_pet.json', import.meta.url), 'utf8'));

describe('midas compatibility items (PET example)', () => {
  const counts = referenceRows('midas_example').map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));
  const items = midasCompatibility(counts, poolStudies(counts, options), options);
  const byId = Object.fromEntries(items.map((i) => [i.id, i]));
  it('forest-plot I² as the midas manual prints it', () => {
    expectClose('midas I² sens', byId['forest-i2-sens']!.midas!.est, Number(manual.forest_plot.sens.I2), { name: 'as printed', abs: 0.005 });
    expectClose('midas I² spec', byId['forest-i2-spec']!.midas!.est, Number(manual.forest_plot.spec.I2), { name: 'as printed', abs: 0.005 });
    expectClose('midas Q sens', byId['forest-i2-sens']!.detail!.midasQ!, Number(manual.forest_plot.sens.Q), { name: 'as printed', abs: 0.005 });
  });
  it("the correct DOR Q is Cochran's Q around the inverse-variance mean (metafor FE)", () => {
    const fe = referenceExpected('midas_example').univariate.fixed_effect;
    expectClose('Cochran Q ln DOR', byId['dor-i2']!.detail!.correctQ!, fe.lndor.Q, { name: 'Q (1e-6 relative)', rel: 1e-6 });
    expectClose('I² ln DOR (%)', byId['dor-i2']!.correct!.est, fe.lndor.I2, { name: 'I² (1e-4 absolute, percent)', abs: 1e-4 });
  });
});
