/**
 * Gauss–Hermite quadrature rules for expectations under the standard normal distribution.
 *
 *   E[f(Z)] = ∫ φ(z) f(z) dz ≈ Σ_j w_j f(z_j),   Z ~ N(0, 1),   j = 1..n,
 *
 * exact when f is a polynomial of degree ≤ 2n − 1. These are the "probabilists'" nodes and
 * weights: z_j = √2·x_j and w_j = ω_j/√π in terms of the classical rule for the weight e^{−x²}
 * (nodes x_j, weights ω_j). The weights sum to 1.
 *
 * Method: Golub & Welsch (1969, doi:10.1090/S0025-5718-69-99647-1). The nodes are the
 * eigenvalues of the symmetric Jacobi matrix of the orthonormal probabilists' Hermite polynomials
 * (zero diagonal, off-diagonal √i, i = 1..n−1). Each node is then polished by Newton's method on
 * the three-term recurrence and its weight computed from the Christoffel function
 * w_j = 1 / Σ_{m<n} p̃_m(z_j)² (p̃_m orthonormal), which is more accurate for the tiny tail weights
 * than the squared eigenvector components.
 *
 * Edge cases: n = 1 gives the single node 0 with weight 1 (the Laplace approximation when used
 * in adaptive quadrature). n must be an integer in [1, 200]. Rules are cached per n and frozen.
 *
 * Example: gaussHermiteNormal(3) → nodes [−√3, 0, √3], weights [1/6, 2/3, 1/6].
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A quadrature rule for ∫ φ(z) f(z) dz. */
export interface GaussHermiteRule {
  /** number of points */
  readonly size: number;
  /** nodes z_j in increasing order */
  readonly nodes: Float64Array;
  /** weights w_j (sum 1) */
  readonly weights: Float64Array;
  /** ln w_j, precomputed for log-sum-exp accumulation */
  readonly logWeights: Float64Array;
}

const cache = new Map<number, GaussHermiteRule>();

/** Orthonormal probabilists' Hermite values p̃_0..p̃_{n} at z; returns [Σ_{m<n} p̃_m², p̃_n, p̃'_n]. */
function hermiteRecurrence(n: number, z: number): [number, number, number] {
  // p̃_{m+1}(z) = (z p̃_m − √m p̃_{m−1}) / √(m+1),  p̃_0 = 1 (orthonormal under φ)
  let previous = 0;
  let current = 1;
  let sumSquares = 0;
  for (let m = 0; m < n; m++) {
    sumSquares += current * current;
    const next = (z * current - Math.sqrt(m) * previous) / Math.sqrt(m + 1);
    previous = current;
    current = next;
  }
  // derivative: p̃_n'(z) = √n p̃_{n−1}(z)
  return [sumSquares, current, Math.sqrt(n) * previous];
}

/**
 * The n-point Gauss–Hermite rule for the standard normal weight (see the file comment).
 * @throws RangeError when n is not an integer in [1, 200]
 */
export function gaussHermiteNormal(n: number): GaussHermiteRule {
  if (!Number.isInteger(n) || n < 1 || n > 200) {
    throw new RangeError(`gaussHermiteNormal: number of points must be an integer in [1, 200], got ${n}`);
  }
  const cached = cache.get(n);
  if (cached) return cached;

  const nodes = new Float64Array(n);
  if (n > 1) {
    const jacobi = Matrix.zeros(n, n);
    for (let i = 1; i < n; i++) {
      const offDiagonal = Math.sqrt(i);
      jacobi.set(i, i - 1, offDiagonal);
      jacobi.set(i - 1, i, offDiagonal);
    }
    const eigen = new EigenvalueDecomposition(jacobi, { assumeSymmetric: true });
    const sorted = [...eigen.realEigenvalues].sort((a, b) => a - b);
    for (let j = 0; j < n; j++) nodes[j] = sorted[j] ?? 0;
  }
  const weights = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let z = nodes[j] ?? 0;
    for (let iteration = 0; iteration < 3 && n > 1; iteration++) {
      const [, value, derivative] = hermiteRecurrence(n, z);
      const step = value / derivative;
      z -= step;
      if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    // symmetric rule: the middle node of an odd rule is exactly 0
    if (n % 2 === 1 && j === (n - 1) / 2) z = 0;
    nodes[j] = z;
    weights[j] = 1 / hermiteRecurrence(n, z)[0];
  }
  // enforce exact symmetry of nodes and weights
  for (let j = 0; j < Math.floor(n / 2); j++) {
    const mirror = n - 1 - j;
    const node = 0.5 * ((nodes[mirror] ?? 0) - (nodes[j] ?? 0));
    const weight = 0.5 * ((weights[mirror] ?? 0) + (weights[j] ?? 0));
    nodes[j] = -node;
    nodes[mirror] = node;
    weights[j] = weight;
    weights[mirror] = weight;
  }
  const logWeights = weights.map((w) => Math.log(w));
  const rule: GaussHermiteRule = Object.freeze({ size: n, nodes, weights, logWeights });
  cache.set(n, rule);
  return rule;
}

/**
 * The classical n-point rule for ∫ e^{−x²} f(x) dx (nodes x_j = z_j/√2, weights √π·w_j).
 * Provided for callers that use the physicists' convention.
 */
export function gaussHermitePhysicists(n: number): { nodes: Float64Array; weights: Float64Array } {
  const rule = gaussHermiteNormal(n);
  return {
    nodes: rule.nodes.map((z) => z / Math.SQRT2),
    weights: rule.weights.map((w) => w * Math.sqrt(Math.PI)),
  };
}
