/**
 * Confidence/prediction regions: radius and covariance vs the `ellipse` of every reference block;
 * boundary points satisfy the quadratic form; F critical values vs R.
 */
import { describe, expect, it } from 'vitest';
import {
  confidenceRegion,
  ellipseCriticalValue,
  midasCompatPredictionCovariance,
  midasCompatPredictionRegion,
  predictionRegion,
  type RegionResult,
} from '../../src/stats/ellipse.ts';
import type { Matrix2 } from '../../src/stats/types.ts';
import { expectClose, referenceDatasets, referenceExpected } from '../helpers/reference.ts';
import { engineBlocks } from './reference-blocks.ts';

const QF = { name: 'quadratic form on the boundary (1e-9 relative)', rel: 1e-9 };
const COV = { name: 'covariance entry (1e-12 relative, floor 1e-6)', rel: 1e-12, floor: 1e-6 };
const R_VALUE = { name: 'critical value vs R (1e-12 relative)', rel: 1e-12 };

function expectOnBoundary(ctx: string, r: RegionResult): void {
  const [[a, b], [, d]] = r.covariance;
  const det = a * d - b * b;
  for (const pt of r.points) {
    const x = pt.logitSens - r.center[0];
    const y = pt.logitSpec - r.center[1];
    const q = (d * x * x - 2 * b * x * y + a * y * y) / det;
    expectClose(`${ctx} (x−c)'C⁻¹(x−c)`, q, r.radius ** 2, QF);
    expectClose(`${ctx} fpr = 1 − spec`, pt.fpr, 1 - pt.spec, { name: '1e-15', abs: 1e-15 });
  }
}

describe('ellipseCriticalValue vs R', () => {
  // R 4.2.2: sqrt(2*qf(.95, 2, k-2)) and sqrt(qchisq(.95, 2))
  const fValues: [number, number][] = [
    [3, 19.9749843554382],
    [5, 4.37083390119578],
    [10, 2.98629205119811],
    [20, 2.66629223666941],
    [50, 2.52615412670268],
  ];
  it.each(fValues)("'F', k = %i", (k, value) => expectClose(`F k=${k}`, ellipseCriticalValue({ critical: 'F', k }), value, R_VALUE));
  it("'chi2'", () => expectClose('chi2', ellipseCriticalValue({ critical: 'chi2' }), 2.44774683068082, R_VALUE));
  it('level 0.90, k = 17', () => expectClose('F .9', ellipseCriticalValue({ k: 17, level: 0.9 }), 2.32171183896234, R_VALUE));
  it('F needs k >= 3', () => expect(() => ellipseCriticalValue({ critical: 'F', k: 2 })).toThrow(RangeError));
});

describe.each(referenceDatasets())('regions — %s', (name) => {
  const blocks = engineBlocks(referenceExpected(name)).filter(([, b]) => b.ellipse && typeof b.tau2_sens === 'number');
  it('reproduces radius, confidence_cov and prediction_cov of every block; points lie on the boundary', () => {
    expect(blocks.length).toBeGreaterThan(3);
    for (const [path, b] of blocks) {
      const ctx = `${name} ${path}`;
      const mu = { sens: b.mu_logit_sens, spec: b.mu_logit_spec };
      const vcov: Matrix2 = [
        [b.se_logit_sens ** 2, b.cov_mu_sens_spec],
        [b.cov_mu_sens_spec, b.se_logit_spec ** 2],
      ];
      const psi: Matrix2 = [
        [b.tau2_sens, b.cov_re],
        [b.cov_re, b.tau2_spec],
      ];
      const conf = confidenceRegion(mu, vcov, { critical: 'chi2', npoints: 101 });
      const pred = predictionRegion(mu, vcov, psi, { critical: 'chi2', npoints: 101 });
      expectClose(`${ctx} radius`, conf.radius, b.ellipse.radius, R_VALUE);
      for (const [i, j] of [
        [0, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        expectClose(`${ctx} confidence_cov[${i}][${j}]`, conf.covariance[i][j], b.ellipse.confidence_cov[i][j], COV);
        expectClose(`${ctx} prediction_cov[${i}][${j}]`, pred.covariance[i][j], b.ellipse.prediction_cov[i][j], COV);
      }
      expect(conf.center).toEqual(b.ellipse.center);
      expectOnBoundary(`${ctx} confidence`, conf);
      expectOnBoundary(`${ctx} prediction`, pred);
      const k = b.k_used as number;
      if (k >= 3) expectOnBoundary(`${ctx} prediction F`, predictionRegion(mu, vcov, psi, { critical: 'F', k, npoints: 37 }));
    }
  });
});

describe('regions: shape and midas compatibility', () => {
  const mu = { sens: 1.2, spec: 2.1 };
  const vcov: Matrix2 = [
    [0.04, -0.01],
    [-0.01, 0.09],
  ];
  it('closed polygon with the requested number of points', () => {
    const r = confidenceRegion(mu, vcov, { k: 12 });
    expect(r.points).toHaveLength(361);
    expect(r.points[360]).toEqual(r.points[0]);
    expect(r.critical).toBe('F');
  });
  it('midas covariance multiplies log SDs (quirk Q2) and differs from the correct one', () => {
    const tau2 = { sens: 0.5, spec: 2.0 };
    const rho = -0.6;
    const c = midasCompatPredictionCovariance(tau2, rho, vcov);
    expectClose('midas cov', c[0][1], rho * Math.log(Math.sqrt(0.5)) * Math.log(Math.sqrt(2)) - 0.01, { name: '1e-15', abs: 1e-15 });
    expectClose('midas var', c[0][0], 0.54, { name: '1e-15', abs: 1e-15 });
    const correct = rho * Math.sqrt(0.5 * 2) - 0.01;
    expect(Math.sign(c[0][1])).not.toBe(Math.sign(correct)); // sign flips when one sigma < 1
    const r = midasCompatPredictionRegion(mu, vcov, tau2, rho, { k: 10, npoints: 50 });
    expect(r.method).toBe('prediction-region-midas-compat');
    expectOnBoundary('midas region', r);
  });
  it('rejects invalid covariance', () => {
    expect(() => confidenceRegion(mu, [[0.04, 0.1], [0.1, 0.09]], { k: 10 })).toThrow(RangeError);
  });
});
