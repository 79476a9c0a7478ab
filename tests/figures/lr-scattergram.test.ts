import { describe, expect, it } from 'vitest';
import { lrScattergramSpec, type LrScattergramInput } from '../../src/figures/lr-scattergram.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { lrScattergramInput } from './analysis-fixtures.ts';

describe('likelihood-ratio scattergram', () => {
  it('Vega-Lite spec and normalised SVG match the goldens, without warnings', async () => {
    await expectFigure('lr-scattergram', lrScattergramSpec(lrScattergramInput()), 432);
  });

  it('names the four quadrants and gives the summary with CIs in the legend', async () => {
    const figure = await renderFigure(lrScattergramSpec(lrScattergramInput()));
    const texts = svgTexts(figure.svg);
    for (const quadrant of ['LUQ: Exclusion & Confirmation', 'RUQ: Confirmation only', 'LLQ: Exclusion only', 'LR+ > 10, LR− < 0.1']) expect(texts).toContain(quadrant);
    expect(texts.join(' ')).toContain('RLQ: No exclusion or');
    expect(texts.join(' ')).toContain('Summary with 95% CIs: LR+ = 8.35 (5.62–12.40), LR− = 0.15 (0.11–0.21)');
    expect(texts).toContain('Negative likelihood ratio (LR−)');
    expect(texts).toContain('Positive likelihood ratio (LR+)');
    expect(figure.svg).not.toContain('…');
  });

  it('covers at least 0.01–1 and 1–100, widening to the data', () => {
    type Shape = { vconcat: [{ layer: { encoding: { x?: { scale: { domain: number[] } | null }; y?: { scale: { domain: number[] } | null } } }[] }] };
    const domains = (input: LrScattergramInput) => {
      const layer = (lrScattergramSpec(input) as unknown as Shape).vconcat[0].layer.find((entry) => entry.encoding.x?.scale && entry.encoding.y?.scale);
      return { x: layer?.encoding.x?.scale?.domain, y: layer?.encoding.y?.scale?.domain };
    };
    expect(domains({ studies: [{ number: 1, label: 'A', lrPositive: 3, lrNegative: 0.3 }] })).toEqual({ x: [0.01, 1], y: [1, 100] });
    expect(domains({ studies: [{ number: 1, label: 'A', lrPositive: 250, lrNegative: 0.004 }] })).toEqual({ x: [0.001, 1], y: [1, 1000] });
  });

  it('renders study numbers without warnings when asked', async () => {
    const figure = await renderFigure(lrScattergramSpec(lrScattergramInput(), { pointLabels: 'number' }));
    expect(figure.warnings).toEqual([]);
    expect(svgTexts(figure.svg)).toContain('Study (number: row of the study table)');
  });
});

describe('likelihood-ratio scattergram with the summary-of-findings prevalences', () => {
  it('adds the post-test probabilities at each prevalence to the legend', async () => {
    const input = { ...lrScattergramInput(), prevalences: [{ prior: 0.126, label: 'screening', postPositive: 0.5462, postNegative: 0.021 }, { prior: 0.4, postPositive: 0.8477, postNegative: 0.0902 }] };
    const figure = await renderFigure(lrScattergramSpec(input));
    expect(figure.warnings).toEqual([]);
    const texts = svgTexts(figure.svg).join(' ');
    expect(texts).toContain('At a pre-test probability of 13% (screening), the summary LRs give 55% after a positive and 2% after a negative result');
    expect(texts).toContain('At a pre-test probability of 40%, the summary LRs give 85% after a positive and 9% after a negative result');
    expect(figure.svg).not.toContain('…');
  });
});
