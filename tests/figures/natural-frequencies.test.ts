import { describe, expect, it } from 'vitest';
import { naturalFrequencySpec, type NaturalFrequencyInput } from '../../src/figures/natural-frequencies.ts';
import { expectFigure, svgTexts } from './golden.ts';

/**
 * Literal input: the natural frequencies per 1,000 of tests/fixtures-r/natural-frequencies.json
 * (osteoporosis stand-in data, lme4 glmer fit) at prevalences 12.6% and 40%, rounded to 0.1.
 */
const input: NaturalFrequencyInput = {
  per: 1000,
  condition: 'osteoporosis',
  rows: [
    { title: '12.6%: Opportunistic screening of adults aged 50 and over', truePositives: 109.2, falseNegatives: 16.8, falsePositives: 90.7, trueNegatives: 783.3 },
    { title: '40%: Referral for bone densitometry (illustrative value)', truePositives: 346.7, falseNegatives: 53.3, falsePositives: 62.3, trueNegatives: 537.7 },
  ],
};

describe('natural-frequency figure', () => {
  it('matches the goldens, renders 640 px wide without warnings or truncation', async () => {
    await expectFigure('natural-frequencies', naturalFrequencySpec(input));
  });

  it('names each prevalence, the four counts in whole people and the colours', async () => {
    const figure = await expectFigure('natural-frequencies', naturalFrequencySpec(input));
    const texts = svgTexts(figure.svg).join(' ');
    expect(texts).toContain('12.6%: Opportunistic screening of adults aged 50 and over');
    expect(texts).toContain('109 true positives, 17 false negatives, 91 false positives, 783 true negatives');
    expect(texts).toContain('347 true positives, 53 false negatives, 62 false positives, 538 true negatives');
    expect(texts).toContain('False negatives: have osteoporosis, test negative (missed)');
    expect(texts).toContain('People per 1,000 tested');
  });

  it('bars span the 1,000 people: segments are contiguous and end at the full width', () => {
    type Shape = { vconcat: [{ width: number; layer: { mark: { type: string }; data: { values: { x: number; x2: number; y: number }[] } }[] }] };
    const view = (naturalFrequencySpec(input) as unknown as Shape).vconcat[0];
    const rects = view.layer.find((l) => l.mark.type === 'rect')!.data.values;
    expect(rects).toHaveLength(8);
    for (const bar of [rects.slice(0, 4), rects.slice(4)]) {
      expect(bar[0]!.x).toBe(0);
      for (let i = 1; i < 4; i++) expect(bar[i]!.x).toBeCloseTo(bar[i - 1]!.x2, 9);
      expect(bar[3]!.x2).toBeCloseTo(view.width, 9);
    }
  });
});
