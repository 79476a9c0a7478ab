/**
 * The version folders of one analysis, `out/<analysis>/<version>/`: their order (numbers compare
 * numerically, so 10 follows 9; other text compares piece by piece, digits as numbers, so dates and
 * "1.10" sort naturally), the predecessor of a version, and the `latest` symlink.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from './manifest.ts';

export const LATEST = 'latest';
export const MANIFEST = 'manifest.json';

/** Natural order of version names: "2" < "10", "2023-12-01" < "2024-06-30", "1.9" < "1.10". */
export function compareVersions(a: string, b: string): number {
  const pieces = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const [left, right] = [pieces(a), pieces(b)];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const [x, y] = [left[i]!, right[i]!];
    const numeric = /^\d/.test(x) && /^\d/.test(y);
    if (numeric) {
      const difference = Number(x) - Number(y);
      if (difference !== 0) return difference < 0 ? -1 : 1;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1; // "01" before "1"... keep it total
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return left.length === right.length ? 0 : left.length < right.length ? -1 : 1;
}

/** Version folders of an analysis (not `latest`, not hidden entries, not symlinks), in order. */
export function listVersions(analysisDir: string): string[] {
  if (!existsSync(analysisDir)) return [];
  return readdirSync(analysisDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== LATEST)
    .map((entry) => entry.name)
    .sort(compareVersions);
}

/** manifest.json larger than this is not one metadx wrote (a 2,000-study version's is under 1 MB). */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const isFileEntry = (value: unknown): boolean => {
  const entry = value as { path?: unknown; sha256?: unknown; bytes?: unknown } | null;
  return typeof entry === 'object' && entry !== null && typeof entry.path === 'string' && typeof entry.sha256 === 'string' && typeof entry.bytes === 'number';
};

/**
 * The shape every reader of a manifest relies on (verify, decide, diff): a manifest that lacks it
 * is not one metadx wrote, and is treated as no manifest rather than crashing a command.
 */
function isManifest(value: unknown): value is Manifest {
  const m = value as Partial<Record<keyof Manifest, unknown>> | null;
  if (typeof m !== 'object' || m === null) return false;
  const previous = m.previous as { results?: unknown; manifest?: unknown; version?: unknown } | null | undefined;
  const software = m.software as { metadx?: unknown } | null | undefined;
  const date = m.date as { value?: unknown } | null | undefined;
  return (
    typeof m.key === 'string' &&
    typeof m.analysis === 'string' &&
    typeof m.version === 'string' &&
    typeof m.keyParts === 'object' && m.keyParts !== null &&
    Array.isArray(m.outputs) && m.outputs.every(isFileEntry) &&
    Array.isArray(m.inputs) && m.inputs.every(isFileEntry) &&
    (previous === null || previous === undefined || (typeof previous.version === 'string' && isFileEntry(previous.results) && isFileEntry(previous.manifest))) &&
    typeof software === 'object' && software !== null && typeof software.metadx === 'string' &&
    typeof date === 'object' && date !== null && typeof date.value === 'string'
  );
}

/** The manifest of a version folder, or undefined when it has none (or it is unreadable). */
export function readManifest(versionDir: string): Manifest | undefined {
  const path = join(versionDir, MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    // a regular file of sensible size only (not a FIFO, a device or a huge file)
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_MANIFEST_BYTES) return undefined;
    const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isManifest(manifest) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The version this one updates: the highest earlier version of the same analysis that was
 * written by metadx with a manifest and results (a folder without them is not a version we can
 * compare with).
 */
export function previousVersion(analysisDir: string, version: string): string | undefined {
  const earlier = listVersions(analysisDir).filter((other) => compareVersions(other, version) < 0);
  for (const candidate of earlier.reverse()) {
    const dir = join(analysisDir, candidate);
    if (existsSync(join(dir, 'results.json')) && readManifest(dir)) return candidate;
  }
  return undefined;
}

/**
 * Point `out/<analysis>/latest` at the highest version (a relative symlink), atomically: a new
 * symlink is created under a temporary name and renamed over the old one. Returns the version it
 * points to, or undefined when there is none (or `latest` is something other than a symlink,
 * which is left alone).
 */
export function updateLatest(analysisDir: string): string | undefined {
  const newest = listVersions(analysisDir).at(-1);
  if (newest === undefined) return undefined;
  const link = join(analysisDir, LATEST);
  let existing: string | undefined;
  try {
    const stat = lstatSync(link);
    if (!stat.isSymbolicLink()) return undefined;
    existing = readlinkSync(link);
  } catch {
    existing = undefined;
  }
  if (existing === newest) return newest;
  const temporary = join(analysisDir, `.${LATEST}-${process.pid}`);
  rmSync(temporary, { force: true });
  symlinkSync(newest, temporary, 'dir');
  renameSync(temporary, link);
  return newest;
}

/** updateLatest, returning instead of throwing a failure (the version itself is in place). */
export function tryUpdateLatest(analysisDir: string): Error | undefined {
  try {
    updateLatest(analysisDir);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
