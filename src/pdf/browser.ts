/**
 * Which Chromium prints the PDF: $PUPPETEER_EXECUTABLE_PATH, else a system Chromium (Debian's
 * chromium-headless-shell or chromium), else the Chromium that the @sparticuz/chromium npm
 * package ships (so `npm install` alone is enough on a fresh machine).
 */
import { existsSync } from 'node:fs';

export interface BrowserChoice {
  executablePath: string;
  source: 'PUPPETEER_EXECUTABLE_PATH' | 'system' | '@sparticuz/chromium';
  /** puppeteer's headless mode: 'shell' for headless-shell builds, true (new headless) for full Chrome */
  headless: true | 'shell';
  /** extra launch flags recommended for this build */
  args: string[];
  /** from $METADX_PDF_TIMEOUT_MS: milliseconds before starting or printing is abandoned */
  timeoutMs?: number;
}

/** $METADX_PDF_TIMEOUT_MS as a positive whole number of milliseconds, else undefined (default). */
export function pdfTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.METADX_PDF_TIMEOUT_MS?.trim();
  if (!value || !/^\d+$/.test(value) || Number(value) <= 0) return undefined;
  return Number(value);
}

const SYSTEM_CANDIDATES: { path: string; headless: true | 'shell' }[] = [
  { path: '/usr/bin/chromium-headless-shell', headless: 'shell' },
  { path: '/usr/lib/chromium/chromium', headless: true }, // Debian's binary without the shell wrapper
  { path: '/usr/bin/chromium', headless: true },
  { path: '/usr/bin/chromium-browser', headless: true },
  { path: '/usr/bin/google-chrome', headless: true },
];

/** Flags that keep Chromium quiet on a closed network and deterministic in a container. */
export const COMMON_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--disable-breakpad',
  '--no-pings',
  '--disable-quic',
  '--font-render-hinting=none',
  // no host name or address resolves: even requests that bypass the page's request interception
  // (e.g. <link rel="prefetch">) cannot reach the network (tests/robustness/pdf-safety.test.ts)
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

/**
 * Flags never passed to Chromium: a DevTools port (metadx talks to Chromium over a pipe, so no
 * local user can drive the browser) and flags that switch off web security.
 */
export const UNSAFE_FLAGS = ['--remote-debugging-port', '--remote-debugging-address', '--disable-web-security', '--allow-running-insecure-content', '--allow-file-access-from-files', '--remote-allow-origins'];

let sparticuzPath: Promise<string> | undefined;

/**
 * The browser to print with. An explicit $PUPPETEER_EXECUTABLE_PATH is used as given, even when the
 * file does not exist (printing then fails with a message naming the path, instead of silently
 * printing with another browser).
 */
export async function findBrowser(env: NodeJS.ProcessEnv): Promise<BrowserChoice | undefined> {
  const timeoutMs = pdfTimeoutFromEnv(env);
  const timeout = timeoutMs !== undefined ? { timeoutMs } : {};
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    return { executablePath: fromEnv, source: 'PUPPETEER_EXECUTABLE_PATH', headless: /headless[-_]shell/.test(fromEnv) ? 'shell' : true, args: [], ...timeout };
  }
  for (const candidate of SYSTEM_CANDIDATES) {
    if (existsSync(candidate.path)) return { executablePath: candidate.path, source: 'system', headless: candidate.headless, args: [], ...timeout };
  }
  try {
    const chromium = (await import('@sparticuz/chromium')).default;
    sparticuzPath ??= chromium.executablePath();
    const executablePath = await sparticuzPath;
    // its serverless defaults include flags that weaken the page's isolation: not for printing
    // documents (src/pdf/print.ts also disables page JavaScript and blocks the network)
    const args = chromium.args.filter((a) => !a.startsWith('--headless') && !UNSAFE_FLAGS.some((flag) => a === flag || a.startsWith(`${flag}=`)));
    return { executablePath, source: '@sparticuz/chromium', headless: 'shell', args, ...timeout };
  } catch {
    return undefined;
  }
}
