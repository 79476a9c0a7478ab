import { describe, expect, it } from 'vitest';
import { measureText, wrapText } from '../../src/figures/text-metrics.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { FONT_SIZE, themeConfig } from '../../src/figures/theme.ts';
import { svgTexts } from './golden.ts';
import type { TopLevelSpec } from 'vega-lite';

describe('measureText', () => {
  it('uses the DejaVu advance widths (Sans Mono: 1233/2048 em per character)', () => {
    expect(measureText('0.90 [0.79, 0.96]', 10, { mono: true })).toBeCloseTo((17 * 1233 * 10) / 2048, 9);
    expect(measureText('', 10)).toBe(0);
  });

  it('is narrower than Vega\'s canvas-free estimate (0.8 em per character) and wider in bold', () => {
    const text = 'Kolbenstvedt 1975';
    expect(measureText(text, 11)).toBeLessThan(0.8 * text.length * 11 * 0.8);
    expect(measureText(text, 11, { bold: true })).toBeGreaterThan(measureText(text, 11));
  });
});

describe('wrapText', () => {
  const text = 'Fernández-García, Oyelaran-Whitcombe & Abernathy-Kowal 2021';

  it('keeps every word, in order, with each line within the width', () => {
    for (const width of [120, 200, 1000]) {
      const lines = wrapText(text, width, 10);
      expect(lines.join(' ')).toBe(text);
      for (const line of lines) expect(measureText(line, 10)).toBeLessThanOrEqual(width);
    }
  });

  it('breaks a word too wide for any line after its hyphens, keeping every character', () => {
    const lines = wrapText(text, 70, 10);
    expect(lines).toContain('Oyelaran-');
    expect(lines.join('').replaceAll(' ', '')).toBe(text.replaceAll(' ', ''));
    for (const line of lines) expect(measureText(line, 10)).toBeLessThanOrEqual(70);
  });

  it('splits a word longer than the line between characters without losing any', () => {
    const lines = wrapText('Supercalifragilisticexpialidocious', 40, 10);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe('Supercalifragilisticexpialidocious');
  });

  it('breaks at newlines and never at no-break spaces', () => {
    expect(wrapText('a\nb', 1000, 10)).toEqual(['a', 'b']);
    expect(wrapText('Sensitivity [95%\u00A0CI]', 60, 10)).toEqual(['Sensitivity', '[95%\u00A0CI]']);
  });
});

describe('installTextMetrics (through renderFigure)', () => {
  it('lets Vega measure labels at their real width: a label limit just above it does not truncate', async () => {
    const label = 'A very long study label (Fernández-García et al.) 2019';
    const realWidth = measureText(label, FONT_SIZE.label);
    const limit = Math.ceil(realWidth) + 2;
    expect(0.8 * label.length * FONT_SIZE.label).toBeGreaterThan(limit); // Vega's estimate would truncate
    const spec = {
      config: { ...themeConfig(), axis: { ...themeConfig().axis, labelLimit: limit } },
      width: 100,
      height: 40,
      data: { values: [{ study: label, value: 1 }] },
      mark: 'bar',
      encoding: { y: { field: 'study', type: 'nominal', title: null }, x: { field: 'value', type: 'quantitative', title: null } },
    } as unknown as TopLevelSpec;
    const figure = await renderFigure(spec);
    expect(figure.svg).not.toContain('…');
    expect(svgTexts(figure.svg)).toContain(label);
    expect(figure.warnings).toEqual([]);
  });
});
