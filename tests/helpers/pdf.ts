/**
 * PDF checks in JavaScript only (no poppler): open a printed PDF with src/pdf/read.ts (PDF.js) and
 * render pages to pixels with PDF.js on @napi-rs/canvas (a devDependency; prebuilt Skia binary
 * from npm).
 */
import { readFileSync } from 'node:fs';
import { readPdf, type PdfDocument } from '../../src/pdf/read.ts';

export { readPdf, type PdfDocument, type PdfTextRun } from '../../src/pdf/read.ts';

/** Open a PDF file. */
export async function openPdf(path: string): Promise<PdfDocument> {
  return readPdf(readFileSync(path));
}

/** An RGBA raster: 4 bytes per pixel, rows top to bottom. */
export interface Raster {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** Render one page (1-based) at `dpi` on a white background. */
export async function renderPage(pdf: PdfDocument, page: number, dpi: number): Promise<Raster> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const pdfPage = await pdf.proxy.getPage(page);
  const viewport = pdfPage.getViewport({ scale: dpi / 72 });
  const width = Math.ceil(viewport.width);
  const height = Math.ceil(viewport.height);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  await pdfPage.render({ canvasContext: context as unknown as CanvasRenderingContext2D, canvas: canvas as unknown as HTMLCanvasElement, viewport }).promise;
  const image = context.getImageData(0, 0, width, height);
  return { width, height, data: image.data };
}

/** Encode a raster as PNG (for writing a failing comparison next to the test output). */
export async function rasterToPng(raster: Raster): Promise<Buffer> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(raster.width, raster.height);
  const context = canvas.getContext('2d');
  const image = context.createImageData(raster.width, raster.height);
  image.data.set(raster.data);
  context.putImageData(image, 0, 0);
  return canvas.toBuffer('image/png');
}

/** Decode a PNG into a raster. */
export async function pngToRaster(png: Uint8Array): Promise<Raster> {
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, image.width, image.height);
  context.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: context.getImageData(0, 0, image.width, image.height).data };
}

/** Cut a rectangle out of a raster (clamped to its bounds). */
export function crop(raster: Raster, x: number, y: number, width: number, height: number): Raster {
  const left = Math.max(0, Math.round(x));
  const top = Math.max(0, Math.round(y));
  const w = Math.max(0, Math.min(raster.width - left, Math.round(width)));
  const h = Math.max(0, Math.min(raster.height - top, Math.round(height)));
  const data = new Uint8ClampedArray(w * h * 4);
  for (let row = 0; row < h; row++) data.set(raster.data.subarray(((top + row) * raster.width + left) * 4, ((top + row) * raster.width + left + w) * 4), row * w * 4);
  return { width: w, height: h, data };
}

/** Share of a raster's pixels that are not (near) white: how much is drawn. */
export function inkFraction(raster: Raster): number {
  let ink = 0;
  for (let i = 0; i < raster.data.length; i += 4) if (raster.data[i]! + raster.data[i + 1]! + raster.data[i + 2]! < 3 * 235) ink++;
  return ink / (raster.width * raster.height || 1);
}
