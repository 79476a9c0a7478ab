/**
 * Seeded pseudo-random numbers for simulation-based intervals (parametric bootstrap), so that every
 * run with the same seed gives the same result on every platform.
 *
 * Generator: xoshiro128** (Blackman & Vigna), 32-bit state words seeded by splitmix32; uniforms
 * have 53 random bits (two outputs). Normal deviates by the Box–Muller transform; binomial deviates
 * by inversion of the cumulative distribution started at the mode ("chop-down" search outwards),
 * exact up to floating-point rounding, O(sqrt(n·p·(1−p))) expected work.
 *
 * References: Blackman D, Vigna S (2021). Scrambled linear pseudorandom number generators. ACM Trans
 * Math Softw 47(4):36. doi:10.1145/3460772. Box GEP, Muller ME (1958). A note on the generation of
 * random normal deviates. Ann Math Stat 29:610–611. doi:10.1214/aoms/1177706645. Kachitvichyanukul V,
 * Schmeiser BW (1988). Binomial random variate generation. Commun ACM 31:216–222.
 * doi:10.1145/42372.42381 (inversion algorithms).
 *
 * Edge cases: the seed must be a finite integer (any value; it is reduced to 32 bits); binomial(n, p)
 * requires an integer n ≥ 0 and p in [0, 1] (p = 0 or 1 and n = 0 return the obvious value).
 */
import { logGamma } from './log-choose.ts';

export interface Rng {
  /** uniform on [0, 1) with 53 random bits */
  uniform(): number;
  /** standard normal deviate */
  normal(): number;
  /** binomial(n, p) deviate */
  binomial(n: number, p: number): number;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** ln Γ(x): one implementation, in log-choose.ts (re-exported for the binomial sampler's users). */
export { logGamma };

/** A seeded xoshiro128** generator. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const sm = splitmix32(seed);
  const s = new Uint32Array([sm(), sm(), sm(), sm()]);
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const binomial = (n: number, p: number): number => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomial n must be an integer >= 0, got ${n}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial p must be in [0, 1], got ${p}`);
    if (n === 0 || p === 0) return 0;
    if (p === 1) return n;
    const mode = Math.min(n, Math.floor((n + 1) * p));
    const lp = Math.log(p);
    const lq = Math.log1p(-p);
    const lchoose = logGamma(n + 1);
    const pmfAt = (x: number): number => Math.exp(lchoose - logGamma(x + 1) - logGamma(n - x + 1) + x * lp + (n - x) * lq);
    const ratioUp = p / (1 - p);
    let u = uniform();
    const fMode = pmfAt(mode);
    u -= fMode;
    if (u < 0) return mode;
    // alternate below/above the mode, updating the pmf by its recurrence
    let lo = mode;
    let hi = mode;
    let fLo = fMode;
    let fHi = fMode;
    for (;;) {
      if (lo > 0) {
        fLo = (fLo * lo) / ((n - lo + 1) * ratioUp);
        lo -= 1;
        u -= fLo;
        if (u < 0) return lo;
      }
      if (hi < n) {
        fHi = (fHi * (n - hi) * ratioUp) / (hi + 1);
        hi += 1;
        u -= fHi;
        if (u < 0) return hi;
      }
      if (lo === 0 && hi === n) return mode; // rounding left a sliver of probability
    }
  };
  return { uniform, normal, binomial };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
