/**
 * The flagship's corrected stand-in table (analyses/osteoporosis-dl/data/models.csv with the Hsieh 2021
 * spine and Jang 2021 corrections) against R (tests/fixtures-r/osteoporosis-corrected.R → .json):
 * glmer Laplace, an own R AGHQ with 7 points (lower Cholesky placement, metadx's default at 7 points),
 * metafor rma.mv REML (continuity correction for tables with a zero cell) and Deeks' test (lm).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fitBivariateGlmm } from '../../src/stats/glmm-bivariate.ts';
import { fitReitsma } from '../../src/stats/reitsma.ts';
import { deeksFunnelTest } from '../../src/stats/deeks.ts';
import { expectClose } from '../helpers/reference.ts';

const reference = JSON.parse(readFileSync(new URL('../fixtures-r/osteoporosis-corrected.json', import.meta.url), 'utf8'));
const rows = parse(readFileSync(new URL('../../analyses/osteoporosis-dl/data/models.csv', import.meta.url), 'utf8'), { columns: true }) as Record<string, string>[];
const counts = rows.map((r) => ({ tp: Number(r.tp), fp: Number(r.fp), fn: Number(r.fn), tn: Number(r.tn) }));

const MU = { name: 'pooled logit (1e-5 absolute)', abs: 1e-5 };
const SE = { name: 'SE (1e-3 relative)', rel: 1e-3, floor: 0.1 };
const TAU2 = { name: 'variance component (1e-4 relative, floor 0.1)', rel: 1e-4, floor: 0.1 };
const LOGLIK = { name: 'logLik (1e-5 absolute)', abs: 1e-5 };

describe('corrected flagship stand-in vs R', () => {
  it('has the corrected rows', () => {
    expect(counts).toContainEqual({ tp: 6565, fp: 1207, fn: 1295, tn: 9108 });
    const jang = counts[rows.findIndex((r) => r.study === 'jang2021')]!;
    expect(jang.tp + jang.fp + jang.fn + jang.tn).toBe(117);
    expect(jang.tp + jang.tn).toBe(84);
  });
  it.each([
    [1, 'glmer_laplace'],
    [7, 'aghq_q7'],
  ] as const)('GLMM, %i point(s) vs %s', (quadrature, block) => {
    const fit = fitBivariateGlmm(counts, { quadrature });
    const r = reference[block];
    expectClose(`${block} mu sens`, fit.mu.sens, r.mu[0], MU);
    expectClose(`${block} mu spec`, fit.mu.spec, r.mu[1], MU);
    expectClose(`${block} se sens`, fit.se.sens, r.se[0], SE);
    expectClose(`${block} se spec`, fit.se.spec, r.se[1], SE);
    expectClose(`${block} tau2 sens`, fit.tau2.sens, r.tau2[0], TAU2);
    expectClose(`${block} tau2 spec`, fit.tau2.spec, r.tau2[1], TAU2);
    expectClose(`${block} rho`, fit.rho!, r.rho, TAU2);
    expectClose(`${block} logLik`, fit.logLik, r.logLik, LOGLIK);
  });
  it('Reitsma REML (correction for tables with a zero cell) vs metafor rma.mv', () => {
    const fit = fitReitsma(counts, { method: 'reml', correction: 'single', correctionValue: 0.5 });
    const r = reference.reitsma_reml_single;
    expectClose('mu sens', fit.mu.sens, r.mu[0], MU);
    expectClose('mu spec', fit.mu.spec, r.mu[1], MU);
    expectClose('tau2 sens', fit.tau2.sens, r.tau2[0], TAU2);
    expectClose('tau2 spec', fit.tau2.spec, r.tau2[1], TAU2);
  });
  it("Deeks' test vs lm", () => {
    const d = deeksFunnelTest(counts, { correction: 'single', correctionValue: 0.5 });
    expectClose('slope', d.slope, reference.deeks.slope, { name: 'slope (1e-6 relative)', rel: 1e-6 });
    expectClose('p', d.slopeP, reference.deeks.p, { name: 'p (1e-6 absolute)', abs: 1e-6 });
  });
});
