/**
 * Last stage: supplement HTML → PDF with puppeteer-core and a real headless Chromium.
 * - Fonts: only the DejaVu fonts shipped in node_modules (a generated fontconfig file), so text
 *   renders on a bare system and output does not depend on installed fonts.
 * - Network: every request that is not data:/about: is aborted; page JavaScript is disabled.
 * - Reproducibility: the PDF's CreationDate/ModDate are set to the document date.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { COMMON_FLAGS, type BrowserChoice } from './browser.ts';

export interface PrintOptions {
  paper: 'A4' | 'Letter';
  /** footer text left of the page number, e.g. the analysis title and version */
  footerLabel: string;
  /** fixed document date (YYYY-MM-DD) written into the PDF metadata */
  date: string;
  /** milliseconds before launching or printing is abandoned */
  timeoutMs?: number;
}

export interface PrintResult {
  pdf: Uint8Array;
  /** URLs the page tried to load and that were blocked (should be empty) */
  blockedRequests: string[];
  browserVersion: string;
}

const require = createRequire(import.meta.url);

/** A fontconfig file that exposes only the DejaVu TTFs of the dejavu-fonts-ttf package. */
export function writeFontConfig(directory: string): string {
  const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const cacheDir = join(directory, 'fontcache');
  const alias = (generic: string, family: string) => `<alias><family>${generic}</family><prefer><family>${family}</family></prefer></alias>`;
  const same = (name: string, family: string) => `<alias binding="same"><family>${name}</family><accept><family>${family}</family></accept></alias>`;
  const xml = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${fontDir}</dir>
  <cachedir>${cacheDir}</cachedir>
  ${alias('sans-serif', 'DejaVu Sans')}
  ${alias('serif', 'DejaVu Serif')}
  ${alias('monospace', 'DejaVu Sans Mono')}
  ${same('Times New Roman', 'DejaVu Serif')}
  ${same('Arial', 'DejaVu Sans')}
  ${same('Helvetica', 'DejaVu Sans')}
  ${same('system-ui', 'DejaVu Sans')}
  <match target="pattern"><edit name="family" mode="append_last"><string>DejaVu Sans</string></edit></match>
</fontconfig>
`;
  const path = join(directory, 'fonts.conf');
  writeFileSync(path, xml);
  return path;
}

function footerTemplate(label: string): string {
  const escaped = label.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<div style="font-family:'DejaVu Sans';font-size:7pt;color:#555;width:100%;padding:0 16mm;display:flex;justify-content:space-between">
  <span>${escaped}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

/** Replace /CreationDate and /ModDate (same-length strings) with the fixed document date. */
export function fixPdfDates(pdf: Uint8Array, date: string): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const stamp = `D:${date.replace(/-/g, '')}000000`;
  const fixed = text.replace(/\/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)/g, (_m, key: string, _digits: string, rest: string) => {
    const zone = rest.length > 0 ? "+00'00'".slice(0, rest.length).padEnd(rest.length, "'") : '';
    return `/${key} (${stamp}${zone})`;
  });
  return Buffer.from(fixed, 'latin1');
}

export async function printPdf(html: string, browserChoice: BrowserChoice, options: PrintOptions): Promise<PrintResult> {
  const timeout = options.timeoutMs ?? 120_000;
  const workDir = mkdtempSync(join(tmpdir(), 'metadx-pdf-'));
  const blockedRequests: string[] = [];
  let browser: Browser | undefined;
  try {
    const fontConfig = writeFontConfig(workDir);
    browser = await puppeteer.launch({
      executablePath: browserChoice.executablePath,
      headless: browserChoice.headless,
      args: [...browserChoice.args, ...COMMON_FLAGS],
      userDataDir: join(workDir, 'profile'),
      env: { ...process.env, FONTCONFIG_FILE: fontConfig, TZ: 'UTC' },
      timeout,
      protocolTimeout: timeout,
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      if (url.startsWith('data:') || url === 'about:blank') void request.continue();
      else {
        blockedRequests.push(url);
        void request.abort('blockedbyclient');
      }
    });
    await page.setContent(html, { waitUntil: 'load', timeout });
    const pdf = await page.pdf({
      format: options.paper === 'Letter' ? 'letter' : 'a4',
      printBackground: true,
      preferCSSPageSize: false,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: footerTemplate(options.footerLabel),
      margin: { top: '16mm', bottom: '18mm', left: '16mm', right: '16mm' },
      outline: true,
      tagged: true,
      timeout,
    });
    const browserVersion = await browser.version();
    return { pdf: fixPdfDates(pdf, options.date), blockedRequests, browserVersion };
  } finally {
    await browser?.close().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}
