import { describe, expect, it } from 'vitest';
import { forestSpec, formatHeterogeneity, paginateForest, type ForestInput, type ForestStudy } from '../../src/figures/forest.ts';
import { FOREST_METRICS, forestGeometry } from '../../src/figures/forest-layout.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { forestInput, forestInputStudiesOnly, LONG_LABEL, scheidlerRows } from './fixtures.ts';

/** `count` single-line studies cycling through the fixture rows, with distinct short labels. */
function studies(count: number): ForestStudy[] {
  return Array.from({ length: count }, (_unused, index) => ({ ...(scheidlerRows[index % scheidlerRows.length] as ForestStudy), label: `Study ${index + 1}` }));
}

describe('forest plot: golden files', () => {
  const cases: [string, ForestInput][] = [
    ['forest', forestInput],
    ['forest-studies-only', forestInputStudiesOnly],
  ];
  for (const [name, input] of cases) {
    it(`${name}: Vega-Lite spec and normalised SVG match the goldens, without warnings`, async () => {
      await expectFigure(name, forestSpec(input), 640);
    });
  }
});

describe('forest plot: content and layout', () => {
  it('shows every formatted string it is given', async () => {
    const texts = svgTexts((await renderFigure(forestSpec(forestInput))).svg);
    expect(texts).toContain('0.66 (0.46–0.82)');
    expect(texts).toContain('0.84 (0.76–0.89)');
    expect(texts).toContain('Pooled (bivariate GLMM)');
    expect(texts).toContain('τ² = 0.121;');
    expect(texts).toContain('I² = 22.3% (Zhou–Dendukuri)');
  });

  it('wraps a 60-character study label instead of truncating it', async () => {
    expect(LONG_LABEL).toHaveLength(60);
    const input: ForestInput = { ...forestInput, rows: [{ ...(scheidlerRows[0] as ForestStudy), label: LONG_LABEL }, ...scheidlerRows.slice(1)] };
    const figure = await renderFigure(forestSpec(input));
    expect(figure.svg).not.toContain('…');
    expect(figure.widthPx).toBe(640);
    const texts = svgTexts(figure.svg);
    const labelLines = texts.filter((text) => LONG_LABEL.includes(text) && text.length > 3);
    expect(labelLines.length).toBeGreaterThan(1);
    expect(labelLines.join(' ')).toBe(LONG_LABEL);
  });

  it('grows linearly in height with the number of studies (fixed row height)', async () => {
    const heights = await Promise.all([5, 10, 20].map(async (count) => (await renderFigure(forestSpec({ ...forestInput, rows: studies(count) }))).heightPx));
    const [five, ten, twenty] = heights as [number, number, number];
    expect(ten - five).toBe(5 * FOREST_METRICS.rowHeight);
    expect(twenty - ten).toBe(10 * FOREST_METRICS.rowHeight);
  });

  it('puts all columns on one pixel grid: every view has the same height and rows share y', () => {
    const spec = forestSpec(forestInput) as unknown as { vconcat: [{ hconcat: { height: number }[] }] };
    const heights = new Set(spec.vconcat[0].hconcat.map((view) => view.height));
    expect(heights.size).toBe(1);
    const geometry = forestGeometry(forestInput);
    const centres = geometry.rows.map((row) => row.centre);
    expect(centres.slice(1).map((centre, index) => centre - (centres[index] as number))).toEqual(Array(5).fill(FOREST_METRICS.rowHeight));
  });

  it('keeps the requested width when there is room', () => {
    for (const width of [560, 640, 800]) {
      expect(forestGeometry(forestInput, { width }).columns.total).toBe(width - 16);
    }
  });
});

describe('paginateForest', () => {
  const big: ForestInput = { ...forestInput, rows: studies(2000) };
  const pages = paginateForest(big, 50);

  it('splits 2,000 studies into pages that keep every row in order', () => {
    expect(pages).toHaveLength(40);
    expect(pages.flatMap((page) => page.rows)).toEqual(big.rows);
    expect(pages.every((page) => page.rows.length === 50)).toBe(true);
  });

  it('gives every page the same label column and reference lines; only the last has the pooled row', () => {
    expect(new Set(pages.map((page) => page.labelColumnWidth)).size).toBe(1);
    expect(pages.every((page) => page.reference?.sens === forestInput.pooled?.sens.est)).toBe(true);
    expect(pages.slice(0, -1).some((page) => page.pooled || page.heterogeneity || page.note)).toBe(false);
    expect(pages.at(-1)?.pooled).toEqual(forestInput.pooled);
  });

  it('rejects a non-positive page size', () => {
    expect(() => paginateForest(big, 0)).toThrow(RangeError);
  });
});

describe('formatHeterogeneity', () => {
  it('formats τ² and the named I² through numbers.ts and passes strings through', () => {
    expect(formatHeterogeneity({ tau2: 0.12148, i2: 0.22327, i2Name: 'Zhou–Dendukuri' })).toBe('τ² = 0.121; I² = 22.3% (Zhou–Dendukuri)');
    expect(formatHeterogeneity({ i2: 0.5, i2Name: 'univariate REML' })).toBe('I² = 50.0% (univariate REML)');
    expect(formatHeterogeneity('as given')).toBe('as given');
  });
});
