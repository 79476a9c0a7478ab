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
import { userStudies, writeUserAnalysis } from '../../bench/user-analysis.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeResults, loadInputs } from '../../src/compile.ts';
import { ANALYSIS_PART } from '../../src/results/analyze.ts';
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
    for (const task of [AUC_REFIT, LEAVE_ONE_OUT, CUMULATIVE_STEP, ANALYSIS_PART]) expect(TASKS[task.name]).toBe(task.run);
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

  it('whole analyses (model, subgroups, cumulative) run side by side give what one thread gives, maps inside parts included', async () => {
    // the 14-study bench analysis: its model runs a 1000-refit bootstrap map inside the part the
    // main thread runs, while a helper runs the cumulative and subgroup parts (results of both
    // maps arrive on the same ports)
    const { cwd, name } = writeUserAnalysis();
    const folder = join(cwd, name);
    const inputs = await loadInputs({ specText: readFileSync(join(folder, 'analysis.yaml'), 'utf8'), specFile: join(folder, 'analysis.yaml'), defaultName: name, read: (r) => ({ bytes: readFileSync(join(folder, r.path)), file: r.path }) });
    const sequential = withThreads(1, () => computeResults(inputs));
    const before = parallelCounters.helperJobs;
    const reruns = parallelCounters.reruns;
    let parallel = withThreads(2, () => computeResults(inputs));
    for (let attempt = 0; attempt < 3 && parallelCounters.helperJobs === before; attempt++) parallel = withThreads(2, () => computeResults(inputs));
    expect(parallelCounters.helperJobs).toBeGreaterThan(before);
    // every answer of a helper was read, those that arrived during the inner map included
    expect(parallelCounters.reruns).toBe(reruns);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(sequential));
    expect(sequential.subgroups).toHaveLength(1);
    expect(sequential.cumulative?.byYear?.steps.length).toBe(14);
  }, 120_000);
});
