/**
 * Continuity ("zero-cell") correction of 2x2 tables.
 *
 * Policies (value c, default 0.5):
 *  - `single`: add c to all four cells of every study that has at least one zero cell
 *    (midas `zcf()`, METHODS §0; metafor `escalc(to = "only0")` for 2x2 measures;
 *    mada `correction.control = "single"`).
 *  - `all`: if any cell of any study is zero, add c to all four cells of all studies
 *    (mada `reitsma` default `correction.control = "all"`).
 *  - `none`: counts unchanged.
 *
 * Reference: Sweeting MJ, Sutton AJ, Lambert PC (2004). What to add to nothing? Use and avoidance
 * of continuity corrections in meta-analysis of sparse data. Stat Med 23:1351–1375.
 * doi:10.1002/sim.1761
 *
 * Edge cases: an empty list returns an empty result; negative or non-finite counts throw; the value
 * must be finite and ≥ 0 (0 is allowed and behaves like `none` while still reporting which studies
 * had zeros).
 */
import type { Counts } from './types.ts';

export type CorrectionPolicy = 'single' | 'all' | 'none';

export interface ContinuityOptions {
  policy: CorrectionPolicy;
  /** amount added to each cell (default 0.5) */
  value?: number;
}

export interface ContinuityResult {
  method: 'continuity-correction';
  policy: CorrectionPolicy;
  value: number;
  /** corrected tables, same order as the input */
  counts: Counts[];
  /** per study: was the value added to its cells? */
  corrected: boolean[];
  /** indices of studies that had at least one zero cell (before correction) */
  zeroCellStudies: number[];
}

/** True if any of the four cells is zero. */
export function hasZeroCell(c: Counts): boolean {
  return c.tp === 0 || c.fp === 0 || c.fn === 0 || c.tn === 0;
}

/** Throws a RangeError unless every cell is a finite number ≥ 0. */
export function checkCounts(counts: readonly Counts[]): void {
  counts.forEach((c, i) => {
    for (const key of ['tp', 'fp', 'fn', 'tn'] as const) {
      const v = c[key];
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`study ${i}: ${key} must be a finite count >= 0, got ${v}`);
    }
  });
}

/** Applies a continuity-correction policy; see the module comment for the policies. */
export function applyContinuityCorrection(counts: readonly Counts[], options: ContinuityOptions): ContinuityResult {
  checkCounts(counts);
  const value = options.value ?? 0.5;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`correction value must be finite and >= 0, got ${value}`);
  const zero = counts.map(hasZeroCell);
  const zeroCellStudies = zero.flatMap((z, i) => (z ? [i] : []));
  const anyZero = zeroCellStudies.length > 0;
  const corrected = zero.map((z) => {
    if (options.policy === 'single') return z && value > 0;
    if (options.policy === 'all') return anyZero && value > 0;
    return false;
  });
  const out = counts.map((c, i) =>
    corrected[i] ? { tp: c.tp + value, fp: c.fp + value, fn: c.fn + value, tn: c.tn + value } : { tp: c.tp, fp: c.fp, fn: c.fn, tn: c.tn },
  );
  return { method: 'continuity-correction', policy: options.policy, value, counts: out, corrected, zeroCellStudies };
}
