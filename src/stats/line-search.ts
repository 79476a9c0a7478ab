/**
 * Strong-Wolfe line search for BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed. 2006,
 * doi:10.1007/978-0-387-40065-5, Algorithms 3.5 and 3.6): bracketing by doubling the step, then
 * `zoom` with safeguarded cubic interpolation. Conditions: f(α) ≤ f(0) + c₁αf'(0) and
 * |f'(α)| ≤ c₂|f'(0)|, c₁ = 1e-4, c₂ = 0.9. Non-finite values shrink the step (domain edge).
 * Gives up (ok: false) when the bracket is so small that no change of f above rounding
 * (1e-14·|f(0)|) is possible; the caller then decides whether the gradient is small enough.
 */
import type { ObjectiveWithGradient } from './optimize.ts';

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
};

/** Minimiser of the cubic through (a, fa, da), (b, fb, db); falls back to bisection. */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const radicand = d1 * d1 - da * db;
  if (radicand < 0) return 0.5 * (a + b);
  const d2 = Math.sign(b - a) * Math.sqrt(radicand);
  const t = b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  // keep away from the ends of the bracket
  const margin = 0.1 * (hi - lo);
  return Number.isFinite(t) ? Math.min(Math.max(t, lo + margin), hi - margin) : 0.5 * (a + b);
}

export interface LineSearchResult {
  step: number;
  value: number;
  ok: boolean;
}

/**
 * Strong-Wolfe line search along `direction` from x (value f0, slope0 = ∇f·d < 0). On return
 * `xNew`/`gradientNew` hold the accepted point. c1 = 1e-4, c2 = 0.9.
 */
export function strongWolfe(
  objective: ObjectiveWithGradient,
  x: Float64Array,
  f0: number,
  slope0: number,
  direction: Float64Array,
  initialStep: number,
  maxStep: number,
  xNew: Float64Array,
  gradientNew: Float64Array,
  count: { evaluations: number },
): LineSearchResult {
  const c1 = 1e-4;
  const c2 = 0.9;
  const roundingLevel = 1e-14 * Math.max(1, Math.abs(f0));
  const evaluate = (step: number): [number, number] => {
    for (let i = 0; i < x.length; i++) xNew[i] = (x[i] ?? 0) + step * (direction[i] ?? 0);
    count.evaluations++;
    const value = objective(xNew, gradientNew);
    if (!Number.isFinite(value)) return [Infinity, NaN];
    return [value, dot(gradientNew, direction)];
  };
  const zoom = (lo: number, flo: number, dlo: number, hi: number, fhi: number, dhi: number): LineSearchResult => {
    for (let iteration = 0; iteration < 30; iteration++) {
      const trial = Number.isFinite(fhi) && Number.isFinite(dhi) ? cubicMinimizer(lo, flo, dlo, hi, fhi, dhi) : 0.5 * (lo + hi);
      const [f, d] = evaluate(trial);
      if (f > f0 + c1 * trial * slope0 || f >= flo || !Number.isFinite(d)) {
        hi = trial;
        fhi = f;
        dhi = d;
      } else {
        if (Math.abs(d) <= -c2 * slope0) return { step: trial, value: f, ok: true };
        if (d * (hi - lo) >= 0) {
          hi = lo;
          fhi = flo;
          dhi = dlo;
        }
        lo = trial;
        flo = f;
        dlo = d;
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
      // the largest change of f still possible in the bracket is below rounding: give up
      if (Math.abs(hi - lo) * Math.abs(slope0) < roundingLevel) break;
    }
    // return the best point seen (lo) if it decreased f at all
    if (lo > 0 && flo < f0) {
      evaluate(lo);
      return { step: lo, value: flo, ok: true };
    }
    return { step: 0, value: f0, ok: false };
  };

  let previousStep = 0;
  let previousValue = f0;
  let previousSlope = slope0;
  let step = Math.min(initialStep, maxStep);
  for (let iteration = 0; iteration < 60; iteration++) {
    const [f, d] = evaluate(step);
    if (!Number.isFinite(f)) {
      // outside the domain: shrink towards the last good point
      step = previousStep + 0.25 * (step - previousStep);
      if (step - previousStep < 1e-20) break;
      continue;
    }
    if (f > f0 + c1 * step * slope0 || (iteration > 0 && f >= previousValue)) {
      return zoom(previousStep, previousValue, previousSlope, step, f, d);
    }
    if (Math.abs(d) <= -c2 * slope0) return { step, value: f, ok: true };
    if (d >= 0) return zoom(step, f, d, previousStep, previousValue, previousSlope);
    previousStep = step;
    previousValue = f;
    previousSlope = d;
    if (step >= maxStep) break;
    step = Math.min(2 * step, maxStep);
  }
  if (previousStep > 0) {
    evaluate(previousStep);
    return { step: previousStep, value: previousValue, ok: true };
  }
  return { step: 0, value: f0, ok: false };
}
