// Worker thread for SVG → PNG with resvg (see src/figures/rasterize.ts). Plain JavaScript so it
// runs without a TypeScript loader. Receives { id, svg, zoom, fonts } and answers { id, png } or
// { id, error }; the PNG's buffer is transferred, not copied.
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

parentPort.on('message', ({ id, svg, zoom, fonts }) => {
  try {
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: zoom },
      background: 'white',
      logLevel: 'off',
      font: { loadSystemFonts: false, fontFiles: fonts.files, defaultFontFamily: fonts.sans, sansSerifFamily: fonts.sans, monospaceFamily: fonts.mono },
    })
      .render()
      .asPng();
    const bytes = new Uint8Array(png);
    parentPort.postMessage({ id, png: bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
