import { describe, expect, it } from 'vitest';
import { bivariateBoxplotSpec } from '../../src/figures/bivariate-boxplot.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { bivariateBoxplotInput } from './analysis-fixtures.ts';

describe('bivariate box plot: golden files', () => {
  for (const axes of ['logit', 'probability'] as const) {
    it(`${axes} axes: Vega-Lite spec and normalised SVG match the goldens, without warnings`, async () => {
      await expectFigure(`bivariate-boxplot-${axes}`, bivariateBoxplotSpec(bivariateBoxplotInput(), { axes }), axes === 'logit' ? 567 : 581);
    });
  }
});

describe('bivariate box plot: content', () => {
  it('labels every outlying study with its table number and name, numbers the others, and has a legend entry per element', async () => {
    const input = bivariateBoxplotInput();
    const figure = await renderFigure(bivariateBoxplotSpec(input));
    const texts = svgTexts(figure.svg);
    const outliers = input.studies.filter((study) => study.outlier).map((study) => `${study.number} ${study.label}`);
    expect(outliers).toHaveLength(6);
    for (const name of outliers) expect(texts).toContain(name);
    expect(texts).toContain('1');
    for (const entry of ['Study outside the fence (number and name)', 'Median', 'Hinge', 'Fence', 'Logit sensitivity', 'Logit specificity']) expect(texts).toContain(entry);
    expect(figure.svg).not.toContain('…');
  });

  it('draws hinge and fence as closed, filled paths (the fence dashed)', () => {
    type Layer = { mark: { type: string; interpolate?: string; strokeDash?: number[]; fill?: string }; data: { values: { order: number }[] } };
    const spec = bivariateBoxplotSpec(bivariateBoxplotInput()) as unknown as { vconcat: [{ layer: Layer[] }] };
    const [fence, hinge] = spec.vconcat[0].layer;
    for (const curve of [fence, hinge]) {
      expect(curve?.mark).toMatchObject({ type: 'line', interpolate: 'linear-closed' });
      expect(curve?.mark.fill).toBeDefined();
    }
    expect(fence?.mark.strokeDash).toBeDefined();
    expect(hinge?.mark.strokeDash).toBeUndefined();
    expect(hinge?.data.values.map((row) => row.order)).toEqual(hinge?.data.values.map((_row, index) => index));
  });

  it('labels probability axes with proportions at logit positions', async () => {
    const texts = svgTexts((await renderFigure(bivariateBoxplotSpec(bivariateBoxplotInput(), { axes: 'probability', pointLabels: 'none' }))).svg);
    expect(texts).toContain('Sensitivity (logit scale)');
    expect(texts).toContain('0.9');
    expect(texts).toContain('0.99');
    expect(texts).not.toContain('26');
  });
});
