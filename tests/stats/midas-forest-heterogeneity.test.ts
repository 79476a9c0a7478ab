/**
 * midas forest-plot Q and I² "as midas prints them": centred on midas's "fixed-effects" model (one
 * random intercept per study shared by both arms, 7-point adaptive quadrature).
 * - the model against lme4::glmer(nAGQ = 7) (tests/fixtures-r/shared-intercept.R → .json);
 * - Q and I² against the midas manual's printed PET example (tests/fixtures/published/midas_manual_pet.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitSharedInterceptGlmm } from '../../src/stats/glmm-shared-intercept.ts';
import { midasForestHeterogeneity } from '../../src/stats/heterogeneity.ts';
import { expectClose, referenceRows } from '../helpers/reference.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures-r/shared-intercept.json', import.meta.url), 'utf8'));
const manual = JSON.parse(readFileSync(new URL('../fixtures/published/midas_manual_pet.json', import.meta.url), 'utf8'));
const counts = (name: string) => referenceRows(name).map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));

const BETA = { name: 'fixed effect vs glmer nAGQ = 7 (1e-5 absolute)', abs: 1e-5 };
const SIGMA2 = { name: 'random-intercept variance vs glmer nAGQ = 7 (1e-4 relative)', rel: 1e-4, floor: 0.1 };
const Q = { name: 'Q (1e-4 relative)', rel: 1e-4 };
const I2 = { name: 'I² and its limits (1e-5 absolute)', abs: 1e-5 };

describe.each(Object.keys(fixture.datasets))('shared-random-intercept model and midas Q/I²: %s', (name) => {
  const reference = fixture.datasets[name];
  it('matches glmer (nAGQ = 7) and the Q/I² centred on it', () => {
    const fit = fitSharedInterceptGlmm(counts(name), 7);
    expect(fit.converged).toBe(true);
    expectClose(`${name} beta sens`, fit.beta.sens, reference.beta_sens, BETA);
    expectClose(`${name} beta spec`, fit.beta.spec, reference.beta_spec, BETA);
    expectClose(`${name} sigma2`, fit.sigma2, reference.sigma2, SIGMA2);
    const h = midasForestHeterogeneity(counts(name));
    for (const arm of ['sens', 'spec'] as const) {
      expectClose(`${name} ${arm} Q`, h[arm].Q, reference[arm].Q, Q);
      expectClose(`${name} ${arm} I2`, h[arm].I2, reference[arm].I2, I2);
      expectClose(`${name} ${arm} I2 lo`, h[arm].I2Lo!, reference[arm].lo, I2);
      expectClose(`${name} ${arm} I2 hi`, h[arm].I2Hi!, reference[arm].hi, I2);
    }
  });
});

describe('the midas manual PET example (printed values)', () => {
  it('Q 273.36 and 217.71, I² 86.10% and 82.55%', () => {
    const h = midasForestHeterogeneity(counts('midas_example'));
    const printed = manual.forest_plot;
    const AS_PRINTED = { name: 'as printed (2 decimals)', abs: 0.005 };
    expectClose('Q sens', h.sens.Q, Number(printed.sens.Q), AS_PRINTED);
    expectClose('Q spec', h.spec.Q, Number(printed.spec.Q), AS_PRINTED);
    expectClose('I² sens (%)', h.sens.I2 * 100, Number(printed.sens.I2), AS_PRINTED);
    expectClose('I² spec (%)', h.spec.I2 * 100, Number(printed.spec.I2), AS_PRINTED);
  });
});
