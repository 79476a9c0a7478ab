/** Gauss–Hermite rules for the standard normal weight. */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/reference.ts';
import { gaussHermiteNormal, gaussHermitePhysicists } from '../../src/stats/gauss-hermite.ts';

const expectation = (n: number, f: (z: number) => number): number => {
  const rule = gaussHermiteNormal(n);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += (rule.weights[j] as number) * f(rule.nodes[j] as number);
  return sum;
};

describe('gaussHermiteNormal', () => {
  it('gives the closed-form 3-point rule', () => {
    const rule = gaussHermiteNormal(3);
    [-Math.sqrt(3), 0, Math.sqrt(3)].forEach((z, j) => expectClose(`node ${j}`, rule.nodes[j] as number, z, { name: 'exact', abs: 1e-15 }));
    [1 / 6, 2 / 3, 1 / 6].forEach((w, j) => expectClose(`weight ${j}`, rule.weights[j] as number, w, { name: 'exact', abs: 1e-15 }));
  });

  it.each([1, 2, 5, 7, 21, 41, 80])('integrates polynomials of degree ≤ 2n − 1 exactly (n = %i)', (n) => {
    expectClose(`n=${n} sum of weights`, expectation(n, () => 1), 1, { name: '1e-14', abs: 1e-14 });
    // E[Z^{2m}] = (2m − 1)!!, odd moments 0
    let doubleFactorial = 1;
    for (let m = 1; 2 * m <= Math.min(2 * n - 1, 30); m++) {
      doubleFactorial *= 2 * m - 1;
      expectClose(`n=${n} E[Z^${2 * m}]`, expectation(n, (z) => z ** (2 * m)), doubleFactorial, { name: '1e-12 relative', rel: 1e-12 });
      expectClose(`n=${n} E[Z^${2 * m - 1}]`, expectation(n, (z) => z ** (2 * m - 1)), 0, { name: '1e-12 absolute (scaled)', abs: 1e-12 * doubleFactorial });
    }
  });

  it('matches R integrate() for a logistic-normal expectation', () => {
    // STACK.md §4.4: E[expit(1 + 2Z)] = 0.647726438526 (R integrate)
    expectClose('E[expit(1+2Z)]', expectation(80, (z) => 1 / (1 + Math.exp(-(1 + 2 * z)))), 0.647726438526, { name: '1e-11', abs: 1e-11 });
  });

  it('caches rules, checks n, and offers the physicists’ convention', () => {
    expect(gaussHermiteNormal(7)).toBe(gaussHermiteNormal(7));
    expect(() => gaussHermiteNormal(0)).toThrow(RangeError);
    expect(() => gaussHermiteNormal(2.5)).toThrow(RangeError);
    const classical = gaussHermitePhysicists(5);
    expectClose('Σω = √π', classical.weights.reduce((a, b) => a + b, 0), Math.sqrt(Math.PI), { name: '1e-14', abs: 1e-14 });
  });
});
