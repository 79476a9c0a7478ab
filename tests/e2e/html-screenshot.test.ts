/**
 * The HTML as a reader sees it: supplement.html opened in headless Chromium (the same browser that
 * prints the PDF), screenshotted, with no console errors and no request leaving the page; and the
 * US Letter option.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { COMMON_FLAGS, findBrowser } from '../../src/pdf/browser.ts';
import { writeFontConfig } from '../../src/pdf/print.ts';
import { buildReport, loadAnalysis } from '../../src/run.ts';
import { openPdf } from '../helpers/pdf.ts';
import { builtReport } from '../helpers/reports.ts';

const root = join(import.meta.dirname, '..', '..');

/** The Chromium that prints the PDF, with its flags and only the DejaVu fonts, in a fresh profile. */
async function launchChromium() {
  const browser = await findBrowser(process.env);
  expect(browser, 'a Chromium to open the HTML').toBeDefined();
  const work = mkdtempSync(join(tmpdir(), 'metadx-shot-'));
  return puppeteer.launch({
    executablePath: browser!.executablePath,
    headless: browser!.headless,
    args: [...browser!.args, ...COMMON_FLAGS],
    userDataDir: join(work, 'profile'),
    env: { ...process.env, FONTCONFIG_FILE: writeFontConfig(work) },
  });
}

describe('supplement.html in headless Chromium', () => {
  it('renders every figure and table, without console errors or outside requests', async () => {
    const outRoot = mkdtempSync(join(tmpdir(), 'metadx-html-'));
    const outcome = await buildReport(await loadAnalysis(join(root, 'analyses', 'scheidler-lymphangiography'), root), { outRoot, pdf: false, env: process.env, log: () => undefined });
    const html = readFileSync(join(outcome.directory, 'supplement.html'), 'utf8');
    const instance = await launchChromium();
    try {
      const page = await instance.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(String(error)));
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (!/^(data:|about:)/.test(request.url())) problems.push(`request ${request.url()}`);
        void request.continue();
      });
      await page.setViewport({ width: 900, height: 1200 });
      await page.setContent(html, { waitUntil: 'load' });
      const layout = await page.evaluate(() => ({
        figures: document.querySelectorAll('figure svg').length,
        tables: document.querySelectorAll('table').length,
        height: document.body.scrollHeight,
        emptySvgs: Array.from(document.querySelectorAll('figure svg')).filter((svg) => svg.getBoundingClientRect().height < 50).length,
      }));
      const shot = await page.screenshot({ fullPage: false, type: 'png' });
      writeFileSync(join(outRoot, 'screenshot.png'), shot);
      expect(problems).toEqual([]);
      expect(layout.figures).toBeGreaterThanOrEqual(8);
      expect(layout.tables).toBeGreaterThanOrEqual(4);
      expect(layout.emptySvgs).toBe(0);
      expect(layout.height).toBeGreaterThan(5000);
      expect(shot.length).toBeGreaterThan(20_000); // a blank 900x1200 PNG is a few kB
    } finally {
      await instance.close();
    }
  }, 120_000);

  it('fits the window: every table whole on a laptop screen, nothing wider than a phone but tables scrolling in place', async () => {
    // the flagship: its wide tables are printed on landscape pages
    const html = readFileSync(join(await builtReport('flagship'), 'supplement.html'), 'utf8');
    const instance = await launchChromium();
    try {
      const page = await instance.newPage();
      await page.setJavaScriptEnabled(false);
      await page.setContent(html, { waitUntil: 'load' });
      const widths = async (width: number) => {
        await page.setViewport({ width, height: 900 });
        return page.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          window: document.documentElement.clientWidth,
          landscape: document.querySelectorAll('.table-block.landscape').length,
          scrolledTables: Array.from(document.querySelectorAll('.table-scroll')).filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => box.querySelector('table')!.id),
          captionsOutside: Array.from(document.querySelectorAll('caption')).filter((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length,
        }));
      };
      const laptop = await widths(1280);
      expect(laptop.landscape, 'tables printed on landscape pages').toBeGreaterThan(0);
      expect(laptop.page).toBe(laptop.window);
      expect(laptop.scrolledTables, 'tables that need scrolling at 1,280 px').toEqual([]);
      const phone = await widths(400);
      expect(phone.page, 'page width at 400 px').toBe(phone.window);
      expect(phone.scrolledTables.length, 'tables scrolling in place at 400 px').toBeGreaterThan(0);
      expect(phone.captionsOutside, 'captions reaching past the window at 400 px').toBe(0);
    } finally {
      await instance.close();
    }
  }, 900_000);

  it('prints US Letter when the spec asks for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metadx-letter-'));
    cpSync(join(root, 'analyses', 'scheidler-lymphangiography'), dir, { recursive: true });
    const spec = readFileSync(join(dir, 'analysis.yaml'), 'utf8').replace('paper: A4', 'paper: Letter');
    writeFileSync(join(dir, 'analysis.yaml'), spec);
    const outcome = await buildReport(await loadAnalysis(dir, dir), { outRoot: mkdtempSync(join(tmpdir(), 'metadx-letter-out-')), pdf: true, env: process.env, log: () => undefined });
    const pdf = await openPdf(join(outcome.directory, 'supplement.pdf'));
    // US Letter (612 × 792 pt), portrait or landscape
    for (const size of pdf.pageSizes) {
      expect(Math.min(size.width, size.height)).toBeCloseTo(612, -0.5);
      expect(Math.max(size.width, size.height)).toBeCloseTo(792, -0.5);
    }
  }, 120_000);
});
