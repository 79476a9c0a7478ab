/**
 * Small dense linear algebra for the p×p systems of the statistics engine (p is the number of
 * regression coefficients, rarely above 10): Cholesky factorisation of symmetric positive-definite
 * matrices, solves, inverses and log-determinants. Matrices are `number[][]` (row-major, square).
 *
 * Reference: Golub GH, Van Loan CF (2013). Matrix Computations, 4th ed., §4.2 (Cholesky).
 *
 * Edge cases: `cholesky` returns null when a pivot is not positive (matrix not positive definite,
 * within rounding), so callers can raise a note instead of catching exceptions. Only the lower
 * triangle of the input is read, so tiny asymmetries from accumulated sums are harmless.
 */

/** n×n matrix of zeros. */
export function zeros(n: number, m = n): number[][] {
  return Array.from({ length: n }, () => new Array<number>(m).fill(0));
}

/** n×n identity matrix. */
export function identity(n: number): number[][] {
  const out = zeros(n);
  for (let i = 0; i < n; i++) out[i]![i] = 1;
  return out;
}

/** Lower-triangular L with A = L·Lᵀ, or null if A is not (numerically) positive definite. */
export function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const n = a.length;
  const l = zeros(n);
  for (let j = 0; j < n; j++) {
    const lj = l[j]!;
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= lj[k]! * lj[k]!;
    if (!(d > 0) || !Number.isFinite(d)) return null;
    const djj = Math.sqrt(d);
    lj[j] = djj;
    for (let i = j + 1; i < n; i++) {
      const li = l[i]!;
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= li[k]! * lj[k]!;
      li[j] = s / djj;
    }
  }
  return l;
}

/** Solves (L·Lᵀ) x = b for x given the Cholesky factor L. */
export function choleskySolve(l: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** Inverse of A = L·Lᵀ from its Cholesky factor (symmetric result). */
export function choleskyInverse(l: readonly (readonly number[])[]): number[][] {
  const n = l.length;
  const inv = zeros(n);
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const col = choleskySolve(l, e);
    for (let i = 0; i < n; i++) inv[i]![j] = col[i]!;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const m = (inv[i]![j]! + inv[j]![i]!) / 2;
      inv[i]![j] = m;
      inv[j]![i] = m;
    }
  }
  return inv;
}

/** ln det(A) for A = L·Lᵀ. */
export function choleskyLogDet(l: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 0; i < l.length; i++) s += Math.log(l[i]![i]!);
  return 2 * s;
}

/** Inverse of a symmetric positive-definite matrix, or null if it is not positive definite. */
export function inverseSpd(a: readonly (readonly number[])[]): number[][] | null {
  const l = cholesky(a);
  return l ? choleskyInverse(l) : null;
}

/** Matrix product A·B. */
export function matMul(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const m = b[0]?.length ?? 0;
  const inner = b.length;
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    const oi = out[i]!;
    for (let k = 0; k < inner; k++) {
      const aik = ai[k]!;
      if (aik === 0) continue;
      const bk = b[k]!;
      for (let j = 0; j < m; j++) oi[j] = oi[j]! + aik * bk[j]!;
    }
  }
  return out;
}

/** Matrix–vector product A·x. */
export function matVec(a: readonly (readonly number[])[], x: readonly number[]): number[] {
  return a.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
}

/** tr(A·B) for square A, B of the same size. */
export function traceProduct(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) s += a[i]![j]! * b[j]![i]!;
  return s;
}

/** Solves the symmetric system A x = b by Cholesky (null if A is not positive definite). */
export function solveSpd(a: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const l = cholesky(a);
  return l ? choleskySolve(l, b) : null;
}
