/**
 * Minimal types for opentype.js 2.0.0 (the package ships none): only what scripts/font-metrics.ts and the
 * font tests use. Under Node ESM the package exposes a single default export; bundlers may see named exports.
 */
declare module 'opentype.js' {
  export interface Glyph {
    index: number;
    advanceWidth?: number;
    /** the outline at (x, y) and font size */
    getPath(x: number, y: number, fontSize: number): { commands: unknown[]; toPathData(decimals?: number): string };
  }
  export interface Font {
    unitsPerEm: number;
    numGlyphs: number;
    charToGlyph(character: string): Glyph;
    /** code point → glyph index (the cmap), used by scripts/font-metrics.ts */
    tables: { cmap: { glyphIndexMap: Record<string, number> } };
    glyphs: { get(index: number): Glyph };
  }
  export function parse(buffer: ArrayBuffer, options?: Record<string, unknown>): Font;
  const opentype: { parse: typeof parse };
  export default opentype;
}
