/**
 * Univariate random-intercept binomial GLMM (one proportion per study), ML by adaptive
 * Gauss–Hermite quadrature:
 *   y_i ~ Bin(n_i, expit(x_iᵀβ + τ u_i)),  u_i ~ N(0, 1),
 *   ln L_i ≈ ln C(n_i, y_i) + ln r_i + ln Σ_j w_j exp(g(û_i + r_i z_j) + ½ z_j²),
 *   g(u) = y ξ − n ln(1 + e^ξ) − ½u²,  ξ = x_iᵀβ + τu,  r_i = (1 + τ² W_i)^{−1/2}.
 * τ is unconstrained (the likelihood depends on τ² only), so τ = 0 is an interior point.
 * Same AGHQ scheme as the bivariate model (Liu & Pierce 1994, doi:10.1093/biomet/81.3.624;
 * Pinheiro & Bates 1995, doi:10.1080/10618600.1995.10474663), analytic gradient through û(θ)
 * and r(θ). Q = 1 is the Laplace approximation (= lme4 glmer nAGQ = 1, which for a scalar
 * random effect also offers nAGQ > 1 with the same quadrature; estimates agree, but glmer's
 * logLik for nAGQ > 1 omits the binomial constants, ours always includes them).
 *
 * Used for the starting values of `fitBivariateGlmm` and as a k < 4 fallback by other modules
 * (e.g. pooling sensitivity alone). Arms with n = 0 are dropped.
 * SEs: inverse of the finite-difference Hessian of the analytic gradient over (β, τ); when it is
 * not positive definite (τ = 0 degenerate), the β block conditional on τ. Notes: 'tau2-at-zero',
 * 'hessian-not-pd', 'mu-at-bound' (|linear predictor| > 15: no finite ML estimate),
 * 'glmm-not-converged'.
 */
import type { StatsNote } from './types.ts';
import { gaussHermiteNormal } from './gauss-hermite.ts';
import { logChoose } from './log-choose.ts';
import { minimize } from './optimize.ts';
import { hessianFromGradient } from './derivatives.ts';
import { invertSymmetric, sandwich } from './glmm-inference.ts';
import { orthogonalizeDesign } from './glmm-design.ts';
import { NotEstimableError } from './errors.ts';

export interface UnivariateGlmmFit {
  method: 'glmm-univariate';
  label: string;
  quadrature: number;
  k: number;
  converged: boolean;
  notes: StatsNote[];
  logLik: number;
  /** first coefficient (the logit-scale pooled proportion for the intercept-only model) */
  mu: number;
  se: number;
  tau2: number;
  coefficients: { est: number[]; se: number[]; vcov: number[][] };
  /** conditional modes τ û_i (logit-scale study deviations) */
  randomEffects: number[];
  optimizer: { iterations: number; gradientNorm: number; evaluations: number; message: string };
}

/** g(u) = y ξ − n ln(1 + e^ξ) − ½u², ξ = η + τu (module level: no closures in the hot loop). */
function logIntegrand1(u: number, eta: number, tau: number, y: number, n: number): number {
  const xi = eta + tau * u;
  return y * xi - n * (Math.max(xi, 0) + Math.log1p(Math.exp(-Math.abs(xi)))) - 0.5 * u * u;
}

/**
 * d ln L_i / dθ along one direction of θ: rr = ∂_θ of the score at fixed u, xe = ∂_θ ξ at fixed u,
 * dTau = ∂_θ τ, explicit = the term at fixed u and r (module level: a closure per study allocated
 * 17 MB per fit at k = 1,000).
 */
function directionalDerivative(rr: number, xe: number, dTau: number, explicit: number, H: number, Wdm: number, W: number, tau: number, Gu: number, Gr: number, r: number): number {
  const du = rr / H, dW = Wdm * (xe + tau * du), dH = 2 * tau * dTau * W + tau * tau * dW;
  return explicit + Gu * du + Gr * (-0.5 * r * dH / H);
}

/** −ln L and gradient over θ = (β, τ) for one arm; returns the likelihood closure and the mode store. */
function univariateLikelihood(events: number[], totals: number[], design: number[][], quadrature: number) {
  const k = events.length;
  const columns = design[0]?.length ?? 0;
  const rule = gaussHermiteNormal(quadrature);
  const modes = new Float64Array(k);
  const weights = new Float64Array(rule.size);
  let constant = 0;
  for (let i = 0; i < k; i++) constant += logChoose(totals[i] as number, events[i] as number);
  const evaluate = (theta: ArrayLike<number>, gradient?: Float64Array): number => {
    const tau = theta[columns] as number;
    if (gradient) gradient.fill(0);
    let total = constant;
    let gradientTau = 0;
    for (let i = 0; i < k; i++) {
      const y = events[i] as number, n = totals[i] as number, row = design[i] as number[];
      let eta = 0;
      for (let c = 0; c < columns; c++) eta += (row[c] as number) * (theta[c] as number);
      let u = Math.abs(modes[i] as number) < 1e3 ? (modes[i] as number) : 0;
      let p = 0;
      for (let iteration = 0, finishing = false; iteration < 200; iteration++) {
        const xi = eta + tau * u, e = Math.exp(-Math.abs(xi));
        p = xi >= 0 ? 1 / (1 + e) : e / (1 + e);
        let step = (tau * (y - n * p) - u) / (1 + tau * tau * n * p * (1 - p));
        if (finishing || step === 0) break;
        if (Math.abs(step) < 1e-10) { u += step; finishing = true; continue; }
        if (Math.abs(step) > 0.5) {
          const current = logIntegrand1(u, eta, tau, y, n);
          for (let halving = 0; halving < 60 && !(logIntegrand1(u + step, eta, tau, y, n) >= current); halving++) step *= 0.5;
        }
        u += step;
      }
      modes[i] = u;
      const W = n * p * (1 - p), dm = y - n * p, H = 1 + tau * tau * W, r = 1 / Math.sqrt(H);
      let maxLog = -Infinity;
      for (let j = 0; j < rule.size; j++) {
        const z = rule.nodes[j] as number, v = u + r * z;
        const logTerm = (rule.logWeights[j] as number) + 0.5 * z * z + logIntegrand1(v, eta, tau, y, n);
        weights[j] = logTerm;
        if (logTerm > maxLog) maxLog = logTerm;
      }
      let sum = 0;
      for (let j = 0; j < rule.size; j++) {
        const e = Math.exp((weights[j] as number) - maxLog);
        weights[j] = e; // the gradient below reuses the exponential
        sum += e;
      }
      total += Math.log(r) + maxLog + Math.log(sum);
      if (!gradient) continue;
      let Gd = 0, Ev = 0, Gu = 0, Gr = 1 / r;
      for (let j = 0; j < rule.size; j++) {
        const z = rule.nodes[j] as number, v = u + r * z;
        const pi = (weights[j] as number) / sum;
        const d = y - n / (1 + Math.exp(-(eta + tau * v))), gn = pi * (tau * d - v);
        Gd += pi * d; Ev += pi * d * v; Gu += gn; Gr += gn * z;
      }
      const Wdm = W * (1 - 2 * p); // W' at the mode
      const dEta = directionalDerivative(-tau * W, 1, 0, Gd, H, Wdm, W, tau, Gu, Gr, r);
      gradientTau += directionalDerivative(dm - tau * W * u, u, 1, Ev, H, Wdm, W, tau, Gu, Gr, r);
      for (let c = 0; c < columns; c++) gradient[c] = (gradient[c] as number) - (row[c] as number) * dEta;
    }
    if (gradient) gradient[columns] = -gradientTau;
    return Number.isFinite(total) ? -total : Infinity;
  };
  return { evaluate, modes, columns };
}

/** Estimates only (no standard errors): BFGS on the orthogonalised design. Used for starting values. */
export function fitUnivariateEstimates(events: number[], totals: number[], design: number[][], quadrature: number) {
  const orthogonal = orthogonalizeDesign(design, 'univariate GLMM');
  const likelihood = univariateLikelihood(events, totals, orthogonal.rows, quadrature);
  const columns = likelihood.columns;
  // start: pooled logit for the first (intercept) column, zero slopes, τ = sd of corrected logits ∨ 0.5
  const start = new Float64Array(columns + 1);
  const logits = events.map((y, i) => Math.log((y + 0.5) / ((totals[i] as number) - y + 0.5)));
  const meanLogit = logits.reduce((a, b) => a + b, 0) / logits.length;
  const sumEvents = events.reduce((a, b) => a + b, 0), sumTotals = totals.reduce((a, b) => a + b, 0);
  start[0] = Math.log((sumEvents + 0.5) / (sumTotals - sumEvents + 0.5)) * (orthogonal.inverse[0]?.[0] ?? 1);
  start[columns] = Math.max(0.5, Math.sqrt(logits.reduce((a, b) => a + (b - meanLogit) ** 2, 0) / Math.max(1, logits.length - 1)));
  const scale = Math.max(100, Math.abs(likelihood.evaluate(start)));
  const result = minimize(likelihood.evaluate, start, { gradientTolerance: 1e-9 * scale });
  const gamma = result.x.slice(0, columns);
  const coefficients = orthogonal.transform.map((row) => row.reduce((sum, t, j) => sum + t * (gamma[j] ?? 0), 0));
  const tau = result.x[columns] as number;
  likelihood.evaluate(result.x);
  return { result, likelihood, orthogonal, coefficients, tau, scale, randomEffects: Array.from(likelihood.modes, (u) => tau * u) };
}

/**
 * Fits the univariate random-intercept GLMM to `events` out of `totals` (one entry per study).
 * options.design: per-study design rows including the intercept column (default intercept only);
 * options.quadrature: GH points (default 7; 1 = Laplace).
 * @throws RangeError on invalid counts or design
 */
export function univariateRandomInterceptGlmm(
  events: number[],
  totals: number[],
  options: { quadrature?: number; design?: number[][] } = {},
): UnivariateGlmmFit {
  const quadrature = options.quadrature ?? 7;
  if (!Number.isInteger(quadrature) || quadrature < 1 || quadrature > 50) throw new RangeError(`univariateRandomInterceptGlmm: quadrature must be an integer in [1, 50], got ${quadrature}`);
  if (events.length !== totals.length || events.length === 0) throw new RangeError('univariateRandomInterceptGlmm: events and totals must be non-empty and of equal length');
  events.forEach((y, i) => {
    const n = totals[i] as number;
    if (!(Number.isFinite(y) && Number.isFinite(n) && y >= 0 && n >= y)) throw new RangeError(`univariateRandomInterceptGlmm: invalid counts at study ${i + 1}: ${y} of ${n}`);
  });
  const keep = totals.map((n, i) => (n > 0 ? i : -1)).filter((i) => i >= 0);
  if (keep.length === 0) throw new NotEstimableError('univariateRandomInterceptGlmm: every study has n = 0');
  const fullDesign = options.design ?? events.map(() => [1]);
  if (fullDesign.length !== events.length || fullDesign.some((row) => row.length !== (fullDesign[0]?.length ?? 0) || row.length === 0 || row.some((v) => !Number.isFinite(v)))) {
    throw new RangeError('univariateRandomInterceptGlmm: design must have one finite, non-empty row of equal length per study');
  }
  const y = keep.map((i) => events[i] as number), n = keep.map((i) => totals[i] as number);
  const fit = fitUnivariateEstimates(y, n, keep.map((i) => fullDesign[i] as number[]), quadrature);
  const { result, likelihood, orthogonal, tau } = fit;
  const columns = likelihood.columns;
  const gradientAt = (x: number[]): number[] => {
    const g = new Float64Array(columns + 1);
    likelihood.evaluate(x, g);
    return Array.from(g);
  };
  const hessian = hessianFromGradient(gradientAt, result.x, { levels: 1 });
  const notes: StatsNote[] = [];
  let block = invertSymmetric(hessian)?.slice(0, columns).map((row) => row.slice(0, columns)) ?? null;
  if (!block) {
    block = invertSymmetric(hessian.slice(0, columns).map((row) => row.slice(0, columns)));
    notes.push({ code: 'hessian-not-pd' }, { code: 'se-conditional-on-variance-parameters', detail: { reason: 'hessian-not-pd' } });
  }
  const vcov = block ? sandwich(orthogonal.transform, block) : orthogonal.transform.map((row) => row.map(() => NaN));
  const tau2 = tau * tau;
  if (tau2 < 1e-8) notes.push({ code: 'tau2-at-zero', detail: { tau2 } });
  const gradientNorm = result.gradient.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
  // |linear predictor| > 15: no finite ML estimate (e.g. every study at 100%), the likelihood is flat
  const largest = keep.reduce((m, i) => Math.max(m, Math.abs((fullDesign[i] as number[]).reduce((sum, x, c) => sum + x * (fit.coefficients[c] as number), 0))), 0);
  if (largest > 15) notes.push({ code: 'mu-at-bound', detail: { linearPredictor: largest } });
  const converged = (result.convergence === 0 || result.convergence === 2) && gradientNorm < 1e-6 * fit.scale && !!block && largest <= 15;
  if (!converged) notes.unshift({ code: 'glmm-not-converged', detail: { message: result.message, convergence: result.convergence, gradientNorm } });
  const se = vcov.map((row, c) => Math.sqrt(row[c] ?? NaN));
  const randomEffects = events.map(() => 0);
  keep.forEach((i, j) => { randomEffects[i] = fit.randomEffects[j] as number; });
  return {
    method: 'glmm-univariate',
    label: quadrature === 1
      ? 'univariate binomial GLMM, ML, Laplace approximation (1 point)'
      : `univariate binomial GLMM, ML, adaptive Gauss–Hermite quadrature, ${quadrature} points`,
    quadrature,
    k: keep.length,
    converged,
    notes,
    logLik: -result.value,
    mu: fit.coefficients[0] as number,
    se: se[0] as number,
    tau2,
    coefficients: { est: fit.coefficients, se, vcov },
    randomEffects,
    optimizer: { iterations: result.iterations, gradientNorm, evaluations: result.evaluations, message: result.message },
  };
}
