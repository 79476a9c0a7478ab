/**
 * Stata to the last printed digit: `metadx fit` on the Cochrane Stata tutorial's CT data (Schuetz
 * 2010, 89 studies) at 5 points, compared with metandi's printed output
 * (tests/reference/published/schuetz_ct_metandi.json, a verbatim copy of shared/reference/published).
 *
 * A printed value matches when |got − printed| ≤ half a unit of its last printed digit. With Stata's
 * node placement (upper-triangular square root, the default at 5 points) 21 of the 29 printed values
 * match exactly; the other 8 (the between-study variance of specificity, ρ, four HSROC parameters
 * and the LR+ interval) differ by 0.6–3.9 units of the 7th significant digit. metadx's estimate is the
 * maximum of the 5-point likelihood to a gradient of 1e-14, and an independent R implementation of
 * the same placement (tests/fixtures-r/parameter-uncertainty.R) gives the same 8 values to 8 digits,
 * so the residual is where Stata's optimiser stopped (its default convergence criteria allow relative
 * parameter changes of 1e-6), not a difference in the likelihood: those 8 are checked with the named
 * tolerance STATA_STOP below. The third test measures it: metandi's printed point is 4.6e-12 below the
 * maximum of metadx's likelihood, with a scaled gradient g'H⁻¹g of 7e-12 and parameters within
 * 2.2e-7 (relative) of metadx's, inside Stata's default criteria (nrtolerance 1e-5, tolerance 1e-6).
 * With the lower Cholesky placement, logLik, ρ and τ² already differ in the 5th digit (the test of
 * the other placement shows it).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { bivariateGlmmData, createBivariateGlmmLikelihood } from '../../src/stats/glmm-likelihood.ts';
import { swapArms } from '../../src/stats/glmm-node-placement.ts';
import { solveSpd } from '../../src/stats/linear-algebra.ts';
import { referenceDir } from '../helpers/reference.ts';

const published = JSON.parse(readFileSync(join(referenceDir, 'published', 'schuetz_ct_metandi.json'), 'utf8')) as { values: Record<string, string> };
const data = join(referenceDir, 'published', 'schuetz_ct.csv');

async function fit(extra: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['fit', data, '--quadrature', '5', '--json', ...extra], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd(), env: {} });
  expect(code, err.join('\n')).toBe(0);
  return JSON.parse(out.join('\n'));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function values(json: any): Record<string, number> {
  const p: Record<string, number> = Object.fromEntries([...json.parameters.bivariate, ...json.parameters.hsroc].map((row: { id: string; est: number }) => [row.id, row.est]));
  const out: Record<string, number> = {
    logLik: json.logLik,
    mu_logit_sens: json.mu.sens, se_mu_logit_sens: json.se.sens,
    mu_logit_spec: json.mu.spec, se_mu_logit_spec: json.se.spec,
    cov_mu_sens_spec: json.vcov[0][1],
    tau2_sens: json.tau2.sens, tau2_spec: json.tau2.spec, rho: json.rho,
    hsroc_Lambda: p.Lambda!, hsroc_Theta: p.Theta!, hsroc_beta: p.beta!, hsroc_sigma2_alpha: p.sigma2Alpha!, hsroc_sigma2_theta: p.sigma2Theta!,
  };
  for (const [key, measure] of [['sens', 'sens'], ['spec', 'spec'], ['dor', 'dor'], ['lr_pos', 'lrPositive'], ['lr_neg', 'lrNegative']] as const) {
    out[key] = json.summary[measure].est;
    out[`${key}_lo`] = json.summary[measure].lo;
    out[`${key}_hi`] = json.summary[measure].hi;
  }
  return out;
}

/** units of the last printed digit between got and the printed string */
function units(got: number, printed: string): number {
  const decimals = printed.includes('.') ? printed.split('.')[1]!.length : 0;
  return Math.abs(got - Number(printed)) * 10 ** decimals;
}

const PRINTED = { name: 'printed precision (half a unit of the last printed digit)', units: 0.5 };
/** where Stata's optimiser stopped: the 8 values named in the file comment */
const STATA_STOP = { name: "Stata's convergence (4 units of the last printed digit, 7th significant digit)", units: 4 };
const STOPPED = new Set(['tau2_spec', 'rho', 'hsroc_Theta', 'hsroc_beta', 'hsroc_sigma2_alpha', 'hsroc_sigma2_theta', 'lr_pos_lo', 'lr_pos_hi']);

describe('metadx fit --quadrature 5 reproduces metandi on the Schuetz CT data', () => {
  it('every printed value (Stata node placement, the default at 5 points)', async () => {
    const json = await fit();
    expect(json.nodes).toBe('upper');
    expect(json.converged).toBe(true);
    const got = values(json);
    const report: string[] = [];
    let exact = 0;
    for (const [key, printed] of Object.entries(published.values)) {
      const tolerance = STOPPED.has(key) ? STATA_STOP : PRINTED;
      const u = units(got[key]!, printed);
      if (u <= PRINTED.units) exact++;
      if (!(u <= tolerance.units)) report.push(`${key}: printed ${printed}, got ${got[key]}, ${u.toFixed(2)} units > ${tolerance.units} (${tolerance.name})`);
    }
    expect(report, report.join('\n')).toEqual([]);
    expect(Object.keys(published.values)).toHaveLength(29);
    expect(exact, 'values matching at printed precision').toBeGreaterThanOrEqual(21);
  });

  it('the lower Cholesky placement does not (logLik, τ², ρ differ in the 5th digit)', async () => {
    const got = values(await fit(['--nodes', 'lower']));
    expect(units(got.logLik!, published.values.logLik!)).toBeGreaterThan(50);
    expect(units(got.rho!, published.values.rho!)).toBeGreaterThan(100);
    expect(units(got.tau2_sens!, published.values.tau2_sens!)).toBeGreaterThan(100);
  });

  it("the 8 values lie within Stata's own convergence criteria: its printed point is the maximum of the same likelihood", async () => {
    // metadx's 5-point likelihood with Stata's node placement (the 'upper' placement is the 'lower'
    // one on the arm-swapped data: glmm-node-placement.ts), evaluated at metandi's printed
    // estimates and at metadx's: if the 8 differences came from a different likelihood, the
    // printed point would be measurably below the maximum; it is not (R, the same check:
    // log-likelihood 4.8e-12 below, Newton decrement 7e-12)
    const [, ...lines] = readFileSync(data, 'utf8').trim().split('\n');
    const studies = swapArms(lines.map((line) => {
      const [, tp, fp, fn, tn] = line.split(',').map(Number);
      return { tp: tp!, fp: fp!, fn: fn!, tn: tn! };
    }));
    const likelihood = createBivariateGlmmLikelihood(bivariateGlmmData(studies, studies.map(() => [1]), studies.map(() => [1])), 5);
    // θ of the swapped data: [μ_spec, μ_sens, L11, L21, L22] with (spec, sens) the first and second random effect
    const theta = (muSens: number, muSpec: number, tau2Sens: number, tau2Spec: number, rho: number) => {
      const t1 = Math.sqrt(tau2Spec), t2 = Math.sqrt(tau2Sens);
      return [muSpec, muSens, t1, rho * t2, t2 * Math.sqrt(1 - rho * rho)];
    };
    const v = published.values;
    const printed = theta(Number(v.mu_logit_sens), Number(v.mu_logit_spec), Number(v.tau2_sens), Number(v.tau2_spec), Number(v.rho));
    const json = await fit();
    const ours = theta(json.mu.sens, json.mu.spec, json.tau2.sens, json.tau2.spec, json.rho);
    const nll = (t: number[]) => likelihood.negativeLogLik(t);
    const gradient = (t: number[]) => {
      const g = new Float64Array(5);
      likelihood.negativeLogLik(t, g);
      return [...g];
    };
    // Newton decrement g'H⁻¹g at the printed point (H by central differences of the analytic gradient)
    const h = 1e-5;
    const hessian = printed.map((_, j) => {
      const up = printed.map((x, i) => (i === j ? x + h : x));
      const down = printed.map((x, i) => (i === j ? x - h : x));
      const gu = gradient(up), gd = gradient(down);
      return gu.map((_, i) => (gu[i]! - gd[i]!) / (2 * h));
    });
    const g = gradient(printed);
    const symmetric = hessian.map((row, i) => row.map((x, j) => (x + hessian[j]![i]!) / 2));
    // H⁻¹g (H is positive definite at the maximum: Cholesky, null otherwise)
    const step = solveSpd(symmetric, g);
    expect(step, 'Hessian at the printed point positive definite').not.toBeNull();
    const decrement = g.reduce((sum, gi, i) => sum + gi * step![i]!, 0);
    const below = nll(printed) - nll(ours);
    const STATA_NRTOLERANCE = { name: "Stata's default nrtolerance (scaled gradient g'H⁻¹g)", value: 1e-5 };
    const SAME_MAXIMUM = { name: 'log-likelihood below the maximum (rounding of the printed values only)', value: 1e-9 };
    const detail = `printed point: log-likelihood ${below.toExponential(2)} below metadx's maximum, g'H⁻¹g = ${decrement.toExponential(2)}`;
    expect(below, `${detail} (${SAME_MAXIMUM.name})`).toBeLessThan(SAME_MAXIMUM.value);
    expect(below, detail).toBeGreaterThanOrEqual(-1e-12); // metadx's point is the maximum
    expect(Math.abs(decrement), `${detail} (${STATA_NRTOLERANCE.name})`).toBeLessThan(STATA_NRTOLERANCE.value * 1e-4);
    // Stata's tolerance(1e-6): relative change of the parameter vector (μ, ln τ, atanh ρ) at convergence
    const stata = (muSens: number, muSpec: number, tau2Sens: number, tau2Spec: number, rho: number) => [muSens, muSpec, Math.log(tau2Sens) / 2, Math.log(tau2Spec) / 2, Math.atanh(rho)];
    const a = stata(Number(v.mu_logit_sens), Number(v.mu_logit_spec), Number(v.tau2_sens), Number(v.tau2_spec), Number(v.rho));
    const b = stata(json.mu.sens, json.mu.spec, json.tau2.sens, json.tau2.spec, json.rho);
    const relative = Math.max(...a.map((x, i) => Math.abs(x - b[i]!) / Math.max(1, Math.abs(b[i]!))));
    expect(relative, `largest relative difference of Stata's parameters ${relative.toExponential(2)}`).toBeLessThan(1e-6);
  });
});
