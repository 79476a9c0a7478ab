import { describe, expect, it } from 'vitest';
import { leaveOneOutSpec, outsideInterval, type LeaveOneOutInput, type LeaveOneOutRow } from '../../src/figures/leave-one-out.ts';
import { HIGHLIGHT_COLOUR, PANEL_METRICS } from '../../src/figures/interval-panels.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';
import { leaveOneOutInput } from './analysis-fixtures.ts';

type Dataset = { colour: string; text: string }[];

describe('leave-one-out figure', () => {
  it('Vega-Lite spec and normalised SVG match the goldens, without warnings', async () => {
    await expectFigure('leave-one-out', leaveOneOutSpec(leaveOneOutInput), 640);
  });

  it('labels each row with the omitted study and shows the all-studies row and legend', async () => {
    const figure = await renderFigure(leaveOneOutSpec(leaveOneOutInput));
    const texts = svgTexts(figure.svg);
    expect(texts).toContain('Omitting Liu 2019 U-Net');
    expect(texts).toContain('All studies (k = 26)');
    expect(texts).toContain('0.81 (0.76–0.85)');
    expect(texts).toContain('Estimate outside the 95% CI from all studies');
    expect(figure.svg).not.toContain('…');
    expect(figure.widthPx).toBe(640);
  });

  it('highlights exactly the estimates outside the all-studies CI, per panel', () => {
    const spec = leaveOneOutSpec(leaveOneOutInput) as unknown as { datasets: { panel0: Dataset; panel1: Dataset } };
    const highlighted = (panel: Dataset) => panel.flatMap((row, index) => (row.colour === HIGHLIGHT_COLOUR ? [index] : []));
    expect(highlighted(spec.datasets.panel0)).toEqual([4]);
    expect(highlighted(spec.datasets.panel1)).toEqual([2]);
    expect(outsideInterval(0.5, { est: 0.6, lo: 0.55, hi: 0.65 })).toBe(true);
    expect(outsideInterval(0.55, { est: 0.6, lo: 0.55, hi: 0.65 })).toBe(false);
  });

  it('has no highlight legend entry when every estimate stays inside', async () => {
    const inside: LeaveOneOutInput = { ...leaveOneOutInput, rows: leaveOneOutInput.rows.filter((_row, index) => index !== 2 && index !== 4) };
    const texts = svgTexts((await renderFigure(leaveOneOutSpec(inside))).svg).join(' ');
    expect(texts).not.toContain('Estimate outside');
  });

  it('grows by one row height per omitted study', async () => {
    const rows = (count: number): LeaveOneOutRow[] =>
      Array.from({ length: count }, (_unused, index) => ({ ...(leaveOneOutInput.rows[index % 6] as LeaveOneOutRow), omitted: `Study ${index + 1}` }));
    const heights = await Promise.all([5, 10, 20].map(async (count) => (await renderFigure(leaveOneOutSpec({ ...leaveOneOutInput, rows: rows(count) }))).heightPx));
    const [five, ten, twenty] = heights as [number, number, number];
    expect(ten - five).toBe(5 * PANEL_METRICS.rowHeight);
    expect(twenty - ten).toBe(10 * PANEL_METRICS.rowHeight);
  });
});
