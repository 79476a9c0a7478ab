/**
 * Summary measures and HSROC parameters recomputed from each reference engine block's own
 * (mu, vcov, tau2, cov) and compared with that block's `summary` and `hsroc` (tests/reference).
 */
import { describe, expect, it } from 'vitest';
import { summaryMeasures } from '../../src/stats/summary-measures.ts';
import { hsrocFromBivariate } from '../../src/stats/hsroc.ts';
import type { Matrix2 } from '../../src/stats/types.ts';
import { expectClose, referenceDatasets, referenceExpected, referenceExpectedQ7 } from '../helpers/reference.ts';
import { engineBlocks } from './reference-blocks.ts';

const EXACT = { name: 'delta-method summary (1e-9 relative, floor 1e-12)', rel: 1e-9, floor: 1e-12 };
const HSROC = { name: 'HSROC parameter (1e-9 relative, floor 1)', rel: 1e-9, floor: 1 };

const measures = [
  ['sens', 'sens'],
  ['spec', 'spec'],
  ['fpr', 'fpr'],
  ['dor', 'dor'],
  ['lr_pos', 'lrPos'],
  ['lr_neg', 'lrNeg'],
] as const;

describe.each(referenceDatasets())('summaryMeasures / hsrocFromBivariate — %s', (name) => {
  const blocks = [...engineBlocks(referenceExpected(name)), ...engineBlocks(referenceExpectedQ7(name) ?? {}, 'q7')];

  it('reproduces the `summary` of every engine block from its own mu and vcov', () => {
    const withSummary = blocks.filter(([, b]) => b.summary);
    expect(withSummary.length).toBeGreaterThan(5);
    for (const [path, b] of withSummary) {
      const vcov: Matrix2 = [
        [b.se_logit_sens ** 2, b.cov_mu_sens_spec],
        [b.cov_mu_sens_spec, b.se_logit_spec ** 2],
      ];
      const s = summaryMeasures({ sens: b.mu_logit_sens, spec: b.mu_logit_spec }, vcov);
      for (const [ref, ours] of measures) {
        const e = b.summary[ref];
        const g = s[ours];
        expectClose(`${name} ${path} ${ref}.est`, g.est, e.est, EXACT);
        expectClose(`${name} ${path} ${ref}.ci_lo`, g.lo, e.ci_lo, EXACT);
        expectClose(`${name} ${path} ${ref}.ci_hi`, g.hi, e.ci_hi, EXACT);
        if (e.se_transformed_scale !== undefined) expectClose(`${name} ${path} ${ref}.se`, g.seTransformed, e.se_transformed_scale, EXACT);
      }
    }
  });

  it('reproduces the `hsroc` of every engine block from its own parameters', () => {
    for (const [path, b] of blocks.filter(([, b]) => b.hsroc)) {
      const h = hsrocFromBivariate({
        mu: { sens: b.mu_logit_sens, spec: b.mu_logit_spec },
        tau2: { sens: b.tau2_sens, spec: b.tau2_spec },
        covRe: b.cov_re,
      });
      for (const key of ['Lambda', 'Theta', 'beta'] as const) {
        expectClose(`${name} ${path} hsroc.${key}`, h[key] ?? Number.NaN, b.hsroc[key], HSROC);
      }
      expectClose(`${name} ${path} hsroc.sigma2_alpha`, h.sigma2Alpha, b.hsroc.sigma2_alpha, HSROC);
      expectClose(`${name} ${path} hsroc.sigma2_theta`, h.sigma2Theta, b.hsroc.sigma2_theta, HSROC);
    }
  });
});

describe('summaryMeasures edge cases', () => {
  it('rejects a non-symmetric or negative-variance vcov', () => {
    expect(() => summaryMeasures({ sens: 1, spec: 1 }, [[0.1, 0.02], [0.03, 0.1]])).toThrow(RangeError);
    expect(() => summaryMeasures({ sens: 1, spec: 1 }, [[-0.1, 0], [0, 0.1]])).toThrow(RangeError);
  });
  it('gives 1/LR- and the diagnostic score consistently', () => {
    const s = summaryMeasures({ sens: 1.2, spec: 2 }, [[0.04, 0.01], [0.01, 0.09]]);
    expect(s.invLrNeg.est).toBeCloseTo(1 / s.lrNeg.est, 12);
    expect(s.invLrNeg.lo).toBeCloseTo(1 / s.lrNeg.hi, 12);
    expect(Math.exp(s.logDor.est)).toBeCloseTo(s.dor.est, 12);
  });
  it('marks HSROC as undefined when a variance is 0', () => {
    const h = hsrocFromBivariate({ mu: { sens: 1, spec: 2 }, tau2: { sens: 0, spec: 0.5 }, covRe: 0 });
    expect(h.beta).toBeNull();
    expect(h.notes[0]?.code).toBe('hsroc_undefined_zero_variance');
  });
});
