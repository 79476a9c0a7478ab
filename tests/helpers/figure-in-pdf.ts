/**
 * A figure as printed in the PDF compared with its standalone render (figures/<id>.svg through
 * resvg): the check that catches a figure losing marks only inside the document (shared clip-path
 * ids once cut four figures in half in the PDF while their PNGs were whole).
 *
 *  1. Where: the figure's caption is a PDF bookmark ("Figure N. …") giving its page and top; the
 *     SVG sits just above the caption, centred in the text column, at 0.75 pt per CSS px (scaled
 *     down only if wider than the column).
 *  2. Both are rasterised at the same scale; the printed crop is aligned to the standalone render
 *     by the ink profiles of rows and columns (1-D cross-correlation), then refined.
 *  3. Ink (dark pixels) of one with no ink within 2 px in the other counts as missing (or extra).
 *     Anti-aliasing and hinting differ between Chromium and resvg by about a pixel; whole marks do
 *     not.
 */
import { Resvg } from '@resvg/resvg-js';
import { dejaVuFontFiles } from '../../src/figures/text-metrics.ts';
import { FONT } from '../../src/figures/theme.ts';
import { crop, renderPage, type Raster } from './pdf.ts';
import type { PdfDocument } from '../../src/pdf/read.ts';

export const COMPARE_DPI = 144;
const PX_PER_PT = COMPARE_DPI / 72;
/** CSS px to PDF points */
const PT_PER_CSS_PX = 0.75;
/** the caption's font size in templates/style.css (figcaption) */
export const CAPTION_PT = 8.5;

export interface FigureComparison {
  figure: string;
  page: number;
  /** share of the standalone render's ink that the printed figure lacks */
  missing: number;
  /** share of the printed figure's ink that the standalone render lacks */
  extra: number;
  /** the printed scale relative to 100 % (1 unless the figure is wider than the column or the document was shrunk) */
  scale: number;
  /** where the figure is printed on its page (points from the top-left corner) */
  area: { x: number; y: number; width: number; height: number };
  printed: Raster;
  standalone: Raster;
}

function renderSvg(svg: string, zoom: number): Raster {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: 'white',
    logLevel: 'off',
    font: { loadSystemFonts: false, fontFiles: dejaVuFontFiles(), defaultFontFamily: FONT.sans, sansSerifFamily: FONT.sans, monospaceFamily: FONT.mono },
  });
  const image = resvg.render();
  return { width: image.width, height: image.height, data: image.pixels };
}

const isInk = (r: Raster, i: number): boolean => r.data[i * 4]! + r.data[i * 4 + 1]! + r.data[i * 4 + 2]! < 3 * 200;

function inkMask(r: Raster): Uint8Array {
  const mask = new Uint8Array(r.width * r.height);
  for (let i = 0; i < mask.length; i++) mask[i] = isInk(r, i) ? 1 : 0;
  return mask;
}

/** Ink of `a` (at offset dx, dy inside `b`) with no ink of `b` within `radius` px. */
function unmatched(a: Uint8Array, aw: number, ah: number, b: Uint8Array, bw: number, bh: number, dx: number, dy: number, radius: number): { total: number; lost: number } {
  let total = 0;
  let lost = 0;
  for (let y = 0; y < ah; y++) {
    for (let x = 0; x < aw; x++) {
      if (!a[y * aw + x]) continue;
      total++;
      let found = false;
      for (let yy = y + dy - radius; yy <= y + dy + radius && !found; yy++) {
        if (yy < 0 || yy >= bh) continue;
        for (let xx = x + dx - radius; xx <= x + dx + radius; xx++) {
          if (xx >= 0 && xx < bw && b[yy * bw + xx]) {
            found = true;
            break;
          }
        }
      }
      if (!found) lost++;
    }
  }
  return { total, lost };
}

function profile(mask: Uint8Array, width: number, height: number, axis: 'rows' | 'columns'): Float64Array {
  const out = new Float64Array(axis === 'rows' ? height : width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (mask[y * width + x]) out[axis === 'rows' ? y : x]!++;
  return out;
}

/** The shift of `small` inside `large` (0 … large.length − small.length) that best matches. */
function bestShift(small: Float64Array, large: Float64Array): number {
  let best = 0;
  let bestScore = Infinity;
  for (let shift = 0; shift + small.length <= large.length; shift++) {
    let score = 0;
    for (let i = 0; i < small.length; i++) score += Math.abs(small[i]! - large[shift + i]!);
    if (score < bestScore) {
      bestScore = score;
      best = shift;
    }
  }
  return best;
}

/**
 * Compare figure `number` of the PDF (its caption bookmark "Figure N. …") with `svg`.
 * `margins` are the page's left and right print margins in points.
 */
export async function compareFigureInPdf(pdf: PdfDocument, number: number, id: string, svg: string, margins = { left: (16 / 25.4) * 72, right: (16 / 25.4) * 72 }): Promise<FigureComparison> {
  const entry = pdf.outline.find((e) => e.title.startsWith(`Figure ${number}. `));
  if (!entry) throw new Error(`no bookmark "Figure ${number}. …" in the PDF`);
  const pageSize = pdf.pageSizes[entry.page - 1]!;
  // The whole document may have been shrunk to fit (Chromium does that when something is wider
  // than the page): the caption's printed size against its CSS size tells by how much.
  const captionRun = (await pdf.runs(entry.page)).find((run) => run.text.startsWith(`Figure ${number}.`));
  const documentScale = captionRun ? Math.min(1, captionRun.size / CAPTION_PT) : 1;
  const columnPt = (pageSize.width - margins.left - margins.right) / documentScale;
  const width = Number(/<svg[^>]*\swidth="([0-9.]+)"/.exec(svg)?.[1]);
  const scale = Math.min(1, columnPt / (width * PT_PER_CSS_PX)) * documentScale;
  const standalone = renderSvg(svg, PT_PER_CSS_PX * scale * PX_PER_PT);
  const page = await renderPage(pdf, entry.page, COMPARE_DPI);
  // search window: the column's width, from well above the expected top to the caption
  const expectedBottom = entry.top * PX_PER_PT;
  const windowTop = Math.max(0, Math.round(expectedBottom - standalone.height - 40 * PX_PER_PT));
  const windowLeft = Math.max(0, Math.round(margins.left * PX_PER_PT - 6));
  const window = crop(page, windowLeft, windowTop, Math.min(page.width - windowLeft, columnPt * documentScale * PX_PER_PT + 12), Math.max(standalone.height, expectedBottom + 4 - windowTop));
  const a = inkMask(standalone);
  const b = inkMask(window);
  const dy0 = bestShift(profile(a, standalone.width, standalone.height, 'rows'), profile(b, window.width, window.height, 'rows'));
  const dx0 = bestShift(profile(a, standalone.width, standalone.height, 'columns'), profile(b, window.width, window.height, 'columns'));
  let best = { dx: dx0, dy: dy0, lost: Infinity, total: 0 };
  for (let dy = dy0 - 3; dy <= dy0 + 3; dy++) {
    for (let dx = dx0 - 3; dx <= dx0 + 3; dx++) {
      const r = unmatched(a, standalone.width, standalone.height, b, window.width, window.height, dx, dy, 1);
      if (r.lost < best.lost) best = { dx, dy, ...r };
    }
  }
  const printed = crop(window, best.dx, best.dy, standalone.width, standalone.height);
  const p = inkMask(printed);
  const missing = unmatched(a, standalone.width, standalone.height, p, printed.width, printed.height, 0, 0, 2);
  const extra = unmatched(p, printed.width, printed.height, a, standalone.width, standalone.height, 0, 0, 2);
  const area = { x: (windowLeft + best.dx) / PX_PER_PT, y: (windowTop + best.dy) / PX_PER_PT, width: standalone.width / PX_PER_PT, height: standalone.height / PX_PER_PT };
  return { figure: id, page: entry.page, missing: missing.lost / (missing.total || 1), extra: extra.lost / (extra.total || 1), scale, area, printed, standalone };
}
