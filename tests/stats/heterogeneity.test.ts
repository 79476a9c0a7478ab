/**
 * Heterogeneity statistics vs an independent R implementation of the published formulas
 * (tests/fixtures-r/heterogeneity.R → heterogeneity.json).
 */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  higginsThompsonI2,
  midasCompatDorHeterogeneity,
  midasCompatLrPosHeterogeneity,
  midasLogScaleHeterogeneity,
  midasProportionHeterogeneity,
  zhouDendukuriI2,
  type HigginsThompsonResult,
} from '../../src/stats/heterogeneity.ts';
import { expectClose, referenceDatasets, referenceRows } from '../helpers/reference.ts';

const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures-r', 'heterogeneity.json'), 'utf8'));
const TOL = { name: 'R formula (1e-10 relative, floor 1)', rel: 1e-10 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function compare(ctx: string, got: HigginsThompsonResult, x: any): void {
  expectClose(`${ctx} Q`, got.Q, x.Q, TOL);
  expect(got.df, ctx).toBe(x.df);
  expectClose(`${ctx} p`, got.p, x.p, { name: 'p-value (1e-10 relative, floor 1e-300)', rel: 1e-10, floor: 1e-300 });
  expectClose(`${ctx} H2`, got.H2, x.H2, TOL);
  expectClose(`${ctx} I2`, got.I2, x.I2, TOL);
  expectClose(`${ctx} I2_lo`, got.I2Lo!, x.I2_lo, TOL);
  expectClose(`${ctx} I2_hi`, got.I2Hi!, x.I2_hi, TOL);
}

describe('higginsThompsonI2 (midas homogeni) vs R', () => {
  it(`reproduces ${fixture.homogeni_grid.length} (Q, df, level) rows`, () => {
    for (const row of fixture.homogeni_grid) {
      compare(`Q=${row.Q} df=${row.df} level=${row.level}`, higginsThompsonI2(row.Q, row.df, row.level), row);
    }
  });
  it('df = 1 with Q <= 2 has no interval', () => {
    const r = higginsThompsonI2(1.5, 1);
    expect(r.I2Lo).toBeNull();
    expect(r.notes[0]?.code).toBe('i2_interval_undefined');
    expect(() => higginsThompsonI2(3, 0)).toThrow(RangeError);
  });
});

describe.each(referenceDatasets())('midas forest heterogeneity and Zhou–Dendukuri I² — %s', (name) => {
  const rows = referenceRows(name);
  const x = fixture.datasets[name];
  it('sens / spec panels around the pooled proportion', () => {
    const se = midasProportionHeterogeneity(rows, 'sens');
    const sp = midasProportionHeterogeneity(rows, 'spec');
    expectClose(`${name} pooled sens`, se.pooled, x.pooled.sens, TOL);
    compare(`${name} sens`, se, x.sens);
    compare(`${name} spec`, sp, x.spec);
  });
  it('LR+, LR-, DOR panels and the midas compat quirks', () => {
    compare(`${name} ln LR+`, midasLogScaleHeterogeneity(rows, 'logLrPos', x.pooled.log_lr_pos), x.log_lr_pos);
    compare(`${name} ln LR-`, midasLogScaleHeterogeneity(rows, 'logLrNeg', x.pooled.log_lr_neg), x.log_lr_neg);
    compare(`${name} ln DOR`, midasLogScaleHeterogeneity(rows, 'logDor', x.pooled.log_dor), x.log_dor);
    compare(`${name} compat DOR`, midasCompatDorHeterogeneity(rows, x.pooled.log_dor), x.compat_dor);
    const lrp = midasCompatLrPosHeterogeneity(rows, x.pooled.log_lr_pos);
    expectClose(`${name} compat LR+ I2 (= lower limit)`, lrp.I2, x.compat_lr_pos_I2, TOL);
    expect(lrp.notes.map((n) => n.code)).toContain('midas_compat_i2_is_lower_limit');
  });
  it('Zhou–Dendukuri plug-in I²', () => {
    const z = x.zhou_dendukuri;
    const r = zhouDendukuriI2(
      { mu: { sens: z.params.mu_sens, spec: z.params.mu_spec }, tau2: { sens: z.params.tau2_sens, spec: z.params.tau2_spec }, covRe: z.params.cov_re },
      rows,
    );
    expectClose(`${name} ZD sigma2_sens`, r.sigma2Sens, z.sigma2_sens, TOL);
    expectClose(`${name} ZD sigma2_spec`, r.sigma2Spec, z.sigma2_spec, TOL);
    expectClose(`${name} ZD I2_sens`, r.I2Sens, z.I2_sens, TOL);
    expectClose(`${name} ZD I2_spec`, r.I2Spec, z.I2_spec, TOL);
    expectClose(`${name} ZD I2_bivariate`, r.I2Bivariate, z.I2_bivariate, { name: 'R formula (1e-7 absolute; sqrt of det at rho = ±1)', abs: 1e-7 });
  });
});
