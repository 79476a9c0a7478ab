// Builds dist/: every file of src/ as plain JavaScript (esbuild: types stripped, one output file
// per source file, same folder layout, relative imports of ./x.ts rewritten to ./x.js, packages
// left as imports), so `metadx` starts without compiling TypeScript. Other files under src/ (the
// rasterising worker, .mjs) are copied. dist/ mirrors src/ at the same depth, so paths relative to
// a module (templates/, node_modules, package.json) resolve as from src/.
//
// Runs at `npm install` (the `prepare` script) and as `npm run build`. bin/metadx.js uses dist/
// only when dist/.source-stamp (written last) equals the stamp of the current src/
// (bin/dist-stamp.js), and otherwise runs src/ through tsx: an edited src/ never runs stale code.
// Never fails the install: without esbuild it prints a note and metadx runs through tsx.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceStamp } from '../bin/dist-stamp.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(root, folder = 'src') {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    return entry.isDirectory() ? sourceFiles(root, path) : entry.isFile() ? [path] : [];
  });
}

/** esbuild plugin: nothing is bundled; relative .ts imports become .js imports. */
const keepImports = {
  name: 'keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relativeTs = /^\.\.?\//.test(args.path) && args.path.endsWith('.ts');
      return { path: relativeTs ? `${args.path.slice(0, -3)}.js` : args.path, external: true };
    });
  },
};

/** Build <root>/dist from <root>/src; false (with a note) when esbuild is not installed. */
export async function build(root = projectRoot) {
  const dist = join(root, 'dist');
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    console.warn(`metadx: dist/ not built (esbuild not available: ${error.message}); metadx will compile its TypeScript sources at each start (tsx)`);
    return false;
  }
  const stamp = sourceStamp(root);
  rmSync(dist, { recursive: true, force: true });
  const files = sourceFiles(root);
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: files.filter((path) => path.endsWith('.ts')),
    outdir: 'dist',
    outbase: 'src',
    bundle: true, // only so that the plugin sees every import; the plugin keeps them all external
    plugins: [keepImports],
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const path of files.filter((p) => !p.endsWith('.ts'))) {
    const target = join(dist, path.slice('src/'.length));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(root, path), target);
  }
  writeFileSync(join(root, STAMP_FILE), `${stamp}\n`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  try {
    if (await build()) console.log(`metadx: built dist/ from src/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    // a failed build must not fail `npm install`: metadx then runs from src/ through tsx
    rmSync(join(projectRoot, STAMP_FILE), { force: true });
    console.warn(`metadx: dist/ not built (${error instanceof Error ? error.message.split('\n')[0] : error}); metadx will compile its TypeScript sources at each start (tsx)`);
  }
}
