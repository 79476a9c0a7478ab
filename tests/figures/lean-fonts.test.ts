/**
 * The lean font copies for PNG rendering (src/figures/lean-fonts.ts): the same glyphs as the full
 * DejaVu TTFs (cmap read as opentype.js reads it; every table but glyf/loca/post/head byte for
 * byte; kept outlines unchanged) and, what matters, the same PNG bytes: every lean character in
 * the four faces, ligature and kerning strings, and every golden figure, drawn by the worker pool
 * (which picks the lean copies) and by resvg in this thread with the full fonts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as opentypeModule from 'opentype.js';
import { describe, expect, it } from 'vitest';
import { cmapGlyphs, leanCharacters, leanFont, leanFontFiles, svgUsesLeanCharacters } from '../../src/figures/lean-fonts.ts';
import { fontFilesFor, rasterize } from '../../src/figures/rasterize.ts';
import { svgToPng, withPhysicalDpi } from '../../src/figures/render.ts';
import { dejaVuFontFiles } from '../../src/figures/text-metrics.ts';
import { goldenDirectory } from './golden.ts';

// opentype.js as the font-metrics test loads it (default export under some loaders)
const opentype: { parse: typeof opentypeModule.parse } = (opentypeModule as unknown as { default?: { parse: typeof opentypeModule.parse } }).default ?? opentypeModule;
const parse = (bytes: Uint8Array) => opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
const glyphIndex = (font: ReturnType<typeof parse>, c: number): number => font.charToGlyph(String.fromCodePoint(c)).index;

const fonts = dejaVuFontFiles().map((path) => new Uint8Array(readFileSync(path)));
const characters = leanCharacters(fonts);

/** tag → [offset, length] of a font's tables */
function directory(font: Uint8Array): Map<string, [number, number]> {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, [number, number]>();
  for (let i = 0; i < view.getUint16(4); i++) {
    const at = 12 + 16 * i;
    tables.set(String.fromCharCode(...font.subarray(at, at + 4)), [view.getUint32(at + 8), view.getUint32(at + 12)]);
  }
  return tables;
}

const escape = (text: string) => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

/** Every lean character in each of the four faces, 48 to a line, then strings that ligate or kern. */
function allCharactersSvg(): string {
  const list = [...characters].map((c) => String.fromCodePoint(c));
  const lines: string[] = [];
  for (let i = 0; i < list.length; i += 48) lines.push(list.slice(i, i + 48).join(''));
  lines.push('fi fl ffi ffl ff ft fj Th st ct -> <- <= >= != == ... -- --- :: www', 'AV AW AY Av Aw Ay LT LV LY PA TA To Tr Ty Va Wa Ya Yo 1/2 1/4 11 (f) [j] "Q" \'y\'');
  const faces = [
    'font-family="DejaVu Sans"',
    'font-family="DejaVu Sans" font-weight="bold"',
    'font-family="DejaVu Sans Mono"',
    'font-family="DejaVu Sans Mono" font-weight="bold"',
  ];
  const texts = faces.flatMap((face, f) => lines.map((line, l) => `<text x="4" y="${14 + 15 * (f * lines.length + l)}" font-size="11" ${face} xml:space="preserve">${escape(line)}</text>`));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="${20 + 15 * faces.length * lines.length}">${texts.join('')}</svg>`;
}

describe('lean fonts', () => {
  it('read the characters of each face as opentype.js does', () => {
    expect(characters.size).toBeGreaterThan(1000);
    fonts.forEach((font, f) => {
      const parsed = parse(font);
      const glyphs = cmapGlyphs(font);
      for (let c = 0x20; c < 0x3000; c++) {
        expect(glyphs.get(c) ?? 0, `face ${f}, U+${c.toString(16)}`).toBe(glyphIndex(parsed, c));
      }
    });
  });

  it('keep every table but glyf, loca, post and head byte for byte, and the kept outlines unchanged', () => {
    fonts.forEach((font, f) => {
      const lean = leanFont(font, characters);
      const before = directory(font), after = directory(lean);
      expect([...after.keys()]).toEqual([...before.keys()]);
      for (const [tag, [offset, length]] of before) {
        if (['glyf', 'loca', 'post', 'head'].includes(tag)) continue;
        const [leanOffset, leanLength] = after.get(tag)!;
        expect(Buffer.from(lean.subarray(leanOffset, leanOffset + leanLength)).equals(Buffer.from(font.subarray(offset, offset + length))), `face ${f}, ${tag}`).toBe(true);
      }
      // post keeps its header (underline, italic angle, fixed pitch) and head all but its checksum adjustment
      const [postAt] = after.get('post')!, [fullPostAt] = before.get('post')!;
      expect(Buffer.from(lean.subarray(postAt + 4, postAt + 32)).equals(Buffer.from(font.subarray(fullPostAt + 4, fullPostAt + 32))), `face ${f}, post header`).toBe(true);
      const [headAt, headLength] = after.get('head')!, [fullHeadAt] = before.get('head')!;
      for (let i = 0; i < headLength; i++) if (i < 8 || i >= 12) expect(lean[headAt + i], `face ${f}, head byte ${i}`).toBe(font[fullHeadAt + i]);
      // a valid font: every table's checksum in the directory, and the whole file sums to 0xB1B0AFBA
      const sum = (bytes: Uint8Array): number => {
        let total = 0;
        for (let i = 0; i < bytes.byteLength; i += 4) total = (total + (((bytes[i]! << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0)) >>> 0;
        return total;
      };
      const view = new DataView(lean.buffer, lean.byteOffset, lean.byteLength);
      for (const [tag, [offset, length]] of after) {
        const copy = lean.slice(offset, offset + length);
        if (tag === 'head') copy.fill(0, 8, 12);
        const index = [...after.keys()].indexOf(tag);
        expect(view.getUint32(12 + 16 * index + 4), `face ${f}, ${tag} checksum`).toBe(sum(copy));
      }
      expect(sum(lean), `face ${f}, whole-file checksum`).toBe(0xb1b0afba);
      expect(lean.byteLength).toBeLessThan(font.byteLength * 0.5);
      // the outline of each character's glyph, as opentype.js reads it from both files
      const full = parse(font);
      const small = parse(lean);
      expect(small.numGlyphs).toBe(full.numGlyphs);
      for (const c of [0x41, 0x66, 0xe9, 0x3c4, 0x2212, 0x26a0]) {
        const index = glyphIndex(full, c);
        expect(small.glyphs.get(index).getPath(0, 0, 100).toPathData(3), `face ${f}, U+${c.toString(16)}`).toBe(full.glyphs.get(index).getPath(0, 0, 100).toPathData(3));
      }
      // a character outside the lean set keeps its glyph id but not its outline
      const cyrillic = glyphIndex(full, 0x416);
      expect(cyrillic).toBeGreaterThan(0);
      expect(glyphIndex(small, 0x416)).toBe(cyrillic);
      expect(small.glyphs.get(cyrillic).getPath(0, 0, 100).commands.length).toBe(0);
    });
  });

  it('tell which figures they can draw', () => {
    expect(svgUsesLeanCharacters('<svg>\n\t<text>Müller 2019 – τ² = 0.12 (95% CI) ≥ −1 ⚠</text></svg>', characters)).toBe(true);
    expect(svgUsesLeanCharacters('<text>&#x3c4; &#178; &amp;</text>', characters)).toBe(true);
    expect(svgUsesLeanCharacters('<text>Иванов 2020</text>', characters)).toBe(false);
    expect(svgUsesLeanCharacters('<text>&#x416;</text>', characters)).toBe(false);
    expect(svgUsesLeanCharacters('<text>&#1046;</text>', characters)).toBe(false);
    expect(svgUsesLeanCharacters('<text>Jose\u0301</text>', characters), 'a combining mark').toBe(false);
    expect(svgUsesLeanCharacters('<text>a\u200Db</text>', characters), 'a default-ignorable character').toBe(false);
    expect(svgUsesLeanCharacters('<text>☃</text>', characters), 'a symbol outside the lean ranges').toBe(false);
  });

  it('give resvg the same PNG bytes as the full fonts: every lean character in four faces, ligatures and kerning', () => {
    const lean = leanFontFiles();
    expect(lean, 'the lean copies could not be written').not.toBeNull();
    const svg = allCharactersSvg();
    expect(svgUsesLeanCharacters(svg, lean!.characters)).toBe(true);
    const options = (files: string[]) => ({ fitTo: { mode: 'zoom' as const, value: 2 }, background: 'white', logLevel: 'off' as const, font: { loadSystemFonts: false, fontFiles: files, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', monospaceFamily: 'DejaVu Sans Mono' } });
    return import('@resvg/resvg-js').then(({ Resvg }) => {
      const full = Buffer.from(new Resvg(svg, options(dejaVuFontFiles())).render().asPng());
      const small = Buffer.from(new Resvg(svg, options(lean!.files)).render().asPng());
      expect(small.equals(full)).toBe(true);
    });
  });

  it('give the worker pool the same PNG bytes as the full fonts for every golden figure', async () => {
    const names = readdirSync(goldenDirectory).filter((name) => name.endsWith('.svg') && !name.includes('-changed'));
    expect(names.length).toBeGreaterThan(20);
    const lean = leanFontFiles()!;
    for (const name of names) {
      const svg = readFileSync(join(goldenDirectory, name), 'utf8');
      expect(fontFilesFor(svg), `${name} is drawn with the lean copies`).toEqual(lean.files);
      const pooled = withPhysicalDpi(await rasterize(svg, 150 / 96), 150);
      expect(Buffer.from(pooled).equals(Buffer.from(svgToPng(svg, 150))), name).toBe(true);
    }
    expect(fontFilesFor('<svg><text>Иванов 2020</text></svg>')).toEqual(dejaVuFontFiles());
  }, 120_000);

  it('are replaced by the full fonts in the worker when a lean file has gone from the cache folder', async () => {
    const svg = readFileSync(join(goldenDirectory, 'forest-sensitivity.svg'), 'utf8');
    const worker = new Worker(new URL('../../src/figures/rasterize-worker.mjs', import.meta.url));
    try {
      const answer = await new Promise<{ png?: Uint8Array; error?: string }>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage({ id: 1, svg, zoom: 150 / 96, fonts: { files: ['/nonexistent/metadx-lean/DejaVuSans.ttf'], full: dejaVuFontFiles(), sans: 'DejaVu Sans', mono: 'DejaVu Sans Mono' } });
      });
      expect(answer.error).toBeUndefined();
      expect(Buffer.from(withPhysicalDpi(answer.png!, 150)).equals(Buffer.from(svgToPng(svg, 150)))).toBe(true);
    } finally {
      await worker.terminate();
    }
  });
});
