/**
 * Minimal types for opentype.js 2.0.0 (the package ships none): only what src/figures/text-metrics.ts
 * uses. Under Node ESM the package exposes a single default export; bundlers may see named exports.
 */
declare module 'opentype.js' {
  export interface Glyph {
    advanceWidth?: number;
  }
  export interface Font {
    unitsPerEm: number;
    charToGlyph(character: string): Glyph;
  }
  export function parse(buffer: ArrayBuffer, options?: Record<string, unknown>): Font;
  const opentype: { parse: typeof parse };
  export default opentype;
}
