import { describe, expect, it } from 'vitest';
import { faganLegend, faganSpec } from '../../src/figures/fagan.ts';
import { normaliseSvg, renderFigure } from '../../src/figures/render.ts';
import { expectGolden, specText, svgTexts } from './golden.ts';
import { faganInput } from './analysis-fixtures.ts';

type Row = { x: number; y: number; x2?: number; y2?: number };
type Shape = { vconcat: [{ layer: { mark: { type: string }; data: { values: Row[] } }[] }] };

describe('Fagan nomogram', () => {
  it('Vega-Lite spec and normalised SVG match the goldens, without warnings', async () => {
    const spec = faganSpec(faganInput);
    expectGolden('fagan-spec', 'json', specText(spec));
    const figure = await renderFigure(spec);
    expect(figure.warnings).toEqual([]);
    expectGolden('fagan', 'svg', normaliseSvg(figure.svg));
  });

  it('has the three axis titles, their ticks and the legend numbers through numbers.ts', async () => {
    const figure = await renderFigure(faganSpec(faganInput));
    const texts = svgTexts(figure.svg);
    for (const expected of ['Likelihood ratio', '0.001', '1,000', '99.9', '0.1', '50']) expect(texts).toContain(expected);
    expect(texts.join(' ')).toContain('Pre-test probability (%)');
    expect(faganLegend(faganInput).map((item) => item.text)).toEqual([
      'Pre-test probability 20%',
      'LR+ = 8.35 → post-test probability 68%',
      'LR− = 0.15 → post-test probability 4%',
    ]);
    expect(figure.svg).not.toContain('…');
  });

  it('draws each test line straight through its likelihood ratio on the middle axis', () => {
    const layers = (faganSpec(faganInput) as unknown as Shape).vconcat[0].layer;
    // the two test lines come first (drawn under the axes): positive, then negative
    const lines = layers.filter((layer) => layer.mark.type === 'rule').slice(0, 2).map((layer) => layer.data.values[0] as Required<Row>);
    const middleAxisLabels = layers.find((layer) => layer.mark.type === 'text' && layer.data.values.some((row) => (row as unknown as { text: string }).text === '1,000'));
    const yOfLabel = (text: string) => (middleAxisLabels?.data.values.find((row) => (row as unknown as { text: string }).text === text) as Row).y;
    const cases = [
      { line: lines[0], lr: faganInput.positive.lr, decade: ['1', '10'] },
      { line: lines[1], lr: faganInput.negative.lr, decade: ['0.1', '1'] },
    ];
    for (const { line, lr, decade } of cases) {
      if (!line) throw new Error('test line missing');
      const [low, high] = decade.map(yOfLabel) as [number, number];
      // ln(LR) between two labelled decades, read off the axis itself; the line ends at the given
      // (rounded) posterior, so it meets the LR within a hundredth of a pixel
      const expected = low + Math.log10(lr / Number(decade[0])) * (high - low);
      expect(Math.abs((line.y + line.y2) / 2 - expected)).toBeLessThan(0.01);
      expect((line.x + line.x2) / 2).toBe(180);
    }
  });
});

describe('Fagan nomogram at several pre-test probabilities (the summary-of-findings prevalences)', () => {
  // the glmer summary LRs of faganInput at 12.6% and 40%: post-test odds = prior odds × LR
  const post = (prior: number, lr: number) => (prior / (1 - prior)) * lr / (1 + (prior / (1 - prior)) * lr);
  const several = {
    ...faganInput,
    prior: 0.126,
    label: 'opportunistic screening',
    positive: { lr: faganInput.positive.lr, posterior: post(0.126, faganInput.positive.lr) },
    negative: { lr: faganInput.negative.lr, posterior: post(0.126, faganInput.negative.lr) },
    more: [{ prior: 0.4, label: 'referral', positive: post(0.4, faganInput.positive.lr), negative: post(0.4, faganInput.negative.lr) }],
  };

  it('draws one pair of lines per pre-test probability and names each in the legend', async () => {
    const figure = await renderFigure(faganSpec(several));
    expect(figure.warnings).toEqual([]);
    expectGolden('fagan-priors', 'svg', normaliseSvg(figure.svg));
    const layers = (faganSpec(several) as unknown as Shape).vconcat[0].layer;
    expect(layers.filter((layer) => layer.mark.type === 'rule' && layer.data.values.length === 1 && layer.data.values[0]!.x2 !== undefined && layer.data.values[0]!.y2 !== undefined)).toHaveLength(4);
    expect(faganLegend(several).map((item) => item.text)).toEqual([
      'Positive result: LR+ = 8.35',
      'Negative result: LR− = 0.15',
      'Pre-test probability 13% (opportunistic screening) → 55% after a positive, 2% after a negative result',
      'Pre-test probability 40% (referral) → 85% after a positive, 9% after a negative result',
    ]);
  });
});
