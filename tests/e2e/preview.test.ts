/**
 * `metadx preview` as a reviewer uses it, in headless Chromium (the browser discovery of
 * src/pdf/browser.ts, launched as tests/e2e/html-screenshot.test.ts does): started on a copy of an
 * analysis with --port 0 (the URL is the first line of stdout), the page shows the supplement; a
 * study added to the data file appears without a restart; a broken data file or spec shows the
 * problem in the page with file:line:column, and fixing it brings the supplement back. The server
 * answers /, /events and nothing else (no path traversal, no other Host), and nothing is written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMON_FLAGS, findBrowser } from '../../src/pdf/browser.ts';
import { writeFontConfig } from '../../src/pdf/print.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'metadx.js');

const DATA = 'study,tp,fp,fn,tn\nAlpha 2001,45,5,5,45\nBeta 2003,30,8,10,52\nGamma 2005,28,6,12,64\nDelta 2007,60,15,9,80\nEpsilon 2009,22,3,8,47\n';
const SPEC = 'title: Preview test\nversion: 1\ndate: 2024-01-15\ndata:\n  file: data/d.csv\nmodel: {quadrature: 1}\nfigures: [forest-sensitivity, sroc]\nsensitivity: {leave_one_out: false, outliers: false}\noutput: {dpi: 72}\n';
/** A wait for the rebuild after an edit (a loaded 2-core machine: generous). */
const WAIT_MS = 180_000;

/** GET `path` as sent (no normalisation of "..") with a Host header; the status code. */
function status(port: number, path: string, host = `127.0.0.1:${port}`, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The first line the child prints on stdout. */
function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no URL within 120 s; stderr:\n${stderr()}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(text.slice(0, end));
      }
    });
    child.on('exit', (code) => reject(new Error(`preview exited (${code}) before printing the URL; stderr:\n${stderr()}`)));
  });
}

const pageText = (page: Page) => page.evaluate(() => document.body.innerText);

describe('metadx preview', () => {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('serves the supplement, rebuilds it on edits, shows problems with file:line:column and recovers', async () => {
    const work = mkdtempSync(join(tmpdir(), 'metadx-preview-'));
    const analysis = join(work, 'review');
    mkdirSync(join(analysis, 'data'), { recursive: true });
    writeFileSync(join(analysis, 'analysis.yaml'), SPEC);
    writeFileSync(join(analysis, 'data', 'd.csv'), DATA);
    let stderr = '';
    child = spawn(process.execPath, [bin, 'preview', 'review', '--port', '0'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: join(work, 'cache'), SOURCE_DATE_EPOCH: '1705276800' } });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await firstLine(child, () => stderr);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = Number(new URL(url).port);
    expect(port).toBeGreaterThan(0);

    const choice = await findBrowser(process.env);
    expect(choice, 'a Chromium to open the page').toBeDefined();
    const profile = mkdtempSync(join(tmpdir(), 'metadx-preview-browser-'));
    browser = await puppeteer.launch({
      executablePath: choice!.executablePath,
      headless: choice!.headless,
      // the PDF's browser resolves no host at all; this one has to reach the preview server on 127.0.0.1
      args: [...choice!.args, ...COMMON_FLAGS.filter((flag) => !flag.startsWith('--host-resolver-rules'))],
      userDataDir: join(profile, 'profile'),
      env: { ...process.env, FONTCONFIG_FILE: writeFontConfig(profile) },
    });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.innerText.includes('Epsilon 2009'), { timeout: WAIT_MS });
    expect(await page.title()).toBe('Preview test');
    expect(await page.$$eval('figure svg', (svgs) => svgs.length)).toBeGreaterThanOrEqual(2);

    // a study added to the data file appears, without a restart
    appendFileSync(join(analysis, 'data', 'd.csv'), 'Zeta 2011,51,12,6,71\n');
    await page.waitForFunction(() => document.body.innerText.includes('Zeta 2011'), { timeout: WAIT_MS });

    // a broken data file: the problem, located as the command line prints it, above the last good page
    appendFileSync(join(analysis, 'data', 'd.csv'), 'Eta 2013,4x,9,13,90\n');
    await page.waitForFunction(() => document.querySelector('#metadx-preview-problems') !== null, { timeout: WAIT_MS });
    const dataProblem = await page.$eval('#metadx-preview-problems', (panel) => (panel as HTMLElement).innerText);
    expect(dataProblem).toMatch(/review\/data\/d\.csv:8:\d+: error: row 7, column tp: /);
    expect(await pageText(page)).toContain('Zeta 2011'); // the last supplement that could be built
    expect(stderr).toMatch(/review\/data\/d\.csv:8:\d+: error: /); // and the terminal says it too

    // fixed: the supplement is back, with the new study
    writeFileSync(join(analysis, 'data', 'd.csv'), readFileSync(join(analysis, 'data', 'd.csv'), 'utf8').replace('Eta 2013,4x,', 'Eta 2013,40,'));
    await page.waitForFunction(() => document.querySelector('#metadx-preview-problems') === null && document.body.innerText.includes('Eta 2013'), { timeout: WAIT_MS });

    // a broken spec: located at its line and column; fixed, back again
    writeFileSync(join(analysis, 'analysis.yaml'), SPEC.replace('model: {quadrature: 1}', 'model: {quadrature: 1}\nmodle: {level: 0.9}'));
    await page.waitForFunction(() => document.querySelector('#metadx-preview-problems') !== null, { timeout: WAIT_MS });
    const specProblem = await page.$eval('#metadx-preview-problems', (panel) => (panel as HTMLElement).innerText);
    expect(specProblem).toMatch(/review\/analysis\.yaml:7:1: error: .*"modle".*did you mean "model"/);
    writeFileSync(join(analysis, 'analysis.yaml'), SPEC.replace('title: Preview test', 'title: Preview test, fixed'));
    await page.waitForFunction(() => document.querySelector('#metadx-preview-problems') === null && document.title === 'Preview test, fixed', { timeout: WAIT_MS });
    expect(await pageText(page)).toContain('Eta 2013');
    expect(problems, 'console errors or page errors (e.g. a script refused by the CSP)').toEqual([]);

    // the server answers /, /events and nothing else; other hosts are refused; nothing is written
    expect(await status(port, '/')).toBe(200);
    for (const path of ['/../review/analysis.yaml', '/review/data/d.csv', '/data/d.csv', '/%2e%2e/%2e%2e/etc/passwd', '/figures/sroc.svg', '/index.html', '//etc/passwd']) {
      expect(await status(port, path), path).toBe(404);
    }
    expect(await status(port, '/', 'evil.example:80')).toBe(403);
    expect(await status(port, '/', `127.0.0.1:${port}`, 'POST')).toBe(405);
    expect(existsSync(join(work, 'out')), 'preview wrote an output folder').toBe(false);
  }, 900_000);
});
