/**
 * Disk full while a version is being written: node:fs is wrapped so that writing into the staging
 * folder fails with ENOSPC after the first few files. The run must end with a located user error
 * (the version folder named), exit 1, no stack trace; no half-written version may appear, and an
 * earlier version stays byte for byte as it was.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { STACK_TRACE, corpusRoot } from './corpus-runner.ts';

const disk = vi.hoisted(() => ({ full: false, writes: 0, allowed: 3 }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const writeFileSync = ((path: Parameters<typeof actual.writeFileSync>[0], ...rest: unknown[]) => {
    if (disk.full && String(path).includes('.staging') && ++disk.writes > disk.allowed) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${String(path)}'`), { code: 'ENOSPC', errno: -28, syscall: 'write', path: String(path) });
    }
    return (actual.writeFileSync as (...args: unknown[]) => void)(path, ...rest);
  }) as typeof actual.writeFileSync;
  return { ...actual, default: { ...actual, writeFileSync }, writeFileSync };
});

const { main } = await import('../../src/cli.ts');

/** Every file under a folder with its bytes (to prove an earlier version is untouched). */
function snapshot(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(directory, path)] = readFileSync(path).toString('base64');
    }
  };
  walk(directory);
  return files;
}

describe('disk full while writing the output', () => {
  it('a located error naming the version folder; no partial version; version 1 untouched', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'metadx-disk-full-'));
    cpSync(join(corpusRoot, 'report-two-studies'), join(cwd, 'faults'), { recursive: true });
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd, env: { SOURCE_DATE_EPOCH: '1705276800' } };
    expect(await main(['report', 'faults', '--no-pdf', '--out', 'out'], io)).toBe(0);
    const before = snapshot(join(cwd, 'out', 'faults', '1'));

    // version 2 of the same analysis, on a full disk
    const spec = join(cwd, 'faults', 'analysis.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('version: 1', 'version: 2'));
    disk.full = true;
    err.length = 0;
    let code: number;
    try {
      code = await main(['report', 'faults', '--no-pdf', '--out', 'out'], io);
    } finally {
      disk.full = false;
    }
    const stderr = err.join('\n');
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(code).toBe(1);
    // (the folder is shown relative to process.cwd(), which run.ts uses rather than the CLI's cwd)
    expect(stderr).toMatch(/^error: cannot write \S*out\/faults\/2: ENOSPC: no space left on device, write '.*\.staging.*'\n {4}check free disk space and write permission for the output folder$/);
    expect(existsSync(join(cwd, 'out', 'faults', '2'))).toBe(false);
    const staging = join(cwd, 'out', '.staging');
    expect(existsSync(staging) ? readdirSync(staging).filter((entry) => entry.includes('@2')) : []).toEqual([]);
    expect(snapshot(join(cwd, 'out', 'faults', '1'))).toEqual(before);

    // with space again, version 2 is written
    err.length = 0;
    expect(await main(['report', 'faults', '--no-pdf', '--out', 'out'], io)).toBe(0);
    expect(existsSync(join(cwd, 'out', 'faults', '2', 'supplement.html'))).toBe(true);
    expect(snapshot(join(cwd, 'out', 'faults', '1'))).toEqual(before);
  }, 120_000);
});
