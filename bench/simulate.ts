/**
 * Seeded simulation of DTA data from the bivariate logit-normal model (bench input):
 * (logit sens_i, logit spec_i) ~ N2((μ_sens, μ_spec), Σ), n1_i ~ U{10..150}, n0_i ~ U{30..400},
 * TP_i ~ Bin(n1_i, sens_i), TN_i ~ Bin(n0_i, spec_i). PRNG: mulberry32 (deterministic per seed).
 */
import type { Counts } from '../src/stats/types.ts';

export const simulationTruth = { muSens: 1.4, muSpec: 2.0, tau2Sens: 0.7, tau2Spec: 1.1, rho: -0.4 };

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function simulateStudies(k: number, seed: number): Counts[] {
  const uniform = mulberry32(seed);
  const normal = (): number => {
    const u = Math.max(uniform(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  const binomial = (n: number, p: number): number => {
    let count = 0;
    for (let j = 0; j < n; j++) if (uniform() < p) count++;
    return count;
  };
  const { muSens, muSpec, tau2Sens, tau2Spec, rho } = simulationTruth;
  const tauSens = Math.sqrt(tau2Sens), tauSpec = Math.sqrt(tau2Spec);
  const studies: Counts[] = [];
  for (let i = 0; i < k; i++) {
    const z1 = normal(), z2 = normal();
    const a = muSens + tauSens * z1;
    const b = muSpec + tauSpec * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
    const n1 = 10 + Math.floor(uniform() * 141);
    const n0 = 30 + Math.floor(uniform() * 371);
    const tp = binomial(n1, 1 / (1 + Math.exp(-a)));
    const tn = binomial(n0, 1 / (1 + Math.exp(-b)));
    studies.push({ tp, fn: n1 - tp, tn, fp: n0 - tn });
  }
  return studies;
}
