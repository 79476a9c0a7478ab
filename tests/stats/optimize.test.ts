/** BFGS, Nelder–Mead and finite-difference derivatives on functions with known optima/derivatives. */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/reference.ts';
import { minimize, minimizeBfgs, minimizeNelderMead, numericalObjective, type ObjectiveWithGradient } from '../../src/stats/optimize.ts';
import { hessianFromGradient, numericalGradient, numericalHessian } from '../../src/stats/derivatives.ts';

const rosenbrock: ObjectiveWithGradient = (x, gradient) => {
  const [a, b] = [x[0] as number, x[1] as number];
  if (gradient) {
    gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    gradient[1] = 200 * (b - a * a);
  }
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

describe('minimizeBfgs', () => {
  it('solves Rosenbrock from (−1.2, 1) with the analytic gradient', () => {
    const result = minimizeBfgs(rosenbrock, [-1.2, 1], { gradientTolerance: 1e-10 });
    expect(result.convergence).toBe(0);
    result.x.forEach((v, i) => expectClose(`x${i}`, v, 1, { name: '1e-8', abs: 1e-8 }));
    expect(result.gradientNorm).toBeLessThanOrEqual(1e-10);
    expect(result.iterations).toBeLessThan(100);
  });

  it('solves a badly scaled 5-D quadratic with a numerical gradient', () => {
    const scales = [1, 10, 100, 1000, 1e4];
    const f = (x: Float64Array): number => x.reduce((s, v, i) => s + (scales[i] as number) * (v - i) ** 2, 0);
    const result = minimizeBfgs(numericalObjective(f), [5, 5, 5, 5, 5], { gradientTolerance: 1e-6 });
    result.x.forEach((v, i) => expectClose(`x${i}`, v, i, { name: '1e-6', abs: 1e-6 }));
  });

  it('converges in one step from a good inverse Hessian', () => {
    const f: ObjectiveWithGradient = (x, g) => {
      if (g) { g[0] = 2 * (x[0] as number); g[1] = 200 * (x[1] as number); }
      return (x[0] as number) ** 2 + 100 * (x[1] as number) ** 2;
    };
    const result = minimizeBfgs(f, [1, 1], { initialInverseHessian: [[0.5, 0], [0, 0.005]] });
    expect(result.iterations).toBeLessThanOrEqual(2);
    expect(result.convergence).toBe(0);
  });

  it('reports a non-finite start', () => {
    expect(minimizeBfgs(() => NaN, [0]).convergence).toBe(4);
  });
});

describe('minimizeNelderMead and minimize', () => {
  it('Nelder–Mead finds the Rosenbrock minimum', () => {
    const result = minimizeNelderMead((x) => rosenbrock(x), [-1.2, 1], { functionTolerance: 1e-16 });
    result.x.forEach((v, i) => expectClose(`x${i}`, v, 1, { name: '1e-4', abs: 1e-4 }));
  });

  it('minimize falls back to Nelder–Mead when BFGS fails (non-smooth objective)', () => {
    const f: ObjectiveWithGradient = (x, g) => {
      const [a, b] = [(x[0] as number) - 1, (x[1] as number) + 2];
      if (g) { g[0] = Math.sign(a); g[1] = 2 * Math.sign(b); }
      return Math.abs(a) + 2 * Math.abs(b);
    };
    const result = minimize(f, [3.3, 4.1], { functionTolerance: 1e-14 });
    expect(result.method).toBe('bfgs+nelder-mead');
    expectClose('x', result.x[0] as number, 1, { name: '1e-5', abs: 1e-5 });
    expectClose('y', result.x[1] as number, -2, { name: '1e-5', abs: 1e-5 });
  });

  it('minimize respects a domain (Infinity outside) and finds the interior optimum', () => {
    // f(x) = x − ln x on x > 0, minimum at 1
    const f: ObjectiveWithGradient = (x, g) => {
      const v = x[0] as number;
      if (!(v > 0)) return Infinity;
      if (g) g[0] = 1 - 1 / v;
      return v - Math.log(v);
    };
    const result = minimize(f, [20]);
    expectClose('x', result.x[0] as number, 1, { name: '1e-7', abs: 1e-7 });
  });
});

describe('finite-difference derivatives', () => {
  const f = (x: number[]): number => Math.exp(x[0] as number) * Math.sin(x[1] as number) + (x[0] as number) * (x[1] as number) ** 3;
  const gradient = (x: number[]): number[] => [
    Math.exp(x[0] as number) * Math.sin(x[1] as number) + (x[1] as number) ** 3,
    Math.exp(x[0] as number) * Math.cos(x[1] as number) + 3 * (x[0] as number) * (x[1] as number) ** 2,
  ];
  const point = [0.7, -1.3];
  const [a, b] = point as [number, number];
  const hessian = [
    [Math.exp(a) * Math.sin(b), Math.exp(a) * Math.cos(b) + 3 * b * b],
    [Math.exp(a) * Math.cos(b) + 3 * b * b, -Math.exp(a) * Math.sin(b) + 6 * a * b],
  ];

  it('numericalGradient (Richardson) is accurate to ~1e-10', () => {
    numericalGradient(f, point).forEach((v, i) => expectClose(`g${i}`, v, gradient(point)[i] as number, { name: '1e-10 relative', rel: 1e-10 }));
  });

  it('hessianFromGradient and numericalHessian agree with the analytic Hessian', () => {
    const fromGradient = hessianFromGradient(gradient, point);
    const fromValues = numericalHessian(f, point);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const exact = hessian[i]?.[j] as number;
        expectClose(`H[${i}][${j}] from gradient`, fromGradient[i]?.[j] as number, exact, { name: '1e-9 relative', rel: 1e-9 });
        expectClose(`H[${i}][${j}] from values`, fromValues[i]?.[j] as number, exact, { name: '1e-7 relative', rel: 1e-7 });
      }
    }
  });
});
