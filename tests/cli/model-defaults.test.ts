/**
 * One set of model defaults for every entry point (issue 14, item 3): `metadx fit --method
 * reitsma` and a spec with `model: {method: reitsma}` use the same continuity correction and give
 * the same numbers; a setting the chosen model does not use (quadrature with Reitsma) is a
 * warning in both, located in the spec.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pooledOptions } from '../../src/results/analyze.ts';
import { poolStudies } from '../../src/results/pooled.ts';
import { loadAnalysis } from '../../src/run.ts';
import { referenceDir } from '../helpers/reference.ts';
import { runCli, temporary } from '../helpers/versions.ts';

const env = { SOURCE_DATE_EPOCH: '1705276800' };

function analysis(model: string): string {
  const work = temporary('model-defaults');
  mkdirSync(join(work, 'a'));
  // scheidler_lag has tables with a zero cell, where the corrections "single" and "all" differ
  copyFileSync(join(referenceDir, 'datasets', 'scheidler_lag.csv'), join(work, 'a', 'data.csv'));
  writeFileSync(join(work, 'a', 'analysis.yaml'), `title: T\nversion: 1\ndata:\n  file: data.csv\nmodel:\n${model}`);
  return work;
}

describe('model defaults', () => {
  it('fit --method reitsma gives the numbers of model: {method: reitsma} (same correction)', async () => {
    const work = analysis('  method: reitsma\n');
    const loaded = await loadAnalysis(join(work, 'a'), work);
    // what `metadx report` pools for this spec (src/run.ts → analyze → poolStudies(pooledOptions(spec)))
    const results = { pooled: poolStudies(loaded.data.studies.map((s) => s.counts), pooledOptions(loaded.spec)) };
    const fit = await runCli(['fit', 'a/data.csv', '--method', 'reitsma', '--json'], work, env);
    expect(fit.code, fit.err).toBe(0);
    const json = JSON.parse(fit.out);
    expect(json.correction).toBe('single (0.5)');
    expect(results.pooled.model.correction?.policy).toBe('single');
    for (const measure of ['sens', 'spec', 'lrPositive', 'lrNegative', 'dor'] as const) {
      expect(json.summary[measure].est, measure).toBe(results.pooled.summary[measure].est);
      expect(json.summary[measure].lo, measure).toBe(results.pooled.summary[measure].lo);
    }
    expect(json.tau2).toEqual(results.pooled.tau2);
  }, 120_000);

  it('quadrature with the Reitsma model is a located warning in validate (exit 0)', async () => {
    const work = analysis('  method: reitsma\n  quadrature: 5\n');
    const { code, out, err } = await runCli(['validate', 'a'], work, env);
    expect(err).toBe(
      'a/analysis.yaml:7:15: warning: model.quadrature is not used by the Reitsma model (a normal approximation fitted by REML: it integrates nothing); it has no effect\n    remove model.quadrature, or choose the model that uses it (method: glmm)',
    );
    expect(out).toBe('ok: a (17 studies)');
    expect(code).toBe(0);
  });

  it('no warning when quadrature is left to its default', async () => {
    const work = analysis('  method: reitsma\n');
    expect((await runCli(['validate', 'a'], work, env)).err).toBe('');
  });

  it('fit --method reitsma --quadrature 5 warns on stderr', async () => {
    const work = analysis('  method: reitsma\n');
    const { code, err } = await runCli(['fit', 'a/data.csv', '--method', 'reitsma', '--quadrature', '5', '--json'], work, env);
    expect(code).toBe(0);
    expect(err).toBe('warning: --quadrature is not used by the Reitsma model (a normal approximation fitted by REML: it integrates nothing); it has no effect\n    remove --quadrature, or choose the model that uses it (--method glmm)');
  });
});
