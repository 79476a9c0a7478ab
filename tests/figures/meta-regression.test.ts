import { describe, expect, it } from 'vitest';
import { metaRegressionSpec, type MetaRegressionInput, type SubgroupEstimate } from '../../src/figures/meta-regression.ts';
import { PANEL_METRICS } from '../../src/figures/interval-panels.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { metaRegressionInput } from './analysis-fixtures.ts';

type Dataset = { y: number; est?: number; text: string }[];

describe('meta-regression figure: golden files', () => {
  for (const xRange of ['data', 'full'] as const) {
    it(`x range ${xRange}: Vega-Lite spec and normalised SVG match the goldens, without warnings`, async () => {
      await expectFigure(`meta-regression-${xRange}`, metaRegressionSpec(metaRegressionInput, { xRange }), 640);
    });
  }
});

describe('meta-regression figure: content and layout', () => {
  it('shows headings with the joint LRT, levels with k, Wald p per panel and the all-studies row', async () => {
    const figure = await renderFigure(metaRegressionSpec(metaRegressionInput));
    const texts = svgTexts(figure.svg);
    for (const expected of ['Image type', 'LRT p < 0.001', 'Lumbar spine (k = 13)', 'Hip (k = 13)', 'Validation', 'LRT p = 0.44',
      'Wald p = 0.14', 'Wald p < 0.001', 'Wald p = 0.96', '0.90 (0.83–0.94)', 'All studies (k = 26)', '0.87 (0.82–0.91)', 'Sensitivity', 'Specificity']) {
      expect(texts).toContain(expected);
    }
    expect(figure.svg).not.toContain('…');
    expect(figure.widthPx).toBe(640);
  });

  it('puts the Wald p-values on the heading row and each level at its own row', () => {
    const spec = metaRegressionSpec(metaRegressionInput) as unknown as { datasets: { panel0: Dataset; labels: { lines: string[]; y: number }[] } };
    const { panel0, labels } = spec.datasets;
    expect(panel0[0]?.text).toBe('Wald p = 0.14');
    expect(panel0[0]?.y).toBe(labels[0]?.y);
    expect(panel0[1]?.est).toBe(0.8962);
  });

  it('grows by one row height per extra level', async () => {
    const level = (index: number): SubgroupEstimate => ({ label: `Level ${index}`, k: 3, sens: { est: 0.8, lo: 0.7, hi: 0.9 }, spec: { est: 0.85, lo: 0.75, hi: 0.92 } });
    const withLevels = (count: number): MetaRegressionInput => ({
      ...metaRegressionInput,
      covariates: [{ name: 'Covariate', lrtP: 0.2, levels: Array.from({ length: count }, (_unused, index) => level(index)) }],
    });
    const heights = await Promise.all([2, 4, 8].map(async (count) => (await renderFigure(metaRegressionSpec(withLevels(count)))).heightPx));
    const [two, four, eight] = heights as [number, number, number];
    expect(four - two).toBe(2 * PANEL_METRICS.rowHeight);
    expect(eight - four).toBe(4 * PANEL_METRICS.rowHeight);
  });

  it('wraps a long covariate name instead of truncating it', async () => {
    const name = 'Reference standard applied by a radiologist blinded to the index test result';
    const input: MetaRegressionInput = { ...metaRegressionInput, covariates: [{ ...metaRegressionInput.covariates[0]!, name }] };
    const figure = await renderFigure(metaRegressionSpec(input));
    expect(figure.warnings).toEqual([]);
    expect(figure.svg).not.toContain('…');
    const lines = svgTexts(figure.svg).filter((text) => name.includes(text) && text.length > 3);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(name);
  });
});
