import { describe, expect, it } from 'vitest';
import { cumulativeSpec, NOT_ESTIMABLE, stepLabel, type CumulativeStep } from '../../src/figures/cumulative.ts';
import { PANEL_METRICS } from '../../src/figures/interval-panels.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { cumulativeBySearchInput, cumulativeByStudyInput } from './analysis-fixtures.ts';

describe('cumulative meta-analysis figure: golden files', () => {
  const cases = [['cumulative-by-study', cumulativeByStudyInput], ['cumulative-by-search', cumulativeBySearchInput]] as const;
  for (const [name, input] of cases) {
    it(`${name}: Vega-Lite spec and normalised SVG match the goldens, without warnings`, async () => {
      await expectFigure(name, cumulativeSpec(input), 640);
    });
  }
});

describe('cumulative meta-analysis figure: content and layout', () => {
  it('labels study steps "+ study (year)" with k, search steps with date and k', async () => {
    expect(stepLabel({ added: { study: 'Hsieh', year: 2021 }, k: 9 })).toBe('+ Hsieh (2021)');
    expect(stepLabel({ added: { study: 'Hsieh' }, k: 9 })).toBe('+ Hsieh');
    // never the year twice, never nested parentheses
    expect(stepLabel({ added: { study: 'Kindermann 1970', year: 1970 }, k: 1 })).toBe('+ Kindermann 1970');
    expect(stepLabel({ added: { study: 'Author 1 (model A)', year: 1990 }, k: 1 })).toBe('+ Author 1 (model A), 1990');
    expect(stepLabel({ added: { searchDate: '2023-12-01' }, k: 26 })).toBe('Search 2023-12-01 (k\u00A0=\u00A026)');
    const texts = svgTexts((await renderFigure(cumulativeSpec(cumulativeByStudyInput))).svg);
    expect(texts).toContain('+ Küçükçiloğlu (2023)');
    expect(texts).toContain('k = 26');
    expect(texts).toContain('Study added');
  });

  it('keeps steps without a fit, saying so in the text column', async () => {
    const figure = await renderFigure(cumulativeSpec(cumulativeByStudyInput));
    const texts = svgTexts(figure.svg);
    expect(texts.filter((text) => text === NOT_ESTIMABLE)).toHaveLength(4);
    expect(figure.svg).not.toContain('…');
  });

  it('grows by one row height per step', async () => {
    const step = (index: number): CumulativeStep => ({ added: { study: `Study ${index}`, year: 2000 + index }, k: index + 1, sens: { est: 0.8, lo: 0.7, hi: 0.9 }, spec: { est: 0.85, lo: 0.75, hi: 0.92 } });
    const heights = await Promise.all([4, 8, 16].map(async (count) => (await renderFigure(cumulativeSpec({ steps: Array.from({ length: count }, (_unused, index) => step(index)) }))).heightPx));
    const [four, eight, sixteen] = heights as [number, number, number];
    expect(eight - four).toBe(4 * PANEL_METRICS.rowHeight);
    expect(sixteen - eight).toBe(8 * PANEL_METRICS.rowHeight);
  });
});
