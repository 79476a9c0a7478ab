/**
 * Per-study DOR, LR+ and LR− of the forest plots (results.studyRatios, src/results/clinical.ts
 * studyRatioEstimates): estimates, log-scale Wald CIs and percentage weights in the univariate
 * REML pool, against metafor 3.8 (escalc + rma + weights; tests/fixtures-r/study-ratios.R).
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { studyRatioEstimates, type StudyRatioEstimates } from '../../src/results/clinical.ts';
import { univariateMetaAnalysis } from '../../src/stats/univariate.ts';
import { expectClose, referenceRows } from '../helpers/reference.ts';

interface Expected {
  est: number[];
  lo: number[];
  hi: number[];
  weight: number[];
  tau2: number;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures-r/study-ratios.json', import.meta.url), 'utf8')) as {
  datasets: Record<string, { k: number; dor: Expected; lr_positive: Expected; lr_negative: Expected }>;
};

const RATIO = { name: 'escalc ratio and Wald CI (1e-9 relative)', rel: 1e-9 };
// weights depend on τ², which metafor reaches by Fisher scoring to 1e-12 and metadx to 1e-10
const WEIGHT = { name: 'rma REML weight, percent (1e-6 relative)', rel: 1e-6 };
const TAU2 = { name: 'rma REML τ² (1e-7 absolute)', abs: 1e-7 };

const MEASURES: [StudyRatioEstimates['measure'], 'dor' | 'lr_positive' | 'lr_negative'][] = [
  ['logDor', 'dor'],
  ['logLrPos', 'lr_positive'],
  ['logLrNeg', 'lr_negative'],
];

describe.each(Object.keys(fixture.datasets))('per-study ratios and REML weights vs metafor — %s', (name) => {
  const rows = referenceRows(name);
  it.each(MEASURES)('%s', (measure, key) => {
    const expected = fixture.datasets[name]![key];
    const pool = univariateMetaAnalysis(rows, measure, { estimator: 'REML', add: 0.5, to: 'only0' });
    expectClose(`${name} ${key} tau2`, pool.tau2, expected.tau2, TAU2);
    const got = studyRatioEstimates(rows, measure, pool.tau2, 0.95);
    got.studies.forEach((study, j) => {
      const context = `${name} ${key} study ${study.study + 1} (${rows[study.study]!.study})`;
      expectClose(`${context} est`, study.est, expected.est[j]!, RATIO);
      expectClose(`${context} lo`, study.lo, expected.lo[j]!, RATIO);
      expectClose(`${context} hi`, study.hi, expected.hi[j]!, RATIO);
      expectClose(`${context} weight`, study.weight, expected.weight[j]!, WEIGHT);
    });
  });
});
