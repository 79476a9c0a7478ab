/**
 * The shell around the pure core (src/compile.ts): it reads the inputs and writes the outputs.
 * `report` and `verify` run it; `preview` (src/commands/preview.ts) runs the same core without a
 * version. Stages, in the order they run:
 *
 *   0. plan      spec + input bytes → name, version, version key      (src/output/plan.ts; cheap)
 *                → reuse / refuse / build                              (src/output/decide.ts)
 *   1–2. read    analysis.yaml and every file it names, confined to the analysis folder and
 *                within the size limits (loadAnalysis) → compile.ts loadInputs parses them
 *   3–6. compile results (cache: out/.cache/results, keyed on the statistical inputs only),
 *                figures, what changed, document: all in memory (compile.ts compile)
 *   7. pdf       HTML           → supplement.pdf                       (headless Chromium)
 *   8. write     everything     → out/<name>/<version>/                (staging folder, renamed
 *                                                                        into place last; manifest.json)
 *
 * Progress (each stage, refit and bootstrap counts, the figure being rendered) goes to the
 * `onProgress` callback; notes that belong to the outcome (a tampered cache entry) go to `log`.
 */
import type { BrowserChoice } from './pdf/browser.ts';
import type { StartedPrinter } from './pdf/print.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { compile, loadInputs, type AnalysisSource, type InputReply, type LoadedInputs, type ResultsStore } from './compile.ts';
import { UserError, type Diagnostic } from './diagnostics.ts';
import { limitMessages, runMessages, specMessages, versionMessages } from './messages.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, suggestedLimit, type Limits } from './limits.ts';
import type { OnProgress } from './results/progress.ts';
import type { AnalysisResults } from './results/types.ts';
import type { StatisticalInputs } from './results/inputs.ts';
import { fileKind, resolveSpecInput } from './spec/load.ts';
import { METADX_VERSION } from './version.ts';
import type { AnalysisSpec } from './spec/schema.ts';
import { ResultsCache, resultsKey } from './output/cache.ts';
import type { ComparableResults } from './output/compare.ts';
import { decide, recordEquivalence, refusalError } from './output/decide.ts';
import { buildFingerprint, currentEnvironment, projectRoot } from './output/fingerprint.ts';
import { sha256 } from './output/hash.ts';
import type { Manifest } from './output/manifest.ts';
import { chooseDate, planVersion, resolveSpecPath, type VersionPlan } from './output/plan.ts';
import { tryUpdateLatest, MANIFEST } from './output/versions.ts';
import { StagedVersion, VersionBusyError } from './output/write.ts';

export { resolveSpecPath } from './output/plan.ts';
export { softwareVersions } from './compile.ts';

export interface LoadedAnalysis extends LoadedInputs {
  directory: string;
  /** absolute path of the spec file */
  specPath: string;
  /** files named in the spec were allowed outside the analysis folder (--allow-outside-data) */
  allowOutsideData?: boolean;
  /** the absolute path of every file the spec names that was read (for the preview's watcher) */
  inputPaths: string[];
}

/**
 * Steps 1–2: read the spec and every file it names (each must exist, be a regular file within the
 * size limit and stay inside the analysis folder), parsed and validated by compile.ts. Throws
 * UserError with all problems.
 */
export async function loadAnalysis(target: string, cwd = process.cwd(), options: { name?: string; allowOutsideData?: boolean; limits?: Limits; onProgress?: OnProgress; inputPaths?: string[] } = {}): Promise<LoadedAnalysis> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const specPath = resolveSpecPath(target);
  const shown = (path: string) => (isAbsolute(path) ? relative(cwd, path) || path : path);
  if (!existsSync(specPath)) {
    throw new UserError([{ severity: 'error', code: 'spec.not-found', message: specMessages.specNotFound(shown(specPath)), hint: specMessages.specNotFoundHint() }]);
  }
  const specFile = shown(specPath);
  // a named pipe, a device or a huge file is refused before it is opened (reading would block or exhaust memory)
  const specStat = statSync(specPath);
  if (!specStat.isFile()) {
    throw new UserError([{ severity: 'error', code: 'spec.not-a-file', message: specMessages.specNotRegular(specFile, fileKind(specStat)), hint: specMessages.specNotFoundHint(), file: specFile }]);
  }
  if (specStat.size > limits.specBytes) {
    throw new UserError([{ severity: 'error', code: 'limit.spec-bytes', message: limitMessages.fileTooLarge('spec', specStat.size, limits.specBytes), hint: limitMessages.fileTooLargeHint('spec', LIMIT_VARIABLES.specBytes, suggestedLimit(specStat.size)), file: specFile }]);
  }
  const directory = dirname(specPath);
  /** the files read, also when loading fails (the preview watches them); the caller may pass its own list */
  const inputPaths = options.inputPaths ?? [];
  const source: AnalysisSource = {
    specText: readFileSync(specPath, 'utf8'),
    specFile,
    defaultName: basename(directory),
    read: ({ path, what, field }): InputReply => {
      const resolved = resolveSpecInput(directory, path, { allowOutside: options.allowOutsideData ?? false });
      const problem = (code: string, message: string, hint: string): InputReply => ({ problem: { code, message, hint } });
      if (!resolved.ok) {
        if (resolved.reason !== 'outside') inputPaths.push(resolved.absolute);
        switch (resolved.reason) {
          case 'outside':
            return problem('spec.path-escapes', specMessages.pathEscapes(path), specMessages.pathEscapesHint());
          case 'symlink-outside':
            return problem('spec.path-escapes', specMessages.pathSymlinkEscapes(path, resolved.target ?? ''), specMessages.pathEscapesHint());
          case 'not-a-file':
            return resolved.kind === 'folder'
              ? problem('spec.not-a-file', specMessages.pathNotAFile(what, shown(resolved.absolute)), specMessages.pathNotAFileHint(field))
              : problem('spec.not-a-file', specMessages.pathNotRegular(what, shown(resolved.absolute), resolved.kind ?? 'special'), specMessages.pathNotRegularHint(field));
          default:
            return problem('spec.file-missing', specMessages.fileMissing(what, shown(resolved.absolute)), specMessages.fileMissingHint(field));
        }
      }
      inputPaths.push(resolved.absolute);
      const size = statSync(resolved.absolute).size;
      if (size > limits.dataBytes) {
        return problem('limit.data-bytes', limitMessages.fileTooLarge(`${what} file ${shown(resolved.absolute)}`, size, limits.dataBytes), limitMessages.fileTooLargeHint('data', LIMIT_VARIABLES.dataBytes, suggestedLimit(size)));
      }
      return { bytes: readFileSync(resolved.absolute), file: shown(resolved.absolute) };
    },
  };
  const loaded = await loadInputs(source, { limits, ...(options.name ? { name: options.name } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  return { ...loaded, ...(options.allowOutsideData ? { allowOutsideData: true } : {}), directory, specPath, inputPaths };
}

export interface ReportOptions {
  outRoot: string;
  pdf: boolean;
  env: NodeJS.ProcessEnv;
  /** notes that belong to the outcome, e.g. a cache entry that failed its check (the CLI prints them; tests collect them) */
  log: (line: string) => void;
  /** progress of each stage (src/results/progress.ts); default: none */
  onProgress?: OnProgress;
  /** regenerate an existing version even though its inputs differ (default: refuse) */
  replace?: boolean;
  /** read and write the results cache in <outRoot>/.cache (default: true) */
  cache?: boolean;
  /** the plan, when the caller has made it (the CLI's fast path, verify); else made here */
  plan?: VersionPlan;
  /** folder that paths in messages are shown relative to (default: the process's working folder) */
  cwd?: string;
  /** resource limits (default: src/limits.ts DEFAULT_LIMITS) */
  limits?: Limits;
}

export interface ReportOutcome {
  /** the version folder */
  directory: string;
  /** written: a new version; replaced: --replace or completed; up-to-date: reused as it was */
  status: 'written' | 'replaced' | 'up-to-date';
  /** why an existing version was reused: same key, or rebuilt by a changed build with identical outputs */
  reuse?: 'identical' | 'equivalent';
  results: AnalysisResults;
  manifest: Manifest;
  /** files of the version folder (outputs, then inputs), manifest.json last */
  files: string[];
  pdfError?: Diagnostic;
  /** the version compared with ("what changed"), if any */
  previous?: string;
  /** warnings of the Vega-Lite compiler and the Vega renderer, one per figure and message */
  warnings?: Diagnostic[];
}

/** The document date: spec date, else SOURCE_DATE_EPOCH, else today (UTC). */
export function documentDate(spec: AnalysisSpec, env: NodeJS.ProcessEnv): string {
  return chooseDate(spec.date, env).value;
}

const fileList = (manifest: Manifest): string[] => [...manifest.outputs.map((f) => f.path), ...manifest.inputs.map((f) => f.path), ...(manifest.previous ? [manifest.previous.results.path, manifest.previous.manifest.path] : []), MANIFEST];

/**
 * The results cache of an output root as compile.ts asks for it: entries keyed on the statistical
 * inputs and the engine (src/output/cache.ts resultsKey); one that fails its integrity check is
 * recomputed, with a note.
 */
export function resultsStore(outRoot: string, env: NodeJS.ProcessEnv, log: (line: string) => void, cwd: string): ResultsStore {
  const cache = new ResultsCache(outRoot, env);
  const keys = new WeakMap<StatisticalInputs, string>();
  const keyOf = (inputs: StatisticalInputs): string => {
    if (!keys.has(inputs)) keys.set(inputs, resultsKey(inputs));
    return keys.get(inputs)!;
  };
  return {
    get: (inputs) => {
      const found = cache.lookup<AnalysisResults>(keyOf(inputs));
      if (found.status === 'tampered') log(`note: ${runMessages.cacheTampered(relative(cwd, found.path) || found.path)}`);
      return found.status === 'hit' ? found.value : undefined;
    },
    set: (inputs, results) => cache.set(keyOf(inputs), results),
  };
}

/** The previous version's results and manifest, from its folder (or verify's inputs/previous). */
export function readPrevious(plan: Pick<VersionPlan, 'previous'>): { results: ComparableResults; manifest: Manifest; bytes: { results: Buffer; manifest: Buffer } } | undefined {
  if (!plan.previous) return undefined;
  const bytes = { results: readFileSync(join(plan.previous.directory, 'results.json')), manifest: readFileSync(join(plan.previous.directory, MANIFEST)) };
  if (sha256(bytes.results) !== plan.previous.resultsSha256 || sha256(bytes.manifest) !== plan.previous.manifestSha256) {
    throw new UserError([{ severity: 'error', code: 'output.inputs-changed', message: versionMessages.inputsChanged(plan.previous.directory), hint: versionMessages.inputsChangedHint() }]);
  }
  return { results: JSON.parse(bytes.results.toString('utf8')) as ComparableResults, manifest: JSON.parse(bytes.manifest.toString('utf8')) as Manifest, bytes };
}

/** A failed file-system call while writing output: a user error naming the path, not a bug. */
function writeError(error: unknown, target: string, cwd: string): UserError | undefined {
  const syscall = (error as NodeJS.ErrnoException | undefined)?.syscall;
  if (!syscall || !['mkdir', 'open', 'write', 'rename', 'rmdir', 'unlink', 'scandir', 'symlink', 'copyfile', 'stat', 'lstat', 'readlink', 'rm'].includes(syscall)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  const path = (error as NodeJS.ErrnoException).path;
  if ((code === 'EACCES' || code === 'EPERM' || code === 'EROFS') && path) {
    // name the folder that refused the write: the parent of what was being created
    const folder = syscall === 'rename' ? dirname(target) : dirname(path);
    const detail = code === 'EROFS' ? 'read-only file system' : 'permission denied';
    return new UserError([{ severity: 'error', code: 'output.not-writable', message: versionMessages.notWritable(relative(cwd, target) || target, relative(cwd, folder) || folder, detail), hint: versionMessages.notWritableHint() }]);
  }
  return new UserError([{ severity: 'error', code: 'output.write-failed', message: runMessages.writeFailed(relative(cwd, target) || target, (error as Error).message), hint: runMessages.writeFailedHint() }]);
}

/** Point out/<name>/latest at the newest version; a failure is only a note (the version is in place). */
function pointLatest(plan: VersionPlan, options: ReportOptions, cwd: string): void {
  const failure = tryUpdateLatest(plan.outputDir);
  if (failure) options.log(`note: ${runMessages.writeFailed(relative(cwd, join(plan.outputDir, 'latest')), failure.message)}`);
}

/** Print the PDF of a compiled document; a failure is a diagnostic (HTML and figures are still written). */
/** Chromium found and being started (src/pdf/print.ts startPrinter), or null when there is none. */
type EarlyPrinter = Promise<{ browser: BrowserChoice; started: StartedPrinter } | null>;

/** Find and start Chromium in the background (while the figures are drawn); never rejects. */
function startPrinterEarly(env: NodeJS.ProcessEnv): EarlyPrinter {
  return (async () => {
    const [{ findBrowser }, { startPrinter }] = await Promise.all([import('./pdf/browser.ts'), import('./pdf/print.ts')]);
    const browser = await findBrowser(env);
    return browser ? { browser, started: startPrinter(browser) } : null;
  })().catch(() => null);
}

/** Close an early printer that did not print (the report stopped before its PDF). */
async function discardPrinter(early: EarlyPrinter | undefined): Promise<void> {
  const printer = await early;
  if (printer) await (await import('./pdf/print.ts')).closePrinter(printer.started);
}

/**
 * Print the PDF of a compiled document; a failure is a diagnostic (HTML and figures are still
 * written). Owns `early`: it is printed with (printPdf closes it) or closed here.
 */
async function printSupplement(compiled: Awaited<ReturnType<typeof compile>>, spec: AnalysisSpec, date: string, env: NodeJS.ProcessEnv, early?: EarlyPrinter): Promise<{ pdf: Uint8Array; chromium: string } | { error: Diagnostic }> {
  let handed = false;
  try {
    const [{ findBrowser }, { printPdf }, { renderHtml }] = await Promise.all([import('./pdf/browser.ts'), import('./pdf/print.ts'), import('./document/render.ts')]);
    const started = early ? await early : undefined;
    const browser = started?.browser ?? (await findBrowser(env));
    if (!browser) return { error: { severity: 'error', code: 'pdf.no-browser', message: runMessages.browserMissing(), hint: runMessages.browserMissingHint() } };
    try {
      const { view } = compiled;
      const options = {
        paper: spec.output.paper,
        footerLabel: `${spec.title} — version ${spec.version}`,
        date,
        contents: { sections: view.sections.map((s) => ({ id: s.id, title: s.title })), render: (pages: ReadonlyMap<string, number>) => renderHtml(view, { pages }) },
      };
      handed = true; // printPdf closes the browser from here on, whatever happens
      const printed = await printPdf(compiled.html, browser, options, started?.started);
      const { withMetadata } = await import('./pdf/metadata.ts');
      const pdf = withMetadata(printed.pdf, {
        title: spec.title,
        ...(spec.authors.length > 0 ? { author: spec.authors.join('; ') } : {}),
        subject: spec.subtitle ?? 'Supplementary material: diagnostic test accuracy meta-analysis',
        keywords: ['diagnostic test accuracy', 'meta-analysis', 'bivariate model', 'SROC', spec.index_test, spec.target_condition].filter((k): k is string => Boolean(k)).join('; '),
        creator: `metadx ${METADX_VERSION}`,
        date,
      });
      return { pdf, chromium: printed.browserVersion };
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      return { error: { severity: 'error', code: 'pdf.failed', message: runMessages.pdfFailed(detail), hint: runMessages.pdfFailedHint() } };
    }
  } finally {
    if (!handed) await discardPrinter(early);
  }
}

/**
 * Steps 0 and 3–8 for one loaded analysis: reuse the version if it is up to date, refuse if it
 * exists with different inputs (unless `replace`), else compile it, print it and write it.
 */
export async function buildReport(analysis: LoadedAnalysis, options: ReportOptions): Promise<ReportOutcome> {
  const { spec } = analysis;
  const cwd = options.cwd ?? process.cwd();
  // 0. plan and decide
  const limits = options.limits ?? DEFAULT_LIMITS;
  const planned = planVersion(analysis.specPath, { outRoot: options.outRoot, env: options.env, name: analysis.name, allowOutsideData: analysis.allowOutsideData ?? false, limits, ...(options.plan ? { date: options.plan.date, previous: options.plan.previous } : {}) });
  if (!planned) {
    // loadAnalysis accepted these inputs, so planning can only fail if they changed in between
    throw new UserError([{ severity: 'error', code: 'output.inputs-changed', message: versionMessages.inputsChanged(analysis.directory), hint: versionMessages.inputsChangedHint() }]);
  }
  if (options.plan && options.plan.key !== planned.key) {
    throw new UserError([{ severity: 'error', code: 'output.inputs-changed', message: versionMessages.inputsChanged(analysis.directory), hint: versionMessages.inputsChangedHint() }]);
  }
  const plan = planned;
  const decision = decide(plan, { outRoot: options.outRoot, pdf: options.pdf, replace: options.replace ?? false, env: options.env });
  if (decision.action === 'reuse') {
    pointLatest(plan, options, cwd);
    const results = JSON.parse(readFileSync(join(plan.target, 'results.json'), 'utf8')) as AnalysisResults;
    return { directory: plan.target, status: 'up-to-date', reuse: decision.reason, results, manifest: decision.manifest, files: fileList(decision.manifest), ...(plan.previous ? { previous: plan.previous.version } : {}) };
  }
  if (decision.action === 'refuse') throw refusalError(plan, decision.differences, cwd);

  const previous = readPrevious(plan);
  let staged: StagedVersion;
  try {
    staged = StagedVersion.begin(options.outRoot, plan.name, plan.version);
  } catch (error) {
    if (error instanceof VersionBusyError) {
      throw new UserError([{ severity: 'error', code: 'output.busy', message: versionMessages.busy(relative(cwd, plan.target) || plan.target, error.pid), hint: versionMessages.busyHint() }]);
    }
    throw writeError(error, plan.target, cwd) ?? error;
  }
  // another run may have written this version while this one was computing: never overwrite it
  if (decision.action === 'build' && !decision.replace && existsSync(plan.target)) {
    staged.discard();
    throw new UserError([{ severity: 'error', code: 'output.written-meanwhile', message: versionMessages.writtenMeanwhile(relative(cwd, plan.target) || plan.target), hint: versionMessages.writtenMeanwhileHint() }]);
  }
  // Chromium, started once the statistics are done (it starts while the figures are drawn) and
  // closed on every path: printed with, or discarded when the report stops before its PDF
  let early: EarlyPrinter | undefined;
  try {
    const date = plan.date.value;
    const onProgress = options.onProgress;
    // 3–6. results, figures, what changed, document: in memory
    const compiled = await compile(analysis, {
      date,
      previous: previous ? { results: previous.results, date: previous.manifest.date?.value ?? null, figures: previous.manifest.figures ?? [] } : null,
      ...(options.cache === false ? {} : { cache: resultsStore(options.outRoot, options.env, options.log, cwd) }),
      limits,
      ...(onProgress ? { onProgress } : {}),
      ...(options.pdf ? { afterResults: () => (early = startPrinterEarly(options.env)) } : {}),
    });
    const { figures, software } = compiled;
    // Vega's compile and render warnings (a mark without data, a truncated label, ...) are printed
    // by the command line, never silently dropped: the figure may not look as intended
    const renderWarnings: Diagnostic[] = figures.flatMap((figure) =>
      figure.warnings.map((warning) => ({ severity: 'warning' as const, code: 'figure.render-warning', message: runMessages.renderWarning(figure.id, warning.replace(/^(warn|error): /, '')), hint: runMessages.renderWarningHint(), file: relative(cwd, join(plan.target, 'figures', `${figure.id}.vl.json`)) })),
    );
    onProgress?.({ stage: 'write' });
    for (const file of compiled.files) staged.write(file);

    // 7. pdf
    let pdfError: Diagnostic | undefined;
    let chromium: string | null = null;
    if (options.pdf) {
      onProgress?.({ stage: 'pdf' });
      const printing = early;
      early = undefined; // printSupplement closes it
      const printed = await printSupplement(compiled, spec, date, options.env, printing);
      if ('error' in printed) pdfError = printed.error;
      else {
        staged.write({ path: 'supplement.pdf', content: printed.pdf });
        chromium = printed.chromium;
      }
    }
    // PNGs are drawn by worker threads meanwhile (src/figures/rasterize.ts) and written after the PDF (off the critical path)
    for (const figure of figures) staged.write({ path: `figures/${figure.id}.png`, content: await figure.png });
    const outputs = staged.files();

    // 8. inputs, manifest, and into place
    const inputs: Manifest['inputs'] = plan.inputs.map((input) => ({
      ...staged.write({ path: input.role === 'spec' ? 'inputs/analysis.yaml' : `inputs/${input.copy}`, content: input.bytes }),
      role: input.role,
      original: input.path,
    }));
    const previousFiles = previous
      ? {
          version: plan.previous!.version,
          date: previous.manifest.date?.value ?? null,
          results: staged.write({ path: 'inputs/previous/results.json', content: previous.bytes.results }),
          manifest: staged.write({ path: 'inputs/previous/manifest.json', content: previous.bytes.manifest }),
        }
      : null;
    const environment = currentEnvironment();
    const direct = Object.keys((JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
    const manifest: Manifest = {
      manifest: 1,
      analysis: plan.name,
      version: plan.version,
      title: spec.title,
      date: plan.date,
      key: plan.key,
      keyParts: plan.keyParts,
      inputs,
      previous: previousFiles,
      software: {
        metadx: METADX_VERSION,
        engine: software.engine,
        build: buildFingerprint(),
        node: environment.node,
        platform: environment.platform,
        vega: software.vega,
        vegaLite: software.vegaLite,
        chromium,
        dependencies: Object.fromEntries(direct.sort().map((name) => [name, environment.dependencies[name] ?? '(not installed)'])),
        dependencyTree: environment.dependencies,
      },
      seed: spec.model.seed,
      options: {
        pdf: options.pdf,
        paper: spec.output.paper,
        dpi: spec.output.dpi,
        model: { ...spec.model },
        figures: spec.figures ?? 'all',
      },
      figures: compiled.figureHashes,
      outputs,
    };
    staged.write({ path: MANIFEST, content: `${JSON.stringify(manifest, null, 2)}\n` });

    let status: ReportOutcome['status'] = decision.action === 'build' && decision.replace ? 'replaced' : 'written';
    if (decision.action === 'compare') {
      // Only metadx's build or the environment changed: keep the existing version if this build
      // reproduces it, else refuse (the user decides: a new version, or --replace).
      const before = new Map(decision.manifest.outputs.map((file) => [file.path, file.sha256]));
      const differing = outputs.filter((file) => before.has(file.path) && before.get(file.path) !== file.sha256).map((file) => file.path);
      const missing = [...before.keys()].filter((path) => !outputs.some((file) => file.path === path));
      const added = outputs.filter((file) => !before.has(file.path)).map((file) => file.path);
      if (differing.length > 0 || added.some((path) => path !== 'supplement.pdf')) {
        staged.discard();
        throw refusalError(plan, decision.differences, cwd, [...differing, ...added]);
      }
      if (added.length === 0) {
        staged.discard();
        if (missing.length === 0) recordEquivalence(options.outRoot, plan.key, decision.manifest.key, options.env);
        pointLatest(plan, options, cwd);
        const kept = JSON.parse(readFileSync(join(plan.target, 'results.json'), 'utf8')) as AnalysisResults;
        return { directory: plan.target, status: 'up-to-date', reuse: 'equivalent', results: kept, manifest: decision.manifest, files: fileList(decision.manifest), ...(pdfError ? { pdfError } : {}), ...(plan.previous ? { previous: plan.previous.version } : {}), ...(renderWarnings.length > 0 ? { warnings: renderWarnings } : {}) };
      }
      status = 'replaced'; // identical outputs, completed with the PDF the existing version lacked
    }
    const directory = staged.commit({ replace: status === 'replaced' || (decision.action === 'build' && decision.replace) });
    pointLatest(plan, options, cwd);
    return { directory, status, results: compiled.results, manifest, files: fileList(manifest), ...(pdfError ? { pdfError } : {}), ...(plan.previous ? { previous: plan.previous.version } : {}), ...(renderWarnings.length > 0 ? { warnings: renderWarnings } : {}) };
  } catch (error) {
    staged.discard();
    if (error instanceof UserError) throw error;
    throw writeError(error, plan.target, cwd) ?? error;
  } finally {
    await discardPrinter(early);
  }
}
