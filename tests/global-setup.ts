// Runs once before all test files. Resolving the browser here (which may extract the
// @sparticuz/chromium binary into the temp folder) avoids parallel workers racing on it.
export default async function setup(): Promise<void> {
  try {
    const { findBrowser } = await import('../src/pdf/browser.ts');
    await findBrowser(process.env);
  } catch {
    // The browser module may not exist yet, or no browser is found; PDF tests report that themselves.
  }
}
