/**
 * Golden files for figures (as Observable Plot and vega-lite test theirs): the Vega-Lite spec as
 * JSON and the normalised SVG live in tests/golden/figures/. On a mismatch the new output is
 * written beside the golden as `<name>-changed.<ext>` (git-ignored) and the test fails;
 * `UPDATE_GOLDEN=1 npx vitest run tests/figures` rewrites the goldens after a deliberate change.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { expect } from 'vitest';
import { normaliseSvg, renderFigure, type RenderedFigure } from '../../src/figures/render.ts';
import { expectGolden as expectGoldenFile } from '../helpers/golden.ts';

export const goldenDirectory = fileURLToPath(new URL('../golden/figures/', import.meta.url));

/** Compare `actual` with tests/golden/figures/<name>.<extension> (see tests/helpers/golden.ts). */
export function expectGolden(name: string, extension: 'svg' | 'json', actual: string): void {
  expectGoldenFile(join(goldenDirectory, `${name}.${extension}`), actual);
}

/** Stable JSON text of a spec for golden comparison. */
export function specText(spec: unknown): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}

/** All text content of an SVG (the strings a reader sees), with no-break spaces as plain spaces. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].flatMap((match) =>
    (match[1] ?? '')
      .split(/<tspan[^>]*>|<\/tspan>/)
      .map((part) => decodeEntities(part).replaceAll('\u00A0', ' ').trim())
      .filter((part) => part.length > 0),
  );
}

function decodeEntities(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

/**
 * The checks every figure gets: golden Vega-Lite spec and normalised SVG, rendered without Vega
 * warnings, the expected width in px, and no truncated text. Returns the rendered figure.
 */
export async function expectFigure(name: string, spec: TopLevelSpec, width = 640): Promise<RenderedFigure> {
  expectGolden(`${name}-spec`, 'json', specText(spec));
  const figure = await renderFigure(spec);
  expect(figure.warnings).toEqual([]);
  expect(figure.widthPx).toBe(width);
  expect(figure.svg).not.toContain('…');
  expectGolden(name, 'svg', normaliseSvg(figure.svg));
  return figure;
}
