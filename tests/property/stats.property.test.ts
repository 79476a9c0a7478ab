/**
 * Property-based tests of the statistics entry points (fast-check, fixed seeds): for any table of
 * valid 2x2 counts (k = 1–30, counts 0–500 with many zeros and extreme splits) `poolStudies`
 * returns, never throws, and every summary estimate is either a finite number inside its interval
 * or a clearly labelled non-estimable value (a note on the model). `fitReitsma` and
 * `fitBivariateGlmm` return or throw RangeError, and throw only for invalid input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poolStudies, type PooledOptions, type PooledResult } from '../../src/results/pooled.ts';
import { fitBivariateGlmm } from '../../src/stats/glmm-bivariate.ts';
import { fitReitsma } from '../../src/stats/reitsma.ts';
import type { Counts } from '../../src/stats/types.ts';

/** A count: mostly small, often 0, sometimes large (the shapes that break fits). */
const count = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }) },
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 500 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 499, 500) },
);

/** A 2x2 table as the data stage lets it through: both arms non-empty. */
const table: fc.Arbitrary<Counts> = fc
  .record({ tp: count, fp: count, fn: count, tn: count })
  .map((c) => ({ tp: c.tp + c.fn === 0 ? 1 : c.tp, fn: c.fn, fp: c.fp, tn: c.fp + c.tn === 0 ? 1 : c.tn }));

/** Tables with a shared pattern (all perfect, all zero FP, identical rows) as well as random ones. */
const tables = (maxK: number): fc.Arbitrary<Counts[]> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.array(table, { minLength: 1, maxLength: maxK }) },
    { weight: 1, arbitrary: fc.tuple(table, fc.integer({ min: 1, max: maxK })).map(([t, k]) => Array.from({ length: k }, () => ({ ...t }))) },
    {
      weight: 1,
      arbitrary: fc.array(fc.record({ d: fc.integer({ min: 1, max: 60 }), n: fc.integer({ min: 1, max: 60 }) }), { minLength: 1, maxLength: maxK }).map((rows) => rows.map(({ d, n }) => ({ tp: d, fn: 0, fp: 0, tn: n }))),
    },
    {
      weight: 1,
      arbitrary: fc.array(fc.record({ d: fc.integer({ min: 1, max: 60 }), n: fc.integer({ min: 1, max: 60 }), x: fc.integer({ min: 0, max: 60 }) }), { minLength: 1, maxLength: maxK }).map((rows) => rows.map(({ d, n, x }) => ({ tp: d, fn: x, fp: 0, tn: n }))),
    },
  );

const options = (method: 'glmm' | 'reitsma', correction: PooledOptions['correction'], quadrature: number): PooledOptions => ({
  method,
  quadrature,
  correction,
  correctionValue: 0.5,
  region: 'F',
  level: 0.95,
  aucCi: 'delta',
  bootstrap: 10, // the bootstrap (used when a variance is 0) is the slow part; its size does not matter here
  seed: 1,
});

const MEASURES = ['sens', 'spec', 'fpr', 'lrPositive', 'lrNegative', 'dor', 'logDor'] as const;

/** Every summary value is finite and ordered, or the model says why it is not (a note, or not converged). */
function checkPooled(result: PooledResult, k: number): void {
  expect(result.model.k).toBeLessThanOrEqual(k);
  const labelled = result.model.notes.length > 0 || !result.model.converged;
  for (const name of MEASURES) {
    const m = result.summary[name];
    const values = [m.est, m.lo, m.hi];
    if (values.every(Number.isFinite)) {
      expect(m.lo, `${name}: lo <= est`).toBeLessThanOrEqual(m.est * (1 + 1e-9) + 1e-12);
      expect(m.est, `${name}: est <= hi`).toBeLessThanOrEqual(m.hi * (1 + 1e-9) + 1e-12);
      if (name === 'sens' || name === 'spec' || name === 'fpr') for (const v of values) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1);
      if (name === 'lrPositive' || name === 'lrNegative' || name === 'dor') for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
    } else {
      // a non-finite value is allowed only when the model reports a problem (the report shows it as NA with the note)
      expect(labelled, `${name} = ${JSON.stringify(values)} without a note`).toBe(true);
    }
  }
  // the point estimates of sensitivity and specificity always exist
  expect(Number.isFinite(result.summary.sens.est), 'pooled sensitivity').toBe(true);
  expect(Number.isFinite(result.summary.spec.est), 'pooled specificity').toBe(true);
  if (result.auc) {
    if (result.auc.est !== null) expect(result.auc.est).toBeGreaterThanOrEqual(0), expect(result.auc.est).toBeLessThanOrEqual(1);
    if (result.auc.lo !== null && result.auc.hi !== null) expect(result.auc.lo).toBeLessThanOrEqual(result.auc.hi + 1e-12);
  }
  for (const point of [...(result.regions?.confidence ?? []), ...(result.regions?.prediction ?? []), ...(result.sroc?.points ?? [])]) {
    expect(Number.isFinite(point.fpr) && Number.isFinite(point.sens), 'region/curve points are finite').toBe(true);
  }
  expect(() => JSON.stringify(result)).not.toThrow();
}

describe('poolStudies on any valid 2x2 tables', () => {
  it.each([
    ['glmm', 'single', 7],
    ['glmm', 'single', 1],
    ['reitsma', 'all', 7],
    ['reitsma', 'single', 7],
    ['reitsma', 'none', 7],
  ] as const)('%s (correction %s, Q = %i) returns labelled results and never throws', (method, correction, quadrature) => {
    fc.assert(
      fc.property(tables(30), (counts) => {
        // the data stage refuses correction "none" for the Reitsma model when a table has a zero cell
        // (tests/robustness/corpus/reitsma-no-correction-zero-cells); logits of 0 are undefined
        if (method === 'reitsma' && correction === 'none') fc.pre(counts.every((c) => c.tp > 0 && c.fp > 0 && c.fn > 0 && c.tn > 0));
        checkPooled(poolStudies(counts, options(method, correction, quadrature)), counts.length);
      }),
      { seed: 20240701 + quadrature, numRuns: Number(process.env.PROPERTY_RUNS ?? (method === 'glmm' ? 60 : 120)) },
    );
  }, 240_000);
});

/** Any values at all in the cells, including invalid ones. */
const anyCell = fc.oneof(count, fc.constantFrom(-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, -0, 1e12));
const anyTables = fc.array(fc.record({ tp: anyCell, fp: anyCell, fn: anyCell, tn: anyCell }), { minLength: 0, maxLength: 8 });
const valid = (counts: Counts[]): boolean =>
  counts.length > 0 && counts.every((c) => Object.values(c).every((v) => Number.isInteger(v) && v >= 0 && v <= 1e7)) && counts.some((c) => c.tp + c.fn > 0) && counts.some((c) => c.fp + c.tn > 0);

describe('model fits on arbitrary input', () => {
  it('fitBivariateGlmm returns or throws RangeError, and throws only for invalid input', () => {
    fc.assert(
      fc.property(anyTables, (counts) => {
        try {
          const fit = fitBivariateGlmm(counts, { quadrature: 3 });
          expect(Number.isFinite(fit.mu.sens) && Number.isFinite(fit.mu.spec), 'finite pooled logits').toBe(true);
          if (!fit.converged) expect(fit.notes.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          expect(valid(counts), `threw ${(error as Error).message} for valid input ${JSON.stringify(counts)}`).toBe(false);
        }
      }),
      { seed: 7, numRuns: 150 },
    );
  }, 120_000);

  it('fitReitsma returns or throws RangeError (invalid input, or fewer than 2 usable studies)', () => {
    fc.assert(
      fc.property(anyTables, fc.constantFrom('all', 'single', 'none'), (counts, correction) => {
        try {
          const fit = fitReitsma(counts, { correction });
          expect(Number.isFinite(fit.mu.sens) && Number.isFinite(fit.mu.spec), 'finite pooled logits').toBe(true);
          if (!fit.converged) expect(fit.notes.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  }, 120_000);
});
