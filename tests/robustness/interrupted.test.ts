/**
 * A run interrupted at any point leaves every earlier version intact: `metadx report` runs as a
 * child process and is killed (SIGKILL: no clean-up possible; SIGINT: Ctrl-C) at several moments
 * while it builds version 2. After each kill version 1 is byte for byte unchanged, and version 2
 * is either absent or complete (every file of its manifest present with its recorded SHA-256).
 * A last uninterrupted run then writes version 2 and leaves no staging folder behind.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusRoot } from './corpus-runner.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'metadx.js');

function snapshot(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(directory, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(directory);
  return files;
}

/** Run the CLI; kill it with `signal` after `afterMs` (if it is still running). */
function run(cwd: string, signal?: NodeJS.Signals, afterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'report', 'faults', '--no-pdf', '--out', 'out'], { cwd, env: { ...process.env, SOURCE_DATE_EPOCH: '1705276800' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = signal && afterMs !== undefined ? setTimeout(() => child.kill(signal), afterMs) : undefined;
    child.on('exit', (code, received) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal: received, stderr });
    });
  });
}

/** A version folder is complete: its manifest lists every output and input with the right hash. */
function expectComplete(directory: string): void {
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')) as { outputs: { path: string; sha256: string }[]; inputs: { path: string; sha256: string }[] };
  const files = snapshot(directory);
  for (const file of [...manifest.outputs, ...manifest.inputs]) expect(files[file.path], file.path).toBe(file.sha256);
}

describe('interrupted runs', () => {
  it('leave version 1 intact and version 2 absent or complete, whenever they are killed', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'metadx-interrupted-'));
    cpSync(join(corpusRoot, 'report-rho-boundary'), join(cwd, 'faults'), { recursive: true });
    const spec = join(cwd, 'faults', 'analysis.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace(/output:\n {2}dpi: 72\n/, '')); // 300 dpi: a longer run
    const first = await run(cwd);
    expect(first.code, first.stderr).toBe(0);
    const version1 = join(cwd, 'out', 'faults', '1');
    const before = snapshot(version1);
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('version: 1', 'version: 2'));
    const version2 = join(cwd, 'out', 'faults', '2');

    const interruptions: [NodeJS.Signals, number][] = [
      ['SIGKILL', 300],
      ['SIGKILL', 1500],
      ['SIGINT', 2500],
      ['SIGKILL', 3500],
      ['SIGTERM', 4500],
      ['SIGKILL', 6000],
    ];
    for (const [signal, afterMs] of interruptions) {
      const result = await run(cwd, signal, afterMs);
      expect(result.stderr, `${signal} after ${afterMs} ms`).not.toMatch(/internal error|^\s+at /m);
      expect(snapshot(version1), `version 1 after ${signal} at ${afterMs} ms`).toEqual(before);
      if (existsSync(version2)) expectComplete(version2);
      if (result.signal === 'SIGINT' || result.signal === 'SIGTERM' || result.code === 130 || result.code === 143) {
        // Ctrl-C and SIGTERM clean up their own staging folder before exiting
        const staging = join(cwd, 'out', '.staging');
        expect(existsSync(staging) ? readdirSync(staging).filter((entry) => entry.includes('@2')) : []).toEqual([]);
      }
    }

    const last = await run(cwd);
    expect(last.code, last.stderr).toBe(0);
    expectComplete(version2);
    expect(snapshot(version1)).toEqual(before);
    const staging = join(cwd, 'out', '.staging');
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  }, 300_000);
});
