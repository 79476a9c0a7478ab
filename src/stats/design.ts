/**
 * Design matrices for bivariate meta-regression: one covariate acting on both logit sensitivity and
 * logit specificity (the model of mada `reitsma(formula = cbind(tsens, tfpr) ~ cov)`, metafor
 * `rma.mv(mods = ~ group:cov)`, midas `reg()`), in the shape consumed by `fitReitsma` and the GLMM:
 * `{ names, sens, spec }`, where `sens` and `spec` are k×p matrices with the same columns.
 *
 *   categorical: column 1 = intercept, then one 0/1 indicator per non-reference level
 *                (reference = `reference` or the first level in sorted order; names `level_<L>`)
 *   continuous:  column 1 = intercept, column 2 = the value (raw, or centred at its mean when
 *                `center: true`; name `slope`)
 *
 * Edge cases: missing values (null/undefined/'' or NaN) throw — the caller decides which studies to
 * drop; a categorical covariate with one level throws (nothing to estimate).
 */
import { NotEstimableError } from './errors.ts';

export interface BivariateDesign {
  /** column names, shared by `sens` and `spec`; the first column is the intercept */
  names: string[];
  /** k×p design of logit sensitivity */
  sens: number[][];
  /** k×p design of logit specificity */
  spec: number[][];
}

export interface CategoricalDesignInfo {
  type: 'categorical';
  levels: string[];
  reference: string;
}

export interface ContinuousDesignInfo {
  type: 'continuous';
  centre: number;
}

/** Intercept-only design for k studies. */
export function interceptDesign(k: number): BivariateDesign {
  const rows = Array.from({ length: k }, () => [1]);
  return { names: ['(Intercept)'], sens: rows, spec: rows.map((r) => [...r]) };
}

/** Design for a categorical covariate (dummy coding against a reference level). */
export function categoricalDesign(
  values: readonly (string | number | null | undefined)[],
  reference?: string,
): BivariateDesign & { info: CategoricalDesignInfo } {
  const labels = values.map((v, i) => {
    if (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v))) {
      throw new RangeError(`covariate value of study ${i} is missing`);
    }
    return String(v);
  });
  const levels = [...new Set(labels)].sort();
  if (levels.length < 2) throw new NotEstimableError('a categorical covariate needs at least two levels');
  const ref = reference ?? levels[0]!;
  if (!levels.includes(ref)) throw new NotEstimableError(`reference level "${ref}" does not occur`);
  const others = levels.filter((l) => l !== ref);
  const rows = labels.map((l) => [1, ...others.map((o) => (l === o ? 1 : 0))]);
  return {
    names: ['(Intercept)', ...others.map((o) => `level_${o}`)],
    sens: rows,
    spec: rows.map((r) => [...r]),
    info: { type: 'categorical', levels, reference: ref },
  };
}

/** Design for a continuous covariate (raw or mean-centred). */
export function continuousDesign(
  values: readonly (number | null | undefined)[],
  options: { center?: boolean } = {},
): BivariateDesign & { info: ContinuousDesignInfo } {
  const x = values.map((v, i) => {
    if (v === null || v === undefined || !Number.isFinite(v)) throw new RangeError(`covariate value of study ${i} is missing or not finite`);
    return v;
  });
  const centre = options.center ? x.reduce((s, v) => s + v, 0) / x.length : 0;
  const rows = x.map((v) => [1, v - centre]);
  return { names: ['(Intercept)', 'slope'], sens: rows, spec: rows.map((r) => [...r]), info: { type: 'continuous', centre } };
}
