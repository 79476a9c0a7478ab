import { describe, expect, it } from 'vitest';
import { deeksSpec, regressionEnds, type DeeksInput } from '../../src/figures/deeks.ts';
import { normaliseSvg, renderFigure } from '../../src/figures/render.ts';
import { expectGolden, specText, svgTexts } from './golden.ts';
import { deeksInput } from './analysis-fixtures.ts';

describe("Deeks' funnel plot: golden files", () => {
  it('numbered points: Vega-Lite spec and normalised SVG match the goldens, without warnings', async () => {
    const spec = deeksSpec(deeksInput());
    expectGolden('deeks-spec', 'json', specText(spec));
    const figure = await renderFigure(spec);
    expect(figure.warnings).toEqual([]);
    expectGolden('deeks', 'svg', normaliseSvg(figure.svg));
  });

  it('labelled points (8 studies): normalised SVG matches the golden, without warnings', async () => {
    const input = deeksInput();
    const figure = await renderFigure(deeksSpec({ ...input, studies: input.studies.slice(16, 24) }, { pointLabels: 'label' }));
    expect(figure.warnings).toEqual([]);
    expect(figure.svg).not.toContain('…');
    expectGolden('deeks-labels', 'svg', normaliseSvg(figure.svg));
  });
});

describe("Deeks' funnel plot: content", () => {
  it('states the test with formatPValue, and titles both axes', async () => {
    const texts = svgTexts((await renderFigure(deeksSpec(deeksInput()))).svg);
    expect(texts).toContain("Deeks' test: slope p = 0.30");
    expect(texts).toContain('Diagnostic odds ratio (log scale)');
    expect(texts).toContain('1/√ESS');
    expect(texts).toContain('1,000');
    expect(texts).toContain('13, 15');
  });

  it('draws the given line lnDOR = a + b/√ESS over the studies’ range of 1/√ESS', () => {
    const input: DeeksInput = { studies: [{ label: 'A', dor: 5, invSqrtEss: 0.05 }, { label: 'B', dor: 50, invSqrtEss: 0.2 }], regression: { intercept: 2, slope: 4, p: 0.0004 } };
    expect(regressionEnds(input)).toEqual([
      { invSqrtEss: 0.05, dor: Math.exp(2 + 4 * 0.05) },
      { invSqrtEss: 0.2, dor: Math.exp(2 + 4 * 0.2) },
    ]);
  });

  it('reverses the y axis (larger studies at the top) and reads p < 0.001', async () => {
    const input: DeeksInput = { studies: [{ label: 'A', dor: 5, invSqrtEss: 0.05 }, { label: 'B', dor: 50, invSqrtEss: 0.2 }], regression: { intercept: 2, slope: 4, p: 0.0004 } };
    const spec = deeksSpec(input, { pointLabels: 'none' }) as unknown as { vconcat: [unknown, { layer: { encoding: { y: { scale: { reverse: boolean } } } }[] }] };
    expect(spec.vconcat[1].layer[0]?.encoding.y.scale.reverse).toBe(true);
    const figure = await renderFigure(deeksSpec(input));
    expect(figure.warnings).toEqual([]);
    expect(svgTexts(figure.svg)).toContain("Deeks' test: slope p < 0.001");
  });
});
