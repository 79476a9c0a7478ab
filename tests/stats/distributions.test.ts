/** Distribution wrappers vs R 4.2.2 (values printed with sprintf("%.17g", ...) in an R session). */
import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  chiSquareQuantile,
  chiSquareUpperTail,
  expit,
  fCdf,
  fQuantile,
  logit,
  normalCdf,
  normalCritical,
  normalQuantile,
  tCdf,
  tQuantile,
  tTwoSidedP,
} from '../../src/stats/distributions.ts';
import { createRng, logGamma } from '../../src/stats/random.ts';
import { categoricalDesign, continuousDesign } from '../../src/stats/design.ts';
import { expectClose } from '../helpers/reference.ts';

const R = { name: 'vs R (1e-12 relative)', rel: 1e-12, floor: 1e-300 };

describe('distributions vs R', () => {
  const cases: [string, number, number][] = [
    ['pnorm(-1.3)', normalCdf(-1.3), 0.096800484585610344],
    ['qnorm(0.975)', normalQuantile(0.975), 1.9599639845400536],
    ['normalCritical(0.95)', normalCritical(0.95), 1.9599639845400536],
    ['pchisq(30, 16, lower = FALSE)', chiSquareUpperTail(30, 16), 0.018002193147830765],
    ['pchisq(1000, 4, lower = FALSE)', chiSquareUpperTail(1000, 4), 3.5694127797773843e-215],
    ['qchisq(0.95, 2)', chiSquareQuantile(0.95, 2), 5.9914645471079799],
    ['pt(-2.1, 15)', tCdf(-2.1, 15), 0.026527628076021381],
    ['qt(0.975, 15)', tQuantile(0.975, 15), 2.1314495455597751],
    ['qf(0.95, 2, 8)', fQuantile(0.95, 2, 8), 4.458970107524511],
    ['pf(3, 2, 8)', fCdf(3, 2, 8), 0.89337775926697216],
    ['qbeta(0.025, 3, 8)', betaQuantile(0.025, 3, 8), 0.066739511177734467],
    ['2*pt(-0.3127, 15)', tTwoSidedP(0.312698118572122, 15), 0.75881529106942014],
  ];
  it.each(cases)('%s', (label, got, expected) => expectClose(label, got, expected, R));
  it('logit/expit are inverse and stable in the tails', () => {
    expect(expit(logit(0.3))).toBeCloseTo(0.3, 15);
    expect(expit(-800)).toBe(0);
    expect(expit(800)).toBe(1);
    expect(chiSquareUpperTail(0, 3)).toBe(1);
  });
});

describe('random (seeded)', () => {
  it('is reproducible and seed-dependent', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = [a.uniform(), a.normal(), a.binomial(50, 0.3)];
    expect([b.uniform(), b.normal(), b.binomial(50, 0.3)]).toEqual(xa);
    expect(c.uniform()).not.toBe(xa[0]);
  });
  it('uniform, normal and binomial have the right first two moments', () => {
    const rng = createRng(1);
    const N = 20000;
    const u = Array.from({ length: N }, () => rng.uniform());
    const z = Array.from({ length: N }, () => rng.normal());
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const variance = (v: number[]) => mean(v.map((x) => (x - mean(v)) ** 2));
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(mean(z))).toBeLessThan(0.03);
    expect(Math.abs(variance(z) - 1)).toBeLessThan(0.04);
    for (const [n, p] of [
      [10, 0.5],
      [200, 0.03],
      [5000, 0.9],
    ] as const) {
      const x = Array.from({ length: 5000 }, () => rng.binomial(n, p));
      expect(x.every((v) => Number.isInteger(v) && v >= 0 && v <= n)).toBe(true);
      expect(Math.abs(mean(x) - n * p)).toBeLessThan(5 * Math.sqrt((n * p * (1 - p)) / 5000));
      expect(Math.abs(variance(x) / (n * p * (1 - p)) - 1)).toBeLessThan(0.1);
    }
    expect(rng.binomial(7, 0)).toBe(0);
    expect(rng.binomial(7, 1)).toBe(7);
  });
  it('logGamma matches known values', () => {
    expectClose('lgamma(10)', logGamma(10), Math.log(362880), { name: '1e-13 relative', rel: 1e-13 });
    expectClose('lgamma(0.5)', logGamma(0.5), 0.5 * Math.log(Math.PI), { name: '1e-13 relative', rel: 1e-13 });
  });
});

describe('design matrices', () => {
  it('dummy-codes a categorical covariate against the first sorted level', () => {
    const d = categoricalDesign(['MRI', 'CT', 'LAG', 'CT']);
    expect(d.names).toEqual(['(Intercept)', 'level_LAG', 'level_MRI']);
    expect(d.sens).toEqual([
      [1, 0, 1],
      [1, 0, 0],
      [1, 1, 0],
      [1, 0, 0],
    ]);
    expect(d.info.reference).toBe('CT');
    expect(() => categoricalDesign(['a', 'a'])).toThrow(RangeError);
    expect(() => categoricalDesign(['a', null])).toThrow(RangeError);
  });
  it('uses raw or centred continuous values', () => {
    expect(continuousDesign([1, 2, 3]).sens).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    expect(continuousDesign([1, 2, 3], { center: true }).spec.map((r) => r[1])).toEqual([-1, 0, 1]);
  });
});
