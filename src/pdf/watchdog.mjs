// Watchdog of the PDF browser (see src/pdf/print.ts), plain JavaScript so it runs without a
// TypeScript loader. Started detached (its own session: a kill of metadx's process group does not
// reach it) with one argument, the browser's work folder (<tmp>/metadx-pdf-XXXXXX, holding the
// profile and fontconfig files), and metadx's process id. Every 200 ms it checks two things:
//   - the work folder is gone: metadx finished printing and cleaned up itself → exit;
//   - its parent (metadx) is gone, whatever killed it (SIGKILL included: the parent process id
//     in /proc/self/stat changes when a process is orphaned) → SIGKILL the browser (its process group, from
//     <work>/browser.pid, and every process whose command line names the profile), remove the
//     work folder, exit.
// So Chromium never outlives metadx and no profile is left behind, on every exit path.
import { readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';

const work = process.argv[2];
// metadx's pid, given by metadx itself: should metadx die before this process has even started,
// its parent is already another process (process.ppid would name that one, and it is read only
// once at start-up); the current parent comes from /proc/self/stat
const parent = Number(process.argv[3]);
if (!Number.isInteger(parent) || parent <= 1) process.exit(2);

/** Whether metadx, the parent this watchdog was started by, is still its parent and alive. */
function parentAlive() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return ppid === parent;
  } catch {
    // no /proc: ask the kernel whether the process still exists
    try {
      process.kill(parent, 0);
      return true;
    } catch (error) {
      return error.code === 'EPERM';
    }
  }
}
// only ever remove a folder metadx made for the browser
if (!work || !/^metadx-pdf-[A-Za-z0-9]+$/.test(basename(work)) || dirname(work) !== tmpdir()) process.exit(2);
const profile = join(work, 'profile');

/** A process that still runs (a killed one stays a zombie, with an empty command line, until reaped). */
function running(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`).length > 0;
  } catch {
    return !existsSync('/proc/self'); // no /proc: assume it runs (kill is harmless)
  }
}

function browserProcesses() {
  const pids = new Set();
  try {
    const pid = Number(readFileSync(join(work, 'browser.pid'), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 1 && running(pid)) pids.add(pid);
  } catch {
    // not written yet (the browser is being launched): the scan below finds it
  }
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmdline.includes(`--user-data-dir=${profile}`)) pids.add(Number(entry));
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  } catch {
    // no /proc (not Linux): the pid file is all there is
  }
  return [...pids];
}

function kill(pid) {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // not a group leader, or already gone
    }
  }
}

const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function cleanUp() {
  // kill until no process of the browser is left (a dying browser may still write its profile),
  // then remove the folder, again while something recreates files in it (up to ~5 s)
  for (let attempt = 0; attempt < 50; attempt++) {
    const pids = browserProcesses();
    pids.forEach(kill);
    if (pids.length === 0) {
      try {
        rmSync(work, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
      } catch {
        // ENOTEMPTY while the last writer exits: try again
      }
      if (!existsSync(work)) return;
    }
    pause(100);
  }
}

const timer = setInterval(() => {
  if (!existsSync(work)) {
    clearInterval(timer);
    process.exit(0);
  }
  if (!parentAlive()) {
    clearInterval(timer);
    cleanUp();
    process.exit(0);
  }
}, 200);
