// Worker thread for SVG → PNG with resvg (see src/figures/rasterize.ts). Plain JavaScript so it
// runs without a TypeScript loader. Receives { id, svg, zoom, fonts } and answers { id, png } or
// { id, error }; the PNG's buffer is transferred, not copied.
import { statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

/** The inode of each file, or null when one is missing. */
const identities = (files) => {
  try {
    return files.map((file) => statSync(file).ino).join(',');
  } catch {
    return null;
  }
};

const draw = (svg, zoom, fonts, files) =>
  new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: 'white',
    logLevel: 'off',
    font: { loadSystemFonts: false, fontFiles: files, defaultFontFamily: fonts.sans, sansSerifFamily: fonts.sans, monospaceFamily: fonts.mono },
  })
    .render()
    .asPng();

parentPort.on('message', ({ id, svg, zoom, fonts }) => {
  try {
    // The lean copies (src/figures/lean-fonts.ts) live in a cache folder and resvg reads them while
    // it draws: should one be missing, or be replaced, before or during the drawing, the figure is
    // drawn with the full fonts (resvg would silently drop text it has no font for).
    const before = identities(fonts.files);
    let png = before === null ? null : draw(svg, zoom, fonts, fonts.files);
    if (png === null || identities(fonts.files) !== before) png = draw(svg, zoom, fonts, fonts.full);
    const bytes = new Uint8Array(png);
    parentPort.postMessage({ id, png: bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
