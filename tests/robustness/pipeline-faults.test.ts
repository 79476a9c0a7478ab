/**
 * Faults in the pipeline, through the command line (`main` of src/cli.ts):
 * - Chromium missing, exiting at start (a crash) or hanging (a timeout, made short with
 *   METADX_PDF_TIMEOUT_MS): HTML, figures and results are written, the error says how to get a PDF,
 *   the exit code is 3, and the hanging process is killed;
 * - output that cannot be written (a path through a regular file: ENOTDIR, which root cannot
 *   bypass the way it bypasses permissions): the message names the path; no stack trace;
 * - a remote image in the data is neither fetched nor rendered: the label is text in the PDF.
 * Disk full (ENOSPC) is in disk-full.test.ts; interrupted runs in interrupted.test.ts.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { findBrowser } from '../../src/pdf/browser.ts';
import { PdfError, printPdf } from '../../src/pdf/print.ts';
import { countingServer, type CountingServer } from './servers.ts';
import { openPdf } from '../helpers/pdf.ts';
import { STACK_TRACE, corpusRoot } from './corpus-runner.ts';

const SMALL = 'study,tp,fp,fn,tn\nAlpha 2001,45,5,5,45\nBeta 2003,30,8,10,52\n';

function analysis(data = SMALL, title = 'Pipeline faults'): string {
  const dir = mkdtempSync(join(tmpdir(), 'metadx-faults-'));
  const folder = join(dir, 'faults');
  cpSync(join(corpusRoot, 'report-two-studies'), folder, { recursive: true });
  writeFileSync(join(folder, 'analysis.yaml'), `title: ${JSON.stringify(title)}\nversion: 1\ndate: 2024-01-15\ndata:\n  file: data.csv\noutput:\n  dpi: 72\n`);
  writeFileSync(join(folder, 'data.csv'), data);
  return dir;
}

async function report(cwd: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd, env: { SOURCE_DATE_EPOCH: '1705276800', ...env } };
  const started = performance.now();
  const code = await main(['report', 'faults', '--out', 'out', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n'), seconds: (performance.now() - started) / 1000 };
}

function script(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'metadx-fake-chromium-')), 'chromium');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const HOW_TO_GET_A_PDF = '    supplement.html and the figures were written; open the HTML in a browser and print it, or fix the browser (PUPPETEER_EXECUTABLE_PATH) and re-run';

/** The version folder has everything but the PDF. */
function expectWrittenWithoutPdf(cwd: string): void {
  const version = join(cwd, 'out', 'faults', '1');
  for (const file of ['supplement.html', 'results.json', 'figures/forest-sensitivity.svg', 'figures/forest-sensitivity.png']) expect(existsSync(join(version, file)), file).toBe(true);
  expect(existsSync(join(version, 'supplement.pdf'))).toBe(false);
  expect(readFileSync(join(version, 'supplement.html'), 'utf8')).toContain('Alpha 2001');
}

describe('Chromium faults: HTML and figures written, a hint for the PDF, exit 3', () => {
  it('PUPPETEER_EXECUTABLE_PATH names a file that does not exist', async () => {
    const cwd = analysis();
    const result = await report(cwd, { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' });
    expect(result.code).toBe(3);
    expect(result.err).toBe(`error: printing the PDF failed: PUPPETEER_EXECUTABLE_PATH is /nonexistent/chromium, which does not exist\n${HOW_TO_GET_A_PDF}`);
    expect(result.out).toMatch(/^faults 1: wrote out\/faults\/1\//);
    expectWrittenWithoutPdf(cwd);
  });

  it('Chromium exits at start (a crash, e.g. missing libraries)', async () => {
    const cwd = analysis();
    const chromium = script('echo "chromium: error while loading shared libraries: libnss3.so: cannot open shared object file" >&2\nexit 127');
    const result = await report(cwd, { PUPPETEER_EXECUTABLE_PATH: chromium });
    expect(result.code).toBe(3);
    expect(result.err).toBe(
      `error: printing the PDF failed: Chromium at ${chromium} (PUPPETEER_EXECUTABLE_PATH) exited at start with code 127: chromium: error while loading shared libraries: libnss3.so: cannot open shared object file (missing system libraries; on Debian: apt-get install libnss3 libexpat1)\n${HOW_TO_GET_A_PDF}`,
    );
    expect(result.err).not.toMatch(STACK_TRACE);
    expectWrittenWithoutPdf(cwd);
  });

  it('Chromium hangs: METADX_PDF_TIMEOUT_MS ends the wait, the process is killed', async () => {
    const cwd = analysis();
    const pidFile = join(cwd, 'chromium.pid');
    const chromium = script(`echo $$ > ${pidFile}\nexec sleep 600`);
    const result = await report(cwd, { PUPPETEER_EXECUTABLE_PATH: chromium, METADX_PDF_TIMEOUT_MS: '1500' });
    expect(result.code).toBe(3);
    expect(result.err).toBe(
      `error: printing the PDF failed: Chromium at ${chromium} (PUPPETEER_EXECUTABLE_PATH) did not start within 1.5 s; if the machine is slow, raise METADX_PDF_TIMEOUT_MS (milliseconds)\n${HOW_TO_GET_A_PDF}`,
    );
    expect(result.seconds).toBeLessThan(30);
    expectWrittenWithoutPdf(cwd);
    // after a start timeout puppeteer waits 5 s for a graceful exit, then kills the process group
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const running = (): boolean => {
      try {
        process.kill(pid, 0);
        return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); // a zombie is gone
      } catch {
        return false;
      }
    };
    for (let wait = 0; wait < 100 && running(); wait++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(running(), `the hanging "Chromium" (pid ${pid}) was left running`).toBe(false);
  }, 60_000);
});

describe('Chromium crashing while it prints', () => {
  it('the error says it stopped; no PDF, no stack trace, no process left', async () => {
    const real = await findBrowser({});
    if (!real) throw new Error('no Chromium for the PDF tests');
    // the real Chromium behind a wrapper that kills it (SIGKILL) 1.5 s after the start, while it
    // prints 5,000 table rows (about 5 s of work)
    const wrapper = join(mkdtempSync(join(tmpdir(), 'metadx-crashing-chromium-')), 'chromium-headless-shell');
    writeFileSync(wrapper, `#!/bin/sh\n"${real.executablePath}" ${real.args.map((a) => `'${a}'`).join(' ')} "$@" &\npid=$!\nsleep 1.5\nkill -9 $pid\nwait $pid\n`);
    chmodSync(wrapper, 0o755);
    const rows = Array.from({ length: 5000 }, (_, i) => `<tr><td>Study ${i}</td><td>${i}</td><td>${2 * i}</td></tr>`).join('');
    const error = await printPdf(`<table>${rows}</table>`, { executablePath: wrapper, source: 'PUPPETEER_EXECUTABLE_PATH', headless: 'shell', args: [] }, { paper: 'A4', footerLabel: 'crash', date: '2024-01-01', timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PdfError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Chromium at ${wrapper} \\(PUPPETEER_EXECUTABLE_PATH\\) (stopped while (printing|starting) \\(it crashed or was killed\\)|exited at start)`),
    );
    expect((error as Error).message).not.toContain('\n');
  }, 60_000);
});

describe('output that cannot be written', () => {
  // every failed file-system call while writing output (here ENOTDIR from creating <out>/.staging)
  // is a user error naming the path, not an internal error
  it('a path through a regular file (ENOTDIR): message names the path, exit 1, no stack trace', async () => {
    const cwd = analysis();
    writeFileSync(join(cwd, 'not-a-folder'), 'a file where the output folder should be\n');
    const result = await report(cwd, {}, ['--no-pdf', '--out', 'not-a-folder/out']);
    expect(result.err).not.toMatch(STACK_TRACE);
    expect(result.code).toBe(1);
    expect(result.err).toContain('not-a-folder/out');
    expect(result.err).toMatch(/^error: cannot write .*not a directory/m);
  });
});

describe('a remote image in the data is not fetched', () => {
  let server: CountingServer;
  beforeAll(async () => {
    server = await countingServer();
  });
  afterAll(() => new Promise<void>((resolve) => server.server.close(() => resolve())));

  it('report with PDF: the server sees nothing; the label is text in the PDF', async () => {
    const tag = `<img src="http://127.0.0.1:${server.port}/x.png">`;
    const data = `study,tp,fp,fn,tn,setting\n"Remote ${tag.replace(/"/g, '""')}",45,5,5,45,"${tag.replace(/"/g, '""')}"\nBeta 2003,30,8,10,52,clinic\n`;
    const cwd = analysis(data, `Title ${tag}`);
    const result = await report(cwd, { ...(process.env.PUPPETEER_EXECUTABLE_PATH ? { PUPPETEER_EXECUTABLE_PATH: process.env.PUPPETEER_EXECUTABLE_PATH } : {}) });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(server.requests).toEqual([]);
    expect(server.connections).toBe(0);
    const version = join(cwd, 'out', 'faults', '1');
    const text = await (await openPdf(join(version, 'supplement.pdf'))).text();
    expect(text).toContain(`Remote <img src="http://127.0.0.1:${server.port}/x.png">`);
    expect(readdirSync(join(version, 'figures')).length).toBeGreaterThan(0);
  }, 120_000);
});
