// Worker thread for SVG → PNG with resvg (see src/figures/rasterize.ts). Plain JavaScript so it
// runs without a TypeScript loader. Receives { id, svg, zoom, fonts } and answers { id, png } or
// { id, error }; the PNG's buffer is transferred, not copied.
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

parentPort.on('message', ({ id, svg, zoom, fonts }) => {
  try {
    // the lean copies (src/figures/lean-fonts.ts) live in a cache folder: should one have been
    // removed meanwhile, the full fonts draw the same PNG (resvg would drop text it has no font for)
    const files = fonts.files.every((file) => existsSync(file)) ? fonts.files : fonts.full;
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: zoom },
      background: 'white',
      logLevel: 'off',
      font: { loadSystemFonts: false, fontFiles: files, defaultFontFamily: fonts.sans, sansSerifFamily: fonts.sans, monospaceFamily: fonts.mono },
    })
      .render()
      .asPng();
    const bytes = new Uint8Array(png);
    parentPort.postMessage({ id, png: bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
