/**
 * Shared types of the statistics engine (`src/stats/`). Pure data: every value here is plain,
 * JSON-serialisable and carries no formatting. Probabilities are on the natural scale unless a
 * name says `logit`/`log`.
 */

/** One 2x2 table: index test against reference standard. */
export interface Counts {
  /** true positives (diseased, test positive) */
  tp: number;
  /** false positives (non-diseased, test positive) */
  fp: number;
  /** false negatives (diseased, test negative) */
  fn: number;
  /** true negatives (non-diseased, test negative) */
  tn: number;
}

/** A point estimate with a two-sided confidence interval (level given by the producer). */
export interface Interval {
  est: number;
  lo: number;
  hi: number;
}

/**
 * A machine-readable diagnostic raised by a numerical routine (non-convergence, a variance at its
 * boundary, a correlation at +-1, ...). `code` is stable; the text shown to users is produced from
 * it by `src/messages.ts`, so numerics never format prose.
 */
export interface StatsNote {
  code: string;
  /** numbers or labels the message needs (e.g. { parameter: 'rho', value: -1 }) */
  detail?: Record<string, number | string | boolean | null>;
}

/** 2x2 symmetric matrix as nested arrays: [[a, b], [b, c]]. */
export type Matrix2 = [[number, number], [number, number]];
