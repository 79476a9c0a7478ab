/**
 * Safety of the PDF stage (src/pdf/print.ts): Chromium loads nothing from the network and runs no
 * page JavaScript. A local HTTP server counts every connection and request; HTML that tries every
 * way of fetching a resource (img, srcset, stylesheet, @import, CSS url(), @font-face, iframe,
 * object, SVG <image>, prefetch/preload, meta refresh, script fetch) is printed, and the server must
 * see nothing, while the blocked URLs are reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, type BrowserChoice } from '../../src/pdf/browser.ts';
import { printPdf } from '../../src/pdf/print.ts';
import { readPdf } from '../../src/pdf/read.ts';
import { countingServer, type CountingServer } from './servers.ts';

const pdfText = async (pdf: Uint8Array): Promise<string> => (await readPdf(pdf)).text();

describe('printPdf loads nothing and runs no script', () => {
  let server: CountingServer;
  let browser: BrowserChoice;
  beforeAll(async () => {
    server = await countingServer();
    const found = await findBrowser(process.env);
    if (!found) throw new Error('no Chromium for the PDF tests (npm install ships @sparticuz/chromium)');
    browser = found;
  });
  afterAll(() => new Promise<void>((resolve) => server.server.close(() => resolve())));

  it('blocks every external resource; the server sees no connection', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const html = `<!DOCTYPE html><html><head>
<meta http-equiv="refresh" content="0;url=${base}/refresh">
<link rel="stylesheet" href="${base}/link.css">
<link rel="prefetch" href="${base}/prefetch">
<link rel="preload" as="image" href="${base}/preload.png">
<link rel="icon" href="${base}/favicon.ico">
<style>
@import url("${base}/import.css");
@font-face { font-family: Remote; src: url("${base}/font.woff2"); }
body { background: url("${base}/background.png"); }
p.remote { font-family: Remote, sans-serif; }
</style>
<script>fetch('${base}/fetch'); new Image().src = '${base}/script-image.png'; document.write('SCRIPT RAN');</script>
</head><body>
<p class="remote">VISIBLE TEXT</p>
<img src="${base}/img.png" alt="remote image">
<img srcset="${base}/srcset.png 2x" alt="srcset">
<iframe src="${base}/iframe"></iframe>
<iframe src="file:///etc/passwd"></iframe>
<object data="${base}/object"></object>
<video poster="${base}/poster.png"></video>
<svg width="10" height="10"><image href="${base}/svg-image.png" width="10" height="10"/></svg>
<a href="${base}/link">a link is not fetched</a>
</body></html>`;
    const printed = await printPdf(html, browser, { paper: 'A4', footerLabel: 'safety', date: '2024-01-01' });
    expect(server.requests).toEqual([]);
    expect(server.connections).toBe(0);
    const blocked = printed.blockedRequests.map((url) => url.replace(base, ''));
    for (const path of ['/link.css', '/prefetch', '/preload.png', '/import.css', '/font.woff2', '/background.png', '/img.png', '/srcset.png', '/svg-image.png', '/iframe', '/object', '/refresh']) {
      expect(blocked, path).toContain(path);
    }
    expect(blocked).not.toContain('/fetch'); // the script never ran
    const text = await pdfText(printed.pdf);
    expect(text).toContain('VISIBLE TEXT');
    expect(text).not.toContain('SCRIPT RAN');
    // the file: iframe: since --disable-web-security is no longer passed (src/pdf/browser.ts
    // UNSAFE_FLAGS), Chromium refuses a local file in a page before any request is made; before,
    // the request was made and blocked. Either way nothing of the file reaches the PDF.
    expect(text).not.toMatch(/root:[^:\n]*:0:0:/);
  }, 60_000);
});
