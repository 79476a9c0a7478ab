/**
 * The PDF browser (issue 14, item 7): metadx talks to Chromium over a pipe, so Chromium listens on
 * no DevTools port; Chromium dies with metadx and its temporary profile is removed on every exit
 * path — the end of a normal run, SIGTERM, and SIGKILL (no code of metadx runs then: the detached
 * watchdog of src/pdf/watchdog.mjs does it). `metadx report` runs as a child process with a private
 * TMPDIR; Chromium is found through /proc by its --user-data-dir (Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { root, temporary, writeAnalysis } from '../helpers/versions.ts';

const bin = join(root, 'bin', 'metadx.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes whose command line names a profile under `tmp` (the PDF browser of that run). */
function browsers(tmp: string): { pid: number; cmdline: string[] }[] {
  const found: { pid: number; cmdline: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((arg) => arg.startsWith(`--user-data-dir=${tmp}/metadx-pdf-`))) found.push({ pid: Number(entry), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** TCP sockets in LISTEN state (state 0A) owned by `pid`. */
function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const link = (() => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      })();
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match) inodes.add(match[1]!);
    }
  } catch {
    return [];
  }
  const listening: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) listening.push(fields[1]!);
    }
  }
  return listening;
}

const leftovers = (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith('metadx-pdf-'));

function startReport(work: string, tmp: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [bin, 'report', 'lag', '--out', 'out'], { cwd: work, env: { ...process.env, TMPDIR: tmp, SOURCE_DATE_EPOCH: '1705276800', ...env }, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** temporary folders of these tests (each TMPDIR gets its own 200 MB copy of @sparticuz/chromium) */
const made: string[] = [];
const tracked = (prefix: string): string => {
  const path = temporary(prefix);
  made.push(path);
  return path;
};

describe.runIf(process.platform === 'linux')('the PDF browser', () => {
  afterAll(() => {
    for (const path of made) rmSync(path, { recursive: true, force: true });
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)('listens on no port, and is gone with its profile after %s of metadx', async (signal) => {
    const work = tracked('browser-life');
    const tmp = tracked('browser-tmp');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    const { child, exited } = startReport(work, tmp);
    const running = await waitFor('Chromium to start', () => {
      const found = browsers(tmp);
      return found.length > 0 ? found : undefined;
    }, 240_000);
    for (const process_ of running) {
      expect(process_.cmdline).toContain('--remote-debugging-pipe');
      expect(process_.cmdline.filter((arg) => arg.startsWith('--remote-debugging-port') || arg === '--disable-web-security' || arg === '--allow-running-insecure-content')).toEqual([]);
      expect(listeningSockets(process_.pid), `Chromium ${process_.pid} listens on a TCP port`).toEqual([]);
    }
    child.kill(signal);
    const ended = await exited;
    expect(ended.signal === signal || ended.code === 143).toBe(true);
    await waitFor('Chromium to be gone', () => (browsers(tmp).length === 0 ? true : undefined), 10_000);
    await waitFor('the temporary profile to be removed', () => (leftovers(tmp).length === 0 ? true : undefined), 10_000);
  }, 300_000);

  it('is gone with its profile after a normal run', async () => {
    const work = tracked('browser-life');
    const tmp = tracked('browser-tmp');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    const { exited } = startReport(work, tmp);
    expect((await exited).code).toBe(0);
    expect(existsSync(join(work, 'out', 'lag', '1', 'supplement.pdf'))).toBe(true);
    await waitFor('Chromium to be gone', () => (browsers(tmp).length === 0 ? true : undefined), 10_000);
    expect(leftovers(tmp)).toEqual([]);
  }, 300_000);

  it('is closed at once when the report stops after the statistics (Chromium is started while the figures are drawn)', async () => {
    const work = tracked('browser-life');
    const tmp = tracked('browser-tmp');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    // in this process, so that the check runs before any exit handler could clean up: every figure
    // is over this PNG limit, so the figures stage refuses after Chromium was started
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const err: string[] = [];
      const code = await main(['report', 'lag', '--out', 'out', '--quiet'], { out: () => undefined, err: (text) => err.push(text), cwd: work, env: { ...process.env, SOURCE_DATE_EPOCH: '1705276800', METADX_MAX_PNG_PIXELS: '1000' } });
      expect(code, err.join('\n')).toBe(1);
      expect(err.join('\n')).toContain('METADX_MAX_PNG_PIXELS');
      expect(browsers(tmp)).toEqual([]);
      expect(leftovers(tmp)).toEqual([]);
      // and none is started afterwards by a launch still under way when the report stopped
      await sleep(3000);
      expect(browsers(tmp)).toEqual([]);
      expect(leftovers(tmp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  }, 300_000);
});
