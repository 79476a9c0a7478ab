/**
 * Nelder–Mead simplex minimisation (Nelder & Mead 1965, doi:10.1093/comjnl/7.4.308) with the
 * dimension-adaptive coefficients of Gao & Han (2012, doi:10.1007/s10589-010-9329-3):
 * reflection 1, expansion 1 + 2/n, contraction 0.75 − 1/(2n), shrink 1 − 1/n. Initial simplex:
 * x₀ plus max(0.1, 0.1|x₀ᵢ|) along each axis. Stops when the spread of f over the simplex is
 * below functionTolerance·max(1, |f_best|) or after maxEvaluations. Derivative-free fallback for
 * `minimize` (optimize.ts); non-finite values count as +Infinity.
 */
import type { MinimizeOptions, MinimizeResult } from './optimize.ts';

/** Nelder–Mead simplex search (derivative-free), adaptive coefficients for dimension n. */
export function minimizeNelderMead(objective: (x: Float64Array) => number, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const n = start.length;
  const maxEvaluations = options.maxEvaluations ?? 2000 * n;
  const tolerance = options.functionTolerance ?? 1e-12;
  const [alpha, gamma, rho, sigma] = [1, 1 + 2 / n, 0.75 - 1 / (2 * n), 1 - 1 / n];
  let evaluations = 0;
  const f = (x: Float64Array): number => {
    evaluations++;
    const v = objective(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const simplex: Float64Array[] = [Float64Array.from(start)];
  for (let i = 0; i < n; i++) {
    const vertex = Float64Array.from(start);
    vertex[i] = (vertex[i] ?? 0) + Math.max(0.1, 0.1 * Math.abs(vertex[i] ?? 0));
    simplex.push(vertex);
  }
  let values = simplex.map(f);
  const centroid = new Float64Array(n);
  const along = (coefficient: number, worst: Float64Array): Float64Array => centroid.map((c, i) => c + coefficient * (c - (worst[i] ?? 0)));
  let iterations = 0;
  while (evaluations < maxEvaluations) {
    iterations++;
    const order = values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
    const sorted = order.map((i) => simplex[i] as Float64Array);
    values = order.map((i) => values[i] as number);
    simplex.splice(0, simplex.length, ...sorted);
    const best = values[0] as number;
    const worstValue = values[n] as number;
    if (Math.abs(worstValue - best) <= tolerance * Math.max(1, Math.abs(best))) break;
    centroid.fill(0);
    for (let v = 0; v < n; v++) for (let i = 0; i < n; i++) centroid[i] = (centroid[i] ?? 0) + (simplex[v]?.[i] ?? 0) / n;
    const worst = simplex[n] as Float64Array;
    const reflected = along(alpha, worst);
    const fr = f(reflected);
    if (fr < best) {
      const expanded = along(gamma, worst);
      const fe = f(expanded);
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < (values[n - 1] as number)) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const outside = fr < worstValue;
      const contracted = along(outside ? rho * alpha : -rho, worst);
      const fc = f(contracted);
      if (fc < (outside ? fr : worstValue)) {
        [simplex[n], values[n]] = [contracted, fc];
      } else {
        const bestVertex = simplex[0] as Float64Array;
        for (let v = 1; v <= n; v++) {
          const vertex = (simplex[v] as Float64Array).map((value, i) => (bestVertex[i] ?? 0) + sigma * (value - (bestVertex[i] ?? 0)));
          simplex[v] = vertex;
          values[v] = f(vertex);
        }
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if ((values[i] ?? Infinity) < (values[bestIndex] ?? Infinity)) bestIndex = i;
  const x = simplex[bestIndex] as Float64Array;
  const converged = evaluations < maxEvaluations;
  return {
    x: Array.from(x),
    value: values[bestIndex] as number,
    gradient: [],
    gradientNorm: NaN,
    iterations,
    evaluations,
    convergence: converged ? 2 : 1,
    message: converged ? 'simplex collapsed (function values within tolerance)' : 'evaluation limit reached',
    method: 'nelder-mead',
  };
}
