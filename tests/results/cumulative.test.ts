/** Cumulative meta-analysis (src/results/cumulative.ts) on Scheidler's 17 lymphangiography studies. */
import { describe, expect, it } from 'vitest';
import { cumulativeBySearch, cumulativeByYear, type CumulativeStudy } from '../../src/results/cumulative.ts';
import { poolStudies, type PooledOptions } from '../../src/results/pooled.ts';
import { scheidlerRows } from '../helpers/versions.ts';

const options: PooledOptions = { method: 'glmm', quadrature: 5, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 1000, seed: 1 };
const studies: CumulativeStudy[] = scheidlerRows().map(([label, tp, fp, fn, tn, year]) => ({ label, counts: { tp, fp, fn, tn }, covariates: { year } }));

describe('cumulative meta-analysis by publication year', () => {
  const result = cumulativeByYear(studies, options)!;

  it('adds one study per step, by year then name, counting tables and studies', () => {
    expect(result.order).toBe('year');
    expect(result.steps).toHaveLength(17);
    const years = result.steps.map((step) => step.year!);
    expect(years).toEqual([...years].sort((a, b) => a - b));
    expect(result.steps.map((step) => step.k)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(result.steps[0]).toMatchObject({ study: 'Kindermann 1970', k: 1, method: 'none', sens: null, spec: null });
    const sameYear = result.steps.filter((step) => step.year === 1971).map((step) => step.study);
    expect(sameYear).toEqual([...sameYear].sort());
  });

  it('pools univariately below 4 tables and with the bivariate model from 4', () => {
    expect(result.steps[1]!.method).toBe('univariate');
    expect(result.steps[3]!.method).toBe('glmm');
  });

  it('ends with the pooled estimate of all studies', () => {
    const all = poolStudies([...studies].map((s) => s.counts), options);
    const last = result.steps.at(-1)!;
    expect(last.sens!.est).toBeCloseTo(all.summary.sens.est, 6);
    expect(last.spec!.hi).toBeCloseTo(all.summary.spec.hi, 6);
  });

  it('groups the tables of one publication and leaves studies without a year out', () => {
    const grouped: CumulativeStudy[] = [
      ...studies.slice(0, 6),
      { label: 'X (model 1)', group: 'x', counts: { tp: 10, fp: 2, fn: 3, tn: 20 }, covariates: { year: 1990, first_author: 'Xu' } },
      { label: 'X (model 2)', group: 'x', counts: { tp: 12, fp: 3, fn: 2, tn: 18 }, covariates: { year: 1990, first_author: 'Xu' } },
      { label: 'Undated', counts: { tp: 5, fp: 1, fn: 1, tn: 9 }, covariates: { year: null } },
    ];
    const byYear = cumulativeByYear(grouped, options)!;
    expect(byYear.steps.at(-1)).toMatchObject({ study: 'Xu', year: 1990, groups: ['x'], added: 2, k: 8, studies: 7 });
    expect(byYear.unplaced).toEqual(['Undated']);
  });
});

describe('cumulative meta-analysis by search', () => {
  it('adds the studies each search found; the rest belong to the first search', () => {
    const searches = [
      { date: '1990-01-01', label: 'Original' },
      { date: '1996-01-01', added: ['Heller 1990', 'Feigen 1987', 'Nobody 2000'], demonstration: true },
    ];
    const result = cumulativeBySearch(studies, searches, options)!;
    expect(result.steps.map((step) => [step.search!.date, step.added, step.k, step.studies])).toEqual([
      ['1990-01-01', 15, 15, 15],
      ['1996-01-01', 2, 17, 17],
    ]);
    expect(result.steps[1]!.search).toEqual({ index: 1, date: '1996-01-01', demonstration: true });
    expect(result.unknownIds).toEqual(['Nobody 2000']);
    expect(cumulativeBySearch(studies, [searches[0]!], options)).toBeNull();
  });
});
