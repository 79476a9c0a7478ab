// Is dist/ (the plain-JavaScript build of src/, made by scripts/build.mjs at `npm install`) built
// from exactly the current sources? The stamp is a SHA-256 over the path and bytes of every file
// under src/, of the build script and of npm's record of the installed packages
// (node_modules/.package-lock.json: dist/ bundles a few packages); dist/.source-stamp holds the
// stamp dist/ was built from.
// Reading and hashing src/ takes a few milliseconds, so every start can check it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = join('dist', '.source-stamp');

/** SHA-256 over every file under src/ (sorted paths, with their bytes), scripts/build.mjs and the installed packages. */
export function sourceStamp(root) {
  const hash = createHash('sha256');
  const add = (path) => {
    const bytes = readFileSync(join(root, path));
    hash.update(`${path}\0${bytes.length}\0`);
    hash.update(bytes);
  };
  const walk = (folder) => {
    const entries = readdirSync(join(root, folder), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) add(path);
    }
  };
  walk('src');
  add('scripts/build.mjs');
  if (existsSync(join(root, 'node_modules', '.package-lock.json'))) add('node_modules/.package-lock.json');
  return hash.digest('hex');
}

/** true when dist/ was built from the current src/ (false when absent, partial or stale). */
export function distIsCurrent(root) {
  try {
    return readFileSync(join(root, STAMP_FILE), 'utf8').trim() === sourceStamp(root);
  } catch {
    return false;
  }
}
