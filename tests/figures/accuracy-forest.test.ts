/**
 * The full-width forest plots of sensitivity and of specificity (RevMan layout, the flagship
 * paper's Figures 2 and 3): goldens, the 2x2 count columns, the one CI style, a plot panel wide
 * enough to read, squares on one scale across pages.
 */
import { describe, expect, it } from 'vitest';
import { ACCURACY_SQUARE, accuracyForestSpec, type AccuracyForestInput } from '../../src/figures/accuracy-forest.ts';
import { panelsGeometry } from '../../src/figures/interval-panels.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { forestInput, LONG_LABEL, scheidlerRows } from './fixtures.ts';

function input(measure: 'sensitivity' | 'specificity'): AccuracyForestInput {
  const key = measure === 'sensitivity' ? 'sens' : 'spec';
  return {
    measure,
    studies: scheidlerRows.map((row, index) => ({
      number: index + 1,
      label: row.label,
      counts: row.counts!,
      estimate: row[key],
      n: measure === 'sensitivity' ? row.nDiseased : row.nNonDiseased,
    })),
    pooled: { label: forestInput.pooled!.label, estimate: forestInput.pooled![key] },
    heterogeneity: measure === 'sensitivity' ? { tau2: 0.1215, i2: 0.2233, i2Name: 'Zhou–Dendukuri' } : { tau2: 0.8107, i2: 0.7414, i2Name: 'Zhou–Dendukuri' },
  };
}

type Shape = {
  vconcat: [{ hconcat: { width: number; layer: { mark: { type: string; strokeDash?: number[] }; data: { values?: Record<string, number>[]; name?: string } }[] }[] }];
  datasets: Record<string, Record<string, unknown>[]>;
};

describe('forest plots of sensitivity and of specificity: golden files', () => {
  for (const measure of ['sensitivity', 'specificity'] as const) {
    it(`${measure}: Vega-Lite spec and normalised SVG match the goldens, without warnings, 640 px wide`, async () => {
      await expectFigure(`forest-${measure}`, accuracyForestSpec(input(measure)));
    });
  }
});

describe('forest plots of sensitivity and of specificity: content and layout', () => {
  it('shows the 2x2 counts, the estimate with its exact CI as "0.66 (0.46–0.82)", the pooled row and the named I²', async () => {
    const texts = svgTexts((await renderFigure(accuracyForestSpec(input('sensitivity')))).svg);
    for (const header of ['Study', 'TP', 'FP', 'FN', 'TN', 'Sensitivity (95% CI)']) expect(texts.join(' ')).toContain(header);
    expect(texts).toContain('Kindermann 1970');
    expect(texts).toEqual(expect.arrayContaining(['19', '1', '10', '81']));
    expect(texts).toContain('0.66 (0.46–0.82)');
    expect(texts).toContain('Pooled (bivariate GLMM)');
    expect(texts).toContain('0.67 (0.60–0.74)');
    expect(texts.join(' ')).toContain('Heterogeneity: τ² = 0.121; I² = 22.3% (Zhou–Dendukuri).');
    expect(texts.join(' ')).not.toMatch(/\[[\d.]+[,–]/);
  });

  it('gives the plot panel at least 150 px (40 mm) even with a 60-character study label', () => {
    const long = input('specificity');
    long.studies[0] = { ...long.studies[0]!, label: LONG_LABEL };
    const spec = accuracyForestSpec(long) as unknown as Shape;
    const widths = spec.vconcat[0].hconcat.map((view) => view.width);
    // label, TP, FP, FN, TN, text, plot
    expect(widths).toHaveLength(7);
    expect(widths.at(-1)).toBeGreaterThanOrEqual(150);
    expect(widths.reduce((a, b) => a + b, 0)).toBe(640 - 16);
  });

  it('draws the pooled diamond and the dashed line at the pooled estimate; squares scale with the arm size', () => {
    const spec = accuracyForestSpec(input('specificity')) as unknown as Shape;
    const plot = spec.vconcat[0].hconcat.at(-1)!;
    const dashed = plot.layer.find((layer) => layer.mark.type === 'rule' && layer.mark.strokeDash);
    expect(dashed?.data.values?.[0]?.x).toBe(forestInput.pooled!.spec.est);
    const diamond = plot.layer.find((layer) => layer.mark.type === 'area')?.data.values?.map((value) => value.x);
    expect(diamond).toEqual([forestInput.pooled!.spec.lo, forestInput.pooled!.spec.est, forestInput.pooled!.spec.hi]);
    const areas = (spec.datasets.panel0 ?? []).filter((row) => row.kind === 'row').map((row) => row.area as number);
    const sizes = scheidlerRows.map((row) => row.nNonDiseased);
    const largest = Math.max(...sizes);
    expect(areas).toEqual(sizes.map((n) => Math.max(ACCURACY_SQUARE.minArea, (ACCURACY_SQUARE.maxArea * n) / largest)));
  });

  it('on a page without the pooled row keeps the dashed line (reference) and the square scale of all pages (largestN)', () => {
    const { pooled: _pooled, heterogeneity: _heterogeneity, ...rest } = input('sensitivity');
    const page: AccuracyForestInput = { ...rest, studies: rest.studies.slice(0, 2), reference: 0.674, largestN: 1000 };
    const spec = accuracyForestSpec(page) as unknown as Shape;
    const plot = spec.vconcat[0].hconcat.at(-1)!;
    expect(plot.layer.find((layer) => layer.mark.type === 'rule' && layer.mark.strokeDash)?.data.values?.[0]?.x).toBe(0.674);
    expect(plot.layer.some((layer) => layer.mark.type === 'area')).toBe(false);
    const areas = (spec.datasets.panel0 ?? []).map((row) => row.area as number);
    expect(areas).toEqual(page.studies.map((study) => Math.max(ACCURACY_SQUARE.minArea, (ACCURACY_SQUARE.maxArea * study.n) / 1000)));
  });

  it('lays the counts out as right-aligned columns between the label and the estimate', () => {
    const sens = input('sensitivity');
    const geometry = panelsGeometry({
      labelHeader: 'Study',
      rows: sens.studies.map((study) => ({ kind: 'row' as const, label: study.label, columns: [String(study.counts.tp)], cells: [{ text: 'x' }] })),
      columns: [{ header: 'TP' }],
      textBeforePlot: true,
      panels: [{ title: 't', header: 'h', axis: { type: 'linear', domain: [0, 1], ticks: [] } }],
    });
    expect(geometry.columns.extra).toHaveLength(1);
    expect(geometry.columns.total).toBe(640 - 16);
  });
});
