/**
 * `metadx fit --json` is a stable interface: loop over every reference dataset and compare the
 * JSON with the R oracle (tests/reference): --quadrature 1 with the Laplace fits (glmer-tight /
 * own Laplace), 5 and 21 with the adaptive-quadrature references, --method reitsma with mada.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { expectClose, referenceDatasets, referenceDir, referenceExpected } from '../helpers/reference.ts';

async function fitJson(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['fit', ...args, '--json'], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd(), env: {} });
  expect(code, err.join('\n')).toBe(0);
  return JSON.parse(out.join('\n'));
}

const LOGIT = { name: 'pooled logit (1e-4 relative, floor 1)', rel: 1e-4 };
const VARIANCE = { name: 'variance component (1e-3 relative, floor 0.05)', rel: 1e-3, floor: 0.05 };
const SUMMARY = { name: 'summary measure (1e-4 relative)', rel: 1e-4 };

describe.each(referenceDatasets())('metadx fit --json: %s', (name) => {
  const expected = referenceExpected(name);
  const file = join(referenceDir, 'datasets', `${name}.csv`);

  it.each([
    [1, 'Q1'],
    [5, 'Q5'],
    [21, 'Q21'],
  ])('--quadrature %i matches the adaptive-quadrature reference %s', async (quadrature, block) => {
    const reference = expected.bivariate_glmm_aghq[block];
    // the R reference places the nodes with the lower Cholesky factor (5 points default to Stata's upper placement)
    const fit = await fitJson([file, '--quadrature', String(quadrature), '--nodes', 'lower']);
    expect(fit).toMatchObject({ k: expected.k, method: 'glmm', quadrature });
    for (const key of ['k', 'method', 'quadrature', 'converged', 'warnings', 'logLik', 'mu', 'vcov', 'tau2', 'rho', 'summary', 'hsroc', 'auc', 'aucMidas', 'heterogeneity', 'deeks']) {
      expect(fit, `JSON key ${key}`).toHaveProperty(key);
    }
    // where our optimum is higher than the reference's (nlminb stopped early), parameters may differ
    // by more than the tolerance; the logLik must then be >= the reference's
    const better = fit.logLik > reference.logLik + 1e-6;
    if (!better) {
      expectClose(`${name} ${block} mu sens`, fit.mu.sens, reference.mu_logit_sens, LOGIT);
      expectClose(`${name} ${block} mu spec`, fit.mu.spec, reference.mu_logit_spec, LOGIT);
      expectClose(`${name} ${block} tau2 sens`, fit.tau2.sens, reference.tau2_sens, VARIANCE);
      expectClose(`${name} ${block} tau2 spec`, fit.tau2.spec, reference.tau2_spec, VARIANCE);
      expectClose(`${name} ${block} sensitivity`, fit.summary.sens.est, reference.summary.sens.est, SUMMARY);
      expectClose(`${name} ${block} DOR`, fit.summary.dor.est, reference.summary.dor.est, { ...SUMMARY, rel: 1e-3 });
    }
    expectClose(`${name} ${block} logLik`, fit.logLik, reference.logLik, { name: 'logLik (1e-4 absolute, or higher)', abs: better ? Infinity : 1e-4 });
    expect(fit.logLik, `${name} ${block}: our logLik must not be lower than the reference's`).toBeGreaterThanOrEqual(reference.logLik - 1e-4);
  });

  it('--method reitsma matches mada::reitsma (REML, correction 0.5 to all cells if any zero)', async () => {
    const reference = expected.reitsma_mada_reml;
    const fit = await fitJson([file, '--method', 'reitsma', '--correction', 'all']);
    expect(fit.method).toBe('reitsma');
    const tolerance = { name: 'Reitsma vs mada (1e-4 relative, floor 0.05)', rel: 1e-4, floor: 0.05 };
    expectClose(`${name} reitsma mu sens`, fit.mu.sens, reference.mu_logit_sens, tolerance);
    expectClose(`${name} reitsma mu spec`, fit.mu.spec, reference.mu_logit_spec, tolerance);
    expectClose(`${name} reitsma tau2 sens`, fit.tau2.sens, reference.tau2_sens, VARIANCE);
    expectClose(`${name} reitsma tau2 spec`, fit.tau2.spec, reference.tau2_spec, VARIANCE);
    expectClose(`${name} reitsma LR+`, fit.summary.lrPositive.est, reference.summary.lr_pos.est, tolerance);
  });

  it("reports Deeks' test as R lm does", async () => {
    const reference = expected.deeks_funnel_test;
    const fit = await fitJson([file, '--quadrature', '1']);
    expectClose(`${name} Deeks slope`, fit.deeks.slope, reference.slope, { name: 'Deeks slope (1e-8 relative)', rel: 1e-8 });
    expectClose(`${name} Deeks p`, fit.deeks.p, reference.slope_p, { name: 'Deeks p (1e-8 absolute)', abs: 1e-8 });
  });
});

describe('metadx fit usage errors', () => {
  it('rejects a bad --quadrature with exit 2', async () => {
    const err: string[] = [];
    const code = await main(['fit', 'x.csv', '--quadrature', 'seven'], { out: () => undefined, err: (t) => err.push(t), cwd: process.cwd(), env: {} });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('--quadrature must be a whole number from 1 to 41, not "seven"');
  });
});

describe('metadx fit --covariate', () => {
  it.each([
    ['osteoporosis_dl_standin', 'image_type'],
    ['osteoporosis_dl_standin', 'validation'],
    ['saq', 'population'],
  ])('%s ~ %s: LRT and coefficients as glmer (Laplace)', async (name, covariate) => {
    const reference = referenceExpected(name).meta_regression[covariate].glmer;
    const fit = await fitJson([join(referenceDir, 'datasets', `${name}.csv`), '--quadrature', '1', '--covariate', covariate]);
    expect(fit.metaRegression).toMatchObject({ covariate, type: 'categorical', k: reference.k_used });
    expect(fit.metaRegression.lrt.df).toBe(reference.lrt_vs_no_covariate.df);
    expectClose(`${name}/${covariate} LRT`, fit.metaRegression.lrt.statistic, reference.lrt_vs_no_covariate.statistic, { name: 'LRT (2e-3 absolute)', abs: 2e-3 });
    expect(fit.metaRegression.levels.map((l: { k: number }) => l.k).reduce((a: number, b: number) => a + b, 0)).toBe(reference.k_used);
    expect(fit.deeks).not.toBeNull();
  });
});
