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
];

let sparticuzPath: Promise<string> | undefined;

export async function findBrowser(env: NodeJS.ProcessEnv): Promise<BrowserChoice | undefined> {
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) return undefined;
    return { executablePath: fromEnv, source: 'PUPPETEER_EXECUTABLE_PATH', headless: /headless[-_]shell/.test(fromEnv) ? 'shell' : true, args: [] };
  }
  for (const candidate of SYSTEM_CANDIDATES) {
    if (existsSync(candidate.path)) return { executablePath: candidate.path, source: 'system', headless: candidate.headless, args: [] };
  }
  try {
    const chromium = (await import('@sparticuz/chromium')).default;
    sparticuzPath ??= chromium.executablePath();
    const executablePath = await sparticuzPath;
    const args = chromium.args.filter((a) => !a.startsWith('--headless'));
    return { executablePath, source: '@sparticuz/chromium', headless: 'shell', args };
  } catch {
    return undefined;
  }
}
