/**
 * Writing a version folder atomically: everything goes to a hidden temporary folder next to the
 * target, which is renamed into place only when complete. A crash or Ctrl-C leaves at most a
 * `.tmp-*` folder (cleaned on the next run) and never touches existing versions.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface OutputFile {
  /** path relative to the version folder, e.g. "figures/forest.svg" */
  path: string;
  content: string | Uint8Array;
}

/** Remove stale temporary folders left by interrupted runs (not owned by a live process). */
export function cleanStaleTemporaries(parent: string): void {
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent)) {
    const match = /^\.tmp-.*-(\d+)$/.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (!alive) rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/**
 * Write `files` into `target` atomically. If `target` exists it is replaced only after the new
 * folder is complete (the old one is moved aside first and deleted last).
 */
export function writeVersionFolder(target: string, files: readonly OutputFile[]): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  cleanStaleTemporaries(parent);
  const temporary = join(parent, `.tmp-${Date.now().toString(36)}-${process.pid}`);
  mkdirSync(temporary);
  try {
    for (const file of files) {
      const path = join(temporary, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
    if (existsSync(target)) {
      const aside = join(parent, `.tmp-old-${Date.now().toString(36)}-${process.pid}`);
      renameSync(target, aside);
      renameSync(temporary, target);
      rmSync(aside, { recursive: true, force: true });
    } else {
      renameSync(temporary, target);
    }
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}
