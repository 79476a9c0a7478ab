/**
 * midas's "fixed-effects" model: a binomial GLMM with one random intercept per study shared by both
 * arms (Stata midas v2.00, `xtmelogit (ttruth disgrp1 disgrp2, noc)(study: ), bin(num)`):
 *
 *   TP_i ~ Bin(n1_i, expit(βA + σ u_i)),  TN_i ~ Bin(n0_i, expit(βB + σ u_i)),  u_i ~ N(0, 1),
 *
 * ML with the marginal likelihood per study by adaptive Gauss–Hermite quadrature (mode and curvature
 * of the one-dimensional integrand, Q points; xtmelogit's default Q = 7):
 *   ln L_i = ln C_i + ln r_i + ln Σ_j w_j exp(g(û_i + r_i z_j) + ½ z_j²),
 *   g(u) = Σ_arms [y ξ − n ln(1 + e^ξ)] − ½u²,  ξ = β_arm + σu,  r_i = (−g''(û_i))^{−1/2}.
 * (Liu & Pierce 1994, doi:10.1093/biomet/81.3.624.) midas centres the Q statistics of its forest
 * plots on expit(β̂A) and expit(β̂B) of this model (METHODS (d)); with 7 points this reproduces the
 * midas manual's PET example (Q 273.36 and 217.71).
 *
 * Fitting: 3 parameters (βA, βB, σ; σ unconstrained, the likelihood depends on σ² only), BFGS with a
 * central-difference gradient from the pooled-proportion logits, then Newton steps with a
 * finite-difference Hessian. Edge cases: arms with n = 0 contribute nothing; an arm whose every
 * study has y = 0 or y = n has no finite β (|β| > 15 → note 'mu-at-bound').
 */
import type { Counts, StatsNote } from './types.ts';
import { gaussHermiteNormal } from './gauss-hermite.ts';
import { logChoose } from './log-choose.ts';
import { minimize, numericalObjective } from './optimize.ts';

export interface SharedInterceptFit {
  method: 'glmm-shared-random-intercept';
  quadrature: number;
  logLik: number;
  beta: { sens: number; spec: number };
  /** variance of the shared random intercept */
  sigma2: number;
  converged: boolean;
  notes: StatsNote[];
}

const log1pExp = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** Fits the shared-random-intercept model (see the file comment). */
export function fitSharedInterceptGlmm(counts: readonly Counts[], quadrature = 7): SharedInterceptFit {
  const rule = gaussHermiteNormal(quadrature);
  const arms = counts.map((c) => ({ y1: c.tp, n1: c.tp + c.fn, y2: c.tn, n2: c.tn + c.fp }));
  const constant = arms.reduce((s, a) => s + logChoose(a.n1, a.y1) + logChoose(a.n2, a.y2), 0);
  const modes = new Float64Array(arms.length);
  const q = rule.size;
  const terms = new Float64Array(q);

  const negativeLogLik = (theta: ArrayLike<number>): number => {
    const b1 = theta[0] as number, b2 = theta[1] as number, sigma = theta[2] as number;
    let total = constant;
    arms.forEach((a, i) => {
      const g = (u: number): number => {
        const x1 = b1 + sigma * u, x2 = b2 + sigma * u;
        return a.y1 * x1 - a.n1 * log1pExp(x1) + a.y2 * x2 - a.n2 * log1pExp(x2) - 0.5 * u * u;
      };
      let u = Number.isFinite(modes[i]) ? (modes[i] as number) : 0;
      let curvature = 1;
      // g(u) is carried from the accepted trial of the step before (the same argument, so the same value)
      let gu = g(u);
      for (let iteration = 0; iteration < 100; iteration++) {
        const p1 = 1 / (1 + Math.exp(-(b1 + sigma * u))), p2 = 1 / (1 + Math.exp(-(b2 + sigma * u)));
        const slope = sigma * (a.y1 - a.n1 * p1 + a.y2 - a.n2 * p2) - u;
        curvature = 1 + sigma * sigma * (a.n1 * p1 * (1 - p1) + a.n2 * p2 * (1 - p2));
        let step = slope / curvature;
        // g is strictly concave: halve steps that do not increase it (at most 50 halvings)
        let trial = g(u + step);
        let halving = 0;
        while (trial < gu) {
          step /= 2;
          if (++halving === 50) break;
          trial = g(u + step);
        }
        u += step;
        gu = halving === 50 ? g(u) : trial;
        if (Math.abs(step) < 1e-12) break;
      }
      modes[i] = u;
      const p1 = 1 / (1 + Math.exp(-(b1 + sigma * u))), p2 = 1 / (1 + Math.exp(-(b2 + sigma * u)));
      curvature = 1 + sigma * sigma * (a.n1 * p1 * (1 - p1) + a.n2 * p2 * (1 - p2));
      const r = 1 / Math.sqrt(curvature);
      let max = -Infinity;
      for (let j = 0; j < q; j++) {
        const z = rule.nodes[j] as number;
        const t = (rule.logWeights[j] as number) + 0.5 * z * z + g(u + r * z);
        if (t > max) max = t;
        terms[j] = t;
      }
      let sum = 0;
      for (let j = 0; j < q; j++) sum += Math.exp((terms[j] as number) - max);
      total += Math.log(r) + max + Math.log(sum);
    });
    return Number.isFinite(total) ? -total : Infinity;
  };

  const logit = (y: number, n: number) => Math.log((y + 0.5) / (n - y + 0.5));
  const sum = (f: (a: (typeof arms)[number]) => number) => arms.reduce((s, a) => s + f(a), 0);
  const start = [logit(sum((a) => a.y1), sum((a) => a.n1)), logit(sum((a) => a.y2), sum((a) => a.n2)), 0.5];
  const result = minimize(numericalObjective((x) => negativeLogLik(x)), start, { gradientTolerance: 1e-8 });
  let x = Array.from(result.x);
  let value = negativeLogLik(x);
  // Newton polish with central differences
  const h = 1e-4;
  for (let step = 0; step < 4; step++) {
    const n = 3;
    const gradient = new Array<number>(n).fill(0);
    const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const at = (dx: number[]) => negativeLogLik(x.map((v, i) => v + (dx[i] ?? 0)));
    for (let i = 0; i < n; i++) {
      const e = (s: number) => Array.from({ length: n }, (_, m) => (m === i ? s : 0));
      const plus = at(e(h)), minus = at(e(-h));
      gradient[i] = (plus - minus) / (2 * h);
      hessian[i]![i] = (plus - 2 * value + minus) / (h * h);
      for (let j = 0; j < i; j++) {
        const d = (si: number, sj: number) => at(Array.from({ length: n }, (_, m) => (m === i ? si : m === j ? sj : 0)));
        hessian[i]![j] = hessian[j]![i] = (d(h, h) - d(h, -h) - d(-h, h) + d(-h, -h)) / (4 * h * h);
      }
    }
    const delta = solve3(hessian, gradient);
    if (!delta) break;
    const candidate = x.map((v, i) => v - (delta[i] ?? 0));
    const candidateValue = negativeLogLik(candidate);
    if (!(candidateValue <= value + 1e-10)) break;
    x = candidate;
    value = candidateValue;
  }
  const notes: StatsNote[] = [];
  for (const [arm, b] of [['sens', x[0]], ['spec', x[1]]] as const) if (Math.abs(b as number) > 15) notes.push({ code: 'mu-at-bound', detail: { parameter: arm, linearPredictor: b as number } });
  return {
    method: 'glmm-shared-random-intercept',
    quadrature,
    logLik: -value,
    beta: { sens: x[0] as number, spec: x[1] as number },
    sigma2: (x[2] as number) ** 2,
    converged: Number.isFinite(value) && notes.length === 0 && (result.convergence === 0 || result.gradientNorm < 1e-4),
    notes,
  };
}

/** Solves a 3×3 linear system by Gaussian elimination with partial pivoting; null when singular. */
function solve3(matrix: number[][], rhs: number[]): number[] | null {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (!(Math.abs(a[pivot]![c]!) > 1e-300)) return null;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let m = c; m <= n; m++) a[r]![m]! -= f * a[c]![m]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i]![n]!;
    for (let m = i + 1; m < n; m++) s -= a[i]![m]! * out[m]!;
    out[i] = s / a[i]![i]!;
  }
  return out;
}
