import { describe, expect, it } from 'vitest';
import { deeksSpec, type DeeksInput } from '../../src/figures/deeks.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { deeksInput } from './analysis-fixtures.ts';

describe("Deeks' funnel plot: golden files", () => {
  it('numbered points: Vega-Lite spec and normalised SVG match the goldens, without warnings', async () => {
    await expectFigure('deeks', deeksSpec(deeksInput()), 500);
  });

  it('labelled points (8 studies): normalised SVG matches the golden, without warnings', async () => {
    const input = deeksInput();
    await expectFigure('deeks-labels', deeksSpec({ ...input, studies: input.studies.slice(16, 24) }, { pointLabels: 'label' }), 500);
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

  it('draws the fitted line it is given, from end to end, and labels points with their table numbers', () => {
    const line = [{ invSqrtEss: 0.05, dor: 8 }, { invSqrtEss: 0.2, dor: 20 }];
    const input: DeeksInput = { studies: [{ number: 3, label: 'A', dor: 5, invSqrtEss: 0.05 }, { number: 7, label: 'B', dor: 50, invSqrtEss: 0.2 }], regression: { p: 0.0004, line } };
    const spec = deeksSpec(input) as unknown as { vconcat: [unknown, { layer: { data: { values: Record<string, unknown>[] } }[] }] };
    expect(spec.vconcat[1].layer[0]?.data.values).toEqual(line);
    const labels = spec.vconcat[1].layer.at(-1)?.data.values.map((value) => value.text);
    expect(labels).toEqual(['3', '7']);
  });

  it('reverses the y axis (larger studies at the top) and reads p < 0.001', async () => {
    const input: DeeksInput = { studies: [{ number: 1, label: 'A', dor: 5, invSqrtEss: 0.05 }, { number: 2, label: 'B', dor: 50, invSqrtEss: 0.2 }], regression: { p: 0.0004, line: [{ invSqrtEss: 0.05, dor: Math.exp(2.2) }, { invSqrtEss: 0.2, dor: Math.exp(2.8) }] } };
    const spec = deeksSpec(input, { pointLabels: 'none' }) as unknown as { vconcat: [unknown, { layer: { encoding: { y: { scale: { reverse: boolean } } } }[] }] };
    expect(spec.vconcat[1].layer[0]?.encoding.y.scale.reverse).toBe(true);
    const figure = await renderFigure(deeksSpec(input));
    expect(figure.warnings).toEqual([]);
    expect(svgTexts(figure.svg)).toContain("Deeks' test: slope p < 0.001");
  });
});
