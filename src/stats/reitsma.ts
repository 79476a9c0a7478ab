/**
 * Reitsma bivariate random-effects model, normal approximation (as `mada::reitsma` and
 * `metafor::rma.mv(struct = "UN")`).
 *
 * Data (after the continuity correction, default mada's `all`):
 *   y_i = (logit Se_i, logit Sp_i),  S_i = diag(1/TP + 1/FN, 1/TN + 1/FP)
 *       = diag(1/(n1·Se(1−Se)), 1/(n0·Sp(1−Sp))).
 * Model: y_i ~ N2(X_i β, S_i + Ψ), Ψ = [[τ²_se, σ], [σ, τ²_sp]] unstructured; X_i = blockdiag(x_i^sens,
 * x_i^spec) (intercepts only by default, or a meta-regression design).
 *
 * Estimation: β̂(Ψ) by generalised least squares; Ψ maximises the ML or restricted (REML)
 * log-likelihood. The optimiser works on the Cholesky factor of Ψ (ψ11 = l1², ψ12 = l1·l2,
 * ψ22 = l2² + l3²) so that boundary solutions (τ² = 0, ρ = ±1) are interior points; steps are
 * Newton steps with the exact Hessian (analytic, through the chain rule from Ψ), Levenberg–Marquardt
 * damping and a monotone acceptance test. vcov(β̂) = (Σ X_i' V_i⁻¹ X_i)⁻¹.
 *
 *   ℓ_ML   = −½ [n ln 2π + Σ ln|V_i| + Σ r_i'V_i⁻¹r_i]
 *   ℓ_REML = −½ [(n − p) ln 2π + Σ ln|V_i| + ln|X'V⁻¹X| + Σ r_i'V_i⁻¹r_i] + ½ ln|X'X|
 *
 * `logLik` follows metafor `rma.mv` (the formula above, including + ½ ln|X'X| for REML).
 * `logLikMada` follows mada: the mvmeta log-likelihood (REML without the ½ ln|X'X| term) plus the
 * log-Jacobian of the logit transforms, Σ_i −ln(Se_i(1−Se_i)) − ln(FPR_i(1−FPR_i)).
 *
 * References: Reitsma JB, Glas AS, Rutjes AWS, Scholten RJPM, Bossuyt PM, Zwinderman AH (2005).
 * Bivariate analysis of sensitivity and specificity produces informative summary measures in
 * diagnostic reviews. J Clin Epidemiol 58:982–990. doi:10.1016/j.jclinepi.2005.02.022
 * Jackson D, Riley R, White IR (2011). Multivariate meta-analysis: potential and promise.
 * Stat Med 30:2481–2498. doi:10.1002/sim.4172 (likelihoods); Doebler P (2025) mada 0.5.12.
 *
 * Edge cases: studies with an empty arm (n1 = 0 or n0 = 0), or a zero cell left uncorrected
 * (policy `none`), cannot be logit-transformed and are excluded (`study_excluded`); fewer than
 * p/2 + 2 usable studies throws; a non-positive-definite X'V⁻¹X (collinear design) throws; ρ = ±1
 * and τ² = 0 are reported as notes (`rho_at_boundary`, `tau2_at_boundary`).
 */
import type { Counts, Matrix2, StatsNote } from './types.ts';
import { applyContinuityCorrection, type CorrectionPolicy } from './continuity.ts';
import { type BivariateDesign, interceptDesign } from './design.ts';
import { cholesky, choleskyInverse, choleskyLogDet, choleskySolve, traceProduct, matMul, inverseSpd, zeros } from './linear-algebra.ts';
import { chiSquareUpperTail } from './distributions.ts';
import { NotEstimableError } from './errors.ts';

export type ReitsmaEstimation = 'reml' | 'ml';

export interface ReitsmaOptions {
  /** 'reml' (default, as mada and metafor) or 'ml' (for likelihood-ratio tests) */
  method?: ReitsmaEstimation;
  /** continuity-correction policy, default 'all' (mada) */
  correction?: CorrectionPolicy;
  /** value added by the correction, default 0.5 */
  correctionValue?: number;
  /** meta-regression design (first column = intercept); default intercept only */
  design?: BivariateDesign;
  /** maximum optimiser iterations (default 500) */
  maxIterations?: number;
}

export interface ReitsmaCoefficients {
  /** `${outcome}.${term}`, sensitivity terms first, then specificity terms */
  names: string[];
  outcome: ('sens' | 'spec')[];
  term: string[];
  est: number[];
  se: number[];
  vcov: number[][];
}

export interface ReitsmaResult {
  method: 'reitsma-bivariate-normal';
  estimation: ReitsmaEstimation;
  correction: { policy: CorrectionPolicy; value: number; correctedStudies: number[] };
  /** number of studies used */
  k: number;
  /** indices (into the input) of the studies used */
  studiesUsed: number[];
  /** intercepts: pooled logit sens/spec (at covariate = 0 for a meta-regression) */
  mu: { sens: number; spec: number };
  vcov: Matrix2;
  se: { sens: number; spec: number };
  tau2: { sens: number; spec: number };
  covRe: number;
  /** between-study correlation; null when a τ² is 0 */
  rho: number | null;
  psi: Matrix2;
  /**
   * Asymptotic covariance of (τ²_sens, covRe, τ²_spec): inverse observed information (negative
   * analytic Hessian) of the ML/REML likelihood at the estimate, like metafor's `vvc`
   * (`rma.mv(..., cvvc = TRUE)`); null when it is not positive definite (e.g. ρ = ±1 or τ² = 0).
   * Asymptotically independent of vcov(β̂); used e.g. for a delta-method AUC interval.
   */
  psiVcov: number[][] | null;
  coefficients: ReitsmaCoefficients;
  /** log-likelihood in metafor's rma.mv convention (REML or ML) */
  logLik: number;
  /** log-likelihood as mada reports it (mvmeta convention + logit Jacobian) */
  logLikMada: number;
  /** number of parameters: coefficients + 3 variance components */
  nParams: number;
  /** test for residual heterogeneity (rma.mv QE): Σ r_i' S_i⁻¹ r_i at the fixed-effect fit */
  residualHeterogeneity: { statistic: number; df: number; p: number };
  /** Wald test that all non-intercept coefficients are 0 (rma.mv QM); null without covariates */
  covariateTest: { statistic: number; df: number; p: number } | null;
  converged: boolean;
  iterations: number;
  notes: StatsNote[];
}

interface Study {
  y: [number, number];
  s: [number, number];
  /** design rows of sens and spec */
  xs: number[];
  xp: number[];
}

interface Evaluation {
  ll: number;
  beta: number[];
  /** Cholesky factor of A = X'V⁻¹X */
  aChol: number[][];
  score: [number, number, number];
  /** expected (Fisher) information of ψ */
  info: number[][];
  /** exact Hessian of the (restricted or profile) log-likelihood in ψ */
  hessPsi: number[][];
  rss: number;
  logDetA: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
// E_m = dV/dψ_m for ψ = (ψ11, ψ12, ψ22)
const E: Matrix2[] = [
  [
    [1, 0],
    [0, 0],
  ],
  [
    [0, 1],
    [1, 0],
  ],
  [
    [0, 0],
    [0, 1],
  ],
];

function mul2(a: Matrix2, b: Matrix2): Matrix2 {
  return [
    [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
    [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
  ];
}

/** G = W·X_i as a 2×p matrix, X_i = blockdiag(xs, xp). */
function gMatrix(w: Matrix2, st: Study, ps: number, p: number): [number[], number[]] {
  const g0 = new Array<number>(p).fill(0);
  const g1 = new Array<number>(p).fill(0);
  for (let j = 0; j < ps; j++) {
    g0[j] = w[0][0] * st.xs[j]!;
    g1[j] = w[1][0] * st.xs[j]!;
  }
  for (let j = 0; j < p - ps; j++) {
    g0[ps + j] = w[0][1] * st.xp[j]!;
    g1[ps + j] = w[1][1] * st.xp[j]!;
  }
  return [g0, g1];
}

/** Σ_i G_i' M_i G_i for per-study 2×2 matrices M_i. */
function sandwich(gs: [number[], number[]][], ms: Matrix2[], p: number): number[][] {
  const out = zeros(p);
  gs.forEach(([g0, g1], i) => {
    const m = ms[i]!;
    for (let a = 0; a < p; a++) {
      const u0 = g0[a]!;
      const u1 = g1[a]!;
      const row = out[a]!;
      for (let b = 0; b < p; b++) {
        const v0 = g0[b]!;
        const v1 = g1[b]!;
        row[b] = row[b]! + u0 * (m[0][0] * v0 + m[0][1] * v1) + u1 * (m[1][0] * v0 + m[1][1] * v1);
      }
    }
  });
  return out;
}

function evaluate(studies: Study[], ps: number, p: number, psi: [number, number, number], reml: boolean, logDetXtX: number): Evaluation | null {
  const n = 2 * studies.length;
  const ws: Matrix2[] = [];
  let logDetV = 0;
  for (const st of studies) {
    const a = st.s[0] + psi[0];
    const c = st.s[1] + psi[2];
    const b = psi[1];
    const det = a * c - b * b;
    if (!(det > 0) || !(a > 0)) return null;
    logDetV += Math.log(det);
    ws.push([
      [c / det, -b / det],
      [-b / det, a / det],
    ]);
  }
  const gs = studies.map((st, i) => gMatrix(ws[i]!, st, ps, p));
  // A = Σ X_i' W_i X_i = Σ X_i' G_i ; rhs = Σ G_i' y_i
  const A = zeros(p);
  const rhs = new Array<number>(p).fill(0);
  studies.forEach((st, i) => {
    const [g0, g1] = gs[i]!;
    for (let a = 0; a < p; a++) {
      const xa0 = a < ps ? st.xs[a]! : 0;
      const xa1 = a < ps ? 0 : st.xp[a - ps]!;
      const row = A[a]!;
      for (let b = 0; b < p; b++) row[b] = row[b]! + xa0 * g0[b]! + xa1 * g1[b]!;
      rhs[a] = rhs[a]! + g0[a]! * st.y[0] + g1[a]! * st.y[1];
    }
  });
  const aChol = cholesky(A);
  if (!aChol) return null;
  const beta = choleskySolve(aChol, rhs);
  const logDetA = choleskyLogDet(aChol);
  const B = choleskyInverse(aChol);
  let rss = 0;
  const us: [number, number][] = [];
  studies.forEach((st, i) => {
    let f0 = 0;
    let f1 = 0;
    for (let j = 0; j < ps; j++) f0 += st.xs[j]! * beta[j]!;
    for (let j = 0; j < p - ps; j++) f1 += st.xp[j]! * beta[ps + j]!;
    const r0 = st.y[0] - f0;
    const r1 = st.y[1] - f1;
    const w = ws[i]!;
    const u0 = w[0][0] * r0 + w[0][1] * r1;
    const u1 = w[1][0] * r0 + w[1][1] * r1;
    us.push([u0, u1]);
    rss += r0 * u0 + r1 * u1;
  });
  const ll = reml ? -0.5 * ((n - p) * LOG_2PI + logDetV + logDetA + rss) + 0.5 * logDetXtX : -0.5 * (n * LOG_2PI + logDetV + rss);

  // score and Fisher information for ψ
  const trWE: [number, number, number] = [0, 0, 0];
  const uEu: [number, number, number] = [0, 0, 0];
  ws.forEach((w, i) => {
    const [u0, u1] = us[i]!;
    trWE[0] += w[0][0];
    trWE[1] += 2 * w[0][1];
    trWE[2] += w[1][1];
    uEu[0] += u0 * u0;
    uEu[1] += 2 * u0 * u1;
    uEu[2] += u1 * u1;
  });
  const M = reml ? E.map((e) => sandwich(gs, ws.map(() => e), p)) : [];
  const score: [number, number, number] = [0, 0, 0];
  for (let m = 0; m < 3; m++) {
    const trP = trWE[m]! - (reml ? traceProduct(B, M[m]!) : 0);
    score[m] = -0.5 * trP + 0.5 * uEu[m]!;
  }
  const info = zeros(3);
  for (let m = 0; m < 3; m++) {
    for (let q = m; q < 3; q++) {
      let t1 = 0;
      for (const w of ws) {
        const a = mul2(mul2(w, E[m]!), mul2(w, E[q]!));
        t1 += a[0][0] + a[1][1];
      }
      let val = t1;
      if (reml) {
        const N = sandwich(
          gs,
          ws.map((w) => mul2(mul2(E[m]!, w), E[q]!)),
          p,
        );
        val += -2 * traceProduct(B, N) + traceProduct(matMul(B, M[m]!), matMul(B, M[q]!));
      }
      info[m]![q] = 0.5 * val;
      info[q]![m] = 0.5 * val;
    }
  }
  // exact Hessian: ℓ'' = ½ tr(P E_m P E_n) − y'P E_m P E_n P y (ML: first term with V⁻¹ for P)
  // y'P E_m P E_n P y = z_m' P z_n with z_m = D_m·Py, Py = (u_i)
  const z = E.map((e) => us.map(([u0, u1]) => [e[0][0] * u0 + e[0][1] * u1, e[1][0] * u0 + e[1][1] * u1] as [number, number]));
  const pz = z.map((zm) => {
    const gz = new Array<number>(p).fill(0);
    zm.forEach(([a0, a1], i) => {
      const [g0, g1] = gs[i]!;
      for (let j = 0; j < p; j++) gz[j] = gz[j]! + g0[j]! * a0 + g1[j]! * a1;
    });
    const bgz = B.map((row) => row.reduce((acc, v, j) => acc + v * gz[j]!, 0));
    return zm.map(([a0, a1], i) => {
      const w = ws[i]!;
      const [g0, g1] = gs[i]!;
      let c0 = w[0][0] * a0 + w[0][1] * a1;
      let c1 = w[1][0] * a0 + w[1][1] * a1;
      for (let j = 0; j < p; j++) {
        c0 -= g0[j]! * bgz[j]!;
        c1 -= g1[j]! * bgz[j]!;
      }
      return [c0, c1] as [number, number];
    });
  });
  const hessPsi = zeros(3);
  for (let m = 0; m < 3; m++) {
    for (let q = 0; q < 3; q++) {
      let y = 0;
      z[m]!.forEach(([a0, a1], i) => {
        const [c0, c1] = pz[q]![i]!;
        y += a0 * c0 + a1 * c1;
      });
      hessPsi[m]![q] = info[m]![q]! - y;
    }
  }
  return { ll, beta, aChol, score, info, hessPsi, rss, logDetA };
}

function psiFromL(l: readonly number[]): [number, number, number] {
  const [l1, l2, l3] = [l[0]!, l[1]!, l[2]!];
  return [l1 * l1, l1 * l2, l2 * l2 + l3 * l3];
}

/** Gradient and exact Hessian in the Cholesky parameters (chain rule from ψ). */
function cholDerivatives(l: readonly number[], ev: Evaluation): { grad: number[]; hess: number[][] } {
  const [l1, l2, l3] = [l[0]!, l[1]!, l[2]!];
  const J = [
    [2 * l1, 0, 0],
    [l2, l1, 0],
    [0, 2 * l2, 2 * l3],
  ];
  const s = ev.score;
  const grad = [0, 1, 2].map((t) => J[0]![t]! * s[0] + J[1]![t]! * s[1] + J[2]![t]! * s[2]);
  const hess = zeros(3);
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let v = 0;
      for (let m = 0; m < 3; m++) for (let q = 0; q < 3; q++) v += J[m]![a]! * ev.hessPsi[m]![q]! * J[q]![b]!;
      hess[a]![b] = v;
    }
  }
  // exact chain-rule term Σ_m s_m ∂²ψ_m/∂l∂l'
  hess[0]![0] = hess[0]![0]! + 2 * s[0];
  hess[0]![1] = hess[0]![1]! + s[1];
  hess[1]![0] = hess[1]![0]! + s[1];
  hess[1]![1] = hess[1]![1]! + 2 * s[2];
  hess[2]![2] = hess[2]![2]! + 2 * s[2];
  return { grad, hess };
}

interface OptimResult {
  l: number[];
  ev: Evaluation;
  converged: boolean;
  iterations: number;
}

function optimise(studies: Study[], ps: number, p: number, reml: boolean, logDetXtX: number, start: number[], maxIterations: number): OptimResult | null {
  let l = [...start];
  let ev = evaluate(studies, ps, p, psiFromL(l), reml, logDetXtX);
  if (!ev) return null;
  let lambda = 1e-3;
  for (let iter = 1; iter <= maxIterations; iter++) {
    const { grad, hess } = cholDerivatives(l, ev);
    let accepted = false;
    let stepNorm = 0;
    let gain = 0;
    for (let attempt = 0; attempt < 60 && !accepted; attempt++) {
      // solve (−H + λ·diag) δ = g
      const m = hess.map((row, i) => row.map((v, j) => -v + (i === j ? lambda * Math.max(1e-8, Math.abs(hess[i]![i]!)) + lambda * 1e-8 : 0)));
      const lm = cholesky(m);
      if (!lm) {
        lambda = Math.max(lambda * 10, 1e-6);
        continue;
      }
      const delta = choleskySolve(lm, grad);
      const trial = l.map((v, i) => v + delta[i]!);
      const evTrial = evaluate(studies, ps, p, psiFromL(trial), reml, logDetXtX);
      if (evTrial && evTrial.ll >= ev.ll - 1e-12 * Math.abs(ev.ll)) {
        gain = evTrial.ll - ev.ll;
        stepNorm = Math.max(...delta.map(Math.abs));
        l = trial;
        ev = evTrial;
        accepted = true;
        lambda = Math.max(lambda / 10, 1e-12);
      } else {
        lambda = Math.max(lambda * 10, 1e-6);
      }
    }
    if (!accepted) return { l, ev, converged: false, iterations: iter };
    const gmax = Math.max(...cholDerivatives(l, ev).grad.map(Math.abs));
    if ((stepNorm < 1e-10 && Math.abs(gain) < 1e-12) || (gmax < 1e-10 && Math.abs(gain) < 1e-10)) {
      return { l, ev, converged: true, iterations: iter };
    }
  }
  return { l, ev, converged: false, iterations: maxIterations };
}

function checkDesign(design: BivariateDesign, k: number): void {
  const p = design.names.length;
  if (p < 1) throw new RangeError('design needs at least one column');
  for (const [label, m] of [
    ['sens', design.sens],
    ['spec', design.spec],
  ] as const) {
    if (m.length !== k) throw new RangeError(`design.${label} must have one row per study (${k}), got ${m.length}`);
    m.forEach((row, i) => {
      if (row.length !== p) throw new RangeError(`design.${label} row ${i} must have ${p} columns`);
      if (!row.every(Number.isFinite)) throw new RangeError(`design.${label} row ${i} has a non-finite value`);
    });
  }
}

/**
 * Fits the Reitsma bivariate model (REML by default) to 2x2 counts; see the module comment.
 */
export function fitReitsma(counts: readonly Counts[], options: ReitsmaOptions = {}): ReitsmaResult {
  const estimation = options.method ?? 'reml';
  const reml = estimation === 'reml';
  const policy = options.correction ?? 'all';
  const design = options.design ?? interceptDesign(counts.length);
  checkDesign(design, counts.length);
  const corr = applyContinuityCorrection(counts, { policy, value: options.correctionValue ?? 0.5 });
  const notes: StatsNote[] = [];

  const studies: Study[] = [];
  const studiesUsed: number[] = [];
  let logJacobian = 0;
  corr.counts.forEach((c, i) => {
    const raw = counts[i]!;
    const n1 = c.tp + c.fn;
    const n0 = c.tn + c.fp;
    if (raw.tp + raw.fn === 0 || raw.tn + raw.fp === 0) {
      notes.push({ code: 'study_excluded', detail: { study: i, reason: 'empty_arm' } });
      return;
    }
    if (c.tp === 0 || c.fn === 0 || c.tn === 0 || c.fp === 0) {
      notes.push({ code: 'study_excluded', detail: { study: i, reason: 'zero_cell_uncorrected' } });
      return;
    }
    const se = c.tp / n1;
    const fpr = c.fp / n0;
    logJacobian += -Math.log(se * (1 - se)) - Math.log(fpr * (1 - fpr));
    studies.push({
      y: [Math.log(c.tp / c.fn), Math.log(c.tn / c.fp)],
      s: [1 / c.tp + 1 / c.fn, 1 / c.tn + 1 / c.fp],
      xs: design.sens[i]!,
      xp: design.spec[i]!,
    });
    studiesUsed.push(i);
  });
  const ps = design.names.length;
  const p = 2 * ps;
  const k = studies.length;
  if (k < ps + 2) throw new NotEstimableError(`the Reitsma model with ${p} coefficients needs at least ${ps + 2} usable studies, got ${k}`);

  // ln|X'X| (REML constant of metafor)
  const xtx = zeros(p);
  for (const st of studies) {
    for (let a = 0; a < ps; a++) {
      for (let b = 0; b < ps; b++) {
        xtx[a]![b] = xtx[a]![b]! + st.xs[a]! * st.xs[b]!;
        xtx[ps + a]![ps + b] = xtx[ps + a]![ps + b]! + st.xp[a]! * st.xp[b]!;
      }
    }
  }
  const xtxChol = cholesky(xtx);
  if (!xtxChol) throw new NotEstimableError('design matrix is rank deficient');
  const logDetXtX = choleskyLogDet(xtxChol);

  // fixed-effect fit (Ψ = 0): QE and starting values
  const fe = evaluate(studies, ps, p, [0, 0, 0], false, logDetXtX);
  if (!fe) throw new NotEstimableError('design matrix is rank deficient');
  const meanS = [0, 1].map((j) => studies.reduce((s, st) => s + st.s[j]!, 0) / k);
  const starts: number[][] = [];
  const t = [0, 1].map((j) => {
    const ys = studies.map((st) => st.y[j]!);
    const m = ys.reduce((s, v) => s + v, 0) / k;
    const v = ys.reduce((s, y) => s + (y - m) ** 2, 0) / (k - 1);
    return Math.max(0.05, v - meanS[j]!);
  });
  starts.push([Math.sqrt(t[0]!), 0, Math.sqrt(t[1]!)]);
  starts.push([0.5, 0, 0.5]);

  const maxIterations = options.maxIterations ?? 500;
  let best: OptimResult | null = null;
  for (const start of starts) {
    const r = optimise(studies, ps, p, reml, logDetXtX, start, maxIterations);
    if (r && (!best || r.ev.ll > best.ev.ll + 1e-9 || (!best.converged && r.converged && r.ev.ll > best.ev.ll - 1e-9))) best = r;
    if (best?.converged) break;
  }
  if (!best) throw new NotEstimableError('the Reitsma likelihood could not be evaluated (non-positive-definite design)');
  if (!best.converged) notes.push({ code: 'not_converged', detail: { iterations: best.iterations } });

  const psiV = psiFromL(best.l);
  const ev = best.ev;
  const B = choleskyInverse(ev.aChol);
  const tau2 = { sens: psiV[0], spec: psiV[2] };
  const bound = Math.sqrt(tau2.sens * tau2.spec);
  const rho = bound > 0 ? Math.max(-1, Math.min(1, psiV[1] / bound)) : null;
  const scale = Math.max(1e-8, ...meanS);
  if (tau2.sens < 1e-8 * scale) notes.push({ code: 'tau2_at_boundary', detail: { parameter: 'tau2_sens', value: tau2.sens } });
  if (tau2.spec < 1e-8 * scale) notes.push({ code: 'tau2_at_boundary', detail: { parameter: 'tau2_spec', value: tau2.spec } });
  if (rho !== null && Math.abs(rho) > 1 - 1e-6) notes.push({ code: 'rho_at_boundary', detail: { parameter: 'rho', value: rho } });

  const outcome: ('sens' | 'spec')[] = [...design.names.map(() => 'sens' as const), ...design.names.map(() => 'spec' as const)];
  const term = [...design.names, ...design.names];
  const seAll = B.map((row, i) => Math.sqrt(row[i]!));

  // covariate Wald test (all non-intercept columns)
  let covariateTest: ReitsmaResult['covariateTest'] = null;
  if (ps > 1) {
    const idx = [...Array.from({ length: ps - 1 }, (_, j) => 1 + j), ...Array.from({ length: ps - 1 }, (_, j) => ps + 1 + j)];
    const sub = idx.map((a) => idx.map((b) => B[a]![b]!));
    const subInv = inverseSpd(sub);
    if (subInv) {
      const b = idx.map((a) => ev.beta[a]!);
      let q = 0;
      for (let a = 0; a < idx.length; a++) for (let c = 0; c < idx.length; c++) q += b[a]! * subInv[a]![c]! * b[c]!;
      covariateTest = { statistic: q, df: idx.length, p: chiSquareUpperTail(q, idx.length) };
    }
  }

  const madaBase = reml ? ev.ll - 0.5 * logDetXtX : ev.ll;
  return {
    method: 'reitsma-bivariate-normal',
    estimation,
    correction: { policy, value: corr.value, correctedStudies: corr.corrected.flatMap((c, i) => (c ? [i] : [])) },
    k,
    studiesUsed,
    mu: { sens: ev.beta[0]!, spec: ev.beta[ps]! },
    vcov: [
      [B[0]![0]!, B[0]![ps]!],
      [B[ps]![0]!, B[ps]![ps]!],
    ],
    se: { sens: seAll[0]!, spec: seAll[ps]! },
    tau2,
    covRe: psiV[1],
    rho,
    psi: [
      [psiV[0], psiV[1]],
      [psiV[1], psiV[2]],
    ],
    psiVcov: inverseSpd(ev.hessPsi.map((row) => row.map((v) => -v))),
    coefficients: { names: outcome.map((o, i) => `${o}.${term[i]}`), outcome, term, est: [...ev.beta], se: seAll, vcov: B },
    logLik: ev.ll,
    logLikMada: madaBase + logJacobian,
    nParams: p + 3,
    residualHeterogeneity: { statistic: fe.rss, df: 2 * k - p, p: chiSquareUpperTail(fe.rss, 2 * k - p) },
    covariateTest,
    converged: best.converged,
    iterations: best.iterations,
    notes,
  };
}

/**
 * Linear prediction from a (meta-regression) fit at design rows `sens` and `spec` (length p each):
 * the implied pooled logits and their 2x2 covariance, e.g. the summary point of one subgroup.
 */
export function reitsmaPredict(fit: ReitsmaResult, row: { sens: number[]; spec: number[] }): { mu: { sens: number; spec: number }; vcov: Matrix2 } {
  const ps = fit.coefficients.est.length / 2;
  if (row.sens.length !== ps || row.spec.length !== ps) throw new RangeError(`prediction rows must have ${ps} entries`);
  const a = [...row.sens, ...new Array<number>(ps).fill(0)];
  const b = [...new Array<number>(ps).fill(0), ...row.spec];
  const dot = (x: number[], y: number[]): number => x.reduce((s, v, i) => s + v * y[i]!, 0);
  const V = fit.coefficients.vcov;
  const quad = (x: number[], y: number[]): number => x.reduce((s, xi, i) => s + xi * dot(V[i]!, y), 0);
  return {
    mu: { sens: dot(a, fit.coefficients.est), spec: dot(b, fit.coefficients.est) },
    vcov: [
      [quad(a, a), quad(a, b)],
      [quad(b, a), quad(b, b)],
    ],
  };
}

/**
 * Covariance of (μ_sens, μ_spec, τ²_sens, τ²_spec) from a fit — vcov(μ̂) and the matching block of
 * `psiVcov` (asymptotically independent) — in the layout `aucDeltaMethodCi` expects with
 * `scale: 'tau2'`. Null when `psiVcov` is unavailable (singular information at a boundary).
 */
export function reitsmaAucCovariance(fit: ReitsmaResult): number[][] | null {
  const pv = fit.psiVcov;
  if (!pv) return null;
  return [
    [fit.vcov[0][0], fit.vcov[0][1], 0, 0],
    [fit.vcov[1][0], fit.vcov[1][1], 0, 0],
    [0, 0, pv[0]![0]!, pv[0]![2]!],
    [0, 0, pv[2]![0]!, pv[2]![2]!],
  ];
}
