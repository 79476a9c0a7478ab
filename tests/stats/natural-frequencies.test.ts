/**
 * Natural frequencies per 1,000 tested vs an independent R computation
 * (tests/fixtures-r/natural-frequencies.R → natural-frequencies.json): lme4's pooled logits and
 * covariance in, GRADEpro-style cells and delta-method totals (R: numerical gradient) out, at two
 * prevalences per data set.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { naturalFrequencies } from '../../src/stats/natural-frequencies.ts';
import { predictionRange } from '../../src/stats/prediction-range.ts';
import type { Matrix2 } from '../../src/stats/types.ts';

type Cell = { est: number; lo: number; hi: number };
interface At {
  prevalence: number;
  per: number;
  true_positives: Cell;
  false_negatives: Cell;
  true_negatives: Cell;
  false_positives: Cell;
  test_positive: Cell;
  test_negative: Cell;
  ppv: Cell;
  npv: Cell;
}
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures-r', 'natural-frequencies.json'), 'utf8')) as {
  datasets: Record<string, { mu: [number, number]; vcov: Matrix2; at: At[] }>;
};

/** Cells are closed-form in both: agree to rounding. Delta-method totals: R's central differences (h = 1e-6). */
const TOLERANCE = { cells: 1e-9, deltaPer1000: 1e-5, deltaProportion: 1e-8 } as const;

function expectInterval(got: Cell, expected: Cell, tolerance: number, what: string): void {
  for (const key of ['est', 'lo', 'hi'] as const) {
    const message = `${what}.${key}: got ${got[key]}, expected ${expected[key]} (tolerance ${tolerance})`;
    expect(Math.abs(got[key] - expected[key]), message).toBeLessThanOrEqual(tolerance);
  }
}

describe('naturalFrequencies vs R (tests/fixtures-r/natural-frequencies.R)', () => {
  for (const [name, data] of Object.entries(fixture.datasets)) {
    for (const at of data.at) {
      it(`${name}, prevalence ${at.prevalence}`, () => {
        const got = naturalFrequencies({ sens: data.mu[0], spec: data.mu[1] }, data.vcov, at.prevalence, { per: at.per });
        expectInterval(got.truePositives, at.true_positives, TOLERANCE.cells, 'TP');
        expectInterval(got.falseNegatives, at.false_negatives, TOLERANCE.cells, 'FN');
        expectInterval(got.trueNegatives, at.true_negatives, TOLERANCE.cells, 'TN');
        expectInterval(got.falsePositives, at.false_positives, TOLERANCE.cells, 'FP');
        expectInterval(got.testPositive, at.test_positive, TOLERANCE.deltaPer1000, 'test positive');
        expectInterval(got.testNegative, at.test_negative, TOLERANCE.deltaPer1000, 'test negative');
        expectInterval(got.ppv, at.ppv, TOLERANCE.deltaProportion, 'PPV');
        expectInterval(got.npv, at.npv, TOLERANCE.deltaProportion, 'NPV');
      });
    }
  }
});

describe('naturalFrequencies: hand-worked example and edge cases', () => {
  const mu = { sens: Math.log(0.9 / 0.1), spec: Math.log(0.8 / 0.2) };
  const zero: Matrix2 = [[0, 0], [0, 0]];
  it('Se 0.9, Sp 0.8, prevalence 10%, no uncertainty: 90 TP, 10 FN, 720 TN, 180 FP, PPV 1/3', () => {
    const got = naturalFrequencies(mu, zero, 0.1);
    expect(got.truePositives.est).toBeCloseTo(90, 10);
    expect(got.falseNegatives.est).toBeCloseTo(10, 10);
    expect(got.trueNegatives.est).toBeCloseTo(720, 10);
    expect(got.falsePositives.est).toBeCloseTo(180, 10);
    expect(got.testPositive.est).toBeCloseTo(270, 10);
    expect(got.testPositive.lo).toBeCloseTo(270, 10);
    expect(got.ppv.est).toBeCloseTo(1 / 3, 12);
    expect(got.npv.est).toBeCloseTo(720 / 730, 12);
  });
  it('refuses prevalences outside (0, 1), e.g. a percentage', () => {
    expect(() => naturalFrequencies(mu, zero, 0)).toThrow(RangeError);
    expect(() => naturalFrequencies(mu, zero, 30)).toThrow(/strictly between 0 and 1/);
  });
  it('keeps the point estimates when the covariance is not estimable', () => {
    const got = naturalFrequencies(mu, [[Number.NaN, Number.NaN], [Number.NaN, Number.NaN]], 0.1);
    expect(got.truePositives.est).toBeCloseTo(90, 10);
    expect(Number.isNaN(got.truePositives.lo)).toBe(true);
  });
});

describe('predictionRange', () => {
  it('projects the prediction region on each axis: expit(μ ± c·√(Ψ + V))', () => {
    const range = predictionRange({ sens: 0, spec: 1 }, [[0.01, 0], [0, 0.04]], [[0.99, 0.2], [0.2, 0.96]], 2);
    expect(range.sens.lo).toBeCloseTo(1 / (1 + Math.exp(2)), 12);
    expect(range.sens.hi).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(range.spec.lo).toBeCloseTo(1 / (1 + Math.exp(1)), 12);
    expect(range.spec.hi).toBeCloseTo(1 / (1 + Math.exp(-3)), 12);
  });
});
