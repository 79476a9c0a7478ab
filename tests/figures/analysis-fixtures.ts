/**
 * Literal inputs for the analysis figures (Deeks, meta-regression, bivariate box plot, univariate
 * forest, Fagan, LR scattergram, leave-one-out, cumulative). Figures never compute statistics, so
 * these are plain numbers, hard-coded once and labelled by where they came from:
 * - osteoporosis: tests/reference/expected/osteoporosis_dl_standin.json (R: lme4 glmer Laplace
 *   bivariate GLMM and meta-regressions, the Deeks regression), rounded to 4 significant digits;
 *   subgroup sizes k counted in tests/reference/datasets/osteoporosis_dl_standin.csv; Wald p from
 *   the glmer coefficient z = est/se.
 * - scheidler_lag: tests/reference/expected/scheidler_lag.json (metafor REML univariate lnDOR).
 * - Per-study points (Deeks, box plot, LR scattergram) were computed once from the 2x2 counts of
 *   the same CSVs (0.5 added to all cells of studies with a zero cell) and are in
 *   analysis-fixture.json; the box-plot curves come from src/stats/bivariate-boxplot.ts on those counts.
 * - Leave-one-out and cumulative rows are illustrative numbers of plausible size (not a fit).
 */
import { readFileSync } from 'node:fs';
import type { MetaRegressionInput } from '../../src/figures/meta-regression.ts';
import type { LeaveOneOutInput } from '../../src/figures/leave-one-out.ts';
import type { CumulativeInput } from '../../src/figures/cumulative.ts';
import type { UnivariateForestInput } from '../../src/figures/univariate-forest.ts';
import type { DeeksInput } from '../../src/figures/deeks.ts';
import type { FaganInput } from '../../src/figures/fagan.ts';
import type { LrScattergramInput } from '../../src/figures/lr-scattergram.ts';
import type { BivariateBoxplotInput } from '../../src/figures/bivariate-boxplot.ts';

export const metaRegressionInput: MetaRegressionInput = {
  covariates: [
    {
      name: 'Image type',
      lrtP: 0.0005618,
      waldP: { sens: 0.1396, spec: 0.00008142 },
      levels: [
        { label: 'Lumbar spine', k: 13, sens: { est: 0.8962, lo: 0.8335, hi: 0.9371 }, spec: { est: 0.9447, lo: 0.9116, hi: 0.9659 } },
        { label: 'Hip', k: 13, sens: { est: 0.8321, lo: 0.7505, hi: 0.8909 }, spec: { est: 0.8171, lo: 0.743, hi: 0.8735 } },
      ],
    },
    {
      name: 'Validation',
      lrtP: 0.4436,
      waldP: { sens: 0.1974, spec: 0.9649 },
      levels: [
        { label: 'Internal', k: 21, sens: { est: 0.8788, lo: 0.828, hi: 0.916 }, spec: { est: 0.8956, lo: 0.8412, hi: 0.9328 } },
        { label: 'External', k: 5, sens: { est: 0.8002, lo: 0.6403, hi: 0.9001 }, spec: { est: 0.8978, lo: 0.7744, hi: 0.9574 } },
      ],
    },
    {
      name: 'Transfer learning',
      lrtP: 0.00000128,
      waldP: { sens: 0.0001446, spec: 0.0009188 },
      levels: [
        { label: 'Yes', k: 22, sens: { est: 0.8329, lo: 0.7837, hi: 0.8728 }, spec: { est: 0.8669, lo: 0.8189, hi: 0.9037 } },
        { label: 'No', k: 4, sens: { est: 0.9813, lo: 0.9419, hi: 0.9941 }, spec: { est: 0.9771, lo: 0.937, hi: 0.9919 } },
      ],
    },
  ],
  overall: { k: 26, sens: { est: 0.8667, lo: 0.8157, hi: 0.9053 }, spec: { est: 0.8962, lo: 0.8488, hi: 0.9299 } },
};

const ALL_STUDIES = { k: 26, sens: { est: 0.8667, lo: 0.8157, hi: 0.9053 }, spec: { est: 0.8962, lo: 0.8488, hi: 0.9299 } };

/** Illustrative leave-one-out rows: two estimates leave the all-studies CI (specificity of row 3, sensitivity of row 5). */
export const leaveOneOutInput: LeaveOneOutInput = {
  all: ALL_STUDIES,
  rows: [
    { omitted: 'Dzierżak 2022 VGG16', sens: { est: 0.8641, lo: 0.8118, hi: 0.9034 }, spec: { est: 0.8949, lo: 0.8461, hi: 0.9295 } },
    { omitted: 'Yamamoto 2020 EfficientNet-b3', sens: { est: 0.8655, lo: 0.8131, hi: 0.9048 }, spec: { est: 0.8931, lo: 0.8447, hi: 0.9279 } },
    { omitted: 'Hsieh 2021 VGG-16 (hip)', sens: { est: 0.8712, lo: 0.8214, hi: 0.9087 }, spec: { est: 0.9318, lo: 0.8912, hi: 0.9581 } },
    { omitted: 'Liu 2019 U-Net', sens: { est: 0.8734, lo: 0.8258, hi: 0.9098 }, spec: { est: 0.9012, lo: 0.8561, hi: 0.9333 } },
    { omitted: 'Küçükçiloğlu 2023 CNN (variant B)', sens: { est: 0.8106, lo: 0.7623, hi: 0.8511 }, spec: { est: 0.8874, lo: 0.8402, hi: 0.9218 } },
    { omitted: 'Yasaka 2020 CNN', sens: { est: 0.8659, lo: 0.8133, hi: 0.9052 }, spec: { est: 0.8997, lo: 0.8527, hi: 0.9328 } },
  ],
};

/** Illustrative cumulative steps by publication year (the first two fits are not estimable: k < 4). */
export const cumulativeByStudyInput: CumulativeInput = {
  steps: [
    { added: { study: 'Liu', year: 2019 }, k: 1 },
    { added: { study: 'Yamamoto', year: 2020 }, k: 6 },
    { added: { study: 'Yasaka', year: 2020 }, k: 7, sens: { est: 0.8843, lo: 0.8012, hi: 0.9357 }, spec: { est: 0.8611, lo: 0.7775, hi: 0.9168 } },
    { added: { study: 'Hsieh', year: 2021 }, k: 9, sens: { est: 0.8721, lo: 0.7968, hi: 0.9225 }, spec: { est: 0.8702, lo: 0.8003, hi: 0.9181 } },
    { added: { study: 'Jang', year: 2021 }, k: 10, sens: { est: 0.8702, lo: 0.8001, hi: 0.9182 }, spec: { est: 0.8725, lo: 0.8067, hi: 0.9182 } },
    { added: { study: 'Yamamoto', year: 2021 }, k: 15, sens: { est: 0.8589, lo: 0.7977, hi: 0.9035 }, spec: { est: 0.8754, lo: 0.8198, hi: 0.9159 } },
    { added: { study: 'Dzierżak', year: 2022 }, k: 21, sens: { est: 0.8702, lo: 0.8183, hi: 0.9090 }, spec: { est: 0.8928, lo: 0.8439, hi: 0.9276 } },
    { added: { study: 'Mao', year: 2022 }, k: 22, sens: { est: 0.8688, lo: 0.8191, hi: 0.9064 }, spec: { est: 0.8941, lo: 0.8467, hi: 0.9281 } },
    { added: { study: 'Hong', year: 2023 }, k: 23, sens: { est: 0.8614, lo: 0.8104, hi: 0.9004 }, spec: { est: 0.8952, lo: 0.8481, hi: 0.9288 } },
    { added: { study: 'Küçükçiloğlu', year: 2023 }, ...ALL_STUDIES },
  ],
};

/** Illustrative cumulative steps by search date (review updates). */
export const cumulativeBySearchInput: CumulativeInput = {
  steps: [
    { added: { searchDate: '2021-06-30' }, k: 9, sens: { est: 0.8721, lo: 0.7968, hi: 0.9225 }, spec: { est: 0.8702, lo: 0.8003, hi: 0.9181 } },
    { added: { searchDate: '2022-12-31' }, k: 22, sens: { est: 0.8688, lo: 0.8191, hi: 0.9064 }, spec: { est: 0.8941, lo: 0.8467, hi: 0.9281 } },
    { added: { searchDate: '2023-12-01' }, ...ALL_STUDIES },
  ],
};

interface FixtureStudy {
  label: string; dor: number; dorLo: number; dorHi: number; weight: number; invSqrtEss: number;
  lrPositive: number; lrNegative: number; logitSens: number; logitSpec: number;
}

interface FixtureBoxplot {
  centre: { logitSens: number; logitSpec: number };
  outsideFence: number[];
  outsideHinge: number[];
  hinge: { logitSens: number; logitSpec: number }[];
  fence: { logitSens: number; logitSpec: number }[];
}

export function analysisFixture(): { studies: FixtureStudy[]; boxplot: FixtureBoxplot } {
  return JSON.parse(readFileSync(new URL('./analysis-fixture.json', import.meta.url), 'utf8')) as { studies: FixtureStudy[]; boxplot: FixtureBoxplot };
}

/**
 * DOR forest of the 26 osteoporosis models: per-study Woolf CIs and REML weights (metafor); diamonds:
 * the bivariate glmer summary DOR (osteoporosis_dl_standin.json) and the univariate REML pool (metafor).
 */
export function univariateForestInput(): UnivariateForestInput {
  return {
    measure: 'dor',
    studies: analysisFixture().studies.map((study) => ({ label: study.label, estimate: { est: study.dor, lo: study.dorLo, hi: study.dorHi }, weight: study.weight })),
    pooled: [
      { method: 'Pooled (bivariate GLMM)', estimate: { est: 56.14, lo: 30.27, hi: 104.1 } },
      { method: 'Univariate random effects (REML)', estimate: { est: 46.06, lo: 27.35, hi: 77.59 } },
    ],
    heterogeneity: { label: 'Univariate REML pool', q: 212.35, df: 25, p: 1.261e-31, i2: 0.9583, tau2: 1.459 },
  };
}

/**
 * Deeks' funnel plot of the 26 osteoporosis models; regression from R lm (osteoporosis_dl_standin.json:
 * intercept 3.643, slope 6.852), its line drawn between the smallest and largest 1/√ESS of the studies.
 */
export function deeksInput(): DeeksInput {
  const studies = analysisFixture().studies.map((study, index) => ({ number: index + 1, label: study.label, dor: study.dor, invSqrtEss: study.invSqrtEss }));
  const ys = studies.map((study) => study.invSqrtEss);
  return {
    studies,
    regression: { p: 0.3012, line: [Math.min(...ys), Math.max(...ys)].map((invSqrtEss) => ({ invSqrtEss, dor: Math.exp(3.643 + 6.852 * invSqrtEss) })) },
  };
}

/** Bivariate box plot of the 26 osteoporosis models (curves from src/stats/bivariate-boxplot.ts; outliers = outside the fence). */
export function bivariateBoxplotInput(): BivariateBoxplotInput {
  const { studies, boxplot } = analysisFixture();
  return {
    studies: studies.map((study, index) => ({ number: index + 1, label: study.label, logitSens: study.logitSens, logitSpec: study.logitSpec, outlier: boxplot.outsideFence.includes(index) })),
    hinge: boxplot.hinge,
    fence: boxplot.fence,
    centre: boxplot.centre,
  };
}

/** LR scattergram of the 26 osteoporosis models; summary LR+/LR− of the glmer fit (osteoporosis_dl_standin.json). */
export function lrScattergramInput(): LrScattergramInput {
  return {
    studies: analysisFixture().studies.map((study, index) => ({ number: index + 1, label: study.label, lrPositive: study.lrPositive, lrNegative: study.lrNegative })),
    summary: { lrPositive: { est: 8.348, lo: 5.618, hi: 12.4 }, lrNegative: { est: 0.1487, lo: 0.1055, hi: 0.2096 } },
  };
}

/** Fagan nomogram at a 20% pre-test probability with the glmer summary LRs (post-test odds = 0.25·LR). */
export const faganInput: FaganInput = {
  prior: 0.2,
  positive: { lr: 8.348, posterior: 0.6761 },
  negative: { lr: 0.1487, posterior: 0.03584 },
};
