// Builds dist/: every file of src/ as plain JavaScript (esbuild: types stripped, one output file
// per source file, same folder layout, relative imports of ./x.ts rewritten to ./x.js), so
// `metadx` starts without compiling TypeScript. Other files under src/ (the worker entry points,
// .mjs) are copied. dist/ mirrors src/ at the same depth, so paths relative to a module
// (templates/, node_modules, package.json) resolve as from src/.
//
// Packages stay imports from node_modules, except INLINED ones: plain-JavaScript packages that a
// single source file imports, whose hundreds of small CommonJS files cost more to load than the
// code itself (@stdlib's distributions ≈ 0.2 s of CPU at every start); they are bundled into that
// file. The stamp includes node_modules/.package-lock.json, so a changed install rebuilds.
//
// Runs at `npm install` (the `prepare` script) and as `npm run build`. bin/metadx.js uses dist/
// only when dist/.source-stamp (written last) equals the stamp of the current src/
// (bin/dist-stamp.js), and otherwise runs src/ through tsx: an edited src/ never runs stale code.
// Never fails the install: without esbuild it prints a note and metadx runs through tsx.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceStamp } from '../bin/dist-stamp.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(root, folder = 'src') {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    return entry.isDirectory() ? sourceFiles(root, path) : entry.isFile() ? [path] : [];
  });
}

/** Packages bundled into the one source file that imports each (see the file comment). */
export const INLINED = [/^@stdlib\//, /^ml-matrix$/, /^yaml$/, /^csv-parse\/sync$/, /^read-excel-file\/node$/];
const inlined = (specifier) => INLINED.some((pattern) => pattern.test(specifier));

/** esbuild plugin: relative .ts imports become .js imports; packages stay imports unless INLINED. */
const keepImports = {
  name: 'keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      // inside an inlined package: bundled (node: built-ins stay external on platform node)
      if (args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
      if (inlined(args.path)) return undefined;
      const relativeTs = /^\.\.?\//.test(args.path) && args.path.endsWith('.ts');
      return { path: relativeTs ? `${args.path.slice(0, -3)}.js` : args.path, external: true };
    });
  },
};

/** Source files that import an inlined package (a value import, not `import type`). */
function importsInlined(root, path) {
  const text = readFileSync(join(root, path), 'utf8');
  return [...text.matchAll(/^import\s+(?!type\s)[^'"]*from\s+'([^']+)'/gm)].some((match) => inlined(match[1]));
}

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
  const common = {
    absWorkingDir: root,
    outdir: 'dist',
    outbase: 'src',
    bundle: true, // only so that the plugin sees every import; it keeps all but INLINED external
    plugins: [keepImports],
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  };
  const typescript = files.filter((path) => path.endsWith('.ts'));
  const withPackages = typescript.filter((path) => importsInlined(root, path));
  await esbuild.build({ ...common, entryPoints: typescript.filter((path) => !withPackages.includes(path)) });
  // bundled CommonJS code calls require(): give those files one (ESM has none)
  await esbuild.build({ ...common, entryPoints: withPackages, banner: { js: "import { createRequire as __metadxCreateRequire } from 'node:module';\nconst require = __metadxCreateRequire(import.meta.url);" } });
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
