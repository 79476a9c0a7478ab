/**
 * The precomputed DejaVu advance widths (src/figures/font-metrics.ts) equal what opentype.js reads
 * from the installed TTFs, for every character the fonts map and for unmapped ones (.notdef), and
 * the committed file is exactly what the generator writes: the table cannot drift from the fonts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as opentypeModule from 'opentype.js';
import { computeFontMetrics, FACE_FILES, FONT_METRICS_PATH, fontMetricsSource } from '../../scripts/font-metrics.ts';
import { FONT_METRICS } from '../../src/figures/font-metrics.ts';
import { measureText } from '../../src/figures/text-metrics.ts';

const opentype: { parse: typeof opentypeModule.parse } =
  (opentypeModule as unknown as { default?: { parse: typeof opentypeModule.parse } }).default ?? opentypeModule;

describe('precomputed font metrics', () => {
  it('are what the generator computes from the installed fonts (npm run font-metrics to regenerate)', () => {
    const computed = computeFontMetrics();
    expect(FONT_METRICS).toEqual(computed);
    expect(readFileSync(FONT_METRICS_PATH, 'utf8')).toBe(fontMetricsSource(computed));
  });

  it('give opentype.js advance widths for every mapped character and .notdef otherwise', () => {
    const directory = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const styles = { regular: {}, bold: { bold: true }, mono: { mono: true }, monoBold: { mono: true, bold: true } } as const;
    for (const [face, file] of Object.entries(FACE_FILES) as [keyof typeof FACE_FILES, string][]) {
      const bytes = readFileSync(join(directory, file));
      const font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      const mapped = Object.keys(font.tables.cmap.glyphIndexMap).map(Number);
      // every mapped code point, plus unmapped ones (private use, unassigned, an astral emoji)
      const probes = [...mapped, 0xe000, 0x0378, 0x1f600, 0x10ffff];
      const mismatches: string[] = [];
      for (const codePoint of probes) {
        const character = String.fromCodePoint(codePoint);
        const expected = ((font.charToGlyph(character).advanceWidth ?? font.unitsPerEm * 0.6) / font.unitsPerEm) * 10;
        const got = measureText(character, 10, styles[face]);
        if (got !== expected) mismatches.push(`U+${codePoint.toString(16)}: got ${got}, opentype.js ${expected}`);
      }
      expect(mismatches, `${file}: ${mismatches.slice(0, 5).join('; ')}`).toEqual([]);
      expect(mapped.length).toBeGreaterThan(3000);
    }
  });
});
