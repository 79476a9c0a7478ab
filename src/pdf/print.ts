/**
 * Last stage: supplement HTML → PDF with puppeteer-core and a real headless Chromium.
 * - Fonts: only the DejaVu fonts shipped in node_modules (a generated fontconfig file), so text
 *   renders on a bare system and output does not depend on installed fonts.
 * - Network: every request that is not data:/about: is aborted (request interception), the page's
 *   network layer refuses every other scheme (Network.setBlockedURLs), and no host name or address
 *   resolves (--host-resolver-rules); page JavaScript is disabled.
 * - Reproducibility: the PDF's CreationDate/ModDate are set to the document date.
 * - The browser: DevTools over a pipe (no port), never outliving metadx, its temporary profile
 *   removed on every exit path, SIGKILL included (src/pdf/launch.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pdfMessages as M } from '../messages.ts';
import type { BrowserChoice } from './browser.ts';
import { LaunchError, launchBrowser, type LaunchedBrowser } from './launch.ts';

export interface PrintOptions {
  paper: 'A4' | 'Letter';
  /** footer text left of the page number, e.g. the analysis title and version */
  footerLabel: string;
  /** fixed document date (YYYY-MM-DD) written into the PDF metadata */
  date: string;
  /** milliseconds before launching or printing is abandoned (default: the browser choice's, from
   *  $METADX_PDF_TIMEOUT_MS, else 120 s) */
  timeoutMs?: number;
  /**
   * Page numbers in the contents: the sections (id and heading as printed) and a renderer of the
   * HTML with the page each section starts on. The document is printed, the pages are read from
   * the PDF's bookmarks, and it is printed again with them (until they no longer change).
   */
  contents?: { sections: readonly { id: string; title: string }[]; render: (pages: ReadonlyMap<string, number>) => string };
}

/** Section id → page, from the PDF's top-level section bookmarks (headings h2), matched in order by title. */
export async function sectionPages(pdf: Uint8Array, sections: readonly { id: string; title: string }[]): Promise<Map<string, number>> {
  const { readPdf } = await import('./read.ts');
  const document = await readPdf(pdf);
  try {
    const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
    const entries = document.outline.filter((entry) => entry.depth === 1);
    const pages = new Map<string, number>();
    let from = 0;
    for (const section of sections) {
      const at = entries.findIndex((entry, i) => i >= from && normalise(entry.title) === normalise(section.title));
      if (at < 0) continue;
      pages.set(section.id, entries[at]!.page);
      from = at + 1;
    }
    return pages;
  } finally {
    await document.destroy();
  }
}

/**
 * Write the page numbers into the contents of the loaded document (the `.toc-page` after each
 * section's link, as templates/supplement.hbs renders them). The document's own scripts stay off:
 * this runs as a DevTools evaluation, not as page script.
 */
async function setContentsPages(page: import('puppeteer-core').Page, pages: ReadonlyMap<string, number>): Promise<void> {
  await page.evaluate((entries: [string, string][]) => {
    for (const [id, number] of entries) {
      const target = document.querySelector(`a[href="#section-${CSS.escape(id)}"] + .toc-page`);
      if (target) target.textContent = number;
    }
  }, [...pages].map(([id, number]): [string, string] => [id, String(number)]));
}

const samePages = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean => a.size === b.size && [...a].every(([id, page]) => b.get(id) === page);

/** Printing failed; the message is one line that says what happened and, where known, what to do. */
export class PdfError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfError';
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** URL patterns the page's network layer refuses (everything but data: and about:). */
const BLOCKED_URL_PATTERNS = ['http://*', 'https://*', 'ws://*', 'wss://*', 'ftp://*', 'file://*', 'blob:*', 'filesystem:*', 'chrome://*', 'chrome-extension://*'];

/** Puppeteer's multi-line errors as one line with the useful part (Chromium's own stderr). */
export function describePdfFailure(error: unknown, browser: BrowserChoice, timeoutMs: number, stage: 'start' | 'print'): string {
  const message = error instanceof Error ? error.message : String(error);
  const fromEnv = browser.source === 'PUPPETEER_EXECUTABLE_PATH';
  const name = M.chromiumName(browser.executablePath, fromEnv);
  if (/Browser was not found at the configured executablePath|ENOENT/.test(message) && !existsSync(browser.executablePath)) {
    return M.missingExecutable(browser.executablePath, fromEnv);
  }
  if (/EACCES/.test(message)) return M.notExecutable(name);
  if (/Timed out after|TimeoutError|timed out|Timeout/i.test(message) || (error instanceof Error && error.name === 'TimeoutError')) {
    return M.timedOut(name, timeoutMs, stage);
  }
  if (/Failed to launch the browser process/.test(message)) {
    const code = /Code: (\S+)/.exec(message)?.[1];
    const stderr = (/stderr:\s*([^]*?)(?:\n\s*\n|TROUBLESHOOTING|$)/.exec(message)?.[1] ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const last = stderr.at(-1) ?? '';
    return M.exitedAtStart(name, code && code !== 'null' ? code : undefined, last.slice(0, 200), /shared (object|librar)/.test(last));
  }
  if (/Target closed|Session closed|Protocol error|Connection closed|browser has disconnected|crash/i.test(message)) {
    return M.stopped(name, stage, message.split('\n')[0]!.slice(0, 200));
  }
  return message.split('\n')[0]!.slice(0, 300);
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

/** A browser page ready to print: Chromium started, network closed, page JavaScript off. */
export interface Printer {
  launched: LaunchedBrowser;
  page: import('puppeteer-core').Page;
  /** URLs the page tried to load and that were blocked (should be empty) */
  blockedRequests: string[];
}

/** A printer being started, or why it could not be (a PdfError, as printPdf would throw it). */
export type StartedPrinter = Promise<{ printer: Printer } | { error: PdfError }>;

/**
 * Start Chromium and open the page to print into, without waiting for the document: the shell
 * starts it while the figures are drawn (src/run.ts), so that launching is off the critical path.
 * Never rejects; `closePrinter` closes it when it is not used.
 */
export function startPrinter(browserChoice: BrowserChoice, options: { timeoutMs?: number } = {}): StartedPrinter {
  const timeout = options.timeoutMs ?? browserChoice.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const blockedRequests: string[] = [];
  let launched: LaunchedBrowser | undefined;
  let stage: 'start' | 'print' = 'start';
  const start = async (): Promise<Printer> => {
    // Chromium over a pipe, killed and its profile removed on every exit path (src/pdf/launch.ts)
    launched = await launchBrowser(browserChoice, { timeoutMs: timeout, prepare: (workDir) => ({ FONTCONFIG_FILE: writeFontConfig(workDir), TZ: 'UTC' }) });
    const browser = launched.browser;
    stage = 'print';
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    await page.setJavaScriptEnabled(false);
    // second line of defence below request interception: the network layer refuses these schemes
    const cdp = await page.createCDPSession();
    const requested = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (event) => requested.set(event.requestId, event.request.url));
    cdp.on('Network.loadingFailed', (event) => {
      // requests the network layer refused before request interception saw them
      const url = requested.get(event.requestId);
      if (url !== undefined && event.blockedReason !== undefined && !blockedRequests.includes(url)) blockedRequests.push(url);
    });
    await cdp.send('Network.enable');
    await cdp.send('Network.setBlockedURLs', { urls: BLOCKED_URL_PATTERNS });
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      if (url.startsWith('data:') || url === 'about:blank') {
        void request.continue().catch(() => undefined);
        return;
      }
      blockedRequests.push(url);
      // a navigation away from the document (meta refresh, a link target) is answered with
      // "204 No Content", which leaves the page as it is; anything else is aborted
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) void request.respond({ status: 204, body: '' }).catch(() => undefined);
      else void request.abort('blockedbyclient').catch(() => undefined);
    });
    return { launched, page, blockedRequests };
  };
  return start().then(
    (printer) => ({ printer }),
    async (error: unknown) => {
      await launched?.close();
      // LaunchError: src/pdf/launch.ts has already said what happened (exit code and stderr, timeout)
      return { error: new PdfError(error instanceof LaunchError ? error.message : describePdfFailure(error, browserChoice, timeout, stage), { cause: error }) };
    },
  );
}

/** Close a started printer that will not print (the report failed before its PDF). */
export async function closePrinter(started: StartedPrinter): Promise<void> {
  const outcome = await started;
  if ('printer' in outcome) await outcome.printer.launched.close();
}

/**
 * Print `html` to PDF, with the printer `started` (startPrinter) or one started now; the printer is
 * closed afterwards. Throws PdfError (one-line message naming the browser and what to do) when
 * Chromium is missing, exits, crashes or times out; the browser process is always closed.
 */
export async function printPdf(html: string, browserChoice: BrowserChoice, options: PrintOptions, started?: StartedPrinter): Promise<PrintResult> {
  const timeout = options.timeoutMs ?? browserChoice.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const outcome = await (started ?? startPrinter(browserChoice, { timeoutMs: timeout }));
  if ('error' in outcome) throw outcome.error;
  const { launched, page, blockedRequests } = outcome.printer;
  const browser = launched.browser;
  try {
    const printPage = (): Promise<Uint8Array> =>
      page.pdf({
        format: options.paper === 'Letter' ? 'letter' : 'a4',
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: '<div></div>',
        footerTemplate: footerTemplate(options.footerLabel),
        margin: { top: '16mm', bottom: '18mm', left: '16mm', right: '16mm' },
        outline: true,
        tagged: true,
        timeout,
      });
    let pdf: Uint8Array;
    if (options.contents) {
      // print with placeholder page numbers ("00", the width of two digits), read where each
      // section starts, write the numbers into the loaded page and print again (until they no
      // longer change). The document is sent to Chromium once: sending it again for each pass
      // doubled the memory of a 2,000-study report.
      const contents = options.contents;
      let pages: ReadonlyMap<string, number> = new Map();
      await page.setContent(contents.render(pages), { waitUntil: 'load', timeout });
      pdf = await printPage();
      for (let pass = 0; pass < 3; pass++) {
        const found = await sectionPages(pdf, contents.sections);
        if (pass > 0 && samePages(found, pages)) break;
        pages = found;
        await setContentsPages(page, pages);
        pdf = await printPage();
      }
    } else {
      await page.setContent(html, { waitUntil: 'load', timeout });
      pdf = await printPage();
    }
    const browserVersion = await browser.version();
    return { pdf: fixPdfDates(pdf, options.date), blockedRequests, browserVersion };
  } catch (error) {
    throw new PdfError(describePdfFailure(error, browserChoice, timeout, 'print'), { cause: error });
  } finally {
    await launched.close();
  }
}
