/**
 * Design matrices for bivariate GLMM meta-regression.
 *
 * A design gives, per study, the row x_i of the linear predictor of logit sens
 * (logit sens_i = x_iᵀβ_sens) and of logit spec. Rows are complete design rows: include the
 * intercept column (1) yourself, as R's model.matrix does. `covariateDesign` builds the usual
 * one-covariate design of midas `bivreg`/Meta-DiSc 2.0/the reference oracle: intercept + 0/1
 * indicators of the non-reference levels (reference = first level in sorted order) for a
 * categorical covariate, or intercept + the raw (not centred) value for a continuous one.
 *
 * Numerics: the optimiser works on an orthogonalised design X̃ = Q·√k from the thin QR
 * decomposition X = QR (modified Gram–Schmidt), so that β = M γ with M = √k·R⁻¹ (raw covariates
 * such as calendar years make X badly conditioned; lme4 warns "predictor variables are on very
 * different scales" for the same reason). Estimates and covariances are mapped back with M.
 */
import { categoricalDesign, continuousDesign, type BivariateDesign } from './design.ts';
import { NotEstimableError } from './errors.ts';

/** Per-study design rows for the two linear predictors; `names` label the columns (see design.ts). */
export type GlmmDesign = BivariateDesign;

/**
 * Intercept + covariate columns for one covariate (see the file comment), built by design.ts;
 * columns are named `<covariate><level>` (categorical) or `<covariate>` (continuous), as R's
 * model.matrix names them.
 */
export function covariateDesign(values: Array<string | number>, options: { name: string; type: 'categorical' | 'continuous' }): GlmmDesign {
  if (options.type === 'continuous') {
    const numbers = values.map(Number);
    if (numbers.some((v) => !Number.isFinite(v))) throw new NotEstimableError(`covariateDesign: non-numeric value in continuous covariate "${options.name}"`);
    const { names, sens, spec } = continuousDesign(numbers);
    return { names: [names[0]!, options.name], sens, spec };
  }
  const labels = values.map(String);
  if (new Set(labels).size < 2) throw new NotEstimableError(`covariateDesign: categorical covariate "${options.name}" has fewer than 2 levels`);
  const { names, sens, spec } = categoricalDesign(labels);
  return { names: [names[0]!, ...names.slice(1).map((n) => `${options.name}${n.replace(/^level_/, '')}`)], sens, spec };
}

/** Coefficient name as in the reference oracle: 'sens' for the intercept, 'sens__<column>' otherwise. */
export function coefficientName(arm: 'sens' | 'spec', column: string): string {
  return column === '(Intercept)' || column === '' ? arm : `${arm}__${column}`;
}

export interface OrthogonalDesign {
  /** X̃ rows (k × p) */
  rows: number[][];
  /** β = transform · γ (p × p) */
  transform: number[][];
  /** γ = inverse · β */
  inverse: number[][];
}

/**
 * Orthogonalises the columns of `rows` (k × p): X = QR, X̃ = √k·Q, β = √k·R⁻¹ γ.
 * @throws RangeError when the columns are linearly dependent (rank deficient design)
 */
export function orthogonalizeDesign(rows: number[][], label: string): OrthogonalDesign {
  const k = rows.length;
  const p = rows[0]?.length ?? 0;
  const columns = Array.from({ length: p }, (_, c) => rows.map((row) => row[c] ?? NaN));
  const r = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const norms = columns.map((col) => Math.sqrt(col.reduce((s, v) => s + v * v, 0)));
  for (let c = 0; c < p; c++) {
    const column = columns[c] as number[];
    for (let previous = 0; previous < c; previous++) {
      const basis = columns[previous] as number[];
      const projection = basis.reduce((s, v, i) => s + v * (column[i] ?? 0), 0);
      (r[previous] as number[])[c] = projection;
      for (let i = 0; i < k; i++) column[i] = (column[i] ?? 0) - projection * (basis[i] ?? 0);
    }
    const norm = Math.sqrt(column.reduce((s, v) => s + v * v, 0));
    if (!(norm > 1e-10 * Math.max(norms[c] ?? 0, 1e-300))) {
      throw new NotEstimableError(`design for ${label}: column ${c + 1} is a linear combination of the others (rank-deficient design)`);
    }
    (r[c] as number[])[c] = norm;
    for (let i = 0; i < k; i++) column[i] = (column[i] ?? 0) / norm;
  }
  const scale = Math.sqrt(k);
  // transform = √k R⁻¹ (upper triangular back substitution)
  const transform = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let c = 0; c < p; c++) {
    for (let i = c; i >= 0; i--) {
      let sum = i === c ? 1 : 0;
      for (let m = i + 1; m <= c; m++) sum -= (r[i]?.[m] ?? 0) * (transform[m]?.[c] ?? 0);
      (transform[i] as number[])[c] = sum / (r[i]?.[i] ?? NaN);
    }
  }
  return {
    rows: rows.map((_, i) => columns.map((col) => (col[i] ?? 0) * scale)),
    transform: transform.map((row) => row.map((v) => v * scale)),
    inverse: r.map((row) => row.map((v) => v / scale)),
  };
}

/** Checks a design against k studies. @throws RangeError with the first problem found */
export function validateDesign(design: GlmmDesign, k: number): void {
  const p = design.names.length;
  if (p === 0) throw new RangeError('design: names must list at least one column');
  for (const arm of ['sens', 'spec'] as const) {
    const rows = design[arm];
    if (rows.length !== k) throw new RangeError(`design.${arm}: expected ${k} rows (one per study), got ${rows.length}`);
    rows.forEach((row, i) => {
      if (row.length !== p) throw new RangeError(`design.${arm}[${i}]: expected ${p} values (design.names), got ${row.length}`);
      if (row.some((v) => !Number.isFinite(v))) throw new RangeError(`design.${arm}[${i}]: non-finite value`);
    });
  }
}
