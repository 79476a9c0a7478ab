/** midas bvbox vs an independent R implementation (tests/fixtures-r/bivariate-boxplot.R). */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bivariateBoxplot, bivariateBoxplotXY, mad, median } from '../../src/stats/bivariate-boxplot.ts';
import { expectClose, referenceDatasets, referenceRows } from '../helpers/reference.ts';

const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures-r', 'bivariate-boxplot.json'), 'utf8'));
const TOL = { name: 'R formula (1e-10 relative, floor 1)', rel: 1e-10 };

describe.each(referenceDatasets())('bivariateBoxplot — %s', (name) => {
  it('matches the R implementation (centre, radii, flags, hinge and fence curves)', () => {
    const x = fixture.datasets[name];
    const r = bivariateBoxplot(referenceRows(name));
    expectClose(`${name} centre logit sens`, r.centre.logitSens, x.centre.logit_sens, TOL);
    expectClose(`${name} centre logit spec`, r.centre.logitSpec, x.centre.logit_spec, TOL);
    r.studies.forEach((st, i) => {
      expectClose(`${name} study ${i} theta`, st.theta, x.theta[i], TOL);
      expectClose(`${name} study ${i} radius`, st.radius, x.radius[i], TOL);
      expectClose(`${name} study ${i} hinge radius`, st.hingeRadius, x.hinge_radius[i], TOL);
      expect(st.outsideHinge, `${name} study ${i} outside hinge`).toBe(x.outside_hinge[i]);
      expect(st.outsideFence, `${name} study ${i} outside fence`).toBe(x.outside_fence[i]);
    });
    for (const curve of ['hinge', 'fence'] as const) {
      expect(r[curve]).toHaveLength(x[curve].logit_sens.length);
      r[curve].forEach((p, i) => {
        expectClose(`${name} ${curve}[${i}] logit sens`, p.logitSens, x[curve].logit_sens[i], TOL);
        expectClose(`${name} ${curve}[${i}] logit spec`, p.logitSpec, x[curve].logit_spec[i], TOL);
      });
    }
  });
});

describe('bivariate boxplot helpers', () => {
  it('median and MAD follow the midas definitions', () => {
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
  });
  it('zero MAD gives empty curves with a note; too few studies throw', () => {
    const r = bivariateBoxplotXY([1, 1, 1, 2], [0, 1, 2, 3]);
    expect(r.notes[0]?.code).toBe('bvbox_zero_mad');
    expect(r.hinge).toEqual([]);
    expect(() => bivariateBoxplotXY([1, 2, 3], [1, 2, 3])).toThrow(RangeError);
  });
});
