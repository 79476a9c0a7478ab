/**
 * Fixed figure inputs for the golden tests. Figures never compute statistics, so these are literal
 * numbers, hard-coded once and labelled by where they came from:
 * - rows: the first 6 studies of tests/reference/datasets/scheidler_lag.csv (2x2 counts from the
 *   file); per-study CIs are exact Clopper–Pearson 95% intervals, computed once and rounded to 4 dp.
 * - pooled: the bivariate GLMM (glmer, Laplace) summary of all 17 studies from
 *   tests/reference/expected/scheidler_lag.json, rounded to 4 dp (illustrative: not the 6-row fit).
 * - heterogeneity: τ² of the same glmer fit and the Zhou–Dendukuri I² of tests/fixtures-r/heterogeneity.json
 *   (scheidler_lag), rounded (the specificity panel is given as a preformatted string).
 * - SROC: see tests/figures/sroc-fixture.json (written once from the glmer parameters of the same
 *   file; curve = Rutter–Gatsonis SROC, regions = 95% chi² ellipses, coarse grids to keep goldens small).
 */
import { readFileSync } from 'node:fs';
import type { ForestInput, ForestStudy } from '../../src/figures/forest.ts';
import type { SrocInput } from '../../src/figures/sroc.ts';

export const scheidlerRows: ForestStudy[] = [
  { label: 'Kindermann 1970', sens: { est: 0.6552, lo: 0.4567, hi: 0.8206 }, spec: { est: 0.9878, lo: 0.9339, hi: 0.9997 }, nDiseased: 29, nNonDiseased: 82, counts: { tp: 19, fp: 1, fn: 10, tn: 81 } },
  { label: 'Lecart & Lenfant 1971', sens: { est: 0.8, lo: 0.4439, hi: 0.9748 }, spec: { est: 0.5909, lo: 0.3635, hi: 0.7929 }, nDiseased: 10, nNonDiseased: 22, counts: { tp: 8, fp: 9, fn: 2, tn: 13 } },
  { label: 'Piver 1971', sens: { est: 0.7736, lo: 0.6379, hi: 0.8772 }, spec: { est: 0.98, lo: 0.8935, hi: 0.9995 }, nDiseased: 53, nNonDiseased: 50, counts: { tp: 41, fp: 1, fn: 12, tn: 49 } },
  { label: 'Piver & Barlow 1973', sens: { est: 0.7143, lo: 0.2904, hi: 0.9633 }, spec: { est: 0.9474, lo: 0.7397, hi: 0.9987 }, nDiseased: 7, nNonDiseased: 19, counts: { tp: 5, fp: 1, fn: 2, tn: 18 } },
  { label: 'Kolbenstvedt 1975', sens: { est: 0.5844, lo: 0.4664, hi: 0.6957 }, spec: { est: 0.7399, lo: 0.6771, hi: 0.7962 }, nDiseased: 77, nNonDiseased: 223, counts: { tp: 45, fp: 58, fn: 32, tn: 165 } },
  { label: 'Leman 1975', sens: { est: 0.8, lo: 0.4439, hi: 0.9748 }, spec: { est: 0.8421, lo: 0.6875, hi: 0.9398 }, nDiseased: 10, nNonDiseased: 38, counts: { tp: 8, fp: 6, fn: 2, tn: 32 } },
];

export const forestInput: ForestInput = {
  rows: scheidlerRows,
  pooled: {
    label: 'Pooled (bivariate GLMM)',
    sens: { est: 0.674, lo: 0.6048, hi: 0.7364 },
    spec: { est: 0.8373, lo: 0.7596, hi: 0.8934 },
  },
  heterogeneity: {
    sens: { tau2: 0.1215, i2: 0.2233, i2Name: 'Zhou–Dendukuri' },
    spec: 'τ² = 0.811; I² = 74.1% (Zhou–Dendukuri)',
  },
  note: 'Squares: study estimates (area proportional to the number of diseased or non-diseased patients); lines: exact 95% CIs; diamonds: pooled estimates with 95% CIs; dashed lines: pooled estimates.',
};

/** The first pipeline version: per-study CIs only, no pooled row or heterogeneity. */
export const forestInputStudiesOnly: ForestInput = { rows: scheidlerRows };

export const LONG_LABEL = 'Fernández-García, Oyelaran-Whitcombe & Abernathy-Kowals 2021';

export function srocInput(): SrocInput {
  return JSON.parse(readFileSync(new URL('./sroc-fixture.json', import.meta.url), 'utf8')) as SrocInput;
}
