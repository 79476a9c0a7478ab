import { describe, expect, it } from 'vitest';
import { forestSpec } from '../../src/figures/forest.ts';
import { srocSpec } from '../../src/figures/sroc.ts';
import { normaliseSvg, pngSize, renderFigure } from '../../src/figures/render.ts';
import { forestInput, srocInput } from './fixtures.ts';

/** The pHYs chunk's pixels per metre (x), or undefined. */
function pngPixelsPerMetre(png: Uint8Array): number | undefined {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let offset = 8; offset + 8 <= png.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    if (type === 'pHYs') return view.getUint32(offset + 8);
    offset += 12 + length;
  }
  return undefined;
}

describe('renderFigure', () => {
  it('is deterministic: two renders give byte-identical SVG and PNG', async () => {
    for (const spec of [forestSpec(forestInput), srocSpec(srocInput())]) {
      const first = await renderFigure(spec);
      const second = await renderFigure(spec);
      expect(second.svg).toBe(first.svg);
      expect(Buffer.from(second.png).equals(Buffer.from(first.png))).toBe(true);
    }
  });

  it('scales the PNG to the dpi (SVG px are 1/96 in) and records the dpi', async () => {
    const spec = forestSpec(forestInput);
    for (const dpi of [300, 150, 600]) {
      const figure = await renderFigure(spec, { dpi });
      const size = pngSize(figure.png);
      expect(size).toEqual({ width: Math.round((figure.widthPx * dpi) / 96), height: Math.round((figure.heightPx * dpi) / 96) });
      expect(size).toEqual({ width: figure.pngWidth, height: figure.pngHeight });
      expect(pngPixelsPerMetre(figure.png)).toBe(Math.round(dpi / 0.0254));
    }
  });

  it('defaults to 300 dpi: a 640 px figure is 2000 px wide (170 mm at 300 dpi)', async () => {
    const figure = await renderFigure(forestSpec(forestInput));
    expect(figure.widthPx).toBe(640);
    expect(figure.pngWidth).toBe(2000);
  });

  it('returns the Vega-Lite input and the compiled Vega spec', async () => {
    const spec = srocSpec(srocInput());
    const figure = await renderFigure(spec);
    expect(figure.vegaLite).toBe(spec);
    expect(figure.vega).toHaveProperty('marks');
  });
});

describe('normaliseSvg', () => {
  it('rounds coordinates to one decimal and renumbers ids, leaving text untouched', () => {
    const svg =
      '<svg width="100.04"><defs><clipPath id="clip17"><rect x="0.123456"/></clipPath></defs>' +
      '<g clip-path="url(#clip17)"><text x="-0.04">0.123 [0.1, 0.2]</text></g></svg>';
    expect(normaliseSvg(svg)).toBe(
      '<svg width="100">\n<defs>\n<clipPath id="id1">\n<rect x="0.1"/>\n</clipPath>\n</defs>\n' +
        '<g clip-path="url(#id1)">\n<text x="0">0.123 [0.1, 0.2]</text>\n</g>\n</svg>',
    );
  });
});
