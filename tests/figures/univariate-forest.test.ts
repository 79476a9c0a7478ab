import { describe, expect, it } from 'vitest';
import { COLOUR, PALETTE } from '../../src/figures/theme.ts';
import { formatUnivariateHeterogeneity, univariateForestSpec, type UnivariateForestInput, type UnivariateForestStudy } from '../../src/figures/univariate-forest.ts';
import { PANEL_METRICS } from '../../src/figures/interval-panels.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { univariateForestInput } from './analysis-fixtures.ts';
import { LONG_LABEL } from './fixtures.ts';

/** Sensitivity of the first six osteoporosis models (exact CIs, rounded), with the REML logit-pooled estimate. */
const sensitivityInput: UnivariateForestInput = {
  measure: 'sensitivity',
  studies: [
    { label: 'Dzierżak 2022 VGG16', estimate: { est: 0.96, lo: 0.8629, hi: 0.9951 } },
    { label: 'Dzierżak 2022 VGG19', estimate: { est: 0.84, lo: 0.7089, hi: 0.9283 } },
    { label: 'Dzierżak 2022 MobileNetV2', estimate: { est: 0.86, lo: 0.7326, hi: 0.9418 } },
    { label: 'Dzierżak 2022 ResNet50', estimate: { est: 0.72, lo: 0.5751, hi: 0.8377 } },
    { label: 'Hsieh 2021 VGG-16 (hip)', estimate: { est: 0.8333, lo: 0.8121, hi: 0.8531 } },
    { label: 'Perfect-sensitivity study', estimate: { est: 1, lo: 0.8389, hi: 1 } },
  ],
  pooled: [{ method: 'Random effects (REML)', estimate: { est: 0.8531, lo: 0.8033, hi: 0.892 } }],
  heterogeneity: { q: 218.45, df: 25, p: 8.24e-33, i2: 0.9552, tau2: 0.6685 },
};

function dorInput(count: number): UnivariateForestInput {
  const input = univariateForestInput();
  return { ...input, studies: input.studies.slice(0, count) };
}

describe('univariate forest plot: golden files', () => {
  const cases: [string, UnivariateForestInput][] = [['univariate-forest-dor', dorInput(10)], ['univariate-forest-sensitivity', sensitivityInput]];
  for (const [name, input] of cases) {
    it(`${name}: Vega-Lite spec and normalised SVG match the goldens, without warnings`, async () => {
      await expectFigure(name, univariateForestSpec(input), 640);
    });
  }
});

describe('univariate forest plot: content and layout', () => {
  it('shows ratio intervals, the method label and heterogeneity through numbers.ts', async () => {
    const figure = await renderFigure(univariateForestSpec(univariateForestInput()));
    expect(figure.warnings).toEqual([]);
    const texts = svgTexts(figure.svg);
    expect(texts).toContain('376 (60–2353)');
    expect(texts).toContain('Pooled (bivariate GLMM)');
    expect(texts).toContain('56.1 (30.3–104.1)');
    expect(texts).toContain('Univariate random effects');
    expect(texts).toContain('46.1 (27.4–77.6)');
    expect(texts.join(' ')).toContain('Univariate REML pool: Q = 212.35, df = 25, p < 0.001; I² = 95.8%; τ² = 1.459');
    expect(texts).toContain('Diagnostic odds ratio (log scale)');
    expect(figure.svg).not.toContain('…');
  });

  it('draws the first pooled estimate in the pooled colour with the dashed line, a second one grey', () => {
    type Shape = { vconcat: [{ hconcat: { layer: { mark: { type: string; strokeDash?: number[] }; data: { values?: { x?: number; colour?: string }[] } }[] }[] }] };
    const spec = univariateForestSpec(univariateForestInput()) as unknown as Shape;
    const layers = spec.vconcat[0].hconcat.flatMap((view) => view.layer);
    const diamonds = layers.find((layer) => layer.mark.type === 'area')?.data.values ?? [];
    expect(new Set(diamonds.map((value) => value.colour))).toEqual(new Set([COLOUR.pooled, PALETTE.grey]));
    const dashed = layers.find((layer) => layer.mark.type === 'rule' && layer.mark.strokeDash);
    expect(dashed?.data.values?.[0]?.x).toBe(56.14);
  });

  it('formats heterogeneity with only the statistics given', () => {
    expect(formatUnivariateHeterogeneity({ q: 3.2, df: 4, p: 0.52 })).toBe('Q = 3.20, df = 4, p = 0.52');
  });

  it('draws a solid line at 1 for ratios and none for proportions; places proportions at their logits', () => {
    type Shape = { vconcat: [{ hconcat: { layer: { mark: { type: string; color?: string }; data: { values?: { x: number }[] } }[] }[] }]; datasets: { panel0: { est?: number }[] } };
    const nullLines = (input: UnivariateForestInput) => {
      const spec = univariateForestSpec(input) as unknown as Shape;
      return spec.vconcat[0].hconcat[1]?.layer.filter((layer) => layer.mark.type === 'rule' && layer.mark.color === '#555555') ?? [];
    };
    expect(nullLines(dorInput(5))[0]?.data.values).toEqual([expect.objectContaining({ x: 1 })]);
    expect(nullLines(sensitivityInput)).toEqual([]);
    const spec = univariateForestSpec(sensitivityInput) as unknown as Shape;
    expect(spec.datasets.panel0[1]?.est).toBeCloseTo(Math.log(0.84 / 0.16), 12);
  });

  it('wraps a long study label and grows by one row height per study', async () => {
    const input = dorInput(5);
    const long: UnivariateForestInput = { ...input, studies: [{ ...(input.studies[0] as UnivariateForestStudy), label: LONG_LABEL }, ...input.studies.slice(1)] };
    const figure = await renderFigure(univariateForestSpec(long));
    expect(figure.svg).not.toContain('…');
    expect(svgTexts(figure.svg).filter((text) => LONG_LABEL.includes(text) && text.length > 3).join(' ')).toBe(LONG_LABEL);
    const heights = await Promise.all([5, 10, 20].map(async (count) => (await renderFigure(univariateForestSpec(dorInput(count)))).heightPx));
    const [five, ten, twenty] = heights as [number, number, number];
    expect(ten - five).toBe(5 * PANEL_METRICS.rowHeight);
    expect(twenty - ten).toBe(10 * PANEL_METRICS.rowHeight);
  });
});
