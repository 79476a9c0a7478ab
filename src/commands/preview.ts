/**
 * `metadx preview ANALYSIS [--port N] [--open]`: the supplement as `report` would write it, served
 * on http://127.0.0.1:N/ and rebuilt in memory whenever analysis.yaml or a file it names changes.
 *
 * - The build is the pure core (src/compile.ts) behind the same reading shell as `report`
 *   (loadAnalysis: confinement to the analysis folder, size limits), without PNGs (the page inlines
 *   the SVGs), without a PDF and without a version: nothing is written. The results cache of the
 *   output folder (--out) is read, never written; the statistics of the last builds are kept in
 *   memory, so a change of a presentation-only setting (title, figures, dpi, ...) only redraws.
 * - The server answers three things only: GET / (the page), GET /events (Server-Sent Events: a
 *   `reload` when a new build is ready) and anything else with 404. It listens on 127.0.0.1 only,
 *   refuses other Host headers (DNS rebinding) and reads no file on request.
 * - The page is the supplement with a small script added (served pages only: the supplement.html
 *   that `report` writes has none) that reloads it on `reload`, keeping the scroll position; a
 *   Content-Security-Policy allows that script alone. When the analysis cannot be built, the page
 *   shows the problems as the command line prints them (file:line:column: error: message, hint)
 *   above the last supplement that could be built; fixing the file brings the supplement back.
 * - Changes are debounced (DEBOUNCE_MS); a change during a build starts another build after it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, relative, resolve } from 'node:path';
import { formatDiagnostic, hasErrors, UserError, type Diagnostic } from '../diagnostics.ts';
import type { Limits } from '../limits.ts';
import { previewMessages as M, runMessages } from '../messages.ts';
import { ResultsCache, resultsKey } from '../output/cache.ts';
import { chooseDate, findPrevious, resolveSpecPath } from '../output/plan.ts';
import type { ResultsStore } from '../compile.ts';
import type { AnalysisResults } from '../results/types.ts';
import type { OnProgress } from '../results/progress.ts';
import type { StatisticalInputs } from '../results/inputs.ts';
import { printDiagnostics, type CliIo } from './common.ts';
import { startProgress } from './progress.ts';

/** Wait this long after the last change before rebuilding (an editor's save is several events). */
const DEBOUNCE_MS = 150;
/** Statistics of this many recent builds are kept in memory. */
const KEEP_RESULTS = 4;

export interface PreviewOptions {
  port: number;
  open: boolean;
  /** output root: where the previous version and the results cache are looked up (read only) */
  out: string;
  allowOutsideData?: boolean;
  quiet?: boolean;
  limits?: Limits;
}

/** One build: the page, or the problems that stopped it. */
export interface PreviewBuild {
  ok: boolean;
  /** the supplement (the last good one when !ok), without the preview script */
  html: string | null;
  /** errors (when !ok) and warnings */
  diagnostics: Diagnostic[];
  /** every file the build read or tried to read: the spec and the files it names */
  inputs: string[];
  seconds: number;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Statistics kept in memory, else read (never written) from the output folder's results cache. */
function previewStore(outRoot: string, env: NodeJS.ProcessEnv, note: (line: string) => void, cwd: string): ResultsStore {
  const disk = new ResultsCache(outRoot, env);
  const memory = new Map<string, AnalysisResults>();
  const keys = new WeakMap<StatisticalInputs, string>();
  const keyOf = (inputs: StatisticalInputs) => {
    if (!keys.has(inputs)) keys.set(inputs, resultsKey(inputs));
    return keys.get(inputs)!;
  };
  return {
    get(inputs) {
      const key = keyOf(inputs);
      const kept = memory.get(key);
      if (kept) return kept;
      const found = disk.lookup<AnalysisResults>(key, { keep: true });
      if (found.status === 'tampered') note(`note: ${runMessages.cacheTampered(relative(cwd, found.path) || found.path)}`);
      return found.status === 'hit' ? found.value : undefined;
    },
    set(inputs, results) {
      const key = keyOf(inputs);
      memory.delete(key);
      memory.set(key, results);
      while (memory.size > KEEP_RESULTS) memory.delete(memory.keys().next().value!);
    },
  };
}

/** Build the supplement of `target` in memory: no PNG, no PDF, nothing written. */
export async function buildPreview(target: string, options: { cwd: string; env: NodeJS.ProcessEnv; outRoot: string; allowOutsideData?: boolean; limits?: Limits; store: ResultsStore; onProgress?: OnProgress }): Promise<Omit<PreviewBuild, 'html'> & { html?: string }> {
  const started = performance.now();
  const inputs: string[] = [resolveSpecPath(target)];
  const seconds = () => (performance.now() - started) / 1000;
  const { onProgress } = options;
  try {
    const { loadAnalysis, readPrevious } = await import('../run.ts');
    const { compile } = await import('../compile.ts');
    const loaded = await loadAnalysis(target, options.cwd, { ...(options.allowOutsideData ? { allowOutsideData: true } : {}), ...(options.limits ? { limits: options.limits } : {}), ...(onProgress ? { onProgress } : {}), inputPaths: inputs });
    const previousRef = findPrevious(join(options.outRoot, loaded.name), String(loaded.spec.version));
    const previous = readPrevious({ previous: previousRef });
    const compiled = await compile(loaded, {
      date: chooseDate(loaded.spec.date, options.env).value,
      previous: previous ? { results: previous.results, date: previous.manifest.date?.value ?? null, figures: previous.manifest.figures ?? [] } : null,
      cache: options.store,
      png: false,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    const warnings: Diagnostic[] = compiled.figures.flatMap((figure) => figure.warnings.map((warning) => ({ severity: 'warning' as const, code: 'figure.render-warning', message: runMessages.renderWarning(figure.id, warning.replace(/^(warn|error): /, '')), hint: runMessages.renderWarningHint() })));
    return { ok: true, html: compiled.html, diagnostics: [...loaded.diagnostics, ...warnings], inputs: [...new Set(inputs)], seconds: seconds() };
  } catch (error) {
    if (error instanceof UserError) return { ok: false, diagnostics: error.diagnostics, inputs: [...new Set(inputs)], seconds: seconds() };
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { ok: false, diagnostics: [{ severity: 'error', code: 'internal', message: M.internalError(message) }], inputs: [...new Set(inputs)], seconds: seconds() };
  }
}

/** The script added to served pages: reload on a new build, keeping the scroll position. */
function reloadScript(build: string, nonce: string): string {
  return `<script nonce="${nonce}">(() => {
  const build = ${JSON.stringify(build)};
  const key = 'metadx-preview-scroll';
  const saved = sessionStorage.getItem(key);
  if (saved !== null) { sessionStorage.removeItem(key); addEventListener('load', () => scrollTo(0, Number(saved))); }
  const events = new EventSource('/events');
  const check = (event) => { if (event.data !== build) { sessionStorage.setItem(key, String(scrollY)); events.close(); location.reload(); } };
  events.addEventListener('build', check);
})();</script>`;
}

/** The problems of a failed build, as the command line prints them, as an overlay of the page. */
function problemsPanel(build: PreviewBuild): string {
  const errors = build.diagnostics.filter((d) => d.severity === 'error');
  const others = build.diagnostics.filter((d) => d.severity !== 'error');
  const lines = (list: Diagnostic[]) => list.map((d) => `<pre class="metadx-preview-problem">${escapeHtml(formatDiagnostic(d))}</pre>`).join('\n');
  const style = 'position:relative;z-index:10;margin:0 0 1em;padding:0.8em 1em;border:2px solid #b00020;background:#fff5f5;color:#111;font:10pt/1.4 "DejaVu Sans",sans-serif';
  const warnings = others.length > 0 ? `<details><summary>${others.length} warning${others.length === 1 ? '' : 's'}</summary>${lines(others)}</details>` : '';
  return `<div id="metadx-preview-problems" role="alert" style="${style}"><strong>${escapeHtml(M.errorTitle())}</strong><p>${escapeHtml(M.errorNote())}</p>${lines(errors)}${warnings}</div>`;
}

/** The page served for a build (the supplement, or its problems above the last good supplement). */
export function previewPage(build: PreviewBuild | null, buildId: string, nonce: string): string {
  const script = reloadScript(buildId, nonce);
  if (!build) return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>metadx preview</title></head><body><p>building…</p>${script}</body></html>`;
  const panel = build.ok ? '' : problemsPanel(build);
  if (!build.html) return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>metadx preview: problems</title></head><body>${panel}${script}</body></html>`;
  // after <body ...> and before </body>: the supplement's own markup is left as it is
  const html = build.html.replace(/<body([^>]*)>/, (tag) => `${tag}${panel}`);
  const end = html.lastIndexOf('</body>');
  return end < 0 ? `${html}${script}` : `${html.slice(0, end)}${script}${html.slice(end)}`;
}

export interface PreviewServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Start the preview of `target`: build, serve, watch. */
export async function startPreview(target: string, options: PreviewOptions, io: CliIo, onProgress?: OnProgress, say: (line: string) => void = () => undefined): Promise<PreviewServer> {
  const outRoot = resolve(io.cwd, options.out);
  const store = previewStore(outRoot, io.env, (line) => io.err(line), io.cwd);
  let current: PreviewBuild | null = null;
  let buildId = 'building';
  const clients = new Set<ServerResponse>();
  const send = (response: ServerResponse) => response.write(`event: build\ndata: ${buildId}\n\n`);

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const port = (server.address() as { port: number } | null)?.port;
    const host = request.headers.host ?? '';
    const security = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', ...security }).end('forbidden: use http://127.0.0.1/ as printed by metadx preview\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8', ...security }).end('method not allowed\n');
      return;
    }
    const path = (request.url ?? '').split('?')[0];
    if (path === '/') {
      const nonce = randomBytes(16).toString('base64');
      const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp, ...security });
      response.end(request.method === 'HEAD' ? undefined : previewPage(current, buildId, nonce));
      return;
    }
    if (path === '/events') {
      response.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive', ...security });
      response.write('retry: 1000\n\n');
      send(response);
      clients.add(response);
      request.on('close', () => clients.delete(response));
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...security }).end('not found\n');
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') fail(new UserError([{ severity: 'error', code: 'preview.port-in-use', message: M.portInUse(options.port), hint: M.portInUseHint() }]));
      else fail(error);
    });
    server.listen(options.port, '127.0.0.1', () => done());
  });
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/`;

  const { watch } = await import('chokidar');
  const watcher = watch([], { ignoreInitial: true, followSymlinks: false });
  let watched = new Set<string>();
  let building = false;
  let again = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const rebuild = async (): Promise<void> => {
    if (building) {
      again = true;
      return;
    }
    building = true;
    try {
      do {
        again = false;
        const build = await buildPreview(target, { cwd: io.cwd, env: io.env, outRoot, ...(options.allowOutsideData ? { allowOutsideData: true } : {}), ...(options.limits ? { limits: options.limits } : {}), store, ...(onProgress ? { onProgress } : {}) });
        if (closed) return;
        current = { ...build, html: build.html ?? current?.html ?? null };
        buildId = randomBytes(8).toString('hex');
        printDiagnostics(build.diagnostics, io);
        if (build.ok) say(M.rebuilt(build.seconds.toFixed(1)));
        else if (hasErrors(build.diagnostics)) say(M.failed(build.diagnostics.filter((d) => d.severity === 'error').length));
        // watch what this build read, and keep what the last good build read (a broken spec names nothing)
        const wanted = new Set([...build.inputs, ...(build.ok ? [] : watched)]);
        const added = [...wanted].filter((path) => !watched.has(path));
        const removed = [...watched].filter((path) => !wanted.has(path));
        if (added.length > 0) watcher.add(added);
        if (removed.length > 0) watcher.unwatch(removed);
        watched = wanted;
        for (const client of clients) send(client);
      } while (again && !closed);
    } finally {
      building = false;
    }
  };
  watcher.on('all', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), DEBOUNCE_MS);
  });
  const first = rebuild();
  return {
    url,
    port,
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
      for (const client of clients) client.end();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await first.catch(() => undefined);
    },
  };
}

/** Open `url` in the system browser; a failure is a note with the URL (preview goes on). */
function openBrowser(url: string, note: (line: string) => void): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', (error: NodeJS.ErrnoException) => note(M.openFailed(url, error.code === 'ENOENT' ? `${command} not found` : error.message)));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) note(M.openFailed(url, `${command} exited with code ${code}`));
    });
    child.unref();
  } catch (error) {
    note(M.openFailed(url, error instanceof Error ? error.message : String(error)));
  }
}

export async function commandPreview(target: string, options: PreviewOptions, cliIo: CliIo): Promise<number> {
  const progress = startProgress(cliIo, { quiet: options.quiet ?? false });
  const { io, onProgress } = progress;
  const say = options.quiet ? () => undefined : (line: string) => io.err(line);
  const preview = await startPreview(resolve(io.cwd, target), options, io, onProgress, say);
  io.out(preview.url);
  say(M.servingDetail(relative(io.cwd, resolveSpecPath(resolve(io.cwd, target))) || target));
  if (options.open) openBrowser(preview.url, (line) => io.err(`note: ${line}`));
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  progress.clear();
  await preview.close();
  return 0;
}
