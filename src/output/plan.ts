/**
 * What a report run would produce, worked out without running it: the analysis name and version
 * (so the output folder), the input files and their hashes, the version it updates, and the reuse
 * key. Light on purpose: it parses the YAML but loads neither the validator nor the statistics,
 * figure or PDF code, so `metadx report` with nothing changed finishes in well under a second.
 *
 * The reuse key is SHA-256 over (see KeyParts):
 * - the normalised spec: the parsed YAML as canonical JSON (keys sorted), so comments, quoting,
 *   indentation and key order do not count, but every value does;
 * - the bytes of every input file the spec names (data, characteristics, QUADAS-2);
 * - the version it is compared with (that version's results.json and manifest.json);
 * - the document date when it does not come from the spec (SOURCE_DATE_EPOCH);
 * - metadx's build fingerprint (src/**, templates/**) and the environment (Node, platform,
 *   installed dependency versions).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { cacheSecret, pruneFolder, seal, unseal } from './cache.ts';
import { buildFingerprint, currentEnvironment, environmentFingerprint } from './fingerprint.ts';
import { canonicalJson, hashJson, sha256 } from './hash.ts';
import { previousVersion } from './versions.ts';
import { DEFAULT_LIMITS, type Limits } from '../limits.ts';

const require = createRequire(import.meta.url);

export type InputRole = 'spec' | 'data' | 'characteristics' | 'quadas';

export interface InputFile {
  role: InputRole;
  /** path relative to the analysis folder, with "/" (the spec: its file name); starts with "../"
   *  for a file outside the folder (--allow-outside-data) */
  path: string;
  /** where its copy goes under inputs/: `path`, or for a file outside the analysis folder
   *  `_outside/` + path with each ".." as "_up" (so the copy stays inside the version folder) */
  copy: string;
  /** absolute path it was read from */
  source: string;
  bytes: Uint8Array;
  sha256: string;
}

export interface PreviousRef {
  version: string;
  /** the previous version's folder */
  directory: string;
  resultsSha256: string;
  manifestSha256: string;
}

export interface KeyParts {
  /** SHA-256 of the normalised spec (canonical JSON of the parsed YAML) */
  spec: string;
  /** input file (path relative to the analysis folder) → SHA-256 of its bytes; the spec excluded */
  inputs: Record<string, string>;
  /** the version this one is compared with, or null */
  previous: { version: string; results: string; manifest: string } | null;
  /** the document date when it comes from SOURCE_DATE_EPOCH; null when the spec fixes it (or the clock does) */
  date: string | null;
  /** metadx build fingerprint */
  build: string;
  /** Node, platform and dependency versions */
  environment: string;
}

export interface DateChoice {
  value: string;
  source: 'spec' | 'SOURCE_DATE_EPOCH' | 'clock';
}

export interface VersionPlan {
  /** absolute path of analysis.yaml */
  specPath: string;
  /** the folder holding the spec */
  analysisDir: string;
  /** output name: the spec's `name:`, else the folder name */
  name: string;
  version: string;
  /** out/<name> */
  outputDir: string;
  /** out/<name>/<version> */
  target: string;
  /** the spec first, then data, characteristics, QUADAS-2 (as the spec names them) */
  inputs: InputFile[];
  date: DateChoice;
  previous: PreviousRef | null;
  keyParts: KeyParts;
  key: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** a version names a folder: no leading dot or dash (no ".."), and not the `latest` symlink */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The document date: spec date, else SOURCE_DATE_EPOCH, else today (UTC). */
export function chooseDate(specDate: unknown, env: NodeJS.ProcessEnv): DateChoice {
  if (typeof specDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(specDate)) return { value: specDate, source: 'spec' };
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return { value: new Date(Number(epoch) * 1000).toISOString().slice(0, 10), source: 'SOURCE_DATE_EPOCH' };
  return { value: new Date().toISOString().slice(0, 10), source: 'clock' };
}

/** Resolve a folder or .yaml path to the spec file. */
export function resolveSpecPath(target: string): string {
  const path = resolve(target);
  if (existsSync(path) && statSync(path).isDirectory()) return join(path, 'analysis.yaml');
  return path;
}

const field = (value: unknown, ...keys: string[]): unknown => {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
};

export interface PlanOptions {
  outRoot: string;
  env: NodeJS.ProcessEnv;
  /** files named in the spec may lie outside the analysis folder (--allow-outside-data) */
  allowOutsideData?: boolean;
  /** size limits: a larger spec or data file is not planned (the pipeline refuses it, naming the limit) */
  limits?: Pick<Limits, 'specBytes' | 'dataBytes'>;
  /** override the output name (verify rebuilds a version whose spec sits in inputs/) */
  name?: string;
  /** override the date (verify reuses the recorded one) */
  date?: DateChoice;
  /** the version to compare with; default: the highest earlier version in the output folder */
  previous?: PreviousRef | null;
}

/**
 * Plan the report of one spec, or return undefined when the spec cannot be planned cheaply
 * (unreadable YAML, no usable version, a named file missing or outside the folder): the full
 * pipeline then reports the problem with file, line and column.
 */
export function planVersion(target: string, options: PlanOptions): VersionPlan | undefined {
  const specPath = resolveSpecPath(target);
  const limits = options.limits ?? DEFAULT_LIMITS;
  if (!existsSync(specPath) || !statSync(specPath).isFile() || statSync(specPath).size > limits.specBytes) return undefined;
  const analysisDir = dirname(specPath);
  const specBytes = readFileSync(specPath);
  const spec = readSpec(specBytes, options.outRoot, options.env);
  if (!spec) return undefined;
  const version = spec.version;
  const versionText = typeof version === 'number' && Number.isInteger(version) && version >= 0 ? String(version) : typeof version === 'string' && VERSION.test(version) && version !== 'latest' ? version : undefined;
  if (versionText === undefined) return undefined;
  const specName = spec.name;
  const name = options.name ?? (typeof specName === 'string' && NAME.test(specName) ? specName : basename(analysisDir));
  if (!NAME.test(name)) return undefined;

  const inputs: InputFile[] = [{ role: 'spec', path: basename(specPath), copy: basename(specPath), source: specPath, bytes: specBytes, sha256: sha256(specBytes) }];
  for (const role of ['data', 'characteristics', 'quadas'] as const) {
    const file = spec.files[role];
    if (file === undefined) continue;
    if (typeof file !== 'string') return undefined;
    const source = resolve(analysisDir, file);
    const inside = relative(analysisDir, source);
    // "..d.csv" is a file name inside the folder; only a ".." path segment leaves it
    const outside = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
    if (inside === '' || (outside && !options.allowOutsideData)) return undefined;
    if (!existsSync(source) || !statSync(source).isFile() || statSync(source).size > limits.dataBytes) return undefined;
    const bytes = readFileSync(source);
    const path = inside.split(sep).join('/');
    const copy = outside ? `_outside/${path.split('/').map((part) => (part === '..' ? '_up' : part)).join('/')}` : path;
    if (!inputs.some((input) => input.path === path)) inputs.push({ role, path, copy, source, bytes, sha256: sha256(bytes) });
  }

  const outputDir = join(options.outRoot, name);
  const date = options.date ?? chooseDate(spec.date, options.env);
  const previous = options.previous !== undefined ? options.previous : findPrevious(outputDir, versionText);
  const keyParts: KeyParts = {
    spec: spec.canonical,
    inputs: Object.fromEntries(inputs.filter((input) => input.role !== 'spec').map((input) => [input.path, input.sha256])),
    previous: previous ? { version: previous.version, results: previous.resultsSha256, manifest: previous.manifestSha256 } : null,
    date: date.source === 'SOURCE_DATE_EPOCH' ? date.value : null,
    build: buildFingerprint(),
    environment: environmentFingerprint(currentEnvironment()),
  };
  return { specPath, analysisDir, name, version: versionText, outputDir, target: join(outputDir, versionText), inputs, date, previous, keyParts, key: hashJson(keyParts) };
}

/** The predecessor of `version` in `outputDir`, with the hashes of its results and manifest. */
export function findPrevious(outputDir: string, version: string): PreviousRef | null {
  const found = previousVersion(outputDir, version);
  if (found === undefined) return null;
  return previousRef(join(outputDir, found), found);
}

export function previousRef(directory: string, version: string): PreviousRef {
  return {
    version,
    directory,
    resultsSha256: sha256(readFileSync(join(directory, 'results.json'))),
    manifestSha256: sha256(readFileSync(join(directory, 'manifest.json'))),
  };
}

/** What planning needs from a spec: its normalised hash and the keys that name files and folders. */
interface SpecSummary {
  /** SHA-256 of the canonical JSON of the parsed YAML */
  canonical: string;
  version: unknown;
  name: unknown;
  date: unknown;
  files: Record<'data' | 'characteristics' | 'quadas', unknown>;
}

/**
 * The spec's summary, from `<outRoot>/.cache/specs/` when these exact bytes were parsed before by
 * this build (so the no-change path does not even load the YAML parser), else parsed and stored.
 * Entries are sealed (src/output/cache.ts): an edited one is ignored and parsed again.
 */
function readSpec(bytes: Uint8Array, outRoot: string, env: NodeJS.ProcessEnv): SpecSummary | undefined {
  const directory = join(outRoot, '.cache', 'specs');
  const entry = hashJson({ spec: sha256(bytes), build: buildFingerprint(), environment: environmentFingerprint() });
  const path = join(directory, `${entry}.json`);
  const secret = cacheSecret(env);
  if (secret && existsSync(path)) {
    try {
      const text = unseal(readFileSync(path, 'utf8'), secret, `specs/${entry}`);
      if (text !== undefined) return JSON.parse(text) as SpecSummary;
    } catch {
      // unreadable: parse again
    }
  }
  let spec: unknown;
  try {
    const { parseDocument, visit, isScalar } = require('yaml') as typeof import('yaml');
    // uniqueKeys: false and a linear check of our own: the parser's check compares every pair of
    // keys (minutes for a spec with 100,000 keys); a duplicate key leaves the spec unplanned
    const doc = parseDocument(Buffer.from(bytes).toString('utf8'), { uniqueKeys: false, merge: false, logLevel: 'silent' });
    if (doc.errors.length > 0) return undefined;
    let duplicate = false;
    visit(doc, {
      Map(_key, map) {
        const seen = new Set<string>();
        for (const pair of map.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          if (seen.has(key)) {
            duplicate = true;
            return visit.BREAK;
          }
          seen.add(key);
        }
        return undefined;
      },
    });
    if (duplicate) return undefined;
    spec = doc.toJS({ maxAliasCount: 50 });
  } catch {
    return undefined;
  }
  const summary: SpecSummary = {
    canonical: sha256(canonicalJson(spec)),
    version: field(spec, 'version'),
    name: field(spec, 'name'),
    date: field(spec, 'date'),
    files: { data: field(spec, 'data', 'file'), characteristics: field(spec, 'characteristics', 'file'), quadas: field(spec, 'quadas', 'file') },
  };
  if (!secret) return summary;
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(`${path}.${process.pid}.tmp`, seal(JSON.stringify(summary), secret, `specs/${entry}`));
    renameSync(`${path}.${process.pid}.tmp`, path);
    pruneFolder(directory, 256);
  } catch {
    // a read-only output folder only costs the parse next time
  }
  return summary;
}
