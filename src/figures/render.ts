/**
 * Vega-Lite spec → SVG and PNG, in-process and deterministic (STACK.md §2).
 *
 *   Vega-Lite spec ──compile──▶ Vega spec ──parse──▶ View (renderer 'none') ──toSVG──▶ SVG
 *   SVG ──resvg (DejaVu TTFs from npm only, zoom = dpi / 96)──▶ PNG (+ pHYs chunk with the dpi)
 *
 * Text widths come from the DejaVu TTFs (`installTextMetrics`), so layout does not depend on a
 * canvas. resvg loads no system fonts, so the PNG does not depend on the machine: two renders of
 * the same spec are byte-identical. Compiler and runtime warnings are collected, never printed.
 */
import { crc32 } from 'node:zlib';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { dejaVuFontFiles, installTextMetrics } from './text-metrics.ts';
import { rasterize } from './rasterize.ts';
import { FONT } from './theme.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, LimitError, suggestedLimit } from '../limits.ts';
import { limitMessages } from '../messages.ts';

export interface RenderOptions {
  /** PNG resolution in dots per inch; SVG px are 1/96 in, so the PNG is scaled by dpi / 96. Default 300. */
  dpi?: number;
  /** pixels (width × height) the PNG may have; a larger one is refused (LimitError) before it is
   *  rasterised. Default: DEFAULT_LIMITS.pngPixels (src/limits.ts) */
  maxPixels?: number;
  /** the figure's id, for the message when it is too large */
  id?: string;
  /** false: no PNG (an empty one, size 0 × 0): the preview shows the SVG only. Default true. */
  png?: boolean;
}

export interface RenderedFigure {
  svg: string;
  png: Uint8Array;
  /** the input spec (for writing next to the report as an intermediate artifact) */
  vegaLite: TopLevelSpec;
  /** the compiled Vega spec */
  vega: object;
  /** SVG size in CSS px (1/96 in) */
  widthPx: number;
  heightPx: number;
  /** PNG size in pixels */
  pngWidth: number;
  pngHeight: number;
  /** warnings from the Vega-Lite compiler and the Vega runtime (empty for a clean figure) */
  warnings: string[];
}

export const DEFAULT_DPI = 300;

/** A Vega logger that stores messages instead of writing to the console. */
function collectingLogger(messages: string[]): vega.LoggerInterface {
  let currentLevel = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(value?: number) {
      if (value === undefined) return currentLevel;
      currentLevel = value;
      return logger;
    },
    error(...args: readonly unknown[]) {
      messages.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: readonly unknown[]) {
      messages.push(`warn: ${args.map(String).join(' ')}`);
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  } as vega.LoggerInterface;
  return logger;
}

function svgDimension(svg: string, attribute: 'width' | 'height'): number {
  const match = new RegExp(`<svg[^>]*\\s${attribute}="([0-9.]+)"`).exec(svg);
  if (!match?.[1]) throw new Error(`renderFigure: the SVG has no ${attribute} attribute`);
  return Number(match[1]);
}

/** Rasterise an SVG with the npm DejaVu fonts only; returns the PNG with its dpi recorded. */
export function svgToPng(svg: string, dpi: number = DEFAULT_DPI): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: dpi / 96 },
    background: 'white',
    logLevel: 'off',
    font: {
      loadSystemFonts: false,
      fontFiles: dejaVuFontFiles(),
      defaultFontFamily: FONT.sans,
      sansSerifFamily: FONT.sans,
      monospaceFamily: FONT.mono,
    },
  });
  return withPhysicalDpi(new Uint8Array(resvg.render().asPng()), dpi);
}

/**
 * Insert a pHYs chunk (pixels per metre) after IHDR so that journal checkers and word processors
 * read the intended resolution. The PNG signature (8 bytes) and IHDR chunk (25 bytes) come first.
 */
export function withPhysicalDpi(png: Uint8Array, dpi: number): Uint8Array {
  const insertAt = 8 + 25;
  const pixelsPerMetre = Math.round(dpi / 0.0254);
  const chunk = new Uint8Array(21);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // "pHYs"
  view.setUint32(8, pixelsPerMetre);
  view.setUint32(12, pixelsPerMetre);
  chunk[16] = 1; // unit: metre
  view.setUint32(17, crc32(chunk.subarray(4, 17)));
  const output = new Uint8Array(png.length + chunk.length);
  output.set(png.subarray(0, insertAt), 0);
  output.set(chunk, insertAt);
  output.set(png.subarray(insertAt), insertAt + chunk.length);
  return output;
}

/** Width and height in pixels from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Vega numbers SVG clip paths and gradients with a process-wide counter. Rendering one figure at a
 * time, each starting from a reset counter, makes the SVG independent of what was rendered before.
 */
let renderQueue: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const result = renderQueue.then(task);
  renderQueue = result.catch(() => undefined);
  return result;
}

async function toSvg(vegaSpec: vega.Spec, warnings: string[]): Promise<string> {
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', logger: collectingLogger(warnings) });
  try {
    await view.runAsync();
    vega.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A figure whose SVG is ready and whose PNG is being drawn (off the main thread). */
export interface DeferredFigure extends Omit<RenderedFigure, 'png' | 'pngWidth' | 'pngHeight'> {
  png: Promise<Uint8Array>;
}

/**
 * Compile, lay out and render one figure to SVG; the PNG is drawn by a rasterising worker
 * (rasterize.ts) while the caller goes on. The PNG is the same as `renderFigure`'s.
 */
export async function renderFigureDeferred(spec: TopLevelSpec, options: RenderOptions = {}): Promise<DeferredFigure> {
  const dpi = options.dpi ?? DEFAULT_DPI;
  const warnings: string[] = [];
  installTextMetrics();
  const compiled = compile(spec, { logger: collectingLogger(warnings) });
  const svg = await oneAtATime(() => toSvg(compiled.spec, warnings));
  // refuse a PNG beyond the pixel limit before resvg allocates it (4 bytes per pixel)
  const maxPixels = options.maxPixels ?? DEFAULT_LIMITS.pngPixels;
  const width = Math.ceil(svgDimension(svg, 'width') * (dpi / 96));
  const height = Math.ceil(svgDimension(svg, 'height') * (dpi / 96));
  if (width * height > maxPixels) {
    throw new LimitError('pngPixels', limitMessages.pngTooLarge(options.id ?? 'figure', width, height, dpi, maxPixels), limitMessages.pngTooLargeHint(LIMIT_VARIABLES.pngPixels, suggestedLimit(width * height)));
  }
  // png: false (the preview) draws no raster
  const png = options.png === false ? Promise.resolve(new Uint8Array(0)) : rasterize(svg, dpi / 96).then((bytes) => withPhysicalDpi(bytes, dpi));
  return {
    svg,
    png,
    vegaLite: spec,
    vega: compiled.spec,
    widthPx: svgDimension(svg, 'width'),
    heightPx: svgDimension(svg, 'height'),
    warnings,
  };
}

/** Compile, lay out and render one figure to SVG and PNG. */
export async function renderFigure(spec: TopLevelSpec, options: RenderOptions = {}): Promise<RenderedFigure> {
  const { png: drawing, ...figure } = await renderFigureDeferred(spec, options);
  const png = await drawing;
  const size = png.length === 0 ? { width: 0, height: 0 } : pngSize(png);
  return { ...figure, png, pngWidth: size.width, pngHeight: size.height };
}

/**
 * Normalise an SVG for golden-file comparison (as Observable Plot's tests do): numbers rounded to
 * one decimal, generated ids (clip paths, gradients) renumbered in order of appearance.
 */
export function normaliseSvg(svg: string): string {
  const ids = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = match[1];
    if (id !== undefined && !ids.has(id)) ids.set(id, `id${ids.size + 1}`);
  }
  const renumbered = svg
    .replace(/(\sid=")([^"]+)(")/g, (_all, start: string, id: string, end: string) => `${start}${ids.get(id) ?? id}${end}`)
    .replace(/url\(#([^)]+)\)/g, (_all, id: string) => `url(#${ids.get(id) ?? id})`)
    .replace(/href="#([^"]+)"/g, (_all, id: string) => `href="#${ids.get(id) ?? id}"`);
  // Round only inside tags (coordinates, sizes); text content is compared exactly.
  return renumbered
    .replace(/<[^>]+>/g, (tag) =>
      tag.replace(/-?\d+\.\d+(e-?\d+)?/g, (number) => {
        const rounded = Math.round(Number(number) * 10) / 10;
        return String(Object.is(rounded, -0) ? 0 : rounded);
      }),
    )
    .replace(/>\s*</g, '>\n<');
}
