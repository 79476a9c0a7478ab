/**
 * One cluster's marginal likelihood in the bivariate binomial GLMM when the cluster holds m ≥ 1
 * 2x2 tables that share one random-effect pair, by adaptive Gauss–Hermite quadrature (AGHQ), with
 * the exact gradient of the quadrature formula. The building block of the grouped likelihoods
 * (`glmm-grouped-likelihood.ts`: tables of a study share the study's effects; and, as
 * `tableLogIntegral` for m = 1, `glmm-nested-likelihood.ts`: the inner, table-level integrals).
 *
 * For tables t = 1..m with linear predictors η_t = (η_t1, η_t2) (logit sens, logit spec) and
 * u ~ N2(0, I), ξ_t = η_t + L u with L = [[L11, 0], [L21, L22]]:
 *   I = ∫ φ2(u) Π_t Bin(y_t1 | n_t1, expit ξ_t1) Bin(y_t2 | n_t2, expit ξ_t2) du   (binomial constants left out),
 *   g(u) = Σ_t Σ_s [y_ts ξ_ts − n_ts ln(1 + e^{ξ_ts})] − ½|u|²  (strictly concave),
 * û = argmax g (Newton), H = −∇²g(û) = I + Lᵀ diag(W_1, W_2) L with W_s = Σ_t n_ts p_ts(1 − p_ts),
 * R = lower Cholesky factor of H⁻¹, Q×Q tensor grid of normal GH nodes z_j (weights w_j):
 *   ln I ≈ ln|R| + ln Σ_j w_j exp(g(û + R z_j) + ½|z_j|²)   (Q = 1: the Laplace approximation).
 * With m = 1 this is exactly the per-study formula of `glmm-likelihood.ts` (same node orientation:
 * lower factor, sens first), which the tests check.
 * References: Liu & Pierce 1994, doi:10.1093/biomet/81.3.624; Pinheiro & Bates 1995,
 * doi:10.1080/10618600.1995.10474663.
 *
 * Gradient with respect to each table's (η_t1, η_t2) and to (L11, L21, L22): the total derivative
 * through û(θ) (implicit function theorem: dû = H⁻¹ ∂_θ∇g) and R(θ) (d(H⁻¹) = −H⁻¹ dH H⁻¹ and the
 * 2×2 Cholesky derivative); dH involves W′_ts = W_ts(1 − 2p_ts). Per direction the work is O(1)
 * after one pass over the grid, so the cost is O(m·Q²) per cluster.
 *
 * Edge cases: an arm with n = 0 contributes nothing; L = 0 gives H = I (the exact value); the
 * mode search is warm-started from `modes[offset..offset+1]` and writes the mode back.
 */
import type { GaussHermiteRule } from './gauss-hermite.ts';

/** Reusable arrays for clusters of up to `capacity` tables at one quadrature rule. */
export interface ClusterWorkspace {
  readonly q: number;
  readonly capacity: number;
  readonly nodes: Float64Array;
  /** ln w_j + ½ z_j² */
  readonly nodeLogScale: Float64Array;
  /** outputs of the last call with gradient: ∂ ln I/∂η_t1, ∂ ln I/∂η_t2 (per table), ∂ ln I/∂(L11, L21, L22) */
  readonly dEta1: Float64Array;
  readonly dEta2: Float64Array;
  readonly dL: Float64Array;
  /** ŵ, ŵ′ per table and arm at the mode (written by clusterLogIntegral only); node arrays */
  readonly w1: Float64Array;
  readonly w2: Float64Array;
  readonly wd1: Float64Array;
  readonly wd2: Float64Array;
  readonly armV1: Float64Array;
  readonly armLog1: Float64Array;
  readonly armD1: Float64Array; // per table × node a
  readonly nodeD2: Float64Array; // per table × grid node
  readonly nodeV2: Float64Array;
  readonly h: Float64Array;
  /** scratch for the gradient directions (no allocation per call) */
  readonly context: DirectionContext;
}

export function clusterWorkspace(rule: GaussHermiteRule, capacity: number): ClusterWorkspace {
  const q = rule.size;
  const m = Math.max(1, capacity);
  return {
    q,
    capacity: m,
    nodes: rule.nodes,
    nodeLogScale: rule.logWeights.map((lw, j) => lw + 0.5 * (rule.nodes[j] as number) ** 2),
    dEta1: new Float64Array(m),
    dEta2: new Float64Array(m),
    dL: new Float64Array(3),
    w1: new Float64Array(m),
    w2: new Float64Array(m),
    wd1: new Float64Array(m),
    wd2: new Float64Array(m),
    armV1: new Float64Array(q),
    armLog1: new Float64Array(q),
    armD1: new Float64Array(m * q),
    nodeD2: new Float64Array(m * q * q),
    nodeV2: new Float64Array(q * q),
    h: new Float64Array(q * q),
    context: { A11: 0, A12: 0, A22: 0, R11: 0, R21: 0, R22: 0, L11: 0, L21: 0, L22: 0, W1: 0, W2: 0, SWd1: 0, SWd2: 0, Gu1: 0, Gu2: 0, GR11: 0, GR21: 0, GR22: 0 },
  };
}

/** y ξ − n ln(1 + e^ξ), stable. */
function kernel(y: number, n: number, xi: number): number {
  return y * xi - n * (Math.max(xi, 0) + Math.log1p(Math.exp(-Math.abs(xi))));
}

/** expit, stable. */
function expit(xi: number): number {
  const e = Math.exp(-Math.abs(xi));
  return xi >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** g(u) of the file comment (for backtracking). */
function logIntegrand(m: number, y1: Float64Array, n1: Float64Array, y2: Float64Array, n2: Float64Array, start: number, eta1: Float64Array, eta2: Float64Array, L11: number, L21: number, L22: number, u1: number, u2: number): number {
  let value = -0.5 * (u1 * u1 + u2 * u2);
  for (let t = 0; t < m; t++) {
    value += kernel(y1[start + t] as number, n1[start + t] as number, (eta1[t] as number) + L11 * u1);
    value += kernel(y2[start + t] as number, n2[start + t] as number, (eta2[t] as number) + L21 * u1 + L22 * u2);
  }
  return value;
}

interface DirectionContext {
  A11: number; A12: number; A22: number; R11: number; R21: number; R22: number;
  L11: number; L21: number; L22: number; W1: number; W2: number; SWd1: number; SWd2: number;
  Gu1: number; Gu2: number; GR11: number; GR21: number; GR22: number;
}

/**
 * Total derivative of ln I along one direction θ: r = ∂_θ∇g at û (fixed u), X_s = Σ_t W′_ts ∂ξ_ts
 * (fixed u), l = ∂L, explicit = E_π[∂_θ g] over the nodes.
 */
function direction(c: DirectionContext, r1: number, r2: number, X1: number, X2: number, l11: number, l21: number, l22: number, explicit: number): number {
  const { A11, A12, A22, R11, R21, R22, L11, L21, L22, W1, W2 } = c;
  const du1 = A11 * r1 + A12 * r2, du2 = A12 * r1 + A22 * r2;
  const dW1 = X1 + c.SWd1 * L11 * du1, dW2 = X2 + c.SWd2 * (L21 * du1 + L22 * du2);
  const dH11 = 2 * L11 * l11 * W1 + L11 * L11 * dW1 + 2 * L21 * l21 * W2 + L21 * L21 * dW2;
  const dH12 = (l21 * L22 + L21 * l22) * W2 + L21 * L22 * dW2;
  const dH22 = 2 * L22 * l22 * W2 + L22 * L22 * dW2;
  const B11 = A11 * dH11 + A12 * dH12, B12 = A11 * dH12 + A12 * dH22;
  const B21 = A12 * dH11 + A22 * dH12, B22 = A12 * dH12 + A22 * dH22;
  const dA11 = -(B11 * A11 + B12 * A12), dA12 = -(B11 * A12 + B12 * A22), dA22 = -(B21 * A12 + B22 * A22);
  const dR11 = dA11 / (2 * R11);
  const dR21 = (dA12 - R21 * dR11) / R11;
  const dR22 = (dA22 - 2 * R21 * dR21) / (2 * R22);
  return explicit + c.Gu1 * du1 + c.Gu2 * du2 + c.GR11 * dR11 + c.GR21 * dR21 + c.GR22 * dR22;
}

/**
 * ln I for one cluster (see the file comment). Counts are read from y1/n1 (sens arm) and y2/n2
 * (spec arm) at indices start..start+m−1; η from eta1/eta2 at 0..m−1. With `gradient`, fills
 * ws.dEta1/dEta2[0..m−1] and ws.dL. Returns NaN/−Infinity when not computable.
 */
export function clusterLogIntegral(
  ws: ClusterWorkspace,
  m: number,
  y1: Float64Array,
  n1: Float64Array,
  y2: Float64Array,
  n2: Float64Array,
  start: number,
  eta1: Float64Array,
  eta2: Float64Array,
  L11: number,
  L21: number,
  L22: number,
  modes: Float64Array,
  offset: number,
  gradient: boolean,
): number {
  const { q, nodes, nodeLogScale, w1, w2, wd1, wd2, armV1, armLog1, armD1, nodeD2, nodeV2, h } = ws;
  // ---- Newton search of the mode û (g strictly concave: H ⪰ I); warm start ----
  let u1 = modes[offset] as number, u2 = modes[offset + 1] as number;
  if (!(Math.abs(u1) < 1e3 && Math.abs(u2) < 1e3)) { u1 = 0; u2 = 0; }
  for (let iteration = 0; iteration < 200; iteration++) {
    let D1 = 0, D2 = 0, W1 = 0, W2 = 0;
    for (let t = 0; t < m; t++) {
      const nn1 = n1[start + t] as number, nn2 = n2[start + t] as number;
      const p1 = expit((eta1[t] as number) + L11 * u1);
      const p2 = expit((eta2[t] as number) + L21 * u1 + L22 * u2);
      D1 += (y1[start + t] as number) - nn1 * p1;
      D2 += (y2[start + t] as number) - nn2 * p2;
      W1 += nn1 * p1 * (1 - p1);
      W2 += nn2 * p2 * (1 - p2);
    }
    const g1 = L11 * D1 + L21 * D2 - u1, g2 = L22 * D2 - u2;
    const H11 = 1 + L11 * L11 * W1 + L21 * L21 * W2, H12 = L21 * L22 * W2, H22 = 1 + L22 * L22 * W2;
    const det = H11 * H22 - H12 * H12;
    let s1 = (H22 * g1 - H12 * g2) / det, s2 = (H11 * g2 - H12 * g1) / det;
    const size = Math.abs(s1) + Math.abs(s2);
    if (!(size > 0)) break;
    if (size < 1e-9) {
      // converged quadratically: the last step leaves û exact to rounding
      u1 += s1; u2 += s2;
      break;
    }
    if (size > 0.5) {
      // large step: backtrack on the log-integrand (rare with warm starts)
      const current = logIntegrand(m, y1, n1, y2, n2, start, eta1, eta2, L11, L21, L22, u1, u2);
      for (let halving = 0; halving < 60; halving++) {
        if (logIntegrand(m, y1, n1, y2, n2, start, eta1, eta2, L11, L21, L22, u1 + s1, u2 + s2) >= current) break;
        s1 *= 0.5; s2 *= 0.5;
      }
    }
    u1 += s1; u2 += s2;
  }
  modes[offset] = u1; modes[offset + 1] = u2;
  // D, W (and per table W, W′) at û
  let D1 = 0, D2 = 0, W1 = 0, W2 = 0, SWd1 = 0, SWd2 = 0;
  for (let t = 0; t < m; t++) {
    const nn1 = n1[start + t] as number, nn2 = n2[start + t] as number;
    const p1 = expit((eta1[t] as number) + L11 * u1);
    const p2 = expit((eta2[t] as number) + L21 * u1 + L22 * u2);
    const W1t = nn1 * p1 * (1 - p1), W2t = nn2 * p2 * (1 - p2);
    D1 += (y1[start + t] as number) - nn1 * p1;
    D2 += (y2[start + t] as number) - nn2 * p2;
    W1 += W1t;
    W2 += W2t;
    if (gradient) {
      w1[t] = W1t;
      w2[t] = W2t;
      wd1[t] = W1t * (1 - 2 * p1);
      wd2[t] = W2t * (1 - 2 * p2);
      SWd1 += wd1[t] as number;
      SWd2 += wd2[t] as number;
    }
  }
  const H11 = 1 + L11 * L11 * W1 + L21 * L21 * W2, H12 = L21 * L22 * W2, H22 = 1 + L22 * L22 * W2;
  const det = H11 * H22 - H12 * H12;
  const A11 = H22 / det, A12 = -H12 / det, A22 = H11 / det;
  const R11 = Math.sqrt(A11), R21 = A12 / R11, R22 = 1 / Math.sqrt(H22);

  // ---- quadrature over the Q×Q grid: v = û + R z, ξ_t = η_t + L v ----
  // (one exponential per node and table serves both the kernel and, for the gradient, y − n·p)
  for (let a = 0; a < q; a++) {
    const v1 = u1 + R11 * (nodes[a] as number);
    armV1[a] = v1;
    let value = (nodeLogScale[a] as number) - 0.5 * v1 * v1;
    for (let t = 0; t < m; t++) {
      const xi = (eta1[t] as number) + L11 * v1;
      const yy = y1[start + t] as number, nn = n1[start + t] as number;
      const e = Math.exp(-Math.abs(xi));
      value += yy * xi - nn * (Math.max(xi, 0) + Math.log1p(e));
      if (gradient) armD1[t * q + a] = yy - nn * (xi >= 0 ? 1 / (1 + e) : e / (1 + e));
    }
    armLog1[a] = value;
  }
  let maxH = -Infinity;
  const grid = q * q;
  for (let a = 0, j = 0; a < q; a++) {
    const za = nodes[a] as number, v1 = armV1[a] as number, base = armLog1[a] as number;
    for (let b = 0; b < q; b++, j++) {
      const v2 = u2 + R21 * za + R22 * (nodes[b] as number);
      let value = base + (nodeLogScale[b] as number) - 0.5 * v2 * v2;
      for (let t = 0; t < m; t++) {
        const xi = (eta2[t] as number) + L21 * v1 + L22 * v2;
        const yy = y2[start + t] as number, nn = n2[start + t] as number;
        const e = Math.exp(-Math.abs(xi));
        value += yy * xi - nn * (Math.max(xi, 0) + Math.log1p(e));
        if (gradient) nodeD2[t * grid + j] = yy - nn * (xi >= 0 ? 1 / (1 + e) : e / (1 + e));
      }
      h[j] = value;
      nodeV2[j] = v2;
      if (value > maxH) maxH = value;
    }
  }
  let sum = 0;
  for (let j = 0; j < grid; j++) { const e = Math.exp((h[j] as number) - maxH); h[j] = e; sum += e; }
  const total = Math.log(R11) + Math.log(R22) + maxH + Math.log(sum);
  if (!gradient) return total;

  // ---- gradient (see the file comment) ----
  const { dEta1, dEta2, dL } = ws;
  for (let t = 0; t < m; t++) { dEta1[t] = 0; dEta2[t] = 0; }
  let E11 = 0, E21 = 0, E22 = 0, Gu1 = 0, Gu2 = 0, GR11 = 1 / R11, GR21 = 0, GR22 = 1 / R22;
  const inverseSum = 1 / sum;
  for (let a = 0, j = 0; a < q; a++) {
    const za = nodes[a] as number, v1 = armV1[a] as number;
    for (let b = 0; b < q; b++, j++) {
      const pi = (h[j] as number) * inverseSum;
      const v2 = nodeV2[j] as number;
      let S1 = 0, S2 = 0;
      for (let t = 0; t < m; t++) {
        const d1 = armD1[t * q + a] as number, d2 = nodeD2[t * grid + j] as number;
        S1 += d1; S2 += d2;
        dEta1[t] = (dEta1[t] as number) + pi * d1;
        dEta2[t] = (dEta2[t] as number) + pi * d2;
      }
      E11 += pi * S1 * v1; E21 += pi * S2 * v1; E22 += pi * S2 * v2;
      const gn1 = pi * (L11 * S1 + L21 * S2 - v1), gn2 = pi * (L22 * S2 - v2);
      Gu1 += gn1; Gu2 += gn2;
      GR11 += gn1 * za; GR21 += gn2 * za; GR22 += gn2 * (nodes[b] as number);
    }
  }
  const c = ws.context;
  c.A11 = A11; c.A12 = A12; c.A22 = A22; c.R11 = R11; c.R21 = R21; c.R22 = R22; c.L11 = L11; c.L21 = L21; c.L22 = L22;
  c.W1 = W1; c.W2 = W2; c.SWd1 = SWd1; c.SWd2 = SWd2; c.Gu1 = Gu1; c.Gu2 = Gu2; c.GR11 = GR11; c.GR21 = GR21; c.GR22 = GR22;
  for (let t = 0; t < m; t++) {
    const W1t = w1[t] as number, W2t = w2[t] as number;
    dEta1[t] = direction(c, -L11 * W1t, 0, wd1[t] as number, 0, 0, 0, 0, dEta1[t] as number);
    dEta2[t] = direction(c, -L21 * W2t, -L22 * W2t, 0, wd2[t] as number, 0, 0, 0, dEta2[t] as number);
  }
  dL[0] = direction(c, D1 - L11 * W1 * u1, 0, SWd1 * u1, 0, 1, 0, 0, E11);
  dL[1] = direction(c, D2 - L21 * W2 * u1, -L22 * W2 * u1, 0, SWd2 * u1, 0, 1, 0, E21);
  dL[2] = direction(c, -L21 * W2 * u2, D2 - L22 * W2 * u2, 0, SWd2 * u2, 0, 0, 1, E22);
  return total;
}

/**
 * `clusterLogIntegral` for a cluster of one table (m = 1), as the nested likelihood calls it for
 * every table at every outer node: the same operations in the same order (so the same bits: the
 * tests compare the two with Object.is), without the loops over tables and their array reads.
 * Counts y1/n1 (sensitivity arm) and y2/n2 (specificity arm); η = (eta1, eta2); the mode is
 * warm-started from modes[0..1] and written back there; with `gradient`, fills ws.dEta1[0],
 * ws.dEta2[0] and ws.dL.
 */
export function tableLogIntegral(
  ws: ClusterWorkspace,
  y1: number,
  n1: number,
  y2: number,
  n2: number,
  eta1: number,
  eta2: number,
  L11: number,
  L21: number,
  L22: number,
  modes: Float64Array,
  gradient: boolean,
): number {
  const { q, nodes, nodeLogScale, armV1, armLog1, armD1, nodeD2, nodeV2, h } = ws;
  let u1 = modes[0] as number, u2 = modes[1] as number;
  if (!(Math.abs(u1) < 1e3 && Math.abs(u2) < 1e3)) { u1 = 0; u2 = 0; }
  for (let iteration = 0; iteration < 200; iteration++) {
    let D1 = 0, D2 = 0, W1 = 0, W2 = 0;
    const p1 = expit(eta1 + L11 * u1);
    const p2 = expit(eta2 + L21 * u1 + L22 * u2);
    D1 += y1 - n1 * p1;
    D2 += y2 - n2 * p2;
    W1 += n1 * p1 * (1 - p1);
    W2 += n2 * p2 * (1 - p2);
    const g1 = L11 * D1 + L21 * D2 - u1, g2 = L22 * D2 - u2;
    const H11 = 1 + L11 * L11 * W1 + L21 * L21 * W2, H12 = L21 * L22 * W2, H22 = 1 + L22 * L22 * W2;
    const det = H11 * H22 - H12 * H12;
    let s1 = (H22 * g1 - H12 * g2) / det, s2 = (H11 * g2 - H12 * g1) / det;
    const size = Math.abs(s1) + Math.abs(s2);
    if (!(size > 0)) break;
    if (size < 1e-9) {
      u1 += s1; u2 += s2;
      break;
    }
    if (size > 0.5) {
      const current = -0.5 * (u1 * u1 + u2 * u2) + kernel(y1, n1, eta1 + L11 * u1) + kernel(y2, n2, eta2 + L21 * u1 + L22 * u2);
      for (let halving = 0; halving < 60; halving++) {
        const t1 = u1 + s1, t2 = u2 + s2;
        if (-0.5 * (t1 * t1 + t2 * t2) + kernel(y1, n1, eta1 + L11 * t1) + kernel(y2, n2, eta2 + L21 * t1 + L22 * t2) >= current) break;
        s1 *= 0.5; s2 *= 0.5;
      }
    }
    u1 += s1; u2 += s2;
  }
  modes[0] = u1; modes[1] = u2;
  let D1 = 0, D2 = 0, W1 = 0, W2 = 0, SWd1 = 0, SWd2 = 0;
  const p1 = expit(eta1 + L11 * u1);
  const p2 = expit(eta2 + L21 * u1 + L22 * u2);
  const W1t = n1 * p1 * (1 - p1), W2t = n2 * p2 * (1 - p2);
  D1 += y1 - n1 * p1;
  D2 += y2 - n2 * p2;
  W1 += W1t;
  W2 += W2t;
  const wd1 = W1t * (1 - 2 * p1), wd2 = W2t * (1 - 2 * p2);
  if (gradient) { SWd1 += wd1; SWd2 += wd2; }
  const H11 = 1 + L11 * L11 * W1 + L21 * L21 * W2, H12 = L21 * L22 * W2, H22 = 1 + L22 * L22 * W2;
  const det = H11 * H22 - H12 * H12;
  const A11 = H22 / det, A12 = -H12 / det, A22 = H11 / det;
  const R11 = Math.sqrt(A11), R21 = A12 / R11, R22 = 1 / Math.sqrt(H22);

  for (let a = 0; a < q; a++) {
    const v1 = u1 + R11 * (nodes[a] as number);
    armV1[a] = v1;
    let value = (nodeLogScale[a] as number) - 0.5 * v1 * v1;
    const xi = eta1 + L11 * v1;
    const e = Math.exp(-Math.abs(xi));
    value += y1 * xi - n1 * (Math.max(xi, 0) + Math.log1p(e));
    if (gradient) armD1[a] = y1 - n1 * (xi >= 0 ? 1 / (1 + e) : e / (1 + e));
    armLog1[a] = value;
  }
  let maxH = -Infinity;
  const grid = q * q;
  for (let a = 0, j = 0; a < q; a++) {
    const za = nodes[a] as number, v1 = armV1[a] as number, base = armLog1[a] as number;
    const shift = eta2 + L21 * v1;
    for (let b = 0; b < q; b++, j++) {
      const v2 = u2 + R21 * za + R22 * (nodes[b] as number);
      let value = base + (nodeLogScale[b] as number) - 0.5 * v2 * v2;
      const xi = shift + L22 * v2;
      const e = Math.exp(-Math.abs(xi));
      value += y2 * xi - n2 * (Math.max(xi, 0) + Math.log1p(e));
      if (gradient) nodeD2[j] = y2 - n2 * (xi >= 0 ? 1 / (1 + e) : e / (1 + e));
      h[j] = value;
      nodeV2[j] = v2;
      if (value > maxH) maxH = value;
    }
  }
  let sum = 0;
  for (let j = 0; j < grid; j++) { const e = Math.exp((h[j] as number) - maxH); h[j] = e; sum += e; }
  const total = Math.log(R11) + Math.log(R22) + maxH + Math.log(sum);
  if (!gradient) return total;

  const { dEta1, dEta2, dL } = ws;
  let G1 = 0, G2 = 0;
  let E11 = 0, E21 = 0, E22 = 0, Gu1 = 0, Gu2 = 0, GR11 = 1 / R11, GR21 = 0, GR22 = 1 / R22;
  const inverseSum = 1 / sum;
  for (let a = 0, j = 0; a < q; a++) {
    const za = nodes[a] as number, v1 = armV1[a] as number, d1 = armD1[a] as number;
    for (let b = 0; b < q; b++, j++) {
      const pi = (h[j] as number) * inverseSum;
      const v2 = nodeV2[j] as number;
      const d2 = nodeD2[j] as number;
      let S1 = 0, S2 = 0;
      S1 += d1; S2 += d2;
      G1 += pi * d1;
      G2 += pi * d2;
      E11 += pi * S1 * v1; E21 += pi * S2 * v1; E22 += pi * S2 * v2;
      const gn1 = pi * (L11 * S1 + L21 * S2 - v1), gn2 = pi * (L22 * S2 - v2);
      Gu1 += gn1; Gu2 += gn2;
      GR11 += gn1 * za; GR21 += gn2 * za; GR22 += gn2 * (nodes[b] as number);
    }
  }
  const c = ws.context;
  c.A11 = A11; c.A12 = A12; c.A22 = A22; c.R11 = R11; c.R21 = R21; c.R22 = R22; c.L11 = L11; c.L21 = L21; c.L22 = L22;
  c.W1 = W1; c.W2 = W2; c.SWd1 = SWd1; c.SWd2 = SWd2; c.Gu1 = Gu1; c.Gu2 = Gu2; c.GR11 = GR11; c.GR21 = GR21; c.GR22 = GR22;
  dEta1[0] = direction(c, -L11 * W1t, 0, wd1, 0, 0, 0, 0, G1);
  dEta2[0] = direction(c, -L21 * W2t, -L22 * W2t, 0, wd2, 0, 0, 0, G2);
  dL[0] = direction(c, D1 - L11 * W1 * u1, 0, SWd1 * u1, 0, 1, 0, 0, E11);
  dL[1] = direction(c, D2 - L21 * W2 * u1, -L22 * W2 * u1, 0, SWd2 * u1, 0, 1, 0, E21);
  dL[2] = direction(c, -L21 * W2 * u2, D2 - L22 * W2 * u2, 0, SWd2 * u2, 0, 0, 1, E22);
  return total;
}
