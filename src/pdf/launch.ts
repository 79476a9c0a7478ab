/**
 * Starting and stopping the Chromium that prints the PDF (src/pdf/print.ts does the printing).
 *
 * - DevTools over a pipe (`--remote-debugging-pipe`, file descriptors 3 and 4): Chromium opens no
 *   port, so no other local user can connect to it and drive it. The process is spawned here (with
 *   puppeteer's own default arguments) and puppeteer connects over the pipe, so metadx knows the
 *   process from its first instant: its exit code and stderr when it fails to start, its pid for
 *   the clean-up below.
 * - Chromium never outlives metadx and its temporary profile is never left behind:
 *   · normal end, errors, timeouts: `close()` closes the browser, kills its process group if it
 *     lingers, and removes the work folder;
 *   · process exit (Ctrl-C and SIGTERM end in process.exit via src/output/write.ts): an 'exit'
 *     listener kills the browser's process group and removes the folder synchronously;
 *   · SIGKILL (no code of metadx runs): a detached watchdog (src/pdf/watchdog.mjs) notices that its
 *     parent is gone within 200 ms, kills the browser's process group and removes the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { PipeTransport } from 'puppeteer-core/internal/node/PipeTransport.js';
import { pdfMessages as M } from '../messages.ts';
import { COMMON_FLAGS, UNSAFE_FLAGS, type BrowserChoice } from './browser.ts';

/** Starting failed; the message says what happened and what to do (one line). */
export class LaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}

export interface LaunchedBrowser {
  browser: Browser;
  /** the work folder (profile, fontconfig), removed by close() */
  workDir: string;
  /** close the browser, kill what is left of it, remove the work folder; never throws */
  close: () => Promise<void>;
  /** resolves when the Chromium process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const WATCHDOG_URL = new URL('./watchdog.mjs', import.meta.url);
const withoutUnsafe = (args: readonly string[]) => args.filter((arg) => !UNSAFE_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // not a group leader, or already gone
    }
  }
}

/** A detached watchdog for SIGKILL of metadx (see the module comment); best effort. */
function startWatchdog(workDir: string): void {
  try {
    const watchdog = spawn(process.execPath, [fileURLToPath(WATCHDOG_URL), workDir, String(process.pid)], { detached: true, stdio: 'ignore' });
    watchdog.on('error', () => undefined);
    watchdog.unref();
  } catch {
    // no watchdog: close() and the exit listener still clean up (all but SIGKILL)
  }
}

/**
 * Wait for `promise`, at most `ms` milliseconds (then undefined). The timer is cleared as soon as the
 * promise settles: a pending timer would keep metadx alive after its work is done (it did: 5 s after
 * every report with a PDF).
 */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Start Chromium in a fresh work folder and connect to it over a pipe. Throws LaunchError (or a
 * TimeoutError after `timeoutMs`) when it cannot be started; nothing is left behind then.
 */
export async function launchBrowser(choice: BrowserChoice, options: { timeoutMs: number; env?: NodeJS.ProcessEnv; prepare?: (workDir: string) => NodeJS.ProcessEnv }): Promise<LaunchedBrowser> {
  const workDir = mkdtempSync(join(tmpdir(), 'metadx-pdf-'));
  let child: ChildProcess | undefined;
  const onExit = () => {
    killGroup(child?.pid);
    rmSync(workDir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  startWatchdog(workDir);
  const cleanUp = () => {
    killGroup(child?.pid);
    process.off('exit', onExit);
    rmSync(workDir, { recursive: true, force: true });
  };
  const name = M.chromiumName(choice.executablePath, choice.source === 'PUPPETEER_EXECUTABLE_PATH');
  if (!existsSync(choice.executablePath)) {
    cleanUp();
    throw new LaunchError(M.missingExecutable(choice.executablePath, choice.source === 'PUPPETEER_EXECUTABLE_PATH'));
  }
  const env = { ...(options.env ?? process.env), ...(options.prepare?.(workDir) ?? {}) };
  const args = [...puppeteer.defaultArgs({ headless: choice.headless, args: withoutUnsafe([...choice.args, ...COMMON_FLAGS]), userDataDir: join(workDir, 'profile') }), '--remote-debugging-pipe'];
  const stderr: string[] = [];
  try {
    // its own process group (detached), so the whole browser (zygote, renderers) can be killed at once
    child = spawn(choice.executablePath, withoutUnsafe(args), { detached: true, env, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  } catch (error) {
    cleanUp();
    throw new LaunchError(/EACCES/.test(String(error)) ? M.notExecutable(name) : String(error));
  }
  const spawned = child;
  spawned.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(...chunk.toString('utf8').split('\n'));
    if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => spawned.once('exit', (code, signal) => resolve({ code, signal })));
  const spawnError = new Promise<never>((_, reject) =>
    spawned.once('error', (error: NodeJS.ErrnoException) => reject(new LaunchError(error.code === 'EACCES' ? M.notExecutable(name) : error.code === 'ENOENT' ? M.missingExecutable(choice.executablePath, choice.source === 'PUPPETEER_EXECUTABLE_PATH') : error.message))),
  );
  if (spawned.pid !== undefined) writeFileSync(join(workDir, 'browser.pid'), `${spawned.pid}\n`);

  const exitedAtStart = exited.then(({ code, signal }): never => {
    const lines = stderr.map((line) => line.trim()).filter((line) => line !== '');
    const last = lines.at(-1) ?? '';
    throw new LaunchError(M.exitedAtStart(name, code !== null ? String(code) : signal ?? undefined, last.slice(0, 200), /shared (object|librar)/.test(last)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LaunchError(M.timedOut(name, options.timeoutMs, 'start'))), options.timeoutMs);
  });
  try {
    const transport = new PipeTransport(spawned.stdio[3] as Writable, spawned.stdio[4] as Readable);
    const browser = await Promise.race([puppeteer.connect({ transport, protocolTimeout: options.timeoutMs }), exitedAtStart, timedOut, spawnError]);
    exitedAtStart.catch(() => undefined);
    spawnError.catch(() => undefined);
    return {
      browser,
      workDir,
      exited,
      close: async () => {
        // a graceful close first (the profile is flushed), then whatever is left is killed
        await withinMs(browser.close().catch(() => undefined), 5000);
        await withinMs(exited, 2000);
        cleanUp();
      },
    };
  } catch (error) {
    exitedAtStart.catch(() => undefined);
    spawnError.catch(() => undefined);
    // a connection error because the process died by itself: say that it exited, with its code
    // and stderr (looked at before the clean-up kills it)
    let reported = error;
    if (!(error instanceof LaunchError)) {
      const early = await withinMs(exitedAtStart.then(() => undefined, (launch: unknown) => launch), 1000);
      if (early instanceof LaunchError) reported = early;
    }
    cleanUp();
    throw reported;
  } finally {
    clearTimeout(timer);
  }
}
