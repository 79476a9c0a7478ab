/**
 * Marginal log-likelihood of the bivariate binomial GLMM by adaptive Gauss–Hermite quadrature
 * (AGHQ), with its exact analytic gradient.
 *
 * Model (Chu & Cole 2006, doi:10.1016/j.jclinepi.2006.06.011; Reitsma et al. 2005,
 * doi:10.1016/j.jclinepi.2005.02.022): for study i, arm s ∈ {sens, spec}
 *   y_is ~ Bin(n_is, expit(ξ_is)),  ξ_i = η_i + L u,  η_is = x_isᵀβ_s,  u ~ N2(0, I),
 * with Σ = L Lᵀ and L = [[L11, 0], [L21, L22]] (lme4's Cholesky parameterisation: reaches τ² = 0
 * and |ρ| = 1 without constraints). y = TP, n = TP + FN for sens; y = TN, n = TN + FP for spec.
 *
 * Per study, with g(u) = Σ_s [y_s ξ_s − n_s ln(1 + e^{ξ_s})] − ½|u|² (the log-integrand up to
 * constants), AGHQ (Liu & Pierce 1994, doi:10.1093/biomet/81.3.624; Pinheiro & Bates 1995,
 * doi:10.1080/10618600.1995.10474663) finds the mode û by Newton's method (g is strictly concave),
 * takes the curvature H = −∇²g(û) = I + Lᵀ W L (W = diag n_s p_s(1−p_s)) and the lower Cholesky
 * factor R of H⁻¹, and sums over the Q×Q tensor grid of normal GH nodes z_j (weights w_j):
 *   ln L_i ≈ ln C_i + ln|R| + ln Σ_j w_j exp(g(û + R z_j) + ½|z_j|²),   C_i = C(n_i1,y_i1)·C(n_i2,y_i2).
 * Q = 1 is the Laplace approximation (= lme4 glmer nAGQ = 1).
 *
 * Gradient: the total derivative of the approximation through û(θ) and R(θ):
 * dû/dθ = H⁻¹ ∂_θ∇g (implicit function theorem), dH involves W' = n p(1−p)(1−2p), and
 * dR follows from d(H⁻¹) = −H⁻¹ dH H⁻¹ and the 2×2 Cholesky derivative. It is exact for the
 * quadrature formula (checked against finite differences in the tests).
 *
 * Edge cases: an arm with n = 0 contributes nothing (y = n = 0 makes its terms vanish).
 *
 * Speed (the fit evaluates this ~30 times): mode searches are warm-started from the previous
 * evaluation (Float64Array workspace, no allocation per study); R is lower triangular, so the
 * sensitivity arm depends on the first node coordinate only (Q evaluations, not Q²), and
 * ξ_spec = offset_a + L22·R22·z_b lets e^{−|ξ|} be a product of 2Q precomputed exponentials;
 * no closures in the hot loop. The node grid orientation (lower Cholesky factor of H⁻¹, sens
 * first) matches the reference implementation, which matters at Q ≥ 2 (tensor grids are not
 * rotation invariant).
 */
import type { Counts } from './types.ts';
import { gaussHermiteNormal } from './gauss-hermite.ts';
import { logChoose } from './log-choose.ts';

export { logChoose } from './log-choose.ts';

/** Study data and design in flat typed arrays, built once per fit. */
export interface BivariateGlmmData {
  k: number;
  events: Float64Array; // [y_sens, y_spec] per study
  totals: Float64Array; // [n_sens, n_spec] per study
  /** row-major k × columnsSens design for logit sens, then k × columnsSpec for logit spec */
  designSens: Float64Array;
  designSpec: Float64Array;
  columnsSens: number;
  columnsSpec: number;
  /** Σ_i ln C_i */
  logChooseSum: number;
}

/** Flattens counts and design rows (sens arm: TP of TP + FN; spec arm: TN of TN + FP) and sums ln C. */
export function bivariateGlmmData(studies: Counts[], designSens: number[][], designSpec: number[][]): BivariateGlmmData {
  const k = studies.length;
  const events = new Float64Array(2 * k);
  const totals = new Float64Array(2 * k);
  let logChooseSum = 0;
  studies.forEach((s, i) => {
    events[2 * i] = s.tp;
    totals[2 * i] = s.tp + s.fn;
    events[2 * i + 1] = s.tn;
    totals[2 * i + 1] = s.tn + s.fp;
    logChooseSum += logChoose(s.tp + s.fn, s.tp) + logChoose(s.tn + s.fp, s.tn);
  });
  const columnsSens = designSens[0]?.length ?? 0;
  const columnsSpec = designSpec[0]?.length ?? 0;
  return {
    k, events, totals, columnsSens, columnsSpec, logChooseSum,
    designSens: Float64Array.from(designSens.flat()),
    designSpec: Float64Array.from(designSpec.flat()),
  };
}

/** θ = [β_sens (columnsSens), β_spec (columnsSpec), L11, L21, L22]. */
export interface BivariateGlmmLikelihood {
  parameterCount: number;
  /** −ln L(θ); writes ∂(−ln L)/∂θ into `gradient` when given. NaN/Infinity if not computable. */
  negativeLogLik(theta: ArrayLike<number>, gradient?: Float64Array): number;
  /** conditional modes L û_i (logit-scale study deviations) at θ, as [sens, spec] per study */
  conditionalModes(theta: ArrayLike<number>): Float64Array;
}

/** g(u) = Σ_s [y_s ξ_s − n_s ln(1 + e^{ξ_s})] − ½|u|², ξ = η + L u (module level: no closures in the hot loop). */
function logIntegrand(a: number, b: number, eta1: number, eta2: number, L11: number, L21: number, L22: number, y1: number, n1: number, y2: number, n2: number): number {
  const x1 = eta1 + L11 * a, x2 = eta2 + L21 * a + L22 * b;
  return y1 * x1 - n1 * (Math.max(x1, 0) + Math.log1p(Math.exp(-Math.abs(x1)))) +
    y2 * x2 - n2 * (Math.max(x2, 0) + Math.log1p(Math.exp(-Math.abs(x2)))) - 0.5 * (a * a + b * b);
}

export function createBivariateGlmmLikelihood(data: BivariateGlmmData, quadrature: number): BivariateGlmmLikelihood {
  const { k, events, totals, designSens, designSpec, columnsSens, columnsSpec } = data;
  const rule = gaussHermiteNormal(quadrature);
  const q = rule.size;
  const nodes = rule.nodes;
  // ln w_j + ½ z_j² per node (the ratio of the GH weight to the normal density)
  const nodeLogScale = rule.logWeights.map((lw, j) => lw + 0.5 * (nodes[j] as number) ** 2);
  const gridSize = q * q;
  const modes = new Float64Array(2 * k); // warm starts for û
  const h = new Float64Array(gridSize);
  const nodeD2 = new Float64Array(gridSize);
  const nodeV2 = new Float64Array(gridSize);
  const armD1 = new Float64Array(q); // arm 1 depends on the first node coordinate only
  const armV1 = new Float64Array(q);
  const armLog1 = new Float64Array(q);
  const expPlus = new Float64Array(q);
  const expMinus = new Float64Array(q);
  const maxNode = Math.abs(nodes[q - 1] as number);
  const parameterCount = columnsSens + columnsSpec + 3;

  const negativeLogLik = (theta: ArrayLike<number>, gradient?: Float64Array): number => {
    const L11 = theta[parameterCount - 3] as number;
    const L21 = theta[parameterCount - 2] as number;
    const L22 = theta[parameterCount - 1] as number;
    if (gradient) gradient.fill(0);
    let total = data.logChooseSum;
    let gL11 = 0, gL21 = 0, gL22 = 0;
    for (let i = 0; i < k; i++) {
      let eta1 = 0, eta2 = 0;
      for (let c = 0; c < columnsSens; c++) eta1 += (designSens[i * columnsSens + c] as number) * (theta[c] as number);
      for (let c = 0; c < columnsSpec; c++) eta2 += (designSpec[i * columnsSpec + c] as number) * (theta[columnsSens + c] as number);
      const y1 = events[2 * i] as number, n1 = totals[2 * i] as number;
      const y2 = events[2 * i + 1] as number, n2 = totals[2 * i + 1] as number;
      // ---- Newton search of the mode û (g strictly concave: H ⪰ I); warm start ----
      let u1 = modes[2 * i] as number, u2 = modes[2 * i + 1] as number;
      if (!(Math.abs(u1) < 1e3 && Math.abs(u2) < 1e3)) { u1 = 0; u2 = 0; }
      let p1 = 0, p2 = 0, finishing = false;
      for (let iteration = 0; iteration < 200; iteration++) {
        const xi1 = eta1 + L11 * u1, xi2 = eta2 + L21 * u1 + L22 * u2;
        const e1 = Math.exp(-Math.abs(xi1)), e2 = Math.exp(-Math.abs(xi2));
        p1 = xi1 >= 0 ? 1 / (1 + e1) : e1 / (1 + e1);
        p2 = xi2 >= 0 ? 1 / (1 + e2) : e2 / (1 + e2);
        const d1 = y1 - n1 * p1, d2 = y2 - n2 * p2;
        const W1 = n1 * p1 * (1 - p1), W2 = n2 * p2 * (1 - p2);
        const g1 = L11 * d1 + L21 * d2 - u1, g2 = L22 * d2 - u2;
        const H11 = 1 + L11 * L11 * W1 + L21 * L21 * W2, H12 = L21 * L22 * W2, H22 = 1 + L22 * L22 * W2;
        const det = H11 * H22 - H12 * H12;
        let s1 = (H22 * g1 - H12 * g2) / det, s2 = (H11 * g2 - H12 * g1) / det;
        const size = Math.abs(s1) + Math.abs(s2);
        if (finishing || size === 0) break;
        if (size < 1e-9) {
          // converged (quadratically): take the last step, then one more pass refreshes p at û
          u1 += s1; u2 += s2;
          finishing = true;
          continue;
        }
        if (size > 0.5) {
          // large step: backtrack on the log-integrand (rare with warm starts)
          const current = logIntegrand(u1, u2, eta1, eta2, L11, L21, L22, y1, n1, y2, n2);
          for (let halving = 0; halving < 60; halving++) {
            if (logIntegrand(u1 + s1, u2 + s2, eta1, eta2, L11, L21, L22, y1, n1, y2, n2) >= current) break;
            s1 *= 0.5; s2 *= 0.5;
          }
        }
        u1 += s1; u2 += s2;
        if (iteration === 199) { const xi1b = eta1 + L11 * u1, xi2b = eta2 + L21 * u1 + L22 * u2; p1 = 1 / (1 + Math.exp(-xi1b)); p2 = 1 / (1 + Math.exp(-xi2b)); }
      }
      modes[2 * i] = u1; modes[2 * i + 1] = u2;
      const d1m = y1 - n1 * p1, d2m = y2 - n2 * p2;
      const W1 = n1 * p1 * (1 - p1), W2 = n2 * p2 * (1 - p2);
      const H11 = 1 + L11 * L11 * W1 + L21 * L21 * W2, H12 = L21 * L22 * W2, H22 = 1 + L22 * L22 * W2;
      const det = H11 * H22 - H12 * H12;
      const A11 = H22 / det, A12 = -H12 / det, A22 = H11 / det;
      const R11 = Math.sqrt(A11), R21 = A12 / R11, R22 = 1 / Math.sqrt(H22);
      // ---- quadrature over the Q×Q grid: v = û + R z, ξ = η + L v ----
      for (let a = 0; a < q; a++) {
        const v1 = u1 + R11 * (nodes[a] as number);
        const xi1 = eta1 + L11 * v1, e1 = Math.exp(-Math.abs(xi1));
        armV1[a] = v1;
        armLog1[a] = (nodeLogScale[a] as number) - 0.5 * v1 * v1 + y1 * xi1 - n1 * (Math.max(xi1, 0) + Math.log1p(e1));
        armD1[a] = y1 - n1 * (xi1 >= 0 ? 1 / (1 + e1) : e1 / (1 + e1));
      }
      // arm 2: ξ2 = offset_a + c z_b, so e^{−|ξ2|} = e^{∓offset_a}·e^{∓c z_b} (2Q exponentials instead of Q²)
      const slope = L22 * R22;
      const factorized = q > 1 && Math.abs(slope) * maxNode < 300;
      if (factorized) {
        for (let b = 0; b < q; b++) {
          expPlus[b] = Math.exp(slope * (nodes[b] as number));
          expMinus[b] = 1 / (expPlus[b] as number);
        }
      }
      let maxH = -Infinity;
      for (let a = 0, j = 0; a < q; a++) {
        const za = nodes[a] as number, base = armLog1[a] as number, v1 = armV1[a] as number;
        const offset = eta2 + L21 * v1 + L22 * (u2 + R21 * za);
        const useFactors = factorized && Math.abs(offset) < 300;
        const offsetPlus = useFactors ? Math.exp(offset) : 0, offsetMinus = useFactors ? 1 / offsetPlus : 0;
        for (let b = 0; b < q; b++, j++) {
          const zb = nodes[b] as number;
          const v2 = u2 + R21 * za + R22 * zb;
          const xi2 = offset + slope * zb;
          const e2 = useFactors
            ? xi2 >= 0 ? offsetMinus * (expMinus[b] as number) : offsetPlus * (expPlus[b] as number)
            : Math.exp(-Math.abs(xi2));
          const value = base + (nodeLogScale[b] as number) - 0.5 * v2 * v2 + y2 * xi2 - n2 * (Math.max(xi2, 0) + Math.log1p(e2));
          h[j] = value;
          if (value > maxH) maxH = value;
          nodeD2[j] = y2 - n2 * (xi2 >= 0 ? 1 / (1 + e2) : e2 / (1 + e2));
          nodeV2[j] = v2;
        }
      }
      let sum = 0;
      for (let j = 0; j < gridSize; j++) { const e = Math.exp((h[j] as number) - maxH); h[j] = e; sum += e; }
      total += Math.log(R11) + Math.log(R22) + maxH + Math.log(sum);
      if (!gradient) continue;
      // ---- gradient of ln L_i (see the file comment) ----
      let Gd1 = 0, Gd2 = 0, E11 = 0, E21 = 0, E22 = 0, Gu1 = 0, Gu2 = 0, GR11 = 1 / R11, GR21 = 0, GR22 = 1 / R22;
      const inverseSum = 1 / sum;
      for (let a = 0, j = 0; a < q; a++) {
        const za = nodes[a] as number, nd1 = armD1[a] as number, v1 = armV1[a] as number;
        for (let b = 0; b < q; b++, j++) {
          const pi = (h[j] as number) * inverseSum;
          const nd2 = nodeD2[j] as number, v2 = nodeV2[j] as number;
          Gd1 += pi * nd1; Gd2 += pi * nd2;
          E11 += pi * nd1 * v1; E21 += pi * nd2 * v1; E22 += pi * nd2 * v2;
          const gn1 = pi * (L11 * nd1 + L21 * nd2 - v1), gn2 = pi * (L22 * nd2 - v2);
          Gu1 += gn1; Gu2 += gn2;
          GR11 += gn1 * za; GR21 += gn2 * za; GR22 += gn2 * (nodes[b] as number);
        }
      }
      const Wd1 = W1 * (1 - 2 * p1), Wd2 = W2 * (1 - 2 * p2);
      // for each direction θ: r = ∂_θ∇g and x = ∂_θξ at fixed u, l = ∂_θL; returns d ln L_i / dθ
      let dEta1 = 0, dEta2 = 0;
      for (let direction = 0; direction < 5; direction++) {
        let r1 = 0, r2 = 0, x1 = 0, x2 = 0, l11 = 0, l21 = 0, l22 = 0, explicit = 0;
        switch (direction) {
          case 0: r1 = -L11 * W1; x1 = 1; explicit = Gd1; break;
          case 1: r1 = -L21 * W2; r2 = -L22 * W2; x2 = 1; explicit = Gd2; break;
          case 2: r1 = d1m - L11 * W1 * u1; x1 = u1; l11 = 1; explicit = E11; break;
          case 3: r1 = d2m - L21 * W2 * u1; r2 = -L22 * W2 * u1; x2 = u1; l21 = 1; explicit = E21; break;
          default: r1 = -L21 * W2 * u2; r2 = d2m - L22 * W2 * u2; x2 = u2; l22 = 1; explicit = E22;
        }
        const du1 = A11 * r1 + A12 * r2, du2 = A12 * r1 + A22 * r2;
        const dW1 = Wd1 * (x1 + L11 * du1), dW2 = Wd2 * (x2 + L21 * du1 + L22 * du2);
        const dH11 = 2 * L11 * l11 * W1 + L11 * L11 * dW1 + 2 * L21 * l21 * W2 + L21 * L21 * dW2;
        const dH12 = (l21 * L22 + L21 * l22) * W2 + L21 * L22 * dW2;
        const dH22 = 2 * L22 * l22 * W2 + L22 * L22 * dW2;
        const B11 = A11 * dH11 + A12 * dH12, B12 = A11 * dH12 + A12 * dH22;
        const B21 = A12 * dH11 + A22 * dH12, B22 = A12 * dH12 + A22 * dH22;
        const dA11 = -(B11 * A11 + B12 * A12), dA12 = -(B11 * A12 + B12 * A22), dA22 = -(B21 * A12 + B22 * A22);
        const dR11 = dA11 / (2 * R11);
        const dR21 = (dA12 - R21 * dR11) / R11;
        const dR22 = (dA22 - 2 * R21 * dR21) / (2 * R22);
        const totalDerivative = explicit + Gu1 * du1 + Gu2 * du2 + GR11 * dR11 + GR21 * dR21 + GR22 * dR22;
        if (direction === 0) dEta1 = totalDerivative;
        else if (direction === 1) dEta2 = totalDerivative;
        else if (direction === 2) gL11 += totalDerivative;
        else if (direction === 3) gL21 += totalDerivative;
        else gL22 += totalDerivative;
      }
      for (let c = 0; c < columnsSens; c++) gradient[c] = (gradient[c] as number) - (designSens[i * columnsSens + c] as number) * dEta1;
      for (let c = 0; c < columnsSpec; c++) {
        gradient[columnsSens + c] = (gradient[columnsSens + c] as number) - (designSpec[i * columnsSpec + c] as number) * dEta2;
      }
    }
    if (gradient) {
      gradient[parameterCount - 3] = -gL11;
      gradient[parameterCount - 2] = -gL21;
      gradient[parameterCount - 1] = -gL22;
    }
    return Number.isFinite(total) ? -total : Infinity;
  };

  const conditionalModes = (theta: ArrayLike<number>): Float64Array => {
    negativeLogLik(theta);
    const L11 = theta[parameterCount - 3] as number, L21 = theta[parameterCount - 2] as number, L22 = theta[parameterCount - 1] as number;
    const out = new Float64Array(2 * k);
    for (let i = 0; i < k; i++) {
      const u1 = modes[2 * i] as number, u2 = modes[2 * i + 1] as number;
      out[2 * i] = L11 * u1;
      out[2 * i + 1] = L21 * u1 + L22 * u2;
    }
    return out;
  };

  return { parameterCount, negativeLogLik, conditionalModes };
}
