/**
 * Marginal log-likelihood of the bivariate binomial GLMM when several 2x2 tables come from one
 * study and the tables of a study share one random-effect pair ("shared" grouping): glmer's
 * `cbind(y, n − y) ~ 0 + sens + spec + (0 + sens + spec | study)` on arm-level long data, Stata's
 * `meqrlogit … || study_id: sens spec, nocons cov(un)`.
 *
 *   y_ts1 ~ Bin(n_ts1, expit(x_ts1ᵀβ_sens + a_s)),  y_ts2 ~ Bin(n_ts2, expit(x_ts2ᵀβ_spec + b_s)),
 *   (a_s, b_s) = L u_s,  u_s ~ N2(0, I)  for study s and its tables t,
 *   ln L = Σ_s [Σ_t ln C_t + ln ∫ φ2(u) Π_t Bin(·) du],
 * each study's integral by 2-D adaptive Gauss–Hermite quadrature (`glmm-cluster-quadrature.ts`,
 * Q = 1 Laplace). With one table per study it is the likelihood of `glmm-likelihood.ts`
 * (independent tables). Same parameters θ = [β_sens, β_spec, L11, L21, L22] and interface, so
 * `fitBivariateGlmm` fits either.
 * References: Takwoingi et al., Cochrane Handbook for DTA Reviews (2023) ch. 10 (two tests
 * in one study), doi:10.1002/9781119756194.ch10; Chu & Cole 2006, doi:10.1016/j.jclinepi.2006.06.011.
 */
import type { BivariateGlmmData, BivariateGlmmLikelihood } from './glmm-likelihood.ts';
import { gaussHermiteNormal } from './gauss-hermite.ts';
import { clusterLogIntegral, clusterWorkspace } from './glmm-cluster-quadrature.ts';

/** Tables reordered by cluster: `order[starts[c] .. starts[c+1]−1]` are the tables of cluster c. */
export interface ClusterIndex {
  count: number;
  order: Int32Array;
  starts: Int32Array;
  /** cluster of each table (input order) */
  of: Int32Array;
  largest: number;
}

/** Groups tables by label (first appearance order). */
export function clusterIndex(groups: readonly (string | number)[]): ClusterIndex {
  const ids = new Map<string, number>();
  const of = new Int32Array(groups.length);
  groups.forEach((g, i) => {
    const key = String(g);
    if (!ids.has(key)) ids.set(key, ids.size);
    of[i] = ids.get(key)!;
  });
  const count = ids.size;
  const sizes = new Int32Array(count);
  for (const c of of) sizes[c] = (sizes[c] as number) + 1;
  const starts = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) starts[c + 1] = (starts[c] as number) + (sizes[c] as number);
  const fill = starts.slice(0, count);
  const order = new Int32Array(groups.length);
  of.forEach((c, i) => { order[fill[c]!] = i; fill[c] = (fill[c] as number) + 1; });
  return { count, order, starts, of, largest: sizes.reduce((m, s) => Math.max(m, s), 0) };
}

/** Counts of the tables in cluster order (sens arm y1/n1, spec arm y2/n2). */
export interface OrderedCounts {
  y1: Float64Array;
  n1: Float64Array;
  y2: Float64Array;
  n2: Float64Array;
}

export function orderedCounts(data: BivariateGlmmData, clusters: ClusterIndex): OrderedCounts {
  const k = data.k;
  const out = { y1: new Float64Array(k), n1: new Float64Array(k), y2: new Float64Array(k), n2: new Float64Array(k) };
  clusters.order.forEach((table, position) => {
    out.y1[position] = data.events[2 * table] as number;
    out.n1[position] = data.totals[2 * table] as number;
    out.y2[position] = data.events[2 * table + 1] as number;
    out.n2[position] = data.totals[2 * table + 1] as number;
  });
  return out;
}

export function createSharedGlmmLikelihood(data: BivariateGlmmData, clusters: ClusterIndex, quadrature: number): BivariateGlmmLikelihood {
  const { designSens, designSpec, columnsSens, columnsSpec } = data;
  if (clusters.order.length !== data.k) throw new RangeError(`shared GLMM likelihood: ${clusters.order.length} cluster entries for ${data.k} tables`);
  const ws = clusterWorkspace(gaussHermiteNormal(quadrature), clusters.largest);
  const counts = orderedCounts(data, clusters);
  const modes = new Float64Array(2 * clusters.count);
  const eta1 = new Float64Array(clusters.largest);
  const eta2 = new Float64Array(clusters.largest);
  const parameterCount = columnsSens + columnsSpec + 3;

  const negativeLogLik = (theta: ArrayLike<number>, gradient?: Float64Array): number => {
    const L11 = theta[parameterCount - 3] as number, L21 = theta[parameterCount - 2] as number, L22 = theta[parameterCount - 1] as number;
    if (gradient) gradient.fill(0);
    let total = data.logChooseSum;
    for (let c = 0; c < clusters.count; c++) {
      const start = clusters.starts[c] as number, m = (clusters.starts[c + 1] as number) - start;
      for (let t = 0; t < m; t++) {
        const table = clusters.order[start + t] as number;
        let e1 = 0, e2 = 0;
        for (let j = 0; j < columnsSens; j++) e1 += (designSens[table * columnsSens + j] as number) * (theta[j] as number);
        for (let j = 0; j < columnsSpec; j++) e2 += (designSpec[table * columnsSpec + j] as number) * (theta[columnsSens + j] as number);
        eta1[t] = e1;
        eta2[t] = e2;
      }
      total += clusterLogIntegral(ws, m, counts.y1, counts.n1, counts.y2, counts.n2, start, eta1, eta2, L11, L21, L22, modes, 2 * c, !!gradient);
      if (!gradient) continue;
      for (let t = 0; t < m; t++) {
        const table = clusters.order[start + t] as number;
        const g1 = ws.dEta1[t] as number, g2 = ws.dEta2[t] as number;
        for (let j = 0; j < columnsSens; j++) gradient[j] = (gradient[j] as number) - (designSens[table * columnsSens + j] as number) * g1;
        for (let j = 0; j < columnsSpec; j++) gradient[columnsSens + j] = (gradient[columnsSens + j] as number) - (designSpec[table * columnsSpec + j] as number) * g2;
      }
      gradient[parameterCount - 3] = (gradient[parameterCount - 3] as number) - (ws.dL[0] as number);
      gradient[parameterCount - 2] = (gradient[parameterCount - 2] as number) - (ws.dL[1] as number);
      gradient[parameterCount - 1] = (gradient[parameterCount - 1] as number) - (ws.dL[2] as number);
    }
    return Number.isFinite(total) ? -total : Infinity;
  };

  /** L û_s of each table's study, as [sens, spec] per table (input order). */
  const conditionalModes = (theta: ArrayLike<number>): Float64Array => {
    negativeLogLik(theta);
    const L11 = theta[parameterCount - 3] as number, L21 = theta[parameterCount - 2] as number, L22 = theta[parameterCount - 1] as number;
    const out = new Float64Array(2 * data.k);
    for (let i = 0; i < data.k; i++) {
      const c = clusters.of[i] as number;
      const u1 = modes[2 * c] as number, u2 = modes[2 * c + 1] as number;
      out[2 * i] = L11 * u1;
      out[2 * i + 1] = L21 * u1 + L22 * u2;
    }
    return out;
  };

  return { parameterCount, negativeLogLik, conditionalModes };
}
