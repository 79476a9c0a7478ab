/**
 * The rasterising worker pool (src/figures/rasterize.ts): many figures at once, more than the
 * workers draw before they are replaced, each PNG byte-identical to resvg in this thread.
 */
import { describe, expect, it } from 'vitest';
import { RASTER_WORKERS, rasterize } from '../../src/figures/rasterize.ts';
import { svgToPng, withPhysicalDpi } from '../../src/figures/render.ts';

const svg = (i: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${120 + i}" height="40"><rect x="2" y="2" width="${20 + i}" height="20" fill="#0072B2"/><text x="30" y="25" font-family="DejaVu Sans" font-size="12">Study ${i} (95% CI)</text></svg>`;

describe('rasterize (worker pool)', () => {
  it('draws concurrent jobs, across worker replacements, exactly as resvg does in-process', async () => {
    const count = 6 * RASTER_WORKERS * 2 + 3;
    const drawn = await Promise.all(Array.from({ length: count }, (_, i) => rasterize(svg(i), 150 / 96)));
    drawn.forEach((png, i) => {
      expect(Buffer.from(withPhysicalDpi(png, 150)).equals(Buffer.from(svgToPng(svg(i), 150))), `figure ${i}`).toBe(true);
    });
  });

  it('reports a figure resvg cannot draw as an error, and goes on with the next', async () => {
    await expect(rasterize('<svg', 1)).rejects.toThrow(/rasterising a figure failed/);
    expect((await rasterize(svg(1), 1)).length).toBeGreaterThan(100);
  });
});
