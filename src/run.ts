/**
 * The pipeline, in the order the stages run (vega-lite's compile() style):
 *
 *   0. plan      spec + input bytes → name, version, reuse key      (src/output/plan.ts; cheap)
 *                → reuse / refuse / build                            (src/output/decide.ts)
 *   1. spec      analysis.yaml  → validated AnalysisSpec             (reads the spec file)
 *   2. data      CSV/XLSX bytes → validated studies                  (reads the data files)
 *   3. results   spec + studies → AnalysisResults                    (pure; cached by content hash)
 *   4. figures   results        → Vega-Lite specs → SVG/PNG/CSV      (pure: src/figures)
 *   5. changes   results + previous version → what changed           (pure: src/output/compare.ts)
 *   6. document  results + SVG  → supplement.html                    (pure: templates, src/document)
 *   7. pdf       HTML           → supplement.pdf                     (headless Chromium)
 *   8. write     everything     → out/<name>/<version>/              (staging folder, renamed into
 *                                                                      place last; manifest.json)
 *
 * Files are written to the staging folder as each stage produces them, so every intermediate
 * artifact (results.json, the Vega-Lite spec and data of each figure) lands next to the report.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { buildCharacteristics, type CharacteristicsTable } from './data/characteristics.ts';
import { loadStudyData, parseTableFile } from './data/load.ts';
import { applyQuadasCovariate, loadQuadas, QUADAS_DOMAINS, quadasCovariate, type QuadasData } from './data/quadas.ts';
import { closest } from './suggest.ts';
import { prismaDiagnostics, prismaFlow } from './results/prisma.ts';
import { lookAlikeKey, type StudyData } from './data/studies.ts';
import { UserError, hasErrors, type Diagnostic } from './diagnostics.ts';
import { limitMessages, quadasMessages, runMessages, specMessages, versionMessages } from './messages.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, LimitError, suggestedLimit, type Limits } from './limits.ts';
import { analyze, pooledOptions } from './results/analyze.ts';
import { cumulativeMetaAnalysis } from './results/cumulative.ts';
import type { AnalysisResults } from './results/types.ts';
import { fileKind, loadSpec, resolveSpecInput } from './spec/load.ts';
import { unusedModelSettings } from './spec/model-settings.ts';
import type { SoftwareVersions } from './document/sections/methods.ts';
import { ENGINE_VERSION, METADX_VERSION } from './version.ts';
import type { AnalysisSpec } from './spec/schema.ts';
import { ResultsCache, resultsKey } from './output/cache.ts';
import { compareVersions, type ComparableResults, type VersionComparison } from './output/compare.ts';
import { decide, recordEquivalence, refusalError } from './output/decide.ts';
import { buildFingerprint, currentEnvironment, projectRoot } from './output/fingerprint.ts';
import { sha256 } from './output/hash.ts';
import type { Manifest, ManifestFile } from './output/manifest.ts';
import { chooseDate, planVersion, resolveSpecPath, type VersionPlan } from './output/plan.ts';
import { tryUpdateLatest, MANIFEST } from './output/versions.ts';
import { StagedVersion, VersionBusyError } from './output/write.ts';

export { resolveSpecPath } from './output/plan.ts';

export interface LoadedAnalysis {
  /** output name: the spec's `name:`, else the folder name */
  name: string;
  directory: string;
  /** absolute path of the spec file */
  specPath: string;
  /** the spec file as shown in messages (relative to the working folder) */
  specFile: string;
  spec: AnalysisSpec;
  data: StudyData;
  /** Table 2: characteristics of included studies, when the spec names a file */
  characteristics?: CharacteristicsTable;
  /** QUADAS-2 judgements, when the spec names a file */
  quadas?: QuadasData;
  diagnostics: Diagnostic[];
  /** files named in the spec were allowed outside the analysis folder (--allow-outside-data) */
  allowOutsideData?: boolean;
}

/** Steps 1–2: read and validate the spec and its data. Throws UserError with all problems. */
export async function loadAnalysis(target: string, cwd = process.cwd(), options: { name?: string; allowOutsideData?: boolean; limits?: Limits } = {}): Promise<LoadedAnalysis> {
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
  const { spec, diagnostics, locate, written } = loadSpec(readFileSync(specPath, 'utf8'), specFile);
  if (!spec || hasErrors(diagnostics)) throw new UserError(diagnostics);
  for (const setting of unusedModelSettings(spec.model.method, (key) => written?.(['model', key]) ?? false)) {
    diagnostics.push({ severity: 'warning', code: 'spec.unused-setting', message: specMessages.unusedSetting(`model.${setting}`, spec.model.method), hint: specMessages.unusedSettingHint(`model.${setting}`), file: specFile, field: `model.${setting}`, ...(locate(['model', setting]) ?? {}) });
  }

  const directory = dirname(specPath);
  /** Read a file named in the spec at `key`: it must exist and stay inside the analysis folder. */
  const readSpecFile = (key: readonly (string | number)[], path: string, what: string): { bytes: Uint8Array; file: string } => {
    const position = locate(key) ?? {};
    const resolved = resolveSpecInput(directory, path, { allowOutside: options.allowOutsideData ?? false });
    const fail = (code: string, message: string, hint: string): never => {
      throw new UserError([{ severity: 'error', code, message, hint, file: specFile, ...position }]);
    };
    if (!resolved.ok) {
      switch (resolved.reason) {
        case 'outside':
          return fail('spec.path-escapes', specMessages.pathEscapes(path), specMessages.pathEscapesHint());
        case 'symlink-outside':
          return fail('spec.path-escapes', specMessages.pathSymlinkEscapes(path, resolved.target ?? ''), specMessages.pathEscapesHint());
        case 'not-a-file':
          return resolved.kind === 'folder'
            ? fail('spec.not-a-file', specMessages.pathNotAFile(what, shown(resolved.absolute)), specMessages.pathNotAFileHint(key.join('.')))
            : fail('spec.not-a-file', specMessages.pathNotRegular(what, shown(resolved.absolute), resolved.kind ?? 'special'), specMessages.pathNotRegularHint(key.join('.')));
        default:
          return fail('spec.file-missing', specMessages.fileMissing(what, shown(resolved.absolute)), specMessages.fileMissingHint(key.join('.')));
      }
    }
    const size = statSync(resolved.absolute).size;
    if (size > limits.dataBytes) {
      return fail('limit.data-bytes', limitMessages.fileTooLarge(`${what} file ${shown(resolved.absolute)}`, size, limits.dataBytes), limitMessages.fileTooLargeHint('data', LIMIT_VARIABLES.dataBytes, suggestedLimit(size)));
    }
    return { bytes: readFileSync(resolved.absolute), file: shown(resolved.absolute) };
  };

  const dataFile = readSpecFile(['data', 'file'], spec.data.file, 'data');
  const loaded = await loadStudyData(dataFile.bytes, {
    file: dataFile.file,
    spec,
    specFile,
    locateSpec: locate,
    // the QUADAS-2 domains become covariates quadas_<domain> (added below, once that file is read)
    extraCovariates: spec.quadas ? QUADAS_DOMAINS.map((domain) => `quadas_${domain.id}`) : [],
    ...(spec.data.sheet ? { sheet: spec.data.sheet } : {}),
    limits,
  });
  const all = [...diagnostics, ...loaded.diagnostics];
  let characteristics: CharacteristicsTable | undefined;
  if (spec.characteristics) {
    const source = readSpecFile(['characteristics', 'file'], spec.characteristics.file, 'characteristics');
    const parsed = await parseTableFile(source.bytes, source.file, spec.characteristics.sheet, limits);
    all.push(...parsed.diagnostics);
    if (parsed.table) {
      const built = buildCharacteristics(parsed.table, { file: source.file, displayFile: spec.characteristics.file, ...(spec.characteristics.columns ? { columns: spec.characteristics.columns } : {}) });
      all.push(...built.diagnostics);
      characteristics = built.data;
    }
  }
  let quadas: QuadasData | undefined;
  if (spec.quadas) {
    const source = readSpecFile(['quadas', 'file'], spec.quadas.file, 'QUADAS-2');
    const parsed = await loadQuadas(source.bytes, { file: source.file, ...(spec.quadas.sheet ? { sheet: spec.quadas.sheet } : {}), limits });
    all.push(...parsed.diagnostics);
    // results name the file as the spec does, so they do not depend on the working folder
    quadas = parsed.data ? { ...parsed.data, file: spec.quadas.file } : undefined;
  }
  if (!loaded.data || hasErrors(all)) throw new UserError(all);
  // QUADAS-2 domains become covariates (quadas_rob_patient_selection, ...) usable under subgroups:
  let data = loaded.data;
  if (quadas) {
    for (const domain of quadas.domains) {
      const covariate = quadasCovariate(quadas.studies, domain);
      const applied = applyQuadasCovariate(data.studies, covariate);
      data = { ...data, studies: applied.studies, covariates: [...data.covariates, covariate.info] };
      if (applied.unmatched.length > 0 && spec.subgroups.includes(covariate.info.name)) {
        all.push({ severity: 'warning', code: 'quadas.unmatched', message: quadasMessages.noJudgements(applied.unmatched.join('; ')), hint: quadasMessages.noJudgementsHint(), file: specFile, ...(locate(['quadas', 'file']) ?? {}) });
      }
    }
  }
  const flow = prismaFlow(spec, { tablesAnalysed: data.studies.length });
  if (flow) all.push(...prismaDiagnostics(flow, specFile, locate));
  const unknownSubgroups = spec.subgroups.filter((name) => !data.covariates.some((c) => c.name === name));
  if (unknownSubgroups.length > 0) {
    throw new UserError(
      unknownSubgroups.map((name) => ({
        severity: 'error' as const,
        code: 'spec.unknown-covariate',
        message: specMessages.unknownCovariate(name, closest(name, data.covariates.map((c) => c.name))),
        file: specFile,
        ...(locate(['subgroups', spec.subgroups.indexOf(name)]) ?? {}),
      })),
    );
  }
  const groupIds = [...new Set(data.studies.flatMap((s) => (s.group !== undefined ? [s.group] : [])))];
  const unknownShared = (spec.data.shared_test_set ?? []).filter((id) => !groupIds.includes(id));
  if (unknownShared.length > 0) {
    throw new UserError(
      unknownShared.map((id) => ({
        severity: 'error' as const,
        code: 'spec.unknown-shared-test-set',
        message: specMessages.unknownSharedTestSet(id, closest(id, groupIds)),
        hint: specMessages.unknownSharedTestSetHint(groupIds),
        file: specFile,
        ...(locate(['data', 'shared_test_set', spec.data.shared_test_set!.indexOf(id)]) ?? {}),
      })),
    );
  }
  const exclusions = checkExclusions(spec, data.studies.map((study) => study.label), specFile, locate);
  if (exclusions.length > 0) throw new UserError(exclusions);
  // the output folder out/<name>/ is named by `name:` or the folder: one that cannot name a folder
  // is refused here, so validate catches what report would refuse
  const name = options.name ?? spec.name ?? basename(directory);
  if (!OUTPUT_NAME.test(name)) {
    throw new UserError([{ severity: 'error', code: 'spec.bad-name', message: versionMessages.badFolderName(name), hint: versionMessages.badFolderNameHint(suggestName(name)), file: specFile, line: 1, column: 1 }]);
  }
  return {
    ...(options.allowOutsideData ? { allowOutsideData: true } : {}),
    name,
    directory,
    specPath,
    specFile,
    spec,
    data,
    ...(characteristics ? { characteristics } : {}),
    ...(quadas ? { quadas } : {}),
    diagnostics: all,
  };
}

/** What names an output folder out/<name>/ (as the spec's `name:` must be written). */
const OUTPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A folder name made usable as an output name ("My review 2024" → "My-review-2024"). */
function suggestName(name: string): string {
  const cleaned = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|-+$/g, '');
  return cleaned === '' ? 'analysis' : cleaned;
}

/**
 * Every label under sensitivity.exclude must name a 2x2 table (exactly, after Unicode NFC
 * normalisation of both), else the requested analysis would silently be missing; and the
 * exclusions must leave at least one table.
 */
function checkExclusions(spec: AnalysisSpec, labels: readonly string[], specFile: string, locate: (path: readonly (string | number)[]) => { line: number; column: number } | undefined): Diagnostic[] {
  const exclude = spec.sensitivity.exclude ?? [];
  const known = new Set(labels);
  const diagnostics: Diagnostic[] = [];
  exclude.forEach((label, index) => {
    if (known.has(label)) return;
    const suggestion = closest(label, labels) ?? labels.find((candidate) => lookAlikeKey(candidate) === lookAlikeKey(label));
    diagnostics.push({
      severity: 'error',
      code: 'spec.exclude-unknown',
      message: specMessages.excludeUnknown(label, suggestion),
      hint: specMessages.excludeUnknownHint(labels.slice(0, 5), labels.length),
      file: specFile,
      field: `sensitivity.exclude[${index}]`,
      ...(locate(['sensitivity', 'exclude', index]) ?? {}),
    });
  });
  if (diagnostics.length === 0 && labels.length > 0 && labels.every((label) => exclude.includes(label))) {
    diagnostics.push({ severity: 'error', code: 'spec.exclude-all', message: specMessages.excludeEverything(labels.length), hint: specMessages.excludeEverythingHint(), file: specFile, field: 'sensitivity.exclude', ...(locate(['sensitivity', 'exclude']) ?? {}) });
  }
  return diagnostics;
}

export interface ReportOptions {
  outRoot: string;
  pdf: boolean;
  env: NodeJS.ProcessEnv;
  /** progress lines (the CLI prints them; tests collect them) */
  log: (line: string) => void;
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

/** Versions of everything that shapes the output, for the methods text and the manifest. */
export async function softwareVersions(): Promise<SoftwareVersions> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { metadx: METADX_VERSION, engine: ENGINE_VERSION, node: process.versions.node, vega: vega.version, vegaLite: vegaLite.version };
}

const fileList = (manifest: Manifest): string[] => [...manifest.outputs.map((f) => f.path), ...manifest.inputs.map((f) => f.path), ...(manifest.previous ? [manifest.previous.results.path, manifest.previous.manifest.path] : []), MANIFEST];

/** Results from the cache (if its entry passes the integrity check), or computed (step 3) and cached. */
function computeResults(analysis: LoadedAnalysis, plan: VersionPlan, cache: ResultsCache | undefined, log: (line: string) => void, cwd: string): AnalysisResults {
  const key = resultsKey(plan);
  const cached = cache?.lookup<AnalysisResults>(key);
  if (cached?.status === 'hit') return cached.value;
  if (cached?.status === 'tampered') log(`note: ${runMessages.cacheTampered(relative(cwd, cached.path) || cached.path)}`);
  const { spec, data } = analysis;
  const results: AnalysisResults = {
    ...analyze(spec, data, analysis.name, { ...(analysis.quadas ? { quadas: analysis.quadas } : {}) }),
    cumulative: cumulativeMetaAnalysis(data.studies, spec, pooledOptions(spec)),
  };
  cache?.set(key, results);
  return results;
}

/** The previous version's results and manifest, from its folder (or verify's inputs/previous). */
function readPrevious(plan: VersionPlan): { results: ComparableResults; manifest: Manifest; bytes: { results: Buffer; manifest: Buffer } } | undefined {
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

/**
 * Steps 0 and 3–8 for one loaded analysis: reuse the version if it is up to date, refuse if it
 * exists with different inputs (unless `replace`), else build it.
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
  try {
    const date = plan.date.value;
    // 3. results
    const cache = options.cache === false ? undefined : new ResultsCache(options.outRoot, options.env);
    const results = computeResults(analysis, plan, cache, options.log, cwd);

    // 4. figures
    const { buildFigures } = await import('./figures/build.ts');
    let figures: Awaited<ReturnType<typeof buildFigures>>;
    try {
      figures = await buildFigures(results, spec, { maxPngPixels: limits.pngPixels });
    } catch (error) {
      if (error instanceof LimitError) throw new UserError([{ severity: 'error', code: `limit.${error.limit}`, message: error.message, hint: error.hint, file: analysis.specFile, ...(spec.output.dpi ? { field: 'output.dpi' } : {}) }]);
      throw error;
    }
    const figureHashes: Manifest['figures'] = [];
    // Vega's compile and render warnings (a mark without data, a truncated label, ...) are printed
    // by the command line, never silently dropped: the figure may not look as intended
    const renderWarnings: Diagnostic[] = figures.flatMap((figure) =>
      figure.warnings.map((warning) => ({ severity: 'warning' as const, code: 'figure.render-warning', message: runMessages.renderWarning(figure.id, warning.replace(/^(warn|error): /, '')), hint: runMessages.renderWarningHint(), file: relative(cwd, join(plan.target, 'figures', `${figure.id}.vl.json`)) })),
    );
    for (const figure of figures) {
      const svg = staged.write({ path: `figures/${figure.id}.svg`, content: figure.svg });
      staged.write({ path: `figures/${figure.id}.png`, content: figure.png });
      staged.write({ path: `figures/${figure.id}.vl.json`, content: `${JSON.stringify(figure.vegaLite, null, 2)}\n` });
      if (figure.csv) staged.write({ path: `figures/${figure.id}.csv`, content: figure.csv });
      figureHashes.push({ id: figure.id, title: figure.title, svg: svg.sha256 });
    }

    // 5. what changed since the previous version
    let changes: VersionComparison | null = null;
    if (previous) {
      changes = compareVersions(
        { results: previous.results, date: previous.manifest.date?.value ?? null, figures: previous.manifest.figures ?? [] },
        { results: results as unknown as ComparableResults, date, figures: figureHashes },
      );
    }
    const finalResults: AnalysisResults = { ...results, changes };
    staged.write({ path: 'results.json', content: `${JSON.stringify(finalResults, null, 2)}\n` });
    // summary of findings as CSV and Word table, from the same results (src/document/findings-export.ts)
    for (const file of await (await import('./document/findings-export.ts')).findingsFiles(finalResults, spec.title, date)) staged.write(file);

    // 6. document
    const [{ buildDocumentView }, { renderHtml }] = await Promise.all([import('./document/view.ts'), import('./document/render.ts')]);
    const software = await softwareVersions();
    const view = buildDocumentView({ spec, results: finalResults, date, software, ...(analysis.characteristics ? { characteristics: analysis.characteristics } : {}), figures: figures.map((f) => ({ id: f.id, title: f.title, caption: f.caption, svg: f.svg })) });
    const html = renderHtml(view);
    staged.write({ path: 'supplement.html', content: html });
    if (view.references.length > 0) {
      const { toBibTeX, toRis } = await import('./document/references.ts');
      staged.write({ path: 'references.bib', content: toBibTeX(view.references) });
      staged.write({ path: 'references.ris', content: toRis(view.references) });
    }

    // 7. pdf
    let pdfError: Diagnostic | undefined;
    let chromium: string | null = null;
    if (options.pdf) {
      const [{ findBrowser }, { printPdf }] = await Promise.all([import('./pdf/browser.ts'), import('./pdf/print.ts')]);
      const browser = await findBrowser(options.env);
      if (!browser) {
        pdfError = { severity: 'error', code: 'pdf.no-browser', message: runMessages.browserMissing(), hint: runMessages.browserMissingHint() };
      } else {
        try {
          const printed = await printPdf(html, browser, {
            paper: spec.output.paper,
            footerLabel: `${spec.title} — version ${spec.version}`,
            date,
            contents: { sections: view.sections.map((s) => ({ id: s.id, title: s.title })), render: (pages) => renderHtml(view, { pages }) },
          });
          const { withMetadata } = await import('./pdf/metadata.ts');
          const pdf = withMetadata(printed.pdf, {
            title: spec.title,
            ...(spec.authors.length > 0 ? { author: spec.authors.join('; ') } : {}),
            subject: spec.subtitle ?? 'Supplementary material: diagnostic test accuracy meta-analysis',
            keywords: ['diagnostic test accuracy', 'meta-analysis', 'bivariate model', 'SROC', spec.index_test, spec.target_condition].filter((k): k is string => Boolean(k)).join('; '),
            creator: `metadx ${METADX_VERSION}`,
            date,
          });
          staged.write({ path: 'supplement.pdf', content: pdf });
          chromium = printed.browserVersion;
        } catch (error) {
          const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error);
          pdfError = { severity: 'error', code: 'pdf.failed', message: runMessages.pdfFailed(detail), hint: runMessages.pdfFailedHint() };
        }
      }
    }
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
        engine: ENGINE_VERSION,
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
      figures: figureHashes,
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
    return { directory, status, results: finalResults, manifest, files: fileList(manifest), ...(pdfError ? { pdfError } : {}), ...(plan.previous ? { previous: plan.previous.version } : {}), ...(renderWarnings.length > 0 ? { warnings: renderWarnings } : {}) };
  } catch (error) {
    staged.discard();
    if (error instanceof UserError) throw error;
    throw writeError(error, plan.target, cwd) ?? error;
  }
}
