import { describe, expect, it } from 'vitest';
import { srocSpec, type SrocInput } from '../../src/figures/sroc.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { srocInput } from './fixtures.ts';

type Row = { x: number; y: number; order: number };
type SrocSpecShape = { datasets: Record<string, Row[]>; vconcat: [{ width: number; height: number }, unknown] };

describe('SROC plot: golden files', () => {
  for (const xAxis of ['specificity', 'fpr'] as const) {
    it(`x = ${xAxis}: Vega-Lite spec and normalised SVG match the goldens, without warnings`, async () => {
      await expectFigure(`sroc-${xAxis}`, srocSpec(srocInput(), { xAxis }), 403);
    });
  }
});

describe('SROC plot: content', () => {
  it('has a legend entry for each element, with intervals formatted by numbers.ts', async () => {
    const texts = svgTexts((await renderFigure(srocSpec(srocInput()))).svg).join(' ');
    expect(texts).toContain('Observed data');
    expect(texts).toContain('Summary operating point: SENS = 0.67 (0.60–0.74), SPEC = 0.84 (0.76–0.89)');
    expect(texts).toContain('SROC curve: AUC = 0.78 (0.74–0.81)');
    expect(texts).toContain('95% confidence region');
    expect(texts).toContain('95% prediction region');
    expect(texts).not.toContain('…');
  });

  it('draws a square plot and closes both regions', () => {
    const spec = srocSpec(srocInput()) as unknown as SrocSpecShape;
    expect(spec.vconcat[0].width).toBe(spec.vconcat[0].height);
    for (const region of ['confidenceRegion', 'predictionRegion']) {
      const rows = spec.datasets[region] ?? [];
      expect(rows.at(-1)).toMatchObject({ x: rows[0]?.x, y: rows[0]?.y });
      expect(rows.map((row) => row.order)).toEqual(rows.map((_row, index) => index));
    }
  });

  it('maps points given as FPR or as specificity to the same place', () => {
    const bySpec: SrocInput = { studies: [], confidenceRegion: [{ sens: 0.8, spec: 0.9 }, { sens: 0.7, spec: 0.8 }] };
    const byFpr: SrocInput = { studies: [], confidenceRegion: [{ sens: 0.8, fpr: 0.1 }, { sens: 0.7, fpr: 0.2 }] };
    for (const xAxis of ['specificity', 'fpr'] as const) {
      const a = (srocSpec(bySpec, { xAxis }) as unknown as SrocSpecShape).datasets.confidenceRegion;
      const b = (srocSpec(byFpr, { xAxis }) as unknown as SrocSpecShape).datasets.confidenceRegion;
      expect(a?.map((row) => row.x)).toEqual(b?.map((row) => row.x).map((x) => expect.closeTo(x, 12)));
    }
  });

  it('omits legend entries for elements that are not given', async () => {
    const input = srocInput();
    const minimal: SrocInput = { studies: input.studies };
    const texts = svgTexts((await renderFigure(srocSpec(minimal))).svg);
    expect(texts).toContain('Observed data');
    expect(texts.join(' ')).not.toMatch(/SROC curve|region|Summary/);
  });
});

describe('SROC plot: observed range and extrapolation', () => {
  it('labels the curve with its observed FPR range and draws the full-range curve only when given, labelled as extrapolated', async () => {
    const input = srocInput();
    const points = input.curve!.points;
    const observed: SrocInput = { ...input, curve: { ...input.curve!, points: points.slice(10, 30), range: [0.05, 0.4] } };
    const texts = svgTexts((await renderFigure(srocSpec(observed))).svg).join(' ');
    expect(texts).toContain('SROC curve over the observed false-positive rates 0.05–0.40');
    expect(texts).not.toContain('extrapolated');
    const full: SrocInput = { ...observed, curve: { ...observed.curve!, extrapolated: points } };
    const spec = srocSpec(full) as unknown as SrocSpecShape;
    expect(spec.datasets.curveExtrapolated).toHaveLength(points.length);
    expect(spec.datasets.curve).toHaveLength(20);
    const fullTexts = svgTexts((await renderFigure(srocSpec(full))).svg).join(' ');
    expect(fullTexts).toContain('SROC curve extrapolated beyond the observed false-positive rates');
  });
});
