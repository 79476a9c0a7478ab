/**
 * Stata midas v2.00 univariable meta-regression (`bivreg`, METHODS (g)), reproduced for comparison
 * only (behind `compat: midas`): every model by the Laplace approximation; for a binary covariate
 * (two levels, coded 0/1 with the first level as 0) the subgroup sensitivity/specificity
 * Se_yes = expit(α + γ), Se_no = expit(α) with delta-method SEs on the probability scale and
 * symmetric CIs est ± z·SE (upper limit capped at 1, lower not floored); the per-measure "p-value"
 * from midas's z with its operator-precedence bug, computed on the LOGIT scale (midas's `zVAR1x`
 * terms are the logit estimates α + γ and α with their logit-scale SEs, METHODS (g) correction):
 *   z = (α + γ) − α / sqrt(se(α + γ)² + se(α)²),   p = 2(1 − Φ(|z|)),
 * coded as stars (* < 0.05, ** < 0.01, *** < 0.001); the joint LRT with df = 2. With the logit-scale
 * terms this reproduces all 16 stars of the midas manual's meta-regression figure (PET example,
 * tests/results/midas-bivreg.test.ts); probability-scale terms turn every covariate into ***.
 * Continuous covariates and covariates with more than two levels are not reproduced (midas needs a
 * 0/1 or continuous variable; its centring rule is quirk Q9).
 */
import { categoricalDesign } from '../stats/design.ts';
import { chiSquareUpperTail, expit, normalTwoSidedP, normalCritical } from '../stats/distributions.ts';
import type { Counts } from '../stats/types.ts';
import { fitRegression } from './meta-regression.ts';
import type { PooledOptions } from './pooled.ts';

export interface MidasBivregMeasure {
  yes: { est: number; lo: number; hi: number; se: number };
  no: { est: number; lo: number; hi: number; se: number };
  /** midas's (buggy, logit-scale) z and its p-value, and the stars it prints */
  z: number;
  p: number;
  stars: string;
}

export interface MidasBivregResult {
  covariate: string;
  /** level coded 1 ("Yes") and 0 ("No") */
  levels: { yes: string; no: string };
  sens: MidasBivregMeasure;
  spec: MidasBivregMeasure;
  /** midas's "joint model" likelihood-ratio test against the model without the covariate (Laplace, df = 2) */
  lrt: { statistic: number; df: number; p: number };
}

const stars = (p: number): string => (p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : '');

export function midasBivreg(counts: readonly Counts[], values: readonly (string | number | null)[], covariate: { name: string; levels?: string[] }, options: PooledOptions): MidasBivregResult | null {
  const used = values.flatMap((v, i) => (v === null || v === '' ? [] : [i]));
  const labels = used.map((i) => String(values[i]));
  const order = (covariate.levels ?? [...new Set(labels)].sort()).filter((l) => labels.includes(l));
  if (order.length !== 2) return null;
  const [no, yes] = order as [string, string];
  const design = categoricalDesign(labels, no);
  const fit = fitRegression(
    used.map((i) => counts[i]!),
    design,
    { ...options, method: 'glmm', quadrature: 1 },
  );
  const z = normalCritical(0.95);
  const measure = (offset: number): MidasBivregMeasure => {
    const alpha = fit.est[offset]!;
    const gamma = fit.est[offset + 1]!;
    const v = fit.vcov;
    const pNo = expit(alpha);
    const pYes = expit(alpha + gamma);
    // delta method on the probability scale: d expit(x) = p(1 − p)
    const seNo = pNo * (1 - pNo) * Math.sqrt(v[offset]![offset]!);
    const varYes = v[offset]![offset]! + 2 * v[offset]![offset + 1]! + v[offset + 1]![offset + 1]!;
    const seYes = pYes * (1 - pYes) * Math.sqrt(varYes);
    const interval = (p: number, se: number) => ({ est: p, lo: p - z * se, hi: Math.min(1, p + z * se), se });
    // midas's z: logit-scale terms, only the second divided by the pooled SE (precedence bug)
    const buggyZ = alpha + gamma - alpha / Math.sqrt(varYes + v[offset]![offset]!);
    const p = normalTwoSidedP(buggyZ);
    return { yes: interval(pYes, seYes), no: interval(pNo, seNo), z: buggyZ, p, stars: stars(p) };
  };
  const p = design.names.length;
  const base = fitRegression(
    used.map((i) => counts[i]!),
    { names: ['(Intercept)'], sens: used.map(() => [1]), spec: used.map(() => [1]) },
    { ...options, method: 'glmm', quadrature: 1 },
  );
  const statistic = 2 * (fit.logLik - base.logLik);
  return { covariate: covariate.name, levels: { yes, no }, sens: measure(0), spec: measure(p), lrt: { statistic, df: 2, p: chiSquareUpperTail(Math.max(0, statistic), 2) } };
}
