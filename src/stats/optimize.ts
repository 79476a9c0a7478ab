/**
 * Unconstrained minimisation for likelihood fitting: BFGS with a strong-Wolfe line search, a
 * Nelder–Mead fallback, and the driver `minimize` that chains them.
 *
 * BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed. 2006, doi:10.1007/978-0-387-40065-5,
 * Alg. 6.1 with the line search of Alg. 3.5/3.6 and cubic interpolation in `zoom`): the inverse
 * Hessian approximation H is updated with s = x₊ − x, y = g₊ − g by
 *   H₊ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,   ρ = 1/(yᵀs),
 * skipped when yᵀs ≤ 0; the first step rescales H₀ = (yᵀs / yᵀy) I.
 * Convergence: max|g| ≤ gradientTolerance, or (after a non-improving line search) a relative
 * change of f below functionTolerance, or a line search that cannot decrease f at rounding level
 * while max|g| ≤ 1000·gradientTolerance. Codes: 0 converged (gradient), 1 iteration limit,
 * 2 converged on function change / step size only (the caller should check the gradient),
 * 3 line search failure, 4 non-finite value at the start.
 *
 * The line search is in `line-search.ts`, the Nelder–Mead fallback in `nelder-mead.ts`, the
 * finite-difference gradient/Hessian in `derivatives.ts` (re-exported here).
 *
 * All functions are pure apart from calling the user's objective; no I/O.
 */
import { numericalGradient } from './derivatives.ts';
import { strongWolfe } from './line-search.ts';
import { minimizeNelderMead } from './nelder-mead.ts';

export { minimizeNelderMead } from './nelder-mead.ts';

export { numericalGradient, numericalHessian, hessianFromGradient } from './derivatives.ts';

/** f(x) and, when `gradient` is given, writes ∇f(x) into it. Must return +Infinity/NaN outside the domain. */
export type ObjectiveWithGradient = (x: Float64Array, gradient?: Float64Array) => number;

export interface MinimizeOptions {
  /** stop when max|∇f| ≤ this (default 1e-8) */
  gradientTolerance?: number;
  /** relative function change treated as no progress (default 1e-14) */
  functionTolerance?: number;
  /** BFGS iteration limit (default 500) */
  maxIterations?: number;
  /** Nelder–Mead evaluation limit (default 2000·n) */
  maxEvaluations?: number;
  /** largest step length in the line search, in units of the search direction (default 1e10) */
  maxStep?: number;
  /** BFGS: initial inverse Hessian approximation (n × n, positive definite), e.g. from a related fit */
  initialInverseHessian?: number[][];
}

export interface MinimizeResult {
  x: number[];
  value: number;
  gradient: number[];
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  /** 0 converged (gradient test), 1 iteration limit, 2 small change only, 3 line search failure, 4 non-finite start */
  convergence: 0 | 1 | 2 | 3 | 4;
  message: string;
  method: 'bfgs' | 'nelder-mead' | 'bfgs+nelder-mead';
  /** BFGS: final inverse Hessian approximation (not for standard errors) */
  inverseHessian?: number[][];
}

const maxAbs = (v: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] ?? NaN));
  return m;
};

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
};

/** BFGS with strong-Wolfe line search. `objective` must fill the gradient when asked. */
export function minimizeBfgs(objective: ObjectiveWithGradient, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const n = start.length;
  const gradientTolerance = options.gradientTolerance ?? 1e-8;
  const functionTolerance = options.functionTolerance ?? 1e-14;
  const maxIterations = options.maxIterations ?? 500;
  const maxStep = options.maxStep ?? 1e10;
  const count = { evaluations: 1 };
  let x = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  const inverseHessian = new Float64Array(n * n);
  const result = (convergence: MinimizeResult['convergence'], message: string, iterations: number): MinimizeResult => ({
    x: Array.from(x),
    value,
    gradient: Array.from(gradient),
    gradientNorm: maxAbs(gradient),
    iterations,
    evaluations: count.evaluations,
    convergence,
    message,
    method: 'bfgs',
    inverseHessian: Array.from({ length: n }, (_, i) => Array.from(inverseHessian.subarray(i * n, i * n + n))),
  });
  if (!Number.isFinite(value) || !Number.isFinite(maxAbs(gradient))) return result(4, 'non-finite objective or gradient at the start', 0);

  const initial = options.initialInverseHessian;
  const useInitial = !!initial && initial.length === n && initial.every((row) => row.length === n && row.every(Number.isFinite));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) inverseHessian[i * n + j] = useInitial ? (initial?.[i]?.[j] ?? 0) : i === j ? 1 : 0;
  }
  const direction = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gradientNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const hy = new Float64Array(n);
  let firstStep = !useInitial;
  let stalled = 0;

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (maxAbs(gradient) <= gradientTolerance) return result(0, 'gradient below tolerance', iteration - 1);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum -= (inverseHessian[i * n + j] ?? 0) * (gradient[j] ?? 0);
      direction[i] = sum;
    }
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // not a descent direction: reset to steepest descent
      inverseHessian.fill(0);
      for (let i = 0; i < n; i++) {
        inverseHessian[i * n + i] = 1;
        direction[i] = -(gradient[i] ?? 0);
      }
      slope = dot(direction, gradient);
      firstStep = true;
    }
    const initialStep = firstStep ? Math.min(1, 1 / Math.max(maxAbs(gradient), 1e-300)) : 1;
    const search = strongWolfe(objective, x, value, slope, direction, initialStep, maxStep, xNew, gradientNew, count);
    if (!search.ok) {
      if (maxAbs(gradient) <= 1e3 * gradientTolerance) {
        return result(2, 'line search cannot decrease f further (rounding level) with a small gradient', iteration);
      }
      if (!firstStep) {
        // retry once from steepest descent with a fresh inverse Hessian
        inverseHessian.fill(0);
        for (let i = 0; i < n; i++) inverseHessian[i * n + i] = 1;
        firstStep = true;
        stalled++;
        if (stalled > 2) return result(3, 'line search failed', iteration);
        continue;
      }
      return result(3, 'line search failed', iteration);
    }
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] ?? 0) - (x[i] ?? 0);
      y[i] = (gradientNew[i] ?? 0) - (gradient[i] ?? 0);
    }
    const change = value - search.value;
    [x, xNew] = [xNew, x];
    [gradient, gradientNew] = [gradientNew, gradient];
    value = search.value;
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (firstStep) {
        const scale = sy / dot(y, y);
        inverseHessian.fill(0);
        for (let i = 0; i < n; i++) inverseHessian[i * n + i] = scale;
        firstStep = false;
      }
      const rho = 1 / sy;
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += (inverseHessian[i * n + j] ?? 0) * (y[j] ?? 0);
        hy[i] = sum;
      }
      const yhy = dot(y, hy);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const update = -rho * ((hy[i] ?? 0) * (s[j] ?? 0) + (s[i] ?? 0) * (hy[j] ?? 0)) + (rho * rho * yhy + rho) * (s[i] ?? 0) * (s[j] ?? 0);
          inverseHessian[i * n + j] = (inverseHessian[i * n + j] ?? 0) + update;
        }
      }
    }
    const stepSize = maxAbs(s) / Math.max(1, maxAbs(x));
    if (change <= functionTolerance * Math.max(1, Math.abs(value)) && stepSize < 1e-12) {
      if (maxAbs(gradient) <= gradientTolerance) return result(0, 'gradient below tolerance', iteration);
      stalled++;
      if (stalled > 3) return result(2, 'no further progress (relative change of f and x below tolerance)', iteration);
    } else {
      stalled = 0;
    }
  }
  return result(maxAbs(gradient) <= gradientTolerance ? 0 : 1, 'iteration limit reached', maxIterations);
}

/**
 * BFGS from `start`; if it fails (line search failure or iteration limit with a large gradient),
 * Nelder–Mead from the best point so far, then BFGS again from the simplex optimum.
 * Without an analytic gradient pass `numericalObjective(f)` as the objective.
 */
export function minimize(objective: ObjectiveWithGradient, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const first = minimizeBfgs(objective, start, options);
  if (first.convergence === 0 || first.convergence === 2) return first;
  // Nelder–Mead only when BFGS is stuck far from a stationary point
  const simplex = minimizeNelderMead((x) => objective(x), first.convergence === 4 ? start : first.x, options);
  const second = minimizeBfgs(objective, simplex.x, options);
  const better = second.value <= first.value ? second : first;
  return {
    ...better,
    iterations: first.iterations + simplex.iterations + second.iterations,
    evaluations: first.evaluations + simplex.evaluations + second.evaluations,
    method: 'bfgs+nelder-mead',
  };
}

/** Wraps a value-only function so that it supplies a central-difference gradient. */
export function numericalObjective(f: (x: Float64Array) => number): ObjectiveWithGradient {
  return (x, gradient) => {
    const value = f(x);
    if (gradient) gradient.set(numericalGradient((point) => f(Float64Array.from(point)), Array.from(x)));
    return value;
  };
}

/**
 * Budgeted starts for the GLMM fits (independent and nested): `run` minimises from one start with
 * what is left of an evaluation budget (BFGS iterations and the Nelder–Mead fallback included);
 * `multiStart` tries the alternative starts in turn while the best result has not settled or lies
 * on a boundary, keeping a lower optimum (or the first settled one). `counts` adds up iterations,
 * evaluations and starts for the fit's report.
 */
export function budgetedStarts(options: {
  budget: number;
  parameters: number;
  tolerance: MinimizeOptions;
  settled: (result: MinimizeResult) => boolean;
  atBoundary: (x: number[]) => boolean;
  alternatives: readonly number[][];
}): {
  counts: { iterations: number; evaluations: number; starts: number };
  run: (objective: ObjectiveWithGradient, start: number[], inverseHessian?: number[][]) => MinimizeResult;
  multiStart: (objective: ObjectiveWithGradient, first: MinimizeResult) => MinimizeResult;
} {
  const counts = { iterations: 0, evaluations: 0, starts: 0 };
  const run = (objective: ObjectiveWithGradient, start: number[], inverseHessian?: number[][]): MinimizeResult => {
    const remaining = Math.max(200, options.budget - counts.evaluations);
    const limits = { maxEvaluations: Math.min(2000 * options.parameters, remaining), maxIterations: Math.min(500, Math.ceil(remaining / 10)) };
    const result = minimize(objective, start, { ...options.tolerance, ...limits, ...(inverseHessian ? { initialInverseHessian: inverseHessian } : {}) });
    counts.starts++;
    counts.iterations += result.iterations;
    counts.evaluations += result.evaluations;
    return result;
  };
  const multiStart = (objective: ObjectiveWithGradient, first: MinimizeResult): MinimizeResult => {
    let best = first;
    for (const start of options.alternatives) {
      if (options.settled(best) && !options.atBoundary(best.x)) break;
      if (counts.evaluations >= options.budget) break;
      const candidate = run(objective, start);
      if (candidate.value < best.value - 1e-9 || (!options.settled(best) && options.settled(candidate) && candidate.value <= best.value + 1e-9)) best = candidate;
    }
    return best;
  };
  return { counts, run, multiStart };
}
