/**
 * SROC curve and AUC rules vs the `sroc_auc` of every reference engine block (recomputed from the
 * block's own parameters), the midas test vectors of METHODS (c), and the AUC intervals.
 */
import { describe, expect, it } from 'vitest';
import {
  aucDeltaMethodCi,
  aucExact,
  aucMadaGrid,
  aucParametricBootstrap,
  midasAuc,
  observedFprRange,
  paucMadaGrid,
  srocCurve,
  srocSensAtFpr,
} from '../../src/stats/sroc.ts';
import { fitReitsma, reitsmaAucCovariance } from '../../src/stats/reitsma.ts';
import type { BivariateParameters } from '../../src/stats/bivariate-parameters.ts';
import { expit, logit } from '../../src/stats/distributions.ts';
import { expectClose, referenceDatasets, referenceExpected, referenceExpectedQ7, referenceRows } from '../helpers/reference.ts';
import { engineBlocks } from './reference-blocks.ts';

const EXACT_AUC = { name: 'exact AUC (1e-8 absolute)', abs: 1e-8 };
const GRID = { name: 'grid rule (1e-12 absolute)', abs: 1e-12 };
const MIDAS = { name: 'midas test vector (1e-6 absolute)', abs: 1e-6 };

const params = (b: any): BivariateParameters => ({
  mu: { sens: b.mu_logit_sens, spec: b.mu_logit_spec },
  tau2: { sens: b.tau2_sens, spec: b.tau2_spec },
  covRe: b.cov_re,
});

describe.each(referenceDatasets())('SROC / AUC — %s', (name) => {
  const blocks = [...engineBlocks(referenceExpected(name)), ...engineBlocks(referenceExpectedQ7(name) ?? {}, 'q7')].filter(
    ([, b]) => b.sroc_auc && typeof b.tau2_sens === 'number',
  );
  const rows = referenceRows(name);

  it('reproduces auc_exact, auc_mada_grid, pauc_mada_grid and sroc_at_fpr of every block', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const [path, b] of blocks) {
      const p = params(b);
      const s = b.sroc_auc;
      const ctx = `${name} ${path}`;
      if (s.auc_exact === null) {
        expect(aucExact(p).auc, ctx).toBeNull();
        expect(aucExact(p).notes[0]?.code).toBe('sroc_undefined_zero_variance');
        continue;
      }
      expectClose(`${ctx} auc_exact`, aucExact(p).auc!, s.auc_exact, EXACT_AUC);
      expectClose(`${ctx} auc_mada_grid`, aucMadaGrid(p).auc!, s.auc_mada_grid, GRID);
      // subgroup fits use their own studies' FPR range; whole-data blocks the observed range
      const range: [number, number] = path.includes('subgroups_separate_fits') ? s.pauc_fpr_range : observedFprRange(rows);
      const pauc = paucMadaGrid(p, range);
      expectClose(`${ctx} pauc_mada_grid`, pauc.auc!, s.pauc_mada_grid, GRID);
      expectClose(`${ctx} pauc_fpr_range lo`, pauc.fprRange[0], s.pauc_fpr_range[0], GRID);
      expectClose(`${ctx} pauc_fpr_range hi`, pauc.fprRange[1], s.pauc_fpr_range[1], GRID);
      const sens = srocSensAtFpr(p, s.sroc_at_fpr.fpr)!;
      sens.forEach((v, i) => expectClose(`${ctx} sroc_at_fpr[${s.sroc_at_fpr.fpr[i]}]`, v, s.sroc_at_fpr.sens[i], GRID));
    }
  });

  it('mada_AUC of the mada block equals our mada grid rule on mada parameters', () => {
    const b = referenceExpected(name).reitsma_mada_reml;
    expectClose(`${name} mada AUC`, aucMadaGrid(params(b)).auc!, b.mada_AUC.AUC, GRID);
    expectClose(`${name} mada pAUC`, paucMadaGrid(params(b), observedFprRange(rows)).auc!, b.mada_AUC.pAUC, GRID);
  });
});

describe('midasAuc (METHODS (c) test vectors)', () => {
  const vectors: [number, number, number, number, number, number, number][] = [
    [logit(0.9), logit(0.85), 1.0, 0.8, 0.938444, 0.913851, 0.956353],
    [logit(0.8), logit(0.9), 0.5, 1.5, 0.905177, 0.876321, 0.927855],
    [2.0, 2.5, 0.6, 1.2, 0.955454, 0.933636, 0.970327],
  ];
  it.each(vectors)('mu=(%f, %f) tau2=(%f, %f)', (ms, mp, ts, tp, auc, lo, hi) => {
    const r = midasAuc({ mu: { sens: ms, spec: mp }, tau2: { sens: ts, spec: tp }, covRe: 0 });
    expectClose('midas AUC', r.auc, auc, MIDAS);
    expectClose('midas Wilson lo', r.wilsonLo, lo, MIDAS);
    expectClose('midas Wilson hi', r.wilsonHi, hi, MIDAS);
    expect(r.notes[0]?.code).toBe('midas_auc_ci_not_a_confidence_interval');
  });
  it('the midas trapezoid approaches the exact AUC', () => {
    const p = { mu: { sens: 2, spec: 2.5 }, tau2: { sens: 0.6, spec: 1.2 }, covRe: 0.1 };
    expect(Math.abs(midasAuc(p).auc - aucExact(p).auc!)).toBeLessThan(2e-3);
  });
});

describe('srocCurve and aucExact', () => {
  const p = { mu: { sens: 1.1, spec: 1.8 }, tau2: { sens: 0.4, spec: 2.5 }, covRe: -0.3 };
  it('curve points follow logit se = mu_se + (tau_se/tau_sp)(logit fpr + mu_sp)', () => {
    const c = srocCurve(p, { npoints: 11, range: [0.1, 0.6] });
    for (const pt of c.points) {
      expectClose('curve', logit(pt.sens), 1.1 + Math.sqrt(0.4 / 2.5) * (logit(pt.fpr) + 1.8), { name: '1e-12', abs: 1e-12 });
    }
  });
  it('is symmetric under swapping the roles of the axes (b > 1 branch)', () => {
    // AUC(curve) + AUC(reflected curve) = 1 when sens and fpr swap roles
    const q = { mu: { sens: 0.3, spec: 0.2 }, tau2: { sens: 3, spec: 0.2 }, covRe: 0 };
    const b = Math.sqrt(3 / 0.2);
    const a = 0.3 + b * 0.2;
    // reflected: logit fpr = (logit se − a)/b  ⇔ mirrored curve with a' = −a/b, b' = 1/b
    const mirror = { mu: { sens: -a / b, spec: 0 }, tau2: { sens: 0.2, spec: 3 }, covRe: 0 };
    expectClose('mirror', aucExact(q).auc! + aucExact(mirror).auc!, 1, { name: '1e-12', abs: 1e-12 });
  });
  it('a flat curve (tau2 equal, mu_sp = −mu_se) has AUC 0.5', () => {
    expectClose('AUC 0.5', aucExact({ mu: { sens: 0, spec: 0 }, tau2: { sens: 1, spec: 1 }, covRe: 0 }).auc!, 0.5, { name: '1e-12', abs: 1e-12 });
  });
});

describe('AUC intervals', () => {
  const rows = referenceRows('scheidler_lag');
  const fit = fitReitsma(rows);
  const p: BivariateParameters = { mu: fit.mu, tau2: fit.tau2, covRe: fit.covRe };

  it('delta method: gradient matches a finer finite difference and the CI brackets the AUC', () => {
    const cov = reitsmaAucCovariance(fit)!;
    expect(cov[2]![2]).toBeGreaterThan(0);
    const r = aucDeltaMethodCi(p, cov, { scale: 'tau2' });
    expect(r.lo!).toBeLessThan(r.auc!);
    expect(r.hi!).toBeGreaterThan(r.auc!);
    const h = 1e-6;
    const f = (ms: number) => aucExact({ ...p, mu: { ...p.mu, sens: ms } }).auc!;
    expectClose('dAUC/dmu_sens', r.gradient![0]!, (f(p.mu.sens + h) - f(p.mu.sens - h)) / (2 * h), { name: '1e-7 absolute', abs: 1e-7 });
    // the same interval from an equivalent parameterisation (ln tau): Var(ln tau) = Var(tau2)/(2 tau2)^2
    const j = [1 / (2 * p.tau2.sens), 1 / (2 * p.tau2.spec)];
    const covLog = cov.map((row, a) => row.map((v, b) => v * (a >= 2 ? j[a - 2]! : 1) * (b >= 2 ? j[b - 2]! : 1)));
    const r2 = aucDeltaMethodCi(p, covLog, { scale: 'logSd' });
    expectClose('same SE on the ln tau scale', r2.se!, r.se!, { name: '1e-6 relative', rel: 1e-6, floor: 1e-12 });
  });

  it('parametric bootstrap is reproducible with a seed and brackets the AUC', () => {
    const sizes = rows.map((r) => ({ n1: r.tp + r.fn, n0: r.tn + r.fp }));
    const refit = (counts: { tp: number; fp: number; fn: number; tn: number }[]) => {
      const f = fitReitsma(counts);
      return { mu: f.mu, tau2: f.tau2, covRe: f.covRe };
    };
    const a = aucParametricBootstrap(p, { studySizes: sizes, refit, replicates: 60, seed: 7 });
    const b = aucParametricBootstrap(p, { studySizes: sizes, refit, replicates: 60, seed: 7 });
    expect(a).toEqual(b);
    expect(a.lo!).toBeLessThan(a.auc!);
    expect(a.hi!).toBeGreaterThan(a.auc!);
    expect(a.failed).toBe(0);
  });

  it('midas Wilson interval does not depend on the data (the artefact it documents)', () => {
    const x = midasAuc(p);
    const z = 1.959963984540054;
    const n = 500;
    expectClose('Wilson lo', x.wilsonLo, (x.auc + z * z / (2 * n) - z * Math.sqrt((x.auc * (1 - x.auc) + z * z / (4 * n)) / n)) / (1 + z * z / n), { name: '1e-14', abs: 1e-14 });
    expect(expit(0)).toBe(0.5);
  });
});
