/**
 * Real text widths for the DejaVu fonts, without node-canvas.
 *
 * Without a canvas, Vega estimates a string's width as 0.8 · characters · fontSize, about 40%
 * wider than DejaVu Sans; axis labels then get truncated with "…" and layouts get needless padding
 * (STACK.md §2.2). Here each character's advance width is read from the TTF shipped by the npm
 * package `dejavu-fonts-ttf` (opentype.js, `charToGlyph(ch).advanceWidth`; `Font.getAdvanceWidth`
 * throws on DejaVu's GSUB table in opentype.js 2.0.0). Kerning is ignored, as Vega's SVG output does
 * not kern either. The same widths drive Vega's layout (`installTextMetrics`) and our own column
 * sizing and wrapping (`measureText`, `wrapText`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as vega from 'vega';
import * as opentypeModule from 'opentype.js';
import type { Font } from 'opentype.js';
import { FONT } from './theme.ts';

/** opentype.js has only a default export under Node ESM, named exports under bundlers. */
const opentype: { parse: typeof opentypeModule.parse } =
  (opentypeModule as unknown as { default?: { parse: typeof opentypeModule.parse } }).default ?? opentypeModule;

export type FontFace = 'regular' | 'bold' | 'mono' | 'monoBold';

const FONT_FILES: Record<FontFace, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
  monoBold: 'DejaVuSansMono-Bold.ttf',
};

/** Folder holding the DejaVu TTFs of the npm package (used for measuring and for PNG rendering). */
export function dejaVuFontDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

/** Paths of the TTFs the figures use, in a fixed order. */
export function dejaVuFontFiles(): string[] {
  const directory = dejaVuFontDirectory();
  return (Object.keys(FONT_FILES) as FontFace[]).map((face) => join(directory, FONT_FILES[face]));
}

interface LoadedFace {
  font: Font;
  /** advance width in font units, per character */
  advances: Map<string, number>;
}

const loadedFaces = new Map<FontFace, LoadedFace>();

function loadFace(face: FontFace): LoadedFace {
  let loaded = loadedFaces.get(face);
  if (!loaded) {
    const bytes = readFileSync(join(dejaVuFontDirectory(), FONT_FILES[face]));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    loaded = { font: opentype.parse(buffer as ArrayBuffer), advances: new Map() };
    loadedFaces.set(face, loaded);
  }
  return loaded;
}

export interface TextStyle {
  bold?: boolean;
  mono?: boolean;
}

function faceOf(style: TextStyle): FontFace {
  if (style.mono) return style.bold ? 'monoBold' : 'mono';
  return style.bold ? 'bold' : 'regular';
}

/** Width in px of `text` set in DejaVu Sans (or Bold / Sans Mono) at `fontSize` px. */
export function measureText(text: string, fontSize: number, style: TextStyle = {}): number {
  const { font, advances } = loadFace(faceOf(style));
  let units = 0;
  for (const character of text) {
    let advance = advances.get(character);
    if (advance === undefined) {
      advance = font.charToGlyph(character).advanceWidth ?? font.unitsPerEm * 0.6;
      advances.set(character, advance);
    }
    units += advance;
  }
  return (units / font.unitsPerEm) * fontSize;
}

/** The subset of a Vega scenegraph text item that determines its width. */
interface VegaTextItem {
  text?: unknown;
  font?: string;
  fontSize?: number;
  fontWeight?: string | number;
}

function styleOfItem(item: VegaTextItem): TextStyle {
  const weight = item.fontWeight;
  return {
    mono: /mono/i.test(item.font ?? ''),
    bold: weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600) || Number(weight) >= 600,
  };
}

let installed = false;

/**
 * Replace Vega's width estimate by DejaVu metrics (a process-wide setting of the `vega` module;
 * idempotent). Call before building a View; `renderFigure` does.
 */
export function installTextMetrics(): void {
  if (installed) return;
  const metrics = (vega as unknown as { textMetrics: { width: (item: VegaTextItem, text?: string) => number } })
    .textMetrics;
  metrics.width = (item, text) => {
    const content = String(text ?? item.text ?? '').trim();
    const fontSize = item.fontSize ?? 11;
    return fontSize <= 0 ? 0 : measureText(content, fontSize, styleOfItem(item));
  };
  installed = true;
}

/** Font family name for a style, as written into the spec. */
export function fontFamilyOf(style: TextStyle): string {
  return style.mono ? FONT.mono : FONT.sans;
}

/**
 * Break `text` into lines no wider than `maxWidthPx` at `fontSize`: at "\n" always, otherwise at
 * spaces (not at no-break spaces U+00A0, so "95%\u00A0CI" stays together); a word longer than the
 * line breaks after a hyphen, else between characters. Never drops characters: the lines hold
 * every character of the input, so long study labels wrap instead of being clipped.
 */
export function wrapText(text: string, maxWidthPx: number, fontSize: number, style: TextStyle = {}): string[] {
  return text.split('\n').flatMap((paragraph) => wrapParagraph(paragraph, maxWidthPx, fontSize, style));
}

function wrapParagraph(text: string, maxWidthPx: number, fontSize: number, style: TextStyle): string[] {
  const fits = (candidate: string) => measureText(candidate, fontSize, style) <= maxWidthPx;
  const lines: string[] = [];
  let line = '';
  /** Append `piece` to the current line (after `separator`), or start a new line with it. */
  const place = (piece: string, separator: string) => {
    const candidate = line === '' ? piece : line + separator + piece;
    if (fits(candidate)) {
      line = candidate;
      return;
    }
    if (line !== '') lines.push(line);
    line = '';
    if (fits(piece)) {
      line = piece;
      return;
    }
    for (const character of piece) {
      if (line !== '' && !fits(line + character)) {
        lines.push(line);
        line = '';
      }
      line += character;
    }
  };
  for (const word of text.split(/[ \t\r]+/).filter((part) => part.length > 0)) {
    if (fits(word)) place(word, ' ');
    // A word wider than a line breaks after its hyphens first, then between characters.
    else word.split(/(?<=-)/).forEach((part, index) => place(part, index === 0 ? ' ' : ''));
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** Width of the widest string, px. */
export function maxTextWidth(texts: readonly string[], fontSize: number, style: TextStyle = {}): number {
  return texts.reduce((widest, text) => Math.max(widest, measureText(text, fontSize, style)), 0);
}
