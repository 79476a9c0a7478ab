/**
 * Marginal log-likelihood of the bivariate binomial GLMM with study-level and table-within-study
 * random effects ("nested" grouping): glmer's
 *   cbind(y, n − y) ~ 0 + sens + spec + (0 + sens + spec | study) + (0 + sens + spec | study:table)
 * on arm-level long data. For study s with tables t = 1..m_s,
 *   ξ_st = η_st + L_S u_s + L_T v_st,  u_s, v_st ~ N2(0, I) independent,
 *   Σ_study = L_S L_Sᵀ, Σ_table = L_T L_Tᵀ (lower Cholesky factors, as lme4 parameterises them),
 *   L_s = ∫ φ2(u) Π_t I_t(u) du,   I_t(u) = ∫ φ2(v) Bin(y_st1 | ·) Bin(y_st2 | ·) dv.
 * θ = [β_sens, β_spec, LS11, LS21, LS22, LT11, LT21, LT22].
 *
 * Integration (nested adaptive Gauss–Hermite quadrature, Q points per dimension at both levels;
 * cf. Rabe-Hesketh, Skrondal & Pickles 2005, doi:10.1016/j.jeconom.2004.08.017):
 * 1. the joint mode b̂ = (û, v̂_1..v̂_m) of G(b) = Σ_t ln Bin(·) − ½|b|² (strictly concave; Newton
 *    with the block-arrow Hessian H = I + Aᵀ W A solved through its 2×2 blocks);
 * 2. outer nodes u_j = û + R_S z_j, R_S the lower Cholesky factor of S⁻¹ = (H⁻¹)_uu, S the Schur
 *    complement H_uu − Σ_t H_ut H_tt⁻¹ H_tu (the curvature of G profiled over the table effects);
 * 3. at each outer node, each I_t(u_j) by 2-D AGHQ around its own conditional mode
 *    (`glmm-cluster-quadrature.ts` with one table and η shifted by L_S u_j);
 *   ln L_s ≈ ln|R_S| + ln Σ_j w_j exp(½|z_j|² − ½|u_j|² + Σ_t ln I_t(u_j)).
 * With Q = 1 this is exactly the Laplace approximation of the joint (2 + 2m)-dimensional integral
 * (the inner mode at û is v̂_t and det H = det S · Π_t det H_tt), i.e. what glmer computes.
 *
 * Gradient: exact for the formula. Through the inner integrals (their gradient in η and L_T,
 * `glmm-cluster-quadrature.ts`), the outer nodes u_j(θ) = û(θ) + R_S(θ) z_j with
 * dû = (H⁻¹ ∂_θ∇G)_u (block-arrow solve), dS from dH (which involves W′ = W(1 − 2p) through
 * db̂), d(S⁻¹) = −S⁻¹ dS S⁻¹ and the 2×2 Cholesky derivative. Cost per evaluation with gradient
 * O(Σ_s m_s·Q⁴).
 *
 * Edge cases: arms with n = 0 contribute nothing; a study with one table is allowed (its study
 * and table effects are only separated through the other studies); Σ_table = 0 reduces the
 * model to the shared one, Σ_study = 0 to independent tables.
 */
import type { BivariateGlmmData } from './glmm-likelihood.ts';
import { gaussHermiteNormal } from './gauss-hermite.ts';
import { clusterWorkspace, tableLogIntegral } from './glmm-cluster-quadrature.ts';
import { orderedCounts, type ClusterIndex } from './glmm-grouped-likelihood.ts';

export interface NestedGlmmLikelihood {
  parameterCount: number;
  /** −ln L(θ); writes ∂(−ln L)/∂θ into `gradient` when given. Infinity if not computable. */
  negativeLogLik(theta: ArrayLike<number>, gradient?: Float64Array): number;
  /** conditional modes at θ, per table [sens, spec]: the study part L_S û and the table part L_T v̂ */
  conditionalModes(theta: ArrayLike<number>): { study: Float64Array; table: Float64Array };
}

function expit(xi: number): number {
  const e = Math.exp(-Math.abs(xi));
  return xi >= 0 ? 1 / (1 + e) : e / (1 + e);
}

function kernel(y: number, n: number, xi: number): number {
  return y * xi - n * (Math.max(xi, 0) + Math.log1p(Math.exp(-Math.abs(xi))));
}

export function createNestedGlmmLikelihood(data: BivariateGlmmData, clusters: ClusterIndex, quadrature: number): NestedGlmmLikelihood {
  const { designSens, designSpec, columnsSens, columnsSpec } = data;
  const k = data.k;
  if (clusters.order.length !== k) throw new RangeError(`nested GLMM likelihood: ${clusters.order.length} cluster entries for ${k} tables`);
  const rule = gaussHermiteNormal(quadrature);
  const q = rule.size, grid = q * q;
  const nodes = rule.nodes;
  const nodeLogScale = rule.logWeights.map((lw, j) => lw + 0.5 * (nodes[j] as number) ** 2);
  const ws = clusterWorkspace(rule, 1);
  const counts = orderedCounts(data, clusters);
  const { y1, n1, y2, n2 } = counts;
  const cS = columnsSens, cP = columnsSpec, nb = cS + cP;
  const parameterCount = nb + 6;
  const largest = clusters.largest;
  // joint modes: û per study, v̂ per table (cluster order); warm starts
  const studyModes = new Float64Array(2 * clusters.count);
  const tableModes = new Float64Array(2 * k);
  // per table of the current study (cluster order position t)
  const eta1 = new Float64Array(largest), eta2 = new Float64Array(largest);
  const d1 = new Float64Array(largest), d2 = new Float64Array(largest);
  const w1 = new Float64Array(largest), w2 = new Float64Array(largest);
  const wd1 = new Float64Array(largest), wd2 = new Float64Array(largest);
  const hinv = new Float64Array(3 * largest); // H_tt⁻¹ (a, b, c) = [[a, b], [b, c]]
  const hut = new Float64Array(4 * largest); // H_ut (11, 12, 21, 22)
  const mt = new Float64Array(4 * largest); // M_t = H_ut H_tt⁻¹
  const gt = new Float64Array(2 * largest);
  // outer-node storage: inner gradients per node × table, Γ sums per node
  const G1 = new Float64Array(grid * largest), G2 = new Float64Array(grid * largest);
  const gammaSum = new Float64Array(3 * grid);
  const F = new Float64Array(grid);
  const U1 = new Float64Array(grid), U2 = new Float64Array(grid);
  const innerMode = new Float64Array(2);
  const EG1 = new Float64Array(largest), EG2 = new Float64Array(largest);

  /** G(b) for backtracking: tables start..start+m−1 (cluster order), b = (u, v_t). */
  const jointValue = (start: number, m: number, LS: number[], LT: number[], u1: number, u2: number, v: Float64Array): number => {
    let value = -0.5 * (u1 * u1 + u2 * u2);
    for (let t = 0; t < m; t++) {
      const va = v[2 * t] as number, vb = v[2 * t + 1] as number;
      const x1 = (eta1[t] as number) + (LS[0] as number) * u1 + (LT[0] as number) * va;
      const x2 = (eta2[t] as number) + (LS[1] as number) * u1 + (LS[2] as number) * u2 + (LT[1] as number) * va + (LT[2] as number) * vb;
      value += kernel(y1[start + t] as number, n1[start + t] as number, x1) + kernel(y2[start + t] as number, n2[start + t] as number, x2) - 0.5 * (va * va + vb * vb);
    }
    return value;
  };
  const trial = new Float64Array(2 * largest);
  const step = new Float64Array(2 * largest);

  const negativeLogLik = (theta: ArrayLike<number>, gradient?: Float64Array): number => {
    const LS = [theta[nb] as number, theta[nb + 1] as number, theta[nb + 2] as number];
    const LT = [theta[nb + 3] as number, theta[nb + 4] as number, theta[nb + 5] as number];
    const [LS11, LS21, LS22] = LS as [number, number, number];
    const [LT11, LT21, LT22] = LT as [number, number, number];
    if (gradient) gradient.fill(0);
    let total = data.logChooseSum;
    for (let c = 0; c < clusters.count; c++) {
      const start = clusters.starts[c] as number, m = (clusters.starts[c + 1] as number) - start;
      for (let t = 0; t < m; t++) {
        const table = clusters.order[start + t] as number;
        let a = 0, b = 0;
        for (let j = 0; j < cS; j++) a += (designSens[table * cS + j] as number) * (theta[j] as number);
        for (let j = 0; j < cP; j++) b += (designSpec[table * cP + j] as number) * (theta[cS + j] as number);
        eta1[t] = a;
        eta2[t] = b;
      }
      // ---- 1. joint mode (Newton, block-arrow solve) ----
      let u1 = studyModes[2 * c] as number, u2 = studyModes[2 * c + 1] as number;
      const v = tableModes.subarray(2 * start, 2 * (start + m));
      if (!(Math.abs(u1) < 1e3 && Math.abs(u2) < 1e3) || !v.every((x) => Math.abs(x) < 1e3)) { u1 = 0; u2 = 0; v.fill(0); }
      let V11 = 1, V12 = 0, V22 = 1; // S⁻¹
      let S22 = 1;
      for (let iteration = 0; iteration <= 200; iteration++) {
        // d, W, blocks at the current b
        let D1 = 0, D2 = 0, W1 = 0, W2 = 0;
        for (let t = 0; t < m; t++) {
          const va = v[2 * t] as number, vb = v[2 * t + 1] as number;
          const p1 = expit((eta1[t] as number) + LS11 * u1 + LT11 * va);
          const p2 = expit((eta2[t] as number) + LS21 * u1 + LS22 * u2 + LT21 * va + LT22 * vb);
          const nn1 = n1[start + t] as number, nn2 = n2[start + t] as number;
          const dd1 = (y1[start + t] as number) - nn1 * p1, dd2 = (y2[start + t] as number) - nn2 * p2;
          const ww1 = nn1 * p1 * (1 - p1), ww2 = nn2 * p2 * (1 - p2);
          d1[t] = dd1; d2[t] = dd2; w1[t] = ww1; w2[t] = ww2;
          wd1[t] = ww1 * (1 - 2 * p1); wd2[t] = ww2 * (1 - 2 * p2);
          D1 += dd1; D2 += dd2; W1 += ww1; W2 += ww2;
          // H_tt = I + LTᵀ W LT, its inverse; H_ut = LSᵀ W LT; M_t = H_ut H_tt⁻¹
          const h11 = 1 + LT11 * LT11 * ww1 + LT21 * LT21 * ww2, h12 = LT21 * LT22 * ww2, h22 = 1 + LT22 * LT22 * ww2;
          const det = h11 * h22 - h12 * h12;
          const ia = h22 / det, ib = -h12 / det, ic = h11 / det;
          hinv[3 * t] = ia; hinv[3 * t + 1] = ib; hinv[3 * t + 2] = ic;
          const b11 = LS11 * ww1 * LT11 + LS21 * ww2 * LT21, b12 = LS21 * ww2 * LT22, b21 = LS22 * ww2 * LT21, b22 = LS22 * ww2 * LT22;
          hut[4 * t] = b11; hut[4 * t + 1] = b12; hut[4 * t + 2] = b21; hut[4 * t + 3] = b22;
          mt[4 * t] = b11 * ia + b12 * ib; mt[4 * t + 1] = b11 * ib + b12 * ic;
          mt[4 * t + 2] = b21 * ia + b22 * ib; mt[4 * t + 3] = b21 * ib + b22 * ic;
          gt[2 * t] = LT11 * dd1 + LT21 * dd2 - va;
          gt[2 * t + 1] = LT22 * dd2 - vb;
        }
        // Schur complement S = H_uu − Σ M_t H_utᵀ and the right-hand side
        let s11 = 1 + LS11 * LS11 * W1 + LS21 * LS21 * W2, s12 = LS21 * LS22 * W2, s22 = 1 + LS22 * LS22 * W2;
        let r1 = LS11 * D1 + LS21 * D2 - u1, r2 = LS22 * D2 - u2;
        for (let t = 0; t < m; t++) {
          const m11 = mt[4 * t] as number, m12 = mt[4 * t + 1] as number, m21 = mt[4 * t + 2] as number, m22 = mt[4 * t + 3] as number;
          const b11 = hut[4 * t] as number, b12 = hut[4 * t + 1] as number, b21 = hut[4 * t + 2] as number, b22 = hut[4 * t + 3] as number;
          s11 -= m11 * b11 + m12 * b12;
          s12 -= m11 * b21 + m12 * b22;
          s22 -= m21 * b21 + m22 * b22;
          r1 -= m11 * (gt[2 * t] as number) + m12 * (gt[2 * t + 1] as number);
          r2 -= m21 * (gt[2 * t] as number) + m22 * (gt[2 * t + 1] as number);
        }
        const sdet = s11 * s22 - s12 * s12;
        V11 = s22 / sdet; V12 = -s12 / sdet; V22 = s11 / sdet; S22 = s22;
        if (iteration === 200) break;
        let du1 = V11 * r1 + V12 * r2, du2 = V12 * r1 + V22 * r2;
        let size = Math.abs(du1) + Math.abs(du2);
        for (let t = 0; t < m; t++) {
          const x1 = (gt[2 * t] as number) - ((hut[4 * t] as number) * du1 + (hut[4 * t + 2] as number) * du2);
          const x2 = (gt[2 * t + 1] as number) - ((hut[4 * t + 1] as number) * du1 + (hut[4 * t + 3] as number) * du2);
          const ia = hinv[3 * t] as number, ib = hinv[3 * t + 1] as number, ic = hinv[3 * t + 2] as number;
          step[2 * t] = ia * x1 + ib * x2;
          step[2 * t + 1] = ib * x1 + ic * x2;
          size += Math.abs(step[2 * t] as number) + Math.abs(step[2 * t + 1] as number);
        }
        if (!(size > 0) || !Number.isFinite(size)) break;
        if (size > 0.5) {
          const current = jointValue(start, m, LS, LT, u1, u2, v);
          for (let halving = 0; halving < 60; halving++) {
            for (let i = 0; i < 2 * m; i++) trial[i] = (v[i] as number) + (step[i] as number);
            if (jointValue(start, m, LS, LT, u1 + du1, u2 + du2, trial.subarray(0, 2 * m)) >= current) break;
            du1 *= 0.5; du2 *= 0.5;
            for (let i = 0; i < 2 * m; i++) step[i] = (step[i] as number) * 0.5;
          }
        }
        u1 += du1; u2 += du2;
        for (let i = 0; i < 2 * m; i++) v[i] = (v[i] as number) + (step[i] as number);
        // converged: one more pass refreshes d, W and the blocks at b̂ (then the loop ends below)
        if (size < 1e-10) iteration = 199;
      }
      studyModes[2 * c] = u1; studyModes[2 * c + 1] = u2;
      const RS11 = Math.sqrt(V11), RS21 = V12 / RS11, RS22 = 1 / Math.sqrt(S22);

      // ---- 2–3. outer nodes, inner AGHQ per table ----
      let maxF = -Infinity;
      for (let a = 0, j = 0; a < q; a++) {
        const za = nodes[a] as number;
        for (let b = 0; b < q; b++, j++) {
          const zb = nodes[b] as number;
          const uj1 = u1 + RS11 * za, uj2 = u2 + RS21 * za + RS22 * zb;
          U1[j] = uj1; U2[j] = uj2;
          const shift1 = LS11 * uj1, shift2 = LS21 * uj1 + LS22 * uj2;
          let value = (nodeLogScale[a] as number) + (nodeLogScale[b] as number) - 0.5 * (uj1 * uj1 + uj2 * uj2);
          let g0 = 0, g1 = 0, g2 = 0;
          for (let t = 0; t < m; t++) {
            innerMode[0] = v[2 * t] as number; innerMode[1] = v[2 * t + 1] as number;
            value += tableLogIntegral(ws, y1[start + t] as number, n1[start + t] as number, y2[start + t] as number, n2[start + t] as number,
              (eta1[t] as number) + shift1, (eta2[t] as number) + shift2, LT11, LT21, LT22, innerMode, !!gradient);
            if (gradient) {
              G1[j * largest + t] = ws.dEta1[0] as number;
              G2[j * largest + t] = ws.dEta2[0] as number;
              g0 += ws.dL[0] as number; g1 += ws.dL[1] as number; g2 += ws.dL[2] as number;
            }
          }
          if (gradient) { gammaSum[3 * j] = g0; gammaSum[3 * j + 1] = g1; gammaSum[3 * j + 2] = g2; }
          F[j] = value;
          if (value > maxF) maxF = value;
        }
      }
      let sum = 0;
      for (let j = 0; j < grid; j++) { const e = Math.exp((F[j] as number) - maxF); F[j] = e; sum += e; }
      total += Math.log(RS11) + Math.log(RS22) + maxF + Math.log(sum);
      if (!gradient) continue;

      // ---- gradient (see the file comment) ----
      let K1 = 0, K2 = 0, KZ11 = 1 / RS11, KZ21 = 0, KZ22 = 1 / RS22, GU11 = 0, GU21 = 0, GU22 = 0, EGa = 0, EGb = 0, EGc = 0;
      for (let t = 0; t < m; t++) { EG1[t] = 0; EG2[t] = 0; }
      const inverseSum = 1 / sum;
      for (let a = 0, j = 0; a < q; a++) {
        const za = nodes[a] as number;
        for (let b = 0; b < q; b++, j++) {
          const pi = (F[j] as number) * inverseSum;
          let GS1 = 0, GS2 = 0;
          for (let t = 0; t < m; t++) {
            const ga = G1[j * largest + t] as number, gb = G2[j * largest + t] as number;
            GS1 += ga; GS2 += gb;
            EG1[t] = (EG1[t] as number) + pi * ga;
            EG2[t] = (EG2[t] as number) + pi * gb;
          }
          const uj1 = U1[j] as number, uj2 = U2[j] as number;
          const k1 = LS11 * GS1 + LS21 * GS2 - uj1, k2 = LS22 * GS2 - uj2;
          K1 += pi * k1; K2 += pi * k2;
          KZ11 += pi * k1 * za; KZ21 += pi * k2 * za; KZ22 += pi * k2 * (nodes[b] as number);
          GU11 += pi * GS1 * uj1; GU21 += pi * GS2 * uj1; GU22 += pi * GS2 * uj2;
          EGa += pi * (gammaSum[3 * j] as number); EGb += pi * (gammaSum[3 * j + 1] as number); EGc += pi * (gammaSum[3 * j + 2] as number);
        }
      }
      let Dh1 = 0, Dh2 = 0;
      for (let t = 0; t < m; t++) { Dh1 += d1[t] as number; Dh2 += d2[t] as number; }
      // derivative along one direction: ∂η per table given by `etaSens`/`etaSpec` (x columns), ∂L_S, ∂L_T
      const along = (arm: 0 | 1 | 2, column: number, ls: readonly number[], lt: readonly number[], explicit: number): number => {
        const [ls11, ls21, ls22] = ls as [number, number, number];
        const [lt11, lt21, lt22] = lt as [number, number, number];
        // r = ∂_θ∇G at b̂ (fixed b)
        let dD1 = 0, dD2 = 0;
        for (let t = 0; t < m; t++) {
          const table = clusters.order[start + t] as number;
          const va = v[2 * t] as number, vb = v[2 * t + 1] as number;
          const x1 = (arm === 1 ? (designSens[table * cS + column] as number) : 0) + ls11 * u1 + lt11 * va;
          const x2 = (arm === 2 ? (designSpec[table * cP + column] as number) : 0) + ls21 * u1 + ls22 * u2 + lt21 * va + lt22 * vb;
          step[2 * t] = x1; step[2 * t + 1] = x2; // ∂ξ_t at fixed b
          const dd1 = -(w1[t] as number) * x1, dd2 = -(w2[t] as number) * x2;
          dD1 += dd1; dD2 += dd2;
          gt[2 * t] = lt11 * (d1[t] as number) + lt21 * (d2[t] as number) + LT11 * dd1 + LT21 * dd2;
          gt[2 * t + 1] = lt22 * (d2[t] as number) + LT22 * dd2;
        }
        let ru1 = ls11 * Dh1 + ls21 * Dh2 + LS11 * dD1 + LS21 * dD2, ru2 = ls22 * Dh2 + LS22 * dD2;
        for (let t = 0; t < m; t++) {
          ru1 -= (mt[4 * t] as number) * (gt[2 * t] as number) + (mt[4 * t + 1] as number) * (gt[2 * t + 1] as number);
          ru2 -= (mt[4 * t + 2] as number) * (gt[2 * t] as number) + (mt[4 * t + 3] as number) * (gt[2 * t + 1] as number);
        }
        const du1 = V11 * ru1 + V12 * ru2, du2 = V12 * ru1 + V22 * ru2;
        // dS = dH_uu − Σ_t (dH_ut M_tᵀ + M_t dH_utᵀ − M_t dH_tt M_tᵀ)
        let dS11 = 0, dS12 = 0, dS22 = 0;
        for (let t = 0; t < m; t++) {
          const ga = (gt[2 * t] as number) - ((hut[4 * t] as number) * du1 + (hut[4 * t + 2] as number) * du2);
          const gb = (gt[2 * t + 1] as number) - ((hut[4 * t + 1] as number) * du1 + (hut[4 * t + 3] as number) * du2);
          const ia = hinv[3 * t] as number, ib = hinv[3 * t + 1] as number, ic = hinv[3 * t + 2] as number;
          const dv1 = ia * ga + ib * gb, dv2 = ib * ga + ic * gb;
          const W1t = w1[t] as number, W2t = w2[t] as number;
          const dW1 = (wd1[t] as number) * ((step[2 * t] as number) + LS11 * du1 + LT11 * dv1);
          const dW2 = (wd2[t] as number) * ((step[2 * t + 1] as number) + LS21 * du1 + LS22 * du2 + LT21 * dv1 + LT22 * dv2);
          // f(A, W, B)_ab = Σ_s A_sa W_s B_sb for lower-triangular A, B
          // dH_uu(t) = f(∂LS, W, LS) + f(LS, W, ∂LS) + f(LS, dW, LS)
          const uu11 = 2 * (ls11 * W1t * LS11 + ls21 * W2t * LS21) + LS11 * dW1 * LS11 + LS21 * dW2 * LS21;
          const uu12 = ls21 * W2t * LS22 + LS21 * W2t * ls22 + LS21 * dW2 * LS22;
          const uu22 = 2 * ls22 * W2t * LS22 + LS22 * dW2 * LS22;
          // dH_ut = f(∂LS, W, LT) + f(LS, W, ∂LT) + f(LS, dW, LT)
          const ut11 = ls11 * W1t * LT11 + ls21 * W2t * LT21 + LS11 * W1t * lt11 + LS21 * W2t * lt21 + LS11 * dW1 * LT11 + LS21 * dW2 * LT21;
          const ut12 = ls21 * W2t * LT22 + LS21 * W2t * lt22 + LS21 * dW2 * LT22;
          const ut21 = ls22 * W2t * LT21 + LS22 * W2t * lt21 + LS22 * dW2 * LT21;
          const ut22 = ls22 * W2t * LT22 + LS22 * W2t * lt22 + LS22 * dW2 * LT22;
          // dH_tt = f(∂LT, W, LT) + f(LT, W, ∂LT) + f(LT, dW, LT)
          const tt11 = 2 * (lt11 * W1t * LT11 + lt21 * W2t * LT21) + LT11 * dW1 * LT11 + LT21 * dW2 * LT21;
          const tt12 = lt21 * W2t * LT22 + LT21 * W2t * lt22 + LT21 * dW2 * LT22;
          const tt22 = 2 * lt22 * W2t * LT22 + LT22 * dW2 * LT22;
          const m11 = mt[4 * t] as number, m12 = mt[4 * t + 1] as number, m21 = mt[4 * t + 2] as number, m22 = mt[4 * t + 3] as number;
          // X = dH_ut M_tᵀ (2×2), Y = M_t dH_tt M_tᵀ (symmetric)
          const X11 = ut11 * m11 + ut12 * m12, X12 = ut11 * m21 + ut12 * m22;
          const X21 = ut21 * m11 + ut22 * m12, X22 = ut21 * m21 + ut22 * m22;
          const P11 = m11 * tt11 + m12 * tt12, P12 = m11 * tt12 + m12 * tt22;
          const P21 = m21 * tt11 + m22 * tt12, P22 = m21 * tt12 + m22 * tt22;
          const Y11 = P11 * m11 + P12 * m12, Y12 = P11 * m21 + P12 * m22, Y22 = P21 * m21 + P22 * m22;
          dS11 += uu11 - 2 * X11 + Y11;
          dS12 += uu12 - (X12 + X21) + Y12;
          dS22 += uu22 - 2 * X22 + Y22;
        }
        // d(S⁻¹) = −S⁻¹ dS S⁻¹ and the Cholesky derivative of R_S
        const T11 = V11 * dS11 + V12 * dS12, T12 = V11 * dS12 + V12 * dS22;
        const T21 = V12 * dS11 + V22 * dS12, T22 = V12 * dS12 + V22 * dS22;
        const dV11 = -(T11 * V11 + T12 * V12), dV12 = -(T11 * V12 + T12 * V22), dV22 = -(T21 * V12 + T22 * V22);
        const dR11 = dV11 / (2 * RS11);
        const dR21 = (dV12 - RS21 * dR11) / RS11;
        const dR22 = (dV22 - 2 * RS21 * dR21) / (2 * RS22);
        return explicit + K1 * du1 + K2 * du2 + KZ11 * dR11 + KZ21 * dR21 + KZ22 * dR22;
      };
      const none = [0, 0, 0] as const;
      for (let column = 0; column < cS; column++) {
        let explicit = 0;
        for (let t = 0; t < m; t++) explicit += (EG1[t] as number) * (designSens[(clusters.order[start + t] as number) * cS + column] as number);
        gradient[column] = (gradient[column] as number) - along(1, column, none, none, explicit);
      }
      for (let column = 0; column < cP; column++) {
        let explicit = 0;
        for (let t = 0; t < m; t++) explicit += (EG2[t] as number) * (designSpec[(clusters.order[start + t] as number) * cP + column] as number);
        gradient[cS + column] = (gradient[cS + column] as number) - along(2, column, none, none, explicit);
      }
      gradient[nb] = (gradient[nb] as number) - along(0, 0, [1, 0, 0], none, GU11);
      gradient[nb + 1] = (gradient[nb + 1] as number) - along(0, 0, [0, 1, 0], none, GU21);
      gradient[nb + 2] = (gradient[nb + 2] as number) - along(0, 0, [0, 0, 1], none, GU22);
      gradient[nb + 3] = (gradient[nb + 3] as number) - along(0, 0, none, [1, 0, 0], EGa);
      gradient[nb + 4] = (gradient[nb + 4] as number) - along(0, 0, none, [0, 1, 0], EGb);
      gradient[nb + 5] = (gradient[nb + 5] as number) - along(0, 0, none, [0, 0, 1], EGc);
    }
    return Number.isFinite(total) ? -total : Infinity;
  };

  const conditionalModes = (theta: ArrayLike<number>): { study: Float64Array; table: Float64Array } => {
    negativeLogLik(theta);
    const [LS11, LS21, LS22, LT11, LT21, LT22] = [0, 1, 2, 3, 4, 5].map((i) => theta[nb + i] as number) as [number, number, number, number, number, number];
    const study = new Float64Array(2 * k), table = new Float64Array(2 * k);
    clusters.order.forEach((input, position) => {
      const c = clusters.of[input] as number;
      const u1 = studyModes[2 * c] as number, u2 = studyModes[2 * c + 1] as number;
      const va = tableModes[2 * position] as number, vb = tableModes[2 * position + 1] as number;
      study[2 * input] = LS11 * u1;
      study[2 * input + 1] = LS21 * u1 + LS22 * u2;
      table[2 * input] = LT11 * va;
      table[2 * input + 1] = LT21 * va + LT22 * vb;
    });
    return { study, table };
  };

  return { parameterCount, negativeLogLik, conditionalModes };
}
