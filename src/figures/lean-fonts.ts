/**
 * Lean copies of the DejaVu TTFs for drawing PNGs, with the same output bytes.
 *
 * resvg-js 2.6.2 (native) keeps fonts as file paths and reads the whole file again each time it
 * needs a glyph (fontdb `Source::File`, `std::fs::read` per lookup; its native binding takes no
 * font buffers). The flagship's 17 figures make 15,302 such reads of 0.33–0.76 MB files, a
 * 2,000-study report about 496,000; copying them is most of resvg's text layout time.
 *
 * A lean copy is the same font with less to read: every table is kept byte for byte, and every
 * glyph keeps its id, except that
 * - `glyf` holds only the outlines of the glyphs that text made of LEAN_RANGES characters can
 *   reach: through `cmap`, then GSUB substitutions (any lookup, to a fixed point) and the
 *   components of composite glyphs; every other glyph is left empty (`loca` rewritten to match);
 * - `post` is format 3 (the same header, no glyph names: nothing in text layout reads them);
 * - table checksums and `head.checkSumAdjustment` are recomputed.
 * cmap, hmtx, kern, GSUB, GPOS, name and OS/2 are untouched, so a string drawn only from
 * `leanCharacters` finds, shapes, positions and draws the very same glyphs. Those characters are
 * the LEAN_RANGES that all four faces map (so no fallback to another face and no decomposition
 * happens for them), without combining marks (whose composition and mark positioning could reach
 * other glyphs) or the zero-width and bidi controls (the soft hyphen U+00AD, default-ignorable
 * too, is in: it has the same glyph id either way, and shaping hides it the same way). A figure with
 * any other character is drawn with the full fonts (`svgUsesLeanCharacters`).
 * tests/figures/lean-fonts.test.ts draws every lean character, ligature-prone strings and every
 * golden figure both ways and compares the PNG bytes. The argument rests on how resvg-js 2.6.2
 * (resvg 0.34, rustybuzz 0.7) lays out text — left-to-right paragraphs, small caps through the
 * `smcp` feature, outlines read only for the glyphs shaping produces — so an upgrade of resvg-js
 * must pass those tests again.
 *
 * The copies are derived from the installed TTFs once per process (about 80 ms, at the first
 * figure) and written to node_modules/.cache/metadx-lean-fonts/, named by their SHA-256; a file
 * there is used only if its bytes are the ones just derived, and copies of other versions are
 * removed. If the folder cannot be written, the full fonts are used (the same PNGs, more slowly).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { dejaVuFontDirectory, dejaVuFontFiles } from './text-metrics.ts';

/**
 * Code point ranges (inclusive) of the lean fonts: Latin (Basic, Latin-1, Extended-A and -B),
 * spacing modifier letters, Greek and Coptic, general punctuation, super- and subscripts, currency,
 * letterlike symbols, number forms, arrows, mathematical operators, geometric shapes, and the
 * warning sign, check mark and ballot x (the other symbols and dingbats would add a sixth to the
 * files; a figure using one is drawn with the full fonts). Combining marks (U+0300–U+036F) and the
 * zero-width and bidi controls U+200B–U+200F, U+2028–U+202E and U+2060–U+206F are left out on
 * purpose (see the module comment); the spaces U+2000–U+200A, U+202F and U+205F are in.
 */
export const LEAN_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e],
  [0xa0, 0x24f],
  [0x2b0, 0x2ff],
  [0x370, 0x3ff],
  [0x2000, 0x200a],
  [0x2010, 0x2027],
  [0x202f, 0x205f],
  [0x2070, 0x209f],
  [0x20a0, 0x20bf],
  [0x2100, 0x218f],
  [0x2190, 0x21ff],
  [0x2200, 0x22ff],
  [0x25a0, 0x25ff],
  [0x26a0, 0x26a0],
  [0x2713, 0x2713],
  [0x2717, 0x2717],
];

/** A TrueType font's tables: tag → bytes (views into the file). */
function readTables(font: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const count = view.getUint16(4);
  const tables = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(font[record]!, font[record + 1]!, font[record + 2]!, font[record + 3]!);
    const offset = view.getUint32(record + 8);
    const length = view.getUint32(record + 12);
    if (offset + length > font.byteLength) throw new RangeError(`lean font: table ${tag} runs past the end of the file`);
    tables.set(tag, font.subarray(offset, offset + length));
  }
  return tables;
}

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function table(tables: Map<string, Uint8Array>, tag: string): Uint8Array {
  const bytes = tables.get(tag);
  if (!bytes) throw new RangeError(`lean font: no ${tag} table`);
  return bytes;
}

const cmaps = new WeakMap<Uint8Array, Map<number, number>>();

/**
 * Code point → glyph id from every Unicode cmap subtable of format 4 or 12 (the union; the first
 * mapping wins). Read once per font: `leanCharacters` and `leanFont` both ask.
 */
export function cmapGlyphs(font: Uint8Array): Map<number, number> {
  const known = cmaps.get(font);
  if (known) return known;
  const glyphs = readCmap(font);
  cmaps.set(font, glyphs);
  return glyphs;
}

function readCmap(font: Uint8Array): Map<number, number> {
  const cmap = table(readTables(font), 'cmap');
  const view = viewOf(cmap);
  const glyphs = new Map<number, number>();
  const subtables = view.getUint16(2);
  for (let i = 0; i < subtables; i++) {
    const platform = view.getUint16(4 + 8 * i), encoding = view.getUint16(6 + 8 * i);
    if (!(platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10)))) continue;
    const at = view.getUint32(8 + 8 * i);
    const format = view.getUint16(at);
    if (format === 4) {
      const segments = view.getUint16(at + 6) / 2;
      const ends = at + 14, starts = ends + 2 * segments + 2, deltas = starts + 2 * segments, rangeOffsets = deltas + 2 * segments;
      for (let s = 0; s < segments; s++) {
        const start = view.getUint16(starts + 2 * s), end = view.getUint16(ends + 2 * s);
        const delta = view.getInt16(deltas + 2 * s), rangeOffset = view.getUint16(rangeOffsets + 2 * s);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph: number;
          if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
          else {
            glyph = view.getUint16(rangeOffsets + 2 * s + rangeOffset + 2 * (c - start));
            if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
          }
          if (glyph !== 0 && !glyphs.has(c)) glyphs.set(c, glyph);
        }
      }
    } else if (format === 12) {
      const groups = view.getUint32(at + 12);
      for (let g = 0; g < groups; g++) {
        const first = view.getUint32(at + 16 + 12 * g), last = view.getUint32(at + 20 + 12 * g), glyph = view.getUint32(at + 24 + 12 * g);
        for (let c = first; c <= last; c++) if (!glyphs.has(c)) glyphs.set(c, glyph + c - first);
      }
    }
  }
  return glyphs;
}

/** Glyph ids of an OpenType coverage table, in coverage order. */
function coverage(view: DataView, at: number): number[] {
  const ids: number[] = [];
  const count = view.getUint16(at + 2);
  if (view.getUint16(at) === 1) {
    for (let i = 0; i < count; i++) ids.push(view.getUint16(at + 4 + 2 * i));
  } else {
    for (let i = 0; i < count; i++) {
      const first = view.getUint16(at + 4 + 6 * i), last = view.getUint16(at + 6 + 6 * i);
      for (let g = first; g <= last; g++) ids.push(g);
    }
  }
  return ids;
}

/**
 * Glyphs that GSUB can produce from glyphs in `kept` (one pass over every lookup; the caller
 * repeats until nothing is added). Contextual lookups (types 5 and 6) only apply other lookups, to
 * glyphs already in the run, so they add nothing beyond those lookups themselves.
 */
function gsubOutputs(gsub: Uint8Array, kept: ReadonlySet<number>): Set<number> {
  const view = viewOf(gsub);
  const out = new Set<number>();
  const lookupList = view.getUint16(8);
  const lookups = view.getUint16(lookupList);
  const subtable = (type: number, at: number): void => {
    if (type === 7) {
      subtable(view.getUint16(at + 2), at + view.getUint32(at + 4));
      return;
    }
    const format = view.getUint16(at);
    const covered = (type >= 1 && type <= 4) || type === 8 ? coverage(view, at + view.getUint16(at + 2)) : [];
    if (type === 1 && format === 1) {
      const delta = view.getInt16(at + 4);
      for (const glyph of covered) if (kept.has(glyph)) out.add((glyph + delta) & 0xffff);
    } else if (type === 1 && format === 2) {
      covered.forEach((glyph, i) => kept.has(glyph) && out.add(view.getUint16(at + 6 + 2 * i)));
    } else if (type === 2 || type === 3) {
      covered.forEach((glyph, i) => {
        if (!kept.has(glyph)) return;
        const sequence = at + view.getUint16(at + 6 + 2 * i);
        for (let j = 0; j < view.getUint16(sequence); j++) out.add(view.getUint16(sequence + 2 + 2 * j));
      });
    } else if (type === 4) {
      covered.forEach((glyph, i) => {
        if (!kept.has(glyph)) return;
        const set = at + view.getUint16(at + 6 + 2 * i);
        for (let j = 0; j < view.getUint16(set); j++) {
          const ligature = set + view.getUint16(set + 2 + 2 * j);
          const componentCount = view.getUint16(ligature + 2);
          let reachable = true;
          for (let k = 0; k < componentCount - 1; k++) if (!kept.has(view.getUint16(ligature + 4 + 2 * k))) reachable = false;
          if (reachable) out.add(view.getUint16(ligature));
        }
      });
    } else if (type === 8) {
      const backtrack = view.getUint16(at + 4);
      const lookahead = view.getUint16(at + 6 + 2 * backtrack);
      const substitutes = at + 8 + 2 * backtrack + 2 * lookahead;
      for (let i = 0; i < view.getUint16(substitutes); i++) if (kept.has(covered[i]!)) out.add(view.getUint16(substitutes + 2 + 2 * i));
    }
  };
  for (let l = 0; l < lookups; l++) {
    const lookup = lookupList + view.getUint16(lookupList + 2 + 2 * l);
    const type = view.getUint16(lookup);
    const count = view.getUint16(lookup + 4);
    for (let s = 0; s < count; s++) subtable(type, lookup + view.getUint16(lookup + 6 + 2 * s));
  }
  return out;
}

/** Components of a composite glyph (none for a simple or empty one). */
function components(glyph: Uint8Array): number[] {
  if (glyph.byteLength < 10) return [];
  const view = viewOf(glyph);
  if (view.getInt16(0) >= 0) return [];
  const found: number[] = [];
  let at = 10;
  for (;;) {
    const flags = view.getUint16(at);
    found.push(view.getUint16(at + 2));
    at += 4 + (flags & 0x1 ? 4 : 2);
    if (flags & 0x8) at += 2;
    else if (flags & 0x40) at += 4;
    else if (flags & 0x80) at += 8;
    if (!(flags & 0x20)) return found;
  }
}

/** The sum of big-endian 32-bit words (a TrueType table checksum), the last word zero-padded. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.byteLength; i += 4) {
    sum = (sum + (((bytes[i]! << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0)) >>> 0;
  }
  return sum;
}

/** Characters every one of `fonts` maps that lie in LEAN_RANGES. */
export function leanCharacters(fonts: readonly Uint8Array[]): Set<number> {
  const maps = fonts.map(cmapGlyphs);
  const characters = new Set<number>();
  for (const [first, last] of LEAN_RANGES) {
    for (let c = first; c <= last; c++) if (maps.every((map) => map.has(c))) characters.add(c);
  }
  return characters;
}

/** The lean copy of one TrueType font for text drawn from `characters` (see the module comment). */
export function leanFont(font: Uint8Array, characters: ReadonlySet<number>): Uint8Array {
  const tables = readTables(font);
  const head = table(tables, 'head');
  const longOffsets = viewOf(head).getInt16(50) === 1;
  const glyphCount = viewOf(table(tables, 'maxp')).getUint16(4);
  const loca = viewOf(table(tables, 'loca'));
  const glyf = table(tables, 'glyf');
  const offsets = Array.from({ length: glyphCount + 1 }, (_, g) => (longOffsets ? loca.getUint32(4 * g) : 2 * loca.getUint16(2 * g)));
  const glyphData = (g: number): Uint8Array => glyf.subarray(offsets[g], offsets[g + 1]);

  const map = cmapGlyphs(font);
  const kept = new Set<number>([0]);
  for (const c of characters) {
    const glyph = map.get(c);
    if (glyph !== undefined) kept.add(glyph);
  }
  const gsub = tables.get('GSUB');
  for (let size = -1; size !== kept.size; ) {
    size = kept.size;
    if (gsub) for (const glyph of gsubOutputs(gsub, kept)) kept.add(glyph);
    for (const glyph of [...kept]) for (const part of components(glyphData(glyph))) kept.add(part);
  }

  // glyf and loca: kept outlines as they were, every other glyph empty
  const parts: Uint8Array[] = [];
  const newOffsets: number[] = [];
  let length = 0;
  for (let g = 0; g < glyphCount; g++) {
    newOffsets.push(length);
    if (!kept.has(g)) continue;
    const data = glyphData(g);
    parts.push(data);
    length += data.byteLength;
    const pad = (4 - (data.byteLength % 4)) % 4;
    if (pad > 0) {
      parts.push(new Uint8Array(pad));
      length += pad;
    }
  }
  newOffsets.push(length);
  if (!longOffsets && length > 0x1fffe) throw new RangeError('lean font: the outlines no longer fit short loca offsets');
  const newGlyf = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    newGlyf.set(part, at);
    at += part.byteLength;
  }
  const newLoca = new Uint8Array((glyphCount + 1) * (longOffsets ? 4 : 2));
  const locaView = viewOf(newLoca);
  newOffsets.forEach((offset, g) => (longOffsets ? locaView.setUint32(4 * g, offset) : locaView.setUint16(2 * g, offset / 2)));
  // post format 3: the same 32-byte header (italic angle, underline, fixed pitch, memory hints), no names
  const post = table(tables, 'post').slice(0, 32);
  viewOf(post).setUint32(0, 0x00030000);
  const newHead = head.slice();
  viewOf(newHead).setUint32(8, 0);

  const replaced = new Map<string, Uint8Array>([...tables, ['glyf', newGlyf], ['loca', newLoca], ['post', post], ['head', newHead]]);
  const tags = [...tables.keys()]; // the original directory order (sorted by tag)
  const directoryLength = 12 + 16 * tags.length;
  let size = directoryLength;
  const placed = tags.map((tag) => {
    const bytes = replaced.get(tag)!;
    const offset = size;
    size += bytes.byteLength + ((4 - (bytes.byteLength % 4)) % 4);
    return { tag, bytes, offset };
  });
  const out = new Uint8Array(size);
  const outView = viewOf(out);
  out.set(font.subarray(0, 12));
  placed.forEach(({ tag, bytes, offset }, i) => {
    const record = 12 + 16 * i;
    for (let k = 0; k < 4; k++) out[record + k] = tag.charCodeAt(k);
    outView.setUint32(record + 4, checksum(bytes));
    outView.setUint32(record + 8, offset);
    outView.setUint32(record + 12, bytes.byteLength);
    out.set(bytes, offset);
  });
  const headAt = placed.find((p) => p.tag === 'head')!.offset;
  outView.setUint32(headAt + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}

/** True when every character of `svg` (markup, text and character references) is one the lean fonts draw as the full ones do. */
export function svgUsesLeanCharacters(svg: string, characters: ReadonlySet<number>): boolean {
  for (const ch of svg) {
    const c = ch.codePointAt(0)!;
    if (c !== 0x9 && c !== 0xa && c !== 0xd && !characters.has(c)) return false;
  }
  for (const match of svg.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const reference = match[1]!;
    const c = reference.startsWith('x') ? Number.parseInt(reference.slice(1), 16) : Number.parseInt(reference, 10);
    if (c !== 0x9 && c !== 0xa && c !== 0xd && !characters.has(c)) return false;
  }
  return true;
}

export interface LeanFonts {
  /** paths of the lean copies, in the order of `dejaVuFontFiles()` */
  files: string[];
  /** the characters they draw as the full fonts do */
  characters: ReadonlySet<number>;
}

const CACHE_FOLDER = 'metadx-lean-fonts';

let prepared: LeanFonts | null | undefined;

/**
 * The lean copies of the figure fonts as files (derived now; written to the cache folder unless a
 * file there already holds these bytes), or null when they cannot be written (then the full fonts
 * are used: the same PNGs, drawn more slowly).
 */
export function leanFontFiles(): LeanFonts | null {
  if (prepared !== undefined) return prepared;
  try {
    const full = dejaVuFontFiles();
    const sources = full.map((path) => new Uint8Array(readFileSync(path)));
    const characters = leanCharacters(sources);
    const folder = join(dirname(dirname(dejaVuFontDirectory())), '.cache', CACHE_FOLDER);
    mkdirSync(folder, { recursive: true });
    const files = full.map((path, i) => {
      const lean = leanFont(sources[i]!, characters);
      const target = join(folder, `${createHash('sha256').update(lean).digest('hex').slice(0, 16)}-${basename(path)}`);
      if (!(existsSync(target) && Buffer.from(lean).equals(readFileSync(target)))) {
        const staging = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
        try {
          writeFileSync(staging, lean);
          renameSync(staging, target);
        } finally {
          rmSync(staging, { force: true });
        }
      }
      return target;
    });
    // copies of other versions: a process still drawing with one falls back to the full fonts
    for (const name of readdirSync(folder)) {
      if (name.endsWith('.ttf') && !files.some((file) => basename(file) === name)) rmSync(join(folder, name), { force: true });
    }
    prepared = { files, characters };
  } catch {
    prepared = null;
  }
  return prepared;
}
