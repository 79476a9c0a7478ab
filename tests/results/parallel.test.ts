/**
 * Refits on several threads (src/results/parallel.ts) give exactly what one thread gives: the
 * bootstrap AUC interval, leave-one-out and cumulative refits, bit for bit; helper threads run the
 * same task functions (by name) and actually take part.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { aucParametricBootstrap } from '../../src/stats/sroc.ts';
import { AUC_REFIT, aucRefit, poolStudies, type AucRefitSettings, type PooledOptions } from '../../src/results/pooled.ts';
import { influenceAnalysis, LEAVE_ONE_OUT } from '../../src/results/influence.ts';
import { cumulativeByYear, CUMULATIVE_STEP } from '../../src/results/cumulative.ts';
import { parallelCounters, parallelMap } from '../../src/results/parallel.ts';
import { TASKS } from '../../src/results/parallel-tasks.ts';
import { userStudies } from '../../bench/user-analysis.ts';
import { referenceRows } from '../helpers/reference.ts';

const saved = process.env.METADX_THREADS;
afterEach(() => {
  if (saved === undefined) delete process.env.METADX_THREADS;
  else process.env.METADX_THREADS = saved;
});
/** Run `f` with METADX_THREADS = n. */
const withThreads = <T>(n: number, f: () => T): T => {
  process.env.METADX_THREADS = String(n);
  return f();
};

const options: PooledOptions = { method: 'glmm', quadrature: 7, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'bootstrap', bootstrap: 200, seed: 20231201 };

describe('parallel refits', () => {
  it('helpers look up the very task functions the main thread runs', () => {
    for (const task of [AUC_REFIT, LEAVE_ONE_OUT, CUMULATIVE_STEP]) expect(TASKS[task.name]).toBe(task.run);
  });

  it('the bootstrap AUC interval is bit-identical on one thread and on three (helpers take part)', () => {
    const counts = userStudies();
    const fit = poolStudies(counts, { ...options, aucInterval: false });
    const settings: AucRefitSettings = { method: 'glmm', quadrature: 7, nodes: 'upper', correction: 'single', correctionValue: 0.5 };
    const bootstrap = (threads: number) =>
      withThreads(threads, () =>
        aucParametricBootstrap(
          { mu: fit.mu, tau2: fit.tau2, covRe: fit.covRe! },
          { studySizes: counts.map((c) => ({ n1: c.tp + c.fn, n0: c.tn + c.fp })), refit: (d) => aucRefit(d, settings), refitAll: (d) => parallelMap(AUC_REFIT, settings, d), replicates: 200, seed: 7 },
        ),
      );
    const sequential = bootstrap(1);
    // helpers start in the background; the first map may finish before they join
    let parallel = bootstrap(3);
    const before = parallelCounters.helperJobs;
    for (let attempt = 0; attempt < 5 && parallelCounters.helperJobs === before; attempt++) parallel = bootstrap(3);
    expect(parallelCounters.helperJobs).toBeGreaterThan(before);
    expect(parallel).toEqual(sequential);
    expect(Object.is(parallel.lo, sequential.lo) && Object.is(parallel.hi, sequential.hi)).toBe(true);
  });

  it('leave-one-out and cumulative refits are bit-identical on one thread and on three', () => {
    const rows = referenceRows('scheidler_lag');
    const counts = rows.map(({ tp, fp, fn, tn }) => ({ tp, fp, fn, tn }));
    const laplace: PooledOptions = { ...options, quadrature: 1, aucCi: 'delta' };
    const pooled = poolStudies(counts, laplace);
    const settings = { leaveOneOut: true, outliers: true, exclude: [] };
    const studies = rows.map((row, i) => ({ label: row.study, counts: counts[i]!, covariates: { year: 1960 + (i % 9) } as Record<string, string | number | null> }));
    const sequential = withThreads(1, () => ({ influence: influenceAnalysis(counts, pooled, laplace, settings), cumulative: cumulativeByYear(studies, laplace) }));
    const parallel = withThreads(3, () => ({ influence: influenceAnalysis(counts, pooled, laplace, settings), cumulative: cumulativeByYear(studies, laplace) }));
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(sequential));
    expect(sequential.influence.studies.every((s) => s.leaveOneOut !== null)).toBe(true);
    expect(sequential.cumulative?.steps.length).toBeGreaterThan(1);
  });
});
