/**
 * Clopper–Pearson ("exact") confidence interval for a binomial proportion.
 *
 *   lo = B⁻¹(α/2; x, n − x + 1),   hi = B⁻¹(1 − α/2; x + 1, n − x),   α = 1 − level,
 *
 * with B⁻¹ the beta quantile; x = 0 gives lo = 0 and x = n gives hi = 1 (the limits of the formula).
 * This is what R's `binom.test(x, n)$conf.int` returns and what Stata's `invbinomial()` gives in
 * midas (METHODS §0), i.e. the study-level sensitivity/specificity intervals of forest plots.
 *
 * Reference: Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in
 * the case of the binomial. Biometrika 26:404–413. doi:10.1093/biomet/26.4.404
 *
 * Edge cases: n = 0 (an empty arm) has no estimate; the result is marked `estimable: false` with
 * `est`, `lo`, `hi` set to null and the note `proportion_not_estimable` (no NaN in the output).
 * Non-integer or negative counts, or x > n, throw a RangeError.
 *
 * Example: clopperPearson(3, 10) → est 0.3, lo 0.06673951..., hi 0.65245285...
 */
import type { Counts, StatsNote } from './types.ts';
import { betaQuantile } from './distributions.ts';

export interface ClopperPearsonResult {
  method: 'clopper-pearson';
  level: number;
  x: number;
  n: number;
  estimable: boolean;
  /** x / n, or null when n = 0 */
  est: number | null;
  lo: number | null;
  hi: number | null;
  notes: StatsNote[];
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/** Exact binomial confidence interval for x successes in n trials. */
export function clopperPearson(x: number, n: number, level = 0.95): ClopperPearsonResult {
  checkCount('x', x);
  checkCount('n', n);
  if (x > n) throw new RangeError(`x (${x}) must not exceed n (${n})`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (n === 0) {
    return {
      method: 'clopper-pearson',
      level,
      x,
      n,
      estimable: false,
      est: null,
      lo: null,
      hi: null,
      notes: [{ code: 'proportion_not_estimable', detail: { reason: 'n_zero' } }],
    };
  }
  const alpha = 1 - level;
  const lo = x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1);
  const hi = x === n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x);
  return { method: 'clopper-pearson', level, x, n, estimable: true, est: x / n, lo, hi, notes: [] };
}

export interface StudyProportions {
  method: 'study-proportions-clopper-pearson';
  level: number;
  /** TP / (TP + FN) per study with its exact interval */
  sens: ClopperPearsonResult[];
  /** TN / (TN + FP) per study with its exact interval */
  spec: ClopperPearsonResult[];
}

/**
 * Study-level sensitivity and specificity with Clopper–Pearson intervals from the raw (uncorrected)
 * counts, as in midas/metandi/RevMan forest plots.
 */
export function studyProportions(counts: readonly Counts[], level = 0.95): StudyProportions {
  return {
    method: 'study-proportions-clopper-pearson',
    level,
    sens: counts.map((c) => clopperPearson(c.tp, c.tp + c.fn, level)),
    spec: counts.map((c) => clopperPearson(c.tn, c.tn + c.fp, level)),
  };
}
