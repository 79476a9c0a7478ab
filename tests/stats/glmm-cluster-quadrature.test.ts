/**
 * `tableLogIntegral` (one table, the nested likelihood's inner integral) must give the same bits
 * as `clusterLogIntegral` with m = 1, which it replaces there for speed: value, gradient outputs
 * and the written-back mode are compared with Object.is (no tolerance) over random and edge-case
 * inputs at Q = 1, 5 and 7 — empty arms, zero and large Cholesky entries, far-off warm starts,
 * linear predictors far in the tails (backtracking and non-finite cases included).
 */
import { describe, expect, it } from 'vitest';
import { gaussHermiteNormal } from '../../src/stats/gauss-hermite.ts';
import { clusterLogIntegral, clusterWorkspace, tableLogIntegral } from '../../src/stats/glmm-cluster-quadrature.ts';
import { createRng } from '../../src/stats/random.ts';

interface Case { y1: number; n1: number; y2: number; n2: number; eta1: number; eta2: number; L: [number, number, number]; start: [number, number] }

function cases(): Case[] {
  const rng = createRng(20261204);
  const list: Case[] = [];
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(rng.uniform() * values.length)] as T;
  for (let i = 0; i < 400; i++) {
    const n1 = pick([0, 1, 3, 20, 150, 5000]), n2 = pick([0, 1, 4, 30, 200, 8000]);
    list.push({
      n1, n2,
      y1: Math.floor(rng.uniform() * (n1 + 1)),
      y2: Math.floor(rng.uniform() * (n2 + 1)),
      eta1: pick([0, 1, -1, 5, -30]) + 3 * rng.normal(),
      eta2: pick([0, 2, -2, 8, 40]) + 3 * rng.normal(),
      L: [pick([0, 0.3, 1, 4]) * rng.uniform(), pick([0, 0.5, -2]) * rng.normal(), pick([0, 0.2, 1.5, 12]) * rng.uniform()],
      start: [pick([0, 0.5, -3, 2e3, Number.NaN]), pick([0, -0.7, 4, -5e3])],
    });
  }
  return list;
}

describe('tableLogIntegral equals clusterLogIntegral with one table, bit for bit', () => {
  for (const q of [1, 5, 7]) {
    it(`Q = ${q}: value, ∂η, ∂L and the mode`, () => {
      const rule = gaussHermiteNormal(q);
      const general = clusterWorkspace(rule, 1), single = clusterWorkspace(rule, 1);
      let compared = 0;
      for (const [index, c] of cases().entries()) {
        for (const gradient of [false, true]) {
          const modesA = Float64Array.from(c.start), modesB = Float64Array.from(c.start);
          // the general form reads counts at an offset: put the table at index 2 of longer arrays
          const y1 = Float64Array.of(9, 9, c.y1), n1 = Float64Array.of(9, 9, c.n1), y2 = Float64Array.of(9, 9, c.y2), n2 = Float64Array.of(9, 9, c.n2);
          const a = clusterLogIntegral(general, 1, y1, n1, y2, n2, 2, Float64Array.of(c.eta1), Float64Array.of(c.eta2), ...c.L, modesA, 0, gradient);
          const b = tableLogIntegral(single, c.y1, c.n1, c.y2, c.n2, c.eta1, c.eta2, ...c.L, modesB, gradient);
          const got = [b, modesB[0], modesB[1], ...(gradient ? [single.dEta1[0], single.dEta2[0], ...single.dL] : [])];
          const expected = [a, modesA[0], modesA[1], ...(gradient ? [general.dEta1[0], general.dEta2[0], ...general.dL] : [])];
          const same = got.every((value, i) => Object.is(value, expected[i]));
          if (!same) throw new Error(`case ${index} (Q = ${q}, gradient ${gradient}) inputs ${JSON.stringify(c)}\n got      ${got.join(', ')}\n expected ${expected.join(', ')}`);
          compared++;
        }
      }
      expect(compared).toBe(800);
    });
  }
});
