/**
 * Fingerprints of what, besides the inputs, shapes a report: metadx's own code (every file under
 * src/ and templates/, so a changed build is never mistaken for an identical one), the statistics
 * engine alone (for the results cache), and the installed dependencies (the production dependency
 * tree from npm's node_modules/.package-lock.json, plus Node and the platform).
 *
 * Cheap on purpose (a few milliseconds): the no-change path of `metadx report` computes them
 * without loading vega, Chromium or the statistics code.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_VERSION, METADX_VERSION } from '../version.ts';
import { hashJson, sha256 } from './hash.ts';

/** The metadx installation: the folder holding package.json, src/ and templates/. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Packages that run metadx but do not shape its output (the TypeScript loader). */
const TOOLING = new Set(['tsx']);

/**
 * Code that does not compute results (figures, document, PDF, output, command line): changes
 * here leave cached results valid. Everything else under src/ counts as the statistics engine.
 */
const NOT_ENGINE = ['src/figures/', 'src/document/', 'src/pdf/', 'src/output/', 'src/commands/', 'src/cli.ts', 'src/fit.ts'];

function listFiles(root: string, folder: string, accept: (path: string) => boolean): string[] {
  const base = join(root, folder);
  if (!existsSync(base)) return [];
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && accept(path)) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(base);
  return found.sort();
}

let codeFiles: { path: string; sha256: string }[] | undefined;

/** Every source and template file of metadx with its SHA-256, in path order. */
export function codeFileHashes(root = projectRoot): { path: string; sha256: string }[] {
  if (root !== projectRoot) return hashFiles(root);
  codeFiles ??= hashFiles(root);
  return codeFiles;
}

function hashFiles(root: string): { path: string; sha256: string }[] {
  const paths = [...listFiles(root, 'src', (path) => path.endsWith('.ts')), ...listFiles(root, 'templates', () => true)];
  return paths.map((path) => ({ path, sha256: sha256(readFileSync(join(root, path))) }));
}

/** SHA-256 over metadx's version and every file under src/ and templates/ (the "build"). */
export function buildFingerprint(root = projectRoot): string {
  return hashJson({ metadx: METADX_VERSION, files: codeFileHashes(root) });
}

/** SHA-256 over the engine version and the code that computes results (see NOT_ENGINE). */
export function engineFingerprint(root = projectRoot): string {
  const files = codeFileHashes(root).filter((file) => file.path.startsWith('src/') && !NOT_ENGINE.some((prefix) => file.path.startsWith(prefix)));
  return hashJson({ engine: ENGINE_VERSION, files });
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * Installed versions of every package metadx's output can depend on: the production dependencies
 * in package.json (minus tooling) and everything they depend on, resolved the way Node does in
 * npm's hidden lockfile. Without that file (another package manager), the direct dependencies'
 * own package.json versions.
 */
function installedDependencies(root: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const direct = Object.keys(manifest.dependencies ?? {}).filter((name) => !TOOLING.has(name));
  const versions = new Map<string, Set<string>>();
  const note = (name: string, version: string | undefined): void => {
    if (!version) return;
    const set = versions.get(name) ?? new Set<string>();
    set.add(version);
    versions.set(name, set);
  };
  const lockPath = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(lockPath)) {
    const packages = (JSON.parse(readFileSync(lockPath, 'utf8')) as { packages?: Record<string, LockEntry> }).packages ?? {};
    /** Node's resolution: <from>/node_modules/<name>, then each parent folder's node_modules. */
    const resolve = (from: string, name: string): string | undefined => {
      let base = from;
      for (;;) {
        const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
        if (packages[candidate]) return candidate;
        if (base === '') return undefined;
        const cut = base.lastIndexOf('/node_modules/');
        base = cut < 0 ? '' : base.slice(0, cut);
      }
    };
    const seen = new Set<string>();
    const queue = direct.map((name) => resolve('', name)).filter((path): path is string => path !== undefined);
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const entry = packages[path]!;
      note(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), entry.version);
      for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
        const next = resolve(path, name);
        if (next && !seen.has(next)) queue.push(next);
      }
    }
  } else {
    for (const name of direct) {
      const path = join(root, 'node_modules', name, 'package.json');
      if (existsSync(path)) note(name, (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version);
    }
  }
  const sorted: Record<string, string> = {};
  for (const name of [...versions.keys()].sort()) sorted[name] = [...versions.get(name)!].sort().join(', ');
  return sorted;
}

export interface Environment {
  node: string;
  platform: string;
  /** package → installed version(s), for every package in the production dependency tree */
  dependencies: Record<string, string>;
}

let environment: Environment | undefined;

/** Node, platform and installed dependency versions (memoised). */
export function currentEnvironment(root = projectRoot): Environment {
  if (root !== projectRoot) return { node: process.versions.node, platform: `${process.platform}-${process.arch}`, dependencies: installedDependencies(root) };
  environment ??= { node: process.versions.node, platform: `${process.platform}-${process.arch}`, dependencies: installedDependencies(root) };
  return environment;
}

/** SHA-256 of the environment (part of the reuse key). */
export function environmentFingerprint(env: Environment = currentEnvironment()): string {
  return hashJson(env);
}
