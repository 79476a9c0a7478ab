#!/usr/bin/env node
// metadx command-line entry point. The sources are TypeScript (src/). `npm install` also builds
// dist/, the same code as plain JavaScript (scripts/build.mjs), which starts without compiling
// anything; it is used only when it was built from exactly the current src/ (bin/dist-stamp.js).
// Otherwise (src/ edited since, or no build) tsx compiles src/ on the fly, so edited sources
// never run stale code. METADX_NO_DIST=1 forces the TypeScript sources.
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from './dist-stamp.js';

let main;
if (process.env.METADX_NO_DIST !== '1' && distIsCurrent(fileURLToPath(new URL('..', import.meta.url)))) {
  ({ main } = await import('../dist/cli.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
