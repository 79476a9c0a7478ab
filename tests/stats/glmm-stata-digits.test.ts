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
 * tolerance STATA_STOP below. With the lower Cholesky placement, logLik, ρ and τ² already differ in the
 * 5th digit (the test of the other placement shows it).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
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
});
