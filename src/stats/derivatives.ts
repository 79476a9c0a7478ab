/**
 * Finite-difference derivatives with Richardson extrapolation (the scheme of R's numDeriv:
 * Gilbert & Varadhan; Richardson 1911, doi:10.1098/rsta.1911.0009).
 *
 * Central difference D(h) = [f(x + h e_i) − f(x − h e_i)] / (2h) has error c₂h² + c₄h⁴ + …;
 * with h_m = h₀/2^m, the extrapolation D_{m}^{(l)} = (4^l D_{m+1}^{(l−1)} − D_m^{(l−1)})/(4^l − 1)
 * removes the h², h⁴, … terms. Step h₀ = relativeStep·|x_i|, or zeroStep when |x_i| < 1e-4
 * (numDeriv's d and eps/zero.tol rule: d = 1e-4 for gradients, d = 0.1 for the Hessian of f,
 * where smaller steps let rounding noise of f, amplified by 1/h², dominate).
 *
 * - `numericalGradient(f, x)`: Richardson-extrapolated central differences (levels = 4).
 * - `hessianFromGradient(g, x)`: central differences of an analytic gradient, Richardson with
 *   2 levels, symmetrised: (H + Hᵀ)/2. Accurate to ~1e-9 relative for smooth g.
 * - `numericalHessian(f, x)`: second differences of f (diagonal: [f(x+h) − 2f(x) + f(x−h)]/h²;
 *   off-diagonal: [f(x+h_i+h_j) − f(x+h_i−h_j) − f(x−h_i+h_j) + f(x−h_i−h_j)]/(4 h_i h_j)),
 *   Richardson with `levels` levels.
 *
 * Edge cases: non-finite function values propagate as NaN entries (callers test for them).
 */

export interface DifferenceOptions {
  /** h₀ = relativeStep·|x_i| (default 1e-4 for gradients, 0.1 for `numericalHessian`: numDeriv's d) */
  relativeStep?: number;
  /** h₀ when |x_i| < 1e-4 (default 1e-4: numDeriv's eps / zero.tol rule) */
  zeroStep?: number;
  /** number of Richardson levels (default 4 for gradients of f, 2 for Hessians from gradients) */
  levels?: number;
}

function initialStep(value: number, relativeStep: number, zeroStep: number): number {
  return Math.abs(value) < 1e-4 ? zeroStep : relativeStep * Math.abs(value);
}

/** Richardson table over estimates at h₀, h₀/2, …; returns the most extrapolated value. */
function richardson(estimates: number[]): number {
  const table = [...estimates];
  for (let level = 1; level < table.length; level++) {
    const factor = 4 ** level;
    for (let m = 0; m < table.length - level; m++) {
      table[m] = (factor * (table[m + 1] ?? NaN) - (table[m] ?? NaN)) / (factor - 1);
    }
  }
  return table[0] ?? NaN;
}

/** ∇f(x) by Richardson-extrapolated central differences. */
export function numericalGradient(f: (x: number[]) => number, x: number[], options: DifferenceOptions = {}): number[] {
  const relativeStep = options.relativeStep ?? 1e-4;
  const levels = options.levels ?? 4;
  const point = [...x];
  return x.map((value, i) => {
    const estimates: number[] = [];
    let h = initialStep(value, relativeStep, options.zeroStep ?? 1e-4);
    for (let m = 0; m < levels; m++) {
      point[i] = value + h;
      const plus = f(point);
      point[i] = value - h;
      const minus = f(point);
      estimates.push((plus - minus) / (2 * h));
      h /= 2;
    }
    point[i] = value;
    return richardson(estimates);
  });
}

/** Hessian as the (symmetrised) Jacobian of an analytic gradient g: R^n → R^n. */
export function hessianFromGradient(gradient: (x: number[]) => number[], x: number[], options: DifferenceOptions = {}): number[][] {
  const n = x.length;
  const relativeStep = options.relativeStep ?? 1e-4;
  const levels = options.levels ?? 2;
  const columns: number[][] = [];
  const point = [...x];
  for (let j = 0; j < n; j++) {
    const value = x[j] ?? 0;
    const estimates: number[][] = [];
    let h = initialStep(value, relativeStep, options.zeroStep ?? 1e-4);
    for (let m = 0; m < levels; m++) {
      point[j] = value + h;
      const plus = gradient(point);
      point[j] = value - h;
      const minus = gradient(point);
      estimates.push(plus.map((p, i) => (p - (minus[i] ?? NaN)) / (2 * h)));
      h /= 2;
    }
    point[j] = value;
    columns.push(Array.from({ length: n }, (_, i) => richardson(estimates.map((e) => e[i] ?? NaN))));
  }
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => 0.5 * ((columns[j]?.[i] ?? NaN) + (columns[i]?.[j] ?? NaN))),
  );
}

/** Hessian of f by Richardson-extrapolated second differences of function values. */
export function numericalHessian(f: (x: number[]) => number, x: number[], options: DifferenceOptions = {}): number[][] {
  const n = x.length;
  const relativeStep = options.relativeStep ?? 0.1;
  const levels = options.levels ?? 4;
  const f0 = f(x);
  const point = [...x];
  const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(NaN));
  const steps = x.map((v) => initialStep(v, relativeStep, options.zeroStep ?? 1e-4));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const estimates: number[] = [];
      let hi = steps[i] ?? 0;
      let hj = steps[j] ?? 0;
      for (let m = 0; m < levels; m++) {
        const at = (si: number, sj: number): number => {
          point[i] = (x[i] ?? 0) + si;
          point[j] = (point[j] ?? 0) + sj;
          const value = f(point);
          point[i] = x[i] ?? 0;
          point[j] = x[j] ?? 0;
          return value;
        };
        if (i === j) {
          estimates.push((at(hi, 0) - 2 * f0 + at(-hi, 0)) / (hi * hi));
        } else {
          estimates.push((at(hi, hj) - at(hi, -hj) - at(-hi, hj) + at(-hi, -hj)) / (4 * hi * hj));
        }
        hi /= 2;
        hj /= 2;
      }
      const value = richardson(estimates);
      (hessian[i] as number[])[j] = value;
      (hessian[j] as number[])[i] = value;
    }
  }
  return hessian;
}
