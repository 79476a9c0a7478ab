/**
 * Writing a version folder so that it appears complete or not at all.
 *
 * Files are written, as they are produced, into a staging folder `out/.staging/<pid>.<n>.<name>@<version>`
 * (outside `out/<name>/`, so it never looks like a version), which is renamed to
 * `out/<name>/<version>` only when everything, the manifest last, is written.
 * - Ctrl-C / SIGTERM: the staging folder is removed before the process exits.
 * - A crash or SIGKILL leaves the staging folder behind; the next run removes staging folders whose
 *   process is gone. Earlier versions are never touched.
 * - Replacing a version (`--replace`): the old folder is first renamed into staging as
 *   `<pid>.<n>.replaced.<name>@<version>`, the new one renamed into place, the old one deleted.
 *   Should the process die between the two renames, the next run puts the old folder back.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ManifestFile } from './manifest.ts';
import { sha256 } from './hash.ts';

export const STAGING = '.staging';

export interface OutputFile {
  /** path relative to the version folder, e.g. "figures/forest.svg" */
  path: string;
  content: string | Uint8Array;
}

/** Another run holds the lock of this version (see StagedVersion.begin). */
export class VersionBusyError extends Error {
  constructor(readonly pid: number) {
    super(`version is being written by process ${pid}`);
    this.name = 'VersionBusyError';
  }
}

const active = new Set<string>();
/** lock files held by this process: out/.staging/lock.<name>@<version> */
const locks = new Set<string>();
let handlersInstalled = false;
let counter = 0;

function removeActive(): void {
  for (const lock of locks) rmSync(lock, { force: true });
  locks.clear();
  for (const directory of active) {
    rmSync(directory, { recursive: true, force: true });
    try {
      rmdirSync(dirname(directory)); // out/.staging, when nothing else is staged there
    } catch {
      // not empty, or gone
    }
  }
  active.clear();
}

/** On SIGINT/SIGTERM (and any exit) remove staging folders of this process. */
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', removeActive);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      removeActive();
      process.exit(code);
    });
  }
}

const isAlive = (pid: number): boolean => {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const STAGING_NAME = /^(\d+)\.(\d+)\.(replaced\.)?(.+)@([^@]+)$/;
const LOCK_PREFIX = 'lock.';

/** The process id written in a lock file, if it can be read. */
function lockOwner(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Take the lock of one version (`out/.staging/lock.<name>@<version>`, created exclusively and
 * holding the process id), so two runs never build the same version at once: the second is told
 * which process is writing it. A lock whose process is gone (a killed run) is taken over.
 */
function acquireLock(root: string, name: string, version: string): string {
  const path = join(root, `${LOCK_PREFIX}${name}@${version}`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      locks.add(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = lockOwner(path);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw new VersionBusyError(owner);
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new VersionBusyError(lockOwner(path) ?? 0);
}

function releaseLock(path: string): void {
  rmSync(path, { force: true });
  locks.delete(path);
}

/**
 * Remove staging folders left by processes that are gone; put back a version folder that was
 * moved aside for replacement when its replacement never arrived.
 */
export function cleanStaleStaging(outRoot: string): void {
  const root = join(outRoot, STAGING);
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(LOCK_PREFIX)) {
      // a lock of a live process stays; one left by a killed run is removed
      if (!isAlive(lockOwner(join(root, entry)) ?? -1)) rmSync(join(root, entry), { force: true });
      continue;
    }
    const match = STAGING_NAME.exec(entry);
    if (match && isAlive(Number(match[1]))) continue;
    const path = join(root, entry);
    if (match?.[3]) {
      const target = join(outRoot, match[4]!, match[5]!);
      if (!existsSync(target)) {
        mkdirSync(dirname(target), { recursive: true });
        renameSync(path, target);
        continue;
      }
    }
    rmSync(path, { recursive: true, force: true });
  }
}

/** A version being written. */
export class StagedVersion {
  readonly directory: string;
  private readonly written = new Map<string, ManifestFile>();
  private open = true;
  private readonly lock: string;

  private constructor(
    private readonly outRoot: string,
    private readonly name: string,
    private readonly version: string,
  ) {
    installHandlers();
    cleanStaleStaging(outRoot);
    const root = join(outRoot, STAGING);
    mkdirSync(root, { recursive: true });
    this.lock = acquireLock(root, name, version);
    this.directory = join(root, `${process.pid}.${++counter}.${name}@${version}`);
    rmSync(this.directory, { recursive: true, force: true });
    mkdirSync(this.directory);
    active.add(this.directory);
  }

  static begin(outRoot: string, name: string, version: string): StagedVersion {
    return new StagedVersion(outRoot, name, version);
  }

  /** Write one file (its hash is recorded for the manifest). */
  write(file: OutputFile): ManifestFile {
    if (!this.open) throw new Error(`staged version ${this.directory} is closed`);
    const path = join(this.directory, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    const bytes = typeof file.content === 'string' ? Buffer.byteLength(file.content) : file.content.byteLength;
    const record = { path: file.path, sha256: sha256(file.content), bytes };
    this.written.set(file.path, record);
    return record;
  }

  /** Every file written so far, in path order. */
  files(): ManifestFile[] {
    return [...this.written.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Move the folder into place as `out/<name>/<version>`. An existing folder is replaced only
   * when `replace` is set (else an error is thrown and nothing changes).
   */
  commit(options: { replace: boolean }): string {
    const target = join(this.outRoot, this.name, this.version);
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target)) {
      if (!options.replace) throw Object.assign(new Error(`${target} already exists`), { code: 'EEXIST', syscall: 'rename' });
      const aside = join(this.outRoot, STAGING, `${process.pid}.${++counter}.replaced.${this.name}@${this.version}`);
      // Both renames run synchronously, so no signal handler can run between them; only a hard
      // kill can, and cleanStaleStaging then restores the old folder.
      renameSync(target, aside);
      renameSync(this.directory, target);
      active.delete(this.directory);
      rmSync(aside, { recursive: true, force: true });
    } else {
      renameSync(this.directory, target);
      active.delete(this.directory);
    }
    this.open = false;
    releaseLock(this.lock);
    this.tidy();
    return target;
  }

  /** Remove out/.staging when nothing else is staged there. */
  private tidy(): void {
    try {
      rmdirSync(join(this.outRoot, STAGING));
    } catch {
      // not empty (another run is staging) or already gone
    }
  }

  /** Throw the staged files away. */
  discard(): void {
    rmSync(this.directory, { recursive: true, force: true });
    active.delete(this.directory);
    this.open = false;
    releaseLock(this.lock);
    this.tidy();
  }
}
